"""Neptune importer on an offline run written by neptune 1.14.0.post2 (data/README.md, make_fixtures.py).

Golden graph: refresh with ``MLKG_UPDATE_SNAPSHOTS=1 pytest tests/importers/neptune``.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph

from mlkg.importers import ImportFailure, SourceUnavailable, get
from mlkg.importers.neptune import oplog
from mlkg.model import entities as m

HERE = Path(__file__).parent
DATA = HERE / "data"
OFFLINE = DATA / ".neptune"
(RUN_DIR,) = sorted((OFFLINE / "offline").iterdir())
RUN_ID = RUN_DIR.name.split("__")[1]



def run(*paths: str, strict: bool = False, **options: Any) -> tuple[list[Any], Any]:
    imp = get("neptune")(paths=paths, **options)
    return imp.run(strict=strict), imp.report


def test_offline_run_matches_golden_graph(golden) -> None:
    imp = get("neptune")(paths=(str(OFFLINE),), project="acme/iris-demo")
    golden(imp, imp.run(), HERE / "expected.ttl")


def test_replay_folds_the_operation_log() -> None:
    c = oplog.replay(RUN_DIR)
    assert c.operations == 22 and not c.problems
    assert c.values[("sys", "tags")] == {"baseline", "sklearn"}
    assert c.values[("parameters", "optimizer", "name")] == "lbfgs"
    assert [p[:2] for p in c.series[("train", "loss")].points] == [(0, 1.0), (1, 0.5), (2, 0.3333)]
    assert c.values[("data", "train")] == ("artifact", ["train.csv"])


def test_hand_expectations() -> None:
    ents, report = run(str(OFFLINE), project="acme/iris-demo")
    (r,) = [e for e in ents if isinstance(e, m.TrainingRun)]
    assert r.fqn == f"neptune.acme/iris-demo.{RUN_ID}" and r.display_name == "logreg-C1"
    assert r.description == "C sweep" and r.status == "finished" and r.code_path == "make_fixtures.py"
    assert r.experiment.fqn == "neptune.acme/iris-demo"
    assert {t.tag_fqn for t in r.tags} == {"baseline", "sklearn", "group.team-ml"}
    assert {p.name: p.value for p in r.params} == {"C": 1.0, "max_iter": 200, "algorithm": "LogisticRegression",
                                                   "warm_start": False, "optimizer/name": "lbfgs"}
    loss = [(e.step, e.value, e.split) for e in r.metrics if e.name == "loss"]
    assert loss == [(0, 1.0, m.Split.TRAIN), (1, 0.5, m.Split.TRAIN), (2, 0.3333, m.Split.TRAIN)]
    acc = {e.name: e for e in r.metrics if e.step is None}
    assert acc["eval/accuracy"].value == 0.92 and acc["eval/accuracy"].measure == "https://w3id.org/mlkg#Accuracy"
    (ds,) = [e for e in ents if isinstance(e, m.Dataset)]
    assert ds.source == "train.csv" and [d.fqn for d in r.training_datasets] == [ds.fqn]
    assert r.started_at.isoformat() == "2026-12-01T10:39:16.910660+00:00"
    # the string series "notes" has no mlkg counterpart: a reported skip, so --strict fails
    assert [s.message for s in report.skipped] == ["a string series (only float series are imported)"]
    with pytest.raises(ImportFailure, match="strict mode: .*notes: a string series"):
        run(str(OFFLINE), strict=True)


def test_a_cut_log_keeps_the_complete_operations(tmp_path: Path) -> None:
    folder = tmp_path / RUN_DIR.name
    shutil.copytree(RUN_DIR, folder)
    log = folder / "data-1.log"
    text = log.read_text()
    log.write_text(text[: len(text) // 2])
    ents, report = run(str(folder))
    (r,) = [e for e in ents if isinstance(e, m.TrainingRun)]
    assert r.display_name == "logreg-C1" and r.experiment is None  # no --project: no experiment
    assert any("not an operation" in w.message for w in report.warnings)


def test_foreign_and_missing_folders(tmp_path: Path) -> None:
    with pytest.raises(SourceUnavailable, match="no such file or folder"):
        run(str(tmp_path / "nope"))
    ents, report = run(str(tmp_path))
    assert "no Neptune offline run folder" in str(report.skipped[0])
    (tmp_path / "x.txt").write_text("hello")
    ents, report = run(str(tmp_path / "x.txt"))
    assert "not a Neptune offline folder" in report.skipped[0].message


def test_cli_import(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from mlkg.cli import get_app

    out = tmp_path / "n.ttl"
    res = CliRunner().invoke(get_app(), ["import", "neptune", str(OFFLINE), "--project", "acme/iris-demo",
                                         "-o", str(out)])
    assert res.exit_code == 0, res.output
    g = Graph().parse(out)
    assert len(g) > 100 and "logreg-C1" in out.read_text()


def test_import_conforms_to_the_core_shapes() -> None:
    from mlkg.validate import validate

    result = validate(run(str(OFFLINE), project="acme/iris-demo")[0])
    assert result.conforms, result.text()
