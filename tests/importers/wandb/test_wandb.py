"""W&B importer on offline runs written by wandb 0.31.0 (data/README.md, make_fixtures.py): two runs of
``acme/iris-demo`` with config, history, summary, tags, a dataset artifact and two versions of a model artifact.

``data/sdk_decoded.json`` is the same files decoded by wandb's own protobuf classes when they were written; the
standard-library reader must agree with it. Golden graph: refresh with ``MLKG_UPDATE_SNAPSHOTS=1``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mlkg.importers import ImportFailure, SourceUnavailable, get
from mlkg.importers.wandb import records
from mlkg.model import entities as m

HERE = Path(__file__).parent
DATA = HERE / "data"
RUNS = DATA / "wandb"
FILES = sorted(RUNS.glob("*/run-*.wandb"))



def run(*paths: str, strict: bool = False) -> tuple[list[Any], Any]:
    imp = get("wandb")(paths=paths)
    return imp.run(strict=strict), imp.report


def test_reader_agrees_with_the_wandb_sdk() -> None:
    sdk = json.loads((DATA / "sdk_decoded.json").read_text())
    assert len(FILES) == 2
    for f in FILES:
        expected = sdk[f.parent.name]
        rf = records.read(f)
        assert not rf.problems
        assert {k: rf.run.get(k) for k in expected["run"]} == expected["run"]
        assert rf.config == expected["config"]
        assert rf.summary == expected["summary"]
        assert rf.history == expected["history"]
        assert [{"name": a["name"], "type": a["type"], "digest": a["digest"], "aliases": a.get("aliases", []),
                 "metadata": json.loads(a.get("metadata") or "{}"),
                 "files": [e["path"] for e in a.get("manifest", {}).get("contents", [])]}
                for a in rf.artifacts] == expected["artifacts"]
        known = {k: v for k, v in rf.kinds.items() if k != "other"}
        assert known == {k: v for k, v in expected["record_kinds"].items() if k in known}


def test_offline_runs_match_golden_graph(golden) -> None:
    imp = get("wandb")(paths=(str(RUNS),))
    ents = imp.run()
    assert not imp.report.problems
    golden(imp, ents, HERE / "expected.ttl")


def test_hand_expectations() -> None:
    ents, report = run(str(RUNS))
    assert report.counts["runs"] == 2 and report.counts["versions"] == 2 and report.counts["datasets"] == 1
    runs = sorted((e for e in ents if isinstance(e, m.TrainingRun)), key=lambda r: r.display_name)
    first = runs[0]
    assert first.display_name == "logreg-C1" and first.description == "C sweep, C=1"
    assert first.experiment.fqn == "wandb.acme/iris-demo" and first.status == "finished"
    assert {t.tag_fqn for t in first.tags} == {"baseline", "sklearn", "group.sweep-1", "job_type.train"}
    params = {p.name: p.value for p in first.params}
    assert params == {"C": 1.0, "max_iter": 200, "algorithm": "LogisticRegression", "optimizer.name": "lbfgs",
                      "optimizer.tol": 0.0001}
    loss = sorted((e.step, e.value) for e in first.metrics if e.name == "train_loss")
    assert loss == [(0, 1), (1, 0.5), (2, 0.3333), (3, 0.25), (4, 0.2)]
    assert {e.name: e.value for e in first.metrics if e.step is None} == {"best_accuracy": 0.92}
    assert first.code_commit and len(first.code_commit) == 40
    (ds,) = [e for e in ents if isinstance(e, m.Dataset)]
    assert ds.fqn == "wandb.acme/iris-demo.iris-train" and ds.source == "s3://demo-bucket/iris/train.csv"
    assert ds.digest == "4d69c1ede451a34324bcde17c9dd4aff" and ds.produced_by.fqn == first.fqn
    (model,) = [e for e in ents if isinstance(e, m.MLModel)]
    v1, v2 = model.versions
    assert (v1.name, v1.aliases) == ("46ddb0e62c52f5738a99425ac41ce889", ["champion"])
    assert (v2.name, v2.aliases) == ("5da11f22d5ed2f299ce72cbf82fde6c4", ["candidate", "latest"])
    assert v2.previous_version.fqn == v1.fqn and v1.run.fqn == first.fqn
    assert [(e.name, e.value, e.measure) for e in v2.metrics] == [("accuracy", 0.94, "https://w3id.org/mlkg#Accuracy")]
    assert model.algorithm == "sklearn"


# ---------------------------------------------------------------------------------------------------------------
# A file cut in half, a corrupt one, a foreign one
# ---------------------------------------------------------------------------------------------------------------


def test_a_wandb_file_cut_in_half_imports_what_is_complete_and_says_where_it_stops(tmp_path: Path) -> None:
    data = FILES[0].read_bytes()
    cut = tmp_path / "run-cut.wandb"
    cut.write_bytes(data[: len(data) // 2])
    ents, report = run(str(cut))
    (r,) = [e for e in ents if isinstance(e, m.TrainingRun)]
    assert r.display_name == "logreg-C1" and r.status == "crashed"  # no exit record
    assert len({e.step for e in r.metrics if e.step is not None}) < 5
    (w,) = report.warnings
    assert w.item == str(cut) and "truncated" in w.message
    with pytest.raises(ImportFailure, match=r"strict mode: .*run-cut\.wandb: the file ends inside"):
        run(str(cut), strict=True)


def test_a_corrupt_byte_stops_reading_with_a_checksum_warning(tmp_path: Path) -> None:
    data = bytearray(FILES[0].read_bytes())
    data[len(data) // 2] ^= 0xFF
    bad = tmp_path / "run-bad.wandb"
    bad.write_bytes(bytes(data))
    ents, report = run(str(bad))
    assert any("checksum mismatch" in w.message for w in report.warnings)


def test_foreign_and_missing_files(tmp_path: Path) -> None:
    other = tmp_path / "run-x.wandb"
    other.write_text("not a record file")
    ents, report = run(str(other))
    assert [str(s) for s in report.skipped] == [f"{other}: not a W&B record file (no ':W&B' header)"]
    assert not [e for e in ents if isinstance(e, m.TrainingRun)]
    with pytest.raises(SourceUnavailable, match="no such file or folder"):
        run(str(tmp_path / "nope"))
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no run-*.wandb file here" in str(run(str(empty))[1].skipped[0])


def test_cli_on_a_cut_file_warns_and_strict_exits_2(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from mlkg.cli import get_app

    cut, out = tmp_path / "run-cut.wandb", tmp_path / "out.ttl"
    cut.write_bytes(FILES[0].read_bytes()[:2000])
    runner = CliRunner()
    res = runner.invoke(get_app(), ["import", "wandb", str(cut), "-o", str(out)])
    assert res.exit_code == 0 and "warning:" in res.output and "truncated" in res.output and out.exists()
    out.unlink()
    res = runner.invoke(get_app(), ["import", "wandb", str(cut), "--strict", "-o", str(out)])
    assert res.exit_code == 2 and "Traceback" not in res.output and not out.exists()


def test_import_conforms_to_the_core_shapes() -> None:
    from mlkg.validate import validate

    result = validate(run(str(RUNS))[0])
    assert result.conforms, result.text()


def test_every_cut_of_a_record_file_imports_without_an_exception(tmp_path: Path) -> None:
    data = FILES[0].read_bytes()
    cut = tmp_path / "run-cut.wandb"
    for n in range(0, len(data), 53):
        cut.write_bytes(data[:n])
        ents, report = run(str(cut))  # never raises: a short file is a skip or a warning
        assert report.skipped or report.warnings or n == len(data), n
