"""CLI: mlkg load and mlkg serve."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlkg import synth
from mlkg.cli import get_app
from mlkg.rdf.build import to_graph
from mlkg.store import open_store


def write(path: Path, n_models: int, seed: int = 0, lineage: bool = True) -> Path:
    path.write_bytes(to_graph(synth.generate(n_models, seed=seed), lineage=lineage)
                     .serialize(format="turtle", encoding="utf-8"))
    return path


def test_load_one_graph_per_file_and_reload_replaces(tmp_path: Path) -> None:
    a = write(tmp_path / "a.ttl", 2, seed=1)
    b = write(tmp_path / "b.ttl", 1, seed=2)
    url = f"oxigraph:{tmp_path / 'kg'}"
    r = CliRunner().invoke(get_app(), ["load", str(a), str(b), "--store", url])
    assert r.exit_code == 0, r.output
    assert "loaded" in r.output
    with open_store(url) as s:
        graphs = [str(g) for g in s.graphs()]
        assert len(graphs) == 2 and graphs[0].endswith("/graph/file/a.ttl")
        before = s.count(graphs[1])
    write(b, 1, seed=3, lineage=False)  # new content, lineage triples added by load
    r = CliRunner().invoke(get_app(), ["load", str(b), "--store", url])
    assert r.exit_code == 0, r.output
    with open_store(url) as s:
        assert s.count(graphs[1]) != before  # seed 3 draws other features than seed 2
        got = set(s.to_graph(graphs[1]))
    assert got == set(to_graph(synth.generate(1, seed=3)))


def test_load_into_one_graph_and_bad_input(tmp_path: Path) -> None:
    a = write(tmp_path / "a.ttl", 1)
    bad = tmp_path / "bad.ttl"
    bad.write_text("<urn:a> <urn:b> .\n", encoding="utf-8")
    url = f"oxigraph:{tmp_path / 'kg'}"
    r = CliRunner().invoke(get_app(), ["load", str(a), "--store", url, "--graph", "https://example.org/g/x"])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(get_app(), ["load", str(bad), "--store", url, "--graph", "https://example.org/g/x"])
    assert r.exit_code == 2
    assert "bad.ttl" in r.output and "Traceback" not in r.output
    r = CliRunner().invoke(get_app(), ["load", str(a), "--store", "nosuch:thing"])
    assert r.exit_code == 2 and "unknown store" in r.output
    r = CliRunner().invoke(get_app(), ["load", str(tmp_path / "missing.ttl"), "--store", url])
    assert r.exit_code == 2 and "missing.ttl" in r.output
    with open_store(url) as s:
        assert [str(g) for g in s.graphs()] == ["https://example.org/g/x"]


@pytest.mark.server
def test_serve_files_read_only(tmp_path: Path) -> None:
    a = write(tmp_path / "a.ttl", 2)
    ready = tmp_path / "ready"
    proc = subprocess.Popen([sys.executable, "-m", "mlkg", "serve", str(a), "--port", "0", "--ready-file", str(ready)],
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not ready.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        assert ready.exists(), proc.stderr.read() if proc.poll() is not None and proc.stderr else "no ready file"
        url = ready.read_text().strip()
        assert url.startswith("http://127.0.0.1:")
        s = open_store("sparql:" + url)
        n = s.select("SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/mlkg#MLModel> }")
        assert int(n[0]["n"]) == 2
        from mlkg.errors import StoreError

        with pytest.raises(StoreError):
            s.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    assert proc.returncode == 0
