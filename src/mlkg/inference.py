"""Materialize what the ontology implies (RDFS or OWL 2 RL) with owlrl.

mlkg's queries do not need this: the lineage super-property triples are written when a graph is built
(:func:`mlkg.rdf.closure.add_super_properties`), and the queries give the same answers with or without
inference (a test checks it). Materialize when another tool wants the inferred classes (``mlkg:Column`` is a
``prov:Entity``) or PROV-O super-properties.

owlrl is slow on large graphs (about 2.5 s per 10k triples for RDFS and 26 s for OWL-RL on this project's
machine; ``reference/performance.md`` §1e): materialize once, ahead of time.

>>> from mlkg.model import Table
>>> from mlkg.rdf.build import to_graph
>>> g = to_graph([Table(name="raw", fqn="db.raw")])
>>> n = materialize(g, level="rdfs")
>>> n > 0
True
"""

from __future__ import annotations

from rdflib import Graph, Literal
from rdflib.namespace import RDF

from .ontology import load_ontology

LEVELS = ("rdfs", "owl-rl")


def materialize(graph: Graph, level: str = "rdfs", *, axioms: bool = False) -> int:
    """Add the triples ``level`` (``"rdfs"`` or ``"owl-rl"``) infers from ``graph`` plus the mlkg ontology to
    ``graph`` itself; return how many were added.

    The ontology's own triples (class and property axioms) are used for the inference but not left in
    ``graph``; only triples about the data's nodes are kept. ``axioms`` keeps owlrl's axiomatic triples
    (``rdf:type rdf:type rdf:Property``, ...), which are left out by default.

    :raises ValueError: for an unknown level.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown inference level {level!r}; known: {', '.join(LEVELS)}")
    import owlrl

    onto = load_ontology()
    work = Graph()
    for t in graph:
        work.add(t)
    for t in onto:
        work.add(t)
    semantics = owlrl.RDFS_Semantics if level == "rdfs" else owlrl.OWLRL_Semantics
    owlrl.DeductiveClosure(semantics, axiomatic_triples=axioms, datatype_axioms=False).expand(work)
    data_nodes = set(graph.subjects()) | {o for _, p, o in graph if p != RDF.type and not isinstance(o, Literal)}
    data_literals = {o for o in graph.objects() if isinstance(o, Literal)}
    before = len(graph)
    for s, p, o in work:
        if (s, p, o) in onto:
            continue
        if s not in data_nodes and not axioms:
            continue  # statements about ontology terms (subclass closure, property characteristics)
        if isinstance(o, Literal) and o not in data_literals:
            # owlrl stands literals in by proxies that confuse "AUC" with the ontology's "AUC"@en, and so
            # infers (eval mlkg:name "AUC"@en) from (eval mlkg:name "AUC"). Sub-property, equivalence and
            # sameAs inferences only ever copy a literal of the data, so anything else is dropped.
            continue
        graph.add((s, p, o))
    return len(graph) - before


__all__ = ["LEVELS", "materialize"]
