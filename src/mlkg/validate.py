"""Validate mlkg graphs with SHACL rule packs and get a report people can read.

Packs are SHACL files in ``ontology/shapes/``: ``core`` (the structure of every entity, value ranges, lineage
without cycles, one version per alias, version dates, deployed versions) and ``governance`` (what a production
model needs: an owner, a model card, a test-split evaluation, a fairness check, a licence, no PII training data
without a compliance record). A pack can also be the path of a Turtle file of your own shapes.

pySHACL is the engine (its shapes and constraint components, unchanged results). What keeps it fast:

* With ``focus=`` only the given nodes are checked, against only the shapes that target them, without pySHACL
  enumerating every target in the graph first (pySHACL's own ``focus_nodes`` option still does). Checking one
  model in a graph of a million triples takes tens of milliseconds (see ``benchmarks/bench_validate.py``).
* A property shape that only constrains existing values (datatype, class, pattern, maximum count, ...) is skipped
  for nodes that have no value on its path.
* SPARQL-based constraints run once per focus node; their text is prepared and parsed once (pySHACL rebuilds,
  re-checks and re-parses it for every node), and pySHACL's constraint-parameter list is looked up as a set.
  These two are small patches applied to pySHACL when :func:`validate` first runs.

>>> from mlkg.model import MLModel, Feature
>>> report = validate([MLModel(name="churn", ml_features=[Feature(name="age", data_type="numerical")])])
>>> report.conforms
True
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from .errors import InputError
from .namespaces import MLKG_IRI, PREFIXES, SH

__all__ = ["PACKS", "SEVERITIES", "ValidationReport", "ValidationResult", "expand_focus", "load_pack", "validate"]

#: Built-in rule packs: name → files under ``ontology/shapes/``.
PACKS: dict[str, tuple[str, ...]] = {
    "core": ("core.ttl", "core-rules.ttl"),
    "governance": ("governance.ttl",),
}

#: Severities from the least to the most serious.
SEVERITIES = ("Info", "Warning", "Violation")
_RANK = {s: i for i, s in enumerate(SEVERITIES)}


# ---------------------------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValidationResult:
    """One problem found by a shape."""

    focus_node: str
    """IRI (or blank node id) of the node that does not conform."""
    path: str | None
    """The field: ``sh:name`` of the shape (the Python field name), else the result path as a CURIE."""
    severity: str
    """``Violation``, ``Warning`` or ``Info``."""
    message: str
    """What is wrong, in plain words."""
    shape: str
    """The shape that reported it (CURIE)."""
    value: str | None = None
    """The offending value (lexical form or IRI), when there is one."""
    result_path: str | None = None
    """The RDF property (or path) the result is about, as a CURIE."""
    component: str | None = None
    """The SHACL constraint component (``sh:MinCountConstraintComponent``...)."""

    def to_json(self) -> dict[str, Any]:
        return {"focusNode": self.focus_node, "path": self.path, "severity": self.severity,
                "message": self.message, "value": self.value, "shape": self.shape}


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`validate`.

    ``conforms`` is False when a result is at least as serious as ``fail_on``; ``results`` are sorted by focus
    node, field and severity; ``graph`` is the W3C SHACL validation report.
    """

    conforms: bool
    results: tuple[ValidationResult, ...]
    graph: Graph = field(repr=False, compare=False)
    fail_on: str = "Violation"
    labels: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    """Focus node → a readable label (FQN and class), for :meth:`text`."""

    def counts(self) -> dict[str, int]:
        """Number of results per severity."""
        out = {s: 0 for s in reversed(SEVERITIES)}
        for r in self.results:
            out[r.severity] = out.get(r.severity, 0) + 1
        return out

    def text(self) -> str:
        """The results for people, grouped by entity."""
        c = self.counts()
        summary = ", ".join(f"{n} {s.lower()}{'s' if n != 1 else ''}" for s, n in c.items() if n)
        lines = [f"Conforms: {'yes' if self.conforms else 'no'}" + (f" ({summary})" if summary else "")]
        groups: dict[str, list[ValidationResult]] = {}
        for r in self.results:
            groups.setdefault(r.focus_node, []).append(r)
        for node, rs in groups.items():
            label = self.labels.get(node)
            lines.append("")
            lines.append(f"{label}  <{node}>" if label else f"<{node}>")
            for r in rs:
                where = f"{r.path}: " if r.path else ""
                val = f"  [value: {r.value}]" if r.value is not None and r.value != node else ""
                lines.append(f"  {r.severity:<9} {where}{r.message}{val}")
        return "\n".join(lines) + "\n"

    def to_json(self) -> dict[str, Any]:
        """``{"conforms": ..., "results": [{"focusNode", "path", "severity", "message", "value", "shape"}]}``."""
        return {"conforms": self.conforms, "results": [r.to_json() for r in self.results]}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------------------------------------------
