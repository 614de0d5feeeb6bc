"""``mlkg lineage upstream|downstream`` and ``mlkg impact``: lineage of one entity, with the path to each."""

from __future__ import annotations

import sys
from typing import Optional

import typer

from ..cli import fail, handle_errors
from .query import check_format, emit, load_source, naming, store_option

COLUMNS = ["kind", "name", "depth", "via", "path", "entity"]


def register(app: typer.Typer) -> None:
    lineage_app = typer.Typer(name="lineage", help="Upstream and downstream lineage of an entity.",
                              no_args_is_help=True, rich_markup_mode=None)

    def _walk(direction: str, entity: str, files: Optional[list[str]], depth: Optional[int], fmt: str,
              kind: Optional[str], store: Optional[str] = None) -> None:
        from .. import lineage

        check_format(fmt)
        if depth is not None and depth < 0:
            raise fail(f"--depth must be 0 or more (got {depth})")
        source = load_source(files, store)
        with naming(files):
            rows = lineage.walk(source, entity, direction, depth=depth, kind=kind)
        emit(rows, fmt, columns=COLUMNS if fmt != "table" else COLUMNS[:-1])  # IRIs only in json/csv
        if fmt == "table" and not rows:
            typer.echo(f"mlkg: nothing {'upstream' if direction == 'up' else 'downstream'} of {entity}", err=True)

    @lineage_app.command("upstream")
    @handle_errors
    def upstream(
        entity: str = typer.Argument(..., metavar="ENTITY", help="FQN or IRI of the entity."),
        files: Optional[list[str]] = typer.Argument(None, metavar="FILE...", help="RDF files (or --store)."),
        store: Optional[str] = store_option(),
        depth: Optional[int] = typer.Option(None, "--depth", "-d", help="At most this many steps (default: all)."),
        fmt: str = typer.Option("table", "--format", "-f", help="Output: table | json | csv."),
        kind: Optional[str] = typer.Option(None, "--kind", help="Class of ENTITY when its FQN is ambiguous "
                                           "(Table, MLModel, ...)."),
    ) -> None:
        """Everything ENTITY derives from, with depth and path.

        \b
        Example:
          mlkg lineage upstream snowflake.analytics.public.fraud_scores fraud.ttl --depth 3
        """
        _walk("up", entity, files, depth, fmt, kind, store)

    @lineage_app.command("downstream")
    @handle_errors
    def downstream(
        entity: str = typer.Argument(..., metavar="ENTITY", help="FQN or IRI of the entity."),
        files: Optional[list[str]] = typer.Argument(None, metavar="FILE...", help="RDF files (or --store)."),
        store: Optional[str] = store_option(),
        depth: Optional[int] = typer.Option(None, "--depth", "-d", help="At most this many steps (default: all)."),
        fmt: str = typer.Option("table", "--format", "-f", help="Output: table | json | csv."),
        kind: Optional[str] = typer.Option(None, "--kind", help="Class of ENTITY when its FQN is ambiguous."),
    ) -> None:
        """Everything derived from ENTITY, with depth and path.

        \b
        Example:
          mlkg lineage downstream snowflake.analytics.public.transactions fraud.ttl --format json
        """
        _walk("down", entity, files, depth, fmt, kind, store)

    app.add_typer(lineage_app, name="lineage")

    @app.command("impact")
    @handle_errors
    def impact(
        entity: str = typer.Argument(..., metavar="ENTITY", help="FQN or IRI of the table, column, feature or "
                                     "model that changes."),
        files: Optional[list[str]] = typer.Argument(None, metavar="FILE...", help="RDF files (or --store)."),
        store: Optional[str] = store_option(),
        fmt: str = typer.Option("table", "--format", "-f", help="Output: table | json | csv."),
        kind: Optional[str] = typer.Option(None, "--kind", help="Class of ENTITY when its FQN is ambiguous."),
    ) -> None:
        """Everything affected if ENTITY changes, grouped by kind, with the path that reaches each.

        Paths read in the triples' direction: "a <-readsFrom- b" means b reads from a.

        \b
        Example:
          mlkg impact snowflake.analytics.public.transactions fraud.ttl
          mlkg impact snowflake.analytics.public.transactions fraud.ttl --format csv
        """
        from .. import lineage

        check_format(fmt)
        source = load_source(files, store)
        with naming(files):
            rows = lineage.impact(source, entity, kind=kind)
        if fmt != "table":
            emit(rows, fmt, columns=COLUMNS)
            return
        if not rows:
            typer.echo(f"mlkg: nothing depends on {entity}", err=True)
            return
        for k, group in lineage.group_by_kind(rows).items():
            emit(group, "table", columns=["name", "depth", "path"], title=f"{k} ({len(group)})")
        sys.stdout.flush()
