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
    import pyoxigraph as ox

    from ..ontology import ONTOLOGY_FILE  # lazy: ontology → rdf is the layer order; only the file name
    from ..resources import resource_path  # lazy: as above

    # pyoxigraph's parser reads the ontology in ~3 ms where rdflib's takes ~65 ms: this runs in every command
    # that builds or walks lineage, so it is part of the CLI's start-up
    sub = ox.NamedNode(str(RDFS.subPropertyOf))
    direct: dict[URIRef, set[URIRef]] = {}
    for q in ox.parse(path=str(resource_path(*ONTOLOGY_FILE)), format=ox.RdfFormat.TURTLE):
        if q.predicate == sub and isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
            direct.setdefault(URIRef(q.subject.value), set()).add(URIRef(q.object.value))
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
