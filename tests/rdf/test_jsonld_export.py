"""JSON-LD that mlkg writes is readable offline by standard processors (issue 13, item 2).

The files are written by the real command (``mlkg convert ... --to jsonld``) in a subprocess; they are then read in
this process by rdflib and pyld, with every socket refused (the ``no_network`` fixture).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pyld import jsonld
from rdflib import Graph
from rdflib.compare import isomorphic

from mlkg.rdf.jsonld import document_loader

DATA = Path(__file__).resolve().parents[1] / "data"
SOURCE = DATA / "om_mlmodel_api.json"


def convert(tmp_path: Path, *extra: str, name: str = "out") -> tuple[Path, Graph]:
    """(the JSON-LD file, the same conversion as N-Triples parsed) for the OpenMetadata API fixture."""
    out = tmp_path / f"{name}.jsonld"
    nt = tmp_path / f"{name}.nt"
    for target, fmt in ((out, "jsonld"), (nt, "nt")):
        proc = subprocess.run([sys.executable, "-m", "mlkg", "convert", str(SOURCE), "--to", fmt, "-o", str(target),
                               *(extra if fmt == "jsonld" else ())], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
    return out, Graph().parse(nt, format="nt")


@pytest.fixture(scope="module")
def default_export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Graph]:
    return convert(tmp_path_factory.mktemp("jsonld"))


def test_rdflib_reads_the_default_export_offline(default_export: tuple[Path, Graph], no_network: None) -> None:
    out, expected = default_export
    assert isomorphic(Graph().parse(out, format="json-ld"), expected)


def test_pyld_reads_the_default_export_offline(default_export: tuple[Path, Graph], no_network: None) -> None:
    out, expected = default_export
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert isinstance(doc["@context"], dict) and doc["@context"]["mlkg"] == "https://w3id.org/mlkg#"
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads"})  # pyld's own loader: it would need the network
    assert isomorphic(Graph().parse(data=nquads, format="nt"), expected)


def test_other_vocabularies_are_written_with_prefixes(default_export: tuple[Path, Graph]) -> None:
    doc = json.loads(default_export[0].read_text(encoding="utf-8"))
    assert doc["@context"]["dct"] == "http://purl.org/dc/terms/"
    assert doc["@context"]["prov"] == "http://www.w3.org/ns/prov#"
    body = json.dumps(doc["@graph"])
    assert "dct:isPartOf" in body and "prov:wasDerivedFrom" in body
    assert "http://purl.org/dc/terms/" not in body and "http://www.w3.org/ns/prov#" not in body


def test_url_mode_names_the_context_and_mlkgs_loader_reads_it(tmp_path: Path, no_network: None) -> None:
    out, expected = convert(tmp_path, "--context", "url")
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["@context"][0] == "https://w3id.org/mlkg/context.jsonld"
    with pytest.raises(Exception):  # a standard processor would have to fetch it
        jsonld.to_rdf(doc, {"format": "application/n-quads"})
    nquads = jsonld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": document_loader()})
    assert isomorphic(Graph().parse(data=nquads, format="nt"), expected)


def test_file_mode_writes_the_context_beside_the_export(tmp_path: Path, no_network: None) -> None:
    (tmp_path / "ctx").mkdir()
    out, expected = convert(tmp_path, "--context", str(tmp_path / "ctx" / "mlkg.context.jsonld"))
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["@context"][0] == "ctx/mlkg.context.jsonld"
    assert (tmp_path / "ctx" / "mlkg.context.jsonld").exists()
    assert isomorphic(Graph().parse(out, format="json-ld"), expected)


def test_a_missing_directory_is_named(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "mlkg", "convert", str(SOURCE), "--to", "jsonld", "-o",
                           str(tmp_path / "nope" / "out.jsonld")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"no such directory '{tmp_path / 'nope'}'" in proc.stderr and ".out.jsonld." not in proc.stderr
