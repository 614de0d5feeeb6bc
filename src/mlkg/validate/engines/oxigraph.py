"""Full validation at the speed of pyoxigraph: the shapes compiled to SPARQL find the nodes that can fail, and
pySHACL's shapes (:mod:`.pyshacl_focus`) check only those.

How it stays exact:

* Each top-level shape (one with targets) becomes one SPARQL query for its targets that do *not surely* conform.
  Every constraint is compiled with a polarity: ``strict`` (the compiled test implies pySHACL's answer "conforms")
  or ``loose`` (implied by it), so ``sh:not`` flips the polarity and anything the compiler does not know (an
  unknown component, a path it cannot write, a comparison of mixed datatypes, an ``sh:minCount`` above 1, ...)
  becomes ``false`` (strict) or ``true`` (loose): a node is then a candidate, never a missed result.
* SPARQL-based constraints (``sh:sparql``) of a top-level shape or of its property shapes are run on the store with
  ``$this`` free (pyoxigraph evaluates them many times faster than rdflib); the nodes they return are candidates.
  Their semantics are SPARQL's on both engines; mlkg's rules are written so that rdflib and pyoxigraph agree
  (``tests/validate/test_engines_differential.py`` holds them to it).
* pyoxigraph keeps literals in canonical form (``"0.10"`` becomes ``"0.1"``), which would change what a pattern,
  a length, ``sh:in`` or ``sh:datatype`` (ill-typed literals) sees. Every typed literal whose lexical form is not
  surely canonical marks its subject and predicate in a side graph; a lexical or datatype test on a marked value
  counts as unknown, so those nodes are checked by pySHACL.
* The candidates are validated by pySHACL's own shapes: results, messages and report nodes are pySHACL's.

It applies to plain SHACL Core and SPARQL constraints without inference; anything else raises
:class:`~mlkg.validate.engines.Unsupported` (then ``pyshacl-focus`` runs).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, XSD

from ...namespaces import SH
from . import Unsupported
from .pyshacl_focus import FocusPyShaclEngine

if TYPE_CHECKING:
    from ..packs import Shapes

__all__ = ["OxigraphEngine", "compile_shapes", "to_oxigraph"]

#: Side graphs of marks ``(subject, DIRTY, predicate)``: LEXICAL when a typed literal's lexical form may not be
#: pyoxigraph's canonical one (a pattern, length or sh:in test on it is unknown), VALIDITY when rdflib may call it
#: ill-typed where XSD does not (an sh:datatype test on it is unknown).
LEXICAL = "urn:mlkg:validate:lexical"
VALIDITY = "urn:mlkg:validate:validity"
DIRTY = "urn:mlkg:validate:dirty"

# ---------------------------------------------------------------------------------------------------------------
# Data: rdflib → pyoxigraph, with the marks of literals pyoxigraph would rewrite
# ---------------------------------------------------------------------------------------------------------------

_INT = r"-?(?:0|[1-9][0-9]{0,17})"
_DATE = r"(?!0000)[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
_TZ = r"(?:Z|[+-](?:0[1-9]|1[0-3]):[0-5][0-9]|[+-]00:(?:0[1-9]|[1-5][0-9])|[+-]14:00)"
#: Lexical forms that pyoxigraph stores unchanged and rdflib reads as well-typed, per datatype. Any other typed
#: literal is marked. (``+00:00`` is excluded from the time zones: pyoxigraph writes ``Z``.)
_SAFE: dict[str, re.Pattern[str]] = {
    str(XSD.integer): re.compile(f"{_INT}$"),
    str(XSD.decimal): re.compile(r"-?(?:0|[1-9][0-9]{0,15})(?:\.[0-9]{0,15}[1-9])?$"),
    str(XSD.double): re.compile(r"-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{0,14}[1-9])?$"),
    str(XSD.boolean): re.compile(r"(?:true|false)$"),
    str(XSD.date): re.compile(f"{_DATE}$"),
    str(XSD.dateTime): re.compile(
        f"{_DATE}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{{0,5}}[1-9])?(?:{_TZ})?$"),
    str(XSD.anyURI): re.compile(r"[^\s<>\"{}|\\^`]*$"),
}
_PLAIN = {None, XSD.string}
_NUM = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_ANY_TZ = r"(?:Z|[+-](?:0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)"
#: Lexical forms XSD calls valid that rdflib reads as well-typed too, per datatype (the other way round, a form
#: rdflib accepts and XSD does not, only makes a candidate).
_VALID: dict[str, re.Pattern[str]] = {
    str(XSD.integer): re.compile(r"[+-]?[0-9]+$"),
    str(XSD.decimal): re.compile(f"{_NUM}$"),
    str(XSD.double): re.compile(f"(?:{_NUM}(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN)$"),
    str(XSD.float): re.compile(f"(?:{_NUM}(?:[eE][+-]?[0-9]+)?|[+-]?INF|NaN)$"),
    str(XSD.boolean): re.compile(r"(?:true|false|1|0)$"),
    str(XSD.date): re.compile(f"{_DATE}{_ANY_TZ}?$"),
    str(XSD.dateTime): re.compile(
        f"{_DATE}T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]+)?{_ANY_TZ}?$"),
    str(XSD.anyURI): re.compile(r".*$", re.DOTALL),
}


def _safe(lex: str, dt: str) -> bool:
    pat = _SAFE.get(dt)
    if pat is None or (lex.startswith("-") and lex.strip("-0.") == ""):  # unknown datatype, or negative zero
        return False
    return pat.match(lex) is not None


def to_oxigraph(data: Graph) -> ox.Store:
    """The triples of ``data`` in a new in-memory pyoxigraph store (default graph), with the marks.

    The triples go through N-Triples text (each term written once) and pyoxigraph's parser: about twice as fast
    as building a ``pyoxigraph.Quad`` per triple.
    """
    text: dict[Any, str] = {}
    lexical: set[tuple[Any, Any]] = set()
    validity: set[tuple[Any, Any]] = set()
    plain = _PLAIN

    def nt(t: Any) -> str:
        s = text.get(t)
        if s is None:
            if isinstance(t, (URIRef, BNode, Literal)):
                s = text[t] = t.n3()
            else:
                raise Unsupported(f"a {type(t).__name__} term in the data graph")
        return s

    lines = []
    for s, p, o in data:
        if isinstance(o, Literal):
            dt = o.datatype
            if dt is not None and dt not in plain:
                lex, dts = str(o), str(dt)
                if not _safe(lex, dts):
                    lexical.add((s, p))
                    pat = _VALID.get(dts)
                    if pat is None or not pat.match(lex):
                        validity.add((s, p))
        lines.append(f"{nt(s)} {nt(p)} {nt(o)} .\n")
    store = ox.Store()
    try:
        store.bulk_load("".join(lines).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        for graph, marks in ((LEXICAL, lexical), (VALIDITY, validity)):
            if marks:
                store.bulk_load("".join(f"{nt(s)} <{DIRTY}> {nt(p)} .\n" for s, p in marks).encode("utf-8"),
                                format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))
    except SyntaxError as e:  # a term rdflib accepts and N-Triples does not (an IRI with a space, ...)
        raise Unsupported(f"the data graph does not convert to N-Triples: {e}") from None
    return store


# ---------------------------------------------------------------------------------------------------------------
# Shapes → SPARQL
# ---------------------------------------------------------------------------------------------------------------

_META = {SH.name, SH.message, SH.severity, SH.description, SH.order, SH.group, SH.defaultValue, RDF.type,
         RDFS.label, RDFS.comment, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf,
         SH.flags, SH.prefixes, SH.declare}
_NODE_KINDS = {
    SH.IRI: "isIRI({v})", SH.BlankNode: "isBlank({v})", SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "(isIRI({v}) || isBlank({v}))", SH.BlankNodeOrLiteral: "(isBlank({v}) || isLiteral({v}))",
    SH.IRIOrLiteral: "(isIRI({v}) || isLiteral({v}))",
}
#: Datatypes rdflib never calls ill-typed (no converter, or a string): a matching datatype is enough.
_NEVER_ILL_TYPED = {XSD.string, XSD.anyURI, RDF.JSON, RDF.HTML, RDF.XMLLiteral}
#: Datatypes SPARQL can cast: a literal of one is well-typed iff the cast succeeds (pyoxigraph keeps invalid
#: lexical forms as they are).
_CASTABLE = {XSD.integer, XSD.decimal, XSD.double, XSD.float, XSD.boolean, XSD.dateTime, XSD.date}
#: Safe subset of regular expressions: the same meaning in Python's re and in XPath/Rust regex.
_SAFE_REGEX = re.compile(r"^(?:[^\\(){}\[\]]|\\[.\\^$*+?()\[\]{}|/-]|\[\^?(?:[^\\\]\[]|\\[\\\]\[^-])+\]|[()|]"
                         r"|\{[0-9]+(?:,[0-9]*)?\})*$")
_NUMERIC = {XSD.integer, XSD.decimal, XSD.int, XSD.long, XSD.short, XSD.byte, XSD.nonNegativeInteger,
            XSD.positiveInteger, XSD.nonPositiveInteger, XSD.negativeInteger, XSD.unsignedInt,
            XSD.unsignedLong, XSD.unsignedShort, XSD.unsignedByte}


def _term(t: Any) -> str:
    if isinstance(t, URIRef):
        return f"<{t}>"
    if isinstance(t, Literal):
        lex = str(t).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
        if t.language:
            return f'"{lex}"@{t.language}'
        if t.datatype is not None:
            return f'"{lex}"^^<{t.datatype}>'
        return f'"{lex}"'
    raise _Unknown


class _Unknown(Exception):
    """This piece cannot be compiled (the caller substitutes the polarity's default)."""


def _items(g: Graph, node: Any) -> list[Any]:
    out = []
    while node is not None and node != RDF.nil:
        first = g.value(node, RDF.first)
        if first is None:
            raise _Unknown
        out.append(first)
        node = g.value(node, RDF.rest)
    if node is None:
        raise _Unknown
    return out


class _Compiler:
    def __init__(self, g: Graph) -> None:
        self.g = g
        self.n = 0

    def var(self) -> str:
        self.n += 1
        return f"?v{self.n}"

    # -- paths -------------------------------------------------------------------------------------------------

    def path(self, p: Any) -> str:
        g = self.g
        if isinstance(p, URIRef):
            return f"<{p}>"
        if not isinstance(p, BNode):
            raise _Unknown
        inv = g.value(p, SH.inversePath)
        if inv is not None:
            return f"^({self.path(inv)})"
        alt = g.value(p, SH.alternativePath)
        if alt is not None:
            return "(" + "|".join(self.path(x) for x in _items(g, alt)) + ")"
        for pred, op in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
            inner = g.value(p, pred)
            if inner is not None:
                return f"({self.path(inner)}){op}"
        if g.value(p, RDF.first) is not None:
            return "(" + "/".join(self.path(x) for x in _items(g, p)) + ")"
        raise _Unknown

    def direct_predicates(self, p: Any) -> list[URIRef] | None:
        """The predicates whose values a path reaches directly (IRI or alternatives of IRIs); None otherwise."""
        if isinstance(p, URIRef):
            return [p]
        alt = self.g.value(p, SH.alternativePath)
        if alt is not None:
            out: list[URIRef] = []
            for x in _items(self.g, alt):
                d = self.direct_predicates(x)
                if d is None:
                    return None
                out += d
            return out
        return None

    # -- shapes ------------------------------------------------------------------------------------------------

    def conforms(self, shape: Any, x: str, strict: bool, *, top: bool = False, depth: int = 0,
                 dirty: str | None = "false") -> str:
        """A SPARQL expression: ``x`` conforms to ``shape`` (strict: implies it; loose: implied by it).

        ``dirty`` is an expression that is true when ``x`` may be a rewritten literal (None: unknown).
        At the top level, SPARQL-based constraints are left to their own queries (see :meth:`sparql_parts`).
        """
        default = "false" if strict else "true"
        if depth > 8:
            return default
        g = self.g
        preds = set(g.predicates(shape, None))
        if (shape, SH.deactivated, Literal(True)) in g:
            return "true"
        if SH.path in preds:  # a property shape
            return self._property(shape, x, strict, top=top, depth=depth)
        parts: list[str] = []
        flags = g.value(shape, SH.flags)
        saved = self._flags
        self._flags = f", {_term(Literal(str(flags)))}" if flags is not None else ""
        try:
            for pred in preds - _META:
                for o in g.objects(shape, pred):
                    parts.append(self._guard(self._node_constraint(pred, o, x, strict, top, depth, dirty), strict))
        finally:
            self._flags = saved
        return _and(parts)

    def _guard(self, fn: Callable[[], str], strict: bool) -> str:
        try:
            return fn()
        except _Unknown:
            return "false" if strict else "true"

    def _node_constraint(self, pred: Any, o: Any, x: str, strict: bool, top: bool, depth: int,
                         dirty: str | None) -> Callable[[], str]:
        def f() -> str:
            if pred == SH.property:
                return self.conforms(o, x, strict, top=top, depth=depth + 1)
            if pred == SH.node:
                return self.conforms(o, x, strict, depth=depth + 1, dirty=dirty)
            if pred == SH["not"]:
                return f"!({self.conforms(o, x, not strict, depth=depth + 1, dirty=dirty)})"
            if pred == SH["and"]:
                return _and([self.conforms(s, x, strict, depth=depth + 1, dirty=dirty) for s in _items(self.g, o)])
            if pred == SH["or"]:
                return _or([self.conforms(s, x, strict, depth=depth + 1, dirty=dirty) for s in _items(self.g, o)])
            if pred == SH.sparql:
                if top:
                    return "true"  # run as its own query
                raise _Unknown
            if pred == SH.hasValue:
                return f"sameTerm({x}, {_term(o)})"
            return self._value(pred, o, x, strict, dirty)
        return f

    def _value(self, pred: Any, o: Any, v: str, strict: bool, dirty: str | None) -> str:
        """A constraint on one value node ``v``."""
        kind = ("validity" if pred == SH.datatype else
                "lexical" if pred in (SH.pattern, SH.minLength, SH.maxLength, SH["in"], SH.languageIn) else None)
        if pred == SH.nodeKind:
            if o not in _NODE_KINDS:
                raise _Unknown
            test = _NODE_KINDS[o].format(v=v)
        elif pred == SH["class"]:
            test = f"EXISTS {{ {v} <{RDF.type}>/<{RDFS.subClassOf}>* {_term(o)} }}"
        elif pred == SH.datatype:
            if not isinstance(o, URIRef):
                raise _Unknown
            if o in _NEVER_ILL_TYPED:
                test = f"(isLiteral({v}) && datatype({v}) = <{o}>)"
            elif o in _CASTABLE:
                test = f"(isLiteral({v}) && datatype({v}) = <{o}> && isLiteral(<{o}>({v})))"
            elif o == RDF.langString:
                test = f"(isLiteral({v}) && lang({v}) != \"\")"
            else:
                raise _Unknown
        elif pred in (SH.minLength, SH.maxLength):
            if not isinstance(o, Literal) or not isinstance(o.value, int):
                raise _Unknown
            op = ">=" if pred == SH.minLength else "<="
            test = f"(!isBlank({v}) && STRLEN(STR({v})) {op} {int(o.value)})"
        elif pred == SH.pattern:
            pat = str(o)
            if not _SAFE_REGEX.match(pat):
                raise _Unknown
            flags = self._flags
            test = f"(!isBlank({v}) && REGEX(STR({v}), {_term(Literal(pat))}{flags}))"
        elif pred == SH["in"]:
            vals = _items(self.g, o)
            test = "(" + " || ".join(f"sameTerm({v}, {_term(t)})" for t in vals) + ")" if vals else "false"
        elif pred in (SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive):
            if not isinstance(o, Literal) or o.datatype not in _NUMERIC:
                raise _Unknown
            op = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}[pred]
            # only integers and decimals compared with integers and decimals: the same answer in rdflib
            allowed = " || ".join(f"datatype({v}) = <{d}>" for d in (XSD.integer, XSD.decimal))
            test = f"(isLiteral({v}) && ({allowed}) && {v} {op} {_term(o)})"
        else:
            raise _Unknown
        if kind is not None:
            if dirty is None:
                raise _Unknown
            d = dirty.replace("{graph}", LEXICAL if kind == "lexical" else VALIDITY)
            if d != "false":
                test = f"(!({d}) && {test})" if strict else f"(({d}) || {test})"
        return f"COALESCE({test}, {'false' if strict else 'true'})"

    _flags = ""

    def _value_fn(self, pred: Any, o: Any, v: str, strict: bool, dirty: str | None) -> Callable[[], str]:
        return lambda: self._value(pred, o, v, strict, dirty)

    def _property(self, ps: Any, x: str, strict: bool, *, top: bool, depth: int) -> str:
        g = self.g
        default = "false" if strict else "true"
        try:
            path = self.path(g.value(ps, SH.path))
        except _Unknown:
            return default
        direct = self.direct_predicates(g.value(ps, SH.path))
        parts: list[str] = []
        value_parts: list[tuple[Any, Any]] = []
        flags = g.value(ps, SH.flags)
        for pred in set(g.predicates(ps, None)) - _META - {SH.path}:
            for o in g.objects(ps, pred):
                if pred == SH.minCount:
                    n = o.value if isinstance(o, Literal) else None
                    if n == 0:
                        continue
                    parts.append(f"EXISTS {{ {x} {path} {self.var()} }}" if n == 1 else default)
                elif pred == SH.maxCount:
                    n = o.value if isinstance(o, Literal) else None
                    a, b = self.var(), self.var()
                    if n == 0:
                        parts.append(f"NOT EXISTS {{ {x} {path} {a} }}")
                    elif n == 1:
                        parts.append(f"NOT EXISTS {{ {x} {path} {a}, {b} . FILTER (!sameTerm({a}, {b})) }}")
                    else:
                        parts.append(default)
                elif pred == SH.qualifiedValueShape:
                    parts.append(self._qualified(ps, o, x, path, direct, strict, depth))
                elif pred in (SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint):
                    continue  # with sh:qualifiedValueShape
                elif pred == SH.hasValue:
                    try:
                        parts.append(f"EXISTS {{ {x} {path} {_term(o)} }}")
                    except _Unknown:
                        parts.append(default)
                elif pred == SH.sparql:
                    parts.append("true" if top else default)
                elif pred in (SH.lessThan, SH.lessThanOrEquals, SH.equals, SH.disjoint, SH.uniqueLang,
                              SH.closed, SH.xone):
                    parts.append(default)
                else:
                    value_parts.append((pred, o))
        if value_parts:
            v = self.var()
            dirty = self._dirty(x, direct)
            saved = self._flags
            self._flags = f", {_term(Literal(str(flags)))}" if flags is not None else ""
            try:
                tests = []
                for pred, o in value_parts:
                    if pred in (SH.node, SH["not"], SH["and"], SH["or"], SH.hasValue, SH.property):
                        tests.append(self._guard(self._node_constraint(pred, o, v, strict, False, depth, dirty),
                                                 strict))
                    else:
                        tests.append(self._guard(self._value_fn(pred, o, v, strict, dirty), strict))
            finally:
                self._flags = saved
            # every value conforms: no value fails the (polarity-correct) test
            parts.append(f"NOT EXISTS {{ {x} {path} {v} . FILTER (!({_and(tests)})) }}")
        return _and(parts)

    def _qualified(self, ps: Any, q: Any, x: str, path: str, direct: list[URIRef] | None, strict: bool,
                   depth: int) -> str:
        g = self.g
        default = "false" if strict else "true"
        if g.value(ps, SH.qualifiedMaxCount) is not None or \
                (ps, SH.qualifiedValueShapesDisjoint, Literal(True)) in g:
            return default
        mn = g.value(ps, SH.qualifiedMinCount)
        if mn is None or not isinstance(mn, Literal) or mn.value not in (0, 1):
            return default
        if mn.value == 0:
            return "true"
        v = self.var()
        inner = self.conforms(q, v, strict, depth=depth + 1, dirty=self._dirty(x, direct))
        return f"EXISTS {{ {x} {path} {v} . FILTER ({inner}) }}"

    def _dirty(self, x: str, direct: list[URIRef] | None) -> str | None:
        if direct is None:
            return None
        return "(" + " || ".join(f"EXISTS {{ GRAPH <{{graph}}> {{ {x} <{DIRTY}> <{p}> }} }}" for p in direct) + ")"

    # -- targets and SPARQL-based constraints -----------------------------------------------------------------

    def targets(self, shape: Any) -> list[str]:
        """Graph patterns binding ``?this`` to the targets of a shape (a union of them)."""
        g = self.g
        out = []
        for c in g.objects(shape, SH.targetClass):
            out.append(f"?this <{RDF.type}>/<{RDFS.subClassOf}>* {_term(c)} .")
        if (shape, RDF.type, RDFS.Class) in g:
            out.append(f"?this <{RDF.type}>/<{RDFS.subClassOf}>* {_term(shape)} .")
        for n in g.objects(shape, SH.targetNode):
            out.append(f"VALUES ?this {{ {_term(n)} }}")
        for p in g.objects(shape, SH.targetSubjectsOf):
            out.append(f"?this {_term(p)} ?anyTarget .")
        if list(g.objects(shape, SH.targetObjectsOf)) or list(g.objects(shape, SH.target)):
            raise Unsupported("sh:targetObjectsOf and SHACL-AF targets")
        return out

    def sparql_parts(self, shape: Any) -> list[tuple[str, str]]:
        """``SELECT ?this`` queries (``$this`` free) of the SPARQL-based constraints of a shape and its
        property shapes."""
        g = self.g
        out = []
        holders = [(shape, None)] + [(ps, g.value(ps, SH.path)) for ps in g.objects(shape, SH.property)]
        for holder, path in holders:
            for c in g.objects(holder, SH.sparql):
                if (c, SH.deactivated, Literal(True)) in g:
                    continue
                text = g.value(c, SH.select)
                if text is None:
                    raise Unsupported("a SPARQL-based constraint without sh:select")
                q = str(text)
                if re.search(r"[$?](currentShape|shapesGraph)\b", q):
                    raise Unsupported("$currentShape / $shapesGraph in a SPARQL constraint")
                if "$PATH" in q:
                    if path is None:
                        raise Unsupported("$PATH without sh:path")
                    try:
                        q = q.replace("$PATH", self.path(path))
                    except _Unknown:
                        raise Unsupported("a path that cannot be written in SPARQL") from None
                q = re.sub(r"\$this\b", "?this", q)
                head = q.split("WHERE", 1)[0] if "WHERE" in q else q.split("{", 1)[0]
                if not re.search(r"\?this\b|\*", head):
                    raise Unsupported("a SPARQL constraint that does not select $this")
                out.append((self._prefixes(c), _body(q)))
        return out

    def _prefixes(self, c: Any) -> str:
        g = self.g
        lines = []
        for holder in g.objects(c, SH.prefixes):
            for d in g.objects(holder, SH.declare):
                p, ns = g.value(d, SH.prefix), g.value(d, SH.namespace)
                if p is not None and ns is not None:
                    lines.append(f"PREFIX {p}: <{ns}>")
        return "\n".join(lines) + "\n"


