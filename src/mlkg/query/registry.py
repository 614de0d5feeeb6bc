"""Query name → the typed function answering it, and the text form of its parameters: what ``mlkg query NAME
--param KEY=VALUE`` runs. Errors name the query and parameter; the command line adds where they came from.

>>> from mlkg.model import MLModel, MLModelService
>>> from mlkg.rdf.build import to_graph
>>> g = to_graph([MLModelService(name="mlflow", service_type="Mlflow"), MLModel(name="churn", service="mlflow")])
>>> [type(r).__name__ for r in run_named(g, "models_by_service")]
['ServiceModel']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ..dataset import Source
from ..errors import InputError
from . import library as lib
from . import lineage
from . import periods as per
from .catalog import QuerySpec, query_spec

#: Query name → the function returning its typed rows; keyword arguments are the header's parameters.
FUNCTIONS: dict[str, Callable[..., Sequence[Any]]] = {
    "impact": lineage.impact,
    "upstream": lineage.upstream,
    "downstream": lineage.downstream,
    "path": lineage.path_between,
    "raw_sources": lib.raw_sources,
    "pii_models": lib.pii_models,
    "metric_history": lib.metric_history,
    "production": lib.production,
    "provenance": lib.provenance,
    "features": lib.features,
    "fairness_gaps": lib.fairness_gaps,
    "governance_gaps": lib.governance_gaps,
    "derived_models": lib.derived_models,
    "models_by_service": lib.models_by_service,
    "dashboard_columns": lib.dashboard_columns,
    "resolve": lib.resolve_rows,
    "node_info": lib.node_info,
    "metric_series": lib.metric_series,
    "serving": lib.serving,
    "stage_at": per.stage_at,
    "alias_at": per.alias_at,
}

#: Query name → its row type (the columns of an empty answer).
ROW_TYPES: dict[str, type] = {
    "impact": lineage.LineageNode, "upstream": lineage.LineageNode, "downstream": lineage.LineageNode,
    "path": lineage.PathStep, "raw_sources": lib.RawSource, "pii_models": lib.PiiModel,
    "metric_history": lib.MetricPoint, "production": lib.ProductionVersion, "provenance": lib.ProvenanceItem,
    "features": lib.ModelFeature, "fairness_gaps": lib.FairnessGap, "governance_gaps": lib.GovernanceGap,
    "derived_models": lib.DerivedModel, "models_by_service": lib.ServiceModel,
    "dashboard_columns": lib.DashboardColumn, "metric_series": lib.SeriesPoint, "serving": lib.Serving,
    "stage_at": per.StagePeriod, "alias_at": per.AliasPeriod,
}
_DICT_COLUMNS = {"resolve": ["entity", "type"], "node_info": ["entity", "type", "name"]}


def columns(name: str) -> list[str]:
    """The column names of the answers of query ``name``."""
    t = ROW_TYPES.get(name)
    if t is not None:
        return [f.name for f in dataclasses.fields(t)]
    return list(_DICT_COLUMNS.get(name, []))


def convert_param(spec: QuerySpec, name: str, text: str) -> Any:
    """Turn the text of a parameter value into the value the query function takes.

    :raises InputError: for an unknown parameter or a value of the wrong kind.
    """
    p = spec.param(name)
    if p is None:
        known = ", ".join(q.name for q in spec.params)
        raise InputError(f"query {spec.name!r} has no parameter {name!r}",
                         expected=f"one of: {known}" if known else "no parameters")
    try:
        if p.kind == "double":
            return float(text)
        if p.kind == "integer":
            return int(text)
        if p.kind == "boolean":
            if text.lower() not in ("true", "false"):
                raise ValueError(text)
            return text.lower() == "true"
    except ValueError:
        raise InputError(f"parameter {name!r} of query {spec.name!r} is {text!r}", expected=f"a {p.kind}") from None
    return text


def check_params(spec: QuerySpec, params: Mapping[str, Any]) -> None:
    """Check that ``params`` has every required parameter of the query and no other.

    :raises InputError: naming the missing or unknown parameter.
    """
    for p in spec.params:
        if p.required and p.name not in params:
            raise InputError(f"query {spec.name!r} needs the parameter {p.name!r} ({p.doc})",
                             expected=f"{p.name}=VALUE")
    for k in params:
        if spec.param(k) is None:
            known = ", ".join(p.name for p in spec.params)
            raise InputError(f"query {spec.name!r} has no parameter {k!r}",
                             expected=f"one of: {known}" if known else "no parameters")


def run_named(source: Source, name: str, params: Mapping[str, Any] | None = None) -> list[Any]:
    """Run the query ``name`` through its Python function with ``params`` (header names → values).

    :raises InputError: for an unknown query, a missing required parameter or an unknown one.
    """
    spec = query_spec(name)
    params = dict(params or {})
    check_params(spec, params)
    fn = FUNCTIONS[name]
    if name == "path":
        return list(fn(source, params["start"], params["end"]))
    return list(fn(source, **params))


def row_dict(row: Any) -> dict[str, Any]:
    """A typed row as a plain dict (field name → Python value)."""
    if dataclasses.is_dataclass(row) and not isinstance(row, type):
        return {f.name: getattr(row, f.name) for f in dataclasses.fields(row)}
    if isinstance(row, dict):
        return dict(row)
    if hasattr(row, "_asdict"):
        return dict(row._asdict())
    raise TypeError(f"not a row: {row!r}")


def rows_as_dicts(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """Rows as plain dicts."""
    return [row_dict(r) for r in rows]


__all__ = ["FUNCTIONS", "ROW_TYPES", "check_params", "columns", "convert_param", "row_dict", "rows_as_dicts",
           "run_named"]
