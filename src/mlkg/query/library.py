"""The typed questions: one function per bundled query, returning frozen dataclass rows sorted the same way on
every store.

>>> from mlkg.model import MLModel, MLModelService
>>> from mlkg.rdf.build import to_graph
>>> g = to_graph([MLModelService(name="mlflow", service_type="Mlflow"), MLModel(name="churn", service="mlflow")])
>>> [(r.service_name, r.model_name, r.versions) for r in models_by_service(g)]
[('mlflow', 'mlflow.churn', 0)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from rdflib import Literal, URIRef

from ..dataset import Source
from ..errors import InputError
from . import lineage
from .engine import Row, resolve, run_named_query
from .terms import py


def _s(term: Any) -> str | None:
    return None if term is None else str(term)


@dataclass(frozen=True)
class RawSource:
    """A raw source of an entity: a table, dataset, column or container upstream of it with nothing upstream."""

    source: str
    kind: str
    name: str | None
    path: str


@dataclass(frozen=True)
class PiiModel:
    """A model trained (directly or through pipelines, tables or base models) on tagged data."""

    model: str
    model_name: str | None
    data: str
    data_name: str | None
    tag: str
    direct: bool


@dataclass(frozen=True)
class MetricPoint:
    """One version's value of a metric on one evaluation dataset, split and slice."""

    version: str
    version_label: str | None
    stage: str | None
    created_at: datetime | None
    metric: str | None
    value: Any
    dataset: str | None
    dataset_name: str | None
    split: str | None
    slice: str | None
    change: Any
    """Difference from the previous version on the same dataset, split and slice (None for the first)."""


@dataclass(frozen=True)
class ProductionVersion:
    """A version in production, with the endpoint serving it and its aliases."""

    model: str
    model_name: str | None
    version: str
    version_label: str | None
    stage: str | None
    aliases: str | None
    endpoint: str | None
    endpoint_name: str | None
    url: str | None
    environment: str | None
    status: str | None


@dataclass(frozen=True)
class ProvenanceItem:
    """One fact about what produced a version (see ``provenance.rq`` for the aspects)."""

    aspect: str
    name: str | None
    value: Any
    node: str | None


@dataclass(frozen=True)
class ModelFeature:
    """A feature of a model with one of its source columns; ``used`` is None when unknown; ``importance`` is the
    model's feature importance of the feature (with its method), None when it has none."""

    model: str
    model_name: str | None
    feature: str
    feature_name: str | None
    data_type: str | None
    column: str | None
    column_name: str | None
    table: str | None
    table_name: str | None
    used: bool | None
    importance: float | None = None
    importance_method: str | None = None


@dataclass(frozen=True)
class FairnessGap:
    """A fairness metric whose gap between groups is above the threshold, on a production model."""

    model: str
    model_name: str | None
    subject: str
    metric: str
    attribute: str | None
    gap: float
    min_value: float
    max_value: float
    groups: int


@dataclass(frozen=True)
class GovernanceGap:
    """A production model missing an owner, a model card or an evaluation."""

    model: str
    model_name: str | None
    missing_owner: bool
    missing_model_card: bool
    missing_evaluation: bool


@dataclass(frozen=True)
class DerivedModel:
    """A model deriving (transitively) from a base model."""

    model: str
    model_name: str | None
    parent: str
    parent_name: str | None
    relation: str | None
    license: str | None
    base_license: str | None
    depth: int


@dataclass(frozen=True)
class ServiceModel:
    """A model of an ML service, with its number of versions."""

    service: str
    service_name: str | None
    platform: str | None
    model: str
    model_name: str | None
    versions: int


@dataclass(frozen=True)
class DashboardColumn:
    """A dashboard and a source column it depends on."""

    dashboard: str
    column: str


def raw_sources(source: Source, entity: str | URIRef, *, kind: str | None = None) -> list[RawSource]:
    """Trace ``entity`` (a prediction table, dashboard, model...) back to its raw sources, each with the
    shortest lineage path from the entity to it."""
    iri = resolve(source, entity, kind=kind)
    rows = run_named_query(source, "raw_sources", {"entity": iri})
    kinds: dict[str, set[str]] = {}
    names: dict[str, str | None] = {}
    for r in rows:
        s = str(r["source"])
        kinds.setdefault(s, set()).add(str(r["sourceType"]))
        names[s] = _s(r["sourceName"])
    paths = {n.entity: n.path for n in lineage.upstream(source, iri)} if kinds else {}
    out = [RawSource(source=s, kind=lineage.pick_kind(t), name=names[s], path=paths.get(s, ""))
           for s, t in kinds.items()]
    return sorted(out, key=lambda r: (r.kind, r.name or r.source))


