"""Run ``oxigraph serve`` (the binary of the PyPI package ``oxigraph``) on loopback: for ``mlkg serve``, tests
and benchmarks.

>>> # with OxigraphServer(location=tmpdir, read_only=True) as srv: open_store(srv.store_url)
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from ..errors import StoreError


def oxigraph_binary() -> str | None:
    """Path of the ``oxigraph`` CLI: ``MLKG_OXIGRAPH`` or ``$PATH``, else next to this Python (a venv)."""
    env = os.environ.get("MLKG_OXIGRAPH")
    if env:
        return env if Path(env).exists() else None
    found = shutil.which("oxigraph")
    if found:
        return found
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else None


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


class OxigraphServer:
    """An ``oxigraph serve`` process on 127.0.0.1 (a free port unless one is given).

    :param location: store directory; None keeps the data in memory.
    :param read_only: run ``serve-read-only`` (several readers may share one directory).
    :param union: queries see all graphs as the default graph (``--union-default-graph``).
    """

    def __init__(self, location: str | Path | None = None, *, read_only: bool = False, union: bool = True,
                 port: int | None = None, host: str = "127.0.0.1", timeout_s: int | None = None) -> None:
        if read_only and location is None:
            raise ValueError("a read-only server needs a location")
        self.location = Path(location) if location is not None else None
        self.read_only = read_only
        self.union = union
        self.host = host
        self.port = port
        self.timeout_s = timeout_s
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def query_url(self) -> str:
        return self.base + "/query"

    @property
    def store_url(self) -> str:
        """The ``--store`` value for :func:`mlkg.store.open_store`."""
        return "sparql:" + self.query_url

    def start(self, wait: float = 20.0) -> OxigraphServer:
        binary = oxigraph_binary()
        if binary is None:
            raise StoreError("the oxigraph binary was not found (pip install oxigraph, or set MLKG_OXIGRAPH)")
        if self.port is None:
            self.port = free_port(self.host)
        cmd = [binary, "serve-read-only" if self.read_only else "serve", "--bind", f"{self.host}:{self.port}"]
        if self.location is not None:
            cmd += ["--location", str(self.location)]
        if self.union:
            cmd.append("--union-default-graph")
        if self.timeout_s:
            cmd += ["--timeout-s", str(self.timeout_s)]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = (self.proc.stderr.read() if self.proc.stderr else b"").decode("utf-8", "replace").strip()
                raise StoreError(f"oxigraph serve exited with code {self.proc.returncode}: {err[:300]}")
            try:
                with urllib.request.urlopen(self.base + "/query?query=ASK%7B%7D", timeout=1) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.03)
        self.stop()
        raise StoreError(f"oxigraph serve did not answer on {self.base} within {wait:.0f} s")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None and self.proc.stderr:
            self.proc.stderr.close()
        self.proc = None

    def __enter__(self) -> OxigraphServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
