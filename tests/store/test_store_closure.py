"""``load(lineage=True)`` into oxigraph adds the super-property triples only when the input lacks some: mlkg's own
files already hold them, and the 27-operation closure update is skipped (issue: speed at scale)."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import PROV

from mlkg import synth
from mlkg.rdf.closure import add_super_properties
from mlkg.store import open_store

TRAINED_ON = URIRef("https://w3id.org/mlkg#trainedOn")


def _counting(store):
    calls: list[str] = []
    real = store.ox

    class Proxy:
        def __getattr__(self, name):
            return getattr(real, name)

        def update(self, text, *a, **k):
            calls.append(text)
            return real.update(text, *a, **k)

    store.ox = Proxy()
    return calls


def test_complete_input_skips_the_update(tmp_path) -> None:
    g = synth.graph_of_size(2000)
    add_super_properties(g)
    with open_store(f"oxigraph:{tmp_path / 'kg'}") as s:
        calls = _counting(s)
        s.load(g, graph="urn:g:1", lineage=True)
        assert not [c for c in calls if "INSERT" in c and str(PROV.wasDerivedFrom) in c]
        assert s.count(URIRef("urn:g:1")) == len(g)


def test_bare_input_gets_the_closure(tmp_path) -> None:
    g = synth.graph_of_size(2000)
    bare = Graph()
    for t in g:
        if not str(t[1]).startswith(str(PROV)):
            bare.add(t)
    assert any(bare.triples((None, TRAINED_ON, None)))
    with open_store(f"oxigraph:{tmp_path / 'kg'}") as s:
        calls = _counting(s)
        s.load(bare, graph="urn:g:1", lineage=True)
        assert [c for c in calls if "INSERT" in c]
        rows = s.query("ASK { GRAPH <urn:g:1> { ?v <https://w3id.org/mlkg#trainedOn> ?t . "
                       "?v <http://www.w3.org/ns/prov#wasDerivedFrom> ?t } }")
        assert rows is True or bool(rows)
