"""``mlkg convert``: OpenMetadata JSON, mlkg JSON-LD or any RDF file → Turtle, JSON-LD, N-Triples, RDF/XML, TriG.

The library (:func:`mlkg.io.read_inputs` reads the inputs) is imported inside the command (marked ``lazy``), so
``mlkg --help`` starts without rdflib's SPARQL engine and pyld.
"""

from __future__ import annotations

import json
from typing import Any

import typer

from . import _options as opt
from ._errors import fail, handle_errors
from ._output import progress, write_text

FROM_CHOICES = ("auto", "openmetadata", "mlkg", "jsonld", "turtle", "nt", "nq", "rdfxml", "trig")
TO_CHOICES = ("turtle", "jsonld", "nt", "nq", "rdfxml", "trig", "openmetadata")


def _context_ref(context: str, output: str | None) -> str:
    """``embed``, ``url``, or FILE: the bundled context written to FILE, referred to relative to the output."""
    if context in ("embed", "url"):
        return context
    import os

    # lazy: see the module docstring
    from ..rdf.context import render
    from ..rdf.formats import write_atomic

    write_atomic(context, render())
    where = os.path.dirname(os.path.abspath(output)) if output and output != "-" else os.getcwd()
    return os.path.relpath(os.path.abspath(context), where)


def register(app: typer.Typer) -> None:
    @app.command("convert")
    @handle_errors
    def convert(
        inputs: list[str] | None = typer.Argument(None, metavar="INPUT...",
                                                     help="Files to convert ('-' for stdin), or --store."),
        from_: str = typer.Option("auto", "--from", help="Input kind: " + "|".join(FROM_CHOICES) +
                                  " (auto: .json → openmetadata, .jsonld → jsonld, else by suffix)."),
        to: str = typer.Option("turtle", "--to", help="Output format: " + "|".join(TO_CHOICES) + "."),
        output: str | None = opt.output(),
        service: str | None = typer.Option(None, "--service", help="MlModelService JSON for models that "
                                              "do not name their service (OpenMetadata sample data)."),
        engine: str = typer.Option("fast", "--engine", help="fast (compiled) or pyld (reference JSON-LD)."),
        base: str | None = typer.Option(None, "--base", help="Base IRI for instances (default "
                                           "$MLKG_BASE or https://w3id.org/mlkg/id/)."),
        shape: str = typer.Option("api", "--shape", help="With --to openmetadata: api | create | sample-data."),
        allow_remote: bool = typer.Option(False, "--allow-remote",
                                          help="Allow fetching remote JSON-LD contexts (off by default)."),
        store: str | None = opt.store(),
        context: str = typer.Option("embed", "--context", metavar="embed|url|FILE",
                                    help="With --to jsonld: embed mlkg's context (readable offline by any "
                                         "JSON-LD processor), name it by its url, or write it to FILE and "
                                         "refer to that."),
        quiet: bool = opt.quiet(),
    ) -> None:
        """Convert ML metadata between OpenMetadata JSON and RDF formats.

        \b
        Example:
          mlkg convert model.json --to turtle -o model.ttl
          mlkg convert sample_models.json --service mlflow_service.json --to jsonld
          mlkg convert model.ttl --to openmetadata
        """
        # lazy: see the module docstring
        from ..ids import check_base
        from ..io import read_inputs

        if from_ not in FROM_CHOICES:
            raise fail(f"--from must be one of {', '.join(FROM_CHOICES)} (got {from_!r})")
        if to not in TO_CHOICES:
            raise fail(f"--to must be one of {', '.join(TO_CHOICES)} (got {to!r})")
        if engine not in ("fast", "pyld"):
            raise fail(f"--engine must be fast or pyld (got {engine!r})")
        if shape not in ("api", "create", "sample-data"):
            raise fail(f"--shape must be api, create or sample-data (got {shape!r})")
        if base:
            try:
                check_base(base)
            except ValueError as e:
                raise fail(str(e)) from None
        if not store and not inputs:
            raise fail("give INPUT files or --store STORE")
        with progress(f"reading {len(inputs or [])} input(s)" + (f" and {store}" if store else ""), quiet=quiet):
            g = read_inputs(inputs or [], store=store, from_=from_, service=service, engine=engine, base=base,
                            allow_remote=allow_remote)
        with progress(f"writing {len(g)} triples as {to}", quiet=quiet):
            text = _render(g, to, shape, base, context, output, quiet)
        write_text(text, output, note=f"wrote {len(g)} triples to", quiet=quiet)


def _render(g: Any, to: str, shape: str, base: str | None, context: str, output: str | None, quiet: bool) -> str:
    """The converted text of ``g``."""
    # lazy: see the module docstring
    from ..importers.base import ImportReport
    from ..importers.openmetadata import create_requests
    from ..model.json import document_to_json
    from ..rdf.formats import normalize_format, serialize
    from ..rdf.reader import from_graph

    if to == "openmetadata":
        ents = from_graph(g, base=base)
        if shape == "create":
            # exactly OpenMetadata's CreateMlModelRequest / CreateMlModelServiceRequest properties
            report = ImportReport(source="convert")
            doc: Any = create_requests(ents, report)
            for w in report.warnings if not quiet else ():
                typer.echo(f"mlkg: note: {w}", err=True)
        else:
            doc = document_to_json(ents, shape=shape)
        text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    else:
        text = serialize(g, normalize_format(to), context=_context_ref(context, output))
    return text
