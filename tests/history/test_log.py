"""The change log (mlkg.history.log): deltas on disk, replay as of a time, retention, blank nodes, and ``--as-of``
on validate, convert and export with the exact commands a user types, on a store holding two real imports."""

from __future__ import annotations

import gc
import gzip
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from mlkg.cli import get_app
from mlkg.errors import InputError, StoreError
from mlkg.history.log import LOG_DIR, as_of, records, replace_with_history, state_at
from mlkg.store import open_store

EX = "https://example.org/"
G = URIRef(EX + "graph/import/test")
T0 = datetime(2026, 3, 1, tzinfo=UTC)
HF = Path(__file__).resolve().parent.parent / "importers" / "huggingface" / "all-MiniLM-L6-v2"


def u(name: str) -> URIRef:
    return URIRef(EX + name)


def estate(auc: str = "0.91", stage: str = "Staging", extra: bool = False, note: str = "ok") -> Graph:
    """A small graph with a blank-node structure (fresh blank nodes every call, as an importer makes them)."""
    g = Graph()
    g.add((u("model"), u("stage"), Literal(stage)))
    g.add((u("model"), u("name"), Literal("fraud")))
    m = BNode()
    g.add((u("model"), u("metric"), m))
    g.add((m, u("key"), Literal("auc")))
    g.add((m, u("value"), Literal(auc)))
    c = BNode()  # a second structure that never changes
    g.add((u("model"), u("contact"), c))
    g.add((c, u("note"), Literal(note)))
    if extra:
        g.add((u("model"), u("table"), u("snowflake.x")))
    return g


