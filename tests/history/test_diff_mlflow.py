"""``mlkg diff`` on three imports of one real MLflow store (SQLite), with MLflow's own API making the changes.

Between the imports: a new version is registered and the ``champion`` alias moves to it; then a metric is logged on
the new version's run. The diff must report exactly those changes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

pytest.importorskip("mlflow")
pytestmark = pytest.mark.slow  # three MLflow imports as subprocesses (~60 s)

MODEL = "fraud-detector"
TIMES: list[str] = []


def _mlkg(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("mlkg")
    return subprocess.run([str(exe), *args], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false"})


@pytest.fixture(scope="module")
def imports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    from mlflow.tracking import MlflowClient

    work = tmp_path_factory.mktemp("mlflow_history")
    uri = f"sqlite:///{work / 'mlflow.db'}"
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    exp = client.create_experiment("fraud", artifact_location=(work / "artifacts").as_uri())
    client.create_registered_model(MODEL, description="Scores card transactions")

    def version(label: str) -> tuple[str, str]:
        run = client.create_run(exp, run_name=f"train-{label}")
        client.log_param(run.info.run_id, "max_depth", "6")
        client.set_terminated(run.info.run_id)
        mv = client.create_model_version(MODEL, source=f"s3://acme-models/fraud/{label}", run_id=run.info.run_id)
        return mv.version, run.info.run_id

    outputs = []

    def snapshot(i: int) -> None:
        out = work / f"import{i}.ttl"
        r = _mlkg("import", "mlflow", "--tracking-uri", uri, "-o", str(out), cwd=work)
        assert r.returncode == 0, r.stderr
        outputs.append(out)
        r = _mlkg("import", "mlflow", "--tracking-uri", uri, "--store", f"oxigraph:{work / 'kg'}", cwd=work)
        assert r.returncode == 0, r.stderr
        time.sleep(0.05)
        TIMES.append(datetime.now(UTC).isoformat())  # after import i, before import i+1
        time.sleep(0.05)

    v1, _ = version("v1")
    client.set_registered_model_alias(MODEL, "champion", v1)
    snapshot(1)
    v2, run2 = version("v2")
    client.set_registered_model_alias(MODEL, "champion", v2)
    snapshot(2)
    client.log_metric(run2, "auc", 0.93)
    snapshot(3)
    return work, outputs


def _changes(work: Path, a: Path, b: Path) -> list[dict]:
    r = _mlkg("diff", str(a), str(b), "--format", "json", cwd=work)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_new_version_and_moved_alias(imports) -> None:
    work, (g1, g2, _) = imports
    changes = _changes(work, g1, g2)
    new_versions = [c for c in changes if c["status"] == "added" and c["type"] == "ModelVersion"]
    assert [c["name"] for c in new_versions] == [f"mlflow.{MODEL}.2"]
    v1 = next(c for c in changes if c["name"] == f"mlflow.{MODEL}.1")
    assert {(f["field"], f["change"], tuple(f["before"]), tuple(f["after"])) for f in v1["fields"]} == {
        ("aliases", "removed", ("champion",), ())}
    text = _mlkg("diff", str(g1), str(g2), cwd=work).stdout
    assert f"new ModelVersion mlflow.{MODEL}.2" in text
    assert f"ModelVersion mlflow.{MODEL}.1: aliases no longer champion" in text


def test_metric_added(imports) -> None:
    work, (_, g2, g3) = imports
    changes = _changes(work, g2, g3)
    added = [c for c in changes if c["status"] == "added"]
    assert added and all("auc" in c["name"].lower() for c in added), changes
    assert any(c["type"] == "Evaluation" for c in added)
    # nothing about the versions' registry state changed
    assert not [c for c in changes if c["type"] == "ModelVersion" and any(
        f["field"] in ("aliases", "stage") for f in c["fields"])]


def test_change_set_graph_is_queryable(imports) -> None:
    work, (g1, g2, _) = imports
    r = _mlkg("diff", str(g1), str(g2), "--format", "turtle", cwd=work)
    assert r.returncode == 0, r.stderr
    from rdflib import Graph

    g = Graph().parse(data=r.stdout, format="turtle")
    rows = list(g.query("""
        PREFIX cs: <http://purl.org/vocab/changeset/schema#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?p ?o WHERE { ?cs a cs:ChangeSet ; cs:removal [ rdf:predicate ?p ; rdf:object ?o ] }"""))
    removed = {(str(p).split("#")[1], str(o)) for p, o in rows}
    assert ("alias", "champion") in removed


