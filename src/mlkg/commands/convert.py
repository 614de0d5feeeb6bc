"""``mlkg convert``: OpenMetadata JSON, mlkg JSON-LD or any RDF file → Turtle, JSON-LD, N-Triples, RDF/XML, TriG."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Optional

import typer

from ..cli import fail, handle_errors

FROM_CHOICES = ("auto", "openmetadata", "mlkg", "jsonld", "turtle", "nt", "nq", "rdfxml", "trig")
TO_CHOICES = ("turtle", "jsonld", "nt", "nq", "rdfxml", "trig", "openmetadata")


def convert_files(inputs: list[str], *, from_: str = "auto", service: str | None = None,
                  engine: str = "fast", base: str | None = None, allow_remote: bool = False,
                  check_schema: bool = True) -> Any:
    """Read inputs into one rdflib graph (all-or-nothing: any bad input raises before anything is written).

    :raises InputError: naming file, JSON path and what was expected.
    """
    from ..errors import InputError
    from ..model import MLModelService
    from ..rdf import build
    from ..rdf.closure import add_super_properties
    from ..rdf.formats import guess_format, load_graph, normalize_format, read_json
    from ..model.json import document_from_json, entity_from_dict

    g = build.new_graph()
    svc_entity = None
    if service:
        data = read_json(service)
        if check_schema:
            _schema_check(data, "mlmodelService", service)
        svc_entity = entity_from_dict(MLModelService, data, source=service)
    for name in inputs:
        kind = from_
        if kind == "auto":
            suffix = Path(name).suffix.lower()
            kind = "openmetadata" if suffix == ".json" else ("jsonld" if suffix == ".jsonld" else "rdf")
        if kind in ("openmetadata", "mlkg"):
            data = read_json(name)
            if isinstance(data, dict) and "@context" in data:
                kind = "jsonld"
            else:
                if check_schema:
                    _schema_check(data, "document", name)
                ents = document_from_json(data, source=name)
                if svc_entity is not None:
                    ents = [_with_service(e, svc_entity) for e in ents]
                    ents.append(svc_entity)
                if engine == "pyld":
                    from ..rdf.jsonld import to_graph as pyld_graph

                    pyld_graph(build.to_jsonld(ents, base=base), graph=g, lineage=False, source=name)
                else:
                    build.to_graph(ents, base=base, graph=g, lineage=False)
                continue
        if kind == "jsonld":
            load_graph([name], fmt="jsonld", graph=g, allow_remote=allow_remote)
        elif kind == "rdf":
            load_graph([name], fmt=guess_format(name), graph=g)
        else:
            load_graph([name], fmt=normalize_format(kind), graph=g)
    del InputError
    add_super_properties(g)
    return g


def _with_service(e: Any, svc: Any) -> Any:
    import dataclasses

    from ..model import MLModel, PlatformType

    if isinstance(e, MLModel) and e.service is None:
        kw: dict[str, Any] = {"service": svc.ref(), "fqn": None}
        if e.service_type is None and isinstance(svc.service_type, PlatformType):
            kw["service_type"] = svc.service_type
        # rebuild so FQNs (and the IRIs minted from them) are re-derived under the service
        return _rebuild(dataclasses.replace(e, **kw))
    return e


def _rebuild(e: Any) -> Any:
    """Re-derive owned nodes' FQNs after the parent's FQN changed."""
    import dataclasses

    from ..model.base import iter_fields

    kw: dict[str, Any] = {}
    for f, spec in iter_fields(type(e)):
        if spec.kind != "child":
            continue
        val = getattr(e, f.name)
        if val is None:
            continue
        if spec.many:
            kw[f.name] = [_rebuild(dataclasses.replace(c, fqn=None)) if _derived(c) else c for c in val]
        else:
            kw[f.name] = _rebuild(dataclasses.replace(val, fqn=None)) if _derived(val) else val
    return dataclasses.replace(e, **kw) if kw else e


def _derived(c: Any) -> bool:
    from ..model import FeatureSource

    return not (isinstance(c, FeatureSource) and c.data_source is not None)


def _schema_check(data: Any, kind: str, source: str) -> None:
    """JSON Schema check before any RDF is made (when the schema module is available)."""
    try:
        from ..schema import check_json
    except ImportError:
        return
    check_json(data, kind=kind, source=source)


def register(app: typer.Typer) -> None:
    @app.command("convert")
    @handle_errors
    def convert(
        inputs: Optional[list[str]] = typer.Argument(None, metavar="INPUT...",
                                                     help="Files to convert ('-' for stdin), or --store."),
        from_: str = typer.Option("auto", "--from", help="Input kind: " + "|".join(FROM_CHOICES) +
                                  " (auto: .json → openmetadata, .jsonld → jsonld, else by suffix)."),
        to: str = typer.Option("turtle", "--to", help="Output format: " + "|".join(TO_CHOICES) + "."),
        output: Optional[str] = typer.Option(None, "-o", "--output", help="Output file (default stdout)."),
        service: Optional[str] = typer.Option(None, "--service", help="MlModelService JSON for models that "
                                              "do not name their service (OpenMetadata sample data)."),
        engine: str = typer.Option("fast", "--engine", help="fast (compiled) or pyld (reference JSON-LD)."),
        base: Optional[str] = typer.Option(None, "--base", help="Base IRI for instances (default "
                                           "$MLKG_BASE or https://w3id.org/mlkg/id/)."),
        shape: str = typer.Option("api", "--shape", help="With --to openmetadata: api | create | sample-data."),
        allow_remote: bool = typer.Option(False, "--allow-remote",
                                          help="Allow fetching remote JSON-LD contexts (off by default)."),
        store: Optional[str] = typer.Option(None, "--store", help="Read the graph from a store instead of "
                                            "files (memory:, oxigraph:PATH, sparql:URL)."),
    ) -> None:
        """Convert ML metadata between OpenMetadata JSON and RDF formats.

        \b
        Example:
          mlkg convert model.json --to turtle -o model.ttl
          mlkg convert sample_models.json --service mlflow_service.json --to jsonld
          mlkg convert model.ttl --to openmetadata
        """
        from ..rdf.formats import normalize_format, serialize, write_atomic

        if from_ not in FROM_CHOICES:
            raise fail(f"--from must be one of {', '.join(FROM_CHOICES)} (got {from_!r})")
        if to not in TO_CHOICES:
            raise fail(f"--to must be one of {', '.join(TO_CHOICES)} (got {to!r})")
        if engine not in ("fast", "pyld"):
            raise fail(f"--engine must be fast or pyld (got {engine!r})")
        if shape not in ("api", "create", "sample-data"):
            raise fail(f"--shape must be api, create or sample-data (got {shape!r})")
        if base:
            from ..ids import check_base

            try:
                check_base(base)
            except ValueError as e:
                raise fail(str(e)) from None
        if store:
            from ..store import graph_from

            g = graph_from(None, store, copy=True)
            if inputs:
                g += convert_files(inputs, from_=from_, service=service, engine=engine, base=base,
                                   allow_remote=allow_remote)
        elif not inputs:
            raise fail("give INPUT files or --store STORE")
        else:
            g = convert_files(inputs, from_=from_, service=service, engine=engine, base=base,
                              allow_remote=allow_remote)
        if to == "openmetadata":
            import json

            from ..model.json import document_to_json
            from ..rdf.reader import from_graph

            ents = from_graph(g, base=base)
            if shape == "create":
                # exactly OpenMetadata's CreateMlModelRequest / CreateMlModelServiceRequest properties
                from ..importers.base import ImportReport
                from ..importers.openmetadata import create_requests

                report = ImportReport(source="convert")
                doc: Any = create_requests(ents, report)
                for w in report.warnings:
                    typer.echo(f"mlkg: note: {w}", err=True)
            else:
                doc = document_to_json(ents, shape=shape)
            text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
        else:
            text = serialize(g, normalize_format(to))
        if output and output != "-":
            write_atomic(output, text)
            typer.echo(f"mlkg: wrote {len(g)} triples to {output}", err=True)
        else:
            sys.stdout.write(text)
