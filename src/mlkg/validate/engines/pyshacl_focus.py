"""pySHACL's shapes driven by mlkg: the fast path for incremental (focus) validation.

What it does that pySHACL's public ``validate()`` does not:

* With ``focus`` only the given nodes are checked, against only the shapes that target them, without pySHACL
  enumerating every target in the graph first (pySHACL's own ``focus_nodes`` option still does).
* A property shape that only constrains existing values (datatype, class, pattern, maximum count, ...) is skipped
  for nodes that have no value on its path.
* SPARQL-based constraints are parsed once (:class:`_QueryCachingGraph`) and their text prepared once per shape
  (pySHACL rebuilds and re-checks it for every focus node); pySHACL's constraint-parameter list is looked up as a
  set. These two are patches to pySHACL, applied by :func:`patched` only for the duration of mlkg's own call and
  restored afterwards; while they are in place, another thread's own ``pyshacl.validate`` still runs pySHACL's
  original code.

It reads pySHACL internals (``ShapesGraph``, ``Shape.target``/``focus_nodes``/``validate``, ``SHACLExecutor``,
``DataGraph``, ``Validator.create_validation_report``, ``SPARQLQueryHelper.pre_bind_variables``), so it supports
the pySHACL versions in :data:`SUPPORTED` (the range pinned in ``pyproject.toml``) and raises
:class:`~mlkg.validate.engines.Unsupported` for any other version, or when an internal it needs is missing; the
caller then logs a warning and uses the public engine. Both engines give the same results
(``tests/validate/test_engines_differential.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

import pyshacl
from rdflib import BNode, Graph, URIRef
from rdflib.namespace import RDF, RDFS

from ...namespaces import SH
from . import Unsupported

if TYPE_CHECKING:
    from ..packs import Shapes

__all__ = ["SUPPORTED", "FocusPyShaclEngine", "patched", "supported_version"]

#: The pySHACL versions whose internals this module reads: ``(lowest, first unsupported)``; keep in step with
#: the ``pyshacl`` line of ``pyproject.toml``.
SUPPORTED = ((0, 40), (0, 41))


def supported_version(version: str = pyshacl.__version__) -> bool:
    """True when ``version`` (``"0.40.1"``) is in :data:`SUPPORTED`."""
    try:
        parts = tuple(int(p) for p in version.split(".")[:2])
    except ValueError:
        return False
    return SUPPORTED[0] <= parts < SUPPORTED[1]


#: The methods of pySHACL's classes this module calls (checked before each run).
NEEDED = ("Shape.target", "Shape.focus_nodes", "Shape.validate", "DataGraph.from_rdflib",
          "Validator.create_validation_report", "SPARQLQueryHelper.pre_bind_variables",
          "ShapesGraph.lookup_shape_from_node")


def _internals() -> dict[str, Any]:
    """The pySHACL internals this module uses; Unsupported (naming the missing one) if one is not there."""
    if not supported_version():
        lo, hi = (".".join(map(str, v)) for v in SUPPORTED)
        raise Unsupported(f"pySHACL {pyshacl.__version__} is outside the supported range >={lo},<{hi}")
    try:
        import pyshacl.shape as shape_mod
        from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
        from pyshacl.graph_abstraction import DataGraph
        from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper
        from pyshacl.pytypes import SHACLExecutor
        from pyshacl.shapes_graph import ShapesGraph
        from pyshacl.validator import Validator
    except ImportError as e:
        raise Unsupported(f"pySHACL {pyshacl.__version__}: {e}") from None
    owners = {"Shape": shape_mod.Shape, "DataGraph": DataGraph, "Validator": Validator,
              "SPARQLQueryHelper": SPARQLQueryHelper, "ShapesGraph": ShapesGraph}
    for name in NEEDED:
        owner, _, attr = name.partition(".")
        if not hasattr(owners[owner], attr):
            raise Unsupported(f"pySHACL {pyshacl.__version__} has no {name}")
    return {"shape_mod": shape_mod, "params": ALL_CONSTRAINT_PARAMETERS, "params_map": CONSTRAINT_PARAMETERS_MAP,
            "DataGraph": DataGraph, "SPARQLQueryHelper": SPARQLQueryHelper, "SHACLExecutor": SHACLExecutor,
            "ShapesGraph": ShapesGraph, "Validator": Validator}


# ---------------------------------------------------------------------------------------------------------------
# The two patches, scoped to mlkg's call
# ---------------------------------------------------------------------------------------------------------------


class _ParamList(list):
    """pySHACL's list of constraint parameters with a set lookup: pySHACL tests every predicate of every shape
    against it on every validation (a linear scan, about a fifth of the time of a focus-node check)."""

    def __init__(self, items: Iterable[Any]) -> None:
        super().__init__(items)
        self._set = frozenset(self)

    def __contains__(self, item: object) -> bool:
        return item in self._set


_ACTIVE: ContextVar[bool] = ContextVar("mlkg_pyshacl_patched", default=False)
_PATCH_LOCK = threading.Lock()
_depth = 0
_saved: dict[str, Any] = {}
_MISSING = object()


def _cached_pre_bind(original: Any) -> Any:
    """``SPARQLQueryHelper.pre_bind_variables`` that keeps the prepared text per helper (only ``$this``
    changes between focus nodes); pySHACL's own code outside mlkg's call (another thread)."""

    def pre_bind_variables(self: Any, thisnode: Any, valuenode: Any = None, extravars: Any = None) -> Any:
        if not _ACTIVE.get() or valuenode is not None or extravars:
            return original(self, thisnode, valuenode, extravars)
        cached = self.__dict__.get("_mlkg_prebound")
        if cached is None:
            init, text = original(self, thisnode)
            cached = ("this" in init, {k: v for k, v in init.items() if k != "this"}, text)
            self.__dict__["_mlkg_prebound"] = cached
        has_this, rest, text = cached
        init = dict(rest)
        if has_this:
            init["this"] = thisnode
        return init, text

    pre_bind_variables.__wrapped__ = original  # type: ignore[attr-defined]
    return pre_bind_variables


@contextmanager
def patched() -> Iterator[None]:
    """pySHACL with mlkg's two patches for the duration of the block; the originals are back afterwards (the
    patches are installed once for nested or concurrent mlkg calls and removed when the last one ends)."""
    global _depth
    api = _internals()
    shape_mod, helper = api["shape_mod"], api["SPARQLQueryHelper"]
    with _PATCH_LOCK:
        if _depth == 0:
            _saved["params"] = shape_mod.__dict__.get("CONSTRAINT_PARAMS", _MISSING)
            _saved["pre_bind"] = helper.__dict__["pre_bind_variables"]
            shape_mod.CONSTRAINT_PARAMS = (_ParamList(api["params"]), api["params_map"])
            helper.pre_bind_variables = _cached_pre_bind(_saved["pre_bind"])
        _depth += 1
    token = _ACTIVE.set(True)
    try:
        yield
    finally:
        _ACTIVE.reset(token)
        with _PATCH_LOCK:
            _depth -= 1
            if _depth == 0:
                helper.pre_bind_variables = _saved.pop("pre_bind")
                params = _saved.pop("params")
                if params is _MISSING:
                    shape_mod.__dict__.pop("CONSTRAINT_PARAMS", None)
                else:
                    shape_mod.CONSTRAINT_PARAMS = params


# ---------------------------------------------------------------------------------------------------------------
# Data graph with parsed-once SPARQL
# ---------------------------------------------------------------------------------------------------------------

_PREPARED: dict[str, Any] = {}


class _QueryCachingGraph(Graph):
    """A view of a graph (same store, no copy) that parses each SPARQL text once.

    pySHACL runs a SPARQL-based constraint once per focus node and hands rdflib the same text each time; parsing
    it is ~50x the cost of evaluating it on a bound focus node.

    Its truth is asked without counting: rdflib's Graph has no ``__bool__``, so pySHACL's ``if graph`` (when it
    wraps the data) took the length, which over a store's named graphs is a deduplicating walk of every quad (13 s
    at 1M triples, minutes and GBs at 10M) before a focus validation that reads a few hundred.
    """

    def __bool__(self) -> bool:
        return next(self.triples((None, None, None)), None) is not None

    def query(self, query_object: Any, processor: Any = "sparql", result: Any = "sparql", initNs: Any = None,
              initBindings: Any = None, use_store_provided: bool = True, **kwargs: Any) -> Any:
        if isinstance(query_object, str) and not initNs:
            q = _PREPARED.get(query_object)
            if q is None:
                from rdflib.plugins.sparql import prepareQuery

                q = prepareQuery(query_object)
                if len(_PREPARED) > 512:
                    _PREPARED.clear()
                _PREPARED[query_object] = q
            query_object = q
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


def _view(g: Graph) -> Graph:
    if type(g) is Graph:
        return _QueryCachingGraph(store=g.store, identifier=g.identifier, namespace_manager=g.namespace_manager)
    return g


_TRUTHFUL: dict[type, Any] = {}


def _data_graph(api: dict[str, Any], g: Graph) -> Any:
    """pySHACL's ``DataGraph`` over ``g`` (through :func:`_view`), whose truth is the wrapped graph's.

    pySHACL writes ``datagraph or shapes_graph`` for every result it makes; rdflib's Dataset has no ``__bool__``,
    so that took the store's length (see :class:`_QueryCachingGraph`)."""
    import pyshacl.graph_abstraction as ga  # already loaded by _internals (its DataGraph)

    base = getattr(ga, "RdfLibDataGraph", None)  # DataGraph's __new__ picks this subclass for an rdflib graph
    if base is None or not issubclass(base, api["DataGraph"]):
        return api["DataGraph"].from_rdflib(_view(g))
    cls: Any = _TRUTHFUL.get(base)
    if cls is None:
        cls = _TRUTHFUL[base] = type("DataGraph", (base,), {"__bool__": lambda self: bool(self.impl)})
    return cls.from_rdflib(_view(g))


