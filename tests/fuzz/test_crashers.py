"""Crashers found by fuzzing (tests/fuzz/targets.py, tools/fuzz_long.py), kept as regression tests with the exact
command a user would type: each must exit 2 with one line naming the file, no traceback, nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlkg.cli import get_app


def mlkg(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(get_app(), list(args))
    return res.exit_code, res.output


def assert_clean(code: int, out: str, path: Path, *words: str) -> None:
    assert code == 2, out
    assert str(path) in out and "Traceback" not in out, out
    assert len(out.strip().splitlines()) <= 2, out
    for w in words:
        assert w in out, out


@pytest.mark.parametrize("depth", [150, 5000, 100_000])
def test_deeply_nested_openmetadata_json(tmp_path: Path, depth: int) -> None:
    """RecursionError (json and pyld recursion) before: now a nesting limit naming the JSON path."""
    p = tmp_path / "deep.json"
    p.write_text('{"name": "m", "algorithm": "x", "tags": ' + "[" * depth + "]" * depth + "}", encoding="utf-8")
    out = tmp_path / "out.ttl"
    assert_clean(*mlkg("convert", str(p), "-o", str(out)), p, "nested")
    assert not out.exists()
    assert_clean(*mlkg("import", "openmetadata", str(p), "-o", str(out)), p, "nested")
    assert not out.exists()


def test_deeply_nested_jsonld(tmp_path: Path) -> None:
    p = tmp_path / "deep.jsonld"
    p.write_text('{"@context": {"p": "http://ex/p"}, "@id": "http://ex/s", "p": ' + "[" * 3000 + "]" * 3000 + "}",
                 encoding="utf-8")
    assert_clean(*mlkg("convert", str(p), "--to", "nt"), p, "nested")


def test_openmetadata_import_of_non_utf8_json(tmp_path: Path) -> None:
    """UnicodeDecodeError in the importer's format sniffing before."""
    p = tmp_path / "models.json"
    p.write_bytes(b'{"name": "m\x91", "algorithm": "x"}')
    out = tmp_path / "out.ttl"
    assert_clean(*mlkg("import", "openmetadata", str(p), "-o", str(out)), p, "UTF-8")
    assert not out.exists()


def test_jsonld_document_that_is_a_string(tmp_path: Path, no_network: None) -> None:
    """pyld took the JSON string as a URL to fetch (refused, but without naming the file) before."""
    p = tmp_path / "s.jsonld"
    p.write_text(json.dumps("http://example.org/ctx"), encoding="utf-8")
    assert_clean(*mlkg("convert", str(p), "--to", "nt"), p, "not a JSON-LD document")


def test_remote_context_refusal_names_the_file(tmp_path: Path, no_network: None) -> None:
    p = tmp_path / "remote.jsonld"
    p.write_text(json.dumps({"@context": "http://example.org/ctx", "@id": "http://ex/s"}), encoding="utf-8")
    assert_clean(*mlkg("convert", str(p), "--to", "nt"), p, "http://example.org/ctx")


