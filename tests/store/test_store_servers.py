"""The sparql: backend against real servers on 127.0.0.1 (oxigraph serve, Virtuoso), compared row by row with the
memory store holding the same named graphs."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef

from mlkg import lineage, synth
from mlkg import model as m
from mlkg import query as Q
from mlkg.rdf.build import to_graph
from mlkg.store import Store, as_rdflib, open_store, source_graph

pytestmark = pytest.mark.server

N_MODELS = 10
LIN = "(prov:wasDerivedFrom|prov:wasGeneratedBy|prov:used)"
PREFIX = "PREFIX prov: <http://www.w3.org/ns/prov#>\nPREFIX mlkg: <https://w3id.org/mlkg#>\n"


def per_source_graphs() -> dict[URIRef, Graph]:
    """The synthetic estate split the way importers write it: one graph per model service, one for the rest."""
    groups: dict[URIRef, list[m.Entity]] = defaultdict(list)
    for e in synth.generate(N_MODELS, seed=11):
        if isinstance(e, m.MLModel) and e.service is not None and e.service.fqn:
            groups[source_graph("mlmodelService", e.service.fqn)].append(e)
        else:
            groups[source_graph("catalog", "warehouse")].append(e)
    return {g: to_graph(ents) for g, ents in groups.items()}


@pytest.fixture(scope="module")
def graphs() -> dict[URIRef, Graph]:
    return per_source_graphs()


@pytest.fixture(scope="module")
def reference(graphs: dict[URIRef, Graph]) -> Store:
    s = open_store("memory:")
    for name, g in graphs.items():
        s.load(g, graph=name)
    return s


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso", "fuseki"])
def remote(request: pytest.FixtureRequest, graphs: dict[URIRef, Graph]) -> Any:
    server = request.getfixturevalue(f"{request.param}_server")
    s = open_store(server.store_url)
    for name, g in graphs.items():
        s.replace(name, g)
    return s


def as_set(rows: Any) -> set[str]:
    return {str(r) for r in rows}


def test_graphs_and_counts_match(remote: Store, reference: Store, graphs: dict[URIRef, Graph]) -> None:
    assert set(remote.graphs()) >= set(graphs)
    for name, g in graphs.items():
        assert remote.count(name) == len(g) == reference.count(name)
        assert set(remote.to_graph(name)) == set(g)


#: Where Virtuoso 7.2.5 answers differently from the SPARQL 1.1 semantics rdflib, pyoxigraph and oxigraph serve
#: agree on (found by this test; the query library is not at fault).
VIRTUOSO_DEVIATIONS = {
    "production": "Virtuoso drops ?endpoint bindings from OPTIONAL { {A} UNION {B} OPTIONAL {...} } (rows come "
                  "back with endpoint=None)",
    "features": "Virtuoso returns BIND(IF(EXISTS {...}, true, ...)) as the integer 1, not xsd:boolean true",
    "upstream": "Virtuoso evaluates '*' paths whose start comes from a binding by enumerating every path from "
                "every start (no answer in minutes on the 10-model estate), and refuses the DISTINCT form with "
                "'transitive start not given'",
}

LIBRARY_CHECKS = {
    "models_by_service": lambda src, iris, remote: Q.models_by_service(src),
    "production": lambda src, iris, remote: Q.production(src),
    "pii_models": lambda src, iris, remote: Q.pii_models(src),
    "features": lambda src, iris, remote: Q.features(src),
    "dashboard_columns": lambda src, iris, remote: Q.dashboard_columns(src),
    "impact": lambda src, iris, remote: lineage.impact(src, iris["raw_column"],
                                                       method="sparql" if remote else "auto"),
    "upstream": lambda src, iris, remote: lineage.upstream(src, iris["dashboard"],
                                                           method="sparql" if remote else "auto"),
}


@pytest.mark.parametrize("check", sorted(LIBRARY_CHECKS))
def test_query_library_rows_match_memory(remote: Any, reference: Any, check: str,
                                         request: pytest.FixtureRequest) -> None:
    if remote.server == "virtuoso" and check in VIRTUOSO_DEVIATIONS:
        request.applymarker(pytest.mark.xfail(strict=True, reason=VIRTUOSO_DEVIATIONS[check]))
        if check == "upstream":  # it times out: fail fast instead of retrying for minutes
            saved = remote.timeout, remote.retries
            remote.timeout, remote.retries = 15.0, 0
            request.addfinalizer(lambda: setattr(remote, "timeout", saved[0]) or setattr(remote, "retries", saved[1]))
    iris = synth.sample_iris(N_MODELS)
    got = LIBRARY_CHECKS[check](as_rdflib(remote), iris, True)
    want = LIBRARY_CHECKS[check](reference.ds, iris, False)
    assert want, f"{check}: the reference answer is empty, the check would prove nothing"
    assert as_set(got) == as_set(want)


def test_lineage_paths_match_with_distinct(remote: Store, reference: Store) -> None:
    # Virtuoso returns one solution per path for '+' (against SPARQL 1.1); DISTINCT gives the set every engine
    # agrees on. Lineage queries sent to servers must say DISTINCT.
    dash = URIRef(synth.sample_iris(N_MODELS)["dashboard"])
    # The start is written as a constant: Virtuoso refuses a transitive path whose start comes from VALUES
    # ("transitive start not given").
    q = PREFIX + f"SELECT DISTINCT ?x WHERE {{ <{dash}> {LIN}+ ?x }}"
    got = {r["x"] for r in remote.select(q)}
    want = {r["x"] for r in reference.select(q)}
    assert got == want and len(want) > 10
    count = PREFIX + f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?d a mlkg:Dashboard . ?d {LIN}+ ?c . ?c a mlkg:Column }}"
    assert int(remote.select(count)[0]["n"]) == int(reference.select(count)[0]["n"]) > 0


def test_replace_is_exact_and_leaves_no_staging(remote: Store, graphs: dict[URIRef, Graph]) -> None:
    g = URIRef("urn:mlkg:test:replace")
    try:
        remote.load('<urn:t:a> <urn:t:p> "old" .\n<urn:t:a> <urn:t:p> "kept" .\n', format="nt", graph=g)
        remote.replace(g, '<urn:t:a> <urn:t:p> "new" .\n<urn:t:a> <urn:t:p> "kept" .\n', format="nt")
        vals = {str(r["o"]) for r in remote.select("SELECT ?o WHERE { GRAPH <urn:mlkg:test:replace> { ?s ?p ?o } }")}
        assert vals == {"new", "kept"}
        assert not any(str(x).startswith("urn:mlkg:staging:") for x in remote.graphs())
        some = next(iter(graphs))
        assert remote.count(some) == len(graphs[some])
    finally:
        remote.drop(g)
    assert g not in remote.graphs()


def test_bindings_with_odd_values(remote: Store) -> None:
    g = URIRef("urn:mlkg:test:odd")
    nasty = 'quote " brace } hash # back\\slash\nnewline'
    try:
        remote.add((URIRef("urn:t:x"), URIRef("urn:t:name"), Literal(nasty)), graph=g)
        rows = remote.select("SELECT ?s WHERE { ?s <urn:t:name> ?n }", bindings={"n": nasty})
        assert [r["s"] for r in rows] == [URIRef("urn:t:x")]
    finally:
        remote.drop(g)


def test_update_load_path_without_gsp(oxigraph_server: Any) -> None:
    s = open_store(oxigraph_server.store_url + "?gsp=none")
    g = URIRef("urn:mlkg:test:nogsp")
    try:
        data = to_graph(synth.generate(5, seed=3))
        s.replace(g, data)
        assert s.count(g) == len(data)
        s.replace(g, '<urn:t:a> <urn:t:p> <urn:t:b> .\n', format="nt")
        assert s.count(g) == 1
    finally:
        s.drop(g)


def test_streamed_file_load_and_bad_file(oxigraph_server: Any, tmp_path: Any) -> None:
    from mlkg.errors import InputError

    s = open_store(oxigraph_server.store_url)
    g = URIRef("urn:mlkg:test:stream")
    good = tmp_path / "good.nt"
    n = synth.write_ntriples(good, 2000, seed=9)
    bad = tmp_path / "bad.nt"
    bad.write_text("<urn:a> <urn:b> .\n", encoding="utf-8")
    try:
        assert s.load(path=good, graph=g, replace=True) == n
        with pytest.raises(InputError) as err:
            s.load(path=bad, graph=g, replace=True)
        assert "bad.nt" in str(err.value)
        assert s.count(g) == n
        assert set(Graph().parse(data=s.dump(format="turtle", graph=g), format="turtle")) == \
            set(Graph().parse(good, format="nt"))
    finally:
        s.drop(g)


#: per client: enough for every client to overlap the others many times (each query takes a few ms)
QUERIES = 60


@pytest.mark.slow
def test_eight_concurrent_clients_lineage_queries(tmp_path: Any) -> None:
    """8 concurrent clients x 60 impact queries against the embedded store (shared by threads) and against
    oxigraph serve (same directory, read-only): no errors, every answer equal to the memory store's. The full
    8 x 500 with p50/p99 latencies is benchmarks/bench_load_clients.py (a figure, not a test)."""
    import threading

    from mlkg.query import load_query
    from mlkg.store.server import OxigraphServer

    data = to_graph(synth.generate(20, seed=2))
    ref = open_store("memory:")
    ref.load(data, graph="urn:g")
    text = load_query("impact")
    starts = sorted({r["c"] for r in ref.select(
        "SELECT ?c WHERE { ?c a <https://w3id.org/mlkg#Column> }")}, key=str)[:40]
    want = {c: {tuple(sorted((k, str(v)) for k, v in r.items() if v is not None))
                for r in ref.select(text, bindings={"entity": c})} for c in starts}
    assert sum(len(v) for v in want.values()) > 100

    def hammer(make: Any) -> list[str]:
        problems: list[str] = []

        def client(i: int) -> None:
            s = make()
            for j in range(QUERIES):
                c = starts[(i * QUERIES + j) % len(starts)]
                try:
                    got = {tuple(sorted((k, str(v)) for k, v in r.items() if v is not None))
                           for r in s.select(text, bindings={"entity": c})}
                except Exception as e:
                    problems.append(f"{type(e).__name__}: {e}")
                    continue
                if got != want[c]:
                    problems.append(f"wrong answer for {c}")

        threads = [threading.Thread(target=client, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return problems

    url = f"oxigraph:{tmp_path / 'kg'}"
    emb = open_store(url)
    emb.load(data, graph="urn:g")
    assert hammer(lambda: emb) == []
    emb.close()
    with OxigraphServer(location=tmp_path / "kg", read_only=True) as srv:
        assert hammer(lambda: open_store(srv.store_url)) == []