def pii_models(source: Source, tag: str = "PII") -> list[PiiModel]:
    """Models trained, directly or transitively, on data carrying ``tag`` (a tag FQN or classification
    prefix: ``PII`` matches ``PII.Sensitive``)."""
    rows = run_named_query(source, "pii_models", {"tag": Literal(tag)})
    out = {PiiModel(model=str(r["model"]), model_name=_s(r["modelName"]), data=str(r["data"]),
                    data_name=_s(r["dataName"]), tag=str(r["tagName"]), direct=bool(py(r["direct"])))
           for r in rows}
    return sorted(out, key=lambda r: (r.model_name or r.model, r.data_name or r.data, r.tag))


def _natural(label: str | None) -> tuple:
    parts = re.split(r"(\d+)", label or "")
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in parts)


def metric_history(source: Source, model: str | URIRef, metric: str, *,
                   dataset: str | URIRef | None = None) -> list[MetricPoint]:
    """How ``metric`` moved across the versions of ``model``: one row per version and evaluation, grouped by
    (dataset, split, slice), versions in order (creation time, then label), with the change from the previous
    version of the same group. ``dataset`` keeps one evaluation dataset only."""
    m = resolve(source, model, kind="MLModel")
    rows = run_named_query(source, "metric_history", {"model": m, "metric": Literal(metric)})
    ds = resolve(source, dataset) if dataset is not None else None
    pts = []
    for r in rows:
        if ds is not None and r["dataset"] != ds:
            continue
        pts.append({"version": str(r["version"]), "version_label": _s(r["versionLabel"]), "stage": py(r["stage"]),
                        "created_at": py(r["createdAt"]), "metric": _s(r["metricName"]), "value": py(r["value"]),
                        "dataset": _s(r["dataset"]), "dataset_name": _s(r["datasetName"]), "split": py(r["split"]),
                        "slice": _s(r["slice"])})

    def key(p: dict[str, Any]) -> tuple:
        group = (p["dataset_name"] or p["dataset"] or "", p["split"] or "", p["slice"] or "")
        created = p["created_at"].isoformat() if isinstance(p["created_at"], (datetime, date)) else ""
        return group + (created == "", created, _natural(p["version_label"]))

    pts.sort(key=key)
    out: list[MetricPoint] = []
    prev: dict[tuple, Any] = {}
    for p in pts:
        group = (p["dataset"], p["split"], p["slice"])
        before = prev.get(group)
        change = None
        if isinstance(before, (int, float, Decimal)) and isinstance(p["value"], (int, float, Decimal)) \
                and not isinstance(p["value"], bool):
            a: Any = p["value"]
            b: Any = before
            if isinstance(a, Decimal) != isinstance(b, Decimal):  # xsd:decimal next to xsd:double
                a, b = float(a), float(b)
            change = a - b
        prev[group] = p["value"]
        out.append(MetricPoint(change=change, **p))
    return out


def production(source: Source, model: str | URIRef | None = None) -> list[ProductionVersion]:
    """Versions in production (stage, alias or production endpoint), with endpoints and aliases."""
    b = {"model": resolve(source, model, kind="MLModel")} if model is not None else {}
    rows = run_named_query(source, "production", b)
    out = [ProductionVersion(model=str(r["model"]), model_name=_s(r["modelName"]), version=str(r["version"]),
                             version_label=_s(r["versionLabel"]), stage=py(r["stage"]),
                             aliases=", ".join(sorted(a for a in str(r["aliases"] or "").split(", ") if a)) or None,
                             endpoint=_s(r["endpoint"]), endpoint_name=_s(r["endpointName"]), url=_s(r["url"]),
                             environment=_s(r["environment"]), status=py(r["status"]))
           for r in rows if r["model"] is not None]
    return sorted(out, key=lambda r: (r.model_name or r.model, _natural(r.version_label), r.endpoint_name or ""))


def provenance(source: Source, version: str | URIRef) -> list[ProvenanceItem]:
    """What produced a model version: run, code, people, data and hyperparameters."""
    v = resolve(source, version, kind="ModelVersion")
    rows = run_named_query(source, "provenance", {"version": v})
    out = {ProvenanceItem(aspect=str(r["aspect"]), name=_s(r["name"]), value=py(r["value"]), node=_s(r["node"]))
           for r in rows}
    return sorted(out, key=lambda r: (r.aspect, r.name or "", str(r.value), r.node or ""))


def features(source: Source, model: str | URIRef | None = None) -> list[ModelFeature]:
    """Features of each model (or of ``model``) with their source columns, and whether they are used."""
    b = {"model": resolve(source, model, kind="MLModel")} if model is not None else {}
    rows = run_named_query(source, "features", b)
    out = {ModelFeature(model=str(r["model"]), model_name=_s(r["modelName"]), feature=str(r["feature"]),
                        feature_name=_s(r["featureName"]), data_type=py(r["dataType"]), column=_s(r["column"]),
                        column_name=_s(r["columnName"]), table=_s(r["table"]), table_name=_s(r["tableName"]),
                        used=py(r["used"]),
                        importance=float(py(r["importance"])) if r.get("importance") is not None else None,
                        importance_method=_s(r.get("importanceMethod")))
           for r in rows}
    return sorted(out, key=lambda r: (r.model_name or r.model, r.feature_name or r.feature, r.column_name or ""))


