"""The query library: each question on a graph built for it, expected rows written out by hand, on rdflib and on
pyoxigraph. Plus the query files' headers and the binding of odd values."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal as D

import pytest
from rdflib import Literal, URIRef

import mlkg.model as m
from mlkg import query as q
from mlkg.errors import InputError
from mlkg.namespaces import MLKG
from mlkg.rdf.build import to_graph
from query.graphs import STORES, fraud_graph, iri, on


@pytest.fixture(params=STORES)
def store(request):
    return request.param


# ---------------------------------------------------------------------------------------------------------------
# 1. What breaks if this column or table changes? (the rows; lineage tests cover paths and both methods)
# ---------------------------------------------------------------------------------------------------------------


def test_q1_impact_through_run_named(store) -> None:
    rows = q.run_named(on(store, fraud_graph()), "impact", {"entity": "sf.prod.fraud_scores"})
    assert sorted((r.kind, r.name, r.depth) for r in rows) == [
        ("AlertingSystem", "fraud_alerts", 1), ("Column", "sf.prod.fraud_scores.score", 1),
        ("Dashboard", "fraud_dash", 1)]


# ---------------------------------------------------------------------------------------------------------------
# 2. Trace a prediction table or dashboard back to its raw sources
# ---------------------------------------------------------------------------------------------------------------


def test_q2_raw_sources_of_dashboard(store) -> None:
    rows = q.raw_sources(on(store, fraud_graph()), "fraud_dash")
    head = "fraud_dash -displays-> sf.prod.fraud_scores -predictionsFrom-> sagemaker_prod.fraud-endpoint"
    tail = (" -servesModel-> mlflow_prod.fraud_detection -hasFeature-> mlflow_prod.fraud_detection.amount_z"
            " -hasFeatureSource-> sf.prod.fraud_features.amount_z -belongsToTable-> sf.prod.fraud_features"
            " -producedBy-> airflow.fraud_features_job -readsFrom-> ")
    assert rows == [
        q.RawSource(source=iri("table", "sf.prod.customers"), kind="Table", name="sf.prod.customers",
                    path=head + tail.replace(" -servesModel-> mlflow_prod.fraud_detection -hasFeature-> "
                                             "mlflow_prod.fraud_detection.amount_z -hasFeatureSource-> "
                                             "sf.prod.fraud_features.amount_z -belongsToTable-> ",
                                             " -servesModelVersion-> mlflow_prod.fraud_detection.2 -trainedOn-> ")
                    + "sf.prod.customers"),
        q.RawSource(source=iri("table", "sf.prod.transactions"), kind="Table", name="sf.prod.transactions",
                    path=head + " -servesModelVersion-> mlflow_prod.fraud_detection.2 -trainedOn-> "
                    "sf.prod.fraud_features -producedBy-> airflow.fraud_features_job -readsFrom-> "
                    "sf.prod.transactions"),
    ]


def test_q2_raw_source_without_pipeline(store) -> None:
    g = to_graph([m.Table(name="raw", fqn="db.raw", columns=[m.Column(name="c")]),
                  m.Dataset(name="files", fqn="s3.files"),
                  m.Table(name="mid", fqn="db.mid", upstream=["db.raw", m.Ref(type="dataset", fqn="s3.files")]),
                  m.Table(name="preds", fqn="db.preds", upstream=["db.mid"])])
    rows = q.raw_sources(on(store, g), "db.preds")
    assert [(r.kind, r.name, r.path) for r in rows] == [
        ("Dataset", "s3.files", "db.preds -upstream-> db.mid -upstream-> s3.files"),
        ("Table", "db.raw", "db.preds -upstream-> db.mid -upstream-> db.raw"),
    ]


# ---------------------------------------------------------------------------------------------------------------
# 3. Models trained directly or transitively on PII-tagged data
# ---------------------------------------------------------------------------------------------------------------


def pii_graph():
    return to_graph([
        m.Table(name="customers", fqn="db.customers",
                columns=[m.Column(name="email", tags=["PII.Sensitive"]), m.Column(name="id")]),
        m.Table(name="events", fqn="db.events", tags=["PIIX.Other"]),  # PIIX is not PII
        m.Table(name="clicks", fqn="db.clicks", tags=["PII.NonSensitive"]),
        m.Pipeline(name="job", fqn="etl.job", inputs=["db.customers"]),
        m.Table(name="feats", fqn="db.feats", produced_by="etl.job"),
        # trained on a table derived from the tagged column's table: transitive
        m.MLModel(name="a", service="svc", versions=[m.ModelVersion(name="1", training_datasets=["db.feats"])]),
        # a feature whose source is the tagged column itself: direct
        m.MLModel(name="b", service="svc", ml_features=[m.Feature(name="mail", feature_sources=[
            m.FeatureSource(name="email", data_source="db.customers")])]),
        # trained on data with a look-alike tag only
        m.MLModel(name="c", service="svc", training_datasets=["db.events"]),
        # fine-tuned from a: transitive through the base model
        m.MLModel(name="d", service="svc", base_model=m.Ref(type="mlmodel", fqn="svc.a")),
        # trained directly on a table tagged PII.NonSensitive
        m.MLModel(name="e", service="svc", training_datasets=["db.clicks"]),
    ])


def test_q3_pii_models(store) -> None:
    rows = q.pii_models(on(store, pii_graph()), "PII")
    col = iri("column", "db.customers.email")
    assert rows == [
        q.PiiModel(model=iri("mlmodel", "svc.a"), model_name="svc.a", data=col, data_name="db.customers.email",
                   tag="PII.Sensitive", direct=False),
        q.PiiModel(model=iri("mlmodel", "svc.b"), model_name="svc.b", data=col, data_name="db.customers.email",
                   tag="PII.Sensitive", direct=True),
        q.PiiModel(model=iri("mlmodel", "svc.d"), model_name="svc.d", data=col, data_name="db.customers.email",
                   tag="PII.Sensitive", direct=False),
        q.PiiModel(model=iri("mlmodel", "svc.e"), model_name="svc.e", data=iri("table", "db.clicks"),
                   data_name="db.clicks", tag="PII.NonSensitive", direct=True),
    ]
    assert [r.model_name for r in q.pii_models(on(store, pii_graph()), "PII.NonSensitive")] == ["svc.e"]
    assert [r.model_name for r in q.pii_models(on(store, pii_graph()), "PIIX")] == ["svc.c"]


# ---------------------------------------------------------------------------------------------------------------
# 4. A metric across versions on the same evaluation data
# ---------------------------------------------------------------------------------------------------------------


def _auc(value: float, dataset: str, split: str = "test", name: str = "AUC") -> m.Evaluation:
    return m.Evaluation(name=name, value=value, dataset=m.Ref(type="dataset", fqn=dataset), split=split)


def metric_graph():
    return to_graph(m.MLModel(name="churn", service="svc", versions=[
        m.ModelVersion(name="10", metrics=[_auc(0.83, "holdout"), _auc(0.70, "holdout", name="precision")]),
        m.ModelVersion(name="2", metrics=[_auc(0.85, "holdout"), _auc(0.91, "fresh")]),
        m.ModelVersion(name="1", metrics=[_auc(0.80, "holdout"), m.Evaluation(name="accuracy", value=0.9)]),
    ]))


def test_q4_metric_history(store) -> None:
    rows = q.metric_history(on(store, metric_graph()), "svc.churn", "auc")
    got = [(r.version_label, r.value, r.dataset_name, r.split, r.change) for r in rows]
    assert got == [
        ("2", D("0.91"), "fresh", "test", None),
        ("1", D("0.80"), "holdout", "test", None),
        ("2", D("0.85"), "holdout", "test", D("0.05")),
        ("10", D("0.83"), "holdout", "test", D("-0.02")),
    ]
    assert rows[1].version == iri("modelVersion", "svc.churn.1")
    assert rows[1].metric == "AUC" and rows[1].dataset == iri("dataset", "holdout")
    only = q.metric_history(on(store, metric_graph()), "svc.churn", "AUC", dataset="holdout")
    assert [r.version_label for r in only] == ["1", "2", "10"]
    assert [r.value for r in q.metric_history(on(store, metric_graph()), "svc.churn", "precision")] == [D("0.70")]


# ---------------------------------------------------------------------------------------------------------------
# 5. Which version is in production, behind which endpoint, under which alias?
# ---------------------------------------------------------------------------------------------------------------


def production_graph():
    return to_graph([
        m.MLModel(name="churn", service="svc", versions=[
            m.ModelVersion(name="1", stage="Archived"),
            m.ModelVersion(name="2", stage="Production", aliases=["champion", "blue"]),
            m.ModelVersion(name="3", stage="Staging", aliases=["challenger"]),
        ]),
        m.Endpoint(name="churn-ep", service=m.Ref(type="mlmodelService", fqn="sm"), environment="production",
                   url="https://ep.example/churn", status="InService",
                   model_version=m.Ref(type="modelVersion", fqn="svc.churn.2")),
        m.MLModel(name="price", service="svc", versions=[m.ModelVersion(name="7", aliases=["champion"])]),
        m.MLModel(name="rank", service="svc", versions=[m.ModelVersion(name="1", stage="Production")],
                  deployments=[m.Endpoint(name="rank-ep", environment="production")]),
        m.MLModel(name="dev", service="svc", versions=[m.ModelVersion(name="1", stage="Staging")]),
    ])


def test_q5_production(store) -> None:
    rows = q.production(on(store, production_graph()))
    assert rows == [
        q.ProductionVersion(model=iri("mlmodel", "svc.churn"), model_name="svc.churn",
                            version=iri("modelVersion", "svc.churn.2"), version_label="2", stage="Production",
                            aliases="blue, champion", endpoint=iri("endpoint", "sm.churn-ep"),
                            endpoint_name="sm.churn-ep", url="https://ep.example/churn", environment="production",
                            status="InService"),
        q.ProductionVersion(model=iri("mlmodel", "svc.price"), model_name="svc.price",
                            version=iri("modelVersion", "svc.price.7"), version_label="7", stage=None,
                            aliases="champion", endpoint=None, endpoint_name=None, url=None, environment=None,
                            status=None),
        q.ProductionVersion(model=iri("mlmodel", "svc.rank"), model_name="svc.rank",
                            version=iri("modelVersion", "svc.rank.1"), version_label="1", stage="Production",
                            aliases=None, endpoint=iri("endpoint", "svc.rank.rank-ep"),
                            endpoint_name="svc.rank.rank-ep", url=None, environment="production", status=None),
    ]
    assert [r.model_name for r in q.production(on(store, production_graph()), "svc.rank")] == ["svc.rank"]


# ---------------------------------------------------------------------------------------------------------------
# 6. What produced this version?
# ---------------------------------------------------------------------------------------------------------------


def provenance_graph():
    return to_graph([
        m.User(name="alice"), m.User(name="bob"), m.Team(name="ds"),
        m.TrainingRun(name="run42", status="FINISHED", code_commit="9f1c2e", user=m.Ref(type="user", fqn="alice"),
                      code_repository="https://git.example/churn", training_datasets=[
                          m.Ref(type="dataset", fqn="s3.train")],
                      params=[m.HyperParameter(name="seed", value=7)]),
        m.Dataset(name="train", fqn="s3.train", revision="abc123"),
        m.Table(name="feats", fqn="db.feats", version="2024-05"),
        m.MLModel(name="churn", service="svc", owners=[m.Ref(type="team", fqn="ds")], versions=[
            m.ModelVersion(name="3", run=m.Ref(type="trainingRun", fqn="run42"), algorithm="XGBoost",
                           created_by=m.Ref(type="user", fqn="bob"), training_datasets=["db.feats"],
                           ml_hyper_parameters=[m.HyperParameter(name="max_depth", value="6"),
                                                m.HyperParameter(name="learning_rate", value=0.1)]),
            m.ModelVersion(name="2", ml_hyper_parameters=[m.HyperParameter(name="max_depth", value=4)]),
        ]),
    ])


def test_q6_provenance(store) -> None:
    rows = q.provenance(on(store, provenance_graph()), "svc.churn.3")
    assert [(r.aspect, r.name, r.value, r.node) for r in rows] == [
        ("algorithm", None, "XGBoost", None),
        ("code_commit", None, "9f1c2e", None),
        ("code_repository", None, "https://git.example/churn", None),
        ("created_by", "bob", None, iri("user", "bob")),
        ("hyperparameter", "learning_rate", 0.1, iri("hyperParameter", "svc.churn.3.learning_rate")),
        ("hyperparameter", "max_depth", 6, iri("hyperParameter", "svc.churn.3.max_depth")),
        ("hyperparameter", "seed", 7, iri("hyperParameter", "run42.seed")),
        ("owner", "ds", None, iri("team", "ds")),
        ("run", "run42", "FINISHED", iri("trainingRun", "run42")),
        ("started_by", "alice", None, iri("user", "alice")),
        ("training_data", "db.feats", "2024-05", iri("table", "db.feats")),
        ("training_data", "s3.train", "abc123", iri("dataset", "s3.train")),
    ]
    hp = [r for r in rows if r.aspect == "hyperparameter"]
    assert isinstance(hp[1].value, int) and isinstance(hp[0].value, float)


# ---------------------------------------------------------------------------------------------------------------
# 7. Features per model, with source columns; unused features
# ---------------------------------------------------------------------------------------------------------------


def features_graph():
    src = lambda col, table="db.t": m.FeatureSource(name=col, data_source=table)  # noqa: E731
    return to_graph([
        m.MLModel(name="m", service="svc", ml_features=[
            m.Feature(name="f1", data_type="numerical", feature_sources=[src("a")]),
            m.Feature(name="f2", data_type="categorical", feature_sources=[src("b"), src("c", "db.u")]),
            m.Feature(name="f3"),
        ], versions=[m.ModelVersion(name="1", features=[m.Ref(type="mlFeature", fqn="svc.m.f1")]),
                     m.ModelVersion(name="2", features=[m.Ref(type="mlFeature", fqn="svc.m.f1"),
                                                        m.Ref(type="mlFeature", fqn="svc.m.f2")])]),
        m.MLModel(name="n", service="svc", ml_features=[m.Feature(name="g", feature_sources=[src("a")])]),
    ])


def test_q7_features(store) -> None:
    rows = q.features(on(store, features_graph()))
    assert [(r.model_name, r.feature_name, r.data_type, r.column_name, r.table_name, r.used) for r in rows] == [
        ("svc.m", "f1", "numerical", "db.t.a", "db.t", True),
        ("svc.m", "f2", "categorical", "db.t.b", "db.t", True),
        ("svc.m", "f2", "categorical", "db.u.c", "db.u", True),
        ("svc.m", "f3", None, None, None, False),
        ("svc.n", "g", None, "db.t.a", "db.t", None),
    ]
    assert rows[0].column == iri("column", "db.t.a") and rows[0].table == iri("table", "db.t")
    assert [r.feature_name for r in q.features(on(store, features_graph()), "svc.n")] == ["g"]


# ---------------------------------------------------------------------------------------------------------------
# 8. Production models with a fairness gap above a threshold
# ---------------------------------------------------------------------------------------------------------------


def _fair(name: str, value: float, attribute: str | None = None, group: str | None = None) -> m.FairnessMetric:
    return m.FairnessMetric(name=name, value=value, sensitive_attribute=attribute, group=group)


def fairness_graph():
    return to_graph([
        m.MLModel(name="credit", service="svc", versions=[
            m.ModelVersion(name="1", stage="Production", fairness=[
                _fair("accuracy", 0.80, "gender", "female"), _fair("accuracy", 0.90, "gender", "male"),
                _fair("accuracy", 0.85, "age", "young"), _fair("accuracy", 0.86, "age", "old"),
                _fair("demographic_parity_difference", -0.15, "gender"),
            ]),
            m.ModelVersion(name="0", stage="Archived", fairness=[
                _fair("accuracy", 0.5, "gender", "female"), _fair("accuracy", 0.9, "gender", "male")]),
        ]),
        m.MLModel(name="lab", service="svc", fairness=[
            _fair("accuracy", 0.1, "gender", "female"), _fair("accuracy", 0.9, "gender", "male")]),
    ])


def test_q8_fairness_gaps(store) -> None:
    rows = q.fairness_gaps(on(store, fairness_graph()), 0.05)
    v1 = iri("modelVersion", "svc.credit.1")
    assert [(r.model_name, r.subject, r.metric, r.attribute, r.gap, r.min_value, r.max_value, r.groups)
            for r in rows] == [
        ("svc.credit", v1, "demographic_parity_difference", "gender", pytest.approx(0.15), -0.15, -0.15, 0),
        ("svc.credit", v1, "accuracy", "gender", pytest.approx(0.10), 0.80, 0.90, 2),
    ]
    assert [r.metric for r in q.fairness_gaps(on(store, fairness_graph()), 0.12)] == [
        "demographic_parity_difference"]
    assert q.fairness_gaps(on(store, fairness_graph()), 0.5) == []


# ---------------------------------------------------------------------------------------------------------------
# 9. Production models lacking an owner, a model card or an evaluation
# ---------------------------------------------------------------------------------------------------------------


def governance_graph():
    auc = m.Evaluation(name="AUC", value=0.9)
    return to_graph([
        m.MLModel(name="ok", service="svc", owners=[m.Ref(type="team", fqn="ds")], model_card=m.ModelCard(),
                  versions=[m.ModelVersion(name="1", stage="Production", metrics=[auc])]),
        m.MLModel(name="half", service="svc", versions=[
            m.ModelVersion(name="1", stage="Production", metrics=[auc]),
            m.ModelVersion(name="0", stage="Archived", model_card=m.ModelCard(),
                           owners=[m.Ref(type="team", fqn="ds")])]),
        m.MLModel(name="bare", service="svc", deployments=[m.Endpoint(name="ep", environment="production")]),
        m.MLModel(name="dev", service="svc", versions=[m.ModelVersion(name="1", stage="Staging")]),
    ])


def test_q9_governance_gaps(store) -> None:
    assert q.governance_gaps(on(store, governance_graph())) == [
        q.GovernanceGap(model=iri("mlmodel", "svc.bare"), model_name="svc.bare", missing_owner=True,
                        missing_model_card=True, missing_evaluation=True),
        q.GovernanceGap(model=iri("mlmodel", "svc.half"), model_name="svc.half", missing_owner=True,
                        missing_model_card=True, missing_evaluation=False),
    ]


# ---------------------------------------------------------------------------------------------------------------
# 10. Models deriving from a base model, with depth and licences
# ---------------------------------------------------------------------------------------------------------------


def derived_graph():
    base = m.Ref(type="mlmodel", fqn="hf.llama")
    return to_graph([
        m.MLModel(name="llama", service="hf", license="llama3"),
        m.MLModel(name="chat", service="hf", base_model=base, base_model_relation="finetune", license="Apache-2.0"),
        m.MLModel(name="chat-lora", service="hf", base_model=m.Ref(type="mlmodel", fqn="hf.chat"),
                  base_model_relation="adapter", license="MIT"),
        m.MLModel(name="chat-q4", service="hf", base_model=m.Ref(type="mlmodel", fqn="hf.chat-lora"),
                  base_model_relation="quantized"),
        m.MLModel(name="other", service="hf", base_model=m.Ref(type="mlmodel", fqn="hf.mistral")),
    ])


def test_q10_derived_models(store) -> None:
    rows = q.derived_models(on(store, derived_graph()), "hf.llama")
    assert [(r.model_name, r.parent_name, r.relation, r.license, r.base_license, r.depth) for r in rows] == [
        ("hf.chat", "hf.llama", "finetune", "Apache-2.0", "llama3", 1),
        ("hf.chat-lora", "hf.chat", "adapter", "MIT", "llama3", 2),
        ("hf.chat-q4", "hf.chat-lora", "quantized", None, "llama3", 3),
    ]
    assert [r.model_name for r in q.derived_models(on(store, derived_graph()), "hf.chat-lora")] == ["hf.chat-q4"]


# ---------------------------------------------------------------------------------------------------------------
# Generic ones
# ---------------------------------------------------------------------------------------------------------------


def test_models_by_service(store) -> None:
    g = to_graph([m.MLModelService(name="mlflow", service_type="Mlflow"),
                  m.MLModelService(name="sm", service_type="SageMaker"),
                  m.MLModel(name="a", service="mlflow", versions=[m.ModelVersion(name="1"), m.ModelVersion(name="2")]),
                  m.MLModel(name="b", service="sm"), m.MLModel(name="c", service="mlflow")])
    assert [(r.service_name, r.platform, r.model_name, r.versions) for r in q.models_by_service(on(store, g))] == [
        ("mlflow", "Mlflow", "mlflow.a", 2), ("mlflow", "Mlflow", "mlflow.c", 0), ("sm", "SageMaker", "sm.b", 0)]
    assert [r.model_name for r in q.models_by_service(on(store, g), "sm")] == ["sm.b"]


def test_dashboard_columns(store) -> None:
    rows = q.dashboard_columns(on(store, fraud_graph()))
    assert rows == [q.DashboardColumn(dashboard=iri("dashboard", "fraud_dash"),
                                      column=iri("column", "sf.prod.fraud_features.amount_z"))]


# ---------------------------------------------------------------------------------------------------------------
# Values are bindings, never query text
# ---------------------------------------------------------------------------------------------------------------

ODD = ['a"b', "a'b", "x} UNION { ?s ?p ?o }", "# comment", "line\nbreak", 'q"""r', "back\\slash", "{}", "<>"]


