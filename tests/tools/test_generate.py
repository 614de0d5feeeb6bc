"""The one generator command: every derived file is current, and ``--check`` catches a stale one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mlkg.rdf import context
from mlkg.tools import generate

ROOT = Path(__file__).resolve().parents[2]


def test_every_generated_file_is_current() -> None:
    """Drift between the schema and a derived file fails the suite, not only CI."""
    assert generate.run(check=True, out=lambda s: None) == []


def test_the_table_names_every_artefact_once() -> None:
    names = [a.name for a in generate.GEN_MAP]
    assert names[0] == "vocab"  # the model imports the vocabulary, so it is generated first
    assert sorted(names) == sorted(set(names)) == ["context", "schemas", "shapes", "vocab"]


def test_check_names_a_stale_file_and_a_run_rewrites_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    stale = tmp_path / "mlkg.context.jsonld"
    stale.write_text('{"@context": {}}\n', encoding="utf-8")
    monkeypatch.setattr(context, "context_path", lambda: stale)

    assert generate.main(["--check", "--only", "context"]) == 1
    err = capsys.readouterr().err
    assert f"stale: {stale} (context)" in err and "run: python -m mlkg.tools.generate" in err
    assert stale.read_text(encoding="utf-8") == '{"@context": {}}\n'  # --check writes nothing

    assert generate.main(["--only", "context"]) == 0
    assert stale.read_text(encoding="utf-8") == context.render()
    assert generate.main(["--check", "--only", "context"]) == 0


def test_unknown_artefact_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert generate.main(["--check", "--only", "docs"]) == 2
    assert "no artefact 'docs'; known: vocab, context, shapes, schemas" in capsys.readouterr().err


def test_register_adds_a_row(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generate, "GEN_MAP", list(generate.GEN_MAP))
    generate.register(generate.Artefact("pages", "docs/spec/*.md", "mlkg.rdf.context:outputs"))
    assert [a.name for a in generate.GEN_MAP][-1] == "pages"


def test_the_command_ci_runs() -> None:
    """Exactly what .ci/run and the pre-commit hook type."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    calls = [line for line in ci.splitlines() if "mlkg." in line and "python -m" in line]
    assert calls == [".venv/bin/python -m mlkg.tools.generate --check"]
    proc = subprocess.run([sys.executable, "-m", "mlkg.tools.generate", "--check"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
