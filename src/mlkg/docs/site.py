"""Build the documentation site (MkDocs with the Material theme) from ``docs/`` and the generated pages.

Why MkDocs Material: the pages are Markdown (the generated spec pages are Markdown tables and fenced blocks), it
renders Mermaid fences natively, its search runs in the browser without a server, and ``mkdocs build --strict``
turns every broken link and missing page into an error. Sphinx would need MyST for the same pages and gives nothing
mlkg needs on top.

The site must work with no network: the theme's web fonts are off, and Mermaid is bundled (``mermaid.min.js`` from
the npm package ``mermaid``; the theme loads its own copy from a CDN only when ``window.mermaid`` is missing).

``build(out)`` checks the generated pages are current, stages ``docs/`` with the assets (Mermaid, the ontology's
content-negotiation files, the tour's SVG drawn by ``mlkg diagram``), and runs MkDocs in strict mode.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import shlex
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..diagram import svg
from ..errors import InputError
from ..importers import registry
from ..rdf.formats import load_graph
from ..resources import resource_path
from . import benchmarks_page, importer_pages, ontology_page, reference, specs
from .ontology_page import write_negotiation_files
from .specs import PAGE_DIR, entity_classes, page_name

#: Where ``mlkg docs build`` looks for Mermaid's browser bundle, in order (``MLKG_MERMAID_JS`` first).
MERMAID_CANDIDATES = (
    Path("~/.cache/mlkg-docs/node_modules/mermaid/dist/mermaid.min.js").expanduser(),
    Path("node_modules/mermaid/dist/mermaid.min.js"),
)
MERMAID_INSTALL = "npm install --prefix ~/.cache/mlkg-docs mermaid@12.3.0"


def generated_pages() -> dict[str, Callable[[], str]]:
    """Every generated page: path under ``docs/`` → function returning its Markdown."""
    pages: dict[str, Callable[[], str]] = {
        "reference/ontology.md": ontology_page.render,
        "reference/cli.md": reference.cli_page,
        "reference/queries.md": reference.queries_page,
        "reference/packs.md": reference.packs_page,
        benchmarks_page.PAGE: benchmarks_page.render,
    }
    for path, text in specs.pages().items():
        pages[path] = functools.partial(str, text)
    for path, text in importer_pages.pages().items():
        pages[path] = functools.partial(str, text)
    return pages


def docs_root() -> Path:
    return resource_path("docs")


def write_pages(root: Path | None = None, *, check: bool = False) -> list[str]:
    """Write (or with ``check``, compare) the generated pages; returns the paths that were stale."""
    root = root or docs_root()
    stale = []
    for rel, make in sorted(generated_pages().items()):
        path = root / rel
        text = make()
        if path.exists() and path.read_text() == text:
            continue
        stale.append(rel)
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    if not check:  # pages of classes or importers that no longer exist
        known = set(generated_pages())
        for path in [*(root / "reference" / "entities").glob("*.md"), *(root / "importers").glob("*.md")]:
            rel = str(path.relative_to(root))
            if rel not in known:
                path.unlink()
                stale.append(rel)
    return stale


def mermaid_js() -> Path:
    env = os.environ.get("MLKG_MERMAID_JS")
    for candidate in ([Path(env)] if env else []) + list(MERMAID_CANDIDATES):
        if candidate.is_file():
            return candidate
    raise InputError(f"mermaid.min.js not found (set MLKG_MERMAID_JS or run: {MERMAID_INSTALL})",
                     source="docs build", expected="the npm package mermaid")


def _tour_svg(target: Path) -> None:
    g = load_graph([resource_path("examples", "output", "fraud_detection.ttl")])
    target.write_text(svg(g, "snowflake.analytics.public.transactions", direction="down"))


_RUN = re.compile(r"^<!-- run: (mlkg [^>]*?) -->$", re.M)


def run_command(line: str) -> str:
    """Run one ``mlkg ...`` command line from the checkout's root, as a user would; returns its stdout.

    :raises InputError: if the command exits with a code other than 0 or 1 (1 is "does not conform").
    """
    # lazy: mlkg.cli is the layer above docs (pyproject's one ignored edge), loaded only to run it
    from typer.testing import CliRunner

    from ..cli import get_app

    args = shlex.split(line)[1:]
    root = resource_path("examples").parent
    cwd = Path.cwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(get_app(), args, prog_name="mlkg", env={"COLUMNS": "100", "TERM": "dumb"},
                                    terminal_width=100)
    finally:
        os.chdir(cwd)
    if result.exit_code not in (0, 1):
        raise InputError(f"{line!r} exited with {result.exit_code}: {result.output.strip()[:300]}",
                         source="docs/", expected="a command that runs")
    return result.stdout


def expand_runs(text: str) -> str:
    """Replace each ``<!-- run: mlkg ... -->`` line by the command and its output."""

    def block(m: re.Match[str]) -> str:
        line = m.group(1)
        output = run_command(line).rstrip()
        lang = "mermaid" if "--format mermaid" in line else "text"
        shown = f"```bash\n{line}\n```\n\n"
        return shown + f"```{lang}\n{output}\n```"

    return _RUN.sub(block, text)


def stage(out: Path) -> Path:
    """Copy ``docs/`` and mkdocs.yml into ``out`` with the assets the site needs; returns the config path."""
    docs = out / "docs"
    shutil.copytree(docs_root(), docs)
    for page in docs.rglob("*.md"):
        text = page.read_text()
        if _RUN.search(text):
            page.write_text(expand_runs(text))
    assets = docs / "assets"
    assets.mkdir(exist_ok=True)
    shutil.copy(mermaid_js(), assets / "mermaid.min.js")
    _tour_svg(assets / "fraud_lineage.svg")
    write_negotiation_files(docs / "reference" / "ns")
    config = out / "mkdocs.yml"
    marker = "# entity pages: added by mlkg.docs.site when the site is staged"
    template = resource_path("mkdocs.yml").read_text()
    indent = template[:template.index(marker)].rsplit("\n", 1)[1]
    entries = "\n".join(f"{indent}- {c.__name__}: {PAGE_DIR}/{page_name(c)}" for c in entity_classes())
    text = template.replace(indent + marker, entries)
    imarker = "# importer pages: added by mlkg.docs.site when the site is staged"
    iindent = text[:text.index(imarker)].rsplit("\n", 1)[1]
    text = text.replace(iindent + imarker, "\n".join(f"{iindent}- {n}: importers/{n}.md" for n in registry.names()))
    config.write_text(text)
    return config


def build(site_dir: str | Path, *, strict: bool = True) -> Path:
    """Build the site into ``site_dir`` (warnings are errors with ``strict``).

    :raises InputError: if a generated page is stale or the build reports a warning.
    """
    stale = write_pages(check=True)
    if stale:
        raise InputError(f"{len(stale)} generated page(s) are stale, e.g. {stale[0]}: run python -m mlkg.tools."
                         "generate", source="docs/", expected="pages generated from the current code")
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, BuildError, ConfigurationError

    site = Path(site_dir).resolve()
    warnings = _Warnings()
    log = logging.getLogger("mkdocs")
    log.addHandler(warnings)
    try:
        with tempfile.TemporaryDirectory(prefix="mlkg-docs-") as tmp:
            config_path = stage(Path(tmp))
            try:
                cfg = load_config(config_file=str(config_path), site_dir=str(site), strict=strict)
                mkdocs_build(cfg)
            except (Abort, BuildError, ConfigurationError) as exc:
                said = "; ".join(warnings.messages[:3])
                raise InputError(f"the documentation build failed: {exc}" + (f" ({said})" if said else ""),
                                 source="docs/", expected="a site that builds without warnings") from None
    finally:
        log.removeHandler(warnings)
    return site


class _Warnings(logging.Handler):
    """Keeps the text of MkDocs' warnings, so the error says which ones aborted a strict build."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m mlkg.docs.site", description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--out", default="site", help="site directory (default: site/)")
    args = parser.parse_args(argv)
    print(build(args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