@pytest.mark.parametrize("odd", ODD)
def test_odd_names_are_values(store, odd: str) -> None:
    g = to_graph([
        m.MLModel(name=odd, service="svc", versions=[m.ModelVersion(name="1", stage="Production",
                                                                    metrics=[m.Evaluation(name=odd, value=1.5)])],
                  training_datasets=[f"db.{odd}"], tags=[f"PII.{odd}"]),
        m.MLModel(name="plain", service="svc", versions=[m.ModelVersion(name="1", stage="Production",
                                                                        metrics=[m.Evaluation(name="x", value=2)])]),
        m.Table(name="t", fqn=f"db.{odd}"),
    ])
    src = on(store, g)
    model_fqn = "svc." + ('"' + odd.replace('"', '\\"') + '"' if "." in odd else odd)
    assert q.resolve(src, model_fqn) == URIRef(iri("mlmodel", model_fqn))
    rows = q.metric_history(src, model_fqn, odd)
    assert [(r.metric, r.value) for r in rows] == [(odd, 1.5)]
    assert q.metric_history(src, "svc.plain", odd) == []
    assert [r.model_name for r in q.production(src, model_fqn)] == [model_fqn]
    assert [r.name for r in q.run_named(src, "impact", {"entity": f"db.{odd}"})] == [model_fqn]
    # a tag value is a value too: nothing matches, nothing breaks
    assert q.pii_models(src, odd) == []


