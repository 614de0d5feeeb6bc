"""A :class:`pyoxigraph.Store` seen as an mlkg store: SPARQL runs in oxigraph, lineage walks its index.

This is the read side every pyoxigraph store shares; the ``oxigraph:`` backend (:mod:`mlkg.store.embedded`) builds
on it and adds the on-disk store, crash-safe bulk loads and atomic graph replacement.

>>> import pyoxigraph as ox
>>> raw = ox.Store()
>>> raw.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.Literal("x"), ox.NamedNode("urn:g")))
>>> [str(r["o"]) for r in OxigraphView(raw).select("SELECT ?o WHERE { <urn:a> ?p ?o }")]
['x']
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from ..errors import InputError
from ..namespaces import PREFIXES
from ..rdf.oxterms import OX_FORMATS, from_ox, ox_graph, to_ox
from .base import (
    FORMATS,
    STAGING_PREFIX,
    Progress,
    Rows,
    Store,
    as_terms,
    closure_update,
    format_name,
    graph_iri,
    load_input,
    nt_bytes,
    parse_to_graph,
)
from .sparqltext import with_values


class OxigraphView(Store):
    """An existing :class:`pyoxigraph.Store` (in memory or on disk) through the mlkg store interface.

    :meth:`load` here parses the whole input first (a bad file changes nothing) and then adds it; the ``oxigraph:``
    backend overrides it with bulk loads and an atomic replace.
    """

    def __init__(self, store: ox.Store, url: str = "oxigraph:") -> None:
        self.ox = store
        self.url = url
        #: IRIs of staging graphs of imports in progress (hidden from queries and lookups).
        self._staging: set[str] = set()

    # -- writing ---------------------------------------------------------------------------------------------

    def extend(self, triples: Iterable[tuple[Node, Node, Node]], *, graph: str | URIRef | None = None) -> int:
        g = ox_graph(graph_iri(graph))
        quads = [ox.Quad(to_ox(s), to_ox(p), to_ox(o), g) for s, p, o in triples]
        self.ox.extend(quads)
        return len(quads)

    def load(self, source: Any = None, *, path: str | Path | None = None, format: str | None = None,
             graph: str | URIRef | None = None, replace: bool = False, progress: Progress | None = None,
             lineage: bool = False) -> int:
        inp = load_input(source, path=path, format=format)
        target = graph_iri(graph)
        if FORMATS[inp.fmt][2] and target is None and inp.graph is None:
            raise InputError("a quad file needs the oxigraph: store (mlkg.store.open_store) to keep its graphs",
                             source=inp.name)
        data = nt_bytes(parse_to_graph(inp))
        if replace:
            self.drop(target)
        before = self.count(target)
        self.ox.load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox_graph(target))
        if lineage:
            self.ox.update(closure_update(target))
        if progress is not None and inp.path is not None:
            size = inp.path.stat().st_size
            progress(size, size)
        return self.count(target) - before

    def update(self, text: str) -> None:
        try:
            self.ox.update(text)
        except SyntaxError as e:
            raise InputError(f"invalid SPARQL update: {str(e).splitlines()[0]}", source="<update>") from None

    def drop(self, graph: str | URIRef | None) -> None:
        g = graph_iri(graph)
        if g is None:
            self.ox.clear_graph(ox.DefaultGraph())
        elif self.ox.contains_named_graph(ox.NamedNode(str(g))):
            self.ox.remove_graph(ox.NamedNode(str(g)))

    # -- reading ---------------------------------------------------------------------------------------------

    def _has_data(self, g: Any) -> bool:
        return next(iter(self.ox.quads_for_pattern(None, None, None, g)), None) is not None

    def _dataset_args(self) -> dict[str, Any]:
        if not self._staging:
            return {"use_default_graph_as_union": True}
        graphs = [g for g in self.ox.named_graphs() if not str(g.value).startswith(STAGING_PREFIX)]
        return {"default_graph": [ox.DefaultGraph(), *graphs], "named_graphs": graphs}

    def query(self, text: str, *, bindings: Mapping[str, Any] | None = None) -> Rows | bool | Graph:
        binds = as_terms(bindings)
        subs = {ox.Variable(k): to_ox(v) for k, v in binds.items()}
        try:
            try:
                res = self.ox.query(text, substitutions=subs or None, **self._dataset_args())
            except RuntimeError as e:
                if not subs or "projection" not in str(e):
                    raise
                # SEP-0007 substitution needs the variable projected; otherwise bind it with VALUES.
                res = self.ox.query(with_values(text, binds), **self._dataset_args())
        except SyntaxError as e:
            raise InputError(f"invalid SPARQL query: {str(e).splitlines()[0]}", source="<query>") from None
        if isinstance(res, bool) or isinstance(res, ox.QueryBoolean):
            return bool(res)
        if isinstance(res, ox.QueryTriples):
            g = Graph()
            for t in res:
                g.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
            return g
        names = [v.value for v in res.variables]
        rows = Rows(names)
        for sol in res:
            rows.append({n: from_ox(sol[n]) for n in names})
        return rows

    def _visible(self, quads: Iterable[Any]) -> Iterator[Any]:
        for q in quads:
            if self._staging and isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in self._staging:
                continue
            yield q

    def neighbours(self, node: URIRef, direction: str,
                   predicates: Collection[str] | None = None) -> Iterator[tuple[Node, str]]:
        if direction not in ("in", "out"):
            raise ValueError(f"unknown direction {direction!r}; known: in, out")
        n = to_ox(node)
        quads = (self.ox.quads_for_pattern(n, None, None) if direction == "out"
                 else self.ox.quads_for_pattern(None, None, n))
        for q in self._visible(quads):
            p = q.predicate.value
            if predicates is None or p in predicates:  # only the kept quads pay for the term conversion
                yield from_ox(q.object if direction == "out" else q.subject), p

    def objects(self, node: URIRef, predicate: URIRef) -> Iterator[Node]:
        for q in self._visible(self.ox.quads_for_pattern(to_ox(node), to_ox(predicate), None)):
            yield from_ox(q.object)

    def dump(self, output: str | Path | IO[bytes] | None = None, *, format: str = "turtle",
             graph: str | URIRef | None = None) -> bytes | None:
        fmt = format_name(format)
        oxf = OX_FORMATS[fmt]
        quads = FORMATS[fmt][2]
        prefixes = {p: str(ns) for p, ns in PREFIXES.items()} if fmt in ("turtle", "trig") else None
        out: Any = str(output) if isinstance(output, Path) else output
        g = graph_iri(graph)
        if g is not None or quads:
            return self.ox.dump(out, oxf, from_graph=ox_graph(g) if not quads else None, prefixes=prefixes)
        holders = [gr for gr in [ox.DefaultGraph(), *self.ox.named_graphs()]
                   if not (isinstance(gr, ox.NamedNode) and gr.value.startswith(STAGING_PREFIX))
                   and self._has_data(gr)]
        if len(holders) <= 1:
            return self.ox.dump(out, oxf, from_graph=holders[0] if holders else ox.DefaultGraph(),
                                prefixes=prefixes)
        triples: Any = self.ox.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", **self._dataset_args())
        return ox.serialize(triples, out, oxf, prefixes=prefixes)

    def graphs(self) -> list[URIRef]:
        return sorted(URIRef(g.value) for g in self.ox.named_graphs()
                      if isinstance(g, ox.NamedNode) and not g.value.startswith(STAGING_PREFIX)
                      and self._has_data(g))

    def count(self, graph: str | URIRef | None = None) -> int:
        g = graph_iri(graph)
        text = ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }" if g is None
                else f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}")
        sol: Any = next(iter(self.ox.query(text)))  # type: ignore[arg-type]
        return int(sol["n"].value)

    def __len__(self) -> int:
        return len(self.ox)

    def triples(self, pattern: tuple[Node | None, Node | None, Node | None]) -> Iterator[tuple[Node, Node, Node]]:
        s, p, o = (to_ox(t) if t is not None else None for t in pattern)
        for q in self._visible(self.ox.quads_for_pattern(s, p, o, None)):
            yield from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)


__all__ = ["OxigraphView"]
