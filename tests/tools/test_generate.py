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
    """Drift between the schema and a derived file fails the suite, not only CI. (The docs row has its own test,
    tests/docs/test_pages.py, which also checks that no page is left over.)"""
    rows = [a.name for a in generate.GEN_MAP if a.name != "docs"]
    assert generate.run(check=True, only=rows, out=lambda s: None) == []


def test_the_table_names_every_artefact_once() -> None:
    names = [a.name for a in generate.GEN_MAP]
    assert names[0] == "vocab"  # the model imports the vocabulary, so it is generated first
    assert sorted(names) == sorted(set(names)) == ["context", "docs", "importers", "production", "schemas", "shapes",
                                                   "vocab"]


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
    assert generate.main(["--check", "--only", "spec"]) == 2
    assert "no artefact 'spec'; known: vocab, context, shapes, schemas, production, importers, docs" in capsys.readouterr().err


def test_register_adds_a_row(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generate, "GEN_MAP", list(generate.GEN_MAP))
    generate.register(generate.Artefact("pages", "docs/spec/*.md", "mlkg.rdf.context:outputs"))
    assert [a.name for a in generate.GEN_MAP][-1] == "pages"


def test_the_command_ci_runs() -> None:
    """Exactly what .ci/run and the pre-commit hook type."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    calls = [line for line in ci.splitlines() if "mlkg." in line and "python -m" in line]
    assert calls == [".venv/bin/python -m mlkg.tools.generate --check"]
    proc = subprocess.run([sys.executable, "-m", "mlkg.tools.generate", "--check", "--only", "vocab"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


RISK_TIER_BLOCK = '''mlkg:riskTier
    a owl:DatatypeProperty ;
    rdfs:label "riskTier"@en ;
    rdfs:domain mlkg:MLModel ;
    rdfs:range xsd:string ;
    skos:definition "The risk tier model governance assigns to a model."@en ;
    skos:example ":churn mlkg:riskTier \\"high\\" ." ;
    rdfs:isDefinedBy <https://w3id.org/mlkg> ;
    mlkg:category "governance" .

'''


def _py(tree: Path, *code: str) -> subprocess.CompletedProcess[str]:
    env = {**__import__("os").environ, "PYTHONPATH": str(tree / "src")}
    return subprocess.run([sys.executable, *code], cwd=tree, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow  # copies the tree and runs the generator three times (about 15 s)
def test_a_new_string_field_is_one_line_one_block_one_command(tmp_path: Path) -> None:
    """In a copy of the tree: the field alone fails at import naming the missing term; with its ontology block one
    generator run brings every artefact up to date; a wrong domain/range in that block is caught."""
    import shutil

    tree = tmp_path / "tree"
    for part in ("src", "ontology", "contexts"):
        shutil.copytree(ROOT / part, tree / part, ignore=shutil.ignore_patterns("__pycache__"))
    entities = tree / "src" / "mlkg" / "model" / "entities.py"
    anchor = '    task: str | None = lit(V.mlTask, json="task", doc="ML task, e.g. text-classification.")\n'
    text = entities.read_text(encoding="utf-8")
    assert text.count(anchor) == 1
    entities.write_text(text.replace(anchor, anchor + '    risk_tier: str | None = lit(V.riskTier, doc="Risk tier.")\n'),
                        encoding="utf-8")
    rows = ["--only", "vocab", "--only", "context", "--only", "shapes", "--only", "schemas"]

    proc = _py(tree, "-m", "mlkg.tools.generate", *rows)
    assert proc.returncode != 0 and "term 'riskTier' not in namespace" in proc.stderr

    onto = tree / "ontology" / "mlkg.ttl"
    anchor_ttl = "mlkg:target\n    a owl:DatatypeProperty ;"
    onto.write_text(onto.read_text(encoding="utf-8").replace(anchor_ttl, RISK_TIER_BLOCK + anchor_ttl, 1),
                    encoding="utf-8")
    proc = _py(tree, "-m", "mlkg.tools.generate", *rows)
    assert proc.returncode == 0, proc.stderr
    assert "wrote src/mlkg/vocab.py (vocab)" in proc.stderr and "(schemas)" in proc.stderr
    assert _py(tree, "-m", "mlkg.tools.generate", "--check", *rows).returncode == 0
    assert '"riskTier"' in (tree / "contexts" / "mlkg.context.jsonld").read_text(encoding="utf-8")
    assert "mlkgsh:MLModelShape-risk_tier" in (tree / "ontology" / "shapes" / "core.ttl").read_text(encoding="utf-8")

    check = ("-c", "from mlkg.ontology import load_ontology; from mlkg.schema.structure import disagreements; "
                   "print(disagreements(load_ontology()))")
    assert _py(tree, *check).stdout.strip() == "[]"
    onto.write_text(onto.read_text(encoding="utf-8").replace(
        '"riskTier"@en ;\n    rdfs:domain mlkg:MLModel ;\n    rdfs:range xsd:string ;',
        '"riskTier"@en ;\n    rdfs:domain mlkg:Table ; rdfs:range xsd:integer ;'), encoding="utf-8")
    out = _py(tree, *check).stdout
    assert "mlkg:riskTier: rdfs:domain is mlkg:Table" in out and "mlkg:riskTier: rdfs:range is xsd:integer" in out
