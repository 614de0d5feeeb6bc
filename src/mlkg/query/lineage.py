"""Lineage: upstream, downstream, impact and the path between two entities.

Lineage edges point from the derived node to what it derives from (PROV-O's direction): the materialized
super-properties ``prov:wasDerivedFrom``, ``prov:wasGeneratedBy`` and ``prov:used`` of the mlkg lineage
properties, plus ``mlkg:hasVersion`` (a model is downstream of its versions) and ``mlkg:belongsToTable`` (a
column is part of its table: downstream of a table are its columns and what derives from them; upstream of a
column is its table and the table's sources).

Two ways to walk, with the same answers (tests check this):

- ``method="sparql"``: the ``upstream.rq`` / ``downstream.rq`` / ``path.rq`` queries return the lineage edges
  inside the closure (closure in a sub-SELECT from the bound node); works on every store.
- ``method="bfs"``: a breadth-first search over the store's triple index (:meth:`mlkg.dataset.Store.neighbours`:
  rdflib ``Graph.triples``, pyoxigraph ``quads_for_pattern``): about a millisecond per entity at any graph size.

``method="auto"`` (the default) uses ``bfs`` unless the store says :attr:`~mlkg.dataset.Store.prefers_sparql`
(a SPARQL endpoint, where every lookup is a request). Every function takes what :func:`mlkg.dataset.as_store`
accepts: an mlkg store, an rdflib Graph or a pyoxigraph Store.
Paths are shortest paths; among equally short ones the walk takes neighbours in IRI order, so the result is
deterministic. Each path is written with the triples' own direction: ``a <-readsFrom- b`` is the triple
``b mlkg:readsFrom a``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef
from rdflib.namespace import PROV, RDF

from ..dataset import OxigraphView, Source, Store, as_store
from ..namespaces import MLKG, MLKG_IRI
from ..rdf.closure import super_properties
from .catalog import load_query
from .engine import resolve, run_query

#: The properties lineage walks along (derived → source).
TRAVERSE: frozenset[str] = frozenset(
    str(p) for p in (PROV.wasDerivedFrom, PROV.wasGeneratedBy, PROV.used, MLKG.hasVersion, MLKG.belongsToTable))

FQN = str(MLKG.fullyQualifiedName)
RDF_TYPE = str(RDF.type)

#: Kinds in the order impact reports list them (data first, then models, serving and consumers).
KIND_ORDER = (
    "Table", "Column", "FeatureSource", "Dataset", "Container", "Pipeline", "Feature", "TrainingRun",
    "ModelVersion", "MLModel", "Endpoint", "Dashboard", "AlertingSystem",
)
# When a node has several classes (a column named by a feature source, or after inference), the first of
# these it has is its kind.
_KIND_PRIORITY = (
    "Column", "FairnessMetric", "Dashboard", "AlertingSystem", "Endpoint", "ModelVersion", "MLModel",
    "Feature", "Table", "Dataset", "Container", "Pipeline", "TrainingRun", "FeatureSource",
)


@lru_cache(maxsize=1)
def _lineage_labels() -> frozenset[str]:
    """mlkg properties that are sub-properties of a traversal property (used to label edges)."""
    out = {str(MLKG.hasVersion), str(MLKG.belongsToTable)}
    for p, supers in super_properties().items():
        if any(str(q) in TRAVERSE for q in supers):
            out.add(str(p))
    return frozenset(out)


@lru_cache(maxsize=1)
def _followed() -> frozenset[str]:
    """Every property a lineage step may run along: the traversal properties and their labels."""
    return TRAVERSE | _lineage_labels()


def _known_classes() -> set[str]:
    from ..model import REGISTRY  # lazy: start-up without mlkg.model (issue 16)

    return {c.CLASS for c in REGISTRY.values()}


def pick_kind(types: Iterable[str]) -> str:
    """The kind (mlkg class local name) of a node from its classes: the most specific known one."""
    local = {t[len(MLKG_IRI):] for t in types if t and t.startswith(MLKG_IRI)}
    for k in _KIND_PRIORITY:
        if k in local:
            return k
    known = sorted(local & _known_classes())
    if known:
        return known[0]
    return sorted(local)[0] if local else "Entity"


def edge_label(props: Iterable[str]) -> str:
    """Name of an edge from the properties linking its two nodes: the mlkg one if any, else the PROV one."""
    ps = set(props)
    mlkg = sorted(p for p in ps if p in _lineage_labels() and p not in (str(MLKG.hasVersion),
                                                                         str(MLKG.belongsToTable)))
    if mlkg:
        return mlkg[0][len(MLKG_IRI):]
    for p in (str(MLKG.hasVersion), str(MLKG.belongsToTable)):
        if p in ps:
            return p[len(MLKG_IRI):]
    for p in sorted(ps & TRAVERSE):
        return "prov:" + p.rsplit("#", 1)[-1]
    return sorted(ps)[0]  # pragma: no cover


# ---------------------------------------------------------------------------------------------------------------
# Rows
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineageNode:
    """An entity reached from the start: its IRI, kind (class), name (FQN), distance, the property of the last
    step and the whole path from the start (names and properties, in the triples' direction)."""

    entity: str
    kind: str
    name: str | None
    depth: int
    via: str
    path: str


@dataclass(frozen=True)
class PathStep:
    """One node of the path between two entities; ``via`` is the property linking it to the previous one."""

    step: int
    entity: str
    kind: str
    name: str | None
    via: str | None
    direction: str
    """``down`` when the path runs from start down to end, ``up`` when end is upstream of start."""


# ---------------------------------------------------------------------------------------------------------------
# Neighbour access: one class per way of reading the graph
# ---------------------------------------------------------------------------------------------------------------


class _Index:
    """Neighbours, classes and names of nodes, read from a store's index."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._info: dict[str, tuple[frozenset[str], str | None]] = {}

    def neighbours(self, node: str, direction: str) -> dict[str, set[str]]:
        """Nodes one lineage step from ``node`` → the properties of the triples linking them."""
        found: dict[str, set[str]] = {}
        way = "in" if direction == "down" else "out"
        for other, p in self.store.neighbours(URIRef(node), way, _followed()):
            if isinstance(other, URIRef):
                found.setdefault(str(other), set()).add(p)
        return {k: v for k, v in found.items() if v & TRAVERSE}

    def info(self, node: str) -> tuple[frozenset[str], str | None]:
        """Classes and FQN of a node."""
        got = self._info.get(node)
        if got is not None:
            return got
        ref = URIRef(node)
        types = frozenset(str(t) for t in self.store.objects(ref, RDF.type))
        names = sorted(str(v) for v in self.store.objects(ref, MLKG.fullyQualifiedName))
        got = (types, names[0] if names else None)
        self._info[node] = got
        return got


class _OxIndex:
    """Neighbours, classes and names read from a pyoxigraph store's own index (``quads_for_pattern``), with no
    term conversion: a predicate is matched as the pyoxigraph term it is, and a node is only ever its IRI string
    (the ``oxigraph:`` backend and :class:`pyoxigraph.Store` sources)."""

    def __init__(self, view: OxigraphView) -> None:
        self.ox = view.ox
        self.hidden = view._staging
        self.followed = {ox.NamedNode(p): p for p in _followed()}
        self.type_p = ox.NamedNode(RDF_TYPE)
        self.fqn_p = ox.NamedNode(FQN)
        self._info: dict[str, tuple[frozenset[str], str | None]] = {}

    def _quads(self, quads: Any) -> Any:
        hidden = self.hidden
        if not hidden:
            return quads
        return (q for q in quads if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in hidden))

    def neighbours(self, node: str, direction: str) -> dict[str, set[str]]:
        """Nodes one lineage step from ``node`` → the properties of the triples linking them."""
        n = ox.NamedNode(node)
        up = direction != "down"
        quads = self.ox.quads_for_pattern(n, None, None) if up else self.ox.quads_for_pattern(None, None, n)
        followed, named = self.followed, ox.NamedNode
        found: dict[str, set[str]] = {}
        types: list[str] = []
        names: list[str] = []
        for q in self._quads(quads):
            pred = q.predicate
            p = followed.get(pred)
            if p is None:
                if up:  # the node's own classes and names come with its outgoing quads: keep them for info()
                    if pred == self.type_p:
                        types.append(q.object.value)
                    elif pred == self.fqn_p:
                        names.append(q.object.value)
                continue
            other = q.object if up else q.subject
            if type(other) is named:
                found.setdefault(other.value, set()).add(p)
        if up and node not in self._info:
            self._info[node] = (frozenset(types), min(names) if names else None)
        return {k: v for k, v in found.items() if v & TRAVERSE}

    def info(self, node: str) -> tuple[frozenset[str], str | None]:
        """Classes and FQN of a node."""
        got = self._info.get(node)
        if got is not None:
            return got
        n = ox.NamedNode(node)
        types = frozenset(q.object.value for q in self._quads(self.ox.quads_for_pattern(n, self.type_p, None)))
        names = sorted(q.object.value for q in self._quads(self.ox.quads_for_pattern(n, self.fqn_p, None)))
        got = (types, names[0] if names else None)
        self._info[node] = got
        return got


def _index(store: Store) -> Any:
    """The BFS reader of a store: its pyoxigraph index when it has one, else :meth:`Store.neighbours`."""
    return _OxIndex(store) if isinstance(store, OxigraphView) else _Index(store)


class _Edges:
    """Neighbours, classes and names from the rows of a lineage query (the SPARQL method)."""

    def __init__(self, source: Store, rows: list[dict[str, Any]], direction: str, start: str) -> None:
        self.direction = direction
        self.adj: dict[str, dict[str, set[str]]] = {}
        types: dict[str, set[str]] = {}
        names: dict[str, set[str]] = {}
        for r in rows:
            f, to, p = str(r["from"]), r["to"], str(r["property"])
            if not isinstance(to, URIRef):
                continue
            to = str(to)
            self.adj.setdefault(f, {}).setdefault(to, set()).add(p)
            if r["toType"] is not None:
                types.setdefault(to, set()).add(str(r["toType"]))
            else:
                types.setdefault(to, set())
            if r["toName"] is not None:
                names.setdefault(to, set()).add(str(r["toName"]))
        for f, nb in self.adj.items():
            self.adj[f] = {k: v for k, v in nb.items() if v & TRAVERSE}
        start_rows = run_query(source, load_query("node_info"), {"entity": URIRef(start)})
        types.setdefault(start, set()).update(str(r["type"]) for r in start_rows if r["type"] is not None)
        names.setdefault(start, set()).update(str(r["name"]) for r in start_rows if r["name"] is not None)
        self._info = {n: (frozenset(t), sorted(names.get(n, ()))[0] if names.get(n) else None)
                      for n, t in types.items()}

    def neighbours(self, node: str, direction: str) -> dict[str, set[str]]:
        return self.adj.get(node, {})

    def info(self, node: str) -> tuple[frozenset[str], str | None]:
        return self._info.get(node, (frozenset(), None))


def _use_bfs(store: Store, method: str) -> bool:
    if method == "bfs":
        return True
    if method == "sparql":
        return False
    if method != "auto":
        raise ValueError(f"unknown lineage method {method!r}; known: auto, bfs, sparql")
    return not store.prefers_sparql


def lineage_reader(store: Store, start: str, direction: str, method: str, query: str | None = None) -> Any:
    """What a walk reads neighbours from: the store's index (BFS), or the edges one lineage query returns."""
    if _use_bfs(store, method):
        return _index(store)
    rows = run_query(store, load_query(query or ("downstream" if direction == "down" else "upstream")),
                     {"entity": URIRef(start)})
    return _Edges(store, rows, direction, start)


# ---------------------------------------------------------------------------------------------------------------
# The walk
# ---------------------------------------------------------------------------------------------------------------


def _display(reader: Any, node: str) -> str:
    return reader.info(node)[1] or node


def _step(reader: Any, direction: str, prop: str, node: str) -> str:
    return (f" <-{prop}- " if direction == "down" else f" -{prop}-> ") + _display(reader, node)


def bfs(reader: Any, start: str, direction: str, depth: int | None,
          stop: str | None = None) -> dict[str, tuple[str | None, str, int]]:
    """BFS from ``start``: node → (parent, property label, depth)."""
    seen: dict[str, tuple[str | None, str, int]] = {start: (None, "", 0)}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        d = seen[node][2]
        if depth is not None and d >= depth:
            continue
        nb = reader.neighbours(node, direction)
        for other in sorted(nb):
            if other in seen:
                continue
            seen[other] = (node, edge_label(nb[other]), d + 1)
            if other == stop:
                return seen
            queue.append(other)
    return seen


def _rows(reader: Any, start: str, direction: str, seen: dict[str, tuple[str | None, str, int]]) -> list[LineageNode]:
    paths: dict[str, str] = {start: _display(reader, start)}

    def path(n: str) -> str:
        if n not in paths:
            parent, prop, _ = seen[n]
            assert parent is not None
            paths[n] = path(parent) + _step(reader, direction, prop, n)
        return paths[n]

    out = []
    for n, (_parent, prop, d) in seen.items():
        if n == start:
            continue
        types, name = reader.info(n)
        out.append(LineageNode(entity=n, kind=pick_kind(types), name=name, depth=d, via=prop, path=path(n)))
    return out


def walk(source: Source, entity: str | URIRef, direction: str, *, depth: int | None = None,
         method: str = "auto", kind: str | None = None) -> list[LineageNode]:
    """Every entity upstream (``direction="up"``) or downstream (``"down"``) of ``entity`` (FQN or IRI), up to
    ``depth`` steps (all when None), sorted by depth, kind and name.

    :raises InputError: if ``entity`` names nothing (or several things) in the graph.
    :raises ValueError: for an unknown direction or method, or a negative depth.
    """
    if direction not in ("up", "down"):
        raise ValueError(f"unknown direction {direction!r}; known: up, down")
    if depth is not None and depth < 0:
        raise ValueError(f"depth must be 0 or more, not {depth}")
    store = as_store(source)
    start = str(resolve(store, entity, kind=kind))
    reader = lineage_reader(store, start, direction, method)
    rows = _rows(reader, start, direction, bfs(reader, start, direction, depth))
    return sorted(rows, key=lambda r: (r.depth, r.kind, r.name or r.entity, r.entity))


def upstream(source: Source, entity: str | URIRef, *, depth: int | None = None, method: str = "auto",
             kind: str | None = None) -> list[LineageNode]:
    """What ``entity`` derives from, transitively (see :func:`walk`)."""
    return walk(source, entity, "up", depth=depth, method=method, kind=kind)


def downstream(source: Source, entity: str | URIRef, *, depth: int | None = None, method: str = "auto",
               kind: str | None = None) -> list[LineageNode]:
    """What derives from ``entity``, transitively (see :func:`walk`)."""
    return walk(source, entity, "down", depth=depth, method=method, kind=kind)


def _kind_rank(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def impact(source: Source, entity: str | URIRef, *, method: str = "auto", kind: str | None = None) -> list[LineageNode]:
    """Everything affected if ``entity`` (a table, column, feature, model...) changes: every entity downstream
    of it, with the path that reaches it, grouped by kind (tables and columns first, then pipelines, features,
    versions, models, endpoints, dashboards and alerting systems)."""
    store = as_store(source)
    start = str(resolve(store, entity, kind=kind))
    reader = lineage_reader(store, start, "down", method, "impact")
    rows = _rows(reader, start, "down", bfs(reader, start, "down", None))
    return sorted(rows, key=lambda r: (_kind_rank(r.kind), r.kind, r.depth, r.name or r.entity, r.entity))


def path_between(source: Source, start: str | URIRef, end: str | URIRef, *, method: str = "auto") -> list[PathStep]:
    """A shortest lineage path between two entities: from ``start`` down to ``end`` if ``end`` derives from
    ``start``, else from ``start`` up to ``end``. Empty when they are not connected by lineage."""
    store = as_store(source)
    a = str(resolve(store, start))
    b = str(resolve(store, end))
    for direction, (up_end, down_end) in (("down", (a, b)), ("up", (b, a))):
        if _use_bfs(store, method):
            reader: Any = _index(store)
            seen = bfs(reader, a, direction, None, stop=b)
        else:
            rows = run_query(store, load_query("path"), {"start": URIRef(up_end), "end": URIRef(down_end)})
            if direction == "up":  # the query's edges run from the upstream end; walk them from a (downstream)
                rows = [{"from": r["to"], "to": r["from"], "property": r["property"], "toType": None,
                         "toName": None} for r in rows]
                reader = _Edges(store, rows, direction, a)
                _add_info(store, reader)
            else:
                reader = _Edges(store, rows, direction, a)
            seen = bfs(reader, a, direction, None, stop=b)
        if b in seen:
            chain: list[tuple[str, str | None]] = []
            cur: str | None = b
            while cur is not None:
                parent, prop, _ = seen[cur]
                chain.append((cur, prop if parent is not None else None))
                cur = parent
            chain.reverse()
            out = []
            for i, (node, via) in enumerate(chain):
                types, name = reader.info(node)
                out.append(PathStep(step=i, entity=node, kind=pick_kind(types), name=name, via=via,
                                    direction=direction))
            return out
    return []


def _add_info(source: Store, reader: _Edges) -> None:
    """Fill in classes and names of every node of ``reader`` (the reversed path edges carry none)."""
    nodes = set(reader.adj)
    for nb in reader.adj.values():
        nodes.update(nb)
    for n in nodes:
        rows = run_query(source, load_query("node_info"), {"entity": URIRef(n)})
        types = frozenset(str(r["type"]) for r in rows if r["type"] is not None)
        names = sorted(str(r["name"]) for r in rows if r["name"] is not None)
        reader._info[n] = (types, names[0] if names else None)


def group_by_kind(rows: Iterable[LineageNode]) -> dict[str, list[LineageNode]]:
    """Impact rows grouped by kind, in report order."""
    out: dict[str, list[LineageNode]] = {}
    for r in sorted(rows, key=lambda r: (_kind_rank(r.kind), r.kind)):
        out.setdefault(r.kind, []).append(r)
    return out


__all__ = ["KIND_ORDER", "TRAVERSE", "LineageNode", "PathStep", "bfs", "downstream", "edge_label",
           "group_by_kind", "impact", "lineage_reader", "path_between", "pick_kind", "upstream", "walk"]
