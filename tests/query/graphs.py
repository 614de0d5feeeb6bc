"""Graphs built with the entity classes for the query, lineage and diagram tests, and the stores they run on."""

from __future__ import annotations

import pytest

import mlkg.model as m
from mlkg import ids
from mlkg.query import to_oxigraph
from mlkg.rdf.build import to_graph

STORES = ("rdflib", "oxigraph")


def on(store: str, graph):
    """The graph on the store named ``store``: the rdflib graph itself, or a pyoxigraph copy."""
    return graph if store == "rdflib" else to_oxigraph(graph)


def iri(kind: str, fqn: str) -> str:
    return ids.mint(kind, fqn)


def fraud_entities() -> list[m.Entity]:
    """The seed's fraud detection flow: transactions & customers → feature job → fraud_features → MLflow
    fraud_detection (Random Forest, AUC 0.93, precision 0.85, Data Science Team; versions 1 and 2) →
    SageMaker production endpoint → fraud_scores → fraud alert system."""
    team = m.Team(name="data_science", display_name="Data Science Team")
    transactions = m.Table(name="transactions", fqn="sf.prod.transactions",
                           columns=[m.Column(name="amount"), m.Column(name="customer_id")])
    customers = m.Table(name="customers", fqn="sf.prod.customers",
                        columns=[m.Column(name="customer_id"), m.Column(name="country")])
    job = m.Pipeline(name="fraud_features_job", fqn="airflow.fraud_features_job",
                     inputs=["sf.prod.transactions", "sf.prod.customers"])
    features = m.Table(name="fraud_features", fqn="sf.prod.fraud_features", produced_by="airflow.fraud_features_job",
                       columns=[m.Column(name="amount_z"), m.Column(name="country_code")])
    metrics = [m.Evaluation(name="AUC", value=0.93), m.Evaluation(name="precision", value=0.85)]
    model = m.MLModel(
        name="fraud_detection", service="mlflow_prod", algorithm="Random Forest", metrics=metrics,
        owners=[m.Ref(type="team", fqn="data_science")],
        ml_features=[m.Feature(name="amount_z", data_type="numerical", feature_sources=[
            m.FeatureSource(name="amount_z", data_type="number", data_source="sf.prod.fraud_features")])],
        versions=[m.ModelVersion(name="1", stage="Archived", training_datasets=["sf.prod.fraud_features"]),
                  m.ModelVersion(name="2", stage="Production", training_datasets=["sf.prod.fraud_features"],
                                 metrics=metrics)],
    )
    endpoint = m.Endpoint(name="fraud-endpoint", service=m.Ref(type="mlmodelService", fqn="sagemaker_prod"),
                          environment="production",
                          model=m.Ref(type="mlmodel", fqn="mlflow_prod.fraud_detection"),
                          model_version=m.Ref(type="modelVersion", fqn="mlflow_prod.fraud_detection.2"),
                          predictions=["sf.prod.fraud_scores"])
    scores = m.Table(name="fraud_scores", fqn="sf.prod.fraud_scores", columns=[m.Column(name="score")])
    alerts = m.AlertingSystem(name="fraud_alerts", sources=["sf.prod.fraud_scores"])
    dash = m.Dashboard(name="fraud_dash", sources=["sf.prod.fraud_scores"])
    return [team, transactions, customers, job, features, model, endpoint, scores, alerts, dash]


def fraud_graph():
    return to_graph(fraud_entities())


def test_fraud_graph_has_the_flow() -> None:
    g = fraud_graph()
    from rdflib import URIRef

    from mlkg.namespaces import MLKG

    v2 = URIRef(iri("modelVersion", "mlflow_prod.fraud_detection.2"))
    assert (v2, MLKG.trainedOn, URIRef(iri("table", "sf.prod.fraud_features"))) in g
    assert (URIRef(iri("table", "sf.prod.fraud_scores")), MLKG.predictionsFrom,
            URIRef(iri("endpoint", "sagemaker_prod.fraud-endpoint"))) in g


@pytest.mark.parametrize("store", STORES)
def test_on_gives_same_triple_count(store: str) -> None:
    g = fraud_graph()
    assert len(on(store, g)) == len(g)


