"""mlkg's own JSON-LD writer (:func:`mlkg.rdf.jsonld.dumps`, behind ``mlkg convert --to jsonld``): one pass over
the graph with the terms the generated context fixes, read back into the same graph by pyld (mlkg's reference
engine), rdflib and pyoxigraph with every socket refused. jsonld.js and the four-way comparison on every example
are in tests/conformance/test_jsonld_engines.py (slow)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from pyld import jsonld as pyld
from rdflib import BNode, Dataset, Graph, Literal, URIRef, namespace
from rdflib.compare import isomorphic

from mlkg.rdf.context import load_context
from mlkg.rdf.formats import load_graph, serialize
from mlkg.rdf.jsonld import document_loader
from mlkg.rdf.jsonld_writer import dumps

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "output" / "customer_churn.ttl"
MLKG = "https://w3id.org/mlkg#"
ID = "https://w3id.org/mlkg/id/"


def scoped_keys(ctx: dict[str, Any]) -> set[str]:
    """Keys that some type-scoped or property-scoped context of mlkg's context (re)defines."""
    out: set[str] = set()
    for v in ctx.values():
        if isinstance(v, dict) and isinstance(v.get("@context"), dict):
            out |= set(v["@context"]) | scoped_keys(v["@context"])
    return out


def keys_of(doc: dict[str, Any]) -> set[str]:
    return {k for node in doc["@graph"] for k in node}


def lines(nq: str) -> set[str]:
    """N-Quads lines, blank nodes relabelled canonically (URDNA2015)."""
    canon = pyld.normalize(nq, {"algorithm": "URDNA2015", "inputFormat": "application/n-quads",
                                "format": "application/n-quads"})
    return {line for line in canon.splitlines() if line}


def pyld_nquads(doc: Any) -> set[str]:
    return lines(pyld.to_rdf(doc, {"format": "application/n-quads", "documentLoader": document_loader()}))


def ox_nquads(text: str) -> set[str]:
    quads = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.JSON_LD)
    return lines(ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode())


@pytest.fixture(scope="module")
def example() -> tuple[Graph, str]:
    g = load_graph([EXAMPLE])
    return g, serialize(g, "jsonld")


def test_no_exported_key_is_redefined_by_a_scoped_context(example: tuple[Graph, str]) -> None:
    """#15 R1: a node typed [Column, FeatureSource] used to say "dataType", whose meaning depends on which of the
    two type-scoped contexts wins (rdflib picked the wrong one). Exports now use keys no scoped context redefines."""
    g, text = example
    doc = json.loads(text)
    full = load_context()["@context"]
    used = keys_of(doc) - {"@id", "type"}
    assert used and not used & scoped_keys(full), sorted(used & scoped_keys(full))
    assert "dataType" in scoped_keys(full) and "columnDataType" in used and "sourceDataType" in used
    # the embedded context has no scoped contexts at all
    assert not any(isinstance(v, dict) and "@context" in v for v in doc["@context"].values())
    node = next(n for n in doc["@graph"] if n["@id"].endswith("customers.last_purchase_date"))
    assert sorted(node["type"]) == ["Column", "FeatureSource"]
    assert (node["columnDataType"], node["sourceDataType"]) == ("DATE", "date")


def test_rdflib_pyld_and_pyoxigraph_read_the_export_back(example: tuple[Graph, str], no_network: None) -> None:
    g, text = example
    assert isomorphic(Graph().parse(data=text, format="json-ld"), g)
    assert isomorphic(Graph().parse(data="\n".join(pyld_nquads(json.loads(text))), format="nt"), g)
    assert isomorphic(Graph().parse(data="\n".join(ox_nquads(text)), format="nt"), g)
    col = URIRef(ID + "column/snowflake.analytics.public.customers.last_purchase_date")
    back = Graph().parse(data=text, format="json-ld")
    assert back.value(col, URIRef(MLKG + "sourceDataType")) == URIRef(MLKG + "DateSource")
    assert back.value(col, URIRef(MLKG + "columnDataType")) == Literal("DATE")


def test_url_mode_writes_the_same_nodes(example: tuple[Graph, str], no_network: None) -> None:
    g, text = example
    doc = json.loads(serialize(g, "jsonld", context="url"))
    assert doc["@context"][0] == "https://w3id.org/mlkg/context.jsonld"
    assert doc["@graph"] == json.loads(text)["@graph"]
    assert isomorphic(Graph().parse(data="\n".join(pyld_nquads(doc)), format="nt"), g)


