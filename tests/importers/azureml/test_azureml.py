"""Azure ML importer on CLI v2 YAML loaded by the SDK's own ``azure.ai.ml.load_*`` (``cli/``) and REST JSON of
model versions written by ``Model._to_rest_object()`` (``rest/``, see ``make_fixtures.py``).

The graph of both is compared with ``golden/cli_and_rest.ttl`` (``MLKG_UPDATE_SNAPSHOTS=1`` rewrites it) and
with hand-written expectations from the YAML files.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from typer.testing import CliRunner

from mlkg.cli import get_app
from mlkg.importers import SourceUnavailable
from mlkg.importers.azureml import AzureMLConfig, AzureMLImporter
from mlkg.importers.azureml import mapping as mp
from mlkg.model import entities as m
from mlkg.rdf.build import to_graph

pytest.importorskip("azure.ai.ml")

HERE = Path(__file__).resolve().parent
CLI_DIR, REST = HERE / "cli", HERE / "rest"


def run(**options: Any) -> tuple[list[m.Entity], Any]:
    imp = AzureMLImporter(AzureMLConfig(**options))
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
def both() -> tuple[list[m.Entity], Any]:
    return run(paths=(str(CLI_DIR), str(REST)))


def test_cli_and_rest_match_the_golden_graph(both: Any) -> None:
    ents, report = both
    assert not report.failures and not report.warnings, report.text()
    # model.yml and the REST JSON both give credit-risk:3; the REST (service) view is read
    assert [s.item for s in report.skipped] == ["model credit-risk:3 in model.yml"]
    assert_golden(to_graph(ents), HERE / "golden" / "cli_and_rest.ttl")


def test_model_versions_from_yaml_and_rest(both: Any) -> None:
    ents, _ = both
    model = by_type(ents, m.MLModel)["azureml.credit-risk"]
    assert model.service_type is m.PlatformType.AZURE_ML
    v2, v3 = model.versions
    assert (v2.name, v2.stage, v3.name, v3.stage) == ("2", m.Stage.ARCHIVED, "3", m.Stage.PRODUCTION)
    assert v3.algorithm == "lightgbm" and v2.algorithm is None  # v2 is a custom model without flavors
    assert v3.run.fqn == "azureml.credit-risk-train-0007" and v3.created_by.fqn == "erin@example.com"
    assert v3.source.startswith("azureml://subscriptions/") and v3.source.endswith("/credit-risk/3/model")
    assert {(e.name, e.value) for e in v3.metrics} == {("auc", 0.873)}  # a property named as a known measure
    assert {(o.type, o.fqn) for o in model.owners} == {("user", "erin"), ("team", "credit-ml")}
    assert v3.previous_version.fqn == "azureml.credit-risk.2"


def test_yaml_only(tmp_path: Path) -> None:
    ents, report = run(paths=(str(CLI_DIR),))
    assert not report.problems, report.text()
    (v3,) = by_type(ents, m.MLModel)["azureml.credit-risk"].versions
    assert v3.source == "./model"  # as the YAML wrote it, not this machine's absolute path
    assert v3.algorithm == "LightGBM"  # the algorithm tag wins over the MLmodel flavor
    assert [t.tag_fqn for t in v3.tags] == ["training_data.azureml:loans-train:2"]


def test_job_is_a_run_with_typed_params_and_datasets_by_role(both: Any) -> None:
    ents, _ = both
    run_ = by_type(ents, m.TrainingRun)["azureml.credit-risk-train-0007"]
    assert {(p.name, p.value) for p in run_.params} == {("learning_rate", 0.05), ("num_leaves", 63)}
    assert [d.fqn for d in run_.training_datasets] == ["azureml.loans-train.2"]  # the data asset
    assert [d.fqn for d in run_.evaluation_datasets] == [
        'azureml."azureml://datastores/workspaceblobstore/paths/loans/2026-q3/validation.parquet"']
    assert run_.experiment.fqn == "azureml.credit-risk" and run_.display_name == "credit-risk-train"
    assert {t.tag_fqn for t in run_.tags} == {"compute.cpu-cluster", "environment.lightgbm-env:4"}
    asset = by_type(ents, m.Dataset)["azureml.loans-train.2"]
    assert asset.revision == "2" and asset.source.endswith("/loans/2026-q3/train/")


def test_deployments_serve_the_versions_they_name(both: Any) -> None:
    ents, _ = both
    eps = by_type(ents, m.Endpoint)
    assert sorted(eps) == ["azureml.credit-risk-prod.blue", "azureml.credit-risk-prod.green"]
    blue, green = eps["azureml.credit-risk-prod.blue"], eps["azureml.credit-risk-prod.green"]
    assert (blue.model_version.fqn, blue.instance_type) == ("azureml.credit-risk.3", "Standard_DS3_v2")
    assert (green.model_version.fqn, green.instance_type) == ("azureml.credit-risk.2", "Standard_DS2_v2")
    assert blue.environment == "prod" and [o.fqn for o in blue.owners] == ["credit-ml"]
    assert (blue.traffic_percentage, green.traffic_percentage) == (90.0, 10.0)


def test_production_query_through_the_cli(tmp_path: Path) -> None:
    out = tmp_path / "az.ttl"
    cli = CliRunner()
    res = cli.invoke(get_app(), ["import", "azureml", str(CLI_DIR), str(REST), "-o", str(out)])
    assert res.exit_code == 0, res.output
    rows = json.loads(cli.invoke(get_app(), ["query", "production", str(out), "-f", "json"]).stdout)
    assert {(r["version_label"], r.get("stage"), r["endpoint_name"]) for r in rows} == {
        ("3", "Production", "azureml.credit-risk-prod.blue"), ("2", "Archived", "azureml.credit-risk-prod.green")}


# -- bad input -----------------------------------------------------------------------------------------------------


def test_malformed_yaml_is_one_line_exit_2_and_nothing_written(tmp_path: Path) -> None:
    shutil.copy(CLI_DIR / "endpoint.yml", tmp_path / "endpoint.yml")
    (tmp_path / "model.yml").write_text("name: credit-risk\nversion: 3\ntags: {owner: erin\n")
    out = tmp_path / "out.ttl"
    res = CliRunner().invoke(get_app(), ["import", "azureml", str(tmp_path), "-o", str(out)])
    assert res.exit_code == 2, res.output
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "model.yml:4:1: not YAML" in lines[0], lines
    assert "Traceback" not in res.output and not out.exists()


def test_malformed_json_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "versions.json").write_text('{"value": [}')
    res = CliRunner().invoke(get_app(), ["import", "azureml", str(tmp_path)])
    assert res.exit_code == 2 and "versions.json:1:12: not JSON" in res.output


def test_yaml_the_sdk_rejects_is_a_failed_item_and_strict_fails(tmp_path: Path) -> None:
    shutil.copy(CLI_DIR / "data.yml", tmp_path / "data.yml")
    (tmp_path / "model.yml").write_text((CLI_DIR / "model.yml").read_text().replace("type: mlflow_model",
                                                                                   "type: banana_model"))
    ents, report = run(paths=(str(tmp_path),))
    assert [f.item for f in report.failures] == ["model.yml (model)"]
    assert "Validation for ModelSchema failed" in report.failures[0].message
    assert "banana_model" in report.failures[0].message and "\n" not in report.failures[0].message
    assert by_type(ents, m.Dataset)  # the rest is imported
    res = CliRunner().invoke(get_app(), ["import", "azureml", str(tmp_path), "--strict", "-o",
                                         str(tmp_path / "out.ttl")])
    assert res.exit_code == 2 and "strict mode: model.yml (model)" in res.output
    assert not (tmp_path / "out.ttl").exists()


def test_a_file_that_is_not_azure_ml_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text("services: {web: {image: nginx}}\n")
    ents, report = run(paths=(str(tmp_path),))
    assert [s.item for s in report.skipped] == ["docker-compose.yml"]


def test_nothing_to_read_and_half_a_workspace() -> None:
    with pytest.raises(SourceUnavailable, match="nothing to read"):
        run()
    with pytest.raises(SourceUnavailable, match="needs --subscription and --resource-group"):
        run(workspace="credit-ws")


def test_a_missing_sdk_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "azure.ai.ml", None)
    with pytest.raises(SourceUnavailable, match=r"pip install 'mlkg\[azureml\]'"):
        run(paths=(str(CLI_DIR),))


@pytest.mark.parametrize("text,ref", [
    ("azureml:credit-risk:3", ("credit-risk", "3")), ("credit-risk:3", ("credit-risk", "3")),
    ("credit-risk@latest", ("credit-risk", None)),
    ("/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w/models/"
     "credit-risk/versions/3", ("credit-risk", "3")),
    ("azureml://datastores/blob/paths/x", None), ("./model", None),
])
def test_asset_references(text: str, ref: tuple[str, str | None] | None) -> None:
    assert mp.asset_ref(text) == ref
