"""Kubeflow importer on files written by the platform's own SDKs (see data/README.md and make_fixtures.py):

- ``data/mlmd.sqlite``: an ML Metadata store written by ml-metadata 1.17.1, shaped like KFP v2's records (two
  pipeline runs of ``iris-train``: make-data → train → model, metrics, confusion matrix; the second run's
  make-data is CACHED and reuses the first run's dataset) plus a TFX-style Trainer execution;
- ``data/kfp/``: a pipeline compiled by kfp 2.17.3 and run with ``kfp.local``.

Each import is compared with a golden graph (refresh: ``MLKG_UPDATE_SNAPSHOTS=1 pytest tests/importers/kubeflow``)
and with hand-written expectations taken from make_fixtures.py.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from mlkg import lineage
from mlkg.importers import SourceUnavailable, get
from mlkg.importers.kubeflow import mlmd
from mlkg.model import entities as m
from mlkg.rdf.build import to_graph

HERE = Path(__file__).parent
DATA = HERE / "data"
MLMD = DATA / "mlmd.sqlite"
KFP = DATA / "kfp"



def run(**options: Any) -> tuple[list[Any], Any]:
    imp = get("kubeflow")(**options)
    return imp.run(), imp.report


def by_fqn(ents: list[Any], cls: type) -> dict[str, Any]:
    return {e.fqn: e for e in ents if isinstance(e, cls)}


@pytest.fixture(scope="module")
def store_import() -> tuple[list[Any], Any]:
    return run(mlmd=f"sqlite:///{MLMD}")


# ---------------------------------------------------------------------------------------------------------------
# MLMD store
# ---------------------------------------------------------------------------------------------------------------


def test_mlmd_store_matches_golden_graph(golden) -> None:
    imp = get("kubeflow")(mlmd=f"sqlite:///{MLMD}")
    golden(imp, imp.run(), HERE / "expected_mlmd.ttl")


def test_mlmd_reader_reads_the_sdk_schema_with_sql_only() -> None:
    s = mlmd.read(str(MLMD))
    assert s.schema_version == 10
    types = sorted({a.type for a in s.artifacts.values()})
    assert types == ["system.ClassificationMetrics", "system.Dataset", "system.Metrics", "system.Model"]
    # KFP's execution inputs are a Struct stored as text "mlmd-struct::<base64>": decoded without protobuf
    train = next(e for e in s.executions.values() if e.custom.get("task_name") == "train")
    assert train.custom["inputs"] == {"n_estimators": 50.0, "criterion": "gini", "bootstrap": True}
    assert not s.problems


def test_mlmd_mapping_hand_expectations(store_import) -> None:
    ents, report = store_import
    assert report.counts["models"] == 2 and report.counts["versions"] == 3 and report.counts["datasets"] == 2
    assert not report.problems
    exps = by_fqn(ents, m.Experiment)
    assert list(exps) == ["kubeflow.iris-train"]
    runs = by_fqn(ents, m.TrainingRun)
    assert {"kubeflow.iris-train-run-1", "kubeflow.iris-train-run-2", "kubeflow.iris-train-run-1.train",
            "kubeflow.iris-train-run-2.make-data", "kubeflow.train-churn"} <= set(runs)
    # the pipeline run carries the pipeline parameters of its root DAG execution (which is no run of its own)
    whole = runs["kubeflow.iris-train-run-1"]
    assert {p.name: p.value for p in whole.params} == {"n_estimators": 50} and whole.status == "COMPLETE"
    assert not any(r.display_name == "run/iris-train-run-1" for r in runs.values())
    assert report.counts["runs"] == 7  # 2 pipeline runs, 4 KFP tasks, 1 TFX trainer
    t1 = runs["kubeflow.iris-train-run-1.train"]
    params = {p.name: p.value for p in t1.params}
    assert params == {"n_estimators": 50, "criterion": "gini", "bootstrap": True}
    assert isinstance(params["n_estimators"], int)  # a whole Struct number is an integer
    assert t1.status == "COMPLETE" and t1.experiment.fqn == "kubeflow.iris-train"
    assert [r.fqn for r in t1.training_datasets] == ["kubeflow.iris-train-run-1.data"]
    assert {(e.name, e.value) for e in t1.metrics if e.slice is None} == {("accuracy", 0.93), ("f1", 0.91)}
    cells = {e.slice: e.value for e in t1.metrics if e.name == "confusionMatrix"}
    assert cells == {"actual=setosa,predicted=setosa": 5, "actual=setosa,predicted=versicolor": 1,
                     "actual=versicolor,predicted=setosa": 0, "actual=versicolor,predicted=versicolor": 4}
    # run 2's make-data was cached: it re-published run 1's dataset, which trains run 2's model too
    assert runs["kubeflow.iris-train-run-2.make-data"].status == "CACHED"
    assert [r.fqn for r in runs["kubeflow.iris-train-run-2.train"].training_datasets] == [
        "kubeflow.iris-train-run-1.data"]
    ds = by_fqn(ents, m.Dataset)["kubeflow.iris-train-run-1.data"]
    assert ds.source == "minio://mlpipeline/v2/artifacts/iris-train/iris-train-run-1/make-data/data"
    assert ds.source_type == "minio" and ds.produced_by.fqn == "kubeflow.iris-train-run-1.make-data"
    models = by_fqn(ents, m.MLModel)
    iris = models["kubeflow.iris-train.model"]
    assert [v.name for v in iris.versions] == ["2", "5"]  # MLMD artifact ids, in creation order
    v1, v2 = iris.versions
    assert v2.previous_version.fqn == "kubeflow.iris-train.model.2" and v1.previous_version is None
    assert v1.algorithm == "RandomForestClassifier" and v1.run.fqn == "kubeflow.iris-train-run-1.train"
    assert {h.name: h.value for h in v2.ml_hyper_parameters}["n_estimators"] == 100
    assert {e.name: e.value for e in v2.metrics if e.slice is None} == {"accuracy": 0.95, "f1": 0.93}
    assert v2.source == "minio://mlpipeline/v2/artifacts/iris-train/iris-train-run-2/train/model"
    # the TFX-style trainer: declared property algorithm, custom properties as parameters, version property
    churn = models["kubeflow.churn-model"]
    assert [v.name for v in churn.versions] == ["1"] and churn.algorithm == "XGBoost"
    assert {p.name: p.value for p in runs["kubeflow.train-churn"].params} == {
        "algorithm": "XGBoost", "learning_rate": 0.1, "max_depth": 6}


def test_lineage_upstream_of_the_model_reaches_its_dataset_through_the_trainer(store_import, tmp_path) -> None:
    g = to_graph(store_import[0])
    rows = lineage.upstream(g, "kubeflow.iris-train.model")
    by_name = {r.name: r for r in rows}
    ds = by_name["kubeflow.iris-train-run-1.data"]
    assert ds.kind == "Dataset"
    assert ds.path == ("kubeflow.iris-train.model -hasVersion-> kubeflow.iris-train.model.2 -producedBy-> "
                       "kubeflow.iris-train-run-1.train -usedTrainingData-> kubeflow.iris-train-run-1.data")
    assert by_name["kubeflow.iris-train-run-1.train"].kind == "TrainingRun"


# ---------------------------------------------------------------------------------------------------------------
# Broken and foreign stores: one clear error, nothing imported
# ---------------------------------------------------------------------------------------------------------------


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SourceUnavailable, match=r"nope\.sqlite: no such MLMD store file"):
        run(mlmd=f"sqlite:///{tmp_path / 'nope.sqlite'}")
    assert not (tmp_path / "nope.sqlite").exists()


def test_corrupt_store_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "mlmd.sqlite"
    data = bytearray(MLMD.read_bytes())
    data[100:len(data) // 2] = b"\xff" * (len(data) // 2 - 100)  # keep the header, wreck the pages
    bad.write_bytes(bytes(data))
    with pytest.raises(SourceUnavailable, match=r"mlmd\.sqlite: (corrupt MLMD store|not an ML Metadata store)"):
        run(mlmd=str(bad))


def test_truncated_store_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "cut.sqlite"
    bad.write_bytes(MLMD.read_bytes()[: len(MLMD.read_bytes()) // 3])
    with pytest.raises(SourceUnavailable, match=r"cut\.sqlite: (corrupt MLMD store|not an ML Metadata store)"):
        run(mlmd=str(bad))


def test_foreign_files_are_refused(tmp_path: Path) -> None:
    text = tmp_path / "notes.sqlite"
    text.write_text("hello")
    with pytest.raises(SourceUnavailable, match="not an SQLite database"):
        run(mlmd=str(text))
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE runs (id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(SourceUnavailable, match=r"other\.db: not an ML Metadata store \(no table 'Artifact'\)"):
        run(mlmd=str(other))


def test_nothing_to_import_is_a_clear_error() -> None:
    with pytest.raises(SourceUnavailable, match="nothing to import"):
        run()


# ---------------------------------------------------------------------------------------------------------------
# KFP compiled pipeline + kfp.local outputs
# ---------------------------------------------------------------------------------------------------------------


def test_kfp_local_run_matches_golden_graph(golden) -> None:
    imp = get("kubeflow")(paths=(str(KFP),))
    ents = imp.run()
    assert not imp.report.problems
    golden(imp, ents, HERE / "expected_kfp_local.ttl")  # artifact URIs: paths of the machine kfp.local ran on


def test_kfp_local_run_hand_expectations() -> None:
    ents, report = run(paths=(str(KFP / "pipeline.yaml"), str(KFP / "local_outputs")))
    exp = by_fqn(ents, m.Experiment)["kubeflow.iris-train"]
    assert exp.description == "Train an iris classifier"
    run_dir = next((KFP / "local_outputs").iterdir()).name
    train = by_fqn(ents, m.TrainingRun)[f"kubeflow.{run_dir}.train"]
    assert [r.fqn for r in train.training_datasets] == [f"kubeflow.{run_dir}.data"]
    assert {e.name: e.value for e in train.metrics if e.slice is None} == {"accuracy": 0.93, "f1": 0.91}
    assert not train.params  # kfp.local does not record the run's parameter values (n_estimators=7)
    model = by_fqn(ents, m.MLModel)["kubeflow.iris-train.model"]
    (v,) = model.versions
    assert v.algorithm == "RandomForestClassifier" and v.run.fqn == train.fqn
    upstream = {r.name for r in lineage.upstream(to_graph(ents), "kubeflow.iris-train.model")}
    assert f"kubeflow.{run_dir}.data" in upstream


def test_executor_outputs_without_their_pipeline_are_a_reported_skip() -> None:
    ents, report = run(paths=(str(KFP / "local_outputs"),))
    assert not by_fqn(ents, m.MLModel)
    assert report.skipped and "pass the pipeline.yaml too" in str(report.skipped[0])
    with pytest.raises(Exception, match="strict mode"):
        get("kubeflow")(paths=(str(KFP / "local_outputs"),)).run(strict=True)


def test_malformed_pipeline_yaml_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "pipeline.yaml"
    bad.write_text("pipelineInfo:\n  name: x\nroot: [\n")
    with pytest.raises(ValueError, match=r"pipeline\.yaml:4: not YAML"):
        run(paths=(str(bad),))


# ---------------------------------------------------------------------------------------------------------------
# The commands a user types
# ---------------------------------------------------------------------------------------------------------------


def test_cli_import_then_lineage_upstream_reaches_the_dataset_through_the_trainer(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from mlkg.cli import get_app

    out = tmp_path / "kf.ttl"
    runner = CliRunner()
    res = runner.invoke(get_app(), ["import", "kubeflow", "--mlmd", f"sqlite:///{MLMD}", "-o", str(out)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(get_app(), ["lineage", "upstream", "kubeflow.iris-train.model", str(out), "-f", "json"])
    assert res.exit_code == 0, res.output
    rows = {r["name"]: r for r in json.loads(res.stdout)}
    assert rows["kubeflow.iris-train-run-1.data"]["kind"] == "Dataset"
    assert "-producedBy-> kubeflow.iris-train-run-1.train -usedTrainingData-> kubeflow.iris-train-run-1.data" in \
        rows["kubeflow.iris-train-run-1.data"]["path"]


def test_cli_on_a_corrupt_store_exits_2_with_one_line_and_writes_nothing(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from mlkg.cli import get_app

    bad = tmp_path / "mlmd.sqlite"
    bad.write_bytes(MLMD.read_bytes()[:2000])
    out = tmp_path / "out.ttl"
    res = CliRunner().invoke(get_app(), ["import", "kubeflow", "--mlmd", f"sqlite:///{bad}", "-o", str(out)])
    assert res.exit_code == 2
    assert "Traceback" not in res.output and not out.exists()
    (line,) = [ln for ln in res.output.splitlines() if ln.startswith("mlkg:")]
    assert "mlmd.sqlite: corrupt MLMD store" in line


# ---------------------------------------------------------------------------------------------------------------
# Model Registry REST API (loopback server holding what the model-registry client wrote)
# ---------------------------------------------------------------------------------------------------------------


@pytest.fixture()
def registry_url() -> Any:
    import json
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    import registry_fake

    server, reg, url = registry_fake.serve()
    reg.load(json.loads((DATA / "model_registry.json").read_text()))
    yield url
    server.shutdown()
    server.server_close()


def test_model_registry_matches_golden_graph(golden, registry_url: str) -> None:
    imp = get("kubeflow")(model_registry=registry_url, page_size=1)  # one item per page: paging is followed
    ents = imp.run()
    assert not imp.report.problems
    golden(imp, ents, HERE / "expected_model_registry.ttl", {registry_url: "http://REGISTRY"})


def test_model_registry_hand_expectations(registry_url: str) -> None:
    ents, report = run(model_registry=registry_url)
    assert report.counts["models"] == 2 and report.counts["versions"] == 3 and report.counts["deployments"] == 1
    svc = next(e for e in ents if isinstance(e, m.MLModelService))
    assert svc.service_url == registry_url
    iris = by_fqn(ents, m.MLModel)["kubeflow.iris-classifier"]
    assert [o.fqn for o in iris.owners] == ["alice"]
    v1, v2 = iris.versions
    assert (v1.name, v2.name) == ("1.0.0", "2.0.0") and v2.previous_version.fqn == v1.fqn
    assert v1.created_by.fqn == "alice" and v2.created_by.fqn == "bob"
    assert v1.description == "logistic regression, C=1" and v1.status == "LIVE"
    assert v1.source == "s3://models/iris/1" and v1.algorithm == "sklearn 1.5"
    assert [(e.name, e.value) for e in v1.metrics] == [("accuracy", 0.93)]
    assert {h.name: h.value for h in v1.ml_hyper_parameters} == {"framework": "sklearn", "n_estimators": 50}
    churn = by_fqn(ents, m.MLModel)["kubeflow.churn"]
    assert churn.versions[0].source == "oci://registry.example/churn:3" and churn.algorithm == "onnx 1"
    (ep,) = [e for e in ents if isinstance(e, m.Endpoint)]
    assert ep.fqn == "kubeflow.kubeflow-user.iris-predictor" and ep.environment == "kubeflow-user"
    assert ep.status == m.DeploymentStatus.IN_SERVICE and ep.description == "runtime kserve-sklearn"
    assert ep.model.fqn == iris.fqn and ep.model_version.fqn == v2.fqn


def test_model_registry_errors_are_one_line(tmp_path: Path) -> None:
    import socket
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(SourceUnavailable, match=f"cannot reach the Model Registry at http://127.0.0.1:{port}"):
        run(model_registry=f"http://127.0.0.1:{port}", timeout=2)

    class NotARegistry(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    srv = ThreadingHTTPServer(("127.0.0.1", 0), NotARegistry)
    Thread(target=srv.serve_forever, daemon=True).start()
    try:
        with pytest.raises(SourceUnavailable, match=r"not a Kubeflow Model Registry \(404 at /api/model_registry") as e:
            run(model_registry=f"http://user:secret@127.0.0.1:{srv.server_address[1]}")
        assert "secret" not in str(e.value) and "user" not in str(e.value)
    finally:
        srv.shutdown()
        srv.server_close()


def test_imports_conform_to_the_core_shapes(store_import, registry_url: str) -> None:
    from mlkg.validate import validate

    for ents in (store_import[0], run(paths=(str(KFP),))[0], run(model_registry=registry_url)[0]):
        result = validate(ents)
        assert result.conforms, result.text()


def test_every_cut_of_the_store_is_a_clear_error_or_imports(tmp_path: Path) -> None:
    data = MLMD.read_bytes()
    bad = tmp_path / "cut.sqlite"
    for n in range(0, len(data), 4096 * 5):
        bad.write_bytes(data[:n])
        try:
            run(mlmd=str(bad))
        except SourceUnavailable as e:
            assert str(e).startswith(str(bad)) and "\n" not in str(e), n