# Packs
# ---------------------------------------------------------------------------------------------------------------


def _pack_files(pack: str | Path) -> tuple[Path, ...]:
    from .resources import resource_path

    if isinstance(pack, str) and pack in PACKS:
        return tuple(resource_path("ontology", "shapes", f) for f in PACKS[pack])
    p = Path(pack)
    if not p.exists():
        raise InputError(f"no rule pack {str(pack)!r}", source=str(pack),
                         expected="core, governance or the path of a Turtle file of SHACL shapes")
    return (p,)


_LOCK = threading.Lock()
_PACK_CACHE: dict[tuple, Graph] = {}


def load_pack(pack: str | Path) -> Graph:
    """The shapes graph of a pack (``core``, ``governance``) or of a Turtle file; parsed once and cached.

    :raises InputError: if the pack is unknown or the file is not valid RDF (with file, line and column).
    """
    from .rdf.formats import load_graph

    files = _pack_files(pack)
    key = tuple((str(f), f.stat().st_mtime_ns) for f in files)
    with _LOCK:
        g = _PACK_CACHE.get(key)
    if g is None:
        g = load_graph(files, fmt=None if all(f.suffix for f in files) else "turtle")
        with _LOCK:
            _PACK_CACHE[key] = g
    return g


class _Shapes:
    """The merged shapes of some packs, with pySHACL's parsed shapes and a target index (cached per packs)."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.names: dict[URIRef | BNode, str] = {}
        for s, o in graph.subject_objects(SH.name):
            self.names.setdefault(s, str(o))
        self.parent: dict[URIRef | BNode, URIRef | BNode] = {}
        for s, o in graph.subject_objects(SH.property):
            self.parent.setdefault(o, s)
        self._sg: Any = None
        self._index: Any = None
        self._plans: dict[Any, Any] = {}

    def pyshacl_shapes(self) -> tuple[Any, list[tuple[Any, dict[str, set]]]]:
        """pySHACL's ShapesGraph and, per top-level shape, what it targets (built once)."""
        if self._sg is None:
            from pyshacl.shapes_graph import ShapesGraph

            sg = ShapesGraph(_copy(self.graph))
            index = []
            for shape in sg.shapes:
                nodes, classes, implicit, objects_of, subjects_of = shape.target()
                if list(sg.graph.objects(shape.node, SH.target)):
                    raise _Unsupported("sh:target (SHACL-AF) targets")
                t = {"nodes": set(nodes), "classes": set(classes) | set(implicit),
                     "objects_of": set(objects_of), "subjects_of": set(subjects_of)}
                if any(t.values()):
                    index.append((shape, t))
            self._sg, self._index = sg, index
        return self._sg, self._index

    def plan(self, shape: Any) -> list[tuple[Any, URIRef | None]] | None:
        """The property shapes of a node shape that has nothing else to check, each with the predicate whose
        absence makes it vacuous (None: always run it); None when the node shape must run as a whole."""
        if shape.node not in self._plans:
            self._plans[shape.node] = self._make_plan(shape)
        return self._plans[shape.node]

    def _make_plan(self, shape: Any) -> list[tuple[Any, URIRef | None]] | None:
        g = self.graph
        if set(g.predicates(shape.node, None)) - _NODE_SHAPE_PASSIVE:
            return None
        sg = self._sg
        out = []
        for ps_node in g.objects(shape.node, SH.property):
            ps = sg.lookup_shape_from_node(ps_node)
            path = g.value(ps_node, SH.path)
            vacuous_when_empty = isinstance(path, URIRef) and not (set(g.predicates(ps_node, None)) -
                                                                   _VACUOUS_WHEN_NO_VALUE)
            out.append((ps, path if vacuous_when_empty else None))
        return out


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


class _Unsupported(Exception):
    """The fast focus path cannot handle these shapes; use pySHACL's own entry point."""


_SHAPES_CACHE: dict[tuple, _Shapes] = {}


def _shapes_for(packs: Sequence[str | Path]) -> _Shapes:
    key = tuple(tuple((str(f), f.stat().st_mtime_ns) for f in _pack_files(p)) for p in packs)
    with _LOCK:
        s = _SHAPES_CACHE.get(key)
    if s is None:
        g = Graph()
        for p in packs:
            for t in load_pack(p):
                g.add(t)
            for prefix, ns in load_pack(p).namespaces():
                g.bind(prefix, ns, override=False)
        s = _Shapes(g)
        with _LOCK:
            _SHAPES_CACHE[key] = s
    return s