# ---------------------------------------------------------------------------------------------------------------
# Parsed shapes, target index and per-shape plans (cached on the Shapes object)
# ---------------------------------------------------------------------------------------------------------------

_SH_META = {SH.name, SH.message, SH.severity, SH.description, SH.order, SH.group, SH.defaultValue,
            RDF.type, RDFS.label, RDFS.comment}
#: Node shapes with only these predicates just hold property shapes (and targets).
_NODE_SHAPE_PASSIVE = _SH_META | {SH.property, SH.targetClass, SH.targetNode, SH.targetSubjectsOf,
                                  SH.targetObjectsOf}
#: Property shapes with only these predicates are satisfied by a node that has no value on the path.
_VACUOUS_WHEN_NO_VALUE = _SH_META | {
    SH.path, SH.maxCount, SH.datatype, SH.nodeKind, SH["class"], SH["in"], SH.pattern, SH.flags, SH.minLength,
    SH.maxLength, SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.node, SH.lessThan,
    SH.lessThanOrEquals, SH.disjoint, SH.languageIn, SH.uniqueLang}


def _copy(g: Graph) -> Graph:
    out = Graph()
    for t in g:
        out.add(t)
    for p, ns in g.namespaces():
        out.bind(p, ns, override=False)
    return out


class _Parsed:
    """pySHACL's ShapesGraph of some shapes, what each top-level shape targets, and per-shape plans."""

    def __init__(self, shapes: Shapes, api: dict[str, Any]) -> None:
        self.graph = shapes.graph
        self.sg = sg = api["ShapesGraph"](_copy(shapes.graph))
        self.index: list[tuple[Any, dict[str, set[Any]]]] = []
        self.by_node: dict[Any, Any] = {}
        for shape in sg.shapes:
            nodes, classes, implicit, objects_of, subjects_of = shape.target()
            if list(sg.graph.objects(shape.node, SH.target)):
                raise Unsupported("sh:target (SHACL-AF) targets")
            t = {"nodes": set(nodes), "classes": set(classes) | set(implicit),
                 "objects_of": set(objects_of), "subjects_of": set(subjects_of)}
            if any(t.values()):
                self.index.append((shape, t))
                self.by_node[shape.node] = shape
        self._plans: dict[Any, Any] = {}

    def plan(self, shape: Any) -> list[tuple[Any, Any]] | None:
        """The property shapes of a node shape that has nothing else to check, each with the predicate whose
        absence makes it vacuous (None: always run it); None when the node shape must run as a whole."""
        if shape.node not in self._plans:
            self._plans[shape.node] = self._make_plan(shape)
        return self._plans[shape.node]

    def _make_plan(self, shape: Any) -> list[tuple[Any, Any]] | None:
        g = self.graph
        if set(g.predicates(shape.node, None)) - _NODE_SHAPE_PASSIVE:
            return None
        out = []
        for ps_node in g.objects(shape.node, SH.property):
            ps = self.sg.lookup_shape_from_node(ps_node)
            path = g.value(ps_node, SH.path)
            vacuous_when_empty = isinstance(path, URIRef) and not (set(g.predicates(ps_node, None)) -
                                                                   _VACUOUS_WHEN_NO_VALUE)
            out.append((ps, path if vacuous_when_empty else None))
        return out


