"""Input limits (mlkg.limits): every reader refuses input past a limit with exit 2 and one line naming the file,
where the limit was crossed (JSON path, subject and predicate, line) and the limit with how to raise it; nothing is
written. Each input is a real oversized file made in tmp; the limits are lowered with ``--limit`` or the
environment variable so the files stay small, except where a default can be crossed cheaply (file size with a
sparse file, nesting depth, literal length)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlkg import limits
from mlkg.cli import get_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _default_limits() -> Iterator[None]:
    """``--limit`` lasts for the process (one command line): give the tests after these the defaults back."""
    yield
    limits.set_from_options([])


def mlkg(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    res = CliRunner().invoke(get_app(), list(args), env=env)
    return res.exit_code, res.output


def refused(code: int, out: str, path: Path | str, limit: str, *words: str) -> None:
    assert code == 2, out
    assert "Traceback" not in out and len(out.strip().splitlines()) == 1, out
    assert str(path) in out, out
    assert f"limit {limit}" in out and limits.LIMITS[limit].env in out, out
    for w in words:
        assert w in out, out


LONG = "x" * 1001  # one past --limit literal_chars=1000

RDF_WITH_LONG_LITERAL = {
    "ttl": f'@prefix mlkg: <https://w3id.org/mlkg#> .\n<urn:m> a mlkg:MLModel ;\n  mlkg:description "{LONG}" .\n',
    "nt": f'<urn:m> <https://w3id.org/mlkg#name> "m" .\n<urn:m> <https://w3id.org/mlkg#description> "{LONG}" .\n',
    "nq": f'<urn:m> <https://w3id.org/mlkg#name> "m" <urn:g> .\n'
          f'<urn:m> <https://w3id.org/mlkg#description> "{LONG}" <urn:g> .\n',
    "trig": f'<urn:g> {{\n<urn:m> <https://w3id.org/mlkg#name> "m" .\n'
            f'<urn:m> <https://w3id.org/mlkg#description> "{LONG}" .\n}}\n',
    "rdf": '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
           'xmlns:mlkg="https://w3id.org/mlkg#">\n<rdf:Description rdf:about="urn:m">\n'
           f'<mlkg:name>m</mlkg:name>\n<mlkg:description>{LONG}</mlkg:description>\n</rdf:Description>\n</rdf:RDF>\n',
    "jsonld": json.dumps({"@context": {"@vocab": "https://w3id.org/mlkg#"}, "@id": "urn:m", "description": LONG}),
}


@pytest.mark.parametrize("suffix", sorted(RDF_WITH_LONG_LITERAL))
def test_long_literal_in_every_rdf_format(tmp_path: Path, suffix: str) -> None:
    p = tmp_path / f"long.{suffix}"
    p.write_text(RDF_WITH_LONG_LITERAL[suffix], encoding="utf-8")
    # to JSON-LD: N-Triples/N-Quads to N-Triples/Turtle are streamed (bounded memory, like mlkg load), not limited
    out = tmp_path / "out.jsonld"
    code, text = mlkg("--limit", "literal_chars=1000", "convert", str(p), "--to", "jsonld", "-o", str(out))
    refused(code, text, p, "literal_chars", "1,001 characters", "at most 1,000 characters")
    # the field: the JSON path for JSON-LD, subject and predicate (and the line) for the RDF syntaxes
    assert ("$.description" in text) if suffix == "jsonld" else ("<urn:m> <https://w3id.org/mlkg#description>"
                                                                  in text), text
    if suffix in ("ttl", "nt", "nq"):
        assert f"{p}:3:" in text if suffix == "ttl" else f"{p}:2:" in text, text
    assert not out.exists()
    # the same file under the default limit (10,000,000 characters) is read
    assert mlkg("convert", str(p), "--to", "jsonld", "-o", str(out))[0] == 0


@pytest.mark.slow
def test_literal_past_the_default_limit(tmp_path: Path) -> None:
    """10 MB on one N-Triples line: rdflib's parser alone took n² (about 30 min); read in whole lines now."""
    p = tmp_path / "card.nt"
    n = limits.LIMITS["literal_chars"].default + 1
    p.write_text(f'<urn:m> <https://w3id.org/mlkg#description> "{"y" * n}" .\n', encoding="utf-8")
    refused(*mlkg("validate", str(p)), p, "literal_chars", f"{n:,} characters", "<urn:m>")


def test_file_larger_than_the_default_limit_is_not_read(tmp_path: Path) -> None:
    """A sparse file just past 1 GiB: refused from its size, before a byte is read."""
    for name in ("big.ttl", "big.json", "big.jsonld"):
        p = tmp_path / name
        with open(p, "wb") as fh:
            fh.truncate(limits.LIMITS["file_bytes"].default + 1)
        refused(*mlkg("convert", str(p), "--to", "nt"), p, "file_bytes", "1,073,741,825 bytes")
        refused(*mlkg("validate", str(p)), p, "file_bytes")


def test_file_size_limit_from_the_environment_and_stdin(tmp_path: Path) -> None:
    p = tmp_path / "m.ttl"
    p.write_text('<urn:m> <https://w3id.org/mlkg#name> "model" .\n' * 40, encoding="utf-8")
    size = p.stat().st_size
    refused(*mlkg("validate", str(p), env={"MLKG_MAX_FILE_BYTES": str(size - 1)}), p, "file_bytes",
            f"{size:,} bytes", f"at most {size - 1:,} bytes")
    assert mlkg("validate", str(p), env={"MLKG_MAX_FILE_BYTES": str(size)})[0] == 0
    res = CliRunner().invoke(get_app(), ["--limit", "file_bytes=100", "validate", "-"], input=p.read_text())
    refused(res.exit_code, res.output, "<stdin>", "file_bytes")


