"""Store interface tests, run on every local backend: memory:, oxigraph: (in memory) and oxigraph:PATH (on disk)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from mlkg import lineage, synth
from mlkg import query as Q
from mlkg.errors import InputError, StoreError
from mlkg.model import MLModel, MLModelService, PlatformType, Ref
from mlkg.rdf.build import to_graph
from mlkg.rdf.formats import parse_text
from mlkg.store import as_rdflib, graph_from, open_store, source_graph
from mlkg.store.base import query_form, with_values
from mlkg.store.credentials import credentials_for
from mlkg.store.embedded import JOURNAL
from mlkg.store.sparql import SparqlStore

LINEAGE_Q = """PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT DISTINCT ?x WHERE { ?x (prov:wasDerivedFrom|prov:wasGeneratedBy|prov:used)+ ?start }"""

G1 = "https://example.org/graph/a"
G2 = "https://example.org/graph/b"


@pytest.fixture(params=["memory", "oxigraph-mem", "oxigraph-disk"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return {"memory": "memory:", "oxigraph-mem": "oxigraph:",
            "oxigraph-disk": f"oxigraph:{tmp_path / 'kg'}"}[request.param]


@pytest.fixture(scope="module")
def data() -> Graph:
    return to_graph(synth.generate(3, seed=5))


def rowset(rows: list[dict]) -> set[tuple]:
    return {tuple(sorted((k, str(v)) for k, v in r.items() if v is not None)) for r in rows}


def test_load_query_count_and_graphs(store_url: str, data: Graph) -> None:
    with open_store(store_url) as s:
        assert s.load(data, graph=G1) == len(data)
        s.load('<urn:x> <urn:p> "1" .\n', format="nt", graph=G2)
        assert s.graphs() == [URIRef(G1), URIRef(G2)]
        assert s.count(G1) == len(data) and s.count(G2) == 1
        assert len(s) == len(data) + 1
        start = URIRef(synth.sample_iris(3)["raw_column"])
        rows = s.select(LINEAGE_Q, bindings={"start": start})
        expected = {r.x for r in data.query(LINEAGE_Q, initBindings={"start": start})}  # type: ignore[union-attr]
        assert {r["x"] for r in rows} == expected and len(expected) > 10
        assert s.query("ASK { ?s ?p ?o }") is True
        built = s.query(f"CONSTRUCT {{ <{start}> ?p ?o }} WHERE {{ <{start}> ?p ?o }}")
        assert isinstance(built, Graph) and len(built) == len(list(data.triples((start, None, None))))


def test_same_rows_on_every_backend(data: Graph, tmp_path: Path) -> None:
    answers = []
    for url in ("memory:", "oxigraph:", f"oxigraph:{tmp_path / 'kg'}"):
        with open_store(url) as s:
            s.load(data, graph=G1)
            src = as_rdflib(s)
            iris = synth.sample_iris(3)
            answers.append((
                sorted(map(str, Q.models_by_service(src))),
                sorted(map(str, Q.production(src))),
                sorted(map(str, Q.pii_models(src))),
                sorted(str(n) for n in lineage.impact(src, iris["raw_column"])),
                sorted(str(n) for n in lineage.upstream(src, iris["dashboard"])),
            ))
    assert answers[0] == answers[1] == answers[2]
    assert all(len(part) > 0 for part in answers[0])


def test_replace_swaps_exactly_one_graph(store_url: str, data: Graph) -> None:
    with open_store(store_url) as s:
        s.load(data, graph=G1)
        s.load('<urn:x> <urn:p> "old" .\n<urn:x> <urn:p> "kept" .\n', format="nt", graph=G2)
        s.replace(G2, '<urn:x> <urn:p> "new" .\n<urn:x> <urn:p> "kept" .\n', format="nt")
        vals = {str(r["o"]) for r in s.select(f"SELECT ?o WHERE {{ GRAPH <{G2}> {{ <urn:x> ?p ?o }} }}")}
        assert vals == {"new", "kept"}
        assert s.count(G1) == len(data)
        assert not any(str(g).startswith("urn:mlkg:staging:") for g in s.graphs())


def test_bad_file_changes_nothing_and_names_file_and_line(store_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <https://example.org/> .\nex:a ex:p ex:b .\nex:c ex:p \n", encoding="utf-8")
    with open_store(store_url) as s:
        s.load('<urn:x> <urn:p> "1" .\n', format="nt", graph=G1)
        for replace in (False, True):
            with pytest.raises(InputError) as err:
                s.load(path=bad, graph=G1, replace=replace)
            assert "bad.ttl" in str(err.value)
            with pytest.raises(InputError):
                s.load(path=bad, graph=G2)
        assert s.count(G1) == 1 and s.graphs() == [URIRef(G1)]


def test_bad_ntriples_file_changes_nothing_and_names_its_line(store_url: str, tmp_path: Path) -> None:
    # memory: parses an N-Triples file straight into the target graph (streamed from the file); a bad line half
    # way must leave the store as it was, new graph or not, and the error must name the file and the line
    bad = tmp_path / "bad.nt"
    good = "".join(f'<urn:s{i}> <urn:p> "{i}" .\n' for i in range(50))
    bad.write_text(good + '<urn:s> <urn:p> "unterminated .\n' + good, encoding="utf-8")
    with open_store(store_url) as s:
        s.load('<urn:x> <urn:p> "1" .\n', format="nt", graph=G1)
        before = len(s)
        for graph, replace in ((G1, False), (G1, True), (G2, False), (G2, True), (None, False)):
            with pytest.raises(InputError) as err:
                s.load(path=bad, graph=graph, replace=replace)
            assert "bad.nt" in str(err.value) and err.value.line == 51, str(err.value)
        assert len(s) == before and s.count(G1) == 1 and s.count(None) == 0 and s.graphs() == [URIRef(G1)]
        ok = tmp_path / "ok.nt"
        ok.write_text(good, encoding="utf-8")
        assert s.load(path=ok, graph=G2) == 50
        assert s.count(G2) == 50 and s.graphs() == [URIRef(G1), URIRef(G2)]


def test_load_entities_writes_the_triples_of_to_graph(store_url: str) -> None:
    # entities go to the store's loader as N-Triples from the fast emitter (oxigraph: its bulk loader), with the
    # lineage super-properties; the graph is the one to_graph builds, new graph or replaced
    ents = synth.generate(5, seed=7)
    expected = set(to_graph(ents))
    with open_store(store_url) as s:
        s.load_entities(ents, graph=G1)
        assert set(s.to_graph(G1)) == expected
        s.load('<urn:x> <urn:p> "old" .\n', format="nt", graph=G2)
        s.load_entities(ents[:3], graph=G2, replace=True)
        assert set(s.to_graph(G2)) == set(to_graph(ents[:3]))
        assert s.graphs() == [URIRef(G1), URIRef(G2)]


def test_a_plain_rdflib_graph_as_a_store_loads_adds_and_replaces(tmp_path: Path) -> None:
    from mlkg.dataset import as_store

    g = Graph()
    s = as_store(g)
    assert s.load('<urn:a> <urn:p> "1" .\n', format="nt") == 1
    assert s.load('<urn:b> <urn:p> "2" .\n', format="nt") == 1 and len(g) == 2  # into a graph with content
    bad = tmp_path / "bad.nt"
    bad.write_text('<urn:c> <urn:p> "3" .\n<urn:c> <urn:p> "4 .\n', encoding="utf-8")
    with pytest.raises(InputError):
        s.load(path=bad, replace=True)
    assert len(g) == 2
    s.load('<urn:c> <urn:p> "3" .\n', format="nt", replace=True)
    assert set(g) == {(URIRef("urn:c"), URIRef("urn:p"), Literal("3"))}


def test_bindings_are_values_not_text(store_url: str) -> None:
    nasty = 'a "quoted" } { # name\nwith newline'
    with open_store(store_url) as s:
        s.add((URIRef("urn:x"), URIRef("urn:name"), Literal(nasty)), graph=G1)
        rows = s.select("SELECT ?s WHERE { ?s <urn:name> ?n }", bindings={"n": nasty})
        assert [r["s"] for r in rows] == [URIRef("urn:x")]
        assert s.select("SELECT ?s WHERE { ?s <urn:name> ?n }", bindings={"n": "other"}) == []


def test_dump_round_trips(store_url: str, data: Graph) -> None:
    with open_store(store_url) as s:
        s.load(data, graph=G1)
        s.load('<urn:x> <urn:p> "1" .\n', format="nt", graph=G2)
        for fmt in ("turtle", "nt", "jsonld"):
            back = parse_text((s.dump(format=fmt, graph=G1) or b"").decode("utf-8"), fmt, source=fmt)
            assert set(back) == set(data), fmt
        union = Graph().parse(data=s.dump(format="turtle"), format="turtle")
        assert len(union) == len(data) + 1
        from rdflib import Dataset

        ds = Dataset()
        ds.parse(data=s.dump(format="nq"), format="nquads")
        assert {str(c.identifier) for c in ds.graphs() if len(c)} >= {G1, G2}


def test_load_file_formats_and_quads(store_url: str, data: Graph, tmp_path: Path) -> None:
    ttl = tmp_path / "d.ttl"
    ttl.write_bytes(data.serialize(format="turtle", encoding="utf-8"))
    nq = tmp_path / "d.nq"
    nq.write_text(f'<urn:a> <urn:p> <urn:b> <{G1}> .\n<urn:b> <urn:p> <urn:c> <{G2}> .\n', encoding="utf-8")
    seen: list[tuple[int, int | None]] = []
    with open_store(store_url) as s:
        assert s.load(path=ttl, graph=G1, progress=lambda done, total: seen.append((done, total))) == len(data)
        assert seen and seen[-1][0] == ttl.stat().st_size
        s.load(path=nq, replace=True)  # each graph of the file replaces the store's graph of that name
        assert s.count(G1) == 1 and s.count(G2) == 1


def test_oxigraph_store_persists_and_read_only_refuses_writes(tmp_path: Path) -> None:
    url = f"oxigraph:{tmp_path / 'kg'}"
    with open_store(url) as s:
        s.load('<urn:x> <urn:p> "1" .\n', format="nt", graph=G1)
    with open_store(url + "?mode=ro") as ro:
        assert ro.count(G1) == 1
        with pytest.raises(StoreError):
            ro.add((URIRef("urn:y"), URIRef("urn:p"), Literal("2")))
    with open_store(url) as s:
        assert s.graphs() == [URIRef(G1)]


def test_unknown_store_lists_known_ones() -> None:
    with pytest.raises(InputError) as err:
        open_store("neo4j://localhost")
    assert "memory:" in str(err.value) and "oxigraph:" in str(err.value) and "sparql:" in str(err.value)


def test_graph_from_files_or_store(data: Graph, tmp_path: Path) -> None:
    f = tmp_path / "d.ttl"
    f.write_bytes(data.serialize(format="turtle", encoding="utf-8"))
    assert len(graph_from([f])) == len(data)
    url = f"oxigraph:{tmp_path / 'kg'}"
    with open_store(url) as s:
        s.load(path=f, graph=source_graph("mlmodelService", "mlflow_prod"))
        view = graph_from(store=s)
        assert len(Q.models_by_service(view)) == 3
        copy = graph_from([], store=s, copy=True)
        assert set(copy) == set(data)
    with pytest.raises(InputError):
        graph_from()


def test_source_graph_iri_is_minted() -> None:
    assert str(source_graph("mlmodelService", "mlflow prod")).endswith("graph/mlmodelService/mlflow%20prod")


# ---------------------------------------------------------------------------------------------------------------
# Atomic imports under SIGKILL (the process kills itself half way through reading the file: deterministic)
# ---------------------------------------------------------------------------------------------------------------

KILLER = textwrap.dedent("""
    import os, signal, sys
    from mlkg.store import open_store
    from mlkg.store.embedded import OxigraphStore
    url, path, graph, replace = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
    OxigraphStore.CHUNK_BYTES = 256 * 1024  # many slices, so half way is half loaded
    s = open_store(url)
    def progress(done, total):
        if total and done >= total // 2:
            print("killing at", done, "of", total, flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
    s.load(path=path, graph=graph, replace=replace, progress=progress)
    print("finished", flush=True)
""")


@pytest.mark.parametrize("replace", [True, False], ids=["replace-existing", "new-graph"])
def test_sigkill_half_way_leaves_store_as_it_was(tmp_path: Path, replace: bool) -> None:
    big = tmp_path / "big.nt"
    synth.write_ntriples(big, 20000, seed=1)
    url = f"oxigraph:{tmp_path / 'kg'}"
    before = to_graph([MLModelService(name="svc", service_type=PlatformType.MLFLOW),
                       MLModel(name="m", service=Ref(type="mlmodelService", fqn="svc"))])
    with open_store(url) as s:
        s.load(before, graph=G1)
        if replace:
            s.load(before, graph=G2)
    target = G2 if replace else "https://example.org/graph/new"
    proc = subprocess.run([sys.executable, "-c", KILLER, url, str(big), target, "1" if replace else "0"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -9, proc.stderr
    assert "killing at" in proc.stdout and "finished" not in proc.stdout
    with open_store(url) as s:
        assert set(s.to_graph(G1)) == set(before)
        if replace:
            assert set(s.to_graph(G2)) == set(before)
        assert s.graphs() == ([URIRef(G1), URIRef(G2)] if replace else [URIRef(G1)])
        assert len(s) == len(before) * (2 if replace else 1)
    assert not (tmp_path / "kg" / JOURNAL).exists()


# ---------------------------------------------------------------------------------------------------------------
# Remote store pieces that need no server
# ---------------------------------------------------------------------------------------------------------------


def test_values_go_into_the_outer_where_group() -> None:
    q = 'PREFIX ex: <https://e.org/#x>\nCONSTRUCT { ?s ex:p "{" } WHERE { ?s ex:p ?o # {\n }'
    out = with_values(q, {"o": Literal('a"b')})
    assert out.index("VALUES (?o)") > out.index("WHERE {")
    assert '"a\\"b"' in out
    assert query_form(q) == "CONSTRUCT" and query_form("# SELECT\nASK {}") == "ASK"
    assert query_form("PREFIX a: <x:>\nINSERT DATA { <a:b> <a:c> <a:d> }") == "UPDATE"


def test_credentials_never_shown(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("MLKG_STORE_TOKEN", raising=False)
    monkeypatch.setenv("MLKG_STORE_USER", "alice")
    monkeypatch.setenv("MLKG_STORE_PASSWORD", "s3cr3t-pw")
    c = credentials_for("http://h/sparql")
    assert c.header() == "Basic YWxpY2U6czNjcjN0LXB3"
    assert "s3cr3t" not in repr(c) and "s3cr3t" not in str(c)
    monkeypatch.delenv("MLKG_STORE_USER")
    cfg = tmp_path / "stores.ini"
    cfg.write_text("[http://h:1/repo]\ntoken_env = MY_TOKEN\nupdate = /repo/statements\n", encoding="utf-8")
    monkeypatch.setenv("MLKG_STORE_CONFIG", str(cfg))
    monkeypatch.setenv("MY_TOKEN", "tok-123")
    assert credentials_for("http://h:1/repo").header() == "Bearer tok-123"
    s = open_store("sparql:http://h:1/repo")
    assert isinstance(s, SparqlStore)
    assert s.update_url == "http://h:1/repo/statements" and "tok-123" not in repr(s)
    with pytest.raises(InputError) as err:
        open_store("sparql:http://bob:pw123@h:1/sparql")
    assert "pw123" not in str(err.value)


def test_unreachable_server_is_retried_then_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from mlkg.store.server import free_port

    monkeypatch.setenv("MLKG_STORE_TOKEN", "tok-secret")
    s = open_store(f"sparql:http://127.0.0.1:{free_port()}/query?retries=2&timeout=2")
    with pytest.raises(StoreError) as err:
        s.query("ASK {}")
    msg = str(err.value)
    assert "connection refused" in msg and "3 attempts" in msg and "tok-secret" not in msg


def test_load_with_lineage_adds_super_properties_in_the_same_graph(store_url: str) -> None:
    ents = synth.generate(2, seed=4)
    bare, full = to_graph(ents, lineage=False), to_graph(ents)
    assert len(full) > len(bare)
    with open_store(store_url) as s:
        s.load(bare, graph=G1, lineage=True)
        assert set(s.to_graph(G1)) == set(full)
        s.replace(G1, bare, lineage=True)
        assert set(s.to_graph(G1)) == set(full)


def test_triple_in_two_graphs_distinct_rows_agree(store_url: str) -> None:
    # The union default graph of pyoxigraph (and Virtuoso) yields a triple once per graph holding it, rdflib's
    # Dataset once: queries over several source graphs must say DISTINCT to get the same rows everywhere.
    t = (URIRef("urn:m"), URIRef("urn:type"), URIRef("urn:Model"))
    with open_store(store_url) as s:
        s.add(t, graph=G1)
        s.add(t, graph=G2)
        assert len(s) == 2
        rows = s.select("SELECT DISTINCT ?m WHERE { ?m <urn:type> <urn:Model> }")
        assert [r["m"] for r in rows] == [URIRef("urn:m")]
        plain = s.select("SELECT ?m WHERE { ?m <urn:type> <urn:Model> }")
        assert len(plain) in (1, 2)


def test_oxigraph_sliced_bulk_load_keeps_every_triple_and_line_numbers(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from mlkg.store.embedded import OxigraphStore

    monkeypatch.setattr(OxigraphStore, "CHUNK_BYTES", 4096)
    nt = tmp_path / "d.nt"
    n = synth.write_ntriples(nt, 3000, seed=6)
    with open_store(f"oxigraph:{tmp_path / 'kg'}") as s:
        assert s.load(path=nt, graph=G1) == n
        assert set(s.to_graph(G1)) == set(Graph().parse(nt, format="nt"))
        lines = nt.read_text(encoding="utf-8").splitlines()
        lines[2000] = "<urn:bad> <urn:p> ."
        bad = tmp_path / "bad.nt"
        bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
        with pytest.raises(InputError) as err:
            s.replace(G1, path=bad)
        assert err.value.line == 2001 and "bad.nt" in str(err.value)
        assert s.count(G1) == n
