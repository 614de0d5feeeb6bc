"""``mlkg lineage upstream|downstream`` and ``mlkg impact``: lineage of one entity, with the path to each.

The library is imported inside the commands (marked ``lazy``), so ``mlkg --help`` starts without rdflib's SPARQL
engine and pyld.
"""

from __future__ import annotations

import sys

import typer

from . import _options as opt
from ._errors import fail, handle_errors, naming
from ._output import check_format, emit

COLUMNS = ["kind", "name", "depth", "via", "path", "entity"]


def _walk(direction: str, entity: str, files: list[str] | None, depth: int | None, fmt: str,
          kind: str | None, store: str | None = None, as_of: str | None = None, iris: bool = False) -> None:
    # lazy: see the module docstring
    from .. import lineage
    from ..io import open_source

    check_format(fmt)
    if depth is not None and depth < 0:
        raise fail(f"--depth must be 0 or more (got {depth})")
    source = open_source(files, store, as_of=as_of)
    with naming(files):
        rows = lineage.walk(source, entity, direction, depth=depth, kind=kind)
    emit(rows, fmt, columns=COLUMNS if fmt != "table" or iris else COLUMNS[:-1])  # IRIs only in json/csv
    if fmt == "table" and not rows:
        typer.echo(f"mlkg: nothing {'upstream' if direction == 'up' else 'downstream'} of {entity}", err=True)


def register(app: typer.Typer) -> None:
    lineage_app = typer.Typer(name="lineage", help="Upstream and downstream lineage of an entity.",
                              no_args_is_help=True, rich_markup_mode=None)

    @lineage_app.command("upstream")
    @handle_errors
    def upstream(
        entity: str = opt.entity(),
        files: list[str] | None = opt.files(),
        store: str | None = opt.store(),
        as_of: str | None = opt.as_of(),
        depth: int | None = opt.depth(),
        fmt: str = opt.row_format(),
        kind: str | None = opt.kind(),
        iris: bool = opt.iris(),
    ) -> None:
        """Everything ENTITY derives from, with depth and path.

        \b
        Example:
          mlkg lineage upstream snowflake.analytics.public.fraud_scores fraud.ttl --depth 3
        """
        _walk("up", entity, files, depth, fmt, kind, store, as_of, iris)

    @lineage_app.command("downstream")
    @handle_errors
    def downstream(
        entity: str = opt.entity(),
        files: list[str] | None = opt.files(),
        store: str | None = opt.store(),
        as_of: str | None = opt.as_of(),
        depth: int | None = opt.depth(),
        fmt: str = opt.row_format(),
        kind: str | None = opt.kind(),
        iris: bool = opt.iris(),
    ) -> None:
        """Everything derived from ENTITY, with depth and path.

        \b
        Example:
          mlkg lineage downstream snowflake.analytics.public.transactions fraud.ttl --format json
        """
        _walk("down", entity, files, depth, fmt, kind, store, as_of, iris)

    app.add_typer(lineage_app, name="lineage")

    @app.command("impact")
    @handle_errors
    def impact(
        entity: str = typer.Argument(..., metavar="ENTITY", help="FQN or IRI of the table, column, feature or "
                                     "model that changes."),
        files: list[str] | None = opt.files(),
        store: str | None = opt.store(),
        as_of: str | None = opt.as_of(),
        fmt: str = opt.row_format(),
        kind: str | None = opt.kind(),
        iris: bool = opt.iris(),
    ) -> None:
        """Everything affected if ENTITY changes, grouped by kind, with the path that reaches each.

        Paths read in the triples' direction: "a <-readsFrom- b" means b reads from a.

        \b
        Example:
          mlkg impact snowflake.analytics.public.transactions fraud.ttl
          mlkg impact snowflake.analytics.public.transactions fraud.ttl --format csv
        """
        # lazy: see the module docstring
        from .. import lineage
        from ..io import open_source

        check_format(fmt)
        source = open_source(files, store, as_of=as_of)
        with naming(files):
            rows = lineage.impact(source, entity, kind=kind)
        if fmt != "table":
            emit(rows, fmt, columns=COLUMNS)
            return
        if not rows:
            typer.echo(f"mlkg: nothing depends on {entity}", err=True)
            return
        for k, group in lineage.group_by_kind(rows).items():
            emit(group, "table", columns=["name", "depth", "path", *(["entity"] if iris else [])],
                 title=f"{k} ({len(group)})")
        sys.stdout.flush()
