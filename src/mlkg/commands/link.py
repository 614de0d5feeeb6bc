"""``mlkg link --store S``: link registrations of the same artifact across platforms (see
:mod:`mlkg.importers.linking`). Imports into a store run the same step after loading."""

from __future__ import annotations

import json

import typer

from ._errors import handle_errors


@handle_errors
def link(
    store: str | None = typer.Option(None, "--store", help="Store URL (oxigraph:PATH, sparql:URL; default "
                                        "MLKG_STORE)."),
    fmt: str = typer.Option("text", "--format", "-f", help="Output: text | json."),
) -> None:
    """Link model versions and models of different platforms that hold the same artifact (same artifact URI).

    The copy gets prov:wasDerivedFrom the origin (the registration with the training run), both get
    prov:alternateOf each other, in the store's link graph (replaced each time).

    \\b
    Example:
      mlkg import mlflow --tracking-uri sqlite:///mlflow.db --store oxigraph:kg
      mlkg import sagemaker --region eu-west-1 --store oxigraph:kg
      mlkg link --store oxigraph:kg
      mlkg impact s3-datasets.transactions --store oxigraph:kg
    """
    # lazy: loaded when the command runs, so `mlkg --help` stays fast
    from ..importers.linking import link_graph, link_store
    from ..store import open_store

    if fmt not in ("text", "json"):
        raise typer.BadParameter("--format must be text or json")
    with open_store(store) as st:
        report = link_store(st)
    if fmt == "json":
        typer.echo(json.dumps({"graph": str(link_graph()), "triples": report.triples,
                               "links": [{"copy": c, "origin": o, "artifact": a} for c, o, a in report.links],
                               "guessed": [{"copy": c, "origin": o, "artifact": a} for c, o, a in report.guessed]},
                              indent=2))
    else:
        typer.echo(report.text())


def register(app: typer.Typer) -> None:
    """Add ``mlkg link`` to the CLI."""
    app.command("link")(link)