def test_binding_is_not_text_substitution() -> None:
    g = to_graph([m.Table(name="t", fqn="db.t")])
    # if the value were pasted into the query, this would match every node
    rows = q.run_query(g, q.load_query("resolve"), {"name": Literal('x" || true || "')})
    assert rows == []


# ---------------------------------------------------------------------------------------------------------------
# The query files
# ---------------------------------------------------------------------------------------------------------------

QUESTIONS = ["impact", "raw_sources", "pii_models", "metric_history", "production", "provenance", "features",
             "fairness_gaps", "governance_gaps", "derived_models", "upstream", "downstream", "path",
             "models_by_service"]


def test_every_question_has_a_file_and_a_function() -> None:
    names = q.query_names()
    for name in QUESTIONS:
        assert name in names
        assert name in q.FUNCTIONS
    for spec in q.list_queries():
        assert spec.purpose and spec.columns, spec.name
        assert spec.name in q.FUNCTIONS, spec.name


def test_headers_name_the_parameters_the_query_uses() -> None:
    for spec in q.list_queries():
        body = "\n".join(l for l in spec.text.splitlines() if not l.startswith("#"))
        select = re.search(r"SELECT\s+(DISTINCT\s+)?(.*?)\s*WHERE", body, re.S)
        assert select, spec.name
        for p in spec.params:
            if (spec.name, p.name) in (("metric_history", "dataset"), ("serving", "at"), ("stage_at", "at"),
                                       ("alias_at", "at")):
                continue  # filtered in Python, documented as such
            assert f"?{p.name}" in body, (spec.name, p.name)
            # SEP-0007 (pyoxigraph substitutions) needs every bound variable in the top-level projection
            assert f"?{p.name}" in select.group(2), (spec.name, p.name)