def test_too_many_triples(tmp_path: Path) -> None:
    a, b = tmp_path / "a.nt", tmp_path / "b.nt"
    a.write_text("".join(f'<urn:m{i}> <https://w3id.org/mlkg#name> "m{i}" .\n' for i in range(60)), encoding="utf-8")
    b.write_text("".join(f'<urn:n{i}> <https://w3id.org/mlkg#name> "n{i}" .\n' for i in range(60)), encoding="utf-8")
    assert mlkg("--limit", "triples=100", "convert", str(a), "--to", "jsonld")[0] == 0
    # the second file takes the graph past the limit: it is the one named
    code, out = mlkg("--limit", "triples=100", "convert", str(a), str(b), "--to", "jsonld")
    refused(code, out, b, "triples", "120 triples")
    assert str(a) + ":" not in out


def _om_models(n: int) -> list[dict[str, object]]:
    src = json.loads((ROOT / "tests" / "data" / "om_mlmodel_api.json").read_text(encoding="utf-8"))
    out = []
    for i in range(n):
        m = json.loads(json.dumps(src))
        m.pop("id", None)
        m["name"], m["fullyQualifiedName"] = f"model_{i}", f"svc.model_{i}"
        out.append(m)
    return out


def test_too_many_entities_in_openmetadata_json(tmp_path: Path) -> None:
    p = tmp_path / "models.json"
    p.write_text(json.dumps(_om_models(11)), encoding="utf-8")
    out = tmp_path / "out.ttl"
    refused(*mlkg("--limit", "entities=10", "convert", str(p), "-o", str(out)), p, "entities", "11 entities")
    assert not out.exists()
    assert mlkg("--limit", "entities=11", "convert", str(p), "-o", str(out))[0] == 0


def test_openmetadata_json_limits_name_the_json_path(tmp_path: Path) -> None:
    p = tmp_path / "model.json"
    m = _om_models(1)[0]
    m["description"] = "d" * 2000
    p.write_text(json.dumps(m), encoding="utf-8")
    for cmd in (["convert", str(p), "--to", "nt"], ["import", "openmetadata", str(p), "-q"], ["validate", str(p)]):
        refused(*mlkg("--limit", "literal_chars=1999", *cmd), p, "literal_chars", "$.description",
                "2,000 characters")
    code, out = mlkg("--limit", "json_depth=2", "convert", str(p), "--to", "nt")
    refused(code, out, p, "json_depth", "nested 2+ levels deep")
    code, out = mlkg("--limit", "json_values=50", "convert", str(p), "--to", "nt")
    refused(code, out, p, "json_values", "more than 50 values")


def test_json_depth_default_and_raised(tmp_path: Path) -> None:
    deep = 150
    p = tmp_path / "deep.jsonld"
    p.write_text(json.dumps({"@context": {"@vocab": "https://w3id.org/mlkg#"}, "@id": "urn:m"})[:-1]
                 + ', "tags": ' + "[" * deep + '"t"' + "]" * deep + "}", encoding="utf-8")
    refused(*mlkg("convert", str(p), "--to", "nt"), p, "json_depth", "$.tags" + "[0]" * 99)
    code, out = mlkg("--limit", "json_depth=200", "convert", str(p), "--to", "nt")
    assert code == 0 and '"t"' in out, out


@pytest.mark.slow  # azure-ai-ml takes about 10 s to import
def test_yaml_alias_bomb_in_azure_ml_yaml(tmp_path: Path) -> None:
    """A "billion laughs" of YAML aliases: PyYAML builds it as shared references; walking it counts every use."""
    pytest.importorskip("azure.ai.ml")
    lines = ["$schema: https://azuremlschemas.azureedge.net/latest/model.schema.json", "name: m", "version: 1",
             "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    lines.append("tags: {bomb: *a8}")
    p = tmp_path / "model.yml"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    refused(*mlkg("--limit", "json_values=100000", "import", "azureml", str(p), "-q"), p, "json_values")


def test_yaml_string_limit_in_a_model_card(tmp_path: Path) -> None:
    card = tmp_path / "card" / "README.md"
    card.parent.mkdir()
    card.write_text("---\nlicense: mit\nlanguage: en\ntags:\n- " + "z" * 3000 + "\n---\n# m\n", encoding="utf-8")
    refused(*mlkg("--limit", "literal_chars=2999", "import", "huggingface", str(card), "-q"), card,
            "literal_chars", "$.tags[0]")


def test_bad_limit_values_are_usage_errors(tmp_path: Path) -> None:
    p = tmp_path / "m.ttl"
    p.write_text('<urn:m> <https://w3id.org/mlkg#name> "model" .\n', encoding="utf-8")
    for bad in ("nosuch=1", "triples", "triples=-1", "triples=many"):
        code, out = mlkg("--limit", bad, "validate", str(p))
        assert code == 2 and "--limit" in out and "Traceback" not in out, out
    code, out = mlkg("validate", str(p), env={"MLKG_MAX_TRIPLES": "lots"})
    assert code == 2 and "MLKG_MAX_TRIPLES" in out and "Traceback" not in out, out
    assert mlkg("--limit", "triples=0", "validate", str(p))[0] == 0  # 0: no limit


def test_override_restores_the_limits() -> None:
    before = limits.get("triples")
    with limits.override(triples=5, literal_chars=0):
        assert limits.get("triples") == 5 and limits.get("literal_chars") == 0
    assert limits.get("triples") == before
