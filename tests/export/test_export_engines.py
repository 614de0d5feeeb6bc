"""The profiles mean the same on every engine: files (copied into pyoxigraph), an oxigraph store and rdflib's own
evaluator (a memory: store) give the same output, through the CLI's --store option."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import to_isomorphic

from mlkg.export import export
from mlkg.rdf.closure import add_super_properties
from mlkg.rdf.formats import load_graph
from mlkg.store import graph_from, open_store

ROOT = Path(__file__).resolve().parents[2]
FRAUD = ROOT / "examples" / "output" / "fraud_detection.ttl"
PROFILES = ["prov", "mls", "fair4ml", "om-rdf", "mct", "hf-card", "datahub"]


def mlkg(*args: str) -> subprocess.CompletedProcess:
    """The command a user types (a process of its own, so the store is opened and closed as in real use)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    return subprocess.run([sys.executable, "-m", "mlkg", *args], capture_output=True, text=True, env=env,
                          timeout=300)


def test_cli_export_from_an_oxigraph_store_equals_export_from_files(tmp_path):
    store = f"oxigraph:{tmp_path / 'kg'}"
    res = mlkg("load", str(FRAUD), "--store", store)
    assert res.returncode == 0, res.stderr
    for profile in ("om-rdf", "prov"):
        a, b = tmp_path / f"files-{profile}.ttl", tmp_path / f"store-{profile}.ttl"
        assert mlkg("export", str(FRAUD), "--profile", profile, "-o", str(a)).returncode == 0
        res = mlkg("export", "--store", store, "--profile", profile, "-o", str(b))
        assert res.returncode == 0, res.stderr
        assert to_isomorphic(Graph().parse(a)) == to_isomorphic(Graph().parse(b)), profile


@pytest.mark.slow
@pytest.mark.parametrize("profile", PROFILES)
def test_rdflib_evaluator_gives_the_same_output(profile):
    g = load_graph([FRAUD])
    add_super_properties(g)
    fast = export(g, profile)                       # a plain graph: queries run in pyoxigraph
    mem = open_store("memory:")
    mem.load(path=str(FRAUD))
    view = graph_from(None, mem)                    # an rdflib Dataset: rdflib evaluates the queries
    slow = export(view, profile)
    assert fast.files == slow.files


def test_pyld_dataset_is_what_pylds_own_nquads_parser_reads():
    # the framed profiles hand pyld the graph as its RDF dataset directly (pyld's parser is quadratic); the JSON-LD
    # must be the same as through pyld's own N-Quads parser
    from pyld import jsonld
    from rdflib import BNode, Literal, URIRef
    from rdflib.namespace import XSD

    from mlkg.export.engine import _to_jsonld_rdf

    g = load_graph([FRAUD])
    add_super_properties(g)
    s = URIRef("https://example.org/x")
    g.add((s, URIRef("https://example.org/label"), Literal("Modèle \"quoted\"\nline", lang="fr")))
    g.add((s, URIRef("https://example.org/node"), BNode("b1")))
    g.add((BNode("b1"), URIRef("https://example.org/n"), Literal("3", datatype=XSD.integer)))
    reference = jsonld.from_rdf(g.serialize(format="nt"), {"format": "application/n-quads", "useNativeTypes": True})
    assert _to_jsonld_rdf(g) == reference
