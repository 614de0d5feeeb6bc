"""The one notion of "a graph to query": mlkg's :class:`Store` interface, and :func:`as_store` to get one.

Queries (:mod:`mlkg.query`), lineage, diagrams and validation take a :class:`Store`; :func:`as_store` turns
what a caller has into one, by type: an mlkg store is used as it is, an rdflib :class:`~rdflib.Graph` is wrapped
(:class:`GraphStore`; an :func:`mlkg.store.as_rdflib` view is unwrapped to its store), a
:class:`pyoxigraph.Store` is wrapped (:class:`OxigraphView`).

Where this sits: ``ontology → model → rdf → dataset → validate/query → store → importers → commands``. The
interface and the in-process implementations live here, below the query layer that uses them; the backends opened
by URL (``oxigraph:PATH``, ``sparql:URL``) and :func:`mlkg.store.open_store` live in :mod:`mlkg.store`, which
re-exports these names.

>>> from rdflib import Graph
>>> g = Graph().parse(data="<urn:a> <urn:p> 'x' .", format="turtle")
>>> s = as_store(g)
>>> type(s).__name__, s.prefers_sparql, len(s)
('GraphStore', False, 1)
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from .base import STAGING_PREFIX, Rows, Store, as_term, as_terms, format_name
from .memory import GraphStore, MemoryStore
from .oxigraph import OxigraphView

#: What the query functions accept: an mlkg store, an rdflib graph or a pyoxigraph store.
Source = Store | Graph | ox.Store


def as_store(source: Any) -> Store:
    """``source`` as an mlkg :class:`Store` (see the module docstring for what is accepted).

    :raises TypeError: for anything else.
    """
    if isinstance(source, Store):
        return source
    if isinstance(source, Graph):
        inner = getattr(source.store, "mlkg_store", None)  # an mlkg.store.as_rdflib view: use its store directly
        return inner if isinstance(inner, Store) else GraphStore(source)
    if isinstance(source, ox.Store):
        return OxigraphView(source)
    raise TypeError(f"cannot query a {type(source).__name__}: expected an mlkg Store (mlkg.store.open_store), "
                    "an rdflib Graph or a pyoxigraph Store")


__all__ = ["STAGING_PREFIX", "GraphStore", "MemoryStore", "OxigraphView", "Rows", "Source", "Store", "as_store",
           "as_term", "as_terms", "format_name"]