def test_queries_use_only_ontology_terms() -> None:
    from rdflib.namespace import RDF, RDFS

    from mlkg.ontology import load_ontology

    onto = load_ontology()
    defined = {str(s) for s in onto.subjects(RDF.type, None)} | {str(s) for s in onto.subjects(RDFS.label, None)}
    for spec in q.list_queries():
        for local in re.findall(r"mlkg:([A-Za-z][A-Za-z0-9_]*)", spec.text):
            assert str(MLKG) + local in defined, (spec.name, local)


def test_unknown_query_and_parameters() -> None:
    g = fraud_graph()
    with pytest.raises(InputError, match="no query named 'nope'"):
        q.query_spec("nope")
    with pytest.raises(InputError, match="needs the parameter 'entity'"):
        q.run_named(g, "impact", {})
    with pytest.raises(InputError, match="has no parameter 'x'"):
        q.run_named(g, "governance_gaps", {"x": 1})
    with pytest.raises(InputError, match="a double"):
        q.convert_param(q.query_spec("fairness_gaps"), "threshold", "high")
    assert q.convert_param(q.query_spec("fairness_gaps"), "threshold", "0.2") == 0.2


def test_run_query_rejects_other_sources() -> None:
    with pytest.raises(TypeError, match="expected an mlkg Store .*, an rdflib Graph or a pyoxigraph Store"):
        q.run_query({}, "SELECT * {}")


