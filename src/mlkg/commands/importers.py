"""``mlkg import NAME [SOURCE...]``: one generic command for every registered importer.

Each importer's options are generated from its config class (names from the option names, help from their
descriptions, plus the spellings the config declares, e.g. ``--no-runs``); ``--config recipe.yaml`` gives every
option at once and ``--set key=value`` one at a time (later wins: recipe, then ``--set``, then the options). The
import goes through :func:`mlkg.importers.pipeline.run`: ``-o FILE`` (format from the suffix or ``--format``;
written atomically), ``--store URL`` (replaces the import's named graph atomically) or stdout (Turtle). Progress
and the report go to stderr; ``--report-json FILE`` keeps the report; ``--strict`` turns failures, warnings and
skipped items into exit 2 with nothing written; ``--om-requests FILE`` also writes OpenMetadata create requests.
``mlkg import --list`` lists the importers with their capabilities, pip extra and whether their SDK is installed.
Importer modules are loaded only when their command is asked for, and platform SDKs only when an import runs.
"""

from __future__ import annotations

import inspect
import json
import typing
from pathlib import Path
from typing import Any, Optional

import typer
from typer.core import TyperGroup

from ..errors import InputError
from ._errors import fail, handle_errors

_OUTPUT_HELP = "Output file; the RDF format comes from the suffix (.ttl, .jsonld, .nt, .nq, .rdf, .trig)."

#: The options every importer command has: parameter name → (flags, type, help).
COMMON: dict[str, tuple[tuple[str, ...], Any, str]] = {
    "output": (("-o", "--output"), Optional[str], _OUTPUT_HELP),
    "store": (("--store",), Optional[str], "Store URL (memory:, oxigraph:PATH, sparql:URL); the import replaces "
              "its own named graph there."),
    "graph": (("--graph",), Optional[str], "With --store: the named graph to (re)place the import in (default "
              "one per source)."),
    "fmt": (("--format", "-f"), Optional[str], "RDF format: turtle, jsonld, nt, nq, rdfxml, trig."),
    "strict": (("--strict",), bool, "Fail (exit 2, nothing written) on any failure, warning or skipped item."),
    "quiet": (("--quiet", "-q"), bool, "No progress or report on stderr."),
    "report_json": (("--report-json",), Optional[str], "Write the import report as JSON to this file."),
    "base": (("--base",), Optional[str], "Base IRI of instance IRIs (default MLKG_BASE or w3id.org/mlkg/id/)."),
    "om_requests": (("--om-requests",), Optional[str], "Also write OpenMetadata create requests to this file: "
                    "JSON Lines, one CreateMlModelServiceRequest or CreateMlModelRequest body per line, services "
                    "first (as convert --shape create)."),
    "recipe": (("--config",), Optional[str], "A YAML recipe giving the importer's options (a mapping of option "
               "names, or {importer: NAME, config: {...}})."),
    "sets": (("--set",), Optional[list[str]], "Set one option: --set key=value (repeat)."),
    "no_provenance": (("--no-provenance",), bool, "Do not write the PROV-O description of the import."),
    "check": (("--check",), bool, "Only test the connection (SDK installed, source there, server answering); "
              "import nothing."),
}


class ImportGroup(TyperGroup):
    """The ``import`` group: one command per registered importer, built when it is asked for."""

    def list_commands(self, ctx: Any) -> list[str]:
        # lazy: mlkg.importers loads mlkg.model and rdflib; `mlkg --help` does not need them
        from ..importers import registry

        return sorted(set(super().list_commands(ctx)) | set(registry.names()))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        cmd = super().get_command(ctx, cmd_name)
        if cmd is not None:
            return cmd
        # lazy: mlkg.importers loads mlkg.model and rdflib; `mlkg --help` does not need them
        from ..importers import registry

        if cmd_name not in registry.registered():
            return None
        try:
            cls = registry.get(cmd_name)
        except Exception as e:
            typer.echo(f"mlkg: {e}", err=True)
            return None
        cmd = importer_command(cls)
        self.add_command(cmd, cmd_name)
        return cmd


