"""H2O importer on files written by H2O-3 3.46.0.11 itself (data/README.md, make_fixtures.py): a GBM trained on
a local cluster with a validation frame and 3-fold CV; its model details JSON and its MOJO.

Fast tests read the checked-in files; the ``slow`` test starts a real H2O cluster (Java) from the h2o venv and
imports through REST ``/3/Models`` (needs /work/venvs/h2o or H2O_PYTHON pointing at a Python with ``h2o``).
Golden graphs: refresh with ``MLKG_UPDATE_SNAPSHOTS=1 pytest tests/importers/h2o``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from mlkg import query
from mlkg.importers import ImportFailure, SourceUnavailable, get
from mlkg.importers.h2o.mapping import typed_param
from mlkg.model import entities as m
from mlkg.rdf.build import to_graph

HERE = Path(__file__).parent
DATA = HERE / "data"
DETAILS = DATA / "iris_gbm.json"
MOJO = DATA / "iris_gbm.zip"



def run(*paths: str, strict: bool = False, **options: Any) -> tuple[list[Any], Any]:
    imp = get("h2o")(paths=paths, **options)
    return imp.run(strict=strict), imp.report


def model_of(ents: list[Any]) -> m.MLModel:
    (model,) = [e for e in ents if isinstance(e, m.MLModel)]
    return model


@pytest.fixture()
def in_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA)  # relative paths: the artifact location in the graph does not depend on the checkout


# petal_glm.json is checked by hand only: its obj_reg hyperparameter (0.013888888888888888, an xsd:double) comes
# back from Turtle as 0.01388889, because rdflib writes doubles in Turtle with 7 digits (1.388889e-02)
@pytest.mark.parametrize("name", ["iris_gbm.json", "iris_gbm.zip"])
def test_golden_graphs(golden, in_data, name: str) -> None:
    imp = get("h2o")(paths=(name,))
    ents = imp.run()
    assert not imp.report.problems
    golden(imp, ents, HERE / f"expected_{name.replace('.', '_')}.ttl")


def test_details_hand_expectations() -> None:
    ents, report = run(str(DETAILS))
    model = model_of(ents)
    assert model.fqn == "h2o.iris_gbm" and model.algorithm == "Gradient Boosting Machine"
    assert model.target == "species" and model.task == "Multinomial"
    feats = {f.name: f for f in model.ml_features}
    assert list(feats) == ["sepal_len", "sepal_wid", "petal_len", "petal_wid", "region"]
    assert feats["region"].data_type == m.FeatureType.CATEGORICAL
    assert feats["region"].description == "Enum column with levels: north, south"
    assert feats["petal_len"].data_type == m.FeatureType.NUMERICAL and feats["petal_len"].position == 2
    imp = {i.name: i.importance for i in model.feature_importance}
    assert imp["petal_len"] == 1.0 and imp["sepal_wid"] == pytest.approx(0.1458095070748441)
    assert {i.method for i in model.feature_importance} == {"gain"}
    hp = {h.name: h for h in model.ml_hyper_parameters}
    # every parameter with a value (45 of the 64; frames, model id and response are mapped elsewhere), not only
    # those the user set
    assert len(hp) == 45
    assert hp["ntrees"].value == 10 and isinstance(hp["ntrees"].value, int)
    assert hp["ntrees"].description == "H2O default: 50"
    assert hp["learn_rate"].value == 0.2 and hp["seed"].value == 1 and hp["nfolds"].value == 3
    assert hp["distribution"].value == "multinomial" and hp["balance_classes"].value is False
    assert hp["balance_classes"].description is None  # left at its default
    assert "training_frame" not in hp and "model_id" not in hp
    evals = {(e.name, e.split, e.slice): e for e in model.metrics}
    assert evals[("logloss", m.Split.TRAIN, None)].value == pytest.approx(0.05932325162343518)
    assert evals[("logloss", m.Split.VALIDATION, None)].value == pytest.approx(0.08550004393504534)
    assert evals[("logloss", m.Split.TRAIN, "cross-validation")].value == pytest.approx(0.09690878902348316)
    assert evals[("logloss", m.Split.VALIDATION, None)].dataset.fqn == "h2o.iris_valid_25"
    assert not any(e.name in ("AUC", "nobs", "model_checksum") for e in model.metrics)  # NaN and bookkeeping
    (version,) = model.versions
    assert version.name == "2665824642545313164"  # H2O's model checksum (the MOJO's uuid)
    assert version.run.fqn == "h2o.iris_gbm"
    (run_,) = [e for e in ents if isinstance(e, m.TrainingRun)]
    assert [d.fqn for d in run_.training_datasets] == ["h2o.iris_train_75"]
    assert [d.fqn for d in run_.evaluation_datasets] == ["h2o.iris_valid_25"]
    assert (run_.ended_at - run_.started_at).total_seconds() == pytest.approx(0.359)  # run_time 359 ms
    datasets = {e.fqn: e for e in ents if isinstance(e, m.Dataset)}
    assert datasets["h2o.iris_train_75"].digest == "-7448042749649798694"  # frame checksum
    assert report.counts["models"] == 1


def test_details_and_mojo_of_one_model_import_once(in_data) -> None:
    ents, report = run("iris_gbm.json", "iris_gbm.zip")
    model = model_of(ents)
    assert model.versions[0].source == "iris_gbm.zip" and report.counts["models"] == 1
    ents, report = run(".")  # the folder: the GBM (JSON + MOJO) once, and the GLM
    assert sorted(e.fqn for e in ents if isinstance(e, m.MLModel)) == ["h2o.iris_gbm", "h2o.petal_glm"]


def test_query_features_lists_features_with_importances(tmp_path: Path) -> None:
    g = to_graph(run(str(DETAILS))[0])
    rows = query.features(g, "h2o.iris_gbm")
    assert [(r.feature_name, r.data_type, round(r.importance, 6), r.importance_method) for r in rows] == [
        ("petal_len", "numerical", 1.0, "gain"), ("petal_wid", "numerical", 0.002007, "gain"),
        ("region", "categorical", 0.0, "gain"), ("sepal_len", "numerical", 0.001646, "gain"),
        ("sepal_wid", "numerical", 0.14581, "gain")]


def test_typed_parameters() -> None:
    assert typed_param("int", 5) == 5 and typed_param("double", 1) == 1.0
    assert typed_param("Key<Frame>", {"name": "f1", "type": "Key<Frame>"}) == "f1"
    assert typed_param("string[]", ["a", "b"]) == '["a", "b"]'
    assert typed_param("VecSpecifier", {"column_name": "species"}) == "species"
    assert typed_param("boolean", False) is False


# ---------------------------------------------------------------------------------------------------------------
# A MOJO without details, foreign and broken files
# ---------------------------------------------------------------------------------------------------------------


def _mojo_without_details(tmp_path: Path) -> Path:
    out = tmp_path / "bare.zip"
    with zipfile.ZipFile(MOJO) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            if not item.filename.startswith("experimental/"):
                dst.writestr(item, src.read(item))
    return out


def test_mojo_without_details_imports_model_ini_with_a_warning(tmp_path: Path) -> None:
    ents, report = run(str(_mojo_without_details(tmp_path)))
    model = model_of(ents)
    assert model.algorithm == "Gradient Boosting Machine" and model.target == "species"
    assert [(f.name, f.data_type) for f in model.ml_features][-1] == ("region", m.FeatureType.CATEGORICAL)
    assert model.ml_features[-1].description == "Enum column with levels: north, south"
    assert model.versions[0].name == "2665824642545313164"
    assert [str(w) for w in report.warnings] == [
        f"{tmp_path / 'bare.zip'}: MOJO without experimental/modelDetails.json: only model.ini is read "
        "(algorithm, columns, domains); no parameters, metrics or variable importances"]
    with pytest.raises(ImportFailure, match="strict mode: .*bare.zip: MOJO without"):
        run(str(_mojo_without_details(tmp_path)), strict=True)


def test_foreign_and_broken_files_are_reported_skips(tmp_path: Path) -> None:
    (tmp_path / "notes.json").write_text('{"hello": 1}')
    (tmp_path / "cut.json").write_text(DETAILS.read_text()[:5000])
    (tmp_path / "cut.zip").write_bytes(MOJO.read_bytes()[:4000])
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as z:
        z.writestr("readme.txt", "not a model")
    ents, report = run(str(tmp_path))
    assert not [e for e in ents if isinstance(e, m.MLModel)]
    reasons = {Path(s.item).name: s.message for s in report.skipped}
    assert reasons["notes.json"].startswith("not H2O model details")
    assert reasons["cut.json"].startswith("not JSON")
    assert reasons["other.zip"] == "a zip without model.ini: not an H2O MOJO"
    assert reasons["cut.zip"] == "a damaged zip (no central directory; truncated?): not a readable MOJO"
    with pytest.raises(ImportFailure, match="strict mode"):
        run(str(tmp_path), strict=True)


def test_missing_path_and_unreachable_cluster_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(SourceUnavailable, match=r"nope\.json: no such file or folder"):
        run(str(tmp_path / "nope.json"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(SourceUnavailable, match=f"cannot reach H2O at http://127.0.0.1:{port}"):
        get("h2o")(url=f"http://127.0.0.1:{port}", timeout=2).run()


# ---------------------------------------------------------------------------------------------------------------
# A real cluster (slow: starts the JVM)
# ---------------------------------------------------------------------------------------------------------------

H2O_PYTHON = os.environ.get("H2O_PYTHON", "/work/venvs/h2o/bin/python")

CLUSTER = """
import sys, h2o
from h2o.estimators import H2OGradientBoostingEstimator
port = int(sys.argv[1])
h2o.init(nthreads=1, max_mem_size="1G", port=port, bind_to_localhost=True, verbose=False)
rows = [[5.1, 3.5, "a"], [6.2, 2.9, "b"], [5.9, 3.0, "b"], [4.9, 3.1, "a"]] * 10
fr = h2o.H2OFrame(rows, column_names=["x1", "x2", "y"], column_types=["real", "real", "enum"],
                  destination_frame="toy")