def odd_graph() -> Graph:
    """Literals of every kind the writer treats differently, under coerced and uncoerced terms."""
    g = Graph()
    hp, col, b = URIRef(ID + "hyperParameter/m.lr"), URIRef(ID + "column/t.c"), BNode("b1")
    dbl = namespace.XSD.double
    g.add((hp, namespace.RDF.type, URIRef(MLKG + "HyperParameterSetting")))
    g.add((hp, URIRef(MLKG + "hyperParameterValue"), Literal("0.01", datatype=dbl, normalize=False)))
    g.add((hp, URIRef(MLKG + "hyperParameterValue"), Literal("INF", datatype=dbl, normalize=False)))
    g.add((hp, URIRef(MLKG + "metricValue"), Literal("0.10", datatype=namespace.XSD.decimal, normalize=False)))
    g.add((hp, URIRef(MLKG + "name"), Literal("lr", lang="en")))
    g.add((hp, URIRef(MLKG + "description"), Literal('a "quoted"\nline é')))
    g.add((col, URIRef(MLKG + "sourceDataType"), URIRef(MLKG + "IntegerSource")))  # @vocab term
    g.add((col, URIRef(MLKG + "sourceDataType"), Literal("not an IRI")))  # a literal under a @vocab term
    g.add((col, URIRef(MLKG + "importanceValue"), Literal("0.5", datatype=namespace.XSD.decimal)))  # coerced xsd:decimal
    g.add((col, URIRef(MLKG + "importanceValue"), Literal("half")))  # a plain string under it
    g.add((col, URIRef(MLKG + "updatedAt"), Literal("2024-06-20T08:00:00Z", datatype=namespace.XSD.dateTime)))
    g.add((col, namespace.DCTERMS.isPartOf, b))
    g.add((b, URIRef("http://example.org/unmapped#p"), Literal("x")))
    g.add((b, namespace.RDF.type, Literal("a literal type")))
    return g


def test_every_processor_reads_the_same_exact_literals(no_network: None) -> None:
    """#15 J4: doubles are written in their canonical form ("1.0E-2"), which jsonld.js and PyLD write for any
    xsd:double string and rdflib and pyoxigraph keep, so all read the same literal; every other literal keeps its
    lexical form. A double that the canonical form would change (17 digits) is kept as it is."""
    g = odd_graph()
    text = dumps(g)
    ox_quads, pyld_quads = ox_nquads(text), pyld_nquads(json.loads(text))
    assert ox_quads == pyld_quads
    dbl = "^^<http://www.w3.org/2001/XMLSchema#double>"
    hpv = f"<{ID}hyperParameter/m.lr> <{MLKG}hyperParameterValue>"
    assert f'{hpv} "1.0E-2"{dbl} .' in ox_quads and f'{hpv} "INF"{dbl} .' in ox_quads
    # exactly the source's triples, the double in its canonical form
    source = g.serialize(format="nt").replace(f'"0.01"{dbl}', f'"1.0E-2"{dbl}')
    assert ox_quads == lines(source)
    assert isomorphic(Graph().parse(data=text, format="json-ld"), g)  # rdflib, in its own (normalised) terms


def test_a_double_the_canonical_form_would_change_is_kept() -> None:
    """17 significant digits: the canonical form (16) would change the value, so the writer keeps the lexical form
    (pyoxigraph and rdflib read it exactly; jsonld.js and PyLD round every xsd:double to 16 digits themselves)."""
    g = Graph()
    lex = "0.013888888888888888"
    g.add((URIRef(ID + "x"), URIRef(MLKG + "hyperParameterValue"), Literal(lex, datatype=namespace.XSD.double)))
    text = dumps(g)
    assert f'{{"@value": "{lex}", "@type": "xsd:double"}}' in text
    assert any(f'"{lex}"^^' in q for q in ox_nquads(text))
    assert isomorphic(Graph().parse(data=text, format="json-ld"), g)


def test_a_graph_sharing_its_store_is_written_alone() -> None:
    """The writer reads rdflib's subject index only when the graph is alone in its store; in a Dataset it reads
    the graph's own triples."""
    ds = Dataset()
    a, other = ds.graph(URIRef("urn:g:a")), ds.graph(URIRef("urn:g:b"))
    for t in load_graph([EXAMPLE]):
        a.add(t)
    other.add((URIRef(ID + "x"), URIRef(MLKG + "name"), Literal("elsewhere")))
    plain = Graph()
    for t in a:
        plain.add(t)
    assert dumps(a) == dumps(plain)
    assert "elsewhere" not in dumps(a)


def test_an_empty_graph_is_an_empty_document() -> None:
    doc = json.loads(dumps(Graph()))
    assert doc["@graph"] == [] and doc["@context"]["mlkg"] == MLKG
