"""Neptune importer on Neptune Exporter's Parquet output, written by the exporter's own code (data/README.md,
make_exporter_fixture.py) for the same run as the offline fixture.

Golden graph: refresh with ``MLKG_UPDATE_SNAPSHOTS=1 pytest tests/importers/neptune -k exporter``.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from mlkg.importers import ImportFailure, get
from mlkg.model import entities as m

pytest.importorskip("pyarrow")

HERE = Path(__file__).parent
EXPORT = HERE / "data" / "exporter"
(PART0,) = sorted(EXPORT.rglob("*_part_0.parquet"))
OFFLINE = HERE / "data" / ".neptune"


def run(*paths: str, strict: bool = False, **options: Any) -> tuple[list[Any], Any]:
    imp = get("neptune")(paths=paths, **options)
    return imp.run(strict=strict), imp.report


def the_run(ents: list[Any]) -> m.TrainingRun:
    (r,) = [e for e in ents if isinstance(e, m.TrainingRun)]
    return r


def test_export_matches_golden_graph(golden: Any) -> None:
    imp = get("neptune")(paths=(str(EXPORT),))
    golden(imp, imp.run(), HERE / "expected_exporter.ttl")


def test_export_hand_expectations() -> None:
    ents, report = run(str(EXPORT))
    assert dict(report.counts) == {"services": 1, "experiments": 1, "runs": 1}
    (exp,) = [e for e in ents if isinstance(e, m.Experiment)]
    assert exp.fqn == "neptune.acme/iris-demo"  # the project the export names
    r = the_run(ents)
    assert r.fqn == "neptune.acme/iris-demo.OFFLINE-1" and r.experiment.fqn == exp.fqn
    assert (r.display_name, r.description, r.status) == ("logreg-C1", "C sweep", "finished")
    assert r.started_at is not None and r.started_at.year == 2026  # sys/creation_time
    assert {p.name: p.value for p in r.params} == {"C": 1.0, "max_iter": 200, "algorithm": "LogisticRegression",
                                                   "warm_start": False, "optimizer/name": "lbfgs"}
    loss = sorted((e.step, e.value) for e in r.metrics if e.name == "loss")
    assert loss == [(0, 1.0), (1, 0.5), (2, 0.3333)]
    assert {e.name: e.value for e in r.metrics if e.step is None} == {"eval/accuracy": 0.92, "eval/f1": 0.9}
    assert [str(s) for s in report.skipped] == [f"{PART0} notes: a string series (only float series are imported)"]


def test_export_and_offline_folder_give_the_same_run() -> None:
    """The same logging calls, exported by the exporter and replayed from the offline log: same parameters,
    metric values and steps, tags, texts. Ids and times differ (the debug backend's id and placeholder times)."""
    exported = the_run(run(str(EXPORT))[0])
    offline = the_run(run(str(OFFLINE), project="acme/iris-demo")[0])
    for field in ("display_name", "description", "status"):
        assert getattr(exported, field) == getattr(offline, field), field
    assert [(p.name, p.value, p.value_text) for p in exported.params] == [
        (p.name, p.value, p.value_text) for p in offline.params]
    # each fixture script is its own entry point
    assert (exported.code_path, offline.code_path) == ("make_exporter_fixture.py", "make_fixtures.py")
    assert {t.tag_fqn for t in exported.tags} == {t.tag_fqn for t in offline.tags}

    def values(r: m.TrainingRun) -> list[tuple[Any, ...]]:
        return sorted((e.name, e.split, e.step, e.value) for e in r.metrics)

    assert values(exported) == values(offline)
    # the offline run also tracked the dataset file; the debug backend could not export it (data/README.md)
    assert offline.training_datasets and not exported.training_datasets


def test_a_truncated_foreign_or_unfinished_export(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from mlkg.cli import get_app

    cut = tmp_path / "RUN-1-abc_part_0.parquet"
    cut.write_bytes(PART0.read_bytes()[: PART0.stat().st_size // 2])
    ents, report = run(str(cut))
    assert not [e for e in ents if isinstance(e, m.TrainingRun)]
    (skip,) = report.skipped
    assert skip.item == str(cut) and skip.message.startswith("not a Parquet file")
    import pyarrow as pa
    import pyarrow.parquet as pq

    foreign = tmp_path / "other.parquet"
    pq.write_table(pa.table({"a": [1]}), foreign)
    assert [str(s) for s in run(str(foreign))[1].skipped] == [
        f"{foreign}: not a Neptune Exporter file (no column project_id, run_id, attribute_path, attribute_type)"]
    # an export that stopped before renaming part_0: the run is read, with a warning
    unfinished = tmp_path / "unfinished"
    unfinished.mkdir()
    shutil.copy(PART0, unfinished / PART0.name.replace("_part_0", "_part_1"))
    ents, report = run(str(unfinished))
    assert the_run(ents).display_name == "logreg-C1"
    assert any("no part_0 file" in w.message for w in report.warnings)
    with pytest.raises(ImportFailure, match="strict mode"):
        run(str(unfinished), strict=True)
    # the commands a user types
    runner, out = CliRunner(), tmp_path / "exported.ttl"
    res = runner.invoke(get_app(), ["import", "neptune", str(EXPORT), "-o", str(out)])
    assert res.exit_code == 0 and out.exists() and "1 runs" in res.output
    res = runner.invoke(get_app(), ["import", "neptune", str(cut), "--strict", "-o", str(tmp_path / "x.ttl")])
    assert res.exit_code == 2 and "Traceback" not in res.output and not (tmp_path / "x.ttl").exists()
    assert "not a Parquet file" in res.output


def test_export_conforms_to_the_core_shapes() -> None:
    from mlkg.validate import validate

    result = validate(run(str(EXPORT))[0])
    assert result.conforms, result.text()
