"""Validation of data that is already in pyoxigraph gives pySHACL's public ``validate()`` results, with nothing
copied into rdflib: a :class:`pyoxigraph.Store` (what ``mlkg validate --store oxigraph:PATH`` validates) against
pySHACL on the store's content as mlkg reads it back, and RDF files parsed straight into pyoxigraph
(``mlkg validate FILE.ttl``) against pySHACL on the same files read by rdflib, on every Turtle fixture and example
and the synthetic estates."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from mlkg.commands.validate import load_inputs
from mlkg.dataset import OxigraphView
from mlkg.namespaces import MLKG, SH
from mlkg.validate import ValidationReport, expand_focus, read_files, validate
from mlkg.validate.engines.oxigraph import cyclic_subjects

from .corpus import fixture_files  # type: ignore[import-not-found]
from .test_engines_differential import graph, reference  # type: ignore[import-not-found]

TTL = [p for p in fixture_files() if p.suffix == ".ttl"]
PACKS = [("core",), ("core", "governance")]


def keys(report: ValidationReport) -> Counter[tuple[Any, ...]]:
    """The result keys, blank nodes written ``_:`` (two parsers of one file name them differently)."""
    blank = {str(v) for p in (SH.value, SH.focusNode) for v in report.graph.objects(None, p) if isinstance(v, BNode)}

    def b(x: str | None) -> str | None:
        return "_:" if x is not None and (x.startswith("_:") or x in blank) else x
    return Counter((b(r.focus_node), r.result_path, r.source_shape, r.component, r.severity, b(r.value), r.message)
                   for r in report.results)


def keys_blank(report: ValidationReport) -> set[str]:
    """The blank focus nodes as results name them (``_:label``)."""
    return {f"_:{v}" for v in report.graph.objects(None, SH.focusNode) if isinstance(v, BNode)}


def _store_of(g: Graph) -> ox.Store:
    store = ox.Store()
    store.bulk_load(g.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def _store_cases() -> list[Any]:
    # pySHACL's public engine is the slow part: three fixtures by default, the rest with -m slow (CI runs them)
    out = [pytest.param(p.name, packs, id=f"{p.name}-{'+'.join(packs)}",
                        marks=[] if i < 3 and packs == PACKS[1] else [pytest.mark.slow])
           for i, p in enumerate(TTL) for packs in PACKS]
    out += [pytest.param(n, packs, id=f"{n}-{'+'.join(packs)}", marks=[pytest.mark.slow])
            for n in ("synth-planted", "synth-clean") for packs in PACKS]
    return out


@pytest.mark.parametrize("name,packs", _store_cases())
def test_a_store_is_validated_in_place_with_pyshacls_results(name: str, packs: tuple[str, ...]) -> None:
    store = _store_of(graph(name))
    ref = validate(OxigraphView(store).to_graph(), packs, engine="pyshacl")
    got = validate(store, packs)
    assert got.engine == "oxigraph"
    assert keys(got) == keys(ref)
    assert got.conforms == ref.conforms
    assert OxigraphView(store).count() == len(store)  # nothing written into the user's store (no side graphs)


def test_incremental_validation_of_a_store_reads_it_in_place() -> None:
    """``focus=`` on a store: pyshacl-focus on the store's graph view gives what it gives on the copy."""
    g = graph("model_versions.ttl")
    store = _store_of(g)
    copy = OxigraphView(store).to_graph()
    models = sorted(s for s in copy.subjects(RDF.type, MLKG.MLModel) if isinstance(s, URIRef))
    assert models
    for packs in PACKS:
        focus = expand_focus(copy, models[:2])
        got = validate(store, packs, focus=focus)
        ref = validate(copy, packs, focus=focus)
        assert got.engine == ref.engine == "pyshacl-focus"
        assert keys(got) == keys(ref)


def test_incremental_validation_of_a_store_with_named_graphs_never_counts_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """pySHACL asks ``if graph`` of the data it wraps; answered by the length, that was a walk of every quad of
    every named graph (108 s CPU and 3.8 GB before a one-model check at 10M triples). It must be answered without
    counting, with the same results."""
    from mlkg.validate.engines.oxview import OxigraphGraph

    g = graph("model_versions.ttl")
    store = ox.Store()
    for name in ("urn:g:a", "urn:g:b"):  # two imports: every triple in both
        store.bulk_load(g.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES,
                        to_graph=ox.NamedNode(name))
    copy = OxigraphView(store).to_graph()
    models = sorted(s for s in copy.subjects(RDF.type, MLKG.MLModel) if isinstance(s, URIRef))
    focus = expand_focus(copy, models[:2])
    ref = validate(copy, PACKS[1], focus=focus)

    def counted(self: Any, context: Any = None) -> int:
        raise AssertionError("the store was counted")
    monkeypatch.setattr(OxigraphGraph, "__len__", counted)
    got = validate(store, PACKS[1], focus=focus)
    assert got.engine == "pyshacl-focus"
    assert keys(got) == keys(ref)


@pytest.mark.parametrize("packs", PACKS, ids="+".join)
@pytest.mark.parametrize("path", TTL, ids=lambda p: p.name)
def test_files_parsed_straight_into_pyoxigraph_give_the_rdflib_files_results(path: Path,
                                                                           packs: tuple[str, ...]) -> None:
    data = read_files([str(path)])
    assert data is not None
    got = validate(data, packs)
    assert got.engine == "oxigraph"
    assert keys(got) == keys(reference(path.name, packs))


