"""RDFS / OWL-RL materialization with owlrl, and the queries giving the same answers with or without it."""

from __future__ import annotations

import pytest
from query.graphs import fraud_graph, iri
from query.test_query import (
    derived_graph,
    fairness_graph,
    features_graph,
    governance_graph,
    metric_graph,
    pii_graph,
    production_graph,
    provenance_graph,
)
from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDF

from mlkg import lineage
from mlkg import query as q
from mlkg.inference import materialize
from mlkg.namespaces import MLKG


def combined() -> Graph:
    g = Graph()
    for make in (fraud_graph, pii_graph, metric_graph, production_graph, provenance_graph, features_graph,
                 fairness_graph, governance_graph, derived_graph):
        for t in make():
            g.add(t)
    return g


def answers(g: Graph) -> dict[str, object]:
    """Every question's rows on ``g``."""
    out: dict[str, object] = {}
    for method in ("bfs", "sparql"):
        out[f"impact/{method}"] = lineage.impact(g, "sf.prod.transactions", method=method)
        out[f"impact-col/{method}"] = lineage.impact(g, "db.customers.email", method=method)
        out[f"upstream/{method}"] = lineage.upstream(g, "fraud_dash", method=method)
        out[f"path/{method}"] = lineage.path_between(g, "sf.prod.customers", "fraud_alerts", method=method)
    out["raw_sources"] = q.raw_sources(g, "fraud_dash")
    out["pii"] = q.pii_models(g, "PII")
    out["metric"] = q.metric_history(g, "svc.churn", "AUC")
    out["production"] = q.production(g)
    out["provenance"] = q.provenance(g, "svc.churn.3")
    out["features"] = q.features(g)
    out["fairness"] = q.fairness_gaps(g, 0.05)
    out["governance"] = q.governance_gaps(g)
    out["derived"] = q.derived_models(g, "hf.llama")
    out["services"] = q.models_by_service(g)
    out["dashboards"] = q.dashboard_columns(g)
    return out


@pytest.fixture(scope="module")
def plain() -> dict[str, object]:
    return answers(combined())


def _check_same(plain: dict[str, object], level: str) -> None:
    g = combined()
    before = len(g)
    added = materialize(g, level=level)
    assert added > 0 and len(g) == before + added
    # the inference really happened: a column is a prov:Entity only by inference
    assert (URIRef(iri("column", "sf.prod.transactions.amount")), RDF.type, PROV.Entity) in g
    inferred = answers(g)
    for key, rows in plain.items():
        assert inferred[key] == rows, key


def test_same_answers_with_rdfs(plain) -> None:
    _check_same(plain, "rdfs")


@pytest.mark.slow
def test_same_answers_with_owl_rl(plain) -> None:
    _check_same(plain, "owl-rl")


def test_every_question_answers_something(plain) -> None:
    empty = [k for k, rows in plain.items() if not rows]
    assert empty == []


def test_ontology_triples_stay_out_of_the_data() -> None:
    g = fraud_graph()
    materialize(g, level="rdfs")
    assert (MLKG.Table, None, None) not in g
    assert not list(g.triples((MLKG.trainedOn, None, None)))


def test_unknown_level() -> None:
    with pytest.raises(ValueError, match="rdfs, owl-rl"):
        materialize(Graph(), level="owl-full")