def _copy(g: Graph) -> Graph:
    out = Graph()
    for t in g:
        out.add(t)
    for p, ns in g.namespaces():
        out.bind(p, ns, override=False)
    return out


# ---------------------------------------------------------------------------------------------------------------
# Data graph with parsed-once SPARQL
# ---------------------------------------------------------------------------------------------------------------

_PREPARED: dict[str, Any] = {}


class _QueryCachingGraph(Graph):
    """A view of a graph (same store, no copy) that parses each SPARQL text once.

    pySHACL runs a SPARQL-based constraint once per focus node and hands rdflib the same text each time; parsing
    it is ~50x the cost of evaluating it on a bound focus node.
    """

    def query(self, query_object: Any, processor: Any = "sparql", result: Any = "sparql", initNs: Any = None,
              initBindings: Any = None, use_store_provided: bool = True, **kwargs: Any) -> Any:  # noqa: N803
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
    if type(g) is Graph:  # noqa: E721  (datasets and other graph kinds are passed through unchanged)
        return _QueryCachingGraph(store=g.store, identifier=g.identifier, namespace_manager=g.namespace_manager)
    return g


# ---------------------------------------------------------------------------------------------------------------
# Focus nodes
# ---------------------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _child_props() -> tuple[frozenset[URIRef], frozenset[URIRef]]:
    """(child properties pointing parent → child, child properties pointing child → parent)."""
    from .model import entities as _e  # noqa: F401  (registers the entity classes)
    from .model.base import REGISTRY, iter_fields

    fwd, rev = set(), set()
    for cls in REGISTRY.values():
        for _f, spec in iter_fields(cls):
            if spec.kind == "child":
                (rev if spec.reverse else fwd).add(URIRef(MLKG_IRI + spec.prop))
    return frozenset(fwd), frozenset(rev)


def expand_focus(graph: Graph, nodes: Iterable[str | URIRef]) -> set[URIRef]:
    """The given nodes and every node they own (versions, features, metrics, deployments, ...), transitively.

    Use it to re-check one model after it changed: ``validate(g, focus=expand_focus(g, [model_iri]))``.
    """
    fwd, rev = _child_props()
    out: set[URIRef] = set()
    stack = [URIRef(str(n)) for n in nodes]
    while stack:
        n = stack.pop()
        if n in out:
            continue
        out.add(n)
        for p in fwd:
            stack.extend(o for o in graph.objects(n, p) if isinstance(o, URIRef))
        for p in rev:
            stack.extend(s for s in graph.subjects(p, n) if isinstance(s, URIRef))
    return out


def _entity_iris(entities: Iterable[Any], base: str | None = None) -> set[URIRef]:
    from .model.base import Entity, iter_fields

    out: set[URIRef] = set()

    def walk(e: Entity) -> None:
        out.add(URIRef(e.iri(base=base)))
        for f, spec in iter_fields(type(e)):
            if spec.kind != "child":
                continue
            val = getattr(e, f.name)
            for c in (val if spec.many else [val]) if val is not None else []:
                walk(c)

    for e in entities:
        walk(e)
    return out


def _as_focus(focus: Any) -> set[URIRef]:
    from .model.base import Entity

    items = [focus] if isinstance(focus, (str, URIRef, Entity)) else list(focus)
    out: set[URIRef] = set()
    for it in items:
        if isinstance(it, Entity):
            out |= _entity_iris([it])
        elif isinstance(it, (str, URIRef)):
            out.add(URIRef(str(it)))
        else:
            raise TypeError(f"focus must hold IRIs or entities, not {type(it).__name__}")
    return out


# ---------------------------------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------------------------------


