"""The ``governance`` pack: what a production model needs, one result per missing item, in plain words."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from rdflib import Graph

import mlkg.model as m
from mlkg.validate import validate

PACKS = ("core", "governance")


def complete(**model_kw: Any) -> list[m.Entity]:
    """A production model that meets every governance rule (PII training data with a compliance record)."""
    version = m.ModelVersion(
        name="3", stage="Production", training_datasets=["db.raw.customers"],
        metrics=[m.Evaluation(name="auc", value=0.9, split="test")],
        fairness=[m.FairnessMetric(name="demographic_parity_difference", value=0.02,
                                   sensitive_attribute="gender", group="female")],
        model_card=m.ModelCard(intended_use="churn ranking"),
        compliance=[m.ComplianceRecord(name="gdpr", framework="GDPR", allows_pii=True)])
    kw: dict[str, Any] = {
        "name": "churn", "service": "mlflow_prod", "owners": [m.Ref(type="team", fqn="data-science")], "license": "Apache-2.0",
        "versions": [version, m.ModelVersion(name="2", stage="Archived")],
        "deployments": [m.Endpoint(name="ep", model_version="mlflow_prod.churn.3",
                                drift_monitors=[m.DriftMonitor(name="psi", method="psi")])]}
    kw.update(model_kw)
    table = m.Table(name="customers", fqn="db.raw.customers",
                    columns=[m.Column(name="email", tags=["PII.Sensitive"])])
    return [m.MLModel(**kw), table]


def results_of(ents: list[m.Entity], **kw: Any) -> list[tuple[str, str]]:
    report = validate(ents, PACKS, **kw)
    return [(r.path or "", r.severity) for r in report.results]


def test_complete_production_model_passes_every_rule() -> None:
    report = validate(complete(), PACKS, fail_on="Info")
    assert report.conforms and not report.results, report.text()


def test_incomplete_production_model_gets_one_result_per_missing_item() -> None:
    bare = [m.MLModel(name="churn", service="mlflow_prod", versions=[m.ModelVersion(
        name="3", stage="Production", training_datasets=["db.raw.customers"],
        metrics=[m.Evaluation(name="auc", value=0.9, split="validation")])]),
        m.Table(name="customers", fqn="db.raw.customers", tags=["PII.Sensitive"])]
    report = validate(bare, PACKS)
    model_iri = bare[0].iri()
    assert {r.focus_node for r in report.results} == {model_iri}
    assert sorted((r.path, r.severity) for r in report.results) == [
        ("drift_monitors", "Info"),
        ("fairness", "Warning"),
        ("license", "Warning"),
        ("metrics", "Violation"),
        ("model_card", "Warning"),
        ("owners", "Violation"),
        ("training_datasets", "Violation"),
    ]
    assert not report.conforms
    by_path = {r.path: r for r in report.results}
    assert by_path["owners"].message.startswith("This model is in production but has no owner.")
    assert "evaluation on a test split" in by_path["metrics"].message
    assert "model card" in by_path["model_card"].message
    assert "sensitive attribute" in by_path["fairness"].message
    assert "licence" in by_path["license"].message
    pii = by_path["training_datasets"]
    assert "db.raw.customers" in pii.message and "PII.Sensitive" in pii.message
    assert pii.value.endswith("/table/db.raw.customers")
    text = report.text()
    assert text.index("Violation") < text.index("Warning") < text.index("Info")


@pytest.mark.parametrize("missing,path,severity", [
    ({"owners": []}, "owners", "Violation"),
    ({"license": None}, "license", "Warning"),
    ({"deployments": []}, "drift_monitors", "Info"),
])
def test_each_model_level_rule_fails_alone(missing: dict[str, Any], path: str, severity: str) -> None:
    assert results_of(complete(**missing)) == [(path, severity)]


@pytest.mark.parametrize("change,path,severity", [
    ({"metrics": [m.Evaluation(name="auc", value=0.9, split="train")]}, "metrics", "Violation"),
    ({"fairness": [m.FairnessMetric(name="dpd", value=0.1)]}, "fairness", "Warning"),
    ({"model_card": None}, "model_card", "Warning"),
    ({"compliance": [m.ComplianceRecord(name="gdpr", allows_pii=False)]}, "training_datasets", "Violation"),
])
def test_each_version_level_rule_fails_alone(change: dict[str, Any], path: str, severity: str) -> None:
    ents = complete()
    model = ents[0]
    assert isinstance(model, m.MLModel)
    versions = [dataclasses.replace(v, **change) if v.stage == m.Stage.PRODUCTION else v for v in model.versions]
    ents[0] = dataclasses.replace(model, versions=versions)
    assert results_of(ents) == [(path, severity)]


def test_requirements_met_on_the_model_itself() -> None:
    model = m.MLModel(
        name="m", owners=["team"], license="MIT", model_card=m.ModelCard(intended_use="x"),
        metrics=[m.Evaluation(name="auc", value=0.9, split="test")],
        fairness=[m.FairnessMetric(name="dpd", value=0.1, sensitive_attribute="age")],
        drift_monitors=[m.DriftMonitor(name="d")], versions=[m.ModelVersion(name="1", stage="Production")])
    assert results_of([model]) == []


def test_requirements_on_a_non_production_version_do_not_count() -> None:
    model = m.MLModel(name="m", versions=[m.ModelVersion(name="1", stage="Production"),
                                          m.ModelVersion(name="2", stage="Staging", owners=["team"])])
    assert ("owners", "Violation") in results_of([model])


def test_models_not_in_production_are_not_checked() -> None:
    staging = m.MLModel(name="m", versions=[m.ModelVersion(name="1", stage="Staging"),
                                            m.ModelVersion(name="0", stage="Archived")])
    assert results_of([staging, m.MLModel(name="bare")]) == []


def test_pii_on_the_training_table_itself_and_clean_data() -> None:
    tagged = m.Table(name="t", fqn="db.s.t", tags=["PII.NonSensitive"])
    model = m.MLModel(name="m", owners=["x"], training_datasets=["db.s.t"],
                      versions=[m.ModelVersion(name="1", stage="Production")])
    assert ("training_datasets", "Violation") in results_of([model, tagged])
    clean = m.Table(name="t", fqn="db.s.t", tags=["Tier.Tier1"])
    assert ("training_datasets", "Violation") not in results_of([model, clean])


def test_standalone_production_version_is_checked_on_its_own() -> None:
    g = Graph().parse(data="""
        @prefix mlkg: <https://w3id.org/mlkg#> .
        <urn:v> a mlkg:ModelVersion ; mlkg:name "1" ; mlkg:stage mlkg:ProductionStage ; mlkg:hasOwner <urn:t> .
        <urn:t> a mlkg:Team ; mlkg:name "t" .
    """, format="turtle")
    report = validate(g, PACKS)
    assert {r.focus_node for r in report.results} == {"urn:v"}
    assert sorted(r.path for r in report.results) == ["fairness", "license", "metrics", "model_card"]


def test_a_version_owned_by_a_model_is_reported_on_the_model_only() -> None:
    report = validate([m.MLModel(name="m", versions=[m.ModelVersion(name="1", stage="Production")])], PACKS)
    assert {r.focus_node for r in report.results} == {m.MLModel(name="m").iri()}
