"""Lineage BFS on a pyoxigraph store reads the store's own index with no term conversion (``_OxIndex``); it gives
exactly the answers of the walk through the store interface (``Store.neighbours``, rdflib terms) and of the SPARQL
method, on a synthetic estate, and hides the staging graph of an import in progress as every read does."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import URIRef

from mlkg import lineage, synth
from mlkg.dataset import OxigraphView
from mlkg.namespaces import PROV
from mlkg.query import lineage as lin
from mlkg.rdf.closure import add_super_properties
from mlkg.rdf.oxterms import to_ox


@pytest.fixture(scope="module")
def estate() -> OxigraphView:
    from mlkg.rdf.build import to_graph

    g = to_graph(synth.generate(4, seed=11))
    add_super_properties(g)
    store = ox.Store()
    store.bulk_load(g.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES,
                    to_graph=ox.NamedNode("urn:g:estate"))
    return OxigraphView(store)


def _starts(view: OxigraphView) -> list[str]:
    g = view.to_graph()
    iris = synth.sample_iris(4, seed=11)
    picks = [iris["raw_column"], iris["dashboard"], iris["model"]]
    picks += sorted(str(s) for s in g.subjects(PROV.wasDerivedFrom, None) if isinstance(s, URIRef))[:5]
    return [p for p in picks if (URIRef(p), None, None) in g or (None, None, URIRef(p)) in g]


def test_the_index_walk_is_the_store_interface_walk(estate: OxigraphView) -> None:
    assert isinstance(lin._index(estate), lin._OxIndex)
    starts = _starts(estate)
    assert len(starts) >= 5
    for start in starts:
        for direction in ("up", "down"):
            fast = lin.bfs(lin._OxIndex(estate), start, direction, None)
            slow = lin.bfs(lin._Index(estate), start, direction, None)
            assert fast == slow, (start, direction)
            assert len(fast) > 1 or direction == "down"
        assert lineage.impact(estate, start) == lineage.impact(estate, start, method="sparql")
        assert lineage.upstream(estate, start) == lineage.upstream(estate, start, method="sparql")


def test_a_staging_graph_is_hidden_from_the_walk(estate: OxigraphView) -> None:
    start = _starts(estate)[0]
    before = lineage.impact(estate, start)
    staging = "urn:mlkg:staging:test"
    extra = ox.Quad(ox.NamedNode("urn:x:staged"), to_ox(PROV.wasDerivedFrom), ox.NamedNode(start),
                    ox.NamedNode(staging))
    estate.ox.add(extra)
    estate._staging.add(staging)
    try:
        assert lineage.impact(estate, start) == before
        assert lin._OxIndex(estate).neighbours(start, "down") == lin._Index(estate).neighbours(start, "down")
        assert "urn:x:staged" not in lin._OxIndex(estate).neighbours(start, "down")
        estate._staging.discard(staging)  # the import is done: its graph is data like any other
        assert "urn:x:staged" in lin._OxIndex(estate).neighbours(start, "down")
    finally:
        estate._staging.discard(staging)
        estate.ox.remove(extra)
