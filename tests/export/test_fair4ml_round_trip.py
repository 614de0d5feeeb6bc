"""FAIR4ML → mlkg (read_fair4ml) → FAIR4ML gives the same graph; bad FAIR4ML input is a clear error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, to_isomorphic

from mlkg.errors import InputError
from mlkg.export import export, read_fair4ml
from mlkg.rdf.closure import add_super_properties
from mlkg.rdf.formats import load_graph

ROOT = Path(__file__).resolve().parents[2]


def _sliced() -> Graph:
    from test_export_cards import SLICED  # a version with CIs, slices, a model card and an owner

    g = Graph().parse(data=SLICED, format="turtle")
    add_super_properties(g)
    return g


@pytest.mark.parametrize("name", ["model_versions", "fraud_detection", "sliced"])
def test_fair4ml_round_trip_keeps_the_graph(tmp_path, name):
    if name == "sliced":
        g = _sliced()
    else:
        g = load_graph([ROOT / "examples" / "output" / f"{name}.ttl"])
        add_super_properties(g)
    first = export(g, "fair4ml")
    path = tmp_path / "model.jsonld"
    path.write_text(first.text)
    back = read_fair4ml(path)
    second = export(back, "fair4ml")
    a, b = to_isomorphic(first.graph), to_isomorphic(second.graph)
    _, only_first, only_second = graph_diff(a, b)
    assert not list(only_first) and not list(only_second), (sorted(only_first), sorted(only_second))


def test_read_fair4ml_gives_mlkg_terms():
    doc = json.loads(export(_sliced(), "fair4ml").text)
    g = read_fair4ml(doc)
    q = """PREFIX mlkg: <https://w3id.org/mlkg#>
    SELECT ?lo ?hi WHERE { ?m mlkg:hasVersion ?v . ?v mlkg:hasEvaluation ?e . ?e mlkg:measure mlkg:AUC ;
      mlkg:ciLower ?lo ; mlkg:ciUpper ?hi ; mlkg:split mlkg:TestSplit }"""
    assert {(float(r.lo), float(r.hi)) for r in g.query(q)} == {(0.89, 0.93)}


@pytest.mark.parametrize("text, expected", [
    ("{not json", "not JSON"),
    ('{"@context": "https://example.org/other", "name": "x"}', "not JSON-LD that FAIR4ML's context can read"),
    ('{"@context": "https://w3id.org/fair4ml/0.1.0", "@type": "schema:Dataset", "name": "d"}',
     "no fair4ml:MLModel"),
])
def test_bad_fair4ml_input_names_the_file(tmp_path, text, expected):
    path = tmp_path / "bad.jsonld"
    path.write_text(text)
    with pytest.raises(InputError) as e:
        read_fair4ml(path)
    assert expected in str(e.value) and "bad.jsonld" in str(e.value)
