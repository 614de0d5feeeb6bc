"""``mlkg push datahub``: send the graph's ML models, versions, features, deployments and training runs to DataHub
as metadata change proposals (DataHub's own emitter), or write them to a file DataHub's file source reads.

``mlkg push openmetadata``: send its ML model services and models to OpenMetadata's REST API as create requests
(:mod:`mlkg.export.openmetadata_push`)."""

from __future__ import annotations

import os

import typer

from . import _options as opt
from ._errors import fail, handle_errors, naming


def register(app: typer.Typer) -> None:
    push_app = typer.Typer(help="Send ML metadata to another catalogue (DataHub, OpenMetadata).",
                           no_args_is_help=True)
    app.add_typer(push_app, name="push")

    @push_app.command("datahub")
    @handle_errors
    def push_datahub(
        files: list[str] | None = opt.files(),
        store: str | None = opt.store(),
        server: str | None = typer.Option(None, "--server", help="DataHub GMS URL, e.g. http://localhost:8080."),
        token: str | None = typer.Option(None, "--token", help="DataHub access token (default: the "
                                                                  "DATAHUB_GMS_TOKEN environment variable)."),
        to_file: str | None = typer.Option(None, "--to-file", help="Write the proposals to this JSON file "
                                                                      "instead (DataHub's MCP file format)."),
    ) -> None:
        """Push models (one DataHub mlModel per version), model groups, features, deployments and training runs,
        with lineage to datasets, to DataHub.

        \b
        Examples:
          mlkg push datahub fraud.ttl --server http://localhost:8080
          mlkg push datahub fraud.ttl --to-file mcps.json
          datahub ingest -c recipe.yml        # a file source reading mcps.json
        """
        if (server is None) == (to_file is None):
            raise fail("give exactly one of --server URL and --to-file FILE")
        # lazy: the export engine and DataHub load only when the command runs
        from ..export.datahub import build_mcps, push, write_file

        with naming(files):
            # lazy: the export engine and DataHub load only when the command runs
            from ..io import open_source

            g = open_source(files, store)
            mcps = build_mcps(g)
        if to_file:
            write_file(mcps, to_file)
            typer.echo(f"mlkg: wrote {len(mcps)} metadata change proposals to {to_file}", err=True)
            return
        assert server is not None
        n = push(mcps, server, token=token or os.environ.get("DATAHUB_GMS_TOKEN"))
        typer.echo(f"mlkg: sent {n} metadata change proposals to {server}", err=True)

    @push_app.command("openmetadata")
    @handle_errors
    def push_openmetadata(
        inputs: list[str] | None = typer.Argument(None, metavar="INPUT...",
                                                     help="RDF or OpenMetadata JSON files (or --store)."),
        store: str | None = opt.store(),
        url: str = typer.Option(..., "--url", help="OpenMetadata server URL, e.g. http://localhost:8585."),
        token: str | None = typer.Option(None, "--token", help="A bot's JWT token (default: the "
                                                                  "OPENMETADATA_JWT_TOKEN environment variable)."),
        service: str | None = typer.Option(None, "--service", metavar="FILE|FQN",
                                           help="The service of JSON models that name none, as for convert."),
        timeout: float = typer.Option(30.0, "--timeout", min=0.001, help="Seconds to wait for each request."),
        quiet: bool = opt.quiet(),
    ) -> None:
        """Push ML model services, then models, to OpenMetadata (PUT /api/v1/services/mlmodelServices, PUT
        /api/v1/mlmodels: created, or updated when they exist). Feature sources' tables and owners are looked up
        on the server by FQN; one it does not know stops the push before anything is sent.

        \b
        Examples:
          mlkg push openmetadata fraud.ttl --url http://localhost:8585 --token "$BOT_TOKEN"
          mlkg push openmetadata models.json --service service.json --url http://localhost:8585
        """
        if not inputs and not store:
            raise fail("give INPUT files or --store STORE")
        # lazy: the library loads only when the command runs
        from ..export.openmetadata_push import push
        from ..importers.base import ImportReport, redact_uri
        from ..io import read_inputs
        from ..rdf.reader import from_graph
        from ._output import echo_notes, progress
        from .convert import resolve_service

        with progress("reading the graph", quiet=quiet):
            g = read_inputs(inputs or [], store=store, service=resolve_service(service))
            ents = from_graph(g)
        report = ImportReport(source="push")
        with progress(f"sending to {url}", quiet=quiet):
            result = push(ents, url, token=token or os.environ.get("OPENMETADATA_JWT_TOKEN"), timeout=timeout,
                          report=report)
        if quiet:
            return
        echo_notes(report)
        for kind, docs in (("service", result.services), ("model", result.models)):
            for d in docs:
                typer.echo(f"mlkg: {kind} {d.get('fullyQualifiedName', '?')} version {d.get('version', '?')} "
                           f"(id {d.get('id', '?')})", err=True)
        typer.echo(f"mlkg: sent {len(result.services)} service(s) and {len(result.models)} model(s) to "
                   f"OpenMetadata {result.server_version} at {redact_uri(url)}", err=True)
