"""Data that is already in pyoxigraph, seen by pySHACL without a copy.

The ``oxigraph`` engine finds candidate nodes with SPARQL on the store; pySHACL then checks only those, and it
needs an rdflib graph. :class:`OxigraphGraph` is one over the store itself: rdflib's ``Store`` interface answered
by ``quads_for_pattern``, each term converted only when pySHACL (or rdflib's SPARQL engine, for a SPARQL-based
constraint with ``$this`` bound) touches it. A check of a few hundred candidates in a million triples converts a
few thousand terms instead of copying the graph (9.8 s of CPU at 1M triples).

:func:`load_files` parses RDF files straight into a new in-memory store (never into rdflib), adds the lineage
super-property triples (only when some are missing) and records, for the literals pyoxigraph stores in another
lexical form than the file's (``"0.10"^^xsd:decimal`` is kept as ``"0.1"``), the file's own terms: the graph view
shows those, so pySHACL sees exactly what rdflib's parser of the file would have given it.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.store import Store as RdflibStore

from ...dataset.base import STAGING_PREFIX, closure_missing, closure_update
from ...rdf.oxterms import from_ox, to_ox

__all__ = ["OXIGRAPH_SUFFIXES", "OxData", "OxigraphGraph", "load_files"]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_PLAIN_DT = {_XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}

#: File suffixes parsed straight into pyoxigraph (the formats both rdflib and pyoxigraph read the same way).
OXIGRAPH_SUFFIXES = {".nt": ox.RdfFormat.N_TRIPLES, ".ttl": ox.RdfFormat.TURTLE}


class OxData:
    """Data in a pyoxigraph store, for the ``oxigraph`` engine.

    :param store: the store.
    :param graphs: the graphs that make up the data (None: the union of every graph that is not an import's
        staging graph, as mlkg's stores show it to queries).
    :param originals: for (subject, predicate) pairs whose typed literals the store holds in another lexical form,
        the literals as the source wrote them (rdflib terms); the view shows these instead.
    :param canonical: True when the store's lexical forms are the reference (a user's store: the reference is its
        content as mlkg reads it back), so no lexical form needs marking.
    """

    def __init__(self, store: ox.Store, *, graphs: Sequence[Any] | None = None,
                 originals: dict[tuple[Any, Any], list[Literal]] | None = None, canonical: bool = True,
                 name: str = "") -> None:
        self.ox = store
        self.originals = originals or {}
        self.canonical = canonical
        self.name = name
        if graphs is None:
            named = [g for g in store.named_graphs() if not (isinstance(g, ox.NamedNode)
                                                             and g.value.startswith(STAGING_PREFIX))]
            graphs = [ox.DefaultGraph(), *named]
        self.graphs = list(graphs)

    def query_args(self) -> dict[str, Any]:
        """Keyword arguments of ``pyoxigraph.Store.query`` that make the data the default graph."""
        if self.graphs == [ox.DefaultGraph()]:
            return {}
        named = [g for g in self.graphs if not isinstance(g, ox.DefaultGraph)]
        return {"default_graph": self.graphs, "named_graphs": named}

    def __len__(self) -> int:
        """The number of triples of the data."""
        q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        sol: Any = next(iter(self.ox.query(q, **self.query_args())))  # type: ignore[arg-type]
        return int(sol["n"].value)

    def graph(self) -> Graph:
        """An rdflib graph over the store (see :class:`OxigraphGraph`)."""
        return Graph(store=OxigraphGraph(self))

    def to_graph(self) -> Graph:
        """A copy in an rdflib graph (for the engines that walk every triple)."""
        out = Graph()
        view = self.graph()
        for t in view:
            out.add(t)
        return out


class OxigraphGraph(RdflibStore):
    """A read-only rdflib store answered by a pyoxigraph store (see the module docstring)."""

    context_aware = True  # pySHACL wraps the graph in a Dataset over the same store
    formula_aware = False
    transaction_aware = False
    graph_aware = True

    def __init__(self, data: OxData) -> None:
        super().__init__()
        self.data = data
        self._ns: dict[str, URIRef] = {}
        self._by_ns: dict[str, str] = {}
        self._keys = set(data.originals)
        self._len: int | None = None
        self._by_s: dict[Any, list[tuple[Any, list[Literal]]]] = {}
        self._by_p: dict[Any, list[tuple[Any, list[Literal]]]] = {}
        for (so, po), lits in data.originals.items():
            self._by_s.setdefault(so, []).append((po, lits))
            self._by_p.setdefault(po, []).append((so, lits))

    # -- reading -----------------------------------------------------------------------------------------------

    def _quads(self, s: Any, p: Any, o: Any) -> Iterator[Any]:
        graphs = self.data.graphs
        if len(graphs) == 1:
            yield from self.data.ox.quads_for_pattern(s, p, o, graphs[0])
            return
        seen = set()
        for g in graphs:
            for q in self.data.ox.quads_for_pattern(s, p, o, g):
                t = q.triple
                if t not in seen:
                    seen.add(t)
                    yield q

    def triples(self, triple_pattern: Any, context: Any = None) -> Iterator[Any]:
        s, p, o = triple_pattern
        try:
            xs, xp, xo = (to_ox(t) if t is not None else None for t in (s, p, o))
        except (TypeError, ValueError):  # a term oxigraph has no equivalent of or refuses: the store has none
            return
        none: Iterator[Any] = iter(())
        keys = self._keys
        for q in self._quads(xs, xp, xo):
            so, po, oo = from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)
            if keys and (so, po) in keys and isinstance(oo, Literal) and _typed(oo):
                continue  # the source's own lexical forms come below
            if o is not None and oo != o:  # oxigraph matches a literal by value, rdflib by its lexical form
                continue
            yield (so, po, oo), none
        if keys:
            if s is not None:
                hits: Iterable[tuple[Any, Any, list[Literal]]] = ((s, po, lits) for po, lits in self._by_s.get(s, ())
                                                                  if p is None or p == po)
            elif p is not None:
                hits = ((so, p, lits) for so, lits in self._by_p.get(p, ()))
            else:
                hits = ((so, po, lits) for (so, po), lits in self.data.originals.items())
            for so, po, lits in hits:
                for lit in lits:
                    if o is None or o == lit:
                        yield (so, po, lit), none

    def __len__(self, context: Any = None) -> int:
        # rdflib's Graph has no __bool__: pySHACL's "if graph" asks for the length, so it is counted once
        if self._len is None:
            if len(self.data.graphs) == 1:
                q = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
                sol: Any = next(iter(self.data.ox.query(q, **self.data.query_args())))  # type: ignore[arg-type]
                self._len = int(sol["n"].value)
            else:
                self._len = sum(1 for _ in self._quads(None, None, None))
        return self._len

    def contexts(self, triple: Any = None) -> Generator[Graph, None, None]:
        yield from ()

    # -- namespaces (the graph's namespace manager keeps its bindings here) ---------------------------------

    def bind(self, prefix: str, namespace: Any, override: bool = True) -> None:
        if prefix in self._ns and not override:
            return
        self._ns[prefix] = URIRef(namespace)
        self._by_ns[str(namespace)] = prefix

    def namespace(self, prefix: str) -> URIRef | None:
        return self._ns.get(prefix)

    def prefix(self, namespace: Any) -> str | None:
        return self._by_ns.get(str(namespace))

    def namespaces(self) -> Iterator[tuple[str, URIRef]]:
        yield from self._ns.items()

    # -- writing is refused -------------------------------------------------------------------------------------

    def add(self, triple: Any, context: Any = None, quoted: bool = False) -> None:
        raise TypeError("this graph is a read-only view of a pyoxigraph store")

    def addN(self, quads: Iterable[Any]) -> None:
        raise TypeError("this graph is a read-only view of a pyoxigraph store")

    def remove(self, triple: Any, context: Any = None) -> None:
        raise TypeError("this graph is a read-only view of a pyoxigraph store")


def _typed(lit: Literal) -> bool:
    return lit.datatype is not None and str(lit.datatype) not in _PLAIN_DT


def load_files(paths: Sequence[str | Path], *, kept: Any = None) -> OxData:
    """RDF files (suffixes in :data:`OXIGRAPH_SUFFIXES`) parsed straight into a new in-memory store, with the
    lineage super-property triples, as ``mlkg validate`` reads them.

    Each file is parsed once by pyoxigraph's parser; the quads go to the store's bulk loader, and the typed
    literals the store may keep in another lexical form (``kept(lex, datatype)`` is True for a form it surely
    keeps) are found on the way: for each (subject, predicate) holding one, every typed literal of the pair is
    recorded as the file wrote it in :attr:`OxData.originals`.

    :raises ValueError: for a suffix pyoxigraph is not used for, or an explicit ``xsd:string`` datatype (rdflib
        keeps it apart from a plain literal, pyoxigraph does not); the caller reads the files with rdflib instead.
    :raises SyntaxError: pyoxigraph's parse error, a relative IRI among them (the caller reads the file with
        rdflib, for mlkg's message or rdflib's reading of the IRI).
    """
    store = ox.Store()
    originals: dict[tuple[Any, Any], list[Literal]] = {}
    lit_type = ox.Literal
    for path in paths:
        p = Path(path)
        fmt = OXIGRAPH_SUFFIXES.get(p.suffix.lower())
        if fmt is None:
            raise ValueError(f"{p}: not a file pyoxigraph reads here")
        raw = p.read_bytes()
        if b"XMLSchema#string" in raw or (b"XMLSchema#" in raw and _PREFIXED_STRING.search(raw)):
            raise ValueError(f"{p}: explicit xsd:string literals")
        quads = []
        typed: dict[tuple[Any, Any], list[Any]] = {}
        dirty: set[tuple[Any, Any]] = set()
        for q in ox.parse(raw, format=fmt):
            quads.append(q)
            o = q.object
            if type(o) is lit_type:
                dt = o.datatype.value
                if dt not in _PLAIN_DT:
                    key = (q.subject, q.predicate)
                    typed.setdefault(key, []).append(o)
                    if kept is None or not kept(o.value, dt):
                        dirty.add(key)
        store.bulk_extend(quads)  # the parsed quads themselves: blank nodes keep the names the marks use
        del quads
        for key in dirty:
            have = originals.setdefault((from_ox(key[0]), from_ox(key[1])), [])
            for lit in typed[key]:
                t = from_ox(lit)
                if t not in have:
                    have.append(t)
    if store.query(closure_missing(None)):
        store.update(closure_update(None))
    return OxData(store, graphs=[ox.DefaultGraph()], originals=originals, canonical=False,
                  name=", ".join(str(p) for p in paths))


_PREFIXED_STRING = re.compile(rb"\^\^\s*[A-Za-z0-9_.-]*:string\b")