H2OGradientBoostingEstimator(model_id="toy_gbm", ntrees=3, seed=1).train(x=["x1", "x2"], y="y", training_frame=fr)
print("READY", flush=True)
sys.stdin.read()
h2o.cluster().shutdown()
"""


@pytest.mark.slow
def test_live_cluster_through_rest() -> None:
    if not Path(H2O_PYTHON).exists() or shutil.which("java") is None:
        pytest.skip("needs Java and a Python with h2o (H2O_PYTHON)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([H2O_PYTHON, "-c", CLUSTER, str(port)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        deadline = time.time() + 120
        line = ""
        while time.time() < deadline and "READY" not in line:
            line = proc.stdout.readline() if proc.stdout else ""
            if not line and proc.poll() is not None:
                pytest.fail("the H2O cluster did not start")
        imp = get("h2o")(url=f"http://127.0.0.1:{port}")
        ents = imp.run()
        model = model_of(ents)
        assert model.fqn == "h2o.toy_gbm" and model.target == "y"
        assert [f.name for f in model.ml_features] == ["x1", "x2"]
        assert {h.name: h.value for h in model.ml_hyper_parameters}["ntrees"] == 3
        assert {i.name for i in model.feature_importance} == {"x1", "x2"}
        svc = next(e for e in ents if isinstance(e, m.MLModelService))
        assert svc.service_url == f"http://127.0.0.1:{port}"
        one = get("h2o")(url=f"http://127.0.0.1:{port}", models=("toy_gbm", "nope"))
        one.run()
        assert [str(s) for s in one.report.skipped] == [f"model nope: not found on http://127.0.0.1:{port}"]
    finally:
        if proc.stdin:
            proc.stdin.close()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


# ---------------------------------------------------------------------------------------------------------------
# The commands a user types
# ---------------------------------------------------------------------------------------------------------------


def test_cli_import_then_query_features_lists_importances(tmp_path: Path) -> None:
    import json

    from typer.testing import CliRunner

    from mlkg.cli import get_app

    out = tmp_path / "h2o.ttl"
    runner = CliRunner()
    res = runner.invoke(get_app(), ["import", "h2o", str(DETAILS), "-o", str(out)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(get_app(), ["query", "features", str(out), "-p", "model=h2o.iris_gbm", "-f", "json"])
    assert res.exit_code == 0, res.output
    rows = {r["feature_name"]: r for r in json.loads(res.stdout)}
    assert rows["petal_len"]["importance"] == 1.0 and rows["region"]["data_type"] == "categorical"
    assert rows["sepal_wid"]["importance"] == pytest.approx(0.1458095070748441)


def test_cli_strict_on_a_mojo_without_details_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from mlkg.cli import get_app

    bare, out = _mojo_without_details(tmp_path), tmp_path / "out.ttl"
    res = CliRunner().invoke(get_app(), ["import", "h2o", str(bare), "--strict", "-o", str(out)])
    assert res.exit_code == 2 and "Traceback" not in res.output and not out.exists()
    assert "strict mode" in res.output and "MOJO without experimental/modelDetails.json" in res.output


def test_imports_conform_to_the_core_shapes(tmp_path: Path) -> None:
    from mlkg.validate import validate

    for ents in (run(str(DETAILS))[0], run(str(_mojo_without_details(tmp_path)))[0]):
        result = validate(ents)
        assert result.conforms, result.text()


def test_glm_regression_importances_per_level_fold_into_their_feature() -> None:
    ents, report = run(str(DATA / "petal_glm.json"))
    assert not report.problems
    model = model_of(ents)
    assert model.algorithm == "Generalized Linear Modeling" and model.task == "Regression"
    assert model.target == "petal_len"
    imp = {i.name: (round(i.importance, 4), i.method) for i in model.feature_importance}
    assert imp == {"sepal_len": (1.0, "coefficients"), "sepal_wid": (0.2183, "coefficients"),
                   "region": (0.0551, "coefficients")}  # H2O reports the level region.south
    names = {e.name for e in model.metrics}
    assert {"r2", "mae", "rmsle", "residual_deviance"} <= names
    assert not {"null_degrees_of_freedom", "logloss"} & names
    hp = {h.name: h for h in model.ml_hyper_parameters}
    assert hp["family"].value == "gaussian" and hp["obj_reg"].value == 0.013888888888888888