def validate(graph_or_entities: Graph | Iterable[Any] | Any, packs: Sequence[str | Path] = ("core",), *,
             focus: Iterable[Any] | Any | None = None, fail_on: str = "Violation",
             inference: bool = False) -> ValidationReport:
    """Validate a graph (or entities, converted with :func:`mlkg.rdf.build.to_graph`) against rule packs.

    :param graph_or_entities: an rdflib graph, an entity, or entities.
    :param packs: pack names (``core``, ``governance``) or paths of Turtle files of SHACL shapes.
    :param focus: IRIs or entities: check only these nodes (entities bring the nodes they own; see
        :func:`expand_focus` for IRIs). None checks every target in the graph.
    :param fail_on: the least severe severity that makes the data not conform (``Violation``, ``Warning``,
        ``Info``).
    :param inference: run RDFS inference with the mlkg ontology first (slow: ~7x).
    :raises InputError: for an unknown pack or a pack file that is not valid Turtle.
    :raises ValueError: for an unknown ``fail_on``.
    """
    from .model.base import Entity

    if fail_on not in _RANK:
        raise ValueError(f"fail_on must be one of {', '.join(SEVERITIES)}, not {fail_on!r}")
    if isinstance(packs, (str, Path)):
        packs = (packs,)
    if not packs:
        raise ValueError("give at least one rule pack")
    if isinstance(graph_or_entities, Graph):
        data = graph_or_entities
    else:
        from .rdf.build import to_graph

        ents = [graph_or_entities] if isinstance(graph_or_entities, Entity) else list(graph_or_entities)
        data = to_graph(ents)
    focus_nodes = _as_focus(focus) if focus is not None else None
    shapes = _shapes_for(list(packs))

    if inference:
        report_graph = _run_public(data, shapes, focus_nodes, inference=True)
    else:
        try:
            report_graph = _run_fast(data, shapes, focus_nodes)
        except (_Unsupported, ImportError, AttributeError):
            report_graph = _run_public(data, shapes, focus_nodes, inference=False)
    return _report(report_graph, shapes, data, fail_on)


class _ParamList(list):  # type: ignore[type-arg]
    """pySHACL's list of constraint parameters with a set lookup: pySHACL tests every predicate of every shape
    against it on every validation (a linear scan, about a fifth of the time of a focus-node check)."""

    def __init__(self, items: Iterable[Any]) -> None:
        super().__init__(items)
        self._set = frozenset(self)

    def __contains__(self, item: object) -> bool:
        return item in self._set


def _speed_up_pyshacl() -> None:
    import pyshacl.shape as shape_mod
    from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP

    current = getattr(shape_mod, "CONSTRAINT_PARAMS", None)
    if not (current and isinstance(current[0], _ParamList)):
        shape_mod.CONSTRAINT_PARAMS = (_ParamList(ALL_CONSTRAINT_PARAMETERS), CONSTRAINT_PARAMETERS_MAP)

    # A SPARQL constraint's text (prefixes, $PATH substituted, checked for MINUS/VALUES/...) is the same for every
    # focus node; pySHACL rebuilds and re-checks it per node. Keep it per query helper; only $this changes.
    from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper

    if getattr(SPARQLQueryHelper.pre_bind_variables, "_mlkg_cached", False):
        return
    original = SPARQLQueryHelper.pre_bind_variables

    def pre_bind_variables(self: Any, thisnode: Any, valuenode: Any = None, extravars: Any = None) -> Any:
        if valuenode is not None or extravars:
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

    pre_bind_variables._mlkg_cached = True  # type: ignore[attr-defined]
    SPARQLQueryHelper.pre_bind_variables = pre_bind_variables


def _run_fast(data: Graph, shapes: _Shapes, focus_nodes: set[URIRef] | None) -> Graph:
    """Run pySHACL's shapes directly: every target (full), or only the focus nodes against the shapes that
    target them."""
    from pyshacl.graph_abstraction import DataGraph
    from pyshacl.pytypes import SHACLExecutor
    from pyshacl.validator import Validator

    _speed_up_pyshacl()
    sg, index = shapes.pyshacl_shapes()
    dg = DataGraph.from_rdflib(_view(data))
    executor = SHACLExecutor(validator=None, debug=False)
    reports: list = []
    conforms = True
    def run(shape: Any, nodes: list) -> None:
        nonlocal conforms
        plan = shapes.plan(shape)
        if plan is None:
            ok, rs = shape.validate(executor, dg, focus=nodes)
            conforms = conforms and ok
            reports.extend(rs)
            return
        for ps, pred in plan:
            todo = nodes if pred is None else [n for n in nodes if (n, pred, None) in data]
            if todo:
                ok, rs = ps.validate(executor, dg, focus=todo)
                conforms = conforms and ok
                reports.extend(rs)

    if focus_nodes is None:
        for shape, _t in index:
            nodes = sorted(shape.focus_nodes(dg), key=str)
            if nodes:
                run(shape, nodes)
    else:
        types: dict[URIRef, set] = {}
        for n in focus_nodes:
            ts = set(data.objects(n, RDF.type))
            for t in list(ts):
                ts.update(data.transitive_objects(t, RDFS.subClassOf))
            types[n] = ts
        for shape, t in index:
            hit = [n for n in focus_nodes if
                   n in t["nodes"] or types[n] & t["classes"]
                   or any((n, p, None) in data for p in t["subjects_of"])
                   or any((None, p, n) in data for p in t["objects_of"])]
            if hit:
                run(shape, sorted(hit))
    report_graph, _text = Validator.create_validation_report(sg, conforms, reports)
    return report_graph


