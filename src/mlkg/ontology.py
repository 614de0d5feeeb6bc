"""The mlkg ontology and its alignment module, loaded from the bundled Turtle files."""

from __future__ import annotations

from functools import lru_cache

from rdflib import Graph

from .resources import resource_path

ONTOLOGY_FILE = ("ontology", "mlkg.ttl")
ALIGNMENT_FILE = ("ontology", "mlkg-align.ttl")


@lru_cache(maxsize=2)
def _load(align: bool) -> Graph:
    g = Graph()
    g.parse(resource_path(*ONTOLOGY_FILE), format="turtle")
    if align:
        p = resource_path(*ALIGNMENT_FILE)
        g.parse(p, format="turtle")
    return g


def load_ontology(*, alignment: bool = False) -> Graph:
    """The core ontology (OWL 2 DL), optionally with the alignment module merged in.

    The returned graph is shared; copy it before changing it.
    """
    return _load(alignment)
