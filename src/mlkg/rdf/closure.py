"""Super-property triples: written when a graph is built, so lineage needs no reasoner.

The sub-property axioms come from the ontology (``rdfs:subPropertyOf`` in ``ontology/mlkg.ttl``): each mlkg triple
whose property has PROV-O or DCAT super-properties gets those triples too (``mlkg:trainedOn`` →
``prov:wasDerivedFrom``).
"""

from __future__ import annotations

from functools import lru_cache

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS

from ..namespaces import MLKG_IRI


@lru_cache(maxsize=1)
def super_properties() -> dict[URIRef, tuple[URIRef, ...]]:
    """mlkg property → all its (transitive) super-properties outside the mlkg namespace, from the ontology."""
    from ..ontology import load_ontology

    onto = load_ontology()
    direct: dict[URIRef, set[URIRef]] = {}
    for s, o in onto.subject_objects(RDFS.subPropertyOf):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            direct.setdefault(s, set()).add(o)
    out: dict[URIRef, tuple[URIRef, ...]] = {}
    for p in direct:
        if not str(p).startswith(MLKG_IRI):
            continue
        seen: set[URIRef] = set()
        stack = list(direct[p])
        while stack:
            q = stack.pop()
            if q in seen:
                continue
            seen.add(q)
            stack.extend(direct.get(q, ()))
        ext = tuple(sorted(q for q in seen if not str(q).startswith(MLKG_IRI)))
        if ext:
            out[p] = ext
    return out


def add_super_properties(g: Graph) -> int:
    """Add the super-property triples of every mlkg triple in ``g``; returns how many were new."""
    sup = super_properties()
    new = []
    for p, supers in sup.items():
        for s, o in g.subject_objects(p):
            for q in supers:
                new.append((s, q, o))
    before = len(g)
    for t in new:
        g.add(t)
    return len(g) - before