def _run_public(data: Graph, shapes: _Shapes, focus_nodes: set[URIRef] | None, *, inference: bool) -> Graph:
    import pyshacl

    kwargs: dict[str, Any] = {}
    if inference:
        from .ontology import load_ontology

        kwargs["ont_graph"] = load_ontology()
        kwargs["inference"] = "rdfs"
    if focus_nodes is not None:
        if not focus_nodes:
            return _empty_report()
        kwargs["focus_nodes"] = sorted(focus_nodes)
    _conforms, report_graph, _text = pyshacl.validate(_view(data), shacl_graph=shapes.graph, **kwargs)
    return report_graph


def _empty_report() -> Graph:
    g = Graph()
    r = BNode()
    g.add((r, RDF.type, SH.ValidationReport))
    g.add((r, SH.conforms, Literal(True)))
    return g


def _curie(node: Any) -> str:
    s = str(node)
    for prefix, ns in [*PREFIXES.items(), ("sh", str(SH))]:
        if s.startswith(ns) and len(s) > len(ns):
            return f"{prefix}:{s[len(ns):]}"
    return s


def _path_text(path: Any, report: Graph) -> str | None:
    if path is None:
        return None
    if isinstance(path, URIRef):
        return _curie(path)
    inv = report.value(path, SH.inversePath)
    if inv is not None:
        return "^" + (_path_text(inv, report) or "?")
    first = report.value(path, RDF.first)
    if first is not None:
        parts = []
        node = path
        while node is not None and node != RDF.nil:
            parts.append(_path_text(report.value(node, RDF.first), report) or "?")
            node = report.value(node, RDF.rest)
        return "/".join(parts)
    return None


def _message(report: Graph, r: Any) -> str:
    msgs = list(report.objects(r, SH.resultMessage))
    if not msgs:
        return ""
    msgs.sort(key=lambda m: (getattr(m, "language", None) not in (None, "en"), str(m)))
    return str(msgs[0])


def _report(report: Graph, shapes: _Shapes, data: Graph, fail_on: str) -> ValidationReport:
    results = []
    top = [r for vr in report.subjects(RDF.type, SH.ValidationReport) for r in report.objects(vr, SH.result)]
    for r in top:  # not the nested sh:detail results
        focus = report.value(r, SH.focusNode)
        sev_node = report.value(r, SH.resultSeverity)
        severity = str(sev_node).rsplit("#", 1)[-1] if sev_node is not None else "Violation"
        if severity not in _RANK:
            severity = "Violation"
        source = report.value(r, SH.sourceShape)
        path_node = report.value(r, SH.resultPath)
        name = shapes.names.get(source) if source is not None else None
        shape_node = source
        while isinstance(shape_node, BNode) and shape_node in shapes.parent:
            shape_node = shapes.parent[shape_node]
        value = report.value(r, SH.value)
        results.append(ValidationResult(
            focus_node=str(focus),
            path=name or _path_text(path_node, report),
            severity=severity,
            message=_message(report, r),
            shape=_curie(shape_node) if shape_node is not None else "",
            value=None if value is None else str(value),
            result_path=_path_text(path_node, report),
            component=_curie(report.value(r, SH.sourceConstraintComponent)),
        ))
    results.sort(key=lambda x: (x.focus_node, -_RANK[x.severity], x.path or "", x.message, x.value or ""))
    threshold = _RANK[fail_on]
    conforms = not any(_RANK[x.severity] >= threshold for x in results)
    return ValidationReport(conforms=conforms, results=tuple(results), graph=report, fail_on=fail_on,
                            labels=_labels(data, {x.focus_node for x in results}))


def _labels(data: Graph, nodes: set[str]) -> dict[str, str]:
    fqn_p = URIRef(MLKG_IRI + "fullyQualifiedName")
    name_p = URIRef(MLKG_IRI + "name")
    out = {}
    for n in nodes:
        node = URIRef(n) if not n.startswith("_:") else BNode(n[2:])
        label = data.value(node, fqn_p) or data.value(node, name_p)
        types = sorted(_curie(t) for t in data.objects(node, RDF.type))
        if label is not None or types:
            out[n] = f"{label or n}" + (f" ({', '.join(types)})" if types else "")
    return out

