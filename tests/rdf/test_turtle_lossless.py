"""Turtle and TriG keep every literal's lexical form (rdflib's own writers round xsd:double to 7 digits).

Found by the H2O importer: a GLM hyperparameter 0.013888888888888888 came back from Turtle as 1.388889e-02.
"""

from __future__ import annotations

import pytest
from rdflib import XSD, Dataset, Graph, Literal, URIRef

from mlkg.rdf.formats import serialize

VALUES = ["0.013888888888888888", "0.01", "1e-2", "6.02214076E23", "-0.0", "123456789.12345678"]


@pytest.mark.parametrize("fmt", ["turtle", "trig", "nt", "nq"])
def test_doubles_keep_their_lexical_form(fmt: str) -> None:
    g = Graph()
    for i, v in enumerate(VALUES):
        g.add((URIRef("urn:x"), URIRef(f"urn:p{i}"), Literal(v, datatype=XSD.double)))
    text = serialize(g, fmt)
    back = Dataset() if fmt in ("trig", "nq") else Graph()
    back.parse(data=text, format={"turtle": "turtle", "trig": "trig", "nt": "nt", "nq": "nquads"}[fmt])
    got = sorted(str(o) for _, _, o, *_ in (back.quads() if isinstance(back, Dataset) else back))
    lexical = sorted(str(Literal(v, datatype=XSD.double)) for v in VALUES)  # rdflib's form on construction
    assert got == lexical, text
    for v in lexical:
        assert f'"{v}"' in text  # the same lexical form in every format
    assert float(next(o for o in got if o.startswith("0.0138"))) == 0.013888888888888888


def test_rdflib_own_turtle_is_unchanged() -> None:
    """mlkg registers its own writer names; rdflib's 'turtle' behaves as before for other users."""
    g = Graph()
    g.add((URIRef("urn:x"), URIRef("urn:p"), Literal("0.013888888888888888", datatype=XSD.double)))
    assert "1.388889e-02" in g.serialize(format="turtle")
