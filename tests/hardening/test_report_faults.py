"""Faults while ``mlkg validate`` writes its report (``-o FILE``, ``--report-json FILE``): killed with SIGKILL at
each point of the write, or hitting a write error (no space left, a file-size limit, a missing directory), the
file holds the old report or the new one, never half, and a write error is one line with exit 2.

The SIGKILL points are exact: the child (the real command in its own process) sends SIGKILL to itself after half
of the report reached the temporary file, just before the rename, and just after it. A timed kill cannot aim at
a write that takes a millisecond."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlkg.cli import get_app

ROOT = Path(__file__).resolve().parents[2]
GOOD = ROOT / "examples" / "output" / "model_versions.ttl"

#: The child: the mlkg CLI with os.fdopen / os.replace wrapped so it kills itself at MLKG_KILL_AT while writing
#: the file named MLKG_KILL_FILE.
CHILD = r"""
import os, signal, sys
point, target = os.environ["MLKG_KILL_AT"], os.path.basename(os.environ["MLKG_KILL_FILE"])
real_fdopen, real_replace = os.fdopen, os.replace

def die():
    os.kill(os.getpid(), signal.SIGKILL)

class HalfThenDie:
    def __init__(self, fh):
        self.fh = fh
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        self.fh.close()
    def write(self, data):
        self.fh.write(data[: len(data) // 2])
        self.fh.flush()
        os.fsync(self.fh.fileno())
        die()

def fdopen(fd, *args, **kwargs):
    fh = real_fdopen(fd, *args, **kwargs)
    name = os.path.basename(os.readlink(f"/proc/self/fd/{fd}")) if isinstance(fd, int) else ""
    return HalfThenDie(fh) if point == "mid-write" and name.startswith("." + target + ".") else fh

def replace(src, dst, *args, **kwargs):
    mine = os.path.basename(str(dst)) == target
    if mine and point == "before-rename":
        die()
    real_replace(src, dst, *args, **kwargs)
    if mine and point == "after-rename":
        die()

os.fdopen, os.replace = fdopen, replace
from mlkg.cli import main
sys.argv[0] = "mlkg"
main()
"""


def env(**extra: str) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
                PYTHONDONTWRITEBYTECODE="1", **extra)


def mlkg(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(get_app(), list(args))
    return res.exit_code, res.output


@pytest.fixture(scope="module")
def bad_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A graph with violations: its report differs from the clean one's and is a few kilobytes."""
    d = tmp_path_factory.mktemp("report-faults")
    p = d / "bad.ttl"
    p.write_text("@prefix mlkg: <https://w3id.org/mlkg#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
                 + "".join(f'<urn:mlkg:test:m{i}> a mlkg:MLModel ; mlkg:name "m{i}" ; '
                           f'mlkg:version "not-a-number" ; mlkg:fullyQualifiedName "x.m{i}", "y.m{i}" .\n'
                           for i in range(40)), encoding="utf-8")
    return p


def _old_report(option: str, out: Path) -> str:
    code, text = mlkg("validate", str(GOOD), "--format", "json", option, str(out))
    assert code == 0, text
    old = out.read_text(encoding="utf-8")
    assert json.loads(old)["conforms"] is True
    return old


def _assert_old_or_new(out: Path, old: str, bad: Path) -> str:
    text = out.read_text(encoding="utf-8")
    if text != old:  # the new report landed: it is whole
        doc = json.loads(text)
        assert doc["conforms"] is False and doc["counts"]["Violation"] >= 40, text[:300]
        return "new"
    return "old"


@pytest.mark.slow
@pytest.mark.parametrize("option", ["-o", "--report-json"])
@pytest.mark.parametrize("point", ["mid-write", "before-rename", "after-rename"])
def test_sigkill_while_the_report_is_written(tmp_path: Path, bad_data: Path, option: str, point: str) -> None:
    out = tmp_path / "report.json"
    old = _old_report(option, out)
    p = subprocess.run([sys.executable, "-c", CHILD, "validate", str(bad_data), "--format", "json", option,
                        str(out)], capture_output=True, text=True, timeout=300,
                       env=env(MLKG_KILL_AT=point, MLKG_KILL_FILE=str(out)))
    assert p.returncode == -signal.SIGKILL, (p.returncode, p.stderr[-500:])
    got = _assert_old_or_new(out, old, bad_data)
    assert got == ("new" if point == "after-rename" else "old")
    if point == "mid-write":  # the half report exists, but only as the temporary file beside it
        halves = [f for f in tmp_path.iterdir() if f.name.startswith(".report.json.")]
        assert halves and all(f.stat().st_size > 0 for f in halves)
        with pytest.raises(ValueError):
            json.loads(halves[0].read_text(encoding="utf-8"))
    # the next run is not confused by what the killed one left
    assert mlkg("validate", str(bad_data), "--format", "json", option, str(out))[0] == 1
    assert _assert_old_or_new(out, old, bad_data) == "new"


@pytest.mark.slow
def test_file_size_limit_hit_while_writing(tmp_path: Path, bad_data: Path) -> None:
    """RLIMIT_FSIZE stops the write after 2,000 bytes (EFBIG, what a full disk gives as ENOSPC): exit 2, one line
    naming the file, the old report untouched, no temporary file left."""
    out = tmp_path / "report.json"
    old = _old_report("-o", out)
    assert len(old) < 2000

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (2000, 2000))

    p = subprocess.run([sys.executable, "-c", "import sys; from mlkg.cli import main; sys.argv[0] = 'mlkg'; main()",
                        "validate", str(bad_data), "--format", "json", "-o", str(out)],
                       capture_output=True, text=True, timeout=300, env=env(), preexec_fn=small_files)
    assert p.returncode == 2, p.stderr[-500:]
    assert str(out) in p.stderr and "File too large" in p.stderr and "Traceback" not in p.stderr, p.stderr
    assert out.read_text(encoding="utf-8") == old
    assert [f.name for f in tmp_path.iterdir()] == ["report.json"]


@pytest.mark.parametrize("option", ["-o", "--report-json"])
def test_no_space_left_on_device(bad_data: Path, option: str) -> None:
    """/dev/full: every write fails with ENOSPC. It is a device, so it is written in place (renaming over it would
    replace the device), and the error is one line."""
    assert Path("/dev/full").is_char_device()
    code, text = mlkg("validate", str(bad_data), "--format", "json", option, "/dev/full")
    assert code == 2 and "/dev/full" in text and "No space left on device" in text, text
    assert "Traceback" not in text and len(text.strip().splitlines()) == 1, text
    assert Path("/dev/full").is_char_device()


def test_report_into_a_missing_or_unwritable_place(tmp_path: Path, bad_data: Path) -> None:
    for target in (tmp_path / "no" / "such" / "dir" / "r.json", tmp_path):
        code, text = mlkg("validate", str(bad_data), "--report-json", str(target))
        assert code == 2 and str(target) in text and "Traceback" not in text, text
    assert sorted(f.name for f in tmp_path.iterdir()) == []


def test_report_file_matches_stdout(tmp_path: Path, bad_data: Path) -> None:
    out, js = tmp_path / "report.txt", tmp_path / "report.json"
    code, printed = mlkg("validate", str(bad_data))
    assert code == 1
    code, text = mlkg("validate", str(bad_data), "-o", str(out), "--report-json", str(js))
    assert code == 1 and text == ""
    assert out.read_text(encoding="utf-8") == printed
    doc = json.loads(js.read_text(encoding="utf-8"))
    assert doc["conforms"] is False and doc["passed"] is False
