"""Regenerate every file mlkg derives from its schema, or check that none is stale.

One table, :data:`GEN_MAP`, says which artefact comes from which generator and lands where; one command runs it::

    python -m mlkg.tools.generate            # rewrite the stale files
    python -m mlkg.tools.generate --check    # write nothing; exit 1 and name the stale files
    python -m mlkg.tools.generate --only shapes --only context

The sources are the entity field specs (``src/mlkg/model``) and the ontology (``ontology/mlkg.ttl``). The vocabulary
is generated first, from the ontology alone, because the field specs are written with its terms: a new term must be
in ``mlkg.vocab`` before the model can import. Every other generator is imported only when its row runs.

To add an artefact, append an :class:`Artefact` to :data:`GEN_MAP`, or call :func:`register` from the module that
owns the generator.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..resources import resource_path


@dataclass(frozen=True)
class Artefact:
    """One generated artefact: a name for ``--only``, what it is, and the generator that renders its files."""

    name: str
    description: str
    generator: str
    """``module:function``; the function takes no argument and returns ``{path: text}``. Imported when run, so
    that a stale vocabulary cannot stop the vocabulary's own generator from importing."""

    def render(self) -> dict[Path, str]:
        module, _, func = self.generator.partition(":")
        fn: Callable[[], dict[Path, str]] = getattr(importlib.import_module(module), func)
        return fn()


#: artefact → generator → files, in the order they are generated (the vocabulary first: the model imports it).
GEN_MAP: list[Artefact] = [
    Artefact("vocab", "src/mlkg/vocab.py: the closed namespace of the ontology's terms",
             "mlkg.tools.gen_vocab:outputs"),
    Artefact("context", "contexts/mlkg.context.jsonld: the JSON-LD 1.1 context, from the field specs",
             "mlkg.rdf.context:outputs"),
    Artefact("shapes", "ontology/shapes/core.ttl: the SHACL shapes of every entity, from the field specs",
             "mlkg.schema.shapes:outputs"),
    Artefact("schemas", "src/mlkg/schema/*.schema.json: the JSON Schemas of mlkg JSON, from the field specs",
             "mlkg.schema.build:files"),
    Artefact("production", "what \"in production\" means, in governance.ttl and the production queries",
             "mlkg.validate.production:outputs"),
    Artefact("importers", "src/mlkg/importers/catalog.json: what mlkg import --list shows of the built-in importers, "
             "from their classes", "mlkg.importers.registry:catalog_outputs"),
    Artefact("docs", "docs/reference/**.md: the spec page of every entity class, the ontology, CLI, query and "
             "rule-pack references (mlkg.docs)", "mlkg.tools.generate:docs_pages"),
]


def docs_pages() -> dict[Path, str]:
    """The documentation's generated pages (:func:`mlkg.docs.site.generated_pages`) as ``{path: text}``."""
    from ..docs import site  # lazy: the docs render every layer, so they are imported only when their row runs

    root = site.docs_root()
    return {root / rel: make() for rel, make in sorted(site.generated_pages().items())}


def register(artefact: Artefact) -> None:
    """Add an artefact to :data:`GEN_MAP` (replacing one of the same name)."""
    GEN_MAP[:] = [a for a in GEN_MAP if a.name != artefact.name] + [artefact]


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(resource_path("ontology").resolve().parent))
    except ValueError:
        return str(path)


def run(*, check: bool = False, only: Iterable[str] = (), out: Callable[[str], None] = print) -> list[Path]:
    """Generate (or with ``check`` compare) the artefacts; return the files that were stale.

    :raises KeyError: for a name in ``only`` that no artefact has.
    """
    names = [a.name for a in GEN_MAP]
    wanted = list(only)
    for n in wanted:
        if n not in names:
            raise KeyError(f"no artefact {n!r}; known: {', '.join(names)}")
    stale: list[Path] = []
    for artefact in GEN_MAP:
        if wanted and artefact.name not in wanted:
            continue
        for path, text in artefact.render().items():
            current = path.read_text(encoding="utf-8") if path.exists() else None
            if current == text:
                continue
            stale.append(path)
            if check:
                out(f"stale: {_display(path)} ({artefact.name})")
            else:
                path.write_text(text, encoding="utf-8")
                out(f"wrote {_display(path)} ({artefact.name})")
        if not check and artefact.name == "vocab":
            importlib.invalidate_caches()
    return stale


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m mlkg.tools.generate", description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 if a generated file is stale")
    ap.add_argument("--only", action="append", default=[], metavar="NAME",
                    help="only this artefact (repeatable): " + ", ".join(a.name for a in GEN_MAP))
    args = ap.parse_args(argv)
    try:
        stale = run(check=args.check, only=args.only, out=lambda s: print(s, file=sys.stderr))
    except KeyError as e:
        print(f"error: {e.args[0]}", file=sys.stderr)
        return 2
    if args.check and stale:
        print("run: python -m mlkg.tools.generate", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