def fairness_gaps(source: Source, threshold: float = 0.1) -> list[FairnessGap]:
    """Production models whose fairness metrics differ between groups by more than ``threshold``."""
    rows = run_named_query(source, "fairness_gaps", {"threshold": Literal(float(threshold))})
    out = [FairnessGap(model=str(r["model"]), model_name=_s(r["modelName"]), subject=str(r["subject"]),
                       metric=str(r["metric"]), attribute=_s(r["attribute"]), gap=float(py(r["gap"])),
                       min_value=float(py(r["minValue"])), max_value=float(py(r["maxValue"])),
                       groups=int(py(r["groups"])))
           for r in rows]
    return sorted(out, key=lambda r: (-r.gap, r.model_name or r.model, r.metric, r.attribute or ""))


def governance_gaps(source: Source) -> list[GovernanceGap]:
    """Production models lacking an owner, a model card or an evaluation."""
    rows = run_named_query(source, "governance_gaps")
    out = [GovernanceGap(model=str(r["model"]), model_name=_s(r["modelName"]),
                         missing_owner=bool(py(r["missingOwner"])),
                         missing_model_card=bool(py(r["missingModelCard"])),
                         missing_evaluation=bool(py(r["missingEvaluation"])))
           for r in rows]
    return sorted(out, key=lambda r: r.model_name or r.model)


def derived_models(source: Source, base: str | URIRef) -> list[DerivedModel]:
    """Models deriving from ``base`` (fine-tunes, adapters, merges...), with depth and licences."""
    b = resolve(source, base, kind="MLModel")
    rows = run_named_query(source, "derived_models", {"base": b})
    out = [DerivedModel(model=str(r["model"]), model_name=_s(r["modelName"]), parent=str(r["parent"]),
                        parent_name=_s(r["parentName"]), relation=_s(r["relation"]), license=py(r["license"]),
                        base_license=py(r["baseLicense"]), depth=int(py(r["depth"])))
           for r in rows]
    return sorted(out, key=lambda r: (r.depth, r.model_name or r.model, r.parent_name or r.parent))


def models_by_service(source: Source, service: str | URIRef | None = None) -> list[ServiceModel]:
    """Models per ML service, with their number of versions."""
    b = {"service": resolve(source, service, kind="MLModelService")} if service is not None else {}
    rows = run_named_query(source, "models_by_service", b)
    out = [ServiceModel(service=str(r["service"]), service_name=_s(r["serviceName"]), platform=py(r["platform"]),
                        model=str(r["model"]), model_name=_s(r["modelName"]), versions=int(py(r["versions"])))
           for r in rows if r["model"] is not None]
    return sorted(out, key=lambda r: (r.service_name or r.service, r.model_name or r.model))


def dashboard_columns(source: Source) -> list[DashboardColumn]:
    """Every dashboard with every source column it depends on."""
    rows = run_named_query(source, "dashboard_columns")
    return sorted({DashboardColumn(dashboard=str(r["dashboard"]), column=str(r["column"])) for r in rows},
                  key=lambda r: (r.dashboard, r.column))


def resolve_rows(source: Source, name: str) -> list[Row]:
    """Rows of ``resolve.rq``: the nodes named ``name`` and their classes (for ``mlkg query resolve``)."""
    return [{"entity": str(r["entity"]), "type": _s(r["type"])}
            for r in run_named_query(source, "resolve", {"name": Literal(name)})]



def node_info(source: Source, entity: str | URIRef) -> list[Row]:
    """Rows of ``node_info.rq``: the classes and names of one node (for ``mlkg query node_info``)."""
    return [{"entity": str(r["entity"]), "type": _s(r["type"]), "name": _s(r["name"])}
            for r in run_named_query(source, "node_info", {"entity": resolve(source, entity)})]


@dataclass(frozen=True)
class SeriesPoint:
    """One value of a metric of an entity, at a time (``metric_series``)."""

    entity: str
    time: datetime | None
    value: Any
    step: int | None
    source: str
    source_name: str | None
    monitor: str | None
    dataset: str | None
    split: Any