def test_literals_become_python_values(store) -> None:
    when = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    g = to_graph(m.MLModel(name="x", service="s", versions=[m.ModelVersion(
        name="1", created_at=when, metrics=[m.Evaluation(name="AUC", value=0.5)])]))
    (row,) = q.metric_history(on(store, g), "s.x", "AUC")
    assert row.created_at == when
    assert isinstance(row.value, (float, D)) and row.value == D("0.5")


def test_edge_queries_follow_the_lineage_properties() -> None:
    """The property lists in the edge queries are the traversal properties and their mlkg sub-properties."""
    from mlkg.query import lineage

    expected_path = set(lineage.TRAVERSE)
    expected_labels = set(lineage._lineage_labels()) | set(lineage.TRAVERSE)
    prefixes = {"mlkg": str(MLKG), "prov": "http://www.w3.org/ns/prov#"}

    def expand(names: str) -> set[str]:
        out = set()
        for t in re.findall(r"(mlkg|prov):(\w+)", names):
            out.add(prefixes[t[0]] + t[1])
        return out

    for name in ("downstream", "upstream", "impact", "path", "raw_sources", "dashboard_columns"):
        text = q.load_query(name)
        paths = re.findall(r"\((prov:[^()]*)\)[*+]", text)
        assert paths, name
        for path in paths:
            assert expand(path) == expected_path, name
        m_in = re.search(r"\?property IN \(([^)]*)\)", text)
        if m_in:
            assert expand(m_in.group(1)) == expected_labels, name


