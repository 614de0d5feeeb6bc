"""``mlkg validate``: check RDF files or mlkg/OpenMetadata JSON against SHACL rule packs.

Exit codes: 0 the data conforms, 1 it does not (a result at least as serious as ``--fail-on``), 2 unreadable
input, an unknown pack or a usage error. The report goes to stdout (text grouped by entity, or JSON: ``conforms``
is SHACL's ``sh:conforms``, false for any result, ``passed`` is the pass/fail under ``--fail-on`` that the exit
code gives); messages go to stderr.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import typer

from ..errors import InputError
from . import _options as opt
from ._errors import fail, handle_errors

FORMATS = ("text", "json")


def load_inputs(files: Sequence[str], store: str | None = None, as_of: str | None = None) -> Any:
    """Read files into one rdflib graph with the lineage super-property triples.

    ``.json`` files are mlkg/OpenMetadata JSON (checked against the JSON Schema first) unless they carry an
    ``@context`` (then JSON-LD); other files are RDF by suffix. This is where a ``--store`` option plugs in.

    :raises InputError: naming the file and, for JSON, the path; for RDF syntax errors, line and column.
    """
    # lazy: loaded when the command runs, so `mlkg --help` stays fast (rdflib, mlkg.rdf)
    from ..rdf.build import new_graph
    from ..rdf.closure import add_super_properties
    from ..rdf.formats import load_graph

    if store:
        from ..io import open_source  # lazy: loaded when the command runs, so `mlkg --help` stays fast
        from ..store import graph_from  # lazy: loaded when the command runs, so `mlkg --help` stays fast

        source = open_source(None, store, as_of=as_of) if as_of else store  # --as-of: the store as it was then
        g = graph_from(None, source, copy=True)  # validation walks every triple: copy the store into memory
        if files:
            g += load_inputs(files)
        return g
    if as_of:
        raise InputError("--as-of reads a store's history: give --store too", source="--as-of",
                         expected="--store memory:|oxigraph:PATH")
    if not files:
        raise InputError("no input files", expected="one or more RDF or JSON files, or --store STORE")
    named = [f for f in files if f != "-"]
    from ..io import convert_files  # lazy: loaded when the command runs, so `mlkg --help` stays fast

    g = convert_files(named) if named else new_graph()
    if len(named) < len(files):
        load_graph(["-"], graph=g)  # Turtle on stdin
    add_super_properties(g)
    return g


def run(files: Sequence[str], *, store: str | None = None, packs: Sequence[str] = ("core",), fmt: str = "text",
        fail_on: str = "Violation", graph: Any = None, engine: str = "auto", quiet: bool = True,
        output: str | None = None, report_json: str | None = None,
        as_of: str | None = None) -> int:
    """Validate and print the report (or write it to ``output``; ``report_json`` also gets the JSON report);
    returns the exit code (0 passes, 1 does not). Files are written atomically: the old file or the new one.
    Unless ``quiet``, a spinner on stderr (on a terminal only) says what is being done."""
    from ..validate import read_files, validate  # lazy: rich and the validator load only when the command runs
    from ._output import progress, write_text  # lazy: rich and the validator load only when the command runs

    if graph is not None:
        g = graph
    else:
        with progress(f"reading {len(files)} file(s)" + (f" and {store}" if store else ""), quiet=quiet):
            g = None
            if store and not files:
                from ..store import open_store  # lazy: the store backends load only for --store

                if as_of:
                    from ..history.log import parse_time  # lazy: history loads only for --as-of

                    parse_time(as_of)  # a bad time is an error before the store is opened
                g = open_store(store)  # an oxigraph: store is validated in place (no copy into memory)
                if as_of:
                    from ..history.log import as_of as store_as_of  # lazy: history loads only for --as-of

                    g = store_as_of(g, as_of)  # the store as it was then (an in-memory oxigraph store)
            elif not store and not as_of:
                g = read_files(files)  # N-Triples/Turtle straight into pyoxigraph; None: read them with rdflib
            if g is None:
                g = load_inputs(files, store, as_of)
    with progress(f"validating {len(g)} triples against {', '.join(packs) or 'core'}", quiet=quiet):
        report = validate(g, packs=tuple(packs) or ("core",), fail_on=fail_on, engine=engine)
    text = report.dumps() if fmt == "json" else report.text()
    if report_json:
        write_text(text if fmt == "json" else report.dumps(), report_json, note="report written to", quiet=True)
    if output and output != "-":
        write_text(text, output, note="report written to", quiet=True)
    else:
        typer.echo(text, nl=False)
    return 0 if report.conforms else 1


def register(app: typer.Typer) -> None:
    @app.command("validate")
    @handle_errors
    def validate_cmd(
        files: list[str] | None = typer.Argument(None, metavar="FILE...",
                                          help="RDF files (by suffix) or mlkg/OpenMetadata JSON ('-' for stdin "
                                               "Turtle)."),
        store: str | None = typer.Option(None, "--store", help="Validate a store's graph (memory:, "
                                            "oxigraph:PATH, sparql:URL) instead of, or besides, files."),
        pack: list[str] | None = typer.Option(None, "--pack", "-p", metavar="core|governance|PATH",
                                                 help="Rule pack: core, governance or a Turtle file of SHACL "
                                                      "shapes; repeat for several (default: core)."),
        fmt: str = typer.Option("text", "--format", "-f", help="Report format: text or json."),
        fail_on: str = typer.Option("Violation", "--fail-on",
                                    help="Least severe result that fails: Violation, Warning or Info."),
        engine: str = typer.Option("auto", "--engine", help="SHACL engine: auto, pyshacl (pySHACL's own "
                                   "validate()), pyshacl-focus or oxigraph; every engine gives the same results."),
        quiet: bool = typer.Option(False, "-q", "--quiet", help="No progress on stderr (errors are still "
                                                                  "printed)."),
        output: str | None = typer.Option(None, "--output", "-o", metavar="FILE",
                                          help="Write the report to FILE instead of stdout (atomically: the old "
                                               "file or the new one, never half)."),
        report_json: str | None = typer.Option(None, "--report-json", metavar="FILE",
                                               help="Also write the JSON report to FILE (atomically)."),
        as_of: str | None = opt.as_of(),
    ) -> None:
        """Validate ML metadata against SHACL rule packs (exit 0 conforms, 1 does not, 2 bad input).

        \b
        Example:
          mlkg validate model.ttl
          mlkg validate models.json --pack core --pack governance
          mlkg validate graph.ttl --pack my-rules.ttl --format json
          mlkg validate graph.ttl --format json -o report.json
          mlkg validate --store oxigraph:./kg --as-of 2026-03-03
        """
        # lazy: the validator (pyshacl, rdflib) loads when the command runs, so `mlkg --help` stays fast
        from ..validate import ENGINES, PACKS, SEVERITIES

        if fmt not in FORMATS:
            raise fail(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
        if fail_on not in SEVERITIES:
            raise fail(f"--fail-on must be one of {', '.join(SEVERITIES)}, not {fail_on!r}")
        if engine != "auto" and engine not in ENGINES:
            raise fail(f"--engine must be auto or one of {', '.join(ENGINES)}, not {engine!r}")
        packs = list(pack or ["core"])
        for p in packs:
            if p not in PACKS and not Path(p).is_file():
                raise fail(f"{p}: no such rule pack (expected {', '.join(PACKS)} or the path of a Turtle file)")
        code = run(files or [], store=store, packs=packs, fmt=fmt, fail_on=fail_on, engine=engine, quiet=quiet,
                   output=output, report_json=report_json, as_of=as_of)
        if code:
            raise typer.Exit(code)
