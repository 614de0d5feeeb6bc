"""SageMaker importer on the moto estate of ``estate.py`` (in process, clock frozen; moto is on for the whole
module, so the tests that need other fakes live in ``test_sagemaker.py``).

The graph is compared with the golden file ``golden/estate.ttl`` (``MLKG_UPDATE_SNAPSHOTS=1`` rewrites it) and
with hand-written expectations taken from what ``estate.build`` sends.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sagemaker_estate as estate
from sagemaker_support import HERE, assert_golden
from typer.testing import CliRunner

from mlkg.cli import get_app
from mlkg.importers.base import ImportFailure
from mlkg.importers.sagemaker import SageMakerConfig, SageMakerImporter
from mlkg.model import entities as m
from mlkg.rdf.build import to_graph

pytest.importorskip("boto3")


def run(config: SageMakerConfig | None = None, **kw: Any) -> tuple[list[m.Entity], Any]:
    imp = SageMakerImporter(config or SageMakerConfig(), **kw)
    return imp.run(), imp.report


def by_type(ents: list[m.Entity], cls: type) -> dict[str, Any]:
    return {e.fqn: e for e in ents if type(e) is cls}


# ---------------------------------------------------------------------------------------------------------------
# The moto estate
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def imported(moto_estate: dict[str, Any]) -> tuple[list[m.Entity], Any, dict[str, Any]]:
    ents, report = run()
    return ents, report, moto_estate


def test_estate_matches_the_golden_graph(imported: Any) -> None:
    ents, report, _ = imported
    assert_golden(to_graph(ents), HERE / "golden" / "estate.ttl")


def test_estate_report_counts_and_no_problems(imported: Any) -> None:
    _, report, _ = imported
    assert dict(report.counts) == {"services": 1, "experiments": 1, "datasets": 4, "runs": 3, "models": 1,
                                   "versions": 3, "endpoints": 1, "batch deployments": 1}
    assert not report.problems, report.text()


def test_the_group_is_a_model_with_three_versions(imported: Any) -> None:
    ents, _, info = imported
    model = by_type(ents, m.MLModel)["sagemaker.fraud-detector"]
    assert model.service_type is m.PlatformType.SAGEMAKER
    assert model.description == "Card-fraud detector (XGBoost)"
    assert {(o.type, o.fqn) for o in model.owners} == {("user", "alice"), ("team", "risk-ml")}
    assert [t.tag_fqn for t in model.tags] == ["domain.payments"]
    vs = {v.name: v for v in model.versions}
    assert list(vs) == ["1", "2", "3"]
    assert {k: v.status for k, v in vs.items()} == {str(k): s for k, s in estate.APPROVAL.items()}
    # only the Approved version an InService endpoint serves is in production
    assert {k: v.stage for k, v in vs.items()} == {"1": None, "2": m.Stage.PRODUCTION, "3": None}
    v2 = vs["2"]
    assert v2.source == info["artifacts"][2] == "s3://fraud-ml/output/fraud-xgb-2/output/model.tar.gz"
    assert v2.ml_store.image_repository == estate.IMAGE and v2.ml_store.storage == v2.source
    assert v2.algorithm == "xgboost"
    assert v2.run.fqn == "sagemaker.fraud-xgb-2"
    assert v2.previous_version.fqn == "sagemaker.fraud-detector.1" and vs["1"].previous_version is None
    assert v2.created_at == datetime(2026, 11, 30, 12, tzinfo=UTC)
    assert v2.created_by.fqn == "fake-user-profile-name"  # moto's Studio user profile
    assert v2.description == "XGBoost fraud model, run 2"
    # model-quality report in S3 + the training job's final metrics
    metrics = {(e.name, e.split): e.value for e in v2.metrics}
    assert metrics[("auc", None)] == estate.AUC[2] and metrics[("accuracy", None)] == 0.98
    assert ("progress", m.Split.TRAIN) in metrics  # moto's canned FinalMetricDataList
    assert {h.name: h.value for h in v2.ml_hyper_parameters} == {"eta": 0.2, "max_depth": 6, "num_round": 100,
                                                                  "objective": "binary:logistic"}
    (approval,) = v2.compliance  # the shared registry mapper's approval record
    assert (approval.name, approval.status, approval.approved_by.fqn) == ("approval", "approved",
                                                                          "fake-user-profile-name")
    assert [c.status for c in vs["1"].compliance] == ["rejected"]
    assert [c.status for c in vs["3"].compliance] == ["pending"]
    card = v2.model_card
    assert card.intended_use == "Flag card transactions for review before settlement."
    assert card.limitations == "Not for account-opening fraud."
    assert [(r.name, r.severity) for r in card.risks] == [("risk_rating", "high")]


def test_training_jobs_are_runs_with_typed_params_channels_and_commit(imported: Any) -> None:
    ents, _, _ = imported
    runs = by_type(ents, m.TrainingRun)
    assert sorted(runs) == ["sagemaker.fraud-xgb-1", "sagemaker.fraud-xgb-2", "sagemaker.fraud-xgb-3"]
    r = runs["sagemaker.fraud-xgb-2"]
    params = {p.name: (p.value, p.value_text) for p in r.params}
    assert params == {"eta": (0.2, "0.2"), "max_depth": (6, "6"), "num_round": (100, "100"),
                      "objective": ("binary:logistic", "binary:logistic")}
    assert r.code_path == "train.py"  # sagemaker_program, JSON-quoted by the SageMaker Python SDK
    assert r.code_commit == "2b2b2b2" and r.code_repository == "https://git.example.org/risk/fraud"
    assert r.experiment.fqn == "sagemaker.fraud-detection"
    assert [t.tag_fqn for t in r.tags] == ["project.fraud", "trial.trial-2"]
    assert [o.fqn for o in r.owners] == ["alice"]
    assert [d.fqn for d in r.training_datasets] == ["sagemaker.s3://fraud-ml/transactions/train/"]
    assert sorted(d.fqn for d in r.evaluation_datasets) == ["sagemaker.s3://fraud-ml/transactions/test/",
                                                            "sagemaker.s3://fraud-ml/transactions/validation/"]
    assert r.status == "Completed"
    datasets = by_type(ents, m.Dataset)
    assert datasets["sagemaker.s3://fraud-ml/transactions/train/"].source_type == "s3"


def test_endpoint_and_batch_transform_are_deployments_of_version_2(imported: Any) -> None:
    ents, _, _ = imported
    eps = by_type(ents, m.Endpoint)
    rt = eps["sagemaker.fraud-scoring"]
    assert rt.deployment_type is m.DeploymentType.REALTIME and rt.status is m.DeploymentStatus.IN_SERVICE
    assert rt.model_version.fqn == "sagemaker.fraud-detector.2" and rt.model.fqn == "sagemaker.fraud-detector"
    assert rt.instance_type == "ml.m5.large" and rt.environment == "prod" and rt.traffic_percentage == 100.0
    assert rt.url == "https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/fraud-scoring/invocations"
    frozen = datetime(2026, 11, 30, 12, tzinfo=UTC)  # moto's clock (freezegun): every platform time
    assert [(s.model_version.fqn, s.started_at, s.ended_at, s.traffic_percentage, s.times_from)
            for s in rt.serving_history] == [
        ("sagemaker.fraud-detector.2", frozen, None, 100.0, "SageMaker DescribeEndpoint.LastModifiedTime")]
    batch = eps["sagemaker.fraud-nightly-2026-11-30"]
    assert batch.deployment_type is m.DeploymentType.BATCH and batch.model_version.fqn == rt.model_version.fqn
    assert [(s.model_version.fqn, s.started_at, s.ended_at) for s in batch.serving_history] == [
        ("sagemaker.fraud-detector.2", frozen, frozen)]
    # no ModelLifeCycle in moto: the Production stage is derived from approval and serving, so it has no period
    versions = {v.name: v for v in by_type(ents, m.MLModel)["sagemaker.fraud-detector"].versions}
    assert versions["2"].stage is m.Stage.PRODUCTION and versions["2"].stage_history == []
    assert [p.fqn for p in batch.predictions] == ["sagemaker.s3://fraud-ml/predictions/nightly/"]
    assert [o.fqn for o in batch.owners] == ["bob"]


def test_production_and_metric_history_queries(imported: Any, tmp_path: Path) -> None:
    ents, _, _ = imported
    out = tmp_path / "sm.ttl"
    to_graph(ents).serialize(out, format="turtle")
    cli = CliRunner()
    res = cli.invoke(get_app(), ["query", "production", str(out), "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert {(r["version_label"], r["endpoint_name"], r.get("status")) for r in rows} == {
        ("2", "sagemaker.fraud-scoring", "InService"), ("2", "sagemaker.fraud-nightly-2026-11-30", None)}
    res = cli.invoke(get_app(), ["query", "metric_history", str(out), "-p", "model=sagemaker.fraud-detector",
                                 "-p", "metric=AUC", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert [(r["version_label"], float(r["value"])) for r in rows] == [("1", 0.81), ("2", 0.88), ("3", 0.86)]


def test_one_group_by_name_and_a_missing_one_is_skipped(moto_estate: dict[str, Any]) -> None:
    ents, report = run(SageMakerConfig(model_package_groups=("fraud-detector", "nope"), endpoints=False,
                                       transform_jobs=False, model_cards=False))
    assert [e.fqn for e in ents if isinstance(e, m.MLModel)] == ["sagemaker.fraud-detector"]
    assert [s.item for s in report.skipped] == ["model package group nope"]
    with pytest.raises(ImportFailure, match="strict mode: model package group nope"):
        SageMakerImporter(SageMakerConfig(model_package_groups=("nope",))).run(strict=True)