@pytest.fixture(params=["oxigraph", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path):
    url = f"oxigraph:{tmp_path / 'kg'}" if request.param == "oxigraph" else "memory:"
    with open_store(url) as s:
        yield s


def test_three_imports_counts_and_as_of(store) -> None:
    states = [estate(), estate(stage="Production"), estate(stage="Production", auc="0.93", extra=True)]
    for i, g in enumerate(states):
        replace_with_history(store, G, g, time=T0 + timedelta(days=i))
    recs = records(store, G)
    assert [(r.sequence, r.triples, r.added, r.removed) for r in recs] == [
        (1, 7, 7, 0),
        (2, 7, 1, 1),  # the stage; the blank-node structures were unchanged, so they are not in the delta
        (3, 8, 4, 3),  # the table added; the metric structure (2 triples + its link) replaced by a new one
    ]
    for i, g in enumerate(states):
        then = as_of(store, T0 + timedelta(days=i, hours=1)).to_graph()
        assert isomorphic(then, g), i
        state = Graph()
        for t in state_at(store, G, T0 + timedelta(days=i, hours=1)) or ():
            state.add(t)
        assert isomorphic(state, g), i
    assert len(as_of(store, T0 - timedelta(days=1))) == 0  # before the first import the source did not exist
    assert state_at(store, G, T0 - timedelta(days=1)) is None


def test_same_content_with_fresh_blank_nodes_changes_nothing(store) -> None:
    replace_with_history(store, G, estate(), time=T0)
    rec = replace_with_history(store, G, estate(), time=T0 + timedelta(days=1))
    assert (rec.added, rec.removed) == (0, 0)
    # a changed value inside one structure: only that structure is replaced, the other keeps its triples
    rec = replace_with_history(store, G, estate(note="call"), time=T0 + timedelta(days=2))
    assert (rec.added, rec.removed) == (2, 2)  # the link and the note


def test_log_on_disk_is_gzip_ntriples_and_survives_reopen(tmp_path: Path) -> None:
    url = f"oxigraph:{tmp_path / 'kg'}"
    with open_store(url) as s:
        replace_with_history(s, G, estate(), time=T0)
        replace_with_history(s, G, estate(stage="Production"), time=T0 + timedelta(days=1))
    log = tmp_path / "kg" / LOG_DIR
    index = json.loads((log / "index.json").read_text())
    assert [r["sequence"] for r in index["imports"]] == [1, 2]
    added = next(log.rglob("2.added.nt.gz"))
    assert gzip.decompress(added.read_bytes()).decode() == f'<{EX}model> <{EX}stage> "Production" .\n'
    with open_store(url + "?mode=ro") as s:  # read-only: the log is read, the view is built
        then = as_of(s, T0 + timedelta(hours=1))
        assert [str(r["o"]) for r in then.query(f"SELECT ?o WHERE {{ <{EX}model> <{EX}stage> ?o }}")] == ["Staging"]
        assert [str(r["o"]) for r in s.query(f"SELECT ?o WHERE {{ <{EX}model> <{EX}stage> ?o }}")] == ["Production"]


def test_retention_keeps_n_imports_and_refuses_older_times(tmp_path: Path) -> None:
    url = f"oxigraph:{tmp_path / 'kg'}"
    with open_store(url) as s:
        for i in range(4):
            replace_with_history(s, G, estate(auc=f"0.9{i}"), time=T0 + timedelta(days=i), keep=2)
        assert [r.sequence for r in records(s, G)] == [3, 4]
        with pytest.raises(InputError, match="kept from"):
            as_of(s, T0 + timedelta(days=1, hours=1))
        then = as_of(s, T0 + timedelta(days=2, hours=1))
        assert [str(r["v"]) for r in then.query(f"SELECT ?v WHERE {{ ?m <{EX}value> ?v }}")] == ["0.92"]
    files = sorted(p.name for p in (tmp_path / "kg" / LOG_DIR).rglob("*.nt.gz"))
    assert files == ["4.added.nt.gz", "4.removed.nt.gz"]  # only what undoes a kept import


def test_out_of_order_import_is_refused_and_changes_nothing(store) -> None:
    replace_with_history(store, G, estate(), time=T0 + timedelta(days=1))
    with pytest.raises(InputError, match="older than the last one"):
        replace_with_history(store, G, estate(stage="Production"), time=T0)
    assert len(records(store, G)) == 1
    assert [str(r["o"]) for r in store.query(f"SELECT ?o WHERE {{ <{EX}model> <{EX}stage> ?o }}")] == ["Staging"]


def test_default_graph_and_graphs_without_history_stay_in_the_view(tmp_path: Path) -> None:
    with open_store(f"oxigraph:{tmp_path / 'kg'}") as s:
        s.load(f'<{EX}a> <{EX}p> "default" .', format="nt")
        s.load(f'<{EX}b> <{EX}p> "loaded" .', format="nt", graph=EX + "graph/file/b")
        replace_with_history(s, G, estate(), time=T0 + timedelta(days=1))
        view = as_of(s, T0)
        assert sorted(str(r["o"]) for r in view.query(f"SELECT ?o WHERE {{ ?s <{EX}p> ?o }}")) == ["default", "loaded"]
        assert as_of(s, T0) is view  # cached per resolved state
        replace_with_history(s, G, estate(stage="x"), time=T0 + timedelta(days=2))
        assert as_of(s, T0) is not view  # a new import invalidates the cache


def test_sparql_store_keeps_no_history() -> None:
    s = open_store("sparql:http://127.0.0.1:9/query")  # never contacted: the log is refused first
    with pytest.raises(StoreError, match="history is kept for memory: and oxigraph: stores only"):
        as_of(s, T0)


# -- the commands, on two real Hugging Face imports ----------------------------------------------------------------


def _mlkg(*args: str) -> tuple[int, str, str]:
    gc.collect()  # in one process: let go of stores an earlier command left open (each CLI run is its own process)
    r = CliRunner().invoke(get_app(), list(args))
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture(scope="module")
def two_imports(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """``mlkg import huggingface DIR --store oxigraph:KG`` twice; between them the card's license changes from
    apache-2.0 to mit. Returns the store URL and a time between the imports."""
    work = tmp_path_factory.mktemp("hf_history")
    card = work / "all-MiniLM-L6-v2"
    shutil.copytree(HF, card)
    kg = f"oxigraph:{work / 'kg'}"
    code, _, err = _mlkg("import", "huggingface", str(card), "--store", kg, "-q")
    assert code == 0, err
    between = datetime.now(UTC).isoformat()
    readme = card / "README.md"
    readme.write_text(readme.read_text().replace("license: apache-2.0", "license: mit", 1))
    code, _, err = _mlkg("import", "huggingface", str(card), "--store", kg, "-q")
    assert code == 0, err
    return kg, between


APACHE, MIT = "https://spdx.org/licenses/Apache-2.0", "https://spdx.org/licenses/MIT"


def test_cli_history_lists_both_imports(two_imports) -> None:
    kg, _ = two_imports
    code, out, err = _mlkg("history", "--store", kg, "--format", "json")
    assert code == 0, err
    recs = json.loads(out)
    assert [r["sequence"] for r in recs] == [1, 2] and recs[1]["added"] > 0


def test_cli_convert_as_of(two_imports) -> None:
    kg, between = two_imports
    code, out, err = _mlkg("convert", "--store", kg, "--as-of", between, "--to", "nt", "-q")
    assert code == 0, err
    assert f"<{APACHE}>" in out and f"<{MIT}>" not in out
    code, out, _ = _mlkg("convert", "--store", kg, "--to", "nt", "-q")
    assert f"<{MIT}>" in out and f"<{APACHE}>" not in out


def test_cli_export_as_of(two_imports, tmp_path: Path) -> None:
    kg, between = two_imports
    out = tmp_path / "then.ttl"
    code, _, err = _mlkg("export", "--store", kg, "--as-of", between, "--profile", "prov", "-o", str(out))
    assert code == 0, err
    then = out.read_text()
    assert APACHE in then and MIT not in then


def test_cli_validate_as_of(two_imports) -> None:
    kg, between = two_imports
    code, out, err = _mlkg("validate", "--store", kg, "--as-of", between, "--format", "json")
    assert code == 0, err + out
    assert json.loads(out)["conforms"] is True
    # before the first import the store had no data: nothing to violate, and nothing of the model
    code, out, err = _mlkg("validate", "--store", kg, "--as-of", "2000-01-01", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["conforms"] is True


@pytest.mark.parametrize("cmd", [["validate"], ["convert", "--to", "nt"], ["export", "--profile", "prov"]])
def test_cli_as_of_errors(two_imports, cmd: list[str]) -> None:
    kg, _ = two_imports
    code, _, err = _mlkg(*cmd, "--store", kg, "--as-of", "last tuesday")
    assert code == 2 and "'last tuesday' is not an ISO date or datetime" in err and "Traceback" not in err
    code, _, err = _mlkg(*cmd, str(HF / "config.json"), "--as-of", "2026-03-03")
    assert code == 2 and "--as-of reads a store's history: give --store too" in err


def test_cli_as_of_on_a_sparql_store_is_a_clear_error() -> None:
    code, _, err = _mlkg("query", "production", "--store", "sparql:http://127.0.0.1:9/query", "--as-of", "2026-03-03")
    assert code == 2 and "history is kept for memory: and oxigraph: stores only" in err and "Traceback" not in err