class FocusPyShaclEngine:
    """pySHACL's shapes on only the targets of the focus nodes (or every target), run by mlkg."""

    name = "pyshacl-focus"

    def parsed(self, shapes: Shapes) -> _Parsed:
        api = _internals()
        with shapes.lock:
            p = shapes.cache.get(self.name)
            if p is None:
                p = shapes.cache[self.name] = _Parsed(shapes, api)
        return p

    def run(self, data: Graph, shapes: Shapes, *, focus: set[URIRef] | None = None,
            inference: bool = False) -> Graph:
        if inference:
            raise Unsupported("RDFS inference runs in pySHACL's public validate()")
        parsed = self.parsed(shapes)
        if focus is None:
            dg = _data_graph(_internals(), data)
            work = [(shape, sorted(shape.focus_nodes(dg), key=str)) for shape, _t in parsed.index]
        else:
            types: dict[URIRef, set[Any]] = {}
            for n in focus:
                ts = set(data.objects(n, RDF.type))
                for cls in list(ts):
                    ts.update(x for x in data.transitive_objects(cls, RDFS.subClassOf) if x is not None)
                types[n] = ts
            work = []
            for shape, t in parsed.index:
                hit = [n for n in focus if
                       n in t["nodes"] or types[n] & t["classes"]
                       or any((n, p, None) in data for p in t["subjects_of"])
                       or any((None, p, n) in data for p in t["objects_of"])]
                work.append((shape, sorted(hit)))
        return self._check(data, parsed, work)

    def check(self, data: Graph, shapes: Shapes, work: Iterable[tuple[URIRef | BNode, list[Any]]]) -> Graph:
        """Check given focus nodes against given top-level shapes (by shape node); the W3C report graph."""
        parsed = self.parsed(shapes)
        return self._check(data, parsed, [(parsed.by_node[s], nodes) for s, nodes in work])

    def _check(self, data: Graph, parsed: _Parsed, work: list[tuple[Any, list[Any]]]) -> Graph:
        api = _internals()
        reports: list[Any] = []
        conforms = True
        with patched():
            dg = _data_graph(api, data)
            executor = api["SHACLExecutor"](validator=None, debug=False)
            for shape, nodes in work:
                if not nodes:
                    continue
                plan = parsed.plan(shape)
                if plan is None:
                    ok, rs = shape.validate(executor, dg, focus=nodes)
                    conforms = conforms and ok
                    reports.extend(rs)
                    continue
                for ps, pred in plan:
                    todo = nodes if pred is None else [n for n in nodes if (n, pred, None) in data]
                    if todo:
                        ok, rs = ps.validate(executor, dg, focus=todo)
                        conforms = conforms and ok
                        reports.extend(rs)
            report_graph, _text = api["Validator"].create_validation_report(parsed.sg, conforms, reports)
        return report_graph