def _body(q: str) -> str:
    """The query without its PREFIX/BASE prologue (as a subquery)."""
    return re.sub(r"^\s*(?:(?:PREFIX\s+\S*:\s*<[^>]*>|BASE\s+<[^>]*>)\s*)*", "", q, flags=re.IGNORECASE)


def _and(parts: Iterable[str]) -> str:
    ps = [p for p in parts if p != "true"]
    if "false" in ps:
        return "false"
    return "(" + " && ".join(ps) + ")" if ps else "true"


def _or(parts: Iterable[str]) -> str:
    ps = [p for p in parts if p != "false"]
    if "true" in ps:
        return "true"
    return "(" + " || ".join(ps) + ")" if ps else "false"


class Compiled:
    """Per top-level shape: its node, the candidate queries."""

    def __init__(self, shapes: Shapes, top: list[Any]) -> None:
        comp = _Compiler(shapes.graph)
        self.queries: list[tuple[Any, list[str]]] = []
        for shape in top:
            targets = comp.targets(shape)
            if not targets:
                continue
            union = " UNION ".join(f"{{ {t} }}" for t in targets)
            qs = []
            if (shape, SH.deactivated, Literal(True)) in shapes.graph:
                continue
            cond = comp.conforms(shape, "?this", True, top=True)
            if cond != "true":
                qs.append(f"SELECT DISTINCT ?this WHERE {{ {union} FILTER (!({cond})) }}")
            for prologue, body in comp.sparql_parts(shape):
                qs.append(f"{prologue}SELECT DISTINCT ?this WHERE {{ {union} {{ {body} }} }}")
            self.queries.append((shape, qs))