def test_pack_with_broken_sparql_constraint(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    pack = tmp_path / "broken.ttl"
    text = (root / "ontology" / "shapes" / "core-rules.ttl").read_text(encoding="utf-8")
    pack.write_text(text.replace("SELECT $this ?value ?measure WHERE {", "SELECT $this ?value ?measure WHERE { {{",
                                 1), encoding="utf-8")
    data = root / "examples" / "output" / "model_versions.ttl"
    assert_clean(*mlkg("validate", str(data), "--pack", str(pack)), pack, "sh:select")


@pytest.mark.parametrize("stamp", ["1e308", "1000000000000000000000000000000", "-99999999999999999"])
def test_epoch_timestamp_out_of_range(tmp_path: Path, stamp: str) -> None:
    """OverflowError from datetime.fromtimestamp before (found by tools/fuzz_long.py)."""
    p = tmp_path / "model.json"
    p.write_text('{"name": "m", "algorithm": "x", "updatedAt": ' + stamp + "}", encoding="utf-8")
    out = tmp_path / "out.ttl"
    code, text = mlkg("import", "openmetadata", str(p), "--strict", "-o", str(out))
    assert code == 2 and "Traceback" not in text and "updatedAt" in text and str(p) in text, text
    assert not out.exists()
    assert_clean(*mlkg("convert", str(p), "-o", str(out)), p, "updatedAt")
    assert not out.exists()


@pytest.mark.parametrize("ctx", ["../../etc/passwd", " ", ""])
def test_relative_context_iri(tmp_path: Path, ctx: str) -> None:
    """pyld's bare ValueError ("invalid relative IRI ... for a missing baseIRI") before."""
    p = tmp_path / "rel.jsonld"
    p.write_text(json.dumps({"@context": ctx, "@id": "http://ex/s"}), encoding="utf-8")
    assert_clean(*mlkg("convert", str(p), "--to", "nt"), p, "JSON-LD")


@pytest.mark.parametrize("term_id", [0, [], {}])
def test_context_term_with_a_falsy_non_string_id(tmp_path: Path, term_id: object) -> None:
    """pyld's TypeError ("expected string or bytes-like object, got 'int'") for a term definition whose "@id" is
    0, [] or {} next to an "@type" (found by tools/fuzz_long.py in mutated mlkg JSON-LD exports)."""
    p = tmp_path / "ctx.jsonld"
    p.write_text(json.dumps({"@context": {"xsd": "http://www.w3.org/2001/XMLSchema#",
                                          "deployedAt": {"@id": term_id, "@type": "xsd:dateTime"}},
                             "@id": "urn:s", "deployedAt": "2024-01-01T00:00:00Z"}), encoding="utf-8")
    out = tmp_path / "out.nt"
    assert_clean(*mlkg("convert", str(p), "--to", "nt", "-o", str(out)), p, "invalid @context")
    assert not out.exists()
    assert_clean(*mlkg("validate", str(p)), p, "invalid @context")


MALFORMED_SHAPES = {
    "unknown-path-property": "ex:S a sh:NodeShape ; sh:targetClass mlkg:MLModel ; "
                             "sh:property [ sh:path [ sh:alternativePatl ( mlkg:name ) ] ; sh:minCount 1 ] .",
    "node-shape-with-a-path": "ex:S a sh:NodeShape ; sh:targetClass mlkg:MLModel ; sh:path mlkg:name ; "
                              "sh:minCount 1 .",
    "property-shape-without-a-path": "ex:S a sh:NodeShape ; sh:targetClass mlkg:MLModel ; sh:property ex:P . "
                                     "ex:P a sh:PropertyShape ; sh:name \"p\" .",
    "sparql-constraint-without-select": "ex:S a sh:NodeShape ; sh:targetClass mlkg:MLModel ; "
                                        "sh:sparql [ sh:message \"x\" ] .",
}


@pytest.mark.parametrize("case", sorted(MALFORMED_SHAPES))
def test_malformed_shapes_in_a_users_pack(tmp_path: Path, case: str) -> None:
    """pySHACL's ShapeLoadError / ConstraintLoadError / ReportableRuntimeError came out as a traceback for a
    malformed pack (found by tools/fuzz_long.py on mutated packs): now one error naming the pack file."""
    pack = tmp_path / f"{case}.ttl"
    pack.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
                    "@prefix mlkg: <https://w3id.org/mlkg#> .\n" + MALFORMED_SHAPES[case] + "\n", encoding="utf-8")
    data = Path(__file__).resolve().parents[2] / "examples" / "output" / "model_versions.ttl"
    code, out = mlkg("validate", str(data), "--pack", str(pack))
    assert code == 2 and str(pack) in out and "not a valid SHACL shapes graph" in out, out
    assert "Traceback" not in out, out
