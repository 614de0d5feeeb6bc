"""One-way layers: the import-linter contract in pyproject.toml holds, and no function-level import of mlkg's own
modules hides an edge without saying why.

A function-level import of an mlkg module is allowed when a ``# lazy: <reason>`` comment on its line, or on the
line above its block of imports, says why (an optional SDK behind it, keeping ``mlkg --help`` or a command's
start-up fast, a named cycle). Such imports are still edges for import-linter, which reads function bodies too.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "mlkg"

#: The marker a function-level import's comment starts with, followed by the reason.
LAZY = re.compile(r"#.*\blazy: *\S")


def _own(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").split(".")[0] == "mlkg"
    return isinstance(node, ast.Import) and any(a.name.split(".")[0] == "mlkg" for a in node.names)


def unexplained_imports(path: Path) -> list[int]:
    """Line numbers of function-level imports of mlkg modules with no ``# lazy: <reason>`` comment (on the line, or
    on the line above the run of import lines it belongs to)."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    out = []
    for fn in ast.walk(ast.parse(text)):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(fn):
            if not isinstance(node, (ast.Import, ast.ImportFrom)) or not _own(node):
                continue
            if LAZY.search(lines[node.lineno - 1]):
                continue
            i = node.lineno - 2
            while i >= 0 and (not lines[i].strip() or lines[i].lstrip().startswith(("from ", "import "))):
                i -= 1
            if i >= 0 and lines[i].lstrip().startswith("#") and LAZY.search(lines[i]):
                continue
            out.append(node.lineno)
    return sorted(set(out))


def _report() -> dict[str, list[int]]:
    found = {}
    for p in sorted(SRC.rglob("*.py")):
        lines = unexplained_imports(p)
        if lines:
            found[str(p.relative_to(SRC))] = lines
    return found


def test_no_unexplained_function_level_imports() -> None:
    found = _report()
    assert not found, "function-level imports of mlkg modules without a `# lazy: <reason>` comment: " + "; ".join(
        f"{f}: lines {', '.join(map(str, n))}" for f, n in found.items())


def test_the_checker_finds_an_unexplained_import(tmp_path: Path) -> None:
    p = tmp_path / "m.py"
    p.write_text("def f():\n    from .query import run_query\n\n\ndef g():\n    # lazy: an optional SDK\n"
                 "    from .importers import mlflow\n    from . import ids\n\n\n"
                 "def h():\n    from . import ids  # noqa: F401 - a comment that gives no reason\n"
                 "    from . import errors  # lazy: a named cycle\n    # lazy:\n    from . import limits\n",
                 encoding="utf-8")
    assert unexplained_imports(p) == [2, 12, 15]


@pytest.mark.skipif(shutil.which("lint-imports") is None and not (Path(sys.executable).parent / "lint-imports")
                    .exists(), reason="import-linter is not installed (mlkg[lint])")
def test_import_linter_layers_contract_holds() -> None:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    env_path = str(SRC.parent)
    r = subprocess.run([exe, "--config", str(SRC.parents[1] / "pyproject.toml")], capture_output=True, text=True,
                       env={"PYTHONPATH": env_path, "PATH": str(Path(sys.executable).parent)}, timeout=300)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    assert "1 kept, 0 broken" in r.stdout
