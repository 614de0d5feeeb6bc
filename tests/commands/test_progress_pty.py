"""Progress on stderr for the commands that can run long (issue 13, item 9): a spinner when stderr is a terminal
(a pseudo-terminal from the pty module here), nothing when it is piped or with ``-q``.

Each command runs in-process with ``sys.stderr`` on the pty's slave end (rich and click look the stream up when
they write); a thread drains the master end so the command never blocks on a full terminal buffer.
"""

from __future__ import annotations

import os
import pty
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlkg.cli import get_app

ROOT = Path(__file__).resolve().parents[2]
FRAUD = str(ROOT / "examples" / "output" / "fraud_detection.ttl")
SAMPLE = ROOT / "tests" / "importers" / "openmetadata" / "sample_data" / "models"


def _commands(tmp: Path) -> dict[str, tuple[list[str], str]]:
    """command → (arguments, the text its spinner shows)."""
    return {
        "validate": (["validate", str(SAMPLE / "models.json")], "validating"),
        "import": (["import", "openmetadata", str(SAMPLE / "models.json"), "--service", str(SAMPLE / "service.json"),
                    "-o", str(tmp / "om.ttl")], "importing openmetadata"),
        "export": (["export", FRAUD, "--profile", "prov", "-o", str(tmp / "prov.ttl")], "exporting as prov"),
        "convert": (["convert", FRAUD, "--to", "nt", "-o", str(tmp / "f.nt")], "writing"),
        "load": (["load", FRAUD, "--store", f"oxigraph:{tmp / 'kg'}"], "loading fraud_detection.ttl"),
    }


def on_a_terminal(args: list[str]) -> tuple[int, str]:
    """(exit code, everything written to stderr) with stderr on a pseudo-terminal."""
    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # the slave end closed (EIO on Linux)
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    err = os.fdopen(slave, "w", buffering=1, encoding="utf-8")
    saved = sys.stderr
    sys.stderr = err
    try:
        try:
            get_app()(args, standalone_mode=False)
            code = 0
        except SystemExit as e:
            code = int(e.code or 0)
    finally:
        sys.stderr = saved
        err.close()
    reader.join(10)
    os.close(master)
    return code, b"".join(chunks).decode("utf-8", errors="replace")


@pytest.fixture(autouse=True)
def _a_real_terminal(monkeypatch) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    for var in ("TTY_COMPATIBLE", "TTY_INTERACTIVE", "FORCE_COLOR", "NO_COLOR", "COLUMNS"):
        monkeypatch.delenv(var, raising=False)


@pytest.mark.parametrize("command", ["validate", "import", "export", "convert", "load"])
def test_progress_shows_on_a_terminal_and_not_when_piped(command: str, tmp_path: Path) -> None:
    args, shown = _commands(tmp_path)[command]
    code, term = on_a_terminal(args)
    assert code == 0, term
    assert shown in term, term
    piped = CliRunner().invoke(get_app(), args)  # stderr is a pipe here
    assert piped.exit_code == 0, piped.output
    assert shown not in piped.stderr


@pytest.mark.parametrize("command", ["import", "export"])
def test_quiet_means_no_progress_even_on_a_terminal(command: str, tmp_path: Path) -> None:
    args, shown = _commands(tmp_path)[command]
    code, quiet = on_a_terminal([*args, "-q"])
    assert code == 0 and shown not in quiet, quiet
