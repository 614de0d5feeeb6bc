""""In production" means the same in the governance shapes and in the queries (issue 13, item 4): stage
Production, a production alias or a production endpoint, defined once in :mod:`mlkg.validate.production` and
generated into ``governance.ttl``, ``production.rq`` and ``governance_gaps.rq``.

The user's input is an MLflow 3 import (aliases, no stages): ``tests/importers/mlflow/expected.ttl`` is what
``mlkg import mlflow`` wrote from a store built with MLflow's own API (see that folder's README); the slow test
rebuilds the store and runs the commands a user types."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mlkg.cli import get_app
from mlkg.validate import production

ROOT = Path(__file__).resolve().parents[2]
MLFLOW3 = ROOT / "tests" / "importers" / "mlflow" / "expected.ttl"
MODEL = "https://w3id.org/mlkg/id/mlmodel/mlflow.churn-classifier"
CHAMPION = "https://w3id.org/mlkg/id/modelVersion/mlflow.churn-classifier.2"


def run(*args: str) -> Any:
    return CliRunner().invoke(get_app(), list(args))


def test_generated_regions_are_in_step_with_the_definition(monkeypatch: pytest.MonkeyPatch) -> None:
    assert production.sync(check=True) == []
    # the check can fail: another alias list changes every region
    text = (ROOT / "src" / "mlkg" / "queries" / "production.rq").read_text(encoding="utf-8")
    monkeypatch.setattr(production, "PRODUCTION_ALIASES", ("production", "prod", "champion", "live"))
    assert production.regions(text) != text and "|live)" in production.regions(text)


def governance_results(path: Path) -> list[dict[str, Any]]:
    res = run("validate", str(path), "--pack", "governance", "--format", "json")
    assert res.exit_code in (0, 1), res.output
    return json.loads(res.stdout)["results"]  # type: ignore[no-any-return]


def test_mlflow3_champion_alias_is_production_for_shapes_and_queries() -> None:
    """Before: ``query production`` listed version 2 (alias champion) with no owner and no card, while
    ``validate --pack governance`` said "Conforms: yes"."""
    rows = json.loads(run("query", "production", str(MLFLOW3), "-f", "json").stdout)
    assert [(r["version_label"], r["aliases"]) for r in rows] == [("2", "champion")]
    gaps = json.loads(run("query", "governance_gaps", str(MLFLOW3), "-f", "json").stdout)
    assert [(g["model_name"], g["missing_owner"], g["missing_model_card"]) for g in gaps] == [
        ("mlflow.churn-classifier", True, True)]

    res = run("validate", str(MLFLOW3), "--pack", "governance")
    assert res.exit_code == 1, res.output
    assert res.stdout.startswith("Conforms: no")
    results = governance_results(MLFLOW3)
    on_model = {(r["path"], r["severity"]) for r in results if r["focusNode"] == MODEL}
    assert {("owners", "Violation"), ("model_card", "Warning")} <= on_model, results
    # the same gaps as the query: no owner and no card on the model or its production version
    assert all(r["focusNode"] in (MODEL, CHAMPION) for r in results)


def test_stage_alias_and_endpoint_each_put_a_version_in_production(tmp_path: Path) -> None:
    """Each of the three ways, alone, makes a model "in production" for both the shapes and the query; a
    non-production alias or environment does not."""
    base = """@prefix mlkg: <https://w3id.org/mlkg#> .
<urn:m> a mlkg:MLModel ; mlkg:name "m" ; mlkg:fullyQualifiedName "s.m" ; mlkg:hasVersion <urn:v> .
<urn:v> a mlkg:ModelVersion ; mlkg:name "1" ; mlkg:fullyQualifiedName "s.m.1" {extra} .
{endpoint}
"""
    cases = [
        ("; mlkg:stage mlkg:ProductionStage", "", True),
        ('; mlkg:alias "Champion"', "", True),
        ('; mlkg:alias "prod"', "", True),
        ('; mlkg:alias "challenger"', "", False),
        ("", '<urn:e> a mlkg:Endpoint ; mlkg:name "e" ; mlkg:servesModelVersion <urn:v> ; '
             'mlkg:environment "Production" .', True),
        ("", '<urn:e> a mlkg:Endpoint ; mlkg:name "e" ; mlkg:deploymentOf <urn:m> ; mlkg:environment "prod" .',
         True),
        ("", '<urn:e> a mlkg:Endpoint ; mlkg:name "e" ; mlkg:servesModelVersion <urn:v> ; '
             'mlkg:environment "staging" .', False),
    ]
    for i, (extra, endpoint, in_prod) in enumerate(cases):
        f = tmp_path / f"case{i}.ttl"
        f.write_text(base.format(extra=extra, endpoint=endpoint), encoding="utf-8")
        gaps = json.loads(run("query", "governance_gaps", str(f), "-f", "json").stdout)
        owners = [r for r in governance_results(f) if r["path"] == "owners" and r["focusNode"] == "urn:m"]
        assert bool(gaps) is in_prod, (extra, endpoint, gaps)
        assert bool(owners) is in_prod, (extra, endpoint, owners)


@pytest.mark.slow
def test_governance_pack_on_a_real_mlflow3_import(tmp_path: Path) -> None:
    """The user's path: an MLflow 3 store written with MLflow's API, ``mlkg import mlflow``, then
    ``mlkg validate --pack governance`` on the output."""
    pytest.importorskip("mlflow")
    pytest.importorskip("sklearn")
    spec = importlib.util.spec_from_file_location("mlflow_store_fixture",
                                                  ROOT / "tests" / "importers" / "mlflow" / "mlflow_store.py")
    assert spec and spec.loader
    builder = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(builder)
    info = builder.build(tmp_path / "mlflow")
    out = tmp_path / "mlflow.ttl"
    res = run("import", "mlflow", "--tracking-uri", info["uri"], "-o", str(out))
    assert res.exit_code == 0, res.output
    res = run("validate", str(out), "--pack", "governance")
    assert res.exit_code == 1 and res.stdout.startswith("Conforms: no"), res.output
    paths = {(r["path"], r["severity"]) for r in governance_results(out) if r["focusNode"] == MODEL}
    assert {("owners", "Violation"), ("model_card", "Warning")} <= paths
