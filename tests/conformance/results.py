"""Engine-neutral keys for SHACL validation results and SPARQL rows, so reports from different engines compare."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF

SH = "http://www.w3.org/ns/shacl#"


def term_key(t: Any) -> tuple[str, ...]:
    """Exact RDF term: IRIs by text, literals by lexical form, datatype and language; blank nodes as one key."""
    if isinstance(t, URIRef):
        return ("iri", str(t))
    if isinstance(t, Literal):
        return ("lit", str(t), str(t.datatype or ""), (t.language or "").lower())
    if isinstance(t, BNode) or t is None:
        return ("bnode",) if t is not None else ("none",)
    raise TypeError(type(t))


def path_key(g: Graph, p: Any) -> Any:
    """A property path as a value: nested binary alternatives are flattened (Jena writes ((a|b)|c) for the
    shape's (a b c); #15 D5: equivalent forms)."""
    if p is None:
        return None
    if isinstance(p, URIRef):
        return str(p)
    alt = g.value(p, URIRef(SH + "alternativePath"))
    if alt is not None:
        items: list[Any] = []
        for x in Collection(g, alt):
            k = path_key(g, x)
            items.extend(k[1] if isinstance(k, tuple) and k[0] == "alt" else [k])
        return ("alt", tuple(sorted(items, key=repr)))
    for kind in ("inversePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath"):
        v = g.value(p, URIRef(SH + kind))
        if v is not None:
            return (kind, path_key(g, v))
    if g.value(p, RDF.first) is not None:
        return ("seq", tuple(path_key(g, x) for x in Collection(g, p)))
    return ("bnode-path",)


def shacl_results(report: Graph) -> Counter[tuple[Any, ...]]:
    """Multiset of (focus, path, source shape, component, severity, value) of the top-level results."""
    out: Counter[tuple[Any, ...]] = Counter()
    for rep in report.subjects(RDF.type, URIRef(SH + "ValidationReport")):
        for r in report.objects(rep, URIRef(SH + "result")):
            v = lambda p, r=r: report.value(r, URIRef(SH + p))  # noqa: E731
            out[(term_key(v("focusNode")), path_key(report, v("resultPath")),
                 term_key(v("sourceShape")), term_key(v("sourceConstraintComponent")),
                 term_key(v("resultSeverity")), term_key(v("value")))] += 1
    return out


def conforms(report: Graph) -> bool:
    vals = list(report.objects(None, URIRef(SH + "conforms")))
    assert len(vals) == 1, "a report has one sh:conforms"
    return bool(vals[0].toPython())


def rows_key(rows: Any) -> Counter[tuple[tuple[str, Any], ...]]:
    """Multiset of rows, each a sorted tuple of (variable, exact term key); unbound variables are left out."""
    out: Counter[tuple[tuple[str, Any], ...]] = Counter()
    for row in rows:
        out[tuple(sorted((str(k), term_key(v)) for k, v in row.items() if v is not None))] += 1
    return out
