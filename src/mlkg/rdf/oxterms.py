"""The one mapping between rdflib terms and pyoxigraph terms (and mlkg's format names and pyoxigraph's).

Every layer that hands terms to pyoxigraph or reads them back uses these two functions, so a literal keeps its
datatype and language tag the same way everywhere.

>>> from rdflib import Literal, URIRef
>>> to_ox(Literal("7", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer")))
<Literal value=7 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>
>>> from_ox(to_ox(Literal("chat", lang="fr")))
rdflib.term.Literal('chat', lang='fr')
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

#: mlkg format name → pyoxigraph format.
OX_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML,
}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def to_ox(term: Any) -> Any:
    """rdflib term → pyoxigraph term.

    :raises TypeError: if ``term`` is not an rdflib IRI, blank node or literal.
    """
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def from_ox(term: Any) -> Any:
    """pyoxigraph term → rdflib term (None stays None).

    :raises TypeError: for a term kind rdflib has no class for (RDF-star triples).
    """
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        return Literal(term.value) if dt == _XSD_STRING else Literal(term.value, datatype=URIRef(dt))
    raise TypeError(f"unsupported term {term!r}")


def ox_graph(graph: URIRef | None) -> Any:
    """The pyoxigraph graph name of ``graph`` (the default graph when None)."""
    return ox.DefaultGraph() if graph is None else ox.NamedNode(str(graph))


__all__ = ["OX_FORMATS", "from_ox", "ox_graph", "to_ox"]