@pytest.mark.slow
@pytest.mark.parametrize("packs", PACKS, ids="+".join)
def test_the_planted_estate_as_a_file_gives_the_same_results(tmp_path: Path, packs: tuple[str, ...]) -> None:
    path = tmp_path / "planted.nt"
    graph("synth-planted").serialize(path, format="nt", encoding="utf-8")
    got = validate(read_files([str(path)]), packs)  # type: ignore[arg-type]
    assert keys(got) == keys(reference("synth-planted", packs))


RULES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix mlkg: <https://w3id.org/mlkg#> .
@prefix ex: <urn:ex:> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:S a sh:NodeShape ; sh:targetClass mlkg:Evaluation ;
  sh:property [ sh:path mlkg:metricValue ; sh:pattern "^0[.]1$" ] ;
  sh:property [ sh:path mlkg:ciLower ; sh:datatype xsd:decimal ; sh:maxLength 3 ] .
"""
DATA = """
@prefix mlkg: <https://w3id.org/mlkg#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<urn:e:1> a mlkg:Evaluation ; mlkg:metricValue "0.10"^^xsd:decimal ; mlkg:ciLower 0.050 .
<urn:e:2> a mlkg:Evaluation ; mlkg:metricValue "0.1"^^xsd:decimal ; mlkg:ciLower "1"^^xsd:decimal, "01"^^xsd:decimal .
<urn:e:3> a mlkg:Evaluation ; mlkg:metricValue 1e-1 ; mlkg:ciLower "x"^^xsd:decimal .
[] a mlkg:Evaluation ; mlkg:metricValue "0.10"^^xsd:decimal ; mlkg:ciLower "+0.05"^^xsd:decimal .
"""


def test_literals_pyoxigraph_rewrites_are_seen_as_the_file_wrote_them(tmp_path: Path) -> None:
    """pyoxigraph keeps ``"0.10"^^xsd:decimal`` as ``"0.1"``: the pattern and length tests must still see what
    rdflib reads in the file (and two forms of one value stay two values)."""
    rules, data = tmp_path / "rules.ttl", tmp_path / "data.ttl"
    rules.write_text(RULES)
    data.write_text(DATA)
    ref = validate(load_inputs([str(data)]), [str(rules)], engine="pyshacl")
    got = validate(read_files([str(data)]), [str(rules)])  # type: ignore[arg-type]
    assert got.engine == "oxigraph"
    assert keys(got) == keys(ref)
    assert {(r.focus_node, r.value) for r in ref.results} >= {("urn:e:1", "0.10"), ("urn:e:1", "0.050")}
    assert {r.value for r in got.results if r.focus_node in keys_blank(got)} == {"0.10", "0.05"}  # a blank node too


def test_files_pyoxigraph_would_read_differently_go_through_rdflib(tmp_path: Path) -> None:
    rel = tmp_path / "relative.ttl"
    rel.write_text("<a> <urn:p> <urn:o> .\n")
    typed = tmp_path / "typed.nt"
    typed.write_text('<urn:s> <urn:p> "x"^^<http://www.w3.org/2001/XMLSchema#string> .\n')
    bad = tmp_path / "bad.ttl"
    bad.write_text("<urn:s> <urn:p> .\n")
    assert read_files([str(rel)]) is None
    assert read_files([str(typed)]) is None
    assert read_files([str(bad)]) is None
    assert read_files([str(tmp_path / "missing.ttl")]) is None
    assert read_files([str(typed), "model.json"]) is None


def test_the_store_graph_view_dedupes_triples_held_in_several_graphs() -> None:
    store = ox.Store()
    s, p, o = ox.NamedNode("urn:s"), ox.NamedNode("https://w3id.org/mlkg#name"), ox.Literal("a::b")
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode("https://w3id.org/mlkg#MLModel"), ox.NamedNode("urn:g1")))
    for g in ("urn:g1", "urn:g2"):
        store.add(ox.Quad(s, p, o, ox.NamedNode(g)))
    got = validate(store, ["core"])
    ref = validate(OxigraphView(store).to_graph(), ["core"], engine="pyshacl")
    assert got.engine == "oxigraph" and keys(got) == keys(ref)
    assert [r.value for r in got.results if r.path == "name"] == ["a::b"]


def _reaches(succ: dict[int, set[int]], a: int, b: int) -> bool:
    seen, todo = set(), [a]
    while todo:
        v = todo.pop()
        if v == b:
            return True
        if v not in seen:
            seen.add(v)
            todo.extend(succ.get(v, ()))
    return False


def test_cyclic_subjects_are_what_the_cycle_rule_binds() -> None:
    """``$this P ?value . ?value P* $this`` by brute force on random graphs (sparse, dense, with self-loops)."""
    rng = random.Random(7)
    for trial in range(60):
        n = rng.randint(1, 30)
        edges = [(rng.randrange(n), rng.randrange(n)) for _ in range(rng.randint(0, 2 * n))]
        succ: dict[int, set[int]] = {}
        for s, o in edges:
            succ.setdefault(s, set()).add(o)
        want = {s for s, o in edges if _reaches(succ, o, s)}
        assert cyclic_subjects(edges) == want, (trial, edges)


def test_a_graph_with_multi_line_literals_is_validated_by_the_oxigraph_engine() -> None:
    """The Hugging Face golden graph holds a model card's text over several lines: it must reach the oxigraph
    engine as N-Triples (rdflib's ``n3()`` writes Turtle's long string there, which N-Triples refuses and which sent
    the whole graph to the slower engine), with pySHACL's results."""
    g = Graph().parse(Path(__file__).resolve().parents[1] / "importers" / "huggingface" / "expected.ttl")
    assert any(isinstance(o, Literal) and "\n" in o for o in g.objects())
    got = validate(g, ("core", "governance"))
    assert got.engine == "oxigraph"
    assert keys(got) == keys(validate(g, ("core", "governance"), engine="pyshacl"))
