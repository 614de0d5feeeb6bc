"""Faults: a writer killed with SIGKILL at several points leaves the old state or the new state, never half of it;
two writers on one oxigraph store are serialised or one gets a clear "locked" error; a reader during a write sees
the old or the new graph. Each writer is the real command (``mlkg convert -o``, ``mlkg load``, ``mlkg import
--store``, ``--report-json``) in its own process, on every store that keeps data: oxigraph (embedded), sparql on
``oxigraph serve``, sparql on Virtuoso. (The memory store keeps nothing across processes: nothing to check.)"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
G = "urn:mlkg:test:faults"
#: seconds after start at which the writer is killed: during start-up, parsing, writing, and near the end
KILL_AT = (0.3, 1.2, 2.0, 3.5)


def cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "import sys; from mlkg.cli import main; sys.argv[0] = 'mlkg'; main()", *args]


def env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))


def run(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli(*args), capture_output=True, text=True, timeout=timeout, env=env())


def kill_after(args: list[str], delay: float) -> int | None:
    """Start the command, SIGKILL it after ``delay`` s (if still running); its exit code if it finished first."""
    p = subprocess.Popen(cli(*args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env())
    try:
        return p.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGKILL)
        p.wait()
        return None


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from mlkg import synth

    d = tmp_path_factory.mktemp("fault-data")
    old, new = d / "old.nt", d / "new.nt"
    n_old = synth.write_ntriples(old, 2_000, seed=1)
    n_new = synth.write_ntriples(new, 60_000, seed=2)
    return {"old": old, "new": new, "n_old": n_old, "n_new": n_new, "dir": d}


def test_convert_output_is_old_or_new(data: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "out.ttl"
    assert run("convert", str(data["old"]), "--to", "turtle", "-o", str(out)).returncode == 0
    old_text = out.read_text(encoding="utf-8")
    finished = 0
    for delay in KILL_AT:
        rc = kill_after(["convert", str(data["new"]), "--to", "turtle", "-o", str(out)], delay)
        text = out.read_text(encoding="utf-8")
        if rc is None:
            assert text == old_text or text.count("\n") > data["n_new"] // 4, f"half-written after kill at {delay}s"
        else:
            finished += 1
        if text != old_text:  # the new one landed: it must be complete (it parses, every triple)
            from rdflib import Graph

            assert len(Graph().parse(data=text, format="turtle")) == data["n_new"]
            assert run("convert", str(data["old"]), "--to", "turtle", "-o", str(out)).returncode == 0
    assert finished < len(KILL_AT), "the writer always finished before the kill: no fault was injected"


def _count(store_url: str, graph: str = G) -> int:
    from rdflib import URIRef

    from mlkg.store import open_store

    s = open_store(store_url)
    try:
        return s.count(URIRef(graph))
    finally:
        close = getattr(s, "close", None)
        if close:
            close()


def _kill_loads(store_url: str, data: dict[str, Any], writer: list[str]) -> list[int]:
    assert run("load", str(data["old"]), "--store", store_url, "-g", G).returncode == 0
    assert _count(store_url) == data["n_old"]
    seen = []
    for delay in KILL_AT:
        rc = kill_after(writer, delay)
        n = _count(store_url)
        assert n in (data["n_old"], data["n_new"]), f"graph holds {n} triples after a kill at {delay}s (rc {rc})"
        seen.append(n)
        if n == data["n_new"]:
            assert run("load", str(data["old"]), "--store", store_url, "-g", G).returncode == 0
    return seen


def oxigraph_url(tmp_path: Path) -> str:
    return f"oxigraph:{tmp_path / 'ox'}"


def test_load_killed_on_oxigraph(data: dict[str, Any], tmp_path: Path) -> None:
    url = oxigraph_url(tmp_path)
    seen = _kill_loads(url, data, ["load", str(data["new"]), "--store", url, "-g", G, "--no-progress"])
    assert data["n_old"] in seen


@pytest.fixture
def own_oxigraph_server(tmp_path: Path) -> Any:
    from conftest_servers import private_oxigraph_server

    yield from private_oxigraph_server(tmp_path / "oxserve")


@pytest.fixture
def own_virtuoso_server(tmp_path: Path) -> Any:
    from conftest_servers import private_virtuoso_server

    yield from private_virtuoso_server(tmp_path / "virtuoso")


# Each server test starts a server of its own: a killed client's last request may still be finished by the
# server after the test ends (the body was sent before the kill), so nothing it writes may reach servers that
# other tests share.
@pytest.mark.server
def test_load_killed_on_oxigraph_serve(data: dict[str, Any], own_oxigraph_server: Any) -> None:
    url = own_oxigraph_server.store_url
    _kill_loads(url, data, ["load", str(data["new"]), "--store", url, "-g", G, "--no-progress"])


@pytest.mark.server
def test_load_killed_on_virtuoso(data: dict[str, Any], own_virtuoso_server: Any) -> None:
    url = own_virtuoso_server.store_url
    _kill_loads(url, data, ["load", str(data["new"]), "--store", url, "-g", G, "--no-progress"])


def _om_models(d: Path, n: int) -> Path:
    src = json.loads((ROOT / "tests" / "data" / "om_mlmodel_api.json").read_text(encoding="utf-8"))
    models = []
    for i in range(n):
        m = json.loads(json.dumps(src))
        m.pop("id", None)
        m["name"] = f"model_{i}"
        m["fullyQualifiedName"] = f"svc.model_{i}"
        models.append(m)
    p = d / f"models_{n}.json"
    p.write_text(json.dumps(models), encoding="utf-8")
    return p


def test_import_store_killed_on_oxigraph(data: dict[str, Any], tmp_path: Path) -> None:
    url = oxigraph_url(tmp_path)
    small, big = _om_models(tmp_path, 2), _om_models(tmp_path, 3000)
    report = tmp_path / "report.json"
    args = ["import", "openmetadata", str(small), "--store", url, "--graph", G, "-q", "--report-json", str(report)]
    assert run(*args).returncode == 0
    n_small, old_report = _count(url), report.read_text(encoding="utf-8")
    assert n_small > 10 and json.loads(old_report)
    counts = set()
    for delay in KILL_AT:
        kill_after(["import", "openmetadata", str(big), "--store", url, "--graph", G, "-q",
                    "--report-json", str(report)], delay)
        n = _count(url)
        counts.add(n)
        assert n == n_small or n > n_small * 1000, f"{n} triples after a kill at {delay}s"
        text = report.read_text(encoding="utf-8")
        assert text == old_report or json.loads(text), "report half written"
        if n != n_small:
            assert run(*args).returncode == 0
            old_report = report.read_text(encoding="utf-8")


def test_two_writers_on_one_oxigraph_store(data: dict[str, Any], tmp_path: Path) -> None:
    url = oxigraph_url(tmp_path)
    assert run("load", str(data["old"]), "--store", url, "-g", G).returncode == 0
    procs = [subprocess.Popen(cli("load", str(data["new"] if i == 0 else data["old"]), "--store", url, "-g",
                                  G if i == 0 else G + ":2", "--no-progress"),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env())
             for i in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (_o, err) in zip(procs, outs):
        assert p.returncode in (0, 2), err
        assert "Traceback" not in err, err
        if p.returncode == 2:
            assert "lock" in err.lower() or "open in another process" in err, err
    assert any(p.returncode == 0 for p in procs)
    n = _count(url)
    assert n in (data["n_old"], data["n_new"])
    if procs[0].returncode == 0:
        assert n == data["n_new"]


def test_reader_during_write_sees_old_or_new(data: dict[str, Any], tmp_path: Path) -> None:
    from mlkg.store.server import OxigraphServer, oxigraph_binary

    if oxigraph_binary() is None:
        pytest.skip("oxigraph binary not found: pip install oxigraph (mlkg[server])")
    srv = OxigraphServer(location=tmp_path / "served", union=True)
    srv.start()
    try:
        url = srv.store_url
        assert run("load", str(data["old"]), "--store", url, "-g", G).returncode == 0
        w = subprocess.Popen(cli("load", str(data["new"]), "--store", url, "-g", G, "--no-progress"),
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env())
        seen = []
        deadline = time.monotonic() + 300
        while w.poll() is None and time.monotonic() < deadline:
            seen.append(_count(url))
            time.sleep(0.05)
        assert w.wait(timeout=60) == 0
        seen.append(_count(url))
        assert set(seen) <= {data["n_old"], data["n_new"]}, sorted(set(seen))[:5]
        assert seen[-1] == data["n_new"] and len(seen) > 3
    finally:
        srv.stop()


@pytest.mark.server
def test_load_killed_on_fuseki(data: dict[str, Any], fuseki_server: Any) -> None:
    url = fuseki_server.store_url
    _kill_loads(url, data, ["load", str(data["new"]), "--store", url, "-g", G, "--no-progress"])
