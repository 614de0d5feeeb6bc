"""``mlkg convert``: OpenMetadata JSON, mlkg JSON-LD or any RDF file → Turtle, JSON-LD, N-Triples, RDF/XML, TriG.

The library (:func:`mlkg.io.read_inputs` reads the inputs) is imported inside the command (marked ``lazy``), so
``mlkg --help`` starts without rdflib's SPARQL engine and pyld.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from . import _options as opt
from ._errors import fail, handle_errors
from ._output import echo_notes, progress, write_text

FROM_CHOICES = ("auto", "openmetadata", "mlkg", "jsonld", "turtle", "nt", "nq", "rdfxml", "trig")
TO_CHOICES = ("turtle", "jsonld", "nt", "nq", "rdfxml", "trig", "openmetadata", "mlkg")


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
        service: str | None = typer.Option(None, "--service", metavar="FILE|FQN",
                                           help="The service of models that name none (OpenMetadata sample "
                                                "data): a service JSON file in any shape OpenMetadata uses "
                                                "(entity, create request, sample data's service.json), or a "
                                                "service FQN."),
        engine: str = typer.Option("fast", "--engine", help="fast (compiled) or pyld (reference JSON-LD)."),
        base: str | None = typer.Option(None, "--base", help="Base IRI for instances (default "
                                           "$MLKG_BASE or https://w3id.org/mlkg/id/)."),
        shape: str = typer.Option("api", "--shape", help="With --to openmetadata: api (entities as the API "
                                  "returns them, ids included), create (request bodies as JSON Lines, services "
                                  "first), sample-data (-o DIR: service.json and models.json as in OpenMetadata's "
                                  "sample data). --to mlkg keeps mlkg's additions (versions, metrics, ...)."),
        allow_remote: bool = typer.Option(False, "--allow-remote",
                                          help="Allow fetching remote JSON-LD contexts (off by default)."),
        store: str | None = opt.store(),
        as_of: str | None = opt.as_of(),
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
          mlkg convert models.json --service mlflow_svc --to openmetadata --shape create -o requests.jsonl
          mlkg convert models.ttl --to openmetadata --shape sample-data -o sample_data/models
          mlkg convert --store oxigraph:./kg --as-of 2026-03-03 --to nt -o then.nt
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
        if to == "openmetadata" and shape == "sample-data" and (not output or output == "-"):
            raise fail("--shape sample-data writes a folder (service.json and models.json): give -o DIR")
        svc = resolve_service(service)
        if not as_of and _without_graph(inputs or [], store, from_, to, output, quiet):
            return
        with progress(f"reading {len(inputs or [])} input(s)" + (f" and {store}" if store else ""), quiet=quiet):
            g = read_inputs(inputs or [], store=store, from_=from_, service=svc, engine=engine, base=base,
                            allow_remote=allow_remote, as_of=as_of)
        if svc is None and not quiet and any(_is_json(i, from_) for i in inputs or []):
            _warn_unplaced(g)
        if to == "openmetadata" and shape == "sample-data":
            assert output is not None
            with progress(f"writing {len(g)} triples as OpenMetadata sample data", quiet=quiet):
                _write_sample_data(g, output, base, quiet)
            return
        with progress(f"writing {len(g)} triples as {to}", quiet=quiet):
            text = _render(g, to, shape, base, context, output, quiet)
        write_text(text, output, note=f"wrote {len(g)} triples to", quiet=quiet)


def resolve_service(spec: str | None) -> Any:
    """``--service``: a JSON file in any of OpenMetadata's service shapes (an :class:`MLModelService`), or an FQN
    (a reference: the models are placed under it, as ``import openmetadata --service NAME`` does)."""
    if not spec:
        return None
    from pathlib import Path

    # lazy: see the module docstring
    from ..errors import InputError
    from ..importers.openmetadata import service_from_json
    from ..model.base import Ref
    from ..rdf.formats import read_json

    p = Path(spec)
    if p.suffix.lower() == ".json" or p.is_file():
        if not p.is_file():
            raise InputError("no such file", source=spec,
                             expected="a service JSON file (entity, create request or sample data's service.json) "
                                      "or a service FQN")
        return service_from_json(read_json(spec), source=spec)
    try:
        return Ref(type="mlmodelService", fqn=spec)
    except InputError as e:
        raise InputError(e.one_line(), source="--service", expected="a service FQN or a service JSON file") \
            from None


def _is_json(name: str, from_: str) -> bool:
    return from_ in ("openmetadata", "mlkg") or (from_ == "auto" and name.lower().endswith(".json"))


def _warn_unplaced(g: Any) -> None:
    """A note on stderr when models read from JSON name no service (their FQNs and IRIs are their bare names)."""
    # lazy: see the module docstring
    from ..vocab import MLKG

    q = ("SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a ?cls . "
         "FILTER NOT EXISTS { ?m ?svc ?s } }")
    (row,) = g.query(q, initBindings={"cls": MLKG.MLModel, "svc": MLKG.belongsToService})
    n = int(row[0])
    if n:
        typer.echo(f"mlkg: warning: {n} model(s) name no service, so their FQNs and IRIs are their bare names; "
                   "pass --service FILE|FQN (e.g. OpenMetadata sample data's service.json) to place them",
                   err=True)


def _echo_report(report: Any, quiet: bool) -> None:
    if quiet:
        return
    echo_notes(report)
    if report.counts.get("not exported"):
        typer.echo(f"mlkg: note: {report.counts['not exported']} entities other than ML models and services are "
                   "not part of OpenMetadata's ML shapes (--to mlkg or an RDF format keeps them)", err=True)


def _write_sample_data(g: Any, output: str, base: str | None, quiet: bool) -> None:
    """``output/service.json`` and ``output/models.json`` (one service), or one folder per service name."""
    from pathlib import Path

    # lazy: see the module docstring
    from ..errors import InputError
    from ..export.openmetadata import sample_data
    from ..importers.base import ImportReport
    from ..rdf.formats import write_atomic
    from ..rdf.reader import from_graph

    report = ImportReport(source="convert")
    folders = sample_data(from_graph(g, base=base), report)
    if not folders:
        raise InputError("no ML model service or model in the input", source=output,
                         expected="models and their services (--service FILE|FQN for models that name none)")
    root = Path(output)
    if root.exists() and not root.is_dir():
        raise InputError("not a folder", source=output, expected="a folder for service.json and models.json")
    files: list[tuple[Path, Any]] = []
    for sd in folders:
        where = root if len(folders) == 1 else root / sd.service_name
        files.append((where / "service.json", sd.service))
        files.append((where / "models.json", sd.models))
    for path, doc in files:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    _echo_report(report, quiet)
    if not quiet:
        typer.echo(f"mlkg: wrote {len(folders)} service(s) and {report.counts['models']} model(s) as OpenMetadata "
                   f"sample data to {output}", err=True)
class _NotStreamed(Exception):
    """The streaming reader refused an input: the reader that reads everything names the problem (or accepts it)."""


def _without_graph(inputs: list[str], store: str | None, from_: str, to: str, output: str | None,
                   quiet: bool) -> bool:
    """Convert without building an rdflib graph where that writes the same triples, and say whether it did:
    ``--store`` alone to N-Triples or Turtle is the store's own writer (an oxigraph store that holds the lineage
    super-properties, as everything mlkg loads does); N-Triples / N-Quads files to N-Triples or Turtle are streamed
    (:mod:`mlkg.rdf.stream`: memory does not grow with the files)."""
    if to not in ("nt", "turtle"):
        return False
    # lazy: see the module docstring
    from ..rdf.formats import atomic_output

    if store and not inputs:
        # lazy: see the module docstring
        from ..dataset.oxigraph import OxigraphView
        from ..store import open_store
        from ..store.base import closure_missing

        with open_store(store) as s:
            if not isinstance(s, OxigraphView) or s.ask(closure_missing(None)):
                return False
            with progress(f"writing {store} as {to}", quiet=quiet), atomic_output(output) as fh:
                s.dump(fh, format=to)
            if output and output != "-" and not quiet:
                typer.echo(f"mlkg: wrote {len(s)} triples to {output}", err=True)
        return True
    if store or not inputs or "-" in inputs or from_ not in ("auto", "nt", "nq"):
        return False
    kinds = [from_ if from_ != "auto" else {".nt": "nt", ".nq": "nq"}.get(Path(p).suffix.lower(), "") for p in inputs]
    if not all(kinds):
        return False
    # lazy: see the module docstring
    from ..errors import InputError
    from ..rdf.stream import convert_stream

    try:
        with progress(f"streaming {len(inputs)} input(s) as {to}", quiet=quiet), atomic_output(output) as fh:
            try:
                n = convert_stream(list(zip(inputs, kinds)), to, fh)
            except InputError:
                raise _NotStreamed from None
    except _NotStreamed:
        return False
    if output and output != "-" and not quiet:
        typer.echo(f"mlkg: wrote {n} triples to {output}", err=True)
    return True


def _render(g: Any, to: str, shape: str, base: str | None, context: str, output: str | None, quiet: bool) -> str:
    """The converted text of ``g``."""
    # lazy: see the module docstring
    from ..export.openmetadata import api_document, create_bodies
    from ..importers.base import ImportReport
    from ..model.json import document_to_json
    from ..rdf.formats import normalize_format, serialize
    from ..rdf.reader import from_graph

    if to == "mlkg":
        text = json.dumps(document_to_json(from_graph(g, base=base)), indent=2, ensure_ascii=False) + "\n"
    elif to == "openmetadata":
        ents = from_graph(g, base=base)
        report = ImportReport(source="convert")
        if shape == "create":
            # one CreateMlModelServiceRequest / CreateMlModelRequest per line, services first
            bodies = create_bodies(ents, report, base=base)
            text = "".join(json.dumps(b.body, ensure_ascii=False) + "\n" for b in bodies)
        else:
            text = json.dumps(api_document(ents, report, base=base), indent=2, ensure_ascii=False) + "\n"
        _echo_report(report, quiet)
    else:
        text = serialize(g, normalize_format(to), context=_context_ref(context, output))
    return text
