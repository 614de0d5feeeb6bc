"""Vertex AI importer on the SDK's own JSON (``rest/``, written by ``make_fixtures.py`` with ``aiplatform_v1``
types) and through the real GAPIC clients (REST transport) against a loopback server serving the same resources.

The offline graph is compared with ``golden/rest.ttl`` (``MLKG_UPDATE_SNAPSHOTS=1`` rewrites it) and with
hand-written expectations from ``make_fixtures.py``; the live import must give the same entities.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from typer.testing import CliRunner
from vertex_fake import FakeVertex, google_error

from mlkg.cli import get_app
from mlkg.importers import SourceUnavailable
from mlkg.importers.vertexai import VertexAIConfig, VertexAIImporter
from mlkg.importers.vertexai import mapping as mp
from mlkg.model import entities as m
from mlkg.rdf.build import to_graph

pytest.importorskip("google.cloud.aiplatform_v1")

HERE = Path(__file__).resolve().parent
REST = HERE / "rest"


def run(**options: Any) -> tuple[list[m.Entity], Any]:
    imp = VertexAIImporter(VertexAIConfig(**options))
    return imp.run(), imp.report


def by_type(ents: list[m.Entity], cls: type) -> dict[str, Any]:
    return {e.fqn: e for e in ents if type(e) is cls}


def assert_golden(graph: Graph, path: Path) -> None:
    if os.environ.get("MLKG_UPDATE_SNAPSHOTS") == "1" or not path.exists():
        path.write_text(graph.serialize(format="turtle"), encoding="utf-8")
        if os.environ.get("MLKG_UPDATE_SNAPSHOTS") != "1":
            pytest.fail(f"{path.name} did not exist and was written: check it and commit it")
    want = Graph().parse(path, format="turtle")
    if not isomorphic(want, graph):
        _, a, b = graph_diff(to_isomorphic(want), to_isomorphic(graph))
        pytest.fail("graph differs from the golden file:\n" + "\n".join(
            [f"- {t}" for t in sorted(a)[:15]] + [f"+ {t}" for t in sorted(b)[:15]]))


@pytest.fixture(scope="module")
def offline() -> tuple[list[m.Entity], Any]:
    return run(paths=(str(REST),))


def test_offline_matches_the_golden_graph(offline: Any) -> None:
    ents, report = offline
    assert not report.problems, report.text()
    assert_golden(to_graph(ents), HERE / "golden" / "rest.ttl")


def test_model_versions_aliases_features_and_evaluations(offline: Any) -> None:
    ents, report = offline
    assert dict(report.counts) == {"services": 1, "experiments": 1, "datasets": 6, "runs": 4, "models": 2,
                                   "versions": 3, "endpoints": 2,
                                   "custom jobs read as their training pipeline": 1}
    model = by_type(ents, m.MLModel)["vertexai.churn-classifier"]
    assert model.service_type is m.PlatformType.VERTEX_AI
    assert [f.name for f in model.ml_features] == ["monthly_spend", "support_tickets", "tenure_months"]
    assert {(o.type, o.fqn) for o in model.owners} == {("user", "dana"), ("team", "growth-ml")}
    v1, v2 = model.versions
    assert (v1.name, v1.aliases, v2.name, v2.aliases) == ("1", ["challenger"], "2", ["champion", "default"])
    assert v2.source == "gs://acme-ml/models/churn/2/" and v2.algorithm == "sklearn"
    assert v2.ml_store.image_repository.endswith("/vertex-ai/prediction/sklearn-cpu.1-3:latest")
    assert v2.run.fqn == "vertexai.8002" and v2.previous_version.fqn == "vertexai.churn-classifier.1"
    assert v2.description == "C=1.0" and v2.created_at.isoformat() == "2026-10-15T08:00:00+00:00"
    assert [f.fqn for f in v2.features] == ["vertexai.churn-classifier.monthly_spend",
                                            "vertexai.churn-classifier.support_tickets",
                                            "vertexai.churn-classifier.tenure_months"]
    got = {(e.name, e.slice, e.value) for e in v2.metrics}
    assert got == {("auRoc", None, 0.903), ("logLoss", None, 0.33), ("auRoc", "country=DE", 0.871)}
    assert {e.measure.rsplit("#", 1)[-1] for e in v2.metrics} == {"AUC", "LogLoss"}
    assert {(e.name, e.value) for e in v1.metrics} == {("auRoc", 0.861), ("logLoss", 0.41)}


def test_endpoint_deployed_models_and_runs(offline: Any) -> None:
    ents, _ = offline
    eps = by_type(ents, m.Endpoint)
    assert sorted(eps) == ["vertexai.churn-prod.churn-v1", "vertexai.churn-prod.churn-v2"]
    e2 = eps["vertexai.churn-prod.churn-v2"]
    assert e2.model_version.fqn == "vertexai.churn-classifier.2" and e2.instance_type == "n1-standard-4"
    assert e2.environment == "prod" and e2.status is m.DeploymentStatus.IN_SERVICE
    assert (e2.traffic_percentage, eps["vertexai.churn-prod.churn-v1"].traffic_percentage) == (90.0, 10.0)
    # each deployed model served its version from its own createTime, with its share of the split
    assert [(ep, s.model_version.fqn, s.started_at, s.ended_at, s.traffic_percentage)
            for ep in sorted(eps) for s in eps[ep].serving_history] == [
        ("vertexai.churn-prod.churn-v1", "vertexai.churn-classifier.1", datetime(2026, 10, 20, 10, tzinfo=UTC), None,
         10.0),
        ("vertexai.churn-prod.churn-v2", "vertexai.churn-classifier.2", datetime(2026, 10, 22, 9, tzinfo=UTC), None,
         90.0)]
    # aliases carry no time in Vertex AI: no alias periods
    assert all(v.alias_history == [] for v in by_type(ents, m.MLModel)["vertexai.churn-classifier"].versions)
    assert e2.url == ("https://europe-west4-aiplatform.googleapis.com/v1/projects/123456/locations/"
                      "europe-west4/endpoints/9001:predict")
    runs = by_type(ents, m.TrainingRun)
    tp = runs["vertexai.8002"]
    assert tp.status == "SUCCEEDED" and tp.display_name == "churn-train-2"
    assert {p.name: p.value for p in tp.params} == {
        "C": 1, "max_iter": 300, "class_weight": "balanced", "split.trainingFraction": 0.8,
        "split.validationFraction": 0.1, "split.testFraction": 0.1}
    assert [d.fqn for d in tp.training_datasets] == ["vertexai.5001"]
    er = runs["vertexai.churn-exp-run-7"]
    assert er.experiment.fqn == "vertexai.churn-exp" and er.status == "COMPLETE"
    assert {p.name: p.value for p in er.params} == {"C": 1, "penalty": "l2"}
    assert {e.name: e.value for e in er.metrics} == {"accuracy": 0.912, "auc": 0.903}


def test_training_pipelines_and_custom_jobs_with_their_data_and_the_versions_they_made(offline: Any) -> None:
    ents, report = offline
    runs, data = by_type(ents, m.TrainingRun), by_type(ents, m.Dataset)
    # custom job 6002 ran pipeline 8002 (trainingTaskMetadata.backingCustomJob): one run, not two
    assert sorted(runs) == ["vertexai.6101", "vertexai.8001", "vertexai.8002", "vertexai.churn-exp-run-7"]
    assert report.counts["custom jobs read as their training pipeline"] == 1 and not report.skipped
    tp = runs["vertexai.8002"]
    holdout = 'vertexai."bq://acme-analytics.churn.holdout_2026"'
    assert [d.fqn for d in tp.evaluation_datasets] == [holdout]  # --holdout-data: a test split, by its key
    assert {t.tag_fqn for t in tp.tags} == {"machine_type.n1-standard-8"}
    # the splits Vertex exported from the managed dataset are data the pipeline produced from it
    split = data["vertexai.gs://acme-ml/splits/8002/"]
    assert (split.produced_by.fqn, [u.fqn for u in split.upstream], split.source_type) == (
        "vertexai.8002", ["vertexai.5001"], "gcs")
    job = runs["vertexai.6101"]
    assert (job.display_name, job.status, job.code_path) == ("churn-xgb-train", "SUCCEEDED", "trainer.task")
    assert job.started_at == datetime(2026, 11, 2, 6, tzinfo=UTC) and job.ended_at == datetime(2026, 11, 2, 6, 55,
                                                                                                tzinfo=UTC)
    assert {(p.name, p.value) for p in job.params} == {("learning_rate", 0.05), ("max_depth", 6),
                                                       ("early_stopping", True)}
    assert [d.fqn for d in job.training_datasets] == ['vertexai."bq://acme-analytics.churn.features_2026q4"']
    assert [d.fqn for d in job.evaluation_datasets] == ['vertexai."gs://acme-ml/data/churn/validation.csv"']
    assert data['vertexai."bq://acme-analytics.churn.features_2026q4"'].source_type == "bigquery"
    assert {t.tag_fqn for t in job.tags} == {
        "machine_type.n1-highmem-16",
        'executor_image."europe-docker.pkg.dev/vertex-ai/training/xgboost-cpu.2-1:latest"'}
    assert {(o.type, o.fqn) for o in job.owners} == {("user", "dana"), ("team", "growth-ml")}
    # the versions they produced: the pipelines by the model's trainingPipeline, the custom job by its model
    # directory (AIP_MODEL_DIR = baseOutputDirectory/model/ holds churn-xgb 1's artifacts)
    models = by_type(ents, m.MLModel)
    assert [(v.name, v.run.fqn) for v in models["vertexai.churn-classifier"].versions] == [
        ("1", "vertexai.8001"), ("2", "vertexai.8002")]
    (xgb,) = models["vertexai.churn-xgb"].versions
    assert (xgb.run.fqn, xgb.algorithm) == ("vertexai.6101", "xgboost")


def test_lineage_from_a_custom_jobs_bigquery_table_to_the_model(tmp_path: Path) -> None:
    out = tmp_path / "vertex.ttl"
    res = CliRunner().invoke(get_app(), ["import", "vertexai", str(REST), "-o", str(out)])
    assert res.exit_code == 0, res.output
    g = Graph().parse(out)
    rows = g.query("""PREFIX mlkg: <https://w3id.org/mlkg#>
        SELECT ?version WHERE { ?v mlkg:producedBy ?run ; mlkg:fullyQualifiedName ?version .
                                ?run mlkg:usedTrainingData/mlkg:datasetSource ?src }""",
                   initBindings={"src": Literal("bq://acme-analytics.churn.features_2026q4")})
    assert [str(r.version) for r in rows] == ["vertexai.churn-xgb.1"]


def test_metric_history_and_production_through_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "vertex.ttl"
    cli = CliRunner()
    res = cli.invoke(get_app(), ["import", "vertexai", str(REST), "-o", str(out), "--strict"])
    assert res.exit_code == 0, res.output
    res = cli.invoke(get_app(), ["query", "metric_history", str(out), "-p", "model=vertexai.churn-classifier",
                                 "-p", "metric=AUC", "-f", "json"])
    rows = json.loads(res.stdout)
    assert [(r["version_label"], r.get("slice"), float(r["value"])) for r in rows] == [
        ("1", None, 0.861), ("2", None, 0.903), ("2", "country=DE", 0.871)]
    rows = json.loads(cli.invoke(get_app(), ["query", "production", str(out), "-f", "json"]).stdout)
    assert {(r["version_label"], r["endpoint_name"]) for r in rows} == {
        ("1", "vertexai.churn-prod.churn-v1"), ("2", "vertexai.churn-prod.churn-v2")}


def test_serving_at_from_the_deploy_times_of_one_import() -> None:
    """Version 2 was deployed on 22 October beside version 1 (deployed with the endpoint on 20 October)."""
    from mlkg.history.timeline import serving_at

    g = Graph().parse(HERE / "golden" / "rest.ttl")
    assert [(r.version_name, r.traffic_percentage) for r in serving_at(g, "vertexai.churn-prod.churn-v2",
                                                                        "2026-10-21")] == []
    assert [(r.version_name, r.traffic_percentage, r.served_from.isoformat())
            for r in serving_at(g, "vertexai.churn-prod.churn-v2", "2026-10-23")] == [
        ("vertexai.churn-classifier.2", 90.0, "2026-10-22T09:00:00+00:00")]
    assert [r.version_name for r in serving_at(g, "vertexai.churn-prod.churn-v1", "2026-10-21")] == [
        "vertexai.churn-classifier.1"]


def test_the_gapic_rest_client_against_a_loopback_server_gives_the_same_entities(offline: Any) -> None:
    fake = FakeVertex()
    with fake as url:
        ents, report = run(project="123456", location="europe-west4", api_endpoint=url, anonymous=True)
    assert not report.problems, report.text()
    assert "/v1/projects/123456/locations/europe-west4/models/7001:listVersions" in fake.requests
    assert "/v1/projects/123456/locations/europe-west4/models/7001@2/evaluations/200/slices" in fake.requests
    assert {"/v1/projects/123456/locations/europe-west4/trainingPipelines",
            "/v1/projects/123456/locations/europe-west4/customJobs"} <= set(fake.requests)
    runs = by_type(ents, m.TrainingRun)
    assert sorted(runs) == ["vertexai.6101", "vertexai.8001", "vertexai.8002", "vertexai.churn-exp-run-7"]
    assert [d.fqn for d in runs["vertexai.6101"].training_datasets] == [
        'vertexai."bq://acme-analytics.churn.features_2026q4"']
    not_service = lambda es: [e for e in es if not isinstance(e, m.MLModelService)]  # noqa: E731
    assert isomorphic(to_graph(not_service(ents)), to_graph(not_service(offline[0])))


# -- bad input and failures ----------------------------------------------------------------------------------------


def test_unknown_fields_are_ignored_and_a_wrong_type_is_one_failed_item(tmp_path: Path) -> None:
    doc = json.loads((REST / "models.json").read_text())
    doc["models"][0]["aFieldFromANewerApi"] = {"x": 1}
    doc["models"][1]["versionAliases"] = "champion"  # not a list
    (tmp_path / "models.json").write_text(json.dumps(doc))
    ents, report = run(paths=(str(tmp_path),))
    assert [v.name for v in by_type(ents, m.MLModel)["vertexai.churn-classifier"].versions] == ["1"]
    assert [f.item for f in report.failures] == ["models.json[1] (Model)"]
    res = CliRunner().invoke(get_app(), ["import", "vertexai", str(tmp_path), "--strict", "-o",
                                         str(tmp_path / "out.ttl")])
    assert res.exit_code == 2 and "strict mode: models.json[1] (Model)" in res.output
    assert not (tmp_path / "out.ttl").exists()


def test_malformed_json_is_one_line_exit_2_and_nothing_written(tmp_path: Path) -> None:
    shutil.copy(REST / "endpoint.json", tmp_path / "endpoint.json")
    (tmp_path / "broken.json").write_text('{"models": [{"name": "projects/1/locations/x/models/2",}]}')
    out = tmp_path / "out.ttl"
    res = CliRunner().invoke(get_app(), ["import", "vertexai", str(tmp_path), "-o", str(out)])
    assert res.exit_code == 2, res.output
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "broken.json:1:56: not JSON" in lines[0]
    assert "Traceback" not in res.output and not out.exists()


def test_a_path_that_does_not_exist(tmp_path: Path) -> None:
    res = CliRunner().invoke(get_app(), ["import", "vertexai", str(tmp_path / "nope")])
    assert res.exit_code == 2 and "no such file or directory" in res.output


def test_nothing_to_read() -> None:
    with pytest.raises(SourceUnavailable, match="nothing to read"):
        run()


def test_refused_credentials_over_the_api() -> None:
    with FakeVertex(lambda p: google_error(401, "UNAUTHENTICATED", "Request had invalid credentials.")) as url:
        with pytest.raises(SourceUnavailable, match="Google refused the credentials"):
            run(project="123456", location="europe-west4", api_endpoint=url, anonymous=True)


def test_throttling_is_retried_with_back_off() -> None:
    seen = {"n": 0}

    def throttle_once(path: str) -> tuple[int, Any] | None:
        if path.endswith("/models") and seen["n"] < 1:
            seen["n"] += 1
            return google_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for aiplatform.googleapis.com")
        return None

    fake = FakeVertex(throttle_once)
    with fake as url:
        ents, report = run(project="123456", location="europe-west4", api_endpoint=url, anonymous=True)
    assert fake.requests[:2] == ["/v1/projects/123456/locations/europe-west4/models"] * 2
    assert report.counts["versions"] == 3


@pytest.mark.slow
def test_throttling_that_outlasts_the_retries() -> None:
    fake = FakeVertex(lambda p: google_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded"))
    with fake as url, pytest.raises(SourceUnavailable, match="still throttled after 2 attempts"):
        run(project="123456", location="europe-west4", api_endpoint=url, anonymous=True, max_attempts=2)
    assert len(fake.requests) == 2


def test_unreachable_endpoint() -> None:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    with pytest.raises(SourceUnavailable, match="cannot reach the Vertex AI endpoint"):
        run(project="p", location="europe-west4", api_endpoint=f"http://127.0.0.1:{port}", anonymous=True,
            max_attempts=1, timeout=2)


def test_a_missing_sdk_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "google.cloud.aiplatform_v1", None)
    with pytest.raises(SourceUnavailable, match=r"pip install 'mlkg\[vertexai\]'"):
        run(paths=(str(REST),))


@pytest.mark.parametrize("name,kind", [
    ("projects/1/locations/eu/models/7", "model"), ("projects/1/locations/eu/models/7@2/evaluations/3", "evaluation"),
    ("projects/1/locations/eu/models/7/evaluations/3/slices/4", "slice"),
    ("projects/1/locations/eu/endpoints/9", "endpoint"), ("projects/1/locations/eu/trainingPipelines/8",
                                                          "trainingPipeline"),
    ("projects/1/locations/eu/metadataStores/default/contexts/run-1", "context"), ("models/7", None),
])
def test_resource_kinds(name: str, kind: str | None) -> None:
    assert mp.kind_of({"name": name}) == kind


@pytest.mark.parametrize("image,algo", [
    ("europe-docker.pkg.dev/vertex-ai/prediction/sklearn-cpu.1-3:latest", "sklearn"),
    ("us-docker.pkg.dev/vertex-ai/prediction/xgboost-cpu.1-7:latest", "xgboost"),
    ("us-docker.pkg.dev/vertex-ai/prediction/tf2-gpu.2-15:latest", "tensorflow"),
    ("europe-docker.pkg.dev/acme/serving/churn:v2", None),
])
def test_algorithm_from_prebuilt_container(image: str, algo: str | None) -> None:
    assert mp.algorithm_from_image(image) == algo
