"""OWL reasoning over the ontology: consistent, every class satisfiable, no unexpected inferred types.

Loads ``ontology/mlkg.ttl`` + ``ontology/mlkg-align.ttl`` + ``tests/data/prov-dcat-min.ttl`` (the logical axioms
of PROV-O, DCAT 3 and ML Schema, standing in for the ``owl:imports``, which are never fetched) and an instance graph
built with :func:`mlkg.rdf.build.to_graph` from entities that use every class, then runs HermiT through owlready2
(needs Java). Slow: run with ``pytest -m slow``.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDF

import mlkg.model as m
from mlkg.model.base import Ref
from mlkg.namespaces import MLKG_IRI

pytestmark = pytest.mark.slow

owlready2 = pytest.importorskip("owlready2", reason="owlready2 is not installed (pip install 'mlkg[reasoner]')")
if shutil.which("java") is None:  # pragma: no cover
    pytest.skip("HermiT needs Java and no `java` is on PATH", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]
FILES = (ROOT / "ontology" / "mlkg.ttl", ROOT / "ontology" / "mlkg-align.ttl",
         ROOT / "tests" / "data" / "prov-dcat-min.ttl")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
MLS = Namespace("http://www.w3.org/ns/mls#")
MLKG = Namespace(MLKG_IRI)


def kitchen_sink(*, owned_activities: bool = False) -> list[m.Entity]:
    """Entities that together use every mlkg class and most properties.

    With ``owned_activities`` the pipeline and the run get owners too (mlkg:operatedBy).
    """
    alice, bob = Ref(type="user", fqn="alice"), Ref(type="user", fqn="bob")
    team = Ref(type="team", fqn="data_science")
    extra: dict[str, Any] = {"owners": [team]} if owned_activities else {}
    pii = m.TagLabel(tag_fqn="PII.Sensitive", source="Classification", label_type="Manual", state="Confirmed")
    card = m.ModelCard(intended_use="rank customers", out_of_scope_use="credit", limitations="EU only",
                       ethical_considerations="purchase history", co2e_emissions_grams=12.5,
                       url="https://example.org/card", risks=[m.Risk(name="drift", severity="high",
                                                                     mitigation="retrain monthly")])
    auc = m.Evaluation(name="auc", measure="AUC", value=0.93, dataset=Ref(type="dataset", fqn="s3.holdout"),
                       split="test", slice="country=DE", ci_lower=0.91, ci_upper=0.95, ci_level=0.95, step=10)
    version = m.ModelVersion(
        name="3", stage="Production", aliases=["champion"], algorithm="XGBoost", status="READY",
        source="models:/churn/3", license="Apache-2.0", created_by=alice, release_date="2024-06-01",
        training_datasets=["sf.db.public.customer_features"], validation_datasets=["sf.db.public.val"],
        test_datasets=[Ref(type="dataset", fqn="s3.holdout")], predictions=["sf.db.public.churn_scores"],
        run=Ref(type="trainingRun", fqn="mlflow_prod.exp1.run42"),
        previous_version=Ref(type="modelVersion", fqn="mlflow_prod.churn.2"),
        features=[Ref(type="mlFeature", fqn="mlflow_prod.churn.recency")],
        algorithm_ref=Ref(type="algorithm", fqn="xgboost"),
        ml_hyper_parameters=[m.HyperParameter(name="max_depth", value=6)], metrics=[auc], model_card=card,
        ml_store=m.ModelStore(storage="s3://models/churn/3", image_repository="ecr/churn"),
        fairness=[m.FairnessMetric(name="dpd", measure="DemographicParityDifference", value=0.04,
                                   sensitive_attribute="gender", group="female")],
        feature_importance=[m.FeatureImportance(name="recency", feature=Ref(type="mlFeature",
                                                                           fqn="mlflow_prod.churn.recency"),
                                                importance=0.4, method="shap")],
        compliance=[m.ComplianceRecord(name="gdpr", framework="GDPR", status="approved", allows_pii=False,
                                       approved_by=bob, reference="https://example.org/grc/7")],
        owners=[team], tags=[pii], domains=[Ref(type="domain", fqn="marketing")],
        stage_history=[m.StageAssignment(stage="Production", started_at="2024-06-01T08:00:00Z",
                                         times_from="MLflow")],
        alias_history=[m.AliasAssignment(alias="champion", started_at="2024-06-01T08:00:00Z")])
    endpoint = m.Endpoint(name="churn-api", deployment_type="realtime", status="InService",
                          url="https://api.example.org/churn", environment="production",
                          model_version=Ref(type="modelVersion", fqn="mlflow_prod.churn.3"),
                          predictions=["sf.db.public.online_scores"], instance_type="ml.m5.large",
                          serving_history=[m.ServingInterval(model_version="mlflow_prod.churn.3",
                                                             started_at="2024-06-02T00:00:00Z",
                                                             ended_at="2024-07-01T00:00:00Z",
                                                             traffic_percentage=100.0)],
                          drift_monitors=[m.DriftMonitor(name="psi", method="psi", threshold=0.2, status="ok",
                                                         observations=[m.Evaluation(name="psi", value=0.05)])])
    model = m.MLModel(
        name="churn", service="mlflow_prod", service_type="Mlflow", algorithm="XGBoost", target="churned",
        task="binary-classification", server="https://serve.example.org/churn", followers=[bob],
        data_products=[Ref(type="dataProduct", fqn="customer360")], dashboard="looker.churn_board",
        base_model=Ref(type="mlmodel", fqn="hf.base_model"), base_model_relation="finetune",
        ml_features=[m.Feature(name="recency", data_type="numerical", position=0, feature_algorithm="days",
                               feature_sources=[m.FeatureSource(name="last_purchase_date", data_type="date",
                                                                data_source="sf.db.public.customers")])],
        versions=[version], deployments=[endpoint],
        audit_log=[m.AuditEvent(name="e1", action="promoted", actor=alice, timestamp="2024-06-01T08:00:00Z")],
        owners=[team, alice], tags=[pii])
    return [
        m.MLModelService(name="mlflow_prod", service_type="Mlflow", service_url="https://mlflow.example.org"),
        model,
        m.Table(name="customers", fqn="sf.db.public.customers",
                columns=[m.Column(name="email", data_type="VARCHAR", tags=[pii]),
                         m.Column(name="last_purchase_date", data_type="DATE",
                                  upstream=[Ref(type="column", fqn="sf.db.raw.orders.ts")])],
                upstream=["sf.db.raw.orders"], owners=[team]),
        m.Table(name="customer_features", fqn="sf.db.public.customer_features", produced_by="airflow.features",
                version="2024-06-01"),
        m.Dataset(name="holdout", fqn="s3.holdout", digest="9f2c", source="s3://data/holdout", source_type="s3",
                  revision="r1", upstream=[Ref(type="container", fqn="s3.raw")]),
        m.Container(name="raw", fqn="s3.raw"),
        m.Pipeline(name="features", fqn="airflow.features", inputs=["sf.db.public.customers"],
                   outputs=["sf.db.public.customer_features"], schedule="0 3 * * *", **extra),
        m.Experiment(name="exp1", fqn="mlflow_prod.exp1", service="mlflow_prod", artifact_location="s3://ml/exp1",
                     owners=[team]),
        m.TrainingRun(name="run42", fqn="mlflow_prod.exp1.run42", experiment="mlflow_prod.exp1", user=alice,
                      status="FINISHED", started_at="2024-05-30T09:00:00Z", ended_at="2024-05-30T09:40:00Z",
                      code_repository="https://git.example.org/churn", code_commit="a1b2c3d", code_path="train.py",
                      training_datasets=[Ref(type="dataset", fqn="s3.train")],
                      evaluation_datasets=[Ref(type="dataset", fqn="s3.holdout")],
                      params=[m.HyperParameter(name="max_depth", value=6)],
                      metrics=[m.Evaluation(name="accuracy", value=0.9)], **extra),
        m.Dashboard(name="churn_board", fqn="looker.churn_board", sources=["sf.db.public.churn_scores"],
                    url="https://bi.example.org/d/1", owners=[alice]),
        m.AlertingSystem(name="pager", fqn="ops.pager", sources=["sf.db.public.churn_scores"], channel="pager"),
        m.User(name="alice", email="alice@example.org", teams=[team]),
        m.Team(name="data_science", email="ds@example.org"),
        m.Domain(name="marketing"),
        m.DataProduct(name="customer360", owners=[team]),
        m.Tag(name="Sensitive", fqn="PII.Sensitive", broader=Ref(type="tag", fqn="PII")),
        m.GlossaryTerm(name="Churn", fqn="Business.Churn", broader=Ref(type="glossaryTerm", fqn="Business")),
        m.Algorithm(name="xgboost", family="tree ensemble"),
    ]


def _reason(instances: Graph | None) -> tuple[Any, Any, float]:
    """Load the files (+ instances) into a fresh owlready2 world and run HermiT. Returns (world, onto, seconds)."""
    g = Graph()
    for f in FILES:
        g.parse(f, format="turtle")
    if instances is not None:
        g += instances
    g.remove((None, OWL.imports, None))  # the imports are the local copies loaded above; never fetch
    world = owlready2.World()
    onto = world.get_ontology("https://w3id.org/mlkg/reasoner-test#")
    import io

    onto.load(fileobj=io.BytesIO(g.serialize(format="nt", encoding="utf-8")), format="ntriples")
    t0 = time.perf_counter()
    # xsd:date (mlkg:releaseDate) and DCAT 3's xsd:duration/xsd:gYear ranges are outside the OWL 2 datatype map;
    # HermiT refuses them unless told to ignore them (tests/ontology/test_ontology.py pins which ones the core uses).
    owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True)
    return world, onto, time.perf_counter() - t0


def _instances(**kw: Any) -> Graph:
    from mlkg.rdf.build import to_graph

    return to_graph(kitchen_sink(**kw))


def test_kitchen_sink_uses_every_class() -> None:
    core = Graph().parse(FILES[0], format="turtle")
    classes = {c for c in core.subjects(RDF.type, OWL.Class) if str(c).startswith(MLKG_IRI)}
    enum_and_measure = {c for c in classes if (c, None, None) in core and any(
        str(s).startswith(MLKG_IRI) for s in core.subjects(RDF.type, c))}
    used = set(_instances().objects(None, RDF.type))
    missing = classes - used - enum_and_measure
    assert not missing, sorted(missing)


def test_ontology_alone_is_consistent_and_satisfiable() -> None:
    world, _onto, secs = _reason(None)
    unsat = [c.iri for c in world.inconsistent_classes()]
    assert not unsat, f"unsatisfiable classes: {unsat}"
    print(f"HermiT, ontology + alignment + PROV/DCAT/MLS axioms: consistent, 0 unsatisfiable, {secs:.1f} s")


@pytest.fixture(scope="module")
def reasoned() -> tuple[Any, Any, Graph]:
    inst = _instances()
    world, onto, secs = _reason(inst)
    print(f"HermiT with {len(inst)} instance triples: {secs:.1f} s")
    return world, onto, inst


def test_instances_are_consistent_and_classes_satisfiable(reasoned: tuple[Any, Any, Graph]) -> None:
    world, _onto, _inst = reasoned
    unsat = [c.iri for c in world.inconsistent_classes()]
    assert not unsat, f"unsatisfiable classes: {unsat}"


def _inferred_types(world: Any, inst: Graph) -> dict[URIRef, set[str]]:
    out = {}
    for s in set(inst.subjects(RDF.type, None)):
        ind = world[str(s)]
        assert ind is not None, s
        out[s] = {c.iri for c in ind.INDIRECT_is_a if hasattr(c, "iri")}
    return out


#: class of the instance -> types the reasoner must never infer for it
FORBIDDEN = {
    "Column": {PROV.Activity, PROV.Agent, DCAT.Dataset, MLKG.Table},
    "FeatureSource": {PROV.Activity, PROV.Agent},
    "Table": {PROV.Activity, MLKG.Column, MLKG.MLModel},
    "Dataset": {PROV.Activity, MLKG.Table},
    "Feature": {PROV.Activity, DCAT.Dataset, MLS.Dataset},
    "MLModel": {DCAT.Dataset, PROV.Activity, MLS.Model, MLKG.ModelVersion, MLKG.Table},
    "ModelVersion": {DCAT.Dataset, PROV.Activity, MLKG.MLModel},
    "Endpoint": {DCAT.Dataset, PROV.Activity},
    "MLModelService": {DCAT.Dataset, PROV.Activity},
    "Dashboard": {PROV.Activity, DCAT.Dataset},
    "User": {PROV.Activity, PROV.Entity, MLKG.Team},
    "Team": {PROV.Activity, PROV.Entity, MLKG.User},
    "Pipeline": {PROV.Entity, DCAT.Dataset},
    "TrainingRun": {PROV.Entity, MLS.Model},
    "Evaluation": {PROV.Activity, MLS.Run},
    "Tag": {PROV.Entity, PROV.Activity},
}
#: class of the instance -> types the reasoner must infer (the alignment and PROV-O hierarchy at work)
REQUIRED = {
    "Column": {PROV.Entity}, "Table": {PROV.Entity, DCAT.Dataset, DCAT.Resource},
    "ModelVersion": {PROV.Entity, MLS.Model, DCAT.Resource}, "MLModel": {PROV.Entity, DCAT.Resource},
    "Endpoint": {DCAT.DataService}, "MLModelService": {DCAT.DataService}, "TrainingRun": {PROV.Activity, MLS.Run},
    "User": {PROV.Agent, PROV.Person}, "Team": {PROV.Agent}, "Pipeline": {PROV.Activity},
}


def test_no_unexpected_inferred_types(reasoned: tuple[Any, Any, Graph]) -> None:
    world, _onto, inst = reasoned
    types = _inferred_types(world, inst)
    problems = []
    seen = set()
    for s, ts in types.items():
        for local, forbidden in FORBIDDEN.items():
            if str(MLKG[local]) in ts:
                seen.add(local)
                bad = {str(f) for f in forbidden} & ts
                if bad:
                    problems.append(f"{s} ({local}) inferred as {sorted(bad)}")
        for local, required in REQUIRED.items():
            if str(MLKG[local]) in ts:
                missing = {str(r) for r in required} - ts
                if missing:
                    problems.append(f"{s} ({local}) not inferred as {sorted(missing)}")
    assert seen >= set(FORBIDDEN), f"no instance of {sorted(set(FORBIDDEN) - seen)} in the sample"
    assert not problems, "\n".join(problems)


def test_untyped_references_get_only_sensible_types(reasoned: tuple[Any, Any, Graph]) -> None:
    """Ranges are unions where a reference may point to several kinds: nothing gets a specific wrong type."""
    world, _onto, inst = reasoned
    holdout = URIRef("https://w3id.org/mlkg/id/dataset/s3.holdout")
    ts = _inferred_types(world, inst)[holdout]
    assert str(MLKG.Dataset) in ts and str(MLKG.Table) not in ts and str(PROV.Activity) not in ts


def test_owned_activities_are_consistent() -> None:
    """Owners of pipelines and runs are mlkg:operatedBy (⊑ prov:wasAssociatedWith), not prov:wasAttributedTo."""
    _reason(_instances(owned_activities=True))


def test_synthetic_catalogue_is_consistent() -> None:
    """A realistic generated catalogue (mlkg.synth), owners of activities included."""
    from mlkg import synth
    from mlkg.rdf.build import to_graph

    g = to_graph(synth.generate(5, seed=3))
    world, _onto, secs = _reason(g)
    print(f"HermiT with {len(g)} synthetic instance triples: {secs:.1f} s")
    assert not list(world.inconsistent_classes())
    types = _inferred_types(world, g)
    for s, ts in types.items():
        if str(MLKG.Column) in ts or str(MLKG.Table) in ts:
            assert str(PROV.Activity) not in ts, s
        if str(MLKG.MLModel) in ts or str(MLKG.ModelVersion) in ts:
            assert str(DCAT.Dataset) not in ts, s
        if str(MLKG.User) in ts:
            assert str(PROV.Activity) not in ts and str(PROV.Entity) not in ts, s