def metric_series(source: Source, entity: str | URIRef, metric: str) -> list[SeriesPoint]:
    """An entity's ``metric`` over time, oldest first: its evaluations, its versions' evaluations and the
    observations of its drift monitors (an online metric or a drift value of an endpoint, say)."""
    e = resolve(source, entity)
    rows = run_named_query(source, "metric_series", {"entity": e, "metric": Literal(metric)})
    out = [SeriesPoint(entity=str(r["entity"]), time=py(r["time"]), value=py(r["value"]),
                       step=py(r["step"]), source=str(r["source"]), source_name=_s(r["sourceName"]),
                       monitor=_s(r["monitor"]), dataset=_s(r["dataset"]), split=py(r["split"])) for r in rows]

    def key(p: SeriesPoint) -> tuple:
        t = p.time.isoformat() if isinstance(p.time, (datetime, date)) else ""
        return (t == "", t, p.step if isinstance(p.step, int) else 0, p.source_name or p.source)

    return sorted(out, key=key)


@dataclass(frozen=True)
class Serving:
    """A model version behind an endpoint (``serving``): one period the platform recorded (``served_from`` to
    ``served_until``, none while it lasts), or the version it serves now with the time the platform says it was
    deployed; with what the version was trained on (dataset FQNs, or IRIs where a dataset has no FQN)."""

    endpoint: str
    version: str | None
    version_name: str | None
    model: str | None
    model_name: str | None
    deployed_at: datetime | None
    status: Any
    environment: str | None
    served_from: datetime | None = None
    served_until: datetime | None = None
    traffic_percentage: float | None = None
    trained_on: tuple[str, ...] = ()

    def covers(self, at: datetime | date | str) -> bool:
        """Served at ``at``: within the recorded period (its end excluded), else deployed by then; a row with no
        time at all is taken as serving (the graph says nothing against it)."""
        t = _moment(at)
        if self.served_from is not None or self.served_until is not None:
            return ((self.served_from is None or _moment(self.served_from) <= t)
                    and (self.served_until is None or t < _moment(self.served_until)))
        return self.deployed_at is None or _moment(self.deployed_at) <= t


def serving(source: Source, endpoint: str | URIRef, at: datetime | date | str | None = None) -> list[Serving]:
    """The version(s) an endpoint serves or served, one row per recorded period. With ``at`` (an ISO date or
    datetime; a date means the end of that day, UTC), only the rows that cover that time (:meth:`Serving.covers`:
    the period ``mlkg:ServingInterval`` where the platform recorded one, else the deployment time
    ``mlkg:deployedAt``); on a store that keeps history, :func:`mlkg.history.timeline.serving_at` also reads the
    imports before and after that time."""
    e = resolve(source, endpoint, kind="Endpoint")
    grouped: dict[tuple, tuple[dict[str, Any], set[str]]] = {}
    for r in run_named_query(source, "serving", {"endpoint": e}):
        key = tuple(str(r[k]) if r[k] is not None else None for k in (
            "endpoint", "version", "model", "servedFrom", "servedUntil", "traffic", "deployedAt"))
        row, data = grouped.setdefault(key, (dict(r), set()))
        if r["trainedOn"] is not None:
            data.add(_s(r["trainedOnName"]) or str(r["trainedOn"]))
    out = []
    for row, data in grouped.values():
        traffic = py(row["traffic"])
        s = Serving(endpoint=str(row["endpoint"]), version=_s(row["version"]), version_name=_s(row["versionName"]),
                    model=_s(row["model"]), model_name=_s(row["modelName"]), deployed_at=py(row["deployedAt"]),
                    status=py(row["status"]), environment=_s(row["environment"]), served_from=py(row["servedFrom"]),
                    served_until=py(row["servedUntil"]),
                    traffic_percentage=float(traffic) if isinstance(traffic, (int, float, Decimal)) else None,
                    trained_on=tuple(sorted(data)))
        if at is None or s.covers(at):
            out.append(s)
    return sorted(out, key=lambda s: (s.version_name or "", s.model_name or "",
                                      _moment(s.served_from).isoformat() if s.served_from else ""))


def _moment(value: datetime | date | str) -> datetime:
    """An aware datetime (UTC when no zone is given; a date or a date string means the end of that day)."""

    if isinstance(value, str):
        text = value.strip().replace("Z", "+00:00")
        try:
            value = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            raise InputError(f"{value!r} is not an ISO date or datetime", path="at",
                             expected="e.g. 2026-03-03 or 2026-03-03T12:00:00Z") from None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.combine(value, datetime.max.time(), tzinfo=UTC)


__all__ = [
    "DashboardColumn", "DerivedModel", "FairnessGap", "GovernanceGap", "MetricPoint", "ModelFeature", "PiiModel",
    "ProductionVersion", "ProvenanceItem", "RawSource", "ServiceModel", "dashboard_columns", "derived_models",
    "fairness_gaps", "features", "governance_gaps", "metric_history", "models_by_service", "node_info", "pii_models",
    "production", "provenance", "raw_sources", "resolve_rows", "SeriesPoint", "Serving", "metric_series", "serving",
]
