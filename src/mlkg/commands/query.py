"""``mlkg query``: run a bundled query by name (``mlkg query --list`` shows them), print typed rows.

The library is imported inside the command (marked ``lazy``), so ``mlkg --help`` starts without rdflib's SPARQL
engine and pyld.
"""

from __future__ import annotations

from typing import Any

import typer

from . import _options as opt
from ._errors import fail, handle_errors, naming
from ._output import check_format, emit


def _parse_params(items: list[str]) -> list[tuple[str, str]]:
    out = []
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise fail(f"--param takes KEY=VALUE (got {item!r})")
        out.append((key.strip(), value))
    return out


def register(app: typer.Typer) -> None:
    @app.command("query")
    @handle_errors
    def query_cmd(
        name: str | None = typer.Argument(None, metavar="NAME", help="Query name (see --list)."),
        files: list[str] | None = typer.Argument(None, metavar="FILE...", help="RDF files to query."),
        store: str | None = opt.store(),
        as_of: str | None = opt.as_of(),
        param: list[str] = typer.Option([], "--param", "-p", metavar="KEY=VALUE",
                                        help="A query parameter (repeatable). Entities by FQN or IRI."),
        fmt: str = opt.row_format(),
        list_: bool = typer.Option(False, "--list", help="List the queries with their parameters and exit."),
        iris: bool = opt.iris(),
    ) -> None:
        """Run a bundled SPARQL query and print its rows.

        \b
        Example:
          mlkg query --list
          mlkg query production models.ttl
          mlkg query pii_models models.ttl --param tag=PII --format json
          mlkg query metric_history models.ttl -p model=mlflow_prod.churn -p metric=AUC
        """
        # lazy: see the module docstring
        from .. import query as q
        from ..history.timeline import HISTORY_QUERIES
        from ..io import open_source

        check_format(fmt)
        if list_:
            rows = [{"name": s.name,
                     "parameters": ", ".join(f"{p.name} ({p.kind}{'' if p.required else ', optional'})"
                                             for p in s.params),
                     "purpose": s.purpose}
                    for s in q.list_queries()]
            emit(rows, fmt, columns=["name", "parameters", "purpose"])
            return
        if not name:
            raise fail("give a query NAME and FILE..., or --list")
        spec = q.query_spec(name)
        params: dict[str, Any] = {}
        with naming("--param"):
            for key, value in _parse_params(param):
                params[key] = q.convert_param(spec, key, value)
            q.check_params(spec, params)
        source = open_source(files or [], store, as_of=as_of)
        # a store's history answers some queries better than the graph as of one time (mlkg.history.timeline)
        history_fn = HISTORY_QUERIES.get(name) if store and not as_of else None
        with naming(files):
            found = history_fn(source, **params) if history_fn else q.run_named(source, name, params)
        emit(found, fmt, columns=None if found else q.columns(name), iris=iris)
