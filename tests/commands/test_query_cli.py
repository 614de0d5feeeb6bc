"""The commands: mlkg lineage, impact, query and diagram."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from query.graphs import fraud_graph
from query.test_lineage import FRAUD_IMPACT, FRAUD_PATHS
from typer.testing import CliRunner

from mlkg.cli import get_app

runner = CliRunner()


@pytest.fixture(scope="module")
def fraud_file(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("cli") / "fraud.ttl"
    g = fraud_graph()
    # files on disk carry no super-property triples: the commands add them when loading
    from rdflib.namespace import PROV

    for p in (PROV.wasDerivedFrom, PROV.used, PROV.wasGeneratedBy):
        g.remove((None, p, None))
    path.write_text(g.serialize(format="turtle"), encoding="utf-8")
    return str(path)


def run(*args: str):
    return runner.invoke(get_app(), list(args))


def test_impact_json(fraud_file: str) -> None:
    r = run("impact", "sf.prod.transactions", fraud_file, "--format", "json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.stdout)
    assert all(list(row) == ["kind", "name", "depth", "via", "path", "entity"] for row in rows)
    assert {row["name"]: (row["kind"], row["depth"]) for row in rows} == FRAUD_IMPACT
    paths = {row["name"]: row["path"] for row in rows}
    for name, path in FRAUD_PATHS.items():
        assert paths[name] == path


def test_impact_table_is_grouped_by_kind(fraud_file: str) -> None:
    r = run("impact", "sf.prod.transactions", fraud_file)
    assert r.exit_code == 0, r.output
    out = r.stdout
    for title in ("Table (2)", "Column (5)", "Pipeline (1)", "Feature (1)", "ModelVersion (2)", "MLModel (1)",
                  "Endpoint (1)", "Dashboard (1)", "AlertingSystem (1)"):
        assert title in out
    assert out.index("Table (2)") < out.index("MLModel (1)") < out.index("AlertingSystem (1)")


def test_lineage_upstream_csv_with_depth(fraud_file: str) -> None:
    r = run("lineage", "upstream", "sf.prod.fraud_scores", fraud_file, "--depth", "2", "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert sorted((row["name"], row["depth"]) for row in rows) == [
        ("mlflow_prod.fraud_detection", "2"), ("mlflow_prod.fraud_detection.2", "2"),
        ("sagemaker_prod.fraud-endpoint", "1")]


def test_lineage_downstream_by_iri(fraud_file: str) -> None:
    r = run("lineage", "downstream", "https://w3id.org/mlkg/id/table/sf.prod.fraud_scores", fraud_file,
            "-f", "json")
    assert r.exit_code == 0, r.output
    assert sorted(row["name"] for row in json.loads(r.stdout)) == ["fraud_alerts", "fraud_dash",
                                                                   "sf.prod.fraud_scores.score"]


def test_query_list_and_run(fraud_file: str) -> None:
    r = run("query", "--list", "--format", "json")
    assert r.exit_code == 0, r.output
    names = {row["name"] for row in json.loads(r.stdout)}
    assert {"impact", "raw_sources", "pii_models", "metric_history", "production", "provenance", "features",
            "fairness_gaps", "governance_gaps", "derived_models", "upstream", "downstream", "path",
            "models_by_service"} <= names
    r = run("query", "production", fraud_file, "--format", "json")
    assert r.exit_code == 0, r.output
    (row,) = json.loads(r.stdout)
    assert (row["model_name"], row["version_label"], row["stage"], row["endpoint_name"], row["environment"]) == (
        "mlflow_prod.fraud_detection", "2", "Production", "sagemaker_prod.fraud-endpoint", "production")
    r = run("query", "path", fraud_file, "-p", "start=sf.prod.customers", "-p", "end=fraud_alerts", "-f", "csv")
    assert r.exit_code == 0, r.output
    steps = list(csv.DictReader(io.StringIO(r.stdout)))
    assert steps[0]["name"] == "sf.prod.customers" and steps[-1]["name"] == "fraud_alerts"
    assert [s["step"] for s in steps] == [str(i) for i in range(len(steps))]


def test_query_empty_answer_prints_columns(fraud_file: str) -> None:
    r = run("query", "fairness_gaps", fraud_file, "-p", "threshold=0.1", "-f", "csv")
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines() == ["model,model_name,subject,metric,attribute,gap,min_value,max_value,groups"]


@pytest.mark.parametrize("args, message", [
    (["impact", "sf.prod.nope", "FILE"], "FILE: no entity has the fully qualified name 'sf.prod.nope'"),
    (["query", "fairness_gaps", "FILE", "-p", "threshold=high"], "--param: parameter 'threshold'"),
    (["query", "features", "FILE", "-p", "mdl=x"], "query 'features' has no parameter 'mdl'"),
    (["query", "impact", "FILE"], "needs the parameter 'entity'"),
    (["query", "nope", "FILE"], "no query named 'nope'"),
    (["impact", "sf.prod.transactions", "FILE", "--format", "xml"], "--format must be one of table, json, csv"),
    (["diagram", "sf.prod.transactions", "FILE", "--direction", "left"], "--direction must be one of"),
    (["lineage", "upstream", "sf.prod.transactions", "missing.ttl"], "missing.ttl"),
])
def test_errors_are_one_line_and_exit_2(fraud_file: str, args: list[str], message: str) -> None:
    r = run(*[fraud_file if a == "FILE" else a for a in args])
    assert r.exit_code == 2
    err = r.stderr.replace(fraud_file, "FILE")
    assert message in err
    assert "Traceback" not in r.output and len(err.strip().splitlines()) == 1


def test_diagram_mermaid_and_dot(fraud_file: str) -> None:
    r = run("diagram", "sf.prod.fraud_scores", fraud_file, "--direction", "down")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[3] == "graph RL"
    assert '    n0["sf.prod.fraud_scores<br/>Table"]' in lines
    assert sum(1 for line in lines if "-->|" in line) == 3  # the title has an arrow too
    r = run("diagram", "sf.prod.fraud_scores", fraud_file, "--direction", "up", "--depth", "1", "--format", "dot",
            "--layout", "TD")
    assert r.exit_code == 0, r.output
    assert "rankdir=BT;" in r.stdout and '[label="predictionsFrom"]' in r.stdout


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_diagram_svg_to_file(fraud_file: str, tmp_path: Path) -> None:
    out = tmp_path / "lineage.svg"
    r = run("diagram", "sf.prod.transactions", fraud_file, "--format", "svg", "-o", str(out))
    assert r.exit_code == 0, r.output
    text = out.read_text(encoding="utf-8")
    assert "<svg" in text and "fraud_alerts" in text


def test_empty_table_says_no_rows(tmp_path: Path) -> None:
    """An H2O import (the checked-in real details JSON: H2O has no stages) has nothing in production: the
    table is empty, and stderr says that this is the answer rather than leaving a bare header."""
    src = Path(__file__).parents[1] / "importers" / "h2o" / "data" / "iris_gbm.json"
    out = tmp_path / "h2o.ttl"
    r = run("import", "h2o", str(src), "-q", "-o", str(out))
    assert r.exit_code == 0, r.output
    r = run("query", "production", str(out))
    assert r.exit_code == 0, r.output
    assert "model" in r.stdout and "h2o.iris_gbm" not in r.stdout
    assert r.stderr.strip() == "no rows"
    r = run("query", "production", str(out), "--format", "json")
    assert (r.exit_code, json.loads(r.stdout), r.stderr) == (0, [], "")
