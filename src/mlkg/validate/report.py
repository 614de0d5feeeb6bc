"""The validation report: pySHACL-independent results read from a W3C SHACL validation report graph."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from ..namespaces import MLKG_IRI, PREFIXES, SH, SHAPES

__all__ = ["SEVERITIES", "ValidationReport", "ValidationResult", "empty_report", "read_report"]

#: Severities from the least to the most serious.
SEVERITIES = ("Info", "Warning", "Violation")
RANK = {s: i for i, s in enumerate(SEVERITIES)}


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
    source_shape: str | None = None
    """The shape (possibly a nested property shape) the result came from, as a CURIE or blank node label."""

    def to_json(self) -> dict[str, Any]:
        return {"focusNode": self.focus_node, "path": self.path, "severity": self.severity,
                "message": self.message, "value": self.value, "shape": self.shape}


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`mlkg.validate.validate`.

    ``conforms`` is False when a result is at least as serious as ``fail_on`` (the pass/fail mlkg's CLI exits
    with); ``w3c_conforms`` is ``sh:conforms`` as SHACL defines it: False for any result, Info and Warning
    included. ``results`` are sorted by focus node, field and severity; ``graph`` is the W3C SHACL validation
    report; ``engine`` names the engine that produced it.
    """

    conforms: bool
    results: tuple[ValidationResult, ...]
    graph: Graph = field(repr=False, compare=False)
    fail_on: str = "Violation"
    labels: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    """Focus node → a readable label (FQN and class), for :meth:`text`."""
    engine: str = field(default="", compare=False)

    @property
    def w3c_conforms(self) -> bool:
        """``sh:conforms`` of the W3C report: True only when there is no result of any severity."""
        return not self.results

    def counts(self) -> dict[str, int]:
        """Number of results per severity."""
        out = dict.fromkeys(reversed(SEVERITIES), 0)
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
        """``{"conforms", "passed", "failOn", "counts", "results": [...]}``.

        ``conforms`` is the W3C ``sh:conforms`` (False for any result); ``passed`` is mlkg's pass/fail under
        ``fail_on`` (what the exit code says).
        """
        return {"conforms": self.w3c_conforms, "passed": self.conforms, "failOn": self.fail_on,
                "counts": self.counts(), "results": [r.to_json() for r in self.results]}

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n"


def empty_report() -> Graph:
    """A W3C report that conforms and has no results."""
    g = Graph()
    r = BNode()
    g.add((r, RDF.type, SH.ValidationReport))
    g.add((r, SH.conforms, Literal(True)))
    return g


def curie(node: Any) -> str:
    s = str(node)
    for prefix, ns in [*PREFIXES.items(), ("sh", str(SH)), ("mlkgsh", str(SHAPES))]:
        if s.startswith(ns) and len(s) > len(ns):
            return f"{prefix}:{s[len(ns):]}"
    return s


def path_text(path: Any, report: Graph) -> str | None:
    """A SHACL path node as text: ``mlkg:p``, ``^mlkg:p``, ``a/b``, ``a|b``."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return curie(path)
    inv = report.value(path, SH.inversePath)
    if inv is not None:
        return "^" + (path_text(inv, report) or "?")
    alt = report.value(path, SH.alternativePath)
    if alt is not None:
        return "|".join(path_text(p, report) or "?" for p in _items(alt, report))
    if report.value(path, RDF.first) is not None:
        return "/".join(path_text(p, report) or "?" for p in _items(path, report))
    return None


def _items(node: Any, g: Graph) -> list[Any]:
    out = []
    while node is not None and node != RDF.nil:
        out.append(g.value(node, RDF.first))
        node = g.value(node, RDF.rest)
    return out


def _message(report: Graph, r: Any) -> str:
    msgs = list(report.objects(r, SH.resultMessage))
    if not msgs:
        return ""
    msgs.sort(key=lambda m: (getattr(m, "language", None) not in (None, "en"), str(m)))
    return str(msgs[0])


def read_report(report: Graph, names: dict[Any, str], parent: dict[Any, Any], data: Any,
                fail_on: str, engine: str = "") -> ValidationReport:
    """mlkg's report from a W3C report graph. ``names``/``parent``: shape → ``sh:name``, property shape →
    the node shape holding it (from the shapes graph); ``data`` (a graph, or None) gives the labels."""
    results = []
    top = [r for vr in report.subjects(RDF.type, SH.ValidationReport) for r in report.objects(vr, SH.result)]
    for r in top:  # not the nested sh:detail results
        focus = report.value(r, SH.focusNode)
        sev_node = report.value(r, SH.resultSeverity)
        severity = str(sev_node).rsplit("#", 1)[-1] if sev_node is not None else "Violation"
        if severity not in RANK:
            severity = "Violation"
        source = report.value(r, SH.sourceShape)
        path_node = report.value(r, SH.resultPath)
        name = names.get(source) if source is not None else None
        shape_node = source
        while isinstance(shape_node, BNode) and shape_node in parent:
            shape_node = parent[shape_node]
        value = report.value(r, SH.value)
        results.append(ValidationResult(
            focus_node=_node_text(focus),
            path=name or path_text(path_node, report),
            severity=severity,
            message=_message(report, r),
            shape=curie(shape_node) if shape_node is not None else "",
            value=None if value is None else _node_text(value),
            result_path=path_text(path_node, report),
            component=curie(report.value(r, SH.sourceConstraintComponent)),
            source_shape=None if source is None else f"_:{source}" if isinstance(source, BNode) else curie(source),
        ))
    results.sort(key=lambda x: (x.focus_node, -RANK[x.severity], x.path or "", x.message, x.value or ""))
    threshold = RANK[fail_on]
    conforms = not any(RANK[x.severity] >= threshold for x in results)
    return ValidationReport(conforms=conforms, results=tuple(results), graph=report, fail_on=fail_on,
                            labels=_labels(data, {x.focus_node for x in results}) if data is not None else {},
                            engine=engine)


def _node_text(term: Any) -> str:
    """A node as a result shows it: an IRI or a literal's lexical form as is, a blank node as ``_:label``.

    The label is the engine's own (rdflib's ``N…``, oxigraph's hex id), so ``_:`` is what says it is a blank node:
    a bare hex id read as a value could not be told from a literal."""
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _labels(data: Any, nodes: set[str]) -> dict[str, str]:
    fqn_p = URIRef(MLKG_IRI + "fullyQualifiedName")
    name_p = URIRef(MLKG_IRI + "name")
    out = {}
    for n in nodes:
        node = URIRef(n) if not n.startswith("_:") else BNode(n[2:])
        label = data.value(node, fqn_p) or data.value(node, name_p)
        types = sorted(curie(t) for t in data.objects(node, RDF.type))
        if label is not None or types:
            out[n] = f"{label or n}" + (f" ({', '.join(types)})" if types else "")
    return out
