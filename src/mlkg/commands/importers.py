"""``mlkg import <source>``: MLflow (and Databricks), Hugging Face, scikit-learn, OpenMetadata.

Every subcommand writes the imported graph to ``-o FILE`` (format from the suffix, or ``--format``; written
atomically, so a failed import never leaves a half-written file), into ``--store URL``, or to stdout (Turtle).
Progress and the report go to stderr; ``--report-json FILE`` keeps the report; ``--strict`` turns warnings and
skipped items into a failure (exit 2, nothing written); ``--om-requests FILE`` also writes OpenMetadata create
requests for the imported services and models (mlkg → OpenMetadata). Platform SDKs are imported only when their
subcommand runs.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Optional

import typer

from ..cli import fail, handle_errors

import_app = typer.Typer(
    name="import",
    help="Import ML metadata from a platform (MLflow, Databricks, Hugging Face, scikit-learn, OpenMetadata).",
    no_args_is_help=True,
    rich_markup_mode=None,
)

_OUTPUT_HELP = "Output file; the RDF format comes from the suffix (.ttl, .jsonld, .nt, .nq, .rdf, .trig)."


def _emit(name: str, config: Any, *, output: Optional[str], store: Optional[str], fmt: Optional[str],
          strict: bool, quiet: bool, report_json: Optional[str], base: Optional[str] = None,
          graph: Optional[str] = None, om_requests: Optional[str] = None) -> None:
    """Run the importer, then write the graph (file, store or stdout) and the report."""
    from ..importers import run_import
    from ..rdf.build import to_graph
    from ..rdf.formats import guess_format, normalize_format, serialize, write_atomic

    if output and store:
        raise fail("give either -o/--output or --store, not both")
    try:
        out_fmt = normalize_format(fmt) if fmt else (guess_format(output) if output else "turtle")
    except ValueError as e:
        raise fail(str(e)) from None
    if output:
        parent = Path(output).parent
        if not parent.is_dir():
            raise fail(f"{output}: the directory {parent} does not exist")

    progress = None if quiet else (lambda line: typer.echo(line, err=True))
    entities, report = run_import(name, config, strict=strict, progress=progress)
    g = to_graph(entities, base=base)
    from rdflib import URIRef

    for s, p, o in report.extra_triples:
        s_node = URIRef(s.iri(base=base)) if hasattr(s, "iri") else s
        g.add((s_node, p, o))
    requests_text = None
    if om_requests:
        from ..importers.openmetadata import create_requests

        requests_text = json.dumps(create_requests(entities, report), indent=2, ensure_ascii=False) + "\n"
    graph_name = _graph_name(name, config, graph) if store else None
    if store:
        _to_store(store, g, graph_name or "")
    else:
        text = serialize(g, out_fmt)
        if output:
            write_atomic(output, text)
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
    if om_requests and requests_text is not None:
        write_atomic(om_requests, requests_text)
    if report_json:
        write_atomic(report_json, json.dumps({**report.to_dict(), "triples": len(g)}, indent=2) + "\n")
    if not quiet:
        where = f" → {output}" if output else (f" → {store} graph <{graph_name}>" if store else "")
        typer.echo(report.text() + f"\n{len(g)} triples{where}", err=True)


def _to_store(url: str, g: Any, graph: str) -> None:
    """Load the graph into the named graph ``graph`` of the store at ``url``, replacing what an earlier import
    of the same source put there (atomically: a failure leaves the store as it was)."""
    try:
        from ..store import open_store
    except ImportError:
        raise fail("--store needs mlkg.store, which this build does not have; use -o FILE", 3) from None
    with open_store(url) as st:
        st.load(g, graph=graph, replace=True)


def _graph_name(name: str, config: Any, explicit: Optional[str]) -> str:
    """The named graph of this import: ``--graph``, else one per source (service, model or file)."""
    if explicit:
        return explicit
    from ..importers import get
    from ..store import source_graph

    key = get(name)(config).graph_key()
    return str(source_graph("import/" + name, key))


OUT = typer.Option(None, "-o", "--output", help=_OUTPUT_HELP)
STORE = typer.Option(None, "--store", help="Store URL (memory:, oxigraph:PATH, sparql:URL); the import replaces "
                     "its own named graph there.")
OM_REQUESTS = typer.Option(None, "--om-requests", help="Also write OpenMetadata CreateMlModelServiceRequest and "
                           "CreateMlModelRequest JSON for the imported services and models to this file.")
GRAPH = typer.Option(None, "--graph", help="With --store: the named graph to (re)place the import in (default "
                     "one per source).")
FMT = typer.Option(None, "--format", "-f", help="RDF format: turtle, jsonld, nt, nq, rdfxml, trig.")
STRICT = typer.Option(False, "--strict", help="Fail (exit 2, nothing written) on any warning or skipped item.")
QUIET = typer.Option(False, "--quiet", "-q", help="No progress or report on stderr.")
REPORT = typer.Option(None, "--report-json", help="Write the import report as JSON to this file.")
BASE = typer.Option(None, "--base", help="Base IRI of instance IRIs (default MLKG_BASE or w3id.org/mlkg/id/).")


@import_app.command("mlflow")
@handle_errors
def import_mlflow(
    tracking_uri: Optional[str] = typer.Option(None, "--tracking-uri", help="sqlite:///mlflow.db, "
                                               "http://host:5000, databricks (default MLFLOW_TRACKING_URI)."),
    registry_uri: Optional[str] = typer.Option(None, "--registry-uri", help="Registry URI (default: the "
                                               "tracking URI; databricks-uc for Unity Catalog)."),
    experiment: list[str] = typer.Option([], "--experiment", help="Experiment to read runs from (repeat; "
                                         "default all)."),
    model: list[str] = typer.Option([], "--model", help="Registered model to import (repeat; default all)."),
    service_name: str = typer.Option("mlflow", "--service-name", help="Name of the service entity."),
    no_runs: bool = typer.Option(False, "--no-runs", help="Registry only: no experiments and runs."),
    latest_metrics: bool = typer.Option(False, "--latest-metrics", help="Only the latest value of each run "
                                        "metric, not every step."),
    no_signatures: bool = typer.Option(False, "--no-signatures", help="Do not read MLmodel files (no "
                                       "features)."),
    output: Optional[str] = OUT, store: Optional[str] = STORE, fmt: Optional[str] = FMT,
    strict: bool = STRICT, quiet: bool = QUIET, report_json: Optional[str] = REPORT, base: Optional[str] = BASE,
    graph: Optional[str] = GRAPH, om_requests: Optional[str] = OM_REQUESTS,
) -> None:
    """Import experiments, runs, datasets, registered models and every version from MLflow or Databricks.

    \b
    Examples:
      mlkg import mlflow --tracking-uri sqlite:///mlflow.db -o mlflow.ttl
      mlkg import mlflow --tracking-uri http://127.0.0.1:5000 --model churn --no-runs
      DATABRICKS_HOST=... DATABRICKS_TOKEN=... \\
        mlkg import mlflow --tracking-uri databricks --registry-uri databricks-uc -o uc.ttl
    """
    from ..importers.mlflow import MlflowConfig

    cfg = MlflowConfig(tracking_uri=tracking_uri or "", registry_uri=registry_uri or None,
                       experiments=tuple(experiment), models=tuple(model), service_name=service_name,
                       include_runs=not no_runs, metric_history=not latest_metrics, signatures=not no_signatures)
    _emit("mlflow", cfg, output=output, store=store, fmt=fmt, strict=strict, quiet=quiet,
          report_json=report_json, base=base, graph=graph, om_requests=om_requests)


@import_app.command("huggingface")
@handle_errors
def import_huggingface(
    path: str = typer.Argument(..., help="Model directory (README.md, config.json), a README.md, or with "
                               "--hub a repo id."),
    hub: bool = typer.Option(False, "--hub", help="PATH is a Hub repo id: download its card (network)."),
    revision: Optional[str] = typer.Option(None, "--revision", help="Hub revision with --hub."),
    name: Optional[str] = typer.Option(None, "--name", help="Model name (default from the card)."),
    service_name: str = typer.Option("huggingface", "--service-name", help="Name of the service entity."),
    output: Optional[str] = OUT, store: Optional[str] = STORE, fmt: Optional[str] = FMT,
    strict: bool = STRICT, quiet: bool = QUIET, report_json: Optional[str] = REPORT, base: Optional[str] = BASE,
    graph: Optional[str] = GRAPH, om_requests: Optional[str] = OM_REQUESTS,
) -> None:
    """Import a Hugging Face model card: licence, datasets, base model, evaluation results, task, tags.

    \b
    Examples:
      mlkg import huggingface ./my-model -o my-model.ttl
      mlkg import huggingface distilbert/distilbert-base-uncased --hub -o distilbert.jsonld
    """
    from ..importers.huggingface import HuggingFaceConfig

    cfg = HuggingFaceConfig(path="" if hub else path, repo_id=path if hub else "", allow_network=hub,
                            revision=revision, name=name or "", service_name=service_name)
    _emit("huggingface", cfg, output=output, store=store, fmt=fmt, strict=strict, quiet=quiet,
          report_json=report_json, base=base, graph=graph, om_requests=om_requests)


@import_app.command("sklearn")
@handle_errors
def import_sklearn(
    path: str = typer.Argument(..., help="Pickle or joblib file of a fitted estimator (trusted files only: "
                               "loading runs code from the file)."),
    name: Optional[str] = typer.Option(None, "--name", help="Model name (default: the file name)."),
    version: Optional[str] = typer.Option(None, "--version-label", help="Add one version with this label."),
    target: Optional[str] = typer.Option(None, "--target", help="What the model estimates."),
    service_name: str = typer.Option("sklearn", "--service-name", help="Name of the service entity."),
    output: Optional[str] = OUT, store: Optional[str] = STORE, fmt: Optional[str] = FMT,
    strict: bool = STRICT, quiet: bool = QUIET, report_json: Optional[str] = REPORT, base: Optional[str] = BASE,
    graph: Optional[str] = GRAPH, om_requests: Optional[str] = OM_REQUESTS,
) -> None:
    """Import a fitted scikit-learn estimator or pipeline: algorithm, typed hyperparameters, features.

    \b
    Example:
      mlkg import sklearn model.joblib --name churn -o churn.ttl
    """
    from ..importers.sklearn import SklearnConfig

    cfg = SklearnConfig(path=path, name=name or "", version=version or "", target=target or "",
                        service_name=service_name)
    _emit("sklearn", cfg, output=output, store=store, fmt=fmt, strict=strict, quiet=quiet,
          report_json=report_json, base=base, graph=graph, om_requests=om_requests)


@import_app.command("openmetadata")
@handle_errors
def import_openmetadata(
    source: str = typer.Argument(..., metavar="FILE_OR_URL", help="OpenMetadata server URL, /api/v1/... URL, "
                                 "JSON file (API, create request, sample data) or om: RDF file."),
    service: Optional[str] = typer.Option(None, "--service", help="Service FQN or MlModelService JSON file "
                                          "for models that name none (sample data)."),
    token_env: str = typer.Option("OPENMETADATA_JWT_TOKEN", "--token-env", help="Environment variable "
                                  "holding the API token."),
    input_format: str = typer.Option("auto", "--from", help="auto, json or rdf."),
    page_size: int = typer.Option(100, "--page-size", help="Page size of API listings."),
    output: Optional[str] = OUT, store: Optional[str] = STORE, fmt: Optional[str] = FMT,
    strict: bool = STRICT, quiet: bool = QUIET, report_json: Optional[str] = REPORT, base: Optional[str] = BASE,
    graph: Optional[str] = GRAPH, om_requests: Optional[str] = OM_REQUESTS,
) -> None:
    """Import OpenMetadata ML models and services from its REST API, JSON files or its om: RDF.

    \b
    Examples:
      mlkg import openmetadata http://localhost:8585 -o om.ttl
      mlkg import openmetadata models.json --service mlflow_svc.json -o models.ttl
      mlkg import openmetadata om-export.ttl -o mlkg.ttl
    """
    from ..importers.openmetadata import OpenMetadataConfig

    if input_format not in ("auto", "json", "rdf"):
        raise fail(f"--from must be auto, json or rdf (got {input_format!r})")
    cfg = OpenMetadataConfig(source=source, service=service or "", token_env=token_env,
                             input_format=input_format, page_size=page_size)
    _emit("openmetadata", cfg, output=output, store=store, fmt=fmt, strict=strict, quiet=quiet,
          report_json=report_json, base=base, graph=graph, om_requests=om_requests)


@import_app.command("options")
@handle_errors
def import_options(name: str = typer.Argument(..., help="An importer name (mlkg import --list).")) -> None:
    """List an importer's configuration fields with their defaults and descriptions."""
    from ..importers import describe, get

    try:
        cls = get(name)
    except ValueError as e:
        raise fail(str(e)) from None
    for o in describe(cls.Config):
        typer.echo(f"{o.name} = {o.default!r}\n    {o.description}")


def register(app: typer.Typer) -> None:
    """Add ``mlkg import ...`` to the CLI."""
    app.add_typer(import_app, name="import")
