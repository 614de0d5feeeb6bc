"""``mlkg import --store`` builds no rdflib Graph: the entities' N-Triples go to pyoxigraph and the change log's delta
is taken from pyoxigraph triple sets (mlkg.importers.pipeline.import_triples). The store and its change log must be
exactly what the rdflib path wrote before: the entity graph plus provenance as an rdflib Graph, handed to
``replace_with_history`` (which still takes a Graph).

Real inputs: the ml-metadata-written MLMD store (imported, one artifact's URI changed with SQL, imported again) and
an OpenMetadata ``om:`` RDF file (its importer adds ``owl:sameAs`` extra triples).
"""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Graph

from mlkg.history.log import LOG_DIR, records, replace_with_history
from mlkg.importers import get
from mlkg.importers import pipeline as pl
from mlkg.store import open_store

DATA = Path(__file__).resolve().parents[1] / "importers"
MLMD = DATA / "kubeflow" / "data" / "mlmd.sqlite"
OM_RDF = DATA / "openmetadata" / "om_mlmodel.ttl"


def _graph_path(store: Any, importer: Any, name: Any, ents: list[Any]) -> None:
    """What ``_write_to_store`` did before: an rdflib Graph of the entities, the extras and the provenance."""
    g = pl.entity_graph(importer, ents)
    for t in pl.provenance(importer, name, len(g)):
        g.add(t)
    replace_with_history(store, name, g)


def _state(path: Path) -> tuple[set[str], list[tuple[Any, ...]], dict[str, bytes]]:
    """Every quad of the store (N-Quads lines), the change log's records without their times, and its deltas."""
    st = ox.Store.read_only(str(path))
    quads = {str(q) for q in st}
    del st
    index = json.loads((path / LOG_DIR / "index.json").read_text())
    recs = [(r["graph"], r["sequence"], r["triples"], r["added"], r["removed"]) for r in index["imports"]]
    deltas = {str(p.relative_to(path / LOG_DIR)): gzip.decompress(p.read_bytes())
              for p in sorted((path / LOG_DIR).rglob("*.nt.gz"))}
    return quads, recs, deltas


def _import_both_ways(tmp_path: Path, make: Any, change: Any = None) -> tuple[Path, Path]:
    """Import twice (``change()`` in between) into two stores: the pipeline (new path) and the graph path."""
    new, old = tmp_path / "new", tmp_path / "old"
    for step in range(2):
        if step and change is not None:
            change()
        importer = make()
        ents: list[Any] = []
        report = pl.run(importer, store=f"oxigraph:{new}", into=ents, link=False)
        with open_store(f"oxigraph:{old}") as st:
            _graph_path(st, importer, pl.graph_name(importer), ents)
        with open_store(f"oxigraph:{new}") as st:
            assert report.triples == records(st)[-1].triples - len(pl.provenance(importer, report.graph,
                                                                                  report.triples))
    return new, old


def test_mlmd_import_then_change_writes_the_same_store_and_change_log(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "mlmd.sqlite"
    shutil.copy(MLMD, db)

    def move_artifact() -> None:
        con = sqlite3.connect(db)
        con.execute("UPDATE Artifact SET uri = uri || '-moved' WHERE id = (SELECT MIN(id) FROM Artifact)")
        con.commit()
        con.close()

    make = lambda: get("kubeflow")(mlmd=f"sqlite:///{db}")  # noqa: E731
    # the store path itself makes no rdflib Graph
    made: list[int] = []
    init = Graph.__init__

    def counting(self: Graph, *a: Any, **k: Any) -> None:
        made.append(1)
        init(self, *a, **k)

    monkeypatch.setattr(Graph, "__init__", counting)
    pl.run(make(), store=f"oxigraph:{tmp_path / 'probe'}", link=False)
    assert made == []
    pl.entity_graph(make(), [])  # the file path does build one, and the probe sees it
    assert made
    monkeypatch.setattr(Graph, "__init__", init)

    new, old = _import_both_ways(tmp_path, make, move_artifact)
    q_new, r_new, d_new = _state(new)
    q_old, r_old, d_old = _state(old)
    assert len(r_new) == 2 and r_new[1][3] > 0 and r_new[1][4] > 0  # the second import changed something
    (added,) = [v for k, v in d_new.items() if k.endswith("/2.added.nt.gz")]
    assert b"-moved" in added
    assert r_new == r_old
    assert d_new == d_old
    assert q_new == q_old and len(q_new) > 300


def test_extra_triples_of_an_om_rdf_import_are_written_the_same(tmp_path: Path) -> None:
    make = lambda: get("openmetadata")(source=str(OM_RDF))  # noqa: E731
    new, old = _import_both_ways(tmp_path, make)
    q_new, r_new, d_new = _state(new)
    q_old, r_old, d_old = _state(old)
    assert any("owl#sameAs" in q for q in q_new)  # the importer's extra triples are there
    assert (r_new, d_new, q_new) == (r_old, d_old, q_old)


def test_the_ntriples_a_sparql_store_is_sent_hold_the_graph_paths_triples(tmp_path: Path) -> None:
    """Stores that keep no history get the N-Triples through their loader: same content as the graph path."""
    importer = get("openmetadata")(source=str(OM_RDF))
    ents: list[Any] = []
    report = pl.run(importer, into=ents, store="oxigraph:" + str(tmp_path / "kg"), link=False)
    triples = pl.import_triples(importer, ents, pl.graph_name(importer))
    g = pl.entity_graph(importer, ents)
    for t in pl.provenance(importer, pl.graph_name(importer), len(g)):
        g.add(t)
    assert report.triples == len(g) - len(pl.provenance(importer, pl.graph_name(importer), len(g)))
    loaded = ox.Store()
    loaded.load(ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES)
    from_graph = ox.Store()
    from_graph.load(g.serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES)
    assert {str(q) for q in loaded} == {str(q) for q in from_graph}
