"""``memory:`` — an rdflib Dataset in this process (the default store; nothing is kept after exit).

>>> from rdflib import URIRef, Literal
>>> s = MemoryStore()
>>> s.add((URIRef("urn:a"), URIRef("urn:p"), Literal("x")), graph="urn:g:1")
>>> len(s), s.graphs()
(1, [rdflib.term.URIRef('urn:g:1')])
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Mapping

from rdflib import Dataset, Graph, URIRef, Variable
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

from .base import (
    FORMATS,
    STAGING_PREFIX,
    Progress,
    Rows,
    Store,
    as_binding,
    format_name,
    graph_iri,
    load_input,
    parse_to_graph,
)


class MemoryStore(Store):
    """An in-memory dataset backed by rdflib (``memory:``)."""

    def __init__(self, url: str = "memory:") -> None:
        self.url = url
        self.ds = Dataset(default_union=True)
        from ..namespaces import PREFIXES

        for p, ns in PREFIXES.items():
            self.ds.bind(p, ns, override=True)

    def _graph(self, graph: str | URIRef | None) -> Graph:
        g = graph_iri(graph)
        return self.ds.default_graph if g is None else self.ds.graph(g)

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
        new = parse_to_graph(inp)  # parse fully first: a bad file changes nothing
        if lineage:
            from ..rdf.closure import add_super_properties

            if new is inp.graph:
                new = _copy(new)
            add_super_properties(new)
        if progress is not None and inp.path is not None:
            size = inp.path.stat().st_size
            progress(size, size)
        g = self._graph(target)
        if replace:
            self.drop(target)
            g = self._graph(target)
        for t in new:
            g.add(t)
        return len(new)

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
            from ..rdf.closure import add_super_properties

            for gname in {None if c.identifier == DATASET_DEFAULT_GRAPH_ID else c.identifier for c in ds.graphs()}:
                add_super_properties(self._graph(gname))
        return n

    def update(self, text: str) -> None:
        self.ds.update(text)

    def drop(self, graph: str | URIRef | None) -> None:
        g = graph_iri(graph)
        if g is None:
            self.ds.default_graph.remove((None, None, None))
        else:
            self.ds.remove_graph(g)

    # -- reading ---------------------------------------------------------------------------------------------

    def query(self, text: str, *, bindings: Mapping[str, Any] | None = None) -> Rows | bool | Graph:
        binds = {k: as_binding(v) for k, v in (bindings or {}).items() if v is not None}
        res = self.ds.query(text, initBindings={Variable(k): v for k, v in binds.items()})
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

    def dump(self, output: str | Path | IO[bytes] | None = None, *, format: str = "turtle",
             graph: str | URIRef | None = None) -> bytes | None:
        fmt = format_name(format)
        rdflib_name, _, quads = FORMATS[fmt]
        if quads and graph is None:
            src: Any = self.ds
        elif graph is not None:
            src = self._graph(graph)
        else:
            holders = [c for c in self.ds.graphs() if len(c)]
            if len(holders) == 1:
                src = holders[0]
            else:
                src = Graph()
                for t in self.ds.triples((None, None, None)):
                    src.add(t)
            for p, ns in self.ds.namespaces():
                src.bind(p, ns, override=False)
        if fmt == "jsonld" and not quads:
            from ..rdf.formats import serialize

            data = serialize(src, "jsonld").encode("utf-8")
        else:
            out = src.serialize(format=rdflib_name, encoding="utf-8")
            data = out if isinstance(out, bytes) else out.encode("utf-8")
        if output is None:
            return data
        if isinstance(output, (str, Path)):
            Path(output).write_bytes(data)
        else:
            output.write(data)
        return None

    def graphs(self) -> list[URIRef]:
        out = []
        for c in self.ds.graphs():
            ident = c.identifier
            if ident == DATASET_DEFAULT_GRAPH_ID or not len(c) or str(ident).startswith(STAGING_PREFIX):
                continue
            out.append(URIRef(str(ident)))
        return sorted(out)

    def count(self, graph: str | URIRef | None = None) -> int:
        return len(self._graph(graph))

    def __len__(self) -> int:
        return sum(len(c) for c in self.ds.graphs())

    def triples(self, pattern: tuple[Node | None, Node | None, Node | None]) -> Iterator[tuple[Node, Node, Node]]:
        yield from self.ds.triples(pattern)  # type: ignore[misc]

    def to_graph(self, graph: str | URIRef | None = None) -> Graph:
        from ..rdf.build import new_graph

        g = new_graph()
        src = self._graph(graph) if graph is not None else self.ds
        for t in src.triples((None, None, None)):
            g.add(t)
        return g


def _copy(g: Graph) -> Graph:
    out = Graph()
    for t in g:
        out.add(t)
    return out


def _open(rest: str, url: str) -> MemoryStore:
    """``memory:`` (anything after the colon is ignored)."""
    return MemoryStore(url="memory:")