import_app = typer.Typer(
    name="import",
    cls=ImportGroup,
    help="Import ML metadata from a platform (mlkg import --list shows every importer).",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@import_app.callback(invoke_without_command=True)
def _group(
    ctx: typer.Context,
    list_: bool = typer.Option(False, "--list", help="List the importers: capabilities, pip extra, SDK installed."),
    fmt: str = typer.Option("text", "--format", "-f", help="With --list: text or json."),
) -> None:
    """Import ML metadata from a platform into the graph (mlkg import --list shows every importer)."""
    if ctx.invoked_subcommand is not None:
        return
    if not list_:
        typer.echo(ctx.get_help())
        raise typer.Exit(0)
    _print_list(fmt)
    raise typer.Exit(0)


def importer_listing() -> list[dict[str, Any]]:
    """What ``mlkg import --list --format json`` prints: one object per registered importer."""
    # lazy: mlkg.importers loads mlkg.model and rdflib; `mlkg --help` does not need them
    from ..importers import registry

    out = []
    for name, reg in registry.registered().items():
        item: dict[str, Any] = {"name": name, "target": reg.target, "distribution": reg.distribution,
                                "version": reg.version}
        try:
            item.update(registry.info(name))  # mlkg's own from the generated catalog: no importer module loaded
        except Exception as e:
            item["error"] = str(e)
        out.append(item)
    return out


def _print_list(fmt: str) -> None:
    items = importer_listing()
    if fmt == "json":
        typer.echo(json.dumps(items, indent=2))
        return
    if fmt != "text":
        raise fail(f"--format must be text or json (got {fmt!r})")
    for item in items:
        if "error" in item:
            typer.echo(f"{item['name']}  (cannot be loaded: {item['error']})\n")
            continue
        if not item["sdk"]:
            sdk = "no SDK needed"
        elif item["sdk_installed"]:
            sdk = "SDK installed"
        else:
            sdk = f"SDK missing: pip install 'mlkg[{item['extra']}]'"
        origin = "" if item["distribution"] == "mlkg" else f", from {item['distribution']} {item['version']}"
        typer.echo(f"{item['name']}  ({sdk}{origin})\n  {item['summary']}")
        for cap, text in item["capabilities"].items():
            typer.echo(f"  - {cap}: {text}")
        typer.echo("")


# ---------------------------------------------------------------------------------------------------------------
# One command per importer, generated from its config
# ---------------------------------------------------------------------------------------------------------------


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _cli_type(annotation: Any) -> Any:
    """The Typer parameter type of an option: Optional[...] so that "not given" is None."""
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is tuple:
        return Optional[list[str]]
    if args and len(args) == 1 and typing.get_origin(args[0]) is None:
        annotation = args[0]
    if annotation in (bool, int, float, str):
        return Optional[annotation]
    return Optional[str]


def importer_command(cls: Any) -> Any:
    """The click command of ``mlkg import NAME`` for the importer class ``cls``."""
    # lazy: mlkg.importers loads mlkg.model and rdflib; `mlkg --help` does not need them
    from ..importers.base import describe

    infos = [o for o in describe(cls.Config) if o.cli is not False]
    params: list[inspect.Parameter] = []
    fields: dict[str, str] = {}  # parameter name → option name
    offs: dict[str, str] = {}  # parameter name → boolean option the flag turns off
    taken = {flag for flags, _, _ in COMMON.values() for flag in flags}

    def add(pname: str, default: Any, annotation: Any) -> None:
        params.append(inspect.Parameter(pname, inspect.Parameter.KEYWORD_ONLY, default=default,
                                        annotation=annotation))

    if cls.source_option:
        src = next(o for o in describe(cls.Config) if o.name == cls.source_option)
        add("sources", typer.Argument(None, metavar="SOURCE", show_default=False,
                                      help=f"{src.description} (the {src.name} option)"), Optional[list[str]])
    for o in infos:
        flags = [_flag(o.name), *(o.cli if isinstance(o.cli, tuple) else ())]
        for f in flags:
            if f in taken:
                raise ValueError(f"importer {cls.name!r}: option {o.name} would take the flag {f}, already used")
            taken.add(f)
        shown = "" if o.secret or o.default in (None, "", ()) else f" [default: {_default_text(o.default)}]"
        choices = f" One of: {', '.join(o.choices)}." if o.choices else ""
        help_text = o.description + choices + shown
        ann = _cli_type(o.annotation)
        decls = flags
        if ann == Optional[bool]:
            negative = f"--no-{flags[0][2:]}"
            if negative in taken:
                raise ValueError(f"importer {cls.name!r}: flag {negative} is used twice")
            taken.add(negative)
            decls = [f"{flags[0]}/{negative}", *flags[1:]]
        pname = "opt_" + o.name
        fields[pname] = o.name
        metavar = None if ann == Optional[bool] else _METAVARS.get(ann, "TEXT")
        add(pname, typer.Option(None, *decls, help=help_text, show_default=False, metavar=metavar), ann)
        for off in o.cli_off:
            if off in taken:
                raise ValueError(f"importer {cls.name!r}: flag {off} is used twice")
            taken.add(off)
            oname = "off_" + o.name + "_" + str(len(offs))
            offs[oname] = o.name
            add(oname, typer.Option(False, off, help=f"Same as --no-{flags[0][2:]}."), bool)
    for pname, (common_flags, ann, common_help) in COMMON.items():
        default = False if ann is bool else None
        add(pname, typer.Option(default, *common_flags, help=common_help), ann)

    def command(**kw: Any) -> None:
        _run(cls, kw, fields, offs)

    command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in params}
    examples = "".join(f"\n  {e}" for e in cls.examples)
    command.__doc__ = (cls.summary() + "\n\n" + "Options are those of the importer's config (mlkg import options "
                       f"{cls.name}); --config and --set give them from a file or one by one."
                       + (f"\n\n\b\nExamples:{examples}" if examples else ""))
    app = typer.Typer(rich_markup_mode=None, add_completion=False)
    app.command(cls.name)(handle_errors(command))
    return typer.main.get_command(app)


