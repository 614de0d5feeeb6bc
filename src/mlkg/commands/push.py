"""``mlkg push datahub``: send the graph's ML models, versions, features, deployments and training runs to DataHub
as metadata change proposals (DataHub's own emitter), or write them to a file DataHub's file source reads."""

from __future__ import annotations

import os

import typer

from . import _options as opt
from ._errors import fail, handle_errors, naming


def register(app: typer.Typer) -> None:
    push_app = typer.Typer(help="Send ML metadata to another catalogue (DataHub).", no_args_is_help=True)
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
