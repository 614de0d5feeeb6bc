"""The one store interface: lineage, every query function and diagrams give the same rows on an rdflib Graph,
``open_store("memory:")``, ``open_store("oxigraph:PATH")`` and a ``sparql:`` store (a real ``oxigraph serve``).

The rows on a plain rdflib Graph are the reference; each is also checked by hand in ``test_query.py`` and
``test_lineage.py``. ``on_store`` (tests/conftest.py) is the fixture other graph consumers reuse.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from rdflib import URIRef

import mlkg.model as m
from mlkg import diagram, lineage
from mlkg import query as q
from mlkg.rdf.build import to_graph
from query.graphs import fraud_graph, iri
from query.test_query import (
    derived_graph,
    fairness_graph,
    features_graph,
    metric_graph,
    pii_graph,
    production_graph,
    provenance_graph,
)


def timeline_graph():
    """An endpoint deployed at a recorded time, with a drift monitor observed on three days."""
    svc = m.MLModelService(name="sm", service_type="SageMaker")
    model = m.MLModel(name="fraud", service="sm", versions=[m.ModelVersion(name="1"), m.ModelVersion(name="2")])
    endpoint = m.Endpoint(
        name="fraud-ep", service=m.Ref(type="mlmodelService", fqn="sm"),
        model_version=m.Ref(type="modelVersion", fqn="sm.fraud.2"),
        deployed_at=datetime(2026, 3, 1, 9, tzinfo=UTC),
        drift_monitors=[m.DriftMonitor(name="psi", method="psi", observations=[
            m.Evaluation(name=f"psi-{d}", measure="psi", value=float(v), timestamp=datetime(2026, 3, d, tzinfo=UTC))
            for d, v in ((2, "0.12"), (1, "0.05"), (3, "0.21"))])])
    return to_graph([svc, model, endpoint])


def interval_graph():
    """An endpoint that served version 1 from 1 to 5 March and version 2 since (recorded periods), each version
    trained on a table of its own."""
    svc = m.MLModelService(name="sm", service_type="SageMaker")
    model = m.MLModel(name="fraud", service="sm", versions=[
        m.ModelVersion(name=n, training_datasets=[m.Ref(type="table", fqn=f"dwh.tx{n}")]) for n in ("1", "2")])
    v = {n: m.Ref(type="modelVersion", fqn=f"sm.fraud.{n}") for n in ("1", "2")}
    endpoint = m.Endpoint(
        name="fraud-ep", service=m.Ref(type="mlmodelService", fqn="sm"), model_version=v["2"], serving_history=[
            m.ServingInterval(model_version=v["1"], started_at=datetime(2026, 3, 1, tzinfo=UTC),
                              ended_at=datetime(2026, 3, 5, tzinfo=UTC), traffic_percentage=100.0),
            m.ServingInterval(model_version=v["2"], started_at=datetime(2026, 3, 5, tzinfo=UTC))])
    return to_graph([svc, model, endpoint, *(m.Table(name=f"tx{n}", fqn=f"dwh.tx{n}") for n in ("1", "2"))])


def assignment_graph():
    """Version 1 in Production from 1 to 5 March and version 2 since (recorded periods); ``champion`` on version 2
    with no time (as MLflow keeps it), ``challenger`` on version 1 with a recorded period."""
    def stage(d: int, until: int | None = None) -> m.StageAssignment:
        return m.StageAssignment(stage="Production", started_at=datetime(2026, 3, d, tzinfo=UTC),
                                 ended_at=datetime(2026, 3, until, tzinfo=UTC) if until else None, times_from="test")

    svc = m.MLModelService(name="reg", service_type="Mlflow")
    model = m.MLModel(name="fraud", service="reg", versions=[
        m.ModelVersion(name="1", stage="Archived", stage_history=[stage(1, 5)], alias_history=[m.AliasAssignment(
            alias="challenger", started_at=datetime(2026, 3, 2, tzinfo=UTC))]),
        m.ModelVersion(name="2", stage="Production", stage_history=[stage(5)], aliases=["champion"])])
    return to_graph([svc, model])


#: (graph, query name, parameters as a user gives them: FQNs, not IRIs)
CASES = [
    (timeline_graph, "metric_series", {"entity": "sm.fraud-ep", "metric": "psi"}),
    (timeline_graph, "serving", {"endpoint": "sm.fraud-ep", "at": "2026-03-05"}),
    (interval_graph, "serving", {"endpoint": "sm.fraud-ep", "at": "2026-03-03"}),
    (interval_graph, "serving", {"endpoint": "sm.fraud-ep"}),
    (assignment_graph, "stage_at", {"model": "reg.fraud", "stage": "Production", "at": "2026-03-03"}),
    (assignment_graph, "stage_at", {"model": "reg.fraud", "stage": "production", "at": "2026-03-06"}),
    (assignment_graph, "alias_at", {"model": "reg.fraud", "alias": "champion", "at": "2026-03-03"}),
    (assignment_graph, "alias_at", {"model": "reg.fraud", "alias": "challenger", "at": "2026-03-03"}),
    (fraud_graph, "impact", {"entity": "sf.prod.transactions"}),
    (fraud_graph, "upstream", {"entity": "fraud_dash"}),
    (fraud_graph, "downstream", {"entity": "sf.prod.customers"}),
    (fraud_graph, "path", {"start": "sf.prod.customers", "end": "fraud_alerts"}),
    (fraud_graph, "raw_sources", {"entity": "fraud_dash"}),
    (fraud_graph, "dashboard_columns", {}),
    (fraud_graph, "resolve", {"name": "sf.prod.transactions"}),
    (fraud_graph, "node_info", {"entity": "sf.prod.transactions"}),
    (pii_graph, "pii_models", {"tag": "PII"}),
    (metric_graph, "metric_history", {"model": "svc.churn", "metric": "AUC"}),
    (production_graph, "production", {}),
    (provenance_graph, "provenance", {"version": "svc.churn.3"}),
    (features_graph, "features", {}),
    (fairness_graph, "fairness_gaps", {"threshold": 0.05}),
    (fairness_graph, "governance_gaps", {}),
    (derived_graph, "derived_models", {"base": "hf.llama"}),
    (production_graph, "models_by_service", {}),
]


def test_every_query_is_covered() -> None:
    assert {name for _, name, _ in CASES} == set(q.FUNCTIONS)


@pytest.mark.parametrize("make, name, params", CASES, ids=[c[1] for c in CASES])
def test_same_rows_on_every_store(on_store, make, name: str, params) -> None:
    graph = make()
    expected = q.run_named(graph, name, params)
    if name != "governance_gaps":
        assert expected, name  # a case that finds nothing would prove nothing
    assert q.run_named(on_store(graph), name, params) == expected


def test_lineage_functions_on_every_store(on_store) -> None:
    graph = fraud_graph()
    source = on_store(graph)
    for method in ("auto", "bfs", "sparql"):
        assert lineage.impact(source, "sf.prod.transactions", method=method) == \
            lineage.impact(graph, "sf.prod.transactions", method=method)
        assert lineage.upstream(source, "fraud_dash", depth=3, method=method) == \
            lineage.upstream(graph, "fraud_dash", depth=3, method=method)
        assert lineage.path_between(source, "sf.prod.transactions", "fraud_alerts", method=method) == \
            lineage.path_between(graph, "sf.prod.transactions", "fraud_alerts", method=method)
    assert len(lineage.impact(source, "sf.prod.transactions")) == 15


def test_diagram_on_every_store(on_store) -> None:
    graph = fraud_graph()
    text = diagram.mermaid(graph, "mlflow_prod.fraud_detection", depth=2)
    assert diagram.mermaid(on_store(graph), "mlflow_prod.fraud_detection", depth=2) == text
    assert "mlflow_prod.fraud_detection" in text


def test_bindings_of_python_values_on_every_store(on_store) -> None:
    """One binding converter: dates, date-times and decimals bind on every store (they failed on ``--store``)."""
    when = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    g = to_graph(m.MLModel(name="x", service="s", versions=[m.ModelVersion(
        name="1", created_at=when, metrics=[m.Evaluation(name="AUC", value=0.5)])]))  # stored as xsd:decimal
    source = on_store(g)
    text = ("PREFIX mlkg: <https://w3id.org/mlkg#> SELECT ?v ?t ?x WHERE { ?v mlkg:createdAt ?t . "
            "?e mlkg:metricValue ?x }")
    rows = q.run_query(source, text, {"t": when, "x": Decimal("0.5")})
    assert [(r["v"], r["t"].toPython(), r["x"].toPython()) for r in rows] == [
        (URIRef(iri("modelVersion", "s.x.1")), when, Decimal("0.5"))]
    assert q.run_query(source, text, {"t": date(2024, 5, 1)}) == []  # a date is not that date-time


def test_a_store_is_not_sniffed_by_module_name() -> None:
    from mlkg.dataset import GraphStore, as_store
    from mlkg.store import as_rdflib, open_store

    s = open_store("oxigraph:")
    assert as_store(s) is s
    assert as_store(as_rdflib(s)) is s  # the rdflib view is unwrapped, not queried through rdflib
    assert isinstance(as_store(to_graph([])), GraphStore)
    with pytest.raises(TypeError, match="cannot query a dict"):
        as_store({})