def compile_shapes(shapes: Shapes, top: list[Any]) -> Compiled:
    """The candidate queries of the top-level shapes ``top`` (cached per shapes by the engine)."""
    return Compiled(shapes, top)


class OxigraphEngine:
    """Candidates from SPARQL on pyoxigraph, checked by pySHACL's shapes (``pyshacl-focus``)."""

    name = "oxigraph"

    def __init__(self) -> None:
        self.checker = FocusPyShaclEngine()

    def compiled(self, shapes: Shapes) -> Compiled:
        parsed = self.checker.parsed(shapes)
        with shapes.lock:
            c = shapes.cache.get(self.name)
        if c is None:
            c = compile_shapes(shapes, [s.node for s, _t in parsed.index])
            with shapes.lock:
                shapes.cache[self.name] = c
        return c

    def candidates(self, store: ox.Store, compiled: Compiled) -> list[tuple[Any, list[Any]]]:
        work = []
        for shape, queries in compiled.queries:
            found: set[Any] = set()
            for q in queries:
                try:
                    rows = store.query(q)
                except SyntaxError as e:
                    raise Unsupported(f"pyoxigraph cannot run the query for {shape}: {e}") from None
                for row in rows:  # type: ignore[union-attr]
                    found.add(_from_ox(row[0]))
            work.append((shape, sorted(found, key=str)))
        return work

    def run(self, data: Graph, shapes: Shapes, *, focus: set[URIRef] | None = None,
            inference: bool = False, store: ox.Store | None = None) -> Graph:
        if inference:
            raise Unsupported("RDFS inference runs in pySHACL's public validate()")
        if focus is not None:
            raise Unsupported("focus validation runs in pyshacl-focus")
        compiled = self.compiled(shapes)
        if store is None:
            store = to_oxigraph(data)
        work = self.candidates(store, compiled)
        return self.checker.check(data, shapes, work)


def _from_ox(t: Any) -> Any:
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    raise Unsupported(f"a literal focus node ({t})")