_METAVARS = {Optional[int]: "INT", Optional[float]: "NUMBER", Optional[str]: "TEXT", Optional[list[str]]: "TEXT"}


def _default_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ",".join(map(str, value))
    return str(value)


def _recipe(path: str, name: str) -> dict[str, Any]:
    import yaml

    p = Path(path)
    if not p.is_file():
        raise InputError("no such file", source=path)
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise InputError(f"not YAML: {getattr(e, 'problem', None) or e}", source=path,
                         line=mark.line + 1 if mark is not None else None) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError("a recipe is a mapping", source=path, expected="option: value lines")
    if "config" in data or "importer" in data:
        extra = set(data) - {"importer", "config"}
        if extra:
            raise InputError(f"unknown key {sorted(extra)[0]!r}", source=path, expected="importer and config")
        if data.get("importer") not in (None, name):
            raise InputError(f"this recipe is for the importer {data['importer']!r}, not {name!r}", source=path,
                             path="importer")
        data = data.get("config") or {}
        if not isinstance(data, dict):
            raise InputError("not a mapping", source=path, path="config", expected="option: value lines")
    return data


def _run(cls: Any, kw: dict[str, Any], fields: dict[str, str], offs: dict[str, str]) -> None:
    # lazy: mlkg.importers loads mlkg.model and rdflib; `mlkg --help` does not need them
    from ..importers.base import coerce, config_from
    from ..importers.pipeline import run

    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    if kw["recipe"]:
        for k, v in _recipe(kw["recipe"], cls.name).items():
            values[str(k)] = v
            origin[str(k)] = kw["recipe"]
    for item in kw["sets"] or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise fail(f"--set needs key=value (got {item!r})")
        values[key.strip()] = value
        origin[key.strip()] = "--set"
    if cls.source_option and kw.get("sources"):
        srcs = list(kw["sources"])
        opt = cls.source_option
        is_list = typing.get_origin(typing.get_type_hints(cls.Config).get(cls.source_option)) is tuple
        if not is_list and len(srcs) > 1:
            raise fail(f"mlkg import {cls.name} takes one SOURCE (got {len(srcs)}: {' '.join(srcs)})")
        values[opt] = tuple(srcs) if is_list else srcs[0]
        origin[opt] = f"mlkg import {cls.name}"
    for pname, oname in fields.items():
        if kw.get(pname) is not None:
            values[oname] = tuple(kw[pname]) if isinstance(kw[pname], list) else kw[pname]
            origin[oname] = f"mlkg import {cls.name}"
    for pname, oname in offs.items():
        if kw.get(pname):
            values[oname] = False
            origin[oname] = f"mlkg import {cls.name}"
    values = cls.cli_values(values)
    by_origin: dict[str, dict[str, Any]] = {}
    for k in values:
        by_origin.setdefault(origin.get(k, f"mlkg import {cls.name}"), {})[k] = values[k]
    # check each origin's values on their own first, so an error names the recipe file or --set
    hints = typing.get_type_hints(cls.Config)
    names = set(hints)
    for where, vals in by_origin.items():
        for k, v in vals.items():
            key = k.replace("-", "_")
            if key not in names:
                raise InputError(f"unknown option {k!r}", source=where, path=k,
                                 expected="one of " + ", ".join(sorted(names)))
            values[k] = coerce(hints[key], v, where=where, name=key)
    try:
        config = config_from(cls.Config, values, where=f"mlkg import {cls.name}")
    except InputError as e:
        if e.path and e.path in origin:
            raise InputError(e.message, source=origin[e.path], path=e.path, expected=e.expected) from None
        raise
    importer = cls(config)
    if kw["check"]:
        importer.test_connection()
        typer.echo(f"ok: {importer.source()}", err=True)
        return
    from ._output import progress  # lazy: rich

    output = kw["output"] if kw["output"] else (None if kw["store"] else "-")
    # progress: a spinner showing the importer's latest line, on a terminal only (the report follows anyway)
    with progress(f"importing {importer.source()}", quiet=kw["quiet"]) as update:
        importer.report.progress = update
        report = run(importer, output=output, fmt=kw["fmt"], store=kw["store"], graph=kw["graph"], base=kw["base"],
                     strict=kw["strict"], om_requests=kw["om_requests"], report_json=kw["report_json"],
                     with_provenance=not kw["no_provenance"])
    if not kw["quiet"]:
        if kw["output"]:
            where = f" → {kw['output']}"
        elif kw["store"]:
            where = f" → {kw['store']} graph <{report.graph}>"
        else:
            where = ""
        typer.echo(report.text() + f"\n{report.triples} triples{where}", err=True)


@import_app.command("options")
@handle_errors
def import_options(name: str = typer.Argument(..., help="An importer name (mlkg import --list).")) -> None:
    """List an importer's options with their types, defaults and descriptions."""
    # lazy: mlkg.importers loads mlkg.model and rdflib; `mlkg --help` does not need them
    from ..importers import describe, get

    try:
        cls = get(name)
    except ValueError as e:
        raise fail(str(e)) from None
    for o in describe(cls.Config):
        typer.echo(f"{o.name} = {o.default!r}  ({o.type})\n    {o.description}")


def register(app: typer.Typer) -> None:
    """Add ``mlkg import ...`` to the CLI."""
    app.add_typer(import_app, name="import")
