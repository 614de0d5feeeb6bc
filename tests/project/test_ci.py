"""CI calls the README's full test command: the two are checked against each other, so neither drifts."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _args(cmd: str) -> list[str]:
    words = shlex.split(cmd)
    i = next(i for i, w in enumerate(words) if w.endswith("pytest"))
    # CI's own output options (quiet, no cache dir in the clean clone) are not part of what is tested
    return [w for w in words[i + 1:] if w not in ("-q", "-p", "no:cacheprovider")]


def test_ci_runs_the_readme_full_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- illustrative: CI's own command", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    readme_cmd = block.strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    ci_cmds = [l.strip() for l in ci.splitlines() if re.search(r"-m pytest|/pytest\b", l) and not l.strip().startswith("#")]
    assert len(ci_cmds) == 1, ci_cmds
    assert _args(ci_cmds[0]) == _args(readme_cmd), (ci_cmds[0], readme_cmd)
    assert '-m ""' in readme_cmd or "-m ''" in readme_cmd
