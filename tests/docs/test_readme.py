"""The README's code blocks marked ``<!-- tested ... -->`` run as a user would type them.

Python blocks are executed; in bash blocks each line is run with ``.venv/bin/`` mapped to this interpreter's
environment, from the checkout's root. Every other block must be marked illustrative (tests/docs/test_pages.py).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def _tested_blocks(lang: str) -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(rf"<!-- tested[^\n]*-->\n```{lang}\n(.*?)\n```", text, re.S)


def test_readme_has_tested_blocks() -> None:
    assert _tested_blocks("python") and _tested_blocks("bash")


@pytest.mark.parametrize("index", range(len(_tested_blocks("python"))))
def test_python_block_runs(index: int, capsys: pytest.CaptureFixture[str]) -> None:
    code = _tested_blocks("python")[index]
    exec(compile(code, f"README.md python block {index}", "exec"), {"__name__": "__readme__"})
    out = capsys.readouterr().out
    if "print(g.serialize" in code:  # the entity example prints its graph
        assert "customer_churn_predictor" in out and "mlkg:trainedOn" in out, out[:500]


@pytest.mark.parametrize("index", range(len(_tested_blocks("bash"))))
def test_bash_block_runs(index: int) -> None:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    for line in _tested_blocks("bash")[index].splitlines():
        line = line.split("  #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        args = shlex.split(line)
        if args[0].startswith(".venv/bin/"):
            args[0] = str(BIN / args[0].removeprefix(".venv/bin/"))
        r = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert r.returncode == 0, f"{line!r} exited {r.returncode}: {r.stderr[-500:]}"
