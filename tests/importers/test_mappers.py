"""The shared run and registry mappers, on plain values (no SDK needed)."""

from __future__ import annotations

from datetime import UTC, datetime

from mlkg.importers import get
from mlkg.importers.mappers import DatasetInput, MetricPoint, RegistryMapper, RunMapper, split_for, version_key
from mlkg.model import entities as m


def _runs() -> RunMapper:
    return RunMapper(get("mlflow")(service_name="prod"))


def test_params_are_typed_and_keep_their_text() -> None:
    hps = {h.name: (h.value, h.value_text) for h in _runs().params(
        {"lr": "0.01", "layers": 3, "tags": ["a", "b"], "none": None, "flag": "False"})}
    assert hps == {"lr": (0.01, "0.01"), "layers": (3, "3"), "tags": ('["a", "b"]', '["a", "b"]'),
                   "flag": (False, "False")}


def test_metric_history_becomes_evaluations_sorted_deduplicated_with_time_and_dataset() -> None:
    runs = _runs()
    ds = runs.dataset_ref("eval", "abc")
    t0 = 1_700_000_000_000
    evs = runs.evaluations([
        MetricPoint("loss", 0.5, 1, t0 + 10), MetricPoint("loss", 0.9, 0, t0), MetricPoint("loss", 0.9, 0, t0),
        MetricPoint("acc", 0.8, None, datetime(2024, 1, 2, tzinfo=UTC), ds, m.Split.TEST),
        MetricPoint("bad", "n/a"), MetricPoint("diverged", float("nan"), 3),
    ], where="run r1")
    assert [(e.name, e.step) for e in evs] == [("acc", None), ("diverged", 3), ("loss", 0), ("loss", 1)]
    acc = evs[0]
    assert acc.dataset == ds and acc.split is m.Split.TEST and acc.timestamp.year == 2024
    assert evs[2].timestamp == datetime.fromtimestamp(t0 / 1000, tz=UTC)
    assert [s.item for s in runs.report.skipped] == ["run r1 metric bad"]


def test_dataset_inputs_by_role_and_emitted_once() -> None:
    runs = _runs()
    inputs = [DatasetInput("train", "d1", "s3://b/train", role="training"),
              DatasetInput("val", "d2", role="validation"), DatasetInput("raw", role=None)]
    first = runs.run("r1", experiment="exp", inputs=inputs, started_at=1_700_000_000_000, status="FINISHED")
    second = runs.run("r2", inputs=inputs[:1])
    (run1,) = [e for e in first if isinstance(e, m.TrainingRun)]
    assert {r.fqn for r in run1.training_datasets} == {runs.dataset_fqn("train", "d1"), runs.dataset_fqn("raw")}
    assert [r.fqn for r in run1.evaluation_datasets] == [runs.dataset_fqn("val", "d2")]
    assert run1.experiment.fqn == "prod.exp" and run1.started_at.year == 2023
    assert [type(e).__name__ for e in first] == ["Dataset", "Dataset", "Dataset", "TrainingRun"]
    assert [type(e).__name__ for e in second] == ["TrainingRun"]  # the dataset was emitted with r1
    assert runs.report.counts == {"datasets": 3, "runs": 2}
    assert [w.message for w in runs.report.warnings] == ["dataset input raw has no context; taken as training data"]


def test_split_names() -> None:
    assert [split_for(t) for t in ("train", "Validation", "dev", "holdout", "eval")] == [
        m.Split.TRAIN, m.Split.VALIDATION, m.Split.VALIDATION, m.Split.TEST, None]


def test_versions_are_chained_in_numeric_order() -> None:
    reg = RegistryMapper(get("mlflow")(service_name="prod"))
    vs = [m.ModelVersion(name=n) for n in ("10", "2", "1")]
    model = reg.model("churn", vs, description="d")
    prev = {v.name: v.previous_version.fqn if v.previous_version else None for v in model.versions}
    assert prev == {"1": None, "2": "prod.churn.1", "10": "prod.churn.2"}  # 10 comes after 2, not after 1
    assert {v.fqn for v in model.versions} == {"prod.churn.1", "prod.churn.2", "prod.churn.10"}
    assert model.service.fqn == "prod"
    assert sorted(["v1.10", "v1.9", "v2"], key=version_key) == ["v1.9", "v1.10", "v2"]


def test_stage_approval_and_endpoints() -> None:
    reg = RegistryMapper(get("mlflow")(service_name="prod"))
    assert reg.stage("production") is m.Stage.PRODUCTION and reg.stage("champion") is None
    ok = reg.approval("Approved", by="alice", at=1_700_000_000_000)
    assert (ok.status, ok.approved_by.fqn, ok.approved_at.year) == ("approved", "alice", 2023)
    assert reg.approval("PendingManualApproval").status == "pending"
    assert reg.approval("Rejected").approved_by is None and reg.approval(None) is None
    ep = reg.endpoint("churn-ep", model="churn", version="3", status="InService", url="https://x/invocations")
    assert ep.status is m.DeploymentStatus.IN_SERVICE and ep.model_version.fqn == "prod.churn.3"
    assert reg.endpoint("e2", status="in_service").status is m.DeploymentStatus.IN_SERVICE
    assert reg.endpoint("e3", status="Sleeping").status is None
    assert any("Sleeping" in w.message for w in reg.report.warnings)
