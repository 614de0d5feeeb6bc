"""Issue 5: every command that reads a graph takes --store in place of files, with the same output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FRAUD = ROOT / "examples" / "output" / "fraud_detection.ttl"
T = "snowflake.analytics.public.transactions"


def mlkg(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mlkg", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"oxigraph:{tmp_path_factory.mktemp('kg') / 'kg'}"
    r = mlkg("load", str(FRAUD), "--store", url)
    assert r.returncode == 0, r.stderr
    return url


@pytest.mark.parametrize("args", [
    ("impact", T, "--format", "json"),
    ("lineage", "upstream", "snowflake.analytics.public.fraud_scores", "--format", "json"),
    ("lineage", "downstream", T, "--depth", "2", "--format", "json"),
    ("query", "production", "--format", "json"),
    ("query", "features", "--format", "json"),
])
def test_rows_from_a_store_equal_rows_from_files(store: str, args: tuple[str, ...]) -> None:
    from_files = mlkg(*args[:3], str(FRAUD), *args[3:]) if args[0] == "lineage" else \
        mlkg(*args[:2], str(FRAUD), *args[2:])
    from_store = mlkg(*args, "--store", store)
    assert from_files.returncode == 0, from_files.stderr
    assert from_store.returncode == 0, from_store.stderr
    a, b = json.loads(from_files.stdout), json.loads(from_store.stdout)
    key = lambda rows: sorted(json.dumps(r, sort_keys=True) for r in rows)  # noqa: E731
    assert a and key(a) == key(b)


def test_validate_diagram_and_convert_read_a_store(store: str) -> None:
    v = mlkg("validate", "--store", store, "--format", "json")
    assert v.returncode == 0 and json.loads(v.stdout)["conforms"] is True
    d = mlkg("diagram", T, "--store", store, "--direction", "down")
    assert d.returncode == 0 and "fraud_alert_system" in d.stdout
    c = mlkg("convert", "--store", store, "--to", "nt")
    f = mlkg("convert", str(FRAUD), "--to", "nt")
    assert c.returncode == 0 and set(c.stdout.splitlines()) == set(f.stdout.splitlines())


def test_no_files_and_no_store_is_a_usage_error() -> None:
    r = mlkg("convert", "--to", "nt")
    assert r.returncode == 2 and "--store" in r.stderr


def test_the_same_data_in_two_named_graphs_gives_each_row_once(tmp_path: Path) -> None:
    """pyoxigraph returns a triple once per graph holding it when querying the union of graphs."""
    url = f"oxigraph:{tmp_path / 'kg'}"
    for graph in ("urn:g:a", "urn:g:b"):
        assert mlkg("load", str(FRAUD), "--store", url, "--graph", graph).returncode == 0
    for args in (("governance_gaps",), ("metric_history", "-p", "model=mlflow-prod.fraud_detection",
                                         "-p", "metric=AUC")):
        r = mlkg("query", *args, "--store", url, "--format", "json")
        assert r.returncode == 0, r.stderr
        rows = [json.dumps(x, sort_keys=True) for x in json.loads(r.stdout)]
        assert rows and len(rows) == len(set(rows)), rows
