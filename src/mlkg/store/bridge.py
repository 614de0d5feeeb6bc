"""An rdflib view of any mlkg store, so code written for an rdflib Graph (the query library, lineage, diagrams)
runs on ``--store`` unchanged: SPARQL goes to the store's own engine, pattern lookups to its index.

>>> from mlkg.store import open_store
>>> from rdflib import URIRef, Literal
>>> s = open_store("oxigraph:")
>>> s.add((URIRef("urn:a"), URIRef("urn:p"), Literal("x")), graph="urn:g")
>>> g = as_rdflib(s)
>>> [str(r.o) for r in g.query("SELECT ?o WHERE { <urn:a> <urn:p> ?o }")]
['x']
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from rdflib import Graph, URIRef, Variable
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.query import Result
from rdflib.store import Store as RdflibStore

from ..namespaces import PREFIXES
from .base import Rows, Store


class StoreBridge(SPARQLStore):
    """A read-mostly rdflib Store over an mlkg :class:`~mlkg.store.base.Store` (union of its graphs).

    It is a :class:`~rdflib.plugins.stores.sparqlstore.SPARQLStore` to the code that asks (rdflib, and mlkg's
    query library and lineage), so they hand it query *text* and let the store's engine evaluate it, instead of
    evaluating in Python over thousands of pattern lookups. Nothing of SPARQLStore's HTTP machinery is used.
    """

    context_aware = False
    formula_aware = False
    transaction_aware = False
    graph_aware = False

    def __init__(self, store: Store) -> None:
        RdflibStore.__init__(self)  # not SPARQLStore.__init__: no endpoint, no connector
        self.mlkg_store = store
        self._ns: dict[str, URIRef] = {}

    #: Lineage code reads this to prefer one SPARQL query over a walk of many lookups (remote stores).
    @property
    def prefers_sparql(self) -> bool:
        return self.mlkg_store.prefers_sparql

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[Any]:
        for t in self.mlkg_store.triples(triple_pattern):
            yield t, iter(())

    def __len__(self, context: Any = None) -> int:
        return len(self.mlkg_store)

    def add(self, triple: Any, context: Any = None, quoted: bool = False) -> None:
        self.mlkg_store.add(triple)

    def remove(self, triple: Any, context: Any = None) -> None:
        raise NotImplementedError("removing single triples through the rdflib view; use store.update()")

    def contexts(self, triple: Any = None) -> Iterator[Any]:  # type: ignore[override]
        return iter(())

    def bind(self, prefix: str, namespace: Any, override: bool = True) -> None:
        if override or prefix not in self._ns:
            self._ns[prefix] = URIRef(str(namespace))

    def namespace(self, prefix: str) -> URIRef | None:
        return self._ns.get(prefix)

    def prefix(self, namespace: Any) -> str | None:
        for p, ns in self._ns.items():
            if ns == URIRef(str(namespace)):
                return p
        return None

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        yield from self._ns.items()

    def query(self, query: Any, initNs: Mapping[str, Any], initBindings: Mapping[Any, Any],  # type: ignore[override]
              queryGraph: Any, **kwargs: Any) -> Result:
        if not isinstance(query, str):
            raise NotImplementedError  # a prepared query: rdflib evaluates it over triples()
        declared = {m.group(1) for m in re.finditer(r"(?im)^\s*PREFIX\s+([A-Za-z0-9_.-]*):", query)}
        head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in (initNs or {}).items() if p not in declared)
        res = self.mlkg_store.query(head + query, bindings={str(k): v for k, v in (initBindings or {}).items()})
        if isinstance(res, bool):
            out = Result("ASK")
            out.askAnswer = res
            return out
        if isinstance(res, Graph):
            out = Result("CONSTRUCT")
            out.graph = res
            return out
        assert isinstance(res, Rows)
        out = Result("SELECT")
        out.vars = [Variable(v) for v in res.vars]
        out.bindings = [{Variable(k): v for k, v in row.items() if v is not None} for row in res]
        return out

    def update(self, update: Any, initNs: Mapping[str, Any], initBindings: Mapping[Any, Any],  # type: ignore[override]
               queryGraph: Any, **kwargs: Any) -> None:
        if initBindings:
            raise NotImplementedError("bindings in updates")
        declared = {m.group(1) for m in re.finditer(r"(?im)^\s*PREFIX\s+([A-Za-z0-9_.-]*):", str(update))}
        head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in (initNs or {}).items() if p not in declared)
        self.mlkg_store.update(head + str(update))


def as_rdflib(store: Store) -> Graph:
    """An rdflib :class:`~rdflib.Graph` backed by ``store`` (queries run in the store's engine)."""
    g = Graph(store=StoreBridge(store))
    for p, ns in PREFIXES.items():
        g.bind(p, ns, override=True)
    return g
