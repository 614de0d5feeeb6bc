"""``mlkg validate``: exit 0 conforms, 1 violations, 2 unreadable input or usage; file:line:col for bad syntax."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib.namespace import RDF
from typer.testing import CliRunner

from mlkg.cli import get_app
from mlkg.namespaces import SH

HERE = Path(__file__).resolve().parents[1]
FIX = HERE / "fixtures" / "validation"
DATA = HERE / "data"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(get_app(), ["validate", *args])
    return result.exit_code, result.stdout, result.stderr


def test_help_has_an_example() -> None:
    code, out, _ = run("--help")
    assert code == 0 and "Example:" in out and "--pack" in out and "--format" in out


@pytest.fixture(scope="module")
def good_ttl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mlkg import synth
    from mlkg.rdf.build import to_graph

    path = tmp_path_factory.mktemp("v") / "estate.ttl"
    path.write_text(to_graph(synth.generate(5, seed=1)).serialize(format="turtle"), encoding="utf-8")
    return path


def test_conforming_rdf_exits_0(good_ttl: Path) -> None:
    code, out, err = run(str(good_ttl))
    assert code == 0, err
    assert out.startswith("Conforms: yes")


def test_violations_exit_1_with_the_field_named() -> None:
    code, out, _ = run(str(FIX / "invalid_feature.ttl"))
    assert code == 1
    assert "Conforms: no (1 violation)" in out
    assert "svc.churn.age" not in out or "age (mlkg:Feature)" in out
    assert "data_type:" in out and "IntegerSource" in out


def test_json_report() -> None:
    code, out, _ = run(str(FIX / "invalid_feature.ttl"), "--format", "json")
    assert code == 1
    doc = json.loads(out)
    assert doc["conforms"] is False
    [r] = doc["results"]
    assert r["path"] == "data_type" and r["focusNode"].endswith("mlFeature/svc.churn.age")
    assert r["shape"] == "mlkgsh:FeatureShape-data_type"


def test_openmetadata_json_input() -> None:
    code, out, err = run(str(FIX / "om_mlmodel_ok.json"))
    assert code == 0, err + out
    code, out, err = run(str(DATA / "om_sample_models.json"), "--pack", "core", "--pack", "governance")
    assert code == 0, err + out  # no model is in production: nothing to say


def test_json_with_a_wrong_enum_exits_2_with_the_path() -> None:
    path = FIX / "om_mlmodel_bad_enum.json"
    code, out, err = run(str(path))
    assert code == 2 and out == ""
    assert f"{path}: $.mlFeatures[1].dataType: 'integer' is not a valid featureType" in err
    assert "Traceback" not in err


def test_malformed_jsonld_gives_file_line_column() -> None:
    path = FIX / "malformed.jsonld"
    code, _, err = run(str(path))
    assert code == 2
    assert f"{path}:5:24:" in err and "Traceback" not in err


def test_malformed_turtle_gives_file_line_column() -> None:
    path = FIX / "malformed.ttl"
    code, _, err = run(str(path))
    assert code == 2
    assert f"{path}:5:5:" in err


def test_malformed_turtle_gives_file_and_line_and_exit_2() -> None:
    path = FIX / "malformed.ttl"
    code, out, err = run(str(path))
    assert code == 2 and out == ""
    assert err.startswith(f"mlkg: {path}:5") and "Traceback" not in err


def test_governance_pack_and_fail_on(tmp_path: Path) -> None:
    from mlkg import model as m
    from mlkg.rdf.build import to_graph

    prod = m.MLModel(name="m", owners=["team"], versions=[m.ModelVersion(
        name="1", stage="Production", metrics=[m.Evaluation(name="auc", value=0.9, split="test")])])
    path = tmp_path / "prod.ttl"
    path.write_text(to_graph(prod).serialize(format="turtle"), encoding="utf-8")
    code, out, _ = run(str(path), "--pack", "governance")
    assert code == 0 and "Warning   license:" in out  # warnings do not fail by default
    code, out, _ = run(str(path), "--pack", "governance", "--fail-on", "Warning")
    assert code == 1


def test_json_gives_w3c_conforms_and_pass_fail_under_fail_on(tmp_path: Path) -> None:
    """Issue 15: with warnings only, SHACL's sh:conforms is false while mlkg's pass/fail under --fail-on
    Violation is a pass; the JSON gives both, and each equals the W3C report / the exit code."""
    pack = str(FIX / "require_description.ttl")
    code, out, _ = run(str(FIX / "om_mlmodel_ok.json"), "--pack", pack, "--format", "json")
    doc = json.loads(out)
    assert code == 0
    assert (doc["conforms"], doc["passed"], doc["failOn"]) == (False, True, "Violation")
    assert doc["counts"] == {"Violation": 0, "Warning": 1, "Info": 0}
    code, out, _ = run(str(FIX / "om_mlmodel_ok.json"), "--pack", pack, "--format", "json", "--fail-on", "Warning")
    doc = json.loads(out)
    assert code == 1 and (doc["conforms"], doc["passed"], doc["failOn"]) == (False, False, "Warning")

    from mlkg.commands.validate import load_inputs
    from mlkg.validate import validate

    report = validate(load_inputs([str(FIX / "om_mlmodel_ok.json")]), pack, engine="pyshacl")
    w3c = report.graph.value(None, RDF.type, SH.ValidationReport)
    assert report.graph.value(w3c, SH.conforms).toPython() is False and report.w3c_conforms is False
    code, out, _ = run(str(FIX / "om_mlmodel_ok.json"), "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["conforms"] is True and doc["passed"] is True and doc["results"] == []


@pytest.mark.parametrize("engine", ["pyshacl", "pyshacl-focus", "oxigraph", "auto"])
def test_engine_option_gives_the_same_report(engine: str) -> None:
    code, out, _ = run(str(FIX / "invalid_feature.ttl"), "--format", "json", "--engine", engine)
    assert code == 1
    [r] = json.loads(out)["results"]
    assert r["path"] == "data_type"


def test_custom_pack_path() -> None:
    pack = str(FIX / "require_description.ttl")
    code, out, _ = run(str(FIX / "om_mlmodel_ok.json"), "--pack", pack, "--fail-on", "Warning", "--format", "json")
    assert code == 1
    [r] = json.loads(out)["results"]
    assert (r["path"], r["severity"], r["message"]) == ("description", "Warning", "a model needs a description")
    code, _, _ = run(str(FIX / "om_mlmodel_ok.json"), "--pack", pack)  # a warning alone does not fail
    assert code == 0


@pytest.mark.parametrize("args,needle", [
    (["--pack", "nope"], "nope: no such rule pack"),
    (["--format", "xml"], "--format must be one of text, json"),
    (["--fail-on", "Error"], "--fail-on must be one of"),
    (["--engine", "jena"], "--engine must be auto or one of pyshacl, pyshacl-focus, oxigraph"),
])
def test_usage_errors_exit_2(good_ttl: Path, args: list[str], needle: str) -> None:
    code, _, err = run(str(good_ttl), *args)
    assert code == 2 and needle in err


def test_missing_file_and_unknown_suffix_exit_2(tmp_path: Path) -> None:
    code, _, err = run(str(tmp_path / "nope.ttl"))
    assert code == 2 and "nope.ttl" in err
    odd = tmp_path / "model.yaml"
    odd.write_text("name: m\n")
    code, _, err = run(str(odd))
    assert code == 2 and "model.yaml" in err


def test_end_to_end_process_exit_codes() -> None:
    proc = subprocess.run([sys.executable, "-m", "mlkg", "validate", str(FIX / "malformed.jsonld")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "mlkg", "validate", str(FIX / "invalid_feature.ttl")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "data_type" in proc.stdout


def test_turtle_on_stdin() -> None:
    text = (FIX / "invalid_feature.ttl").read_text(encoding="utf-8")
    result = CliRunner().invoke(get_app(), ["validate", "-", "--format", "json"], input=text)
    assert result.exit_code == 1
    assert [r["path"] for r in json.loads(result.stdout)["results"]] == ["data_type"]
