"""scikit-learn importer: estimator class, typed hyperparameters (pipeline steps prefixed), features."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlkg.cli import get_app
from mlkg.errors import InputError
from mlkg.importers import run_import
from mlkg.importers.sklearn import SklearnConfig
from mlkg.model import entities as m

pd = pytest.importorskip("pandas")
pytest.importorskip("sklearn")


def _frame():
    return pd.DataFrame({"age": [21.0, 35.0, 47.0, 52.0, 33.0, 60.0], "city": ["a", "b", "a", "c", "b", "a"],
                         "income": [1.0, 2.5, 3.1, 4.2, 2.2, 5.0]}), [0, 1, 0, 1, 1, 0]


def _pipeline():
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    X, y = _frame()
    prep = ColumnTransformer([("num", StandardScaler(), ["age", "income"]),
                              ("cat", OneHotEncoder(handle_unknown="ignore"), ["city"])])
    return Pipeline([("prep", prep), ("clf", LogisticRegression(C=0.5, max_iter=300))]).fit(X, y)


def _model(ents: list) -> m.MLModel:
    (model,) = [e for e in ents if isinstance(e, m.MLModel)]
    return model


def test_plain_estimator_algorithm_params_and_features() -> None:
    from sklearn.ensemble import RandomForestClassifier

    X, y = _frame()
    clf = RandomForestClassifier(n_estimators=7, max_depth=None, random_state=3).fit(X[["age", "income"]], y)
    ents, report = run_import("sklearn", SklearnConfig(estimator=clf, name="rf", version="1"))
    model = _model(ents)
    assert model.algorithm == "RandomForestClassifier" and model.fqn == "sklearn.rf"
    hp = {h.name: (h.value, h.value_text) for h in model.ml_hyper_parameters}
    assert hp["n_estimators"] == (7, "7") and hp["random_state"] == (3, "3")
    assert hp["max_depth"] == ("None", "None") and hp["bootstrap"] == (True, "true")
    assert [(f.name, f.position) for f in model.ml_features] == [("age", 0), ("income", 1)]
    (v,) = model.versions
    assert v.algorithm == "RandomForestClassifier" and len(v.features) == 2
    assert not report.problems


def test_pipeline_steps_are_prefixed_and_column_types_come_from_the_transformers() -> None:
    ents, _ = run_import("sklearn", SklearnConfig(estimator=_pipeline(), name="churn"))
    model = _model(ents)
    assert model.algorithm == "LogisticRegression"
    hp = {h.name: h.value for h in model.ml_hyper_parameters}
    assert hp["clf"] == "LogisticRegression" and hp["clf__C"] == 0.5 and hp["clf__max_iter"] == 300
    assert hp["prep__cat"] == "OneHotEncoder" and hp["prep__cat__handle_unknown"] == "ignore"
    assert hp["prep__num__with_mean"] is True
    assert "steps" not in hp and "prep__transformers" not in hp
    types = {f.name: f.data_type.value for f in model.ml_features}
    assert types == {"age": "numerical", "city": "categorical", "income": "numerical"}


def test_unfitted_estimator_and_array_input_are_reported() -> None:
    import numpy as np
    from sklearn.linear_model import LinearRegression

    ents, report = run_import("sklearn", SklearnConfig(estimator=LinearRegression().fit(np.ones((3, 2)), [1, 2, 3])))
    assert _model(ents).ml_features == []
    assert any("feature_names_in_" in w.message for w in report.warnings)
    _, report = run_import("sklearn", SklearnConfig(estimator=LinearRegression()))
    assert any("not be fitted" in w.message for w in report.warnings)


def test_cli_reads_a_joblib_file(tmp_path: Path) -> None:
    import joblib

    path = tmp_path / "churn.joblib"
    joblib.dump(_pipeline(), path)
    out = tmp_path / "churn.ttl"
    res = CliRunner().invoke(get_app(), ["import", "sklearn", str(path), "-o", str(out), "--target", "churned"])
    assert res.exit_code == 0, res.output
    text = out.read_text()
    assert "LogisticRegression" in text and "sklearn.churn" in text and '"churned"' in text


def test_not_an_estimator_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "x.pkl"
    path.write_bytes(b"not a pickle")
    with pytest.raises(InputError, match="cannot load"):
        run_import("sklearn", SklearnConfig(path=str(path)))
    res = CliRunner().invoke(get_app(), ["import", "sklearn", str(path), "-o", str(tmp_path / "o.ttl")])
    assert res.exit_code == 2 and "Traceback" not in res.output and not (tmp_path / "o.ttl").exists()
    with pytest.raises(InputError, match="not a scikit-learn estimator"):
        run_import("sklearn", SklearnConfig(estimator={"a": 1}))


def test_cli_writes_openmetadata_create_requests(tmp_path: Path) -> None:
    """``--om-requests`` writes the request bodies OpenMetadata takes (JSON Lines, services first), the same as
    ``convert --to openmetadata --shape create`` of the imported graph, each valid against OpenMetadata 1.13's own
    schemas."""
    import json
    import sys

    import joblib

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "export"))
    import om_schemas as oms

    path = tmp_path / "churn.joblib"
    joblib.dump(_pipeline(), path)
    req_file = tmp_path / "requests.jsonl"
    res = CliRunner().invoke(get_app(), ["import", "sklearn", str(path), "-o", str(tmp_path / "g.ttl"),
                                         "--om-requests", str(req_file), "--version-label", "1"])
    assert res.exit_code == 0, res.output
    service, req = [json.loads(line) for line in req_file.read_text().splitlines()]
    assert service == {"name": "sklearn", "serviceType": "Sklearn"}
    assert oms.errors(service, oms.CREATE_SERVICE) == [] and oms.errors(req, oms.CREATE_MLMODEL) == []
    assert req["service"] == "sklearn" and req["algorithm"] == "LogisticRegression"
    assert {"name": "clf__C", "value": "0.5"} in req["mlHyperParameters"]
    assert sorted(f["name"] for f in req["mlFeatures"]) == ["age", "city", "income"]
    assert "versions" in res.output  # the report says what OpenMetadata has no field for
    conv = CliRunner().invoke(get_app(), ["convert", str(tmp_path / "g.ttl"), "--to", "openmetadata", "--shape",
                                          "create", "-o", str(tmp_path / "conv.jsonl")])
    assert conv.exit_code == 0, conv.output
    assert (tmp_path / "conv.jsonl").read_text() == req_file.read_text()


def test_golden_graph(golden) -> None:
    from mlkg.importers import get

    importer = get("sklearn")(estimator=_pipeline(), name="churn", version="1", target="churned")
    golden(importer, importer.run(), Path(__file__).parent / "expected.ttl")
