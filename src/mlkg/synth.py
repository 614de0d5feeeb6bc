"""Deterministic synthetic mlkg data for tests and benchmarks.

The data looks like a real ML estate: a few model services on different platforms, and "domains" (churn, fraud,
pricing, ...) of five models each. Every domain has raw tables with PII-tagged columns, a staging layer and a
feature table joined by table- and column-level ``upstream`` lineage and the pipelines that write them; models with
features whose sources are feature-table columns, hyperparameters, metrics and three versions (Archived, Staging,
Production with ``champion``/``challenger`` aliases); an endpoint serving the production version; prediction
tables; a scoring pipeline; a dashboard and an alerting system reading the predictions; owners and tags.

Everything is drawn from :class:`random.Random` seeded per domain, so the same arguments always give the same
entities, and a stream (:func:`iter_entities`, :func:`write_ntriples`) equals the list (:func:`generate`).

>>> ents = generate(5, seed=1)
>>> sum(1 for e in ents if type(e).__name__ == "MLModel")
5
>>> generate(5, seed=1) == ents
True
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from rdflib import Graph

from . import ids
from . import model as m
from .rdf.build import entity_triples, to_graph
from .rdf.build import nt_term as _nt
from .rdf.closure import super_properties

__all__ = [
    "MODELS_PER_DOMAIN",
    "estate_lines",
    "generate",
    "graph_of_size",
    "iter_entities",
    "models_for_triples",
    "ntriples_lines",
    "sample_iris",
    "write_ntriples",
]

#: Models per domain; a domain is the unit that repeats (tables, pipelines, dashboard, alerting system).
MODELS_PER_DOMAIN = 5

_AREAS = ["churn", "fraud", "pricing", "demand", "credit", "ranking", "ltv", "support", "marketing", "risk",
          "inventory", "search"]
_SERVICES = [
    ("mlflow_prod", m.PlatformType.MLFLOW, "https://mlflow.example.com"),
    ("sagemaker_eu", m.PlatformType.SAGEMAKER, "https://eu-west-1.console.aws.amazon.com/sagemaker"),
    ("vertex_us", m.PlatformType.VERTEX_AI, "https://console.cloud.google.com/vertex-ai"),
    ("azureml_core", m.PlatformType.AZURE_ML, "https://ml.azure.com"),
    ("hf_hub", m.PlatformType.HUGGING_FACE, "https://huggingface.co"),
]
_WAREHOUSE = "snowflake_prod.analytics"
_ALGOS = [("XGBoost", "tree ensemble"), ("LightGBM", "tree ensemble"), ("RandomForest", "tree ensemble"),
          ("LogisticRegression", "linear"), ("MLP", "neural network")]
_RAW_COLS = [
    ("customer_id", "NUMBER", "integer", None), ("email", "VARCHAR", "string", "PII.Sensitive"),
    ("phone", "VARCHAR", "string", "PII.Sensitive"), ("birth_date", "DATE", "date", "PII.Sensitive"),
    ("country", "VARCHAR", "string", None), ("amount", "NUMBER", "number", None),
    ("event_ts", "TIMESTAMP", "timestamp", None), ("channel", "VARCHAR", "string", None),
]
_TEAMS = ["data-science", "ml-platform", "risk-analytics", "growth", "data-engineering"]
_T0 = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


def _ref(kind: str, fqn: str) -> m.Ref:
    return m.Ref(type=kind, fqn=fqn)


def _team(name: str) -> list[m.Ref]:
    return [m.Ref(type="team", fqn=name)]


def _tags(*fqns: str) -> list[m.TagLabel]:
    return [m.TagLabel(tag_fqn=f, source="Classification", label_type="Manual", state="Confirmed") for f in fqns]


def _service_entities() -> list[m.Entity]:
    out: list[m.Entity] = []
    for name, platform, url in _SERVICES:
        out.append(m.MLModelService(name=name, service_type=platform, service_url=url,
                                    description=f"{platform.value} model registry", owners=_team("ml-platform")))
    for t in _TEAMS:
        out.append(m.Team(name=t, email=f"{t}@example.com"))
    for fqn, broader in (("PII", None), ("PII.Sensitive", "PII"), ("PII.NonSensitive", "PII"),
                         ("Tier", None), ("Tier.Tier1", "Tier"), ("Tier.Tier2", "Tier")):
        out.append(m.Tag(name=fqn.split(".")[-1], fqn=fqn, broader=m.Ref(type="tag", fqn=broader) if broader else None))
    for algo, family in _ALGOS:
        out.append(m.Algorithm(name=algo, family=family))
    return out


def _domain(d: int, n_models: int, seed: int) -> list[m.Entity]:
    """One domain: its tables, pipelines, models, dashboard and alerting system."""
    rnd = random.Random(seed * 1_000_003 + d)
    area = _AREAS[d % len(_AREAS)]
    schema = f"{_WAREHOUSE}.{area}_{d}"
    team = _TEAMS[d % len(_TEAMS)]
    user = f"user{d}"
    out: list[m.Entity] = [m.User(name=user, email=f"{user}@example.com", teams=_team(team))]

    def tfqn(t: str) -> str:
        return f"{schema}.{t}"

    # Raw layer: 3 source tables with PII-tagged columns.
    raw = [f"{area}_{src}" for src in ("events", "customers", "transactions")]
    for t in raw:
        out.append(m.Table(
            name=t, fqn=tfqn(t), owners=_team("data-engineering"), tags=_tags("Tier.Tier2"),
            description=f"Raw {t.replace('_', ' ')} landed from the operational database",
            columns=[m.Column(name=c, data_type=dt, tags=_tags(tag) if tag else []) for c, dt, _, tag in _RAW_COLS]))
    etl = f"{area}_{d}_etl"
    feat_pipe = f"{area}_{d}_features"
    score_pipe = f"{area}_{d}_scoring"
    # Staging layer: one table per raw table, column-level upstream.
    stg = [f"stg_{t}" for t in raw]
    for s, r in zip(stg, raw):
        out.append(m.Table(
            name=s, fqn=tfqn(s), owners=_team("data-engineering"), upstream=[_ref("table", tfqn(r))],
            produced_by=_ref("pipeline", f"airflow.{etl}"),
            columns=[m.Column(name=c, data_type=dt, upstream=[m.Ref(type="column", fqn=f"{tfqn(r)}.{c}")])
                     for c, dt, _, _ in _RAW_COLS]))
    # Feature table: aggregates of the staging columns.
    n_feat_cols = 16
    feat_cols: list[tuple[str, str, list[str]]] = []
    for i in range(n_feat_cols):
        src_tab = stg[i % len(stg)]
        src_cols = rnd.sample([c for c, *_ in _RAW_COLS], k=rnd.randint(1, 2))
        kind = "string" if i % 5 == 4 else "number"
        feat_cols.append((f"f{i:02d}_{'_'.join(src_cols)}", kind, [f"{tfqn(src_tab)}.{c}" for c in src_cols]))
    feat_table = f"{area}_features"
    out.append(m.Table(
        name=feat_table, fqn=tfqn(feat_table), owners=_team(team), upstream=[_ref("table", tfqn(s)) for s in stg],
        produced_by=_ref("pipeline", f"airflow.{feat_pipe}"), tags=_tags("Tier.Tier1"),
        columns=[m.Column(name=c, data_type="VARCHAR" if k == "string" else "FLOAT",
                          upstream=[m.Ref(type="column", fqn=u) for u in ups]) for c, k, ups in feat_cols]))
    out.append(m.Pipeline(name=etl, fqn=f"airflow.{etl}", inputs=[_ref("table", tfqn(r)) for r in raw],
                          schedule="0 2 * * *", owners=_team("data-engineering")))
    out.append(m.Pipeline(name=feat_pipe, fqn=f"airflow.{feat_pipe}", inputs=[_ref("table", tfqn(s)) for s in stg],
                          schedule="0 3 * * *", owners=_team(team)))

    models: list[m.MLModel] = []
    pred_tables: list[str] = []
    for j in range(n_models):
        svc, platform, url = _SERVICES[(d + j) % len(_SERVICES)]
        name = f"{area}_{d}_model_{j}"
        mfqn = f"{svc}.{name}"
        algo, _family = _ALGOS[rnd.randrange(len(_ALGOS))]
        picked = sorted(rnd.sample(range(n_feat_cols), k=rnd.randint(6, 10)))
        features = []
        for pos, i in enumerate(picked):
            col, kind, _ = feat_cols[i]
            features.append(m.Feature(
                name=col, position=pos,
                data_type=m.FeatureType.CATEGORICAL if kind == "string" else m.FeatureType.NUMERICAL,
                feature_sources=[m.FeatureSource(
                    name=col, data_type=m.SourceDataType.STRING if kind == "string" else m.SourceDataType.NUMBER,
                    data_source=_ref("table", tfqn(feat_table)))]))
        pred = f"{name}_predictions"
        pred_tables.append(tfqn(pred))
        versions = []
        created = _T0 + timedelta(days=d * 7 + j)
        for k, stage in enumerate((m.Stage.ARCHIVED, m.Stage.STAGING, m.Stage.PRODUCTION), start=1):
            auc = round(0.70 + 0.05 * k + rnd.random() * 0.05, 4)
            used = [f"{mfqn}.{feat_cols[i][0]}" for i in picked[: len(picked) - (3 - k)]]
            versions.append(m.ModelVersion(
                name=str(k), stage=stage,
                aliases=["champion"] if stage is m.Stage.PRODUCTION else (
                    ["challenger"] if stage is m.Stage.STAGING else []),
                algorithm=algo, algorithm_ref=m.Ref(type="algorithm", fqn=algo),
                created_at=created + timedelta(days=30 * k), status="READY",
                source=f"models:/{name}/{k}",
                training_datasets=[_ref("table", tfqn(feat_table))],
                predictions=[_ref("table", tfqn(pred))] if stage is m.Stage.PRODUCTION else [],
                features=[_ref("mlFeature", u) for u in used],
                previous_version=m.Ref(type="modelVersion", fqn=f"{mfqn}.{k - 1}") if k > 1 else None,
                ml_hyper_parameters=[
                    m.HyperParameter(name="max_depth", value=str(rnd.randint(3, 12))),
                    m.HyperParameter(name="learning_rate", value=f"{rnd.choice([0.01, 0.05, 0.1, 0.3])}"),
                    m.HyperParameter(name="n_estimators", value=str(100 * rnd.randint(1, 10))),
                ],
                metrics=[m.Evaluation(name="auc", value=auc, split=m.Split.TEST),
                         m.Evaluation(name="accuracy", value=round(auc - 0.04, 4), split=m.Split.TEST),
                         m.Evaluation(name="f1", value=round(auc - 0.1, 4), split=m.Split.VALIDATION)]))
        endpoint = m.Endpoint(
            name=f"{name}-endpoint", service=_ref("mlmodelService", svc), model_version=_ref("modelVersion", f"{mfqn}.3"),
            deployment_type=m.DeploymentType.REALTIME if j % 3 else m.DeploymentType.BATCH,
            status=m.DeploymentStatus.IN_SERVICE, environment="production",
            url=f"https://{svc}.serving.example.com/{name}/invocations", instance_type="ml.m5.large",
            deployed_at=created + timedelta(days=95))
        base_model = None
        if j > 0 and rnd.random() < 0.2:
            base_model = f"{_SERVICES[(d + j - 1) % len(_SERVICES)][0]}.{area}_{d}_model_{j - 1}"
        model = m.MLModel(
            name=name, service=_ref("mlmodelService", svc), service_type=platform, algorithm=algo,
            target=f"{area}_label", description=f"Predicts {area} for model family {j}", owners=_team(team),
            tags=_tags("Tier.Tier1"), ml_features=features, versions=versions, deployments=[endpoint],
            base_model=_ref("mlmodel", base_model) if base_model else None,
            dashboard=m.Ref(type="dashboard", fqn=f"looker.{area}_{d}_monitoring"),
            source_url=f"{url}/models/{name}", task="binary-classification",
            ml_store=m.ModelStore(storage=f"s3://models/{svc}/{name}", image_repository=f"ecr/{name}"))
        models.append(model)
        out.append(m.Table(
            name=pred, fqn=tfqn(pred), owners=_team(team), produced_by=_ref("pipeline", f"airflow.{score_pipe}"),
            columns=[m.Column(name="customer_id", data_type="NUMBER"), m.Column(name="score", data_type="FLOAT"),
                     m.Column(name="scored_at", data_type="TIMESTAMP")]))
    out.extend(models)
    out.append(m.Pipeline(name=score_pipe, fqn=f"airflow.{score_pipe}", inputs=[_ref("table", tfqn(feat_table))],
                          schedule="0 4 * * *", owners=_team(team)))
    out.append(m.Dashboard(name=f"{area}_{d}_monitoring", fqn=f"looker.{area}_{d}_monitoring",
                           sources=[_ref("table", t) for t in pred_tables], owners=_team(team),
                           url=f"https://looker.example.com/d/{d}"))
    if pred_tables:
        out.append(m.AlertingSystem(name=f"{area}_{d}_alerts", fqn=f"pagerduty.{area}_{d}_alerts",
                                    sources=[_ref("table", t) for t in pred_tables[: max(1, len(pred_tables) // 2)]],
                                    channel="pager", owners=_team(team)))
    return out


def iter_entities(n_models: int, *, seed: int = 0) -> Iterator[m.Entity]:
    """Yield the entities of :func:`generate` one domain at a time (shared services, teams and tags first)."""
    if n_models < 0:
        raise ValueError("n_models must be >= 0")
    yield from _service_entities()
    domains = math.ceil(n_models / MODELS_PER_DOMAIN)
    for d in range(domains):
        yield from _domain(d, min(MODELS_PER_DOMAIN, n_models - d * MODELS_PER_DOMAIN), seed)


def generate(n_models: int, *, seed: int = 0) -> list[m.Entity]:
    """A realistic, deterministic list of mlkg entities with ``n_models`` models.

    :param n_models: number of :class:`~mlkg.model.MLModel` entities (grouped in domains of 5).
    :param seed: changes the random choices (features picked, metrics, hyperparameters), not the shape.
    """
    return list(iter_entities(n_models, seed=seed))


# ---------------------------------------------------------------------------------------------------------------
# Sizes
# ---------------------------------------------------------------------------------------------------------------

_PER_DOMAIN: dict[int, tuple[int, int]] = {}


def _calibrate(seed: int) -> tuple[int, int]:
    """(triples of the shared part, triples per full domain), measured once per seed."""
    if seed not in _PER_DOMAIN:
        base = len(to_graph(_service_entities()))
        two = len(to_graph(generate(2 * MODELS_PER_DOMAIN, seed=seed)))
        _PER_DOMAIN[seed] = (base, (two - base) // 2)
    return _PER_DOMAIN[seed]


def models_for_triples(n_triples: int, *, seed: int = 0) -> int:
    """How many models make a graph of about ``n_triples`` triples (lineage super-properties included)."""
    base, per_domain = _calibrate(seed)
    per_model = per_domain / MODELS_PER_DOMAIN
    return max(1, round((n_triples - base) / per_model))


def graph_of_size(n_triples: int, *, seed: int = 0) -> Graph:
    """An rdflib graph of about ``n_triples`` triples (within a few percent), built by ``to_graph``."""
    return to_graph(iter_entities(models_for_triples(n_triples, seed=seed), seed=seed))


# ---------------------------------------------------------------------------------------------------------------
# Streaming N-Triples
# ---------------------------------------------------------------------------------------------------------------

def _lines(entities: Iterable[m.Entity], base: str | None, sup: dict[Any, list[str]]) -> Iterator[str]:
    """N-Triples lines of ``entities`` with their lineage super-property lines (duplicates possible)."""
    for e in entities:
        for s, p, o in entity_triples(e, base=base):
            ss, oo = _nt(s), _nt(o)
            yield f"{ss} <{p}> {oo} .\n"
            for q in sup.get(p, ()):
                yield f"{ss} {q} {oo} .\n"


def _super_lines() -> dict[Any, list[str]]:
    return {p: [f"<{q}>" for q in qs] for p, qs in super_properties().items()}


def ntriples_lines(entities: Iterable[m.Entity], *, base: str | None = None) -> Iterator[str]:
    """N-Triples lines of ``entities`` with the lineage super-property triples, each triple once.

    The same triples as ``to_graph(entities)``, without building a graph: only a set of line hashes is kept.
    """
    seen: set[int] = set()
    for line in _lines(entities, base, _super_lines()):
        h = hash(line)
        if h not in seen:
            seen.add(h)
            yield line


def estate_lines(n_models: int, *, seed: int = 0) -> Iterator[str]:
    """The N-Triples lines of :func:`iter_entities` (lineage super-properties included), each triple once, in
    memory that does not grow with ``n_models``.

    A domain shares nothing with another domain but the shared entities (services, teams, tags, algorithms), so
    lines are deduplicated per domain, and only the lines about a shared entity (its own, and the reference stubs
    every domain writes about it) are remembered across domains.
    """
    if n_models < 0:
        raise ValueError("n_models must be >= 0")
    sup = _super_lines()
    shared = _service_entities()
    shared_subjects = {_nt(s) for e in shared for s, _p, _o in entity_triples(e)}
    kept: set[int] = set()
    for d in range(-1, math.ceil(n_models / MODELS_PER_DOMAIN)):
        ents = shared if d < 0 else _domain(d, min(MODELS_PER_DOMAIN, n_models - d * MODELS_PER_DOMAIN), seed)
        local: set[int] = set()
        for line in _lines(ents, None, sup):
            seen = kept if line[: line.index(" ")] in shared_subjects else local
            h = hash(line)
            if h not in seen:
                seen.add(h)
                yield line


def write_ntriples(path: str | Path | IO[str], n_triples: int, *, seed: int = 0) -> int:
    """Stream a graph of about ``n_triples`` triples to ``path`` as N-Triples; returns the number written.

    Memory stays small and does not grow with the size (one domain of entities at a time, and the hashes of one
    domain's lines: see :func:`estate_lines`), so 10M triples is fine.
    """
    lines = estate_lines(models_for_triples(n_triples, seed=seed), seed=seed)
    count = 0
    if isinstance(path, (str, Path)):
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            for line in lines:
                fh.write(line)
                count += 1
    else:
        for line in lines:
            path.write(line)
            count += 1
    return count


def sample_iris(n_models: int, *, seed: int = 0) -> dict[str, str]:
    """A few IRIs of the data that lineage queries start from (a raw PII column, a dashboard, a model, ...)."""
    area = _AREAS[0]
    schema = f"{_WAREHOUSE}.{area}_0"
    svc = _SERVICES[0][0]
    return {
        "raw_column": ids.mint("column", f"{schema}.{area}_customers.email"),
        "raw_table": ids.mint("table", f"{schema}.{area}_customers"),
        "feature_table": ids.mint("table", f"{schema}.{area}_features"),
        "model": ids.mint("mlmodel", f"{svc}.{area}_0_model_0"),
        "version": ids.mint("modelVersion", f"{svc}.{area}_0_model_0.3"),
        "dashboard": ids.mint("dashboard", f"looker.{area}_0_monitoring"),
        "alerting": ids.mint("alertingSystem", f"pagerduty.{area}_0_alerts"),
        "predictions": ids.mint("table", f"{schema}.{area}_0_model_0_predictions"),
    }
