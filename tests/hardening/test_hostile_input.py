"""Hostile input: mlkg reads nothing and fetches nothing the user did not ask for. Remote and ``file:`` JSON-LD
contexts and ``@import``, RDF/XML external entities and entity expansion, ``owl:imports``. The suite-wide socket
guard (tests/conftest.py) turns any connection outside loopback into a failure; ``no_network`` blocks loopback too.
Every case is the command a user types."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlkg.cli import get_app

SECRET = "planted-local-file-4f1c9e"


def mlkg(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(get_app(), list(args))
    return res.exit_code, res.output


@pytest.fixture
def local_secret(tmp_path: Path) -> Path:
    """A local file an attacker would like mlkg to read into the graph."""
    p = tmp_path / "secret.txt"
    p.write_text(SECRET, encoding="utf-8")
    return p


@pytest.fixture
def local_context(tmp_path: Path) -> Path:
    p = tmp_path / "ctx.jsonld"
    p.write_text(json.dumps({"@context": {"leak": f"http://ex/{SECRET}#"}}), encoding="utf-8")
    return p


def _refused(code: int, out: str, doc: Path, url: str) -> None:
    assert code == 2, out
    assert str(doc) in out and url in out and "Traceback" not in out, out
    assert SECRET not in out


@pytest.mark.parametrize("ctx", ["http://example.org/ctx.jsonld", "https://w3id.org/other/context.jsonld"])
def test_remote_context_is_not_fetched(tmp_path: Path, no_network: None, ctx: str) -> None:
    doc = tmp_path / "doc.jsonld"
    doc.write_text(json.dumps({"@context": ctx, "@id": "http://ex/s", "name": "x"}), encoding="utf-8")
    out = tmp_path / "out.nt"
    _refused(*mlkg("convert", str(doc), "--to", "nt", "-o", str(out)), doc, ctx)
    assert not out.exists()
    _refused(*mlkg("validate", str(doc)), doc, ctx)


def test_file_context_is_not_read(tmp_path: Path, local_context: Path, no_network: None) -> None:
    url = local_context.as_uri()
    doc = tmp_path / "doc.jsonld"
    doc.write_text(json.dumps({"@context": url, "@id": "http://ex/s", "leak": "x"}), encoding="utf-8")
    out = tmp_path / "out.nt"
    _refused(*mlkg("convert", str(doc), "--to", "nt", "-o", str(out)), doc, url)
    assert not out.exists()


@pytest.mark.parametrize("kind", ["http", "file"])
def test_context_import_is_not_followed(tmp_path: Path, local_context: Path, no_network: None, kind: str) -> None:
    url = "http://example.org/base.jsonld" if kind == "http" else local_context.as_uri()
    doc = tmp_path / "doc.jsonld"
    doc.write_text(json.dumps({"@context": {"@version": 1.1, "@import": url}, "@id": "http://ex/s", "leak": "x"}),
                   encoding="utf-8")
    _refused(*mlkg("convert", str(doc), "--to", "nt"), doc, url)


def test_rdfxml_external_entity_is_not_read(tmp_path: Path, local_secret: Path) -> None:
    doc = tmp_path / "xxe.rdf"
    doc.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY xxe SYSTEM "{local_secret.as_uri()}"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:m="https://w3id.org/mlkg#">
  <rdf:Description rdf:about="https://example.org/m"><m:description>&xxe;</m:description></rdf:Description>
</rdf:RDF>
""", encoding="utf-8")
    out = tmp_path / "out.nt"
    code, text = mlkg("convert", str(doc), "--to", "nt", "-o", str(out))
    assert "Traceback" not in text and SECRET not in text
    assert code == 2 and str(doc) in text and "external XML entity 'xxe'" in text, text
    assert not out.exists()


def test_rdfxml_external_entity_over_http_is_not_fetched(tmp_path: Path, no_network: None) -> None:
    doc = tmp_path / "xxe.rdf"
    doc.write_text("""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY xxe SYSTEM "http://example.org/secret"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:m="https://w3id.org/mlkg#">
  <rdf:Description rdf:about="https://example.org/m"><m:description>&xxe;</m:description></rdf:Description>
</rdf:RDF>
""", encoding="utf-8")
    code, text = mlkg("convert", str(doc), "--to", "nt")
    assert code == 2 and "external XML entity" in text and "Traceback" not in text, text


def test_rdfxml_entity_expansion_is_bounded(tmp_path: Path) -> None:
    """A "billion laughs" document: expat refuses the amplification; mlkg reports it as an input error."""
    ents = ['<!ENTITY lol0 "lollollollollollollollollollol">']
    ents += [f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)]
    doc = tmp_path / "laughs.rdf"
    doc.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ {' '.join(ents)} ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:m="https://w3id.org/mlkg#">
  <rdf:Description rdf:about="https://example.org/m"><m:description>&lol9;</m:description></rdf:Description>
</rdf:RDF>
""", encoding="utf-8")
    t = time.monotonic()
    code, text = mlkg("convert", str(doc), "--to", "nt")
    assert time.monotonic() - t < 20
    assert code == 2 and str(doc) in text and "Traceback" not in text, text[:500]


def test_owl_imports_are_not_followed(tmp_path: Path, local_secret: Path, no_network: None) -> None:
    other = tmp_path / "other.ttl"
    other.write_text(f'<https://example.org/x> <https://w3id.org/mlkg#description> "{SECRET}" .\n', encoding="utf-8")
    doc = tmp_path / "onto.ttl"
    doc.write_text(f"""@prefix owl: <http://www.w3.org/2002/07/owl#> .
<https://example.org/onto> a owl:Ontology ; owl:imports <http://example.org/remote.ttl> , <{other.as_uri()}> .
""", encoding="utf-8")
    out = tmp_path / "out.nt"
    code, text = mlkg("convert", str(doc), "--to", "nt", "-o", str(out))
    assert code == 0, text
    assert SECRET not in out.read_text(encoding="utf-8")
    code, text = mlkg("validate", str(doc))
    assert code in (0, 1) and SECRET not in text and "Traceback" not in text, text


def test_rdfxml_flat_namespace_entities_still_read(tmp_path: Path) -> None:
    doc = tmp_path / "ok.rdf"
    doc.write_text("""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY mlkg "https://w3id.org/mlkg#"> <!ENTITY ex 'https://example.org/'> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:m="&mlkg;">
  <rdf:Description rdf:about="&ex;m"><m:description>ok</m:description></rdf:Description>
</rdf:RDF>
""", encoding="utf-8")
    code, text = mlkg("convert", str(doc), "--to", "nt")
    assert code == 0, text
    assert '<https://example.org/m> <https://w3id.org/mlkg#description> "ok"' in text
