"""``stage_at`` / ``alias_at``: which version of a model was in stage S / held alias A at time t.

On one graph the answer is the platform's recorded periods (``StageAssignment`` / ``AliasAssignment``); on a store
that keeps history, the graph as of t and the next import, and for what the platform keeps no time for (MLflow's
aliases) the times of the imports from the change log. Expected rows are written by hand.

The real inputs: the SageMaker golden estate (the importer's output for the boto3-written moto estate) through the
CLI; the real MLflow store imported three times is in ``test_diff_mlflow.py`` (slow).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

import mlkg.model as m
from mlkg.cli import get_app
from mlkg.history.log import replace_with_history
from mlkg.history.timeline import FROM_IMPORTS, alias_at, stage_at
from mlkg.query import periods as per
from mlkg.rdf.build import to_graph
from mlkg.store import open_store

GOLDEN = Path(__file__).resolve().parents[1] / "importers" / "sagemaker" / "golden" / "estate.ttl"
G = "https://example.org/graph/import/mlflow/reg"
T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
DAY = timedelta(days=1)


def _cli(*args: str) -> tuple[int, str, str]:
    r = CliRunner().invoke(get_app(), list(args))
    return r.exit_code, r.stdout, r.stderr


def test_sagemaker_golden_estate_stage_at_from_the_cli() -> None:
    """The approved, served package is Production with no recorded time (moto keeps no ModelLifeCycle)."""
    code, out, err = _cli("query", "stage_at", str(GOLDEN), "-p", "model=sagemaker.fraud-detector",
                          "-p", "stage=Production", "-p", "at=2026-12-01", "--format", "json")
    assert code == 0, err
    assert json.loads(out) == [{
        "model": "https://w3id.org/mlkg/id/mlmodel/sagemaker.fraud-detector", "model_name": "sagemaker.fraud-detector",
        "version": "https://w3id.org/mlkg/id/modelVersion/sagemaker.fraud-detector.2",
        "version_name": "sagemaker.fraud-detector.2", "stage": "Production", "held_from": None, "held_until": None,
        "times_from": None}]
    code, out, _ = _cli("query", "stage_at", str(GOLDEN), "-p", "model=sagemaker.fraud-detector",
                        "-p", "stage=staging", "-p", "at=2026-12-01", "--format", "json")
    assert code == 0 and json.loads(out) == []


@pytest.mark.parametrize("params, message", [
    (["-p", "stage=Live"], "'Live' is not a stage"),
    (["-p", "stage=Production", "-p", "at=yesterday"], "'yesterday' is not an ISO date"),
])
def test_bad_parameters_are_one_line_and_exit_2(params: list[str], message: str) -> None:
    base = ["-p", "at=2026-12-01"] if not any(p.startswith("at=") for p in params) else []
    code, out, err = _cli("query", "stage_at", str(GOLDEN), "-p", "model=sagemaker.fraud-detector", *base, *params)
    assert code == 2 and message in err and "Traceback" not in err + out, err


def test_missing_at_names_the_parameter() -> None:
    code, _, err = _cli("query", "alias_at", str(GOLDEN), "-p", "model=sagemaker.fraud-detector", "-p",
                        "alias=champion")
    assert code == 2 and "needs the parameter 'at'" in err


def _registry(champion: str, stages: dict[str, tuple[str, datetime]]) -> list[m.Entity]:
    """An MLflow-like registry: ``champion`` on one version (no time, as MLflow keeps aliases); each version's
    stage a period from its last update (as the MLflow importer writes it)."""
    versions = [m.ModelVersion(name=n, aliases=["champion"] if n == champion else [], stage=s,
                               stage_history=[m.StageAssignment(stage=s, started_at=t, times_from="test clock")])
                for n, (s, t) in stages.items()]
    return [m.MLModelService(name="reg", service_type="Mlflow"), m.MLModel(name="fraud", service="reg",
                                                                           versions=versions)]


@pytest.fixture
def two_imports(tmp_path: Path):
    """Import 1 (T0): champion on v1, v1 Production since T0 - 1 day. Then on T0 + 1 day v2 is promoted and v1
    archived; import 2 (T0 + 2 days) sees that, and champion moved to v2."""
    with open_store(f"oxigraph:{tmp_path / 'kg'}") as st:
        replace_with_history(st, G, to_graph(_registry("1", {"1": ("Production", T0 - DAY)})), time=T0)
        replace_with_history(st, G, to_graph(_registry("2", {"1": ("Archived", T0 + DAY),
                                                             "2": ("Production", T0 + DAY)})), time=T0 + 2 * DAY)
        yield st


def _rows(rows: list) -> list[tuple]:
    return [(r.version_name, r.held_from, r.held_until, r.times_from) for r in rows]


def test_alias_at_takes_its_times_from_the_imports(two_imports) -> None:
    st = two_imports
    assert _rows(alias_at(st, "reg.fraud", "champion", T0 + DAY)) == [
        ("reg.fraud.1", T0, T0 + 2 * DAY, FROM_IMPORTS)]
    assert _rows(alias_at(st, "reg.fraud", "champion", T0 + 3 * DAY)) == [
        ("reg.fraud.2", T0 + 2 * DAY, None, FROM_IMPORTS)]
    assert alias_at(st, "reg.fraud", "champion", T0 - DAY) == []  # before the first import
    assert alias_at(st, "reg.fraud", "challenger", T0 + DAY) == []
    # the graph alone (no history) knows only the current holder, with no time
    assert _rows(per.alias_at(st, "reg.fraud", "champion", T0 - DAY)) == [("reg.fraud.2", None, None, None)]


def test_stage_at_closes_a_period_the_next_import_replaced(two_imports) -> None:
    st = two_imports
    # import 1 alone would say v1 was still Production on T0 + 1.5 days; import 2 says v2 was by then
    assert _rows(stage_at(st, "reg.fraud", "Production", T0 + DAY * 1.5)) == [
        ("reg.fraud.2", T0 + DAY, None, "test clock")]
    assert _rows(stage_at(st, "reg.fraud", "production", T0 + DAY / 2)) == [
        ("reg.fraud.1", T0 - DAY, T0 + DAY, "test clock")]
    assert _rows(stage_at(st, "reg.fraud", "Archived", T0 + 3 * DAY)) == [
        ("reg.fraud.1", T0 + DAY, None, "test clock")]


def test_cli_on_the_store_uses_the_history(two_imports, tmp_path: Path) -> None:
    two_imports.close()
    code, out, err = _cli("query", "alias_at", "--store", f"oxigraph:{tmp_path / 'kg'}", "-p", "model=reg.fraud",
                          "-p", "alias=champion", "-p", f"at={(T0 + DAY).isoformat()}", "--format", "json")
    assert code == 0, err
    (row,) = json.loads(out)
    assert (row["version_name"], row["held_from"], row["held_until"]) == (
        "reg.fraud.1", T0.isoformat(), (T0 + 2 * DAY).isoformat())