def test_metric_change_across_decimal_and_double(store) -> None:
    g = to_graph(m.MLModel(name="x", service="s", versions=[
        m.ModelVersion(name="1", metrics=[m.Evaluation(name="AUC", value=0.5)])]))
    v2 = URIRef(iri("evaluation", "s.x.2.metric.AUC"))
    g.add((URIRef(iri("mlmodel", "s.x")), MLKG.hasVersion,
           URIRef(iri("modelVersion", "s.x.2"))))
    g.add((URIRef(iri("modelVersion", "s.x.2")), MLKG.hasEvaluation, v2))
    g.add((URIRef(iri("modelVersion", "s.x.2")), MLKG.name, Literal("2")))
    g.add((v2, MLKG.name, Literal("AUC")))
    g.add((v2, MLKG.metricValue, Literal(0.75)))  # xsd:double next to the first version's xsd:decimal
    rows = q.metric_history(on(store, g), "s.x", "AUC")
    assert [(r.version_label, r.change) for r in rows] == [("1", None), ("2", 0.25)]


INLINE_CASES = [
    (fraud_graph, "impact", {"entity": URIRef(iri("table", "sf.prod.transactions"))}),
    (fraud_graph, "upstream", {"entity": URIRef(iri("dashboard", "fraud_dash"))}),
    (fraud_graph, "path", {"start": URIRef(iri("table", "sf.prod.customers")),
                           "end": URIRef(iri("alertingSystem", "fraud_alerts"))}),
    (fraud_graph, "raw_sources", {"entity": URIRef(iri("dashboard", "fraud_dash"))}),
    (fraud_graph, "resolve", {"name": Literal("sf.prod.transactions")}),
    (pii_graph, "pii_models", {"tag": Literal("PII")}),
    (pii_graph, "pii_models", {"tag": Literal('PII" } UNION { ?a ?b ?c } #\n')}),
    (metric_graph, "metric_history", {"model": URIRef(iri("mlmodel", "svc.churn")), "metric": Literal("AUC")}),
    (production_graph, "production", {"model": URIRef(iri("mlmodel", "svc.churn"))}),
    (provenance_graph, "provenance", {"version": URIRef(iri("modelVersion", "svc.churn.3"))}),
    (features_graph, "features", {"model": URIRef(iri("mlmodel", "svc.m"))}),
    (fairness_graph, "fairness_gaps", {"threshold": Literal(0.05)}),
    (derived_graph, "derived_models", {"base": URIRef(iri("mlmodel", "hf.llama"))}),
]


@pytest.mark.parametrize("make, name, binds", INLINE_CASES, ids=[c[1] for c in INLINE_CASES])
def test_inline_bindings_give_the_same_rows(store, make, name: str, binds) -> None:
    """For text-only stores (SPARQL endpoints) the bindings become VALUES blocks: same rows as substitution."""
    src = on(store, make())
    text = q.load_query(name)
    key = lambda r: sorted((k, str(v)) for k, v in r.items())  # noqa: E731
    bound = sorted(map(key, q.run_query(src, text, binds)))
    inlined = sorted(map(key, q.run_query(src, q.inline_bindings(text, binds), {})))
    assert bound == inlined
    if "UNION" not in str(binds):
        assert bound, name


def test_inline_bindings_only_where_projected() -> None:
    text = q.inline_bindings(q.load_query("downstream"), {"entity": URIRef("urn:x")})
    assert text.count("VALUES (?entity) { (<urn:x>) }") == 2  # top level and the closure sub-SELECT
    with pytest.raises(ValueError, match="variable"):
        q.inline_bindings(text, {"x }": Literal(1)})
