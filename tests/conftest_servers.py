"""Pytest fixtures that start real SPARQL servers on 127.0.0.1 with free ports: ``oxigraph serve`` (PyPI package
``oxigraph``) and Virtuoso (Debian ``virtuoso-opensource``). Imported by ``tests/conftest.py``.

A fixture skips its tests with the reason when the server cannot start here. CI must install both so these
tests always run: ``pip install oxigraph`` (in the ``server`` extra) and ``apt-get install -y virtuoso-opensource``.
"""

from __future__ import annotations

import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from mlkg.store.server import OxigraphServer, free_port, oxigraph_binary

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A fresh ``oxigraph serve`` (on-disk store in a temp dir) shared by the session."""
    yield from private_oxigraph_server(tmp_path_factory.mktemp("oxserve"))


def private_oxigraph_server(location: Path, *, union: bool = False) -> Iterator[OxigraphServer]:
    """Start an ``oxigraph serve`` of one's own (for tests whose writes could outlive them, such as killed
    clients whose request the server still finishes); skips with the reason when it cannot start."""
    if oxigraph_binary() is None:
        pytest.skip("oxigraph binary not found: pip install oxigraph (mlkg[server])")
    srv = OxigraphServer(location=location, union=union)
    try:
        srv.start()
    except Exception as e:
        pytest.skip(f"oxigraph serve could not start: {e}")
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def oxigraph_union_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """An ``oxigraph serve`` whose default graph is the union of its named graphs (as mlkg stores are)."""
    if oxigraph_binary() is None:
        pytest.skip("oxigraph binary not found: pip install oxigraph (mlkg[server])")
    srv = OxigraphServer(location=tmp_path_factory.mktemp("oxserve-union"), union=True)
    try:
        srv.start()
    except Exception as e:
        pytest.skip(f"oxigraph serve could not start: {e}")
    yield srv
    srv.stop()


class VirtuosoServer:
    """Debian's Virtuoso 7 in a temp dir: its own ini, database, and free ports on 127.0.0.1."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.sql_port = free_port()
        self.http_port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def store_url(self) -> str:
        return f"sparql:http://127.0.0.1:{self.http_port}/sparql?server=virtuoso"

    def write_ini(self) -> Path:
        db = self.root / "db"
        db.mkdir(parents=True, exist_ok=True)
        out = []
        section = ""
        for line in VIRTUOSO_INI.read_text(encoding="utf-8").splitlines():
            s = line.strip()
            if s.startswith("["):
                section = s
            key = s.split("=", 1)[0].strip() if "=" in s and not s.startswith(";") else ""
            if "/var/lib/virtuoso-opensource-7/db/" in line:
                line = line.replace("/var/lib/virtuoso-opensource-7/db/", str(db) + "/")
            elif key == "ServerPort" and section == "[Parameters]":
                line = f"ServerPort = 127.0.0.1:{self.sql_port}"
            elif key == "ServerPort" and section == "[HTTPServer]":
                line = f"ServerPort = 127.0.0.1:{self.http_port}"
            elif key == "DirsAllowed":
                line = f"DirsAllowed = ., /usr/share/virtuoso-opensource-7/vad, {self.root}"
            elif key == "ResultSetMaxRows":
                line = "ResultSetMaxRows = 1000000"
            out.append(line)
        ini = self.root / "virtuoso.ini"
        ini.write_text("\n".join(out) + "\n", encoding="utf-8")
        return ini

    def isql(self, sql: str) -> str:
        res = subprocess.run(["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={sql}"],
                             capture_output=True, text=True, timeout=60)
        if res.returncode != 0:
            raise RuntimeError(f"isql failed: {res.stderr.strip()[:300]}")
        return res.stdout

    def start(self, wait: float = 60.0) -> VirtuosoServer:
        ini = self.write_ini()
        log = open(self.root / "stdout.log", "wb")
        self.proc = subprocess.Popen(["virtuoso-t", "-f", "-c", str(ini)], cwd=self.root, stdout=log,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("virtuoso-t exited: " + (self.root / "stdout.log").read_text()[-500:])
            if b"Server online" in (self.root / "stdout.log").read_bytes():
                break
            time.sleep(0.2)
        else:
            self.stop()
            raise RuntimeError(f"Virtuoso was not online after {wait:.0f} s")
        # SPARQL Update over HTTP needs this grant (Virtuoso's anonymous SPARQL user may not update otherwise).
        self.isql('GRANT SPARQL_UPDATE TO "SPARQL";')
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}/sparql?query=ASK%7B%7D",
                                            timeout=2):
                    return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise RuntimeError("Virtuoso HTTP endpoint does not answer")

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            try:
                self.isql("shutdown;")
                self.proc.wait(timeout=30)
            except Exception:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        self.proc = None


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """A fresh Virtuoso (Debian virtuoso-opensource) shared by the session."""
    yield from private_virtuoso_server(tmp_path_factory.mktemp("virtuoso"))


def private_virtuoso_server(root: Path) -> Iterator[VirtuosoServer]:
    """Start a Virtuoso of one's own in ``root``; skips with the reason when it cannot start."""
    if shutil.which("virtuoso-t") is None or shutil.which("isql-vt") is None or not VIRTUOSO_INI.exists():
        pytest.skip("Virtuoso not installed: apt-get install -y virtuoso-opensource")
    srv = VirtuosoServer(root)
    try:
        srv.start()
    except Exception as e:
        srv.stop()
        pytest.skip(f"Virtuoso could not start: {e}")
    yield srv
    srv.stop()


class FusekiServer:
    """Apache Jena Fuseki (``jena-fuseki-main`` 5.x, fetched by tests/conformance/fetch_tools.sh into the cache
    dir) on 127.0.0.1 with a free port: one TDB2 dataset ``/ds`` in a temp dir, updates allowed, named graphs
    visible as the union default graph (as OpenMetadata's knowledge graph runs it)."""

    def __init__(self, root: Path, classpath: str) -> None:
        self.root = root
        self.classpath = classpath
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def store_url(self) -> str:
        return f"sparql:http://127.0.0.1:{self.port}/ds/query?server=fuseki"

    def start(self, wait: float = 90.0) -> FusekiServer:
        log = open(self.root / "fuseki.log", "wb")
        self.proc = subprocess.Popen(
            ["java", "-Xmx1g", "-cp", self.classpath, "org.apache.jena.fuseki.main.cmds.FusekiMainCmd",
             "--localhost", f"--port={self.port}", "--tdb2", f"--loc={self.root / 'db'}", "--update",
             "--set", "tdb:unionDefaultGraph=true", "/ds"], cwd=self.root, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("Fuseki exited: " + (self.root / "fuseki.log").read_text()[-500:])
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/$/ping", timeout=2):
                    return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"Fuseki did not answer within {wait:.0f} s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


@pytest.fixture(scope="session")
def fuseki_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FusekiServer]:
    """A fresh Fuseki shared by the session; skips, saying why, when its jars are not cached here."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent / "conformance"))
    import engines

    cp = engines.fuseki_classpath()
    if cp is None:
        pytest.skip("Fuseki jars not cached: run tests/conformance/fetch_tools.sh (Maven Central "
                    "org.apache.jena:jena-fuseki-main:5.6.0 on Java 17)")
    srv = FusekiServer(tmp_path_factory.mktemp("fuseki"), cp)
    try:
        srv.start()
    except Exception as e:
        srv.stop()
        pytest.skip(f"Fuseki could not start: {e}")
    yield srv
    srv.stop()
