"""The benchmarks page is generated from the checked-in results file, which the benchmark scripts write."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from mlkg.docs import benchmarks_page

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    monkeypatch.syspath_prepend(str(ROOT / "benchmarks"))
    sys.modules.pop("results", None)
    import results

    target = tmp_path / "figures.json"
    monkeypatch.setenv("MLKG_BENCH_RESULTS", str(target))
    yield results, target
    sys.modules.pop("results", None)


def test_the_page_shows_every_figure_of_the_checked_in_file() -> None:
    data = json.loads((ROOT / "benchmarks" / "figures.json").read_text())
    assert data["format"] == 1 and data["entries"]
    page = (ROOT / "docs" / "benchmarks.md").read_text()
    assert page == benchmarks_page.render()  # generated, not typed
    for e in data["entries"]:
        assert f"## {e['benchmark']}: {e['scale']}" in page
        assert e["date"] in page and "Load average at start" in page
        for f in e["figures"]:
            assert f"| {f['name']} | {benchmarks_page._value(f['value'])} | {f['unit']} |" in page


def test_a_run_replaces_its_own_entry_and_keeps_the_others(recorder) -> None:  # type: ignore[no-untyped-def]
    results, target = recorder
    for scale, value in (("10k triples", 1.5), ("1M triples", 9.0), ("10k triples", 1.25)):
        rec = results.Recorder("lineage", scale=scale, command="python benchmarks/bench_lineage.py")
        rec.figure("impact, index", value, "ms", note="median CPU per call")
        rec.save()
    data = json.loads(target.read_text())
    assert [(e["benchmark"], e["scale"]) for e in data["entries"]] == [("lineage", "10k triples"),
                                                                         ("lineage", "1M triples")]
    assert data["entries"][0]["figures"] == [{"name": "impact, index", "value": 1.25, "unit": "ms",
                                              "note": "median CPU per call"}]
    entry = data["entries"][0]
    assert entry["machine"]["cpus"] and len(entry["load"]["start"]) == 3 and entry["date"].endswith("Z")


def test_the_page_renders_a_results_file(recorder, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    results, target = recorder
    rec = results.Recorder("store", scale="1M triples", command="python benchmarks/bench_store.py --sizes 1M")
    rec.figure("embedded load", 7.25, "s")
    rec.figure("serve p99", None, "ms")
    rec.save()
    monkeypatch.setattr(benchmarks_page, "resource_path", lambda *parts: target)
    page = benchmarks_page.render()
    assert "## store: 1M triples" in page and "`python benchmarks/bench_store.py --sizes 1M`" in page
    assert "| embedded load | 7.25 | s |  |" in page and "| serve p99 | not measured | ms |  |" in page


def test_an_unknown_format_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "figures.json"
    bad.write_text('{"format": 2, "entries": []}')
    monkeypatch.setattr(benchmarks_page, "resource_path", lambda *parts: bad)
    with pytest.raises(ValueError, match="format 2, expected 1"):
        benchmarks_page.render()
