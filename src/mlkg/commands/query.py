"""``mlkg query``: run a bundled query by name (``mlkg query --list`` shows them), print typed rows.

Also the helpers the lineage and diagram commands share: :func:`load_source` (files → graph with the lineage
super-properties) and :func:`emit` (rows → table, JSON or CSV on stdout).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sys
from datetime import date, datetime
from decimal import Decimal
from contextlib import contextmanager
from typing import Any, Iterable, Iterator, Optional, Sequence

import typer

from ..cli import fail, handle_errors

OUTPUT_FORMATS = ("table", "json", "csv")


def store_option() -> Any:
    """The ``--store`` option every command that reads a graph shares."""
    return typer.Option(None, "--store", help="Read the graph from a store instead of (or besides) files: "
                                              "memory:, oxigraph:PATH, sparql:URL.")


def load_source(files: Sequence[str] | None, store: str | None = None) -> Any:
    """Load RDF files into one rdflib graph and add the lineage super-property triples; or, with ``store``,
    a live view of the store (queries run in its engine; mlkg wrote the super-property triples when it loaded).
    """
    from ..errors import InputError
    from ..rdf.closure import add_super_properties
    from ..rdf.formats import load_graph

    files = list(files or [])
    if store:
        from ..store import graph_from

        return graph_from(files or None, store)
    if not files:
        raise InputError("no input files", expected="one or more RDF files (Turtle, JSON-LD, N-Triples, ...), "
                                                    "or --store STORE")
    g = load_graph(list(files))
    add_super_properties(g)
    return g


@contextmanager
def naming(files: Sequence[str] | None) -> Iterator[None]:
    """Name the input files in an :class:`~mlkg.errors.InputError` that names no source (an unknown entity)."""
    from ..errors import InputError

    try:
        yield
    except InputError as e:
        if e.source is None and files:
            e.with_source(", ".join(files))
        raise


def _plain(v: Any) -> Any:
    if isinstance(v, (datetime, date)):
        return v.isoformat()
    if isinstance(v, Decimal):
        return float(v)
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (datetime, date)):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return "; ".join(_text(x) for x in v)
    return str(v)


def columns_of(rows: Sequence[Any], default: Sequence[str] = ()) -> list[str]:
    """Column names of typed rows (dataclass fields or dict keys)."""
    if rows:
        r = rows[0]
        if dataclasses.is_dataclass(r) and not isinstance(r, type):
            return [f.name for f in dataclasses.fields(r)]
        if isinstance(r, dict):
            return list(r)
    return list(default)


def emit(rows: Sequence[Any], fmt: str, *, columns: Sequence[str] | None = None, title: str | None = None,
         out: Any = None) -> None:
    """Write rows to stdout: ``table`` (rich), ``json`` (a list of objects, one per row) or ``csv``."""
    from ..query import row_dict

    out = out or sys.stdout
    cols = list(columns) if columns else columns_of(rows)
    dicts = [row_dict(r) for r in rows]
    if fmt == "json":
        out.write(json.dumps([{c: _plain(d.get(c)) for c in cols} for d in dicts], indent=2,
                             ensure_ascii=False) + "\n")
    elif fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(cols)
        for d in dicts:
            w.writerow([_text(d.get(c)) for c in cols])
        out.write(buf.getvalue())
    elif fmt == "table":
        from rich.console import Console
        from rich.table import Table

        console = Console(file=out, width=None if out.isatty() else 220, highlight=False, soft_wrap=False)
        table = Table(title=title, show_lines=False, title_justify="left")
        for c in cols:
            table.add_column(c, overflow="fold")
        for d in dicts:
            table.add_row(*[_text(d.get(c)) for c in cols])
        console.print(table)
    else:
        raise fail(f"--format must be one of {', '.join(OUTPUT_FORMATS)} (got {fmt!r})")


def check_format(fmt: str, choices: Iterable[str] = OUTPUT_FORMATS) -> None:
    choices = tuple(choices)
    if fmt not in choices:
        raise fail(f"--format must be one of {', '.join(choices)} (got {fmt!r})")


def _parse_params(items: Sequence[str]) -> list[tuple[str, str]]:
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
        name: Optional[str] = typer.Argument(None, metavar="NAME", help="Query name (see --list)."),
        files: Optional[list[str]] = typer.Argument(None, metavar="FILE...", help="RDF files to query."),
        store: Optional[str] = store_option(),
        param: list[str] = typer.Option([], "--param", "-p", metavar="KEY=VALUE",
                                        help="A query parameter (repeatable). Entities by FQN or IRI."),
        fmt: str = typer.Option("table", "--format", "-f", help="Output: table | json | csv."),
        list_: bool = typer.Option(False, "--list", help="List the queries with their parameters and exit."),
    ) -> None:
        """Run a bundled SPARQL query and print its rows.

        \b
        Example:
          mlkg query --list
          mlkg query production models.ttl
          mlkg query pii_models models.ttl --param tag=PII --format json
          mlkg query metric_history models.ttl -p model=mlflow_prod.churn -p metric=AUC
        """
        from .. import query as q

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
        for key, value in _parse_params(param):
            params[key] = q.convert_param(spec, key, value)
        source = load_source(files or [], store)
        with naming(files):
            rows = q.run_named(source, name, params)
        emit(rows, fmt, columns=None if rows else _empty_columns(name))


def _empty_columns(name: str) -> list[str]:
    """Columns to print for an empty answer (the fields of the query's row type)."""
    from .. import lineage
    from .. import query as q

    types = {
        "impact": lineage.LineageNode, "upstream": lineage.LineageNode, "downstream": lineage.LineageNode,
        "path": lineage.PathStep, "raw_sources": q.RawSource, "pii_models": q.PiiModel,
        "metric_history": q.MetricPoint, "production": q.ProductionVersion, "provenance": q.ProvenanceItem,
        "features": q.ModelFeature, "fairness_gaps": q.FairnessGap, "governance_gaps": q.GovernanceGap,
        "derived_models": q.DerivedModel, "models_by_service": q.ServiceModel,
        "dashboard_columns": q.DashboardColumn,
    }
    t = types.get(name)
    if t is not None:
        return [f.name for f in dataclasses.fields(t)]
    return {"resolve": ["entity", "type"], "node_info": ["entity", "type", "name"]}.get(name, [])