def test_same_file_no_changes(imports) -> None:
    work, (g1, *_) = imports
    assert _mlkg("diff", str(g1), str(g1), cwd=work).stdout == "no changes\n"


def test_history_lists_three_imports(imports) -> None:
    work, _ = imports
    r = _mlkg("history", "--store", f"oxigraph:{work / 'kg'}", "--format", "json", cwd=work)
    assert r.returncode == 0, r.stderr
    recs = json.loads(r.stdout)
    assert [x["sequence"] for x in recs] == [1, 2, 3]
    assert len({x["graph"] for x in recs}) == 1
    assert recs[1]["added"] > 0 and recs[1]["removed"] > 0  # version 2 added, alias moved off version 1


def test_store_diff_between_imports_matches_file_diff(imports) -> None:
    work, (g1, g2, _) = imports
    r = _mlkg("diff", "--store", f"oxigraph:{work / 'kg'}", "--from", TIMES[0], "--to", TIMES[1], "--format",
              "json", cwd=work)
    assert r.returncode == 0, r.stderr
    from_store = {(c["name"], c["status"]) for c in json.loads(r.stdout) if c["type"] in ("ModelVersion", "Evaluation")}
    from_files = {(c["name"], c["status"]) for c in _changes(work, g1, g2) if c["type"] in ("ModelVersion", "Evaluation")}
    assert from_store == from_files and (f"mlflow.{MODEL}.2", "added") in from_store


def test_as_of_returns_the_old_alias_target(imports) -> None:
    work, _ = imports
    from mlkg.history.log import as_of
    from mlkg.store import open_store

    q = """PREFIX mlkg: <https://w3id.org/mlkg#>
           SELECT ?fqn WHERE { ?v mlkg:alias "champion" ; mlkg:fullyQualifiedName ?fqn }"""
    with open_store(f"oxigraph:{work / 'kg'}") as s:
        then = [str(r["fqn"]) for r in as_of(s, TIMES[0]).query(q)]
        now = [str(r["fqn"]) for r in s.query(q)]
    assert then == [f"mlflow.{MODEL}.1"]
    assert now == [f"mlflow.{MODEL}.2"]


def test_cli_as_of_between_imports(imports) -> None:
    """`mlkg query production --as-of` between the first and second import: champion was version 1 then."""
    work, _ = imports
    kg = f"oxigraph:{work / 'kg'}"

    def champion(*extra: str) -> list[str]:
        r = _mlkg("query", "production", "--store", kg, "--format", "json", *extra, cwd=work)
        assert r.returncode == 0, r.stderr
        return sorted(row["version_label"] for row in json.loads(r.stdout) if "champion" in (row["aliases"] or ""))

    assert champion("--as-of", TIMES[0]) == ["1"]
    assert champion() == ["2"]
    r = _mlkg("impact", f"mlflow.{MODEL}", "--as-of", TIMES[0], cwd=work)
    assert r.returncode == 2 and "--as-of reads a store's history" in r.stderr


def test_alias_at_between_imports_from_the_cli(imports) -> None:
    """`mlkg query alias_at` on the store: MLflow keeps no alias times, so the periods are the import times."""
    work, _ = imports
    kg = f"oxigraph:{work / 'kg'}"
    r = _mlkg("history", "--store", kg, "--format", "json", cwd=work)
    t1, t2, _t3 = (x["time"] for x in json.loads(r.stdout))

    def champion(at: str) -> list[tuple[str, str | None, str | None]]:
        r = _mlkg("query", "alias_at", "--store", kg, "-p", f"model=mlflow.{MODEL}", "-p", "alias=champion",
                  "-p", f"at={at}", "--format", "json", cwd=work)
        assert r.returncode == 0, r.stderr
        return [(row["version_name"], row["held_from"], row["held_until"]) for row in json.loads(r.stdout)]

    def same(a: str | None, b: str) -> bool:
        return a is not None and datetime.fromisoformat(a) == datetime.fromisoformat(b)

    ((v, start, end),) = champion(TIMES[0])
    assert v == f"mlflow.{MODEL}.1" and same(start, t1) and same(end, t2)
    for at in (TIMES[1], TIMES[2]):
        ((v, start, end),) = champion(at)
        assert v == f"mlflow.{MODEL}.2" and same(start, t2) and end is None
    assert champion("2000-01-01") == []  # before the first import
