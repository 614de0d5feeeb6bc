"""MLflow importer on a real MLflow 3 store written with MLflow's own API (built once per session).

The store (see ``tests/importers/mlflow/mlflow_store.py``): two experiments, four runs with params, step
metrics, dataset inputs and tags, a LogisticRegression logged with a signature, and the registered model
``churn-classifier`` with three versions, aliases champion/challenger, version tags and a stage. The imported
graph is compared with hand-written expectations (:data:`EXPECTED_TTL` and the values in the builder).

Tests that need the store or the mlflow package are ``slow`` (the store takes ~6 s to write, mlflow ~3 s to
import); the store checks that run before MLflow is touched, and the mapping helpers, are fast.
"""

from __future__ import annotations

import http.server
import importlib.util
import threading
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from typer.testing import CliRunner

from mlkg import ids
from mlkg.cli import get_app
from mlkg.importers import SourceUnavailable, run_import
from mlkg.importers.base import ImportReport
from mlkg.importers.mlflow import (
    MlflowConfig,
    check_sqlite_store,
    feature_type,
    parse_signature,
    tag_labels,
)
from mlkg.model import entities as m

FIXTURES = Path(__file__).parent


def _builder() -> Any:
    spec = importlib.util.spec_from_file_location("mlflow_store", FIXTURES / "mlflow_store.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="session")
def store(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    pytest.importorskip("mlflow")
    pytest.importorskip("sklearn")
    builder = _builder()
    info = builder.build(tmp_path_factory.mktemp("mlflow"))
    return {**info, "expected": builder.EXPECTED}


@pytest.fixture(scope="session")
def imported(store: dict[str, Any]) -> tuple[list[Any], ImportReport]:
    return run_import("mlflow", MlflowConfig(tracking_uri=store["uri"]))


def _by_type(ents: list[Any], cls: type) -> list[Any]:
    return [e for e in ents if isinstance(e, cls)]


# ---------------------------------------------------------------------------------------------------------------
# Fast: store checks (before MLflow is imported) and mapping helpers
# ---------------------------------------------------------------------------------------------------------------


def test_missing_store_file_is_refused_without_creating_it(tmp_path: Path) -> None:
    db = tmp_path / "nope.db"
    with pytest.raises(SourceUnavailable, match="no such file"):
        check_sqlite_store(f"sqlite:///{db}")
    assert not db.exists()


def test_garbage_db_file_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "mlflow.db"
    db.write_bytes(b"\x00garbage" * 500)
    with pytest.raises(SourceUnavailable, match="not an SQLite database"):
        check_sqlite_store(f"sqlite:///{db}")


def test_sqlite_db_that_is_not_mlflow_is_left_untouched(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "other.db"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    before = db.read_bytes()
    with pytest.raises(SourceUnavailable, match="not an MLflow store"):
        check_sqlite_store(f"sqlite:///{db}")
    assert db.read_bytes() == before


@pytest.mark.parametrize("content", [b"\x00garbage" * 500, b""])
def test_cli_on_a_corrupt_store_exits_2_without_traceback_or_output(tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "mlflow.db"
    db.write_bytes(content)
    out = tmp_path / "out.ttl"
    res = CliRunner().invoke(get_app(), ["import", "mlflow", "--tracking-uri", f"sqlite:///{db}", "-o", str(out)])
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert "not an SQLite database" in res.output or "not an MLflow store" in res.output
    assert not out.exists()
    assert not list(tmp_path.glob(".out.ttl*"))  # no temp file left behind


def test_feature_types_from_mlflow_column_types() -> None:
    assert [feature_type(t) for t in ("double", "long", "string", "boolean", "datetime", None)] == [
        "numerical", "numerical", "categorical", "categorical", None, None]


def test_signature_tensor_inputs_are_skipped_with_a_reason() -> None:
    r = ImportReport(source="t")
    mlmodel = {"signature": {"inputs": '[{"type": "double", "name": "a"}, '
                                        '{"type": "tensor", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}}, '
                                        '{"type": "string", "name": "b"}]'}}
    assert parse_signature(mlmodel, "m/1", r) == [("a", "double"), ("b", "string")]
    assert r.skipped and "tensor" in r.skipped[0].message


def test_mlflow_system_tags_are_not_tag_labels() -> None:
    labels = tag_labels({"mlflow.user": "x", "team": "risk", "flag": ""})
    assert [t.tag_fqn for t in labels] == ["flag", "team.risk"]


# ---------------------------------------------------------------------------------------------------------------
# The real store
# ---------------------------------------------------------------------------------------------------------------

#: Hand-written expectations; {run1}/{run2}/{run3} are the run ids of C=0.1/1.0/10.0.
EXPECTED_TTL = """
@prefix mlkg: <https://w3id.org/mlkg#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix id: <https://w3id.org/mlkg/id/> .

id:mlmodelService\\/mlflow a mlkg:MLModelService ; mlkg:platform mlkg:MLflowPlatform .

<https://w3id.org/mlkg/id/mlmodel/mlflow.churn-classifier> a mlkg:MLModel ;
    mlkg:name "churn-classifier" ;
    mlkg:belongsToService <https://w3id.org/mlkg/id/mlmodelService/mlflow> ;
    mlkg:description "Predicts customer churn" ;
    mlkg:hasVersion <https://w3id.org/mlkg/id/modelVersion/mlflow.churn-classifier.1>,
        <https://w3id.org/mlkg/id/modelVersion/mlflow.churn-classifier.2>,
        <https://w3id.org/mlkg/id/modelVersion/mlflow.churn-classifier.3> ;
    mlkg:hasFeature <https://w3id.org/mlkg/id/mlFeature/mlflow.churn-classifier.recency> .

<https://w3id.org/mlkg/id/mlFeature/mlflow.churn-classifier.recency> mlkg:position 0 ;
    mlkg:featureDataType mlkg:NumericalFeature .
<https://w3id.org/mlkg/id/mlFeature/mlflow.churn-classifier.tenure> mlkg:position 3 .

<https://w3id.org/mlkg/id/modelVersion/mlflow.churn-classifier.1> mlkg:stage mlkg:ArchivedStage ;
    mlkg:producedBy <https://w3id.org/mlkg/id/trainingRun/mlflow.{run1}> ;
    mlkg:versionStatus "READY" .
<https://w3id.org/mlkg/id/modelVersion/mlflow.churn-classifier.2> mlkg:stage mlkg:NoStage ;
    mlkg:alias "champion" ;
    mlkg:description "C=1.0, approved" ;
    mlkg:previousVersion <https://w3id.org/mlkg/id/modelVersion/mlflow.churn-classifier.1> ;
    mlkg:producedBy <https://w3id.org/mlkg/id/trainingRun/mlflow.{run2}> ;
    mlkg:usesFeature <https://w3id.org/mlkg/id/mlFeature/mlflow.churn-classifier.monetary> .
<https://w3id.org/mlkg/id/modelVersion/mlflow.churn-classifier.3> mlkg:alias "challenger" ;
    mlkg:previousVersion <https://w3id.org/mlkg/id/modelVersion/mlflow.churn-classifier.2> .

<https://w3id.org/mlkg/id/trainingRun/mlflow.{run2}> a mlkg:TrainingRun ;
    mlkg:displayName "logreg-C1.0" ;
    mlkg:partOfExperiment <https://w3id.org/mlkg/id/experiment/mlflow.churn-training> ;
    mlkg:startedBy <https://w3id.org/mlkg/id/user/alice> ;
    mlkg:codeCommit "3f2a9c1d0e4b5a6978877665544332211a0b9c8d" ;
    mlkg:codePath "train.py" ;
    mlkg:runStatus "FINISHED" ;
    mlkg:usedTrainingData <https://w3id.org/mlkg/id/dataset/mlflow.churn-train.{train_digest}> ;
    mlkg:usedEvaluationData <https://w3id.org/mlkg/id/dataset/mlflow.churn-eval.{eval_digest}> ;
    mlkg:hasHyperParameter <https://w3id.org/mlkg/id/hyperParameter/mlflow.{run2}.C> .
<https://w3id.org/mlkg/id/hyperParameter/mlflow.{run2}.C> mlkg:hyperParameterValue 1.0e0 .
<https://w3id.org/mlkg/id/hyperParameter/mlflow.{run2}.max_iter> mlkg:hyperParameterValue 200 .
<https://w3id.org/mlkg/id/hyperParameter/mlflow.{run2}.fit_intercept> mlkg:hyperParameterValue true ;
    mlkg:valueText "True" .

<https://w3id.org/mlkg/id/dataset/mlflow.churn-train.{train_digest}> a mlkg:Dataset ;
    mlkg:datasetSource "s3://acme-ml/churn/train.parquet" ; mlkg:sourceType "s3" ;
    mlkg:digest "{train_digest}" .
<https://w3id.org/mlkg/id/experiment/mlflow.churn-training> a mlkg:Experiment ;
    mlkg:belongsToService <https://w3id.org/mlkg/id/mlmodelService/mlflow> .
"""


def _digests(ents: list[Any]) -> dict[str, str]:
    return {d.name: d.digest for d in _by_type(ents, m.Dataset)}


@pytest.mark.slow
def test_graph_contains_the_hand_written_expectations(store: dict[str, Any], imported: Any) -> None:
    from mlkg.rdf.build import to_graph

    ents, _ = imported
    dig = _digests(ents)
    text = EXPECTED_TTL.replace("id:mlmodelService\\/mlflow", "<https://w3id.org/mlkg/id/mlmodelService/mlflow>")
    for key, val in {"run1": store["run:0.1"], "run2": store["run:1.0"], "run3": store["run:10.0"],
                     "train_digest": dig["churn-train"], "eval_digest": dig["churn-eval"]}.items():
        text = text.replace("{" + key + "}", val)
    expected = Graph().parse(data=text, format="turtle")
    g = to_graph(ents)
    missing = [t for t in expected if t not in g]
    assert not missing, "\n".join(" ".join(x.n3() for x in t) for t in missing)


@pytest.mark.slow
def test_the_stage_is_a_period_from_mlflows_last_update_and_aliases_have_none(store: dict[str, Any],
                                                                              imported: Any) -> None:
    """MLflow keeps no transition history: version 1's Archived stage runs from the version's
    ``last_updated_timestamp`` (set by the transition), as the MLflow client reports it; no stage, no period;
    ``registered_model_aliases`` has no time column, so no alias periods."""
    from mlflow import MlflowClient

    from mlkg.model.base import epoch_ms_to_datetime

    ents, _ = imported
    (model,) = [e for e in _by_type(ents, m.MLModel) if e.name == store["expected"]["model"]]
    mv1 = MlflowClient(tracking_uri=store["uri"], registry_uri=store["uri"]).get_model_version(model.name, "1")
    v = {x.name: x for x in model.versions}
    assert [(s.stage, s.started_at, s.ended_at, s.times_from) for s in v["1"].stage_history] == [
        (m.Stage.ARCHIVED, epoch_ms_to_datetime(mv1.last_updated_timestamp), None,
         "MLflow ModelVersion.last_updated_timestamp")]
    assert v["1"].stage_history[0].started_at > v["1"].created_at  # the transition came after the registration
    assert v["2"].stage_history == [] and v["3"].stage_history == []
    assert all(x.alias_history == [] for x in model.versions) and v["2"].aliases == ["champion"]


@pytest.mark.slow
def test_registry_every_version_aliases_stages_tags(store: dict[str, Any], imported: Any) -> None:
    ents, report = imported
    exp = store["expected"]
    (model,) = [e for e in _by_type(ents, m.MLModel) if e.name == exp["model"]]
    assert model.service.fqn == "mlflow" and model.service_type.value == "Mlflow"
    assert [v.name for v in model.versions] == exp["versions"]
    aliases = {a: v.name for v in model.versions for a in v.aliases}
    assert aliases == exp["aliases"]
    assert {v.name: v.stage.value for v in model.versions} == exp["stages"]
    assert [t.tag_fqn for t in model.tags] == ["domain.marketing"]
    v2 = m.get_version(model, "2")
    assert [t.tag_fqn for t in v2.tags] == ["validation_status.approved"]
    assert v2.description == exp["version_descriptions"]["2"]
    assert v2.source.startswith("models:/m-") and v2.created_at is not None
    assert v2.previous_version.fqn == "mlflow.churn-classifier.1"
    assert m.get_version(model, "1").previous_version is None
    assert [f.name for f in model.ml_features] == exp["features"]
    assert [f.position for f in model.ml_features] == [0, 1, 2, 3]
    assert {f.data_type.value for f in model.ml_features} == {"numerical"}
    assert sorted(r.fqn for r in v2.features) == sorted(f"mlflow.churn-classifier.{c}" for c in exp["features"])
    # MLflow 3 metrics linked to the logged model and the evaluation dataset
    acc = {v.name: [(e.value, e.dataset.fqn) for e in v.metrics if e.name == "accuracy"] for v in model.versions}
    eval_fqn = ids.fqn_child("mlflow", "churn-eval", _digests(ents)["churn-eval"])
    assert acc == {"1": [(0.85, eval_fqn)], "2": [(0.9, eval_fqn)], "3": [(0.95, eval_fqn)]}
    # the run holds the hyperparameters; the version links to it (each hyperparameter once, issue 13 item 12)
    (run2,) = [r for r in _by_type(ents, m.TrainingRun) if r.fqn == v2.run.fqn]
    assert {h.name for h in run2.params} == exp["params"] and not v2.ml_hyper_parameters
    assert report.counts["versions"] == 3 and report.counts["models"] == 1


@pytest.mark.slow
def test_runs_params_metrics_datasets_and_code(store: dict[str, Any], imported: Any) -> None:
    ents, report = imported
    exp = store["expected"]
    runs = {r.name: r for r in _by_type(ents, m.TrainingRun)}
    assert len(runs) == 4
    run = runs[store["run:1.0"]]
    assert run.display_name == "logreg-C1.0"
    assert run.code_commit == exp["commit"] and run.code_path == exp["source_name"]
    assert run.user.fqn == exp["user"] and [o.fqn for o in run.owners] == [exp["user"]]
    params = {h.name: (h.value, h.value_text) for h in run.params}
    assert params == {"C": (1.0, "1.0"), "max_iter": (200, "200"), "penalty": ("l2", "l2"),
                      "fit_intercept": (True, "True")}
    loss = sorted((e.step, e.value) for e in run.metrics if e.name == "train_loss")
    assert loss == [(0, 0.3333), (1, 0.25), (2, 0.2)]
    assert all(e.timestamp is not None for e in run.metrics)
    (acc,) = [e for e in run.metrics if e.name == "accuracy"]
    assert acc.dataset.fqn.startswith("mlflow.churn-eval.") and acc.measure.endswith("#Accuracy")
    datasets = {d.name: d for d in _by_type(ents, m.Dataset)}
    assert datasets["churn-train"].source == exp["train_source"]
    assert datasets["churn-eval"].source == exp["eval_source"]
    assert [r.fqn for r in run.training_datasets] == [datasets["churn-train"].fqn]
    assert [r.fqn for r in run.evaluation_datasets] == [datasets["churn-eval"].fqn]
    exps = {e.name: e for e in _by_type(ents, m.Experiment)}
    assert set(exp["experiments"]) <= set(exps)
    assert [t.tag_fqn for t in exps["churn-training"].tags] == ["team.ml-platform"]
    # the eda run's dataset input has no context: imported as training data, and reported
    assert any("no context" in w.message for w in report.warnings)


@pytest.mark.slow
def test_imported_graph_validates_under_core_shapes(imported: Any) -> None:
    from mlkg.validate import validate

    ents, _ = imported
    result = validate(ents)
    assert result.conforms, result.text()


@pytest.mark.slow
def test_filters_experiments_and_models(store: dict[str, Any]) -> None:
    ents, report = run_import("mlflow", MlflowConfig(tracking_uri=store["uri"], experiments=("churn-analysis",),
                                                     models=("churn-classifier", "missing-model"),
                                                     metric_history=False))
    runs = _by_type(ents, m.TrainingRun)
    # the eda run, plus the three runs the registry points at
    assert store["run:eda"] in {r.name for r in runs} and len(runs) == 4
    assert [s.item for s in report.skipped] == ["registered model missing-model"]
    run = [r for r in runs if r.name == store["run:1.0"]][0]
    assert sorted(e.name for e in run.metrics) == ["accuracy", "eval_accuracy_raw", "train_loss"]


@pytest.mark.slow
def test_cli_import_then_query_metric_across_versions_and_champion(store: dict[str, Any], tmp_path: Path) -> None:
    import json

    out = tmp_path / "mlflow.ttl"
    rep = tmp_path / "report.json"
    runner = CliRunner()
    res = runner.invoke(get_app(), ["import", "mlflow", "--tracking-uri", store["uri"], "-o", str(out),
                              "--report-json", str(rep)])
    assert res.exit_code == 0, res.output
    assert json.loads(rep.read_text())["counts"]["versions"] == 3
    g = Graph().parse(out)
    assert (URIRef(ids.mint("modelVersion", "mlflow.churn-classifier.2")), URIRef("https://w3id.org/mlkg#alias"),
            Literal("champion")) in g
    res = runner.invoke(get_app(), ["query", "metric_history", str(out), "-p", "model=mlflow.churn-classifier",
                              "-p", "metric=accuracy", "-f", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert [(r["version_label"], r["value"]) for r in rows] == [("1", 0.85), ("2", 0.9), ("3", 0.95)]
    res = runner.invoke(get_app(), ["query", "production", str(out), "-f", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert [(r["version_label"], r["aliases"]) for r in rows] == [("2", "champion")]


@pytest.mark.slow
def test_cli_strict_fails_on_the_reported_warning_and_writes_nothing(store: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "mlflow.ttl"
    res = CliRunner().invoke(get_app(), ["import", "mlflow", "--tracking-uri", store["uri"], "--strict", "-o", str(out)])
    assert res.exit_code == 2
    assert "strict mode" in res.output and "no context" in res.output and "Traceback" not in res.output
    assert not out.exists()


@pytest.mark.slow
def test_unreachable_tracking_server_is_a_clear_error() -> None:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    cfg = MlflowConfig(tracking_uri=f"http://127.0.0.1:{port}", http_retries=0, http_timeout=5)
    with pytest.raises(SourceUnavailable, match=f"cannot read registered models from mlflow http://127.0.0.1:{port}"):
        run_import("mlflow", cfg)


class _FakeDatabricks(http.server.BaseHTTPRequestHandler):
    """Answers like a Databricks workspace with one Unity Catalog model and one version; records each path."""

    seen: list[tuple[str, str]] = []

    def _reply(self) -> None:
        import json

        path = self.path.split("?")[0]
        self.seen.append((self.command, path))
        n = int(self.headers.get("Content-Length") or 0)
        if n:
            self.rfile.read(n)
        body: dict[str, Any] = {}
        if path.endswith("/unity-catalog/registered-models/search"):
            body = {"registered_models": [{"name": "main.ml.churn", "description": "UC model",
                                           "aliases": [{"alias": "champion", "version_num": 1}]}]}
        elif path.endswith("/unity-catalog/registered-models/get"):
            body = {"registered_model": {"name": "main.ml.churn", "description": "UC model",
                                         "tags": [{"key": "domain", "value": "marketing"}],
                                         "aliases": [{"alias": "champion", "version_num": 1}]}}
        elif path.endswith("/unity-catalog/model-versions/search"):
            body = {"model_versions": [{"name": "main.ml.churn", "version": "1", "source": "s3://b/m",
                                        "status": "READY", "creation_timestamp": 1700000000000}]}
        elif path.endswith("/unity-catalog/model-versions/get"):
            body = {"model_version": {"name": "main.ml.churn", "version": "1", "source": "s3://b/m",
                                      "status": "READY", "aliases": [{"alias": "champion", "version_num": 1}],
                                      "creation_timestamp": 1700000000000}}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = _reply

    def log_message(self, *args: Any) -> None:
        pass


@pytest.mark.slow
def test_databricks_unity_catalog_uses_the_same_code(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("mlflow")
    from mlkg.importers.mlflow import make_client

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FakeDatabricks)
    threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        monkeypatch.setenv("DATABRICKS_HOST", f"http://127.0.0.1:{srv.server_port}")
        monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-test")
        cfg = MlflowConfig(tracking_uri="databricks", registry_uri="databricks-uc", include_runs=False,
                           signatures=False, http_retries=0)
        client = make_client(cfg)
        assert client._registry_uri == "databricks-uc"
        assert type(client._get_registry_client().store).__name__ == "UcModelRegistryStore"
        ents, report = run_import("mlflow", cfg)
        paths = {p for _, p in _FakeDatabricks.seen}
        assert "/api/2.0/mlflow/unity-catalog/registered-models/search" in paths
        assert "/api/2.0/mlflow/unity-catalog/registered-models/get" in paths  # search results lack tags/aliases
        # UC search results carry no version tags/aliases either: each version is fetched
        assert "/api/2.0/mlflow/unity-catalog/model-versions/get" in paths
    finally:
        srv.shutdown()
    (svc,) = _by_type(ents, m.MLModelService)
    assert svc.service_type.value == "Databricks"
    (model,) = _by_type(ents, m.MLModel)
    assert model.fqn == 'mlflow."main.ml.churn"' and model.description == "UC model"
    assert [t.tag_fqn for t in model.tags] == ["domain.marketing"]
    (v1,) = model.versions
    assert v1.aliases == ["champion"] and v1.stage is None and v1.source == "s3://b/m"


@pytest.mark.slow
@pytest.mark.server
def test_same_import_over_rest_from_a_local_mlflow_server(store: dict[str, Any], imported: Any) -> None:
    """``mlflow server`` on 127.0.0.1 over the session's store: the REST path gives the same graph."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from mlkg.rdf.build import to_graph

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    mlflow_cli = Path(sys.executable).with_name("mlflow")  # the venv's mlflow script sits next to python
    proc = subprocess.Popen([str(mlflow_cli), "server", "--backend-store-uri", store["uri"], "--host", "127.0.0.1",
                             "--port", str(port), "--workers", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 120
        while True:
            try:
                with urllib.request.urlopen(url + "/health", timeout=2):
                    break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    pytest.fail("mlflow server did not start")
                time.sleep(0.5)
        ents, report = run_import("mlflow", MlflowConfig(tracking_uri=url, service_name="mlflow"))
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    local, _ = imported
    # same nodes and values; only the service URL (and the model's UI link) differ
    def strip(g: Graph) -> set:
        drop = {URIRef("https://w3id.org/mlkg#serviceUrl"), URIRef("https://w3id.org/mlkg#description"),
                URIRef("https://w3id.org/mlkg#sourceUrl")}
        return {t for t in g if t[1] not in drop}

    assert strip(to_graph(ents)) == strip(to_graph(local))
    assert not [w for w in report.warnings if "no context" not in w.message]


def test_golden_graph(golden, store: dict[str, Any]) -> None:
    """The whole graph of the fixture store; run and logged-model ids and the work directory normalised."""
    from mlkg.importers import get

    importer = get("mlflow")(tracking_uri=store["uri"])
    ents = importer.run()
    golden(importer, ents, FIXTURES / "expected.ttl", golden_subs(store, ents), unquote_times=True,
           literals=entry_points(store, ents))


def golden_subs(store: dict[str, Any], ents: list[Any]) -> dict[str, str]:
    """What changes from one build of the fixture store to the next: ids, directories, the builder's script."""
    import os

    subs = {store["work"]: "/WORK", os.getcwd(): "/CWD"}
    subs.update({run_id: f"RUN-{key[4:]}" for key, run_id in store.items() if key.startswith("run:")})
    for model in _by_type(ents, m.MLModel):
        for v in model.versions:
            if v.source and v.source.startswith("models:/m-"):
                subs[v.source[len("models:/"):]] = f"m-version{v.name}"
    return subs


def entry_points(store: dict[str, Any], ents: list[Any]) -> dict[str, str]:
    """MLflow records the running script as a run's source: pytest's path here, ``-c`` in a pytest-xdist worker
    (so it is replaced as a whole literal, never inside other text: ``churn-classifier`` holds ``-c``)."""
    return {run.code_path: "ENTRYPOINT" for run in _by_type(ents, m.TrainingRun)
            if run.code_path and run.code_path != store["expected"]["source_name"]}


def test_version_metrics_take_the_runs_latest_step_unless_logged_for_the_model(imported) -> None:
    """Issue #13 item 6: MLflow's LoggedModel keeps step 0 of a metric logged while the model was active; the
    version gets the run's last value instead (and says so); a value logged for the model itself is kept."""
    ents, _ = imported
    (model,) = _by_type(ents, m.MLModel)
    runs = {r.name: r for r in _by_type(ents, m.TrainingRun)}
    for v in model.versions:
        metrics = {e.name: e for e in v.metrics}
        history = sorted((e.step, e.value) for e in runs[v.run.fqn.split(".", 1)[1]].metrics if e.name == "train_loss")
        assert [s for s, _ in history] == [0, 1, 2]  # the run keeps the whole curve
        loss = metrics["train_loss"]
        assert (loss.step, loss.value) == history[-1] and "latest value of run" in loss.description
        assert metrics["accuracy"].description is None and metrics["accuracy"].dataset is not None
    by_label = {v.name: {e.name: e.value for e in v.metrics} for v in model.versions}
    assert by_label["2"]["train_loss"] == pytest.approx(0.2) and by_label["1"]["train_loss"] == pytest.approx(0.25)


def test_provenance_lists_each_hyperparameter_once(store: dict[str, Any], tmp_path: Path) -> None:
    """Issue #13 item 12: the version repeated its run's params, so ``query provenance`` listed each twice."""
    import json

    out = tmp_path / "ml.ttl"
    runner = CliRunner()
    res = runner.invoke(get_app(), ["import", "mlflow", store["uri"], "-o", str(out), "-q"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(get_app(), ["query", "provenance", str(out), "-p", "version=mlflow.churn-classifier.2",
                                    "-f", "json"])
    assert res.exit_code == 0, res.output
    rows = [r for r in json.loads(res.output) if r["aspect"] == "hyperparameter"]
    names = sorted(r["name"] for r in rows)
    assert names == sorted(store["expected"]["params"])  # C, fit_intercept, max_iter, penalty: once each
    ents, _ = run_import("mlflow", MlflowConfig(tracking_uri=store["uri"]))
    (model,) = _by_type(ents, m.MLModel)
    assert {h.name for h in model.ml_hyper_parameters} == store["expected"]["params"]  # the model keeps them
