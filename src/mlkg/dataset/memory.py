"""rdflib graphs as mlkg stores: :class:`GraphStore` wraps any rdflib :class:`~rdflib.Graph` (a file loaded into
memory, a Dataset, a graph over rdflib's own SPARQLStore), and :class:`MemoryStore` is the ``memory:`` store, a new
rdflib Dataset in this process (the default store; nothing is kept after exit).

>>> from rdflib import URIRef, Literal
>>> s = MemoryStore()
>>> s.add((URIRef("urn:a"), URIRef("urn:p"), Literal("x")), graph="urn:g:1")
>>> len(s), s.graphs()
(1, [rdflib.term.URIRef('urn:g:1')])
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from rdflib import Dataset, Graph, URIRef, Variable
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID, ConjunctiveGraph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from rdflib.term import Node

from ..errors import StoreError
from ..namespaces import PREFIXES
from ..rdf.closure import add_super_properties
from ..rdf.formats import load_graph, parse_text, serialize
from .base import (
    FORMATS,
    STAGING_PREFIX,
    LoadInput,
    Progress,
    Rows,
    Store,
    as_terms,
    format_name,
    graph_iri,
    load_input,
    parse_to_graph,
)
from .sparqltext import with_values


@lru_cache(maxsize=128)
def _prepare(text: str) -> Any:
    """The parsed query (rdflib's parser costs about 50 ms per query), or None when it needs the graph's own
    prefixes (the query then goes to rdflib as text)."""
    from rdflib.plugins.sparql import prepareQuery  # rdflib's SPARQL engine costs ~0.15 s to import: only when used

    try:
        return prepareQuery(text, initNs=dict(PREFIXES))
    except Exception:
        return None


class GraphStore(Store):
    """An rdflib :class:`~rdflib.Graph` seen as an mlkg store (the graph is used, not copied).

    A :class:`~rdflib.Dataset` keeps its named graphs; a plain graph is one default graph, and writing to a named
    graph of it is refused. A graph over rdflib's ``SPARQLStore`` gets query text with the bindings as ``VALUES``
    blocks and says :attr:`prefers_sparql`.

    >>> from rdflib import Graph
    >>> g = Graph().parse(data="<urn:a> <urn:p> 'x' .", format="turtle")
    >>> [str(r["o"]) for r in GraphStore(g).select("SELECT ?o WHERE { ?s ?p ?o }")]
    ['x']
    """

    def __init__(self, graph: Graph, url: str = "rdflib:") -> None:
        self.url = url
        self.ds = graph
        self.remote = isinstance(graph.store, SPARQLStore)
        self.prefers_sparql = self.remote

    def _graph(self, graph: str | URIRef | None) -> Graph:
        g = graph_iri(graph)
        if isinstance(self.ds, ConjunctiveGraph):
            return self.ds.default_graph if g is None else self.ds.graph(g)  # type: ignore[attr-defined]
        if g is not None and g != self.ds.identifier:
            raise StoreError(f"{self.url}: an rdflib Graph holds one graph; cannot address {g}")
        return self.ds

    # -- writing ---------------------------------------------------------------------------------------------

    def extend(self, triples: Iterable[tuple[Node, Node, Node]], *, graph: str | URIRef | None = None) -> int:
        g = self._graph(graph)
        n = 0
        for t in triples:
            g.add(t)
            n += 1
        return n

    def load(self, source: Any = None, *, path: str | Path | None = None, format: str | None = None,
             graph: str | URIRef | None = None, replace: bool = False, progress: Progress | None = None,
             lineage: bool = False) -> int:
        inp = load_input(source, path=path, format=format)
        target = graph_iri(graph)
        if inp.graph is None and FORMATS[inp.fmt][2] and target is None:
            return self._load_quads(inp, replace, lineage)
        if inp.graph is not None:  # an rdflib graph: its triples are added (there is nothing to parse)
            new = inp.graph
            if lineage:
                new = _copy(new)
                add_super_properties(new)
            g = self._graph(target)
            if replace:
                self.drop(target)
                g = self._graph(target)
            g.addN((s, p, o, g) for s, p, o in new)
            return len(new)
        g = self._graph(target)
        if not len(g):
            # an empty graph (new, or replaced by nothing yet): parse straight into it, each triple added once;
            # a bad file is parsed up to its error and the graph dropped again, so it changes nothing
            try:
                _parse_into(inp, g)
                if lineage:
                    add_super_properties(g)
            except BaseException:
                self.drop(target)
                raise
            n = len(g)
        else:
            # the graph has content: parse into a staging graph of the same dataset (hidden from graphs()),
            # then move it in; a bad file only ever touches the staging graph
            in_ds = isinstance(self.ds, ConjunctiveGraph)
            staging = (self.ds.graph(URIRef(STAGING_PREFIX + uuid.uuid4().hex))  # type: ignore[attr-defined]
                       if in_ds else Graph())
            try:
                _parse_into(inp, staging)
                if lineage:
                    add_super_properties(staging)
                n = len(staging)
                if replace:
                    self.drop(target)
                    g = self._graph(target)
                g.addN((s, p, o, g) for s, p, o in staging)
            finally:
                if in_ds:
                    self.ds.remove_graph(staging)  # type: ignore[attr-defined]
        if progress is not None and inp.path is not None:
            size = inp.path.stat().st_size
            progress(size, size)
        return n

    def load_entities(self, entities: Iterable[Any], *, graph: str | URIRef | None = None, replace: bool = False,
                      base: str | None = None, lineage: bool = True) -> int:
        g = self._graph(graph)
        if len(g):  # a graph with content: the N-Triples path (staging graph, then moved in)
            return super().load_entities(entities, graph=graph, replace=replace, base=base, lineage=lineage)
        from ..rdf.build import to_graph  # lazy: start-up without mlkg.model (issue 16)

        try:  # an empty graph: the triples are added to it once, straight from the entities
            to_graph(entities, base=base, graph=g, lineage=lineage)
        except BaseException:
            self.drop(graph)
            raise
        return len(g)

    def _load_quads(self, inp: Any, replace: bool, lineage: bool) -> int:
        ds = Dataset()
        data = inp.path.read_bytes() if inp.path is not None else inp.data
        try:
            ds.parse(data=data, format=FORMATS[inp.fmt][0])
        except Exception:
            parse_to_graph(inp)  # raises InputError with file, line and column
            raise
        n = 0
        replaced: set[Any] = set()
        for s, p, o, c in ds.quads((None, None, None, None)):
            ident = c.identifier if isinstance(c, Graph) else c
            gname = None if ident == DATASET_DEFAULT_GRAPH_ID else ident
            if replace and gname not in replaced:
                self.drop(gname)
                replaced.add(gname)
            self._graph(gname).add((s, p, o))
            n += 1
        if lineage:
            for gname in {None if c.identifier == DATASET_DEFAULT_GRAPH_ID else c.identifier for c in ds.graphs()}:
                add_super_properties(self._graph(gname))
        return n

    def update(self, text: str) -> None:
        self.ds.update(text)

    def drop(self, graph: str | URIRef | None) -> None:
        g = graph_iri(graph)
        if not isinstance(self.ds, ConjunctiveGraph):
            self._graph(g).remove((None, None, None))
        elif g is None:
            self.ds.default_graph.remove((None, None, None))  # type: ignore[attr-defined]
        else:
            self.ds.remove_graph(g)  # type: ignore[attr-defined]

    # -- reading ---------------------------------------------------------------------------------------------

    def query(self, text: str, *, bindings: Mapping[str, Any] | None = None) -> Rows | bool | Graph:
        binds = as_terms(bindings)
        if self.remote:  # an endpoint takes text: the values travel as VALUES blocks in the groups using them
            res = self.ds.query(with_values(text, binds))
        else:
            prepared = _prepare(text)
            res = self.ds.query(prepared if prepared is not None else text,
                                initBindings={Variable(k): v for k, v in binds.items()})
        if res.type == "ASK":
            return bool(res.askAnswer)
        if res.type in ("CONSTRUCT", "DESCRIBE"):
            g = Graph()
            for t in res.graph or ():
                g.add(t)
            return g
        names = [str(v) for v in res.vars or []]
        rows = Rows(names)
        for r in res:
            values = r.asdict()  # type: ignore[union-attr]
            row = {n: values.get(n) for n in names}
            for k, v in binds.items():  # rdflib leaves projected bound variables out of some rows
                if k in row and row[k] is None:
                    row[k] = v
            rows.append(row)
        return rows

    def neighbours(self, node: URIRef, direction: str,
                   predicates: Collection[str] | None = None) -> Iterator[tuple[Node, str]]:
        if self.remote:
            yield from super().neighbours(node, direction, predicates)
            return
        if direction not in ("in", "out"):
            raise ValueError(f"unknown direction {direction!r}; known: in, out")
        pattern = (node, None, None) if direction == "out" else (None, None, node)
        for s, p, o in self.ds.triples(pattern):
            if predicates is None or str(p) in predicates:
                yield (o if direction == "out" else s), str(p)

    def objects(self, node: URIRef, predicate: URIRef) -> Iterator[Node]:
        yield from self.ds.objects(node, predicate)

    def dump(self, output: str | Path | IO[bytes] | None = None, *, format: str = "turtle",
             graph: str | URIRef | None = None) -> bytes | None:
        fmt = format_name(format)
        rdflib_name, _, quads = FORMATS[fmt]
        if quads and graph is None and isinstance(self.ds, ConjunctiveGraph):
            src: Any = self.ds
        elif graph is not None:
            src = self._graph(graph)
        else:
            holders = [c for c in self._contexts() if len(c)]
            if len(holders) == 1:
                src = holders[0]
            else:
                src = Graph()
                for t in self.ds.triples((None, None, None)):
                    src.add(t)
            for p, ns in self.ds.namespaces():
                src.bind(p, ns, override=False)
        if fmt == "jsonld" and not quads:
            data = serialize(src, "jsonld").encode("utf-8")
        else:  # Turtle and TriG through mlkg's writers, which keep every literal's lexical form
            writer = {"turtle": "mlkg-turtle", "trig": "mlkg-trig"}.get(fmt, rdflib_name)
            out = src.serialize(format=writer, encoding="utf-8")
            data = out if isinstance(out, bytes) else out.encode("utf-8")
        if output is None:
            return data
        if isinstance(output, (str, Path)):
            Path(output).write_bytes(data)
        else:
            output.write(data)
        return None

    def _contexts(self) -> list[Graph]:
        if isinstance(self.ds, Dataset):
            return list(self.ds.graphs())
        if isinstance(self.ds, ConjunctiveGraph):
            return list(self.ds.contexts())
        return [self.ds]

    def graphs(self) -> list[URIRef]:
        if not isinstance(self.ds, ConjunctiveGraph):
            return []
        out = []
        for c in self._contexts():
            ident = c.identifier
            if ident == DATASET_DEFAULT_GRAPH_ID or not len(c) or str(ident).startswith(STAGING_PREFIX):
                continue
            out.append(URIRef(str(ident)))
        return sorted(out)

    def count(self, graph: str | URIRef | None = None) -> int:
        return len(self._graph(graph))

    def __len__(self) -> int:
        return sum(len(c) for c in self._contexts())

    def triples(self, pattern: tuple[Node | None, Node | None, Node | None]) -> Iterator[tuple[Node, Node, Node]]:
        yield from self.ds.triples(pattern)

    def to_graph(self, graph: str | URIRef | None = None) -> Graph:
        from ..rdf.build import new_graph  # lazy: start-up without mlkg.model (issue 16)

        g = new_graph()
        src = self._graph(graph) if graph is not None else self.ds
        for t in src.triples((None, None, None)):
            g.add(t)
        return g


def _parse_into(inp: LoadInput, g: Graph) -> None:
    """Parse ``inp`` into ``g`` with mlkg's readers (errors carry file, line and column). An N-Triples file is
    streamed by rdflib's parser from the file (not read into one string first); when that parser fails, mlkg's
    reader parses the file again to name the line."""
    if inp.path is not None and inp.fmt == "nt":
        try:
            with open(inp.path, "rb") as fh:
                g.parse(fh, format="nt")
            return
        except Exception:
            parse_to_graph(inp)  # raises InputError with file, line and column
            raise
    if inp.path is not None:
        load_graph([inp.path], fmt=inp.fmt, graph=g)
    else:
        parse_text(inp.data.decode("utf-8") if inp.data is not None else "", inp.fmt, source="<data>", graph=g)


def _copy(g: Graph) -> Graph:
    out = Graph()
    for t in g:
        out.add(t)
    return out


class MemoryStore(GraphStore):
    """A new in-memory dataset backed by rdflib (``memory:``)."""

    def __init__(self, url: str = "memory:") -> None:
        ds = Dataset(default_union=True)
        for p, ns in PREFIXES.items():
            ds.bind(p, ns, override=True)
        super().__init__(ds, url=url)


__all__ = ["GraphStore", "MemoryStore"]
