"""The embedded store's public journal hooks: ``new_graph`` and ``staging_graph`` (mlkg.store.embedded), which the
change log (mlkg.history.log) writes through. A real on-disk pyoxigraph store; crashes are real SIGKILLs of a
child process at a known point."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import URIRef

from mlkg.errors import StoreError
from mlkg.store import open_store
from mlkg.store.base import STAGING_PREFIX
from mlkg.store.embedded import JOURNAL, OxigraphStore

G = "https://example.org/graph/g"
S, P = ox.NamedNode("urn:s"), ox.NamedNode("urn:p")


def _quads(g: object, n: int) -> list[ox.Quad]:
    return [ox.Quad(S, P, ox.Literal(str(i)), g) for i in range(n)]  # type: ignore[arg-type]


def test_new_graph_commits_on_success_and_drops_on_error(tmp_path: Path) -> None:
    with open_store(f"oxigraph:{tmp_path / 'kg'}") as st:
        assert isinstance(st, OxigraphStore)
        with st.new_graph(G) as g:
            assert (tmp_path / "kg" / JOURNAL).exists()  # journaled while the block runs
            st.ox.bulk_extend(_quads(g, 3))
        assert not (tmp_path / "kg" / JOURNAL).exists()
        assert st.graphs() == [URIRef(G)] and len(st) == 3
        other = "https://example.org/graph/other"
        with pytest.raises(RuntimeError, match="half way"), st.new_graph(other) as g2:
            st.ox.bulk_extend(_quads(g2, 5))
            raise RuntimeError("half way")
        assert st.graphs() == [URIRef(G)] and len(st) == 3
        assert not (tmp_path / "kg" / JOURNAL).exists()


def test_new_graph_refuses_a_graph_with_triples_and_a_read_only_store(tmp_path: Path) -> None:
    path = tmp_path / "kg"
    with open_store(f"oxigraph:{path}") as st:
        assert isinstance(st, OxigraphStore)
        with st.new_graph(G) as g:
            st.ox.add(_quads(g, 1)[0])
        with pytest.raises(StoreError, match="is not empty"), st.new_graph(G):
            pass
        assert len(st) == 1  # the refused block dropped nothing
    with open_store(f"oxigraph:{path}?mode=ro") as ro:
        assert isinstance(ro, OxigraphStore)
        with pytest.raises(StoreError, match="read-only"), ro.new_graph("urn:x"):
            pass
        with pytest.raises(StoreError, match="read-only"), ro.staging_graph():
            pass


def test_staging_graph_is_hidden_and_always_removed() -> None:
    st = OxigraphStore()
    with st.new_graph(G) as g:
        st.ox.add(_quads(g, 1)[0])
    with st.staging_graph() as sg:
        assert sg.value.startswith(STAGING_PREFIX)
        st.ox.extend(_quads(sg, 4))
        assert st.graphs() == [URIRef(G)]  # hidden from the store's reads while it exists
        rows = st.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        assert int(rows[0]["n"]) == 1
    assert not st.ox.contains_named_graph(sg) and len(st.ox) == 1
    with pytest.raises(KeyError), st.staging_graph() as sg2:
        st.ox.extend(_quads(sg2, 2))
        raise KeyError("boom")
    assert not st.ox.contains_named_graph(sg2) and len(st.ox) == 1


KILL_INSIDE = textwrap.dedent("""
    import os, signal, sys
    import pyoxigraph as ox
    from mlkg.store import open_store
    url, hook = sys.argv[1], sys.argv[2]
    st = open_store(url)
    cm = st.new_graph("https://example.org/graph/new") if hook == "new" else st.staging_graph()
    with cm as g:
        st.ox.bulk_extend([ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.Literal(str(i)), g)
                           for i in range(1000)])
        st.ox.flush()
        print("killing", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
""")


@pytest.mark.parametrize("hook", ["new", "staging"])
def test_a_process_killed_inside_the_block_leaves_nothing_after_reopen(tmp_path: Path, hook: str) -> None:
    url = f"oxigraph:{tmp_path / 'kg'}"
    with open_store(url) as st:
        assert isinstance(st, OxigraphStore)
        with st.new_graph(G) as g:
            st.ox.add(_quads(g, 1)[0])
    proc = subprocess.run([sys.executable, "-c", KILL_INSIDE, url, hook], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == -9 and "killing" in proc.stdout, proc.stderr
    assert (tmp_path / "kg" / JOURNAL).exists()  # both hooks journal before the block runs
    with open_store(url) as st:
        assert isinstance(st, OxigraphStore)
        assert [g.value for g in st.ox.named_graphs()] == [G]  # the half-written graph is gone
        assert len(st.ox) == 1
    assert not (tmp_path / "kg" / JOURNAL).exists()


KILL_FIRST_IMPORT = textwrap.dedent("""
    import os, signal, sys
    from contextlib import contextmanager
    from rdflib import Graph, Literal, URIRef
    from mlkg.history.log import replace_with_history
    from mlkg.store import open_store
    from mlkg.store.embedded import OxigraphStore
    original = OxigraphStore.new_graph

    @contextmanager
    def dying(self, graph):
        with original(self, graph) as g:
            yield g
            self.ox.flush()
            print("killing after", len(self.ox), flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

    OxigraphStore.new_graph = dying
    g = Graph()
    for i in range(500):
        g.add((URIRef("urn:s"), URIRef("urn:p"), Literal(i)))
    replace_with_history(open_store(sys.argv[1]), sys.argv[2], g)
    print("finished", flush=True)
""")


def test_the_change_log_writes_a_first_import_through_new_graph(tmp_path: Path) -> None:
    """history.log bulk-loads a source's first import under the public hook: killed after the load but before the
    hook's commit, the store reopens without the graph."""
    url = f"oxigraph:{tmp_path / 'kg'}"
    proc = subprocess.run([sys.executable, "-c", KILL_FIRST_IMPORT, url, G], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == -9, proc.stderr
    assert "killing after 500" in proc.stdout and "finished" not in proc.stdout
    with open_store(url) as st:
        assert st.graphs() == [] and len(st) == 0
