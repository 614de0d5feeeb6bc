"""``validate()`` takes mlkg's stores as well as rdflib graphs and entities, with the same results (issue 10:
``open_store("oxigraph:...")``, ``open_store("memory:")``, a ``sparql:`` store and an rdflib ``Graph``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph

from mlkg.store import open_store
from mlkg.validate import ValidationReport, validate

from .corpus import planted


def keys(report: ValidationReport) -> list[tuple[Any, ...]]:
    return sorted(((r.focus_node, r.result_path, r.source_shape, r.component, r.severity, r.value, r.message)
                   for r in report.results), key=repr)


@pytest.fixture(scope="module")
def graph() -> Graph:
    return planted()


@pytest.fixture(scope="module")
def expected(graph: Graph) -> list[tuple[Any, ...]]:
    rows = keys(validate(graph, ("core", "governance")))
    assert len(rows) > 20
    return rows


def _filled(url: str, graph: Graph) -> Any:
    store = open_store(url)
    store.load(graph.serialize(format="nt"), format="nt")
    return store


@pytest.mark.parametrize("kind", ["oxigraph-disk", "oxigraph-memory", "memory"])
def test_stores_give_the_graphs_results(kind: str, graph: Graph, expected: list[tuple[Any, ...]],
                                        tmp_path: Path) -> None:
    url = {"oxigraph-disk": f"oxigraph:{tmp_path / 'kg'}", "oxigraph-memory": "oxigraph:",
           "memory": "memory:"}[kind]
    with _filled(url, graph) as store:
        assert _no_bnodes(keys(validate(store, ("core", "governance")))) == _no_bnodes(expected)
        focus = sorted({r[0] for r in expected})[:3]
        assert _no_bnodes(keys(validate(store, ("core", "governance"), focus=focus))) == \
            _no_bnodes([r for r in expected if r[0] in focus])


def _no_bnodes(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Blank nodes of the data get new labels in a store: compare them as one "_:b" label."""
    import re

    return sorted(([re.sub(r"^_:.+$", "_:b", x) if isinstance(x, str) else x for x in r] for r in rows), key=repr)


@pytest.mark.server
def test_sparql_store_gives_the_graphs_results(graph: Graph, expected: list[tuple[Any, ...]], tmp_path: Path) -> None:
    """A server of its own: the session's shared ``oxigraph serve`` holds other tests' data in its default graph."""
    from mlkg.store.server import OxigraphServer, oxigraph_binary

    if oxigraph_binary() is None:
        pytest.skip("oxigraph binary not found: pip install oxigraph (mlkg[server])")
    srv = OxigraphServer(location=tmp_path / "oxserve", union=False)
    srv.start()
    try:
        with _filled(srv.store_url, graph) as store:
            assert _no_bnodes(keys(validate(store, ("core", "governance")))) == _no_bnodes(expected)
    finally:
        srv.stop()
