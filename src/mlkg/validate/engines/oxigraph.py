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

from ...dataset.sparqltext import term_sparql
from ...namespaces import SH
from ...rdf.build import nt_term
from . import Unsupported
from .oxview import OxData
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


def _marks_of(s: Any, p: Any, lex: str, dts: str, lexical: set[tuple[Any, Any]],
              validity: set[tuple[Any, Any]]) -> None:
    if not _safe(lex, dts):
        lexical.add((s, p))
        pat = _VALID.get(dts)
        if pat is None or not pat.match(lex):
            validity.add((s, p))


class Marks:
    """The (subject, predicate) pairs whose lexical or datatype tests pyoxigraph cannot decide like rdflib, per
    kind (``lexical``, ``validity``), and how a query tests them: in side graphs of the store (``graphs``), or by
    listing the subjects (a user's store, which validation never writes to)."""

    def __init__(self, lexical: set[tuple[Any, Any]], validity: set[tuple[Any, Any]], *, graphs: bool) -> None:
        self.graphs = graphs
        self.by_kind: dict[str, dict[str, set[Any]]] = {"lexical": {}, "validity": {}}
        for kind, pairs in (("lexical", lexical), ("validity", validity)):
            for s, p in pairs:
                self.by_kind[kind].setdefault(str(p), set()).add(s)

    def test(self, kind: str, x: str, preds: list[str]) -> str:
        """A SPARQL expression: true when node ``x`` may have a marked value on one of ``preds``."""
        marked = self.by_kind[kind]
        parts = []
        for p in preds:
            subjects = marked.get(p)
            if not subjects:
                continue
            if self.graphs:
                g = LEXICAL if kind == "lexical" else VALIDITY
                parts.append(f"EXISTS {{ GRAPH <{g}> {{ {x} <{DIRTY}> <{p}> }} }}")
            elif len(subjects) > 200 or not all(isinstance(t, URIRef) for t in subjects):
                return "true"  # unknown: every node with a value there is a candidate
            else:
                parts.append(f"{x} IN ({', '.join(f'<{t}>' for t in sorted(subjects))})")
        return "(" + " || ".join(parts) + ")" if parts else "false"


def to_oxigraph(data: Graph) -> tuple[ox.Store, Marks]:
    """The triples of ``data`` in a new in-memory pyoxigraph store (default graph), with the marks in side graphs.

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
                s = text[t] = nt_term(t)  # not n3(): it writes a multi-line literal as Turtle's """..."""
            else:
                raise Unsupported(f"a {type(t).__name__} term in the data graph")
        return s

    lines = []
    for s, p, o in data:
        if isinstance(o, Literal):
            dt = o.datatype
            if dt is not None and dt not in plain:
                _marks_of(s, p, str(o), str(dt), lexical, validity)
        lines.append(f"{nt(s)} {nt(p)} {nt(o)} .\n")
    store = ox.Store()
    try:
        store.bulk_load("".join(lines).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
        _store_marks(store, lexical, validity, nt)
    except SyntaxError as e:  # a term rdflib accepts and N-Triples does not (an IRI with a space, ...)
        raise Unsupported(f"the data graph does not convert to N-Triples: {e}") from None
    return store, Marks(lexical, validity, graphs=True)


def _store_marks(store: ox.Store, lexical: set[tuple[Any, Any]], validity: set[tuple[Any, Any]],
                 nt: Callable[[Any], str]) -> None:
    for graph, marks in ((LEXICAL, lexical), (VALIDITY, validity)):
        if marks:
            store.bulk_load("".join(f"{nt(s)} <{DIRTY}> {nt(p)} .\n" for s, p in marks).encode("utf-8"),
                            format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(graph))


def _file_marks(data: OxData) -> Marks:
    """Marks of data parsed from files: the pairs :func:`.oxview.load_files` kept the file's literals of."""
    lexical: set[tuple[Any, Any]] = set()
    validity: set[tuple[Any, Any]] = set()
    for (s, p), lits in data.originals.items():
        for lit in lits:
            _marks_of(s, p, str(lit), str(lit.datatype), lexical, validity)
    _store_marks(data.ox, lexical, validity, lambda t: t.n3())
    return Marks(lexical, validity, graphs=True)


def _store_validity_marks(data: OxData, preds: set[str]) -> Marks:
    """Marks of a user's store: its lexical forms are the reference (no lexical marks); the datatype test is
    unknown for a stored typed literal rdflib may read as ill-typed. Only the predicates a datatype test looks at
    are scanned."""
    validity: set[tuple[Any, Any]] = set()
    lexical: set[tuple[Any, Any]] = set()
    args = data.query_args()
    for p in sorted(preds):
        q = (f"SELECT ?s ?o WHERE {{ ?s <{p}> ?o FILTER (isLiteral(?o) && datatype(?o) != <{XSD.string}> "
             f"&& datatype(?o) != <{RDF.langString}>) }}")
        for row in data.ox.query(q, **args):  # type: ignore[union-attr]
            o = row[1]
            _marks_of(_from_ox(row[0]), URIRef(p), o.value, o.datatype.value, lexical, validity)
    return Marks(set(), validity, graphs=False)


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
        return term_sparql(t)
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


#: Constraint parameters of a property shape that a node without values on the path satisfies, besides the ones
#: decided below (sh:minCount, sh:qualifiedMinCount, sh:hasValue).
_HOLDS_WITHOUT_VALUES = {
    SH.maxCount, SH.datatype, SH.nodeKind, SH["class"], SH["in"], SH.pattern, SH.flags, SH.minLength,
    SH.maxLength, SH.minInclusive, SH.maxInclusive, SH.minExclusive, SH.maxExclusive, SH.node, SH["not"],
    SH["and"], SH["or"], SH.xone, SH.lessThan, SH.lessThanOrEquals, SH.disjoint, SH.languageIn, SH.uniqueLang,
    SH.qualifiedValueShape, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint}


def path_predicates(g: Graph) -> set[URIRef]:
    """The predicates the shapes' paths name directly (IRIs and alternatives of IRIs)."""
    out: set[URIRef] = set()
    for p in g.objects(None, SH.path):
        if isinstance(p, URIRef):
            out.add(p)
    for alt in g.objects(None, SH.alternativePath):
        try:
            out.update(x for x in _items(g, alt) if isinstance(x, URIRef))
        except _Unknown:
            pass
    return out


class _Compiler:
    def __init__(self, g: Graph, absent: frozenset[URIRef] = frozenset()) -> None:
        self.g = g
        self.n = 0
        #: Predicates the data has no triple of: a property shape on them is decided at compile time.
        self.absent = absent

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
        kind = ("validity" if pred == SH.datatype and o in _CASTABLE else
                "lexical" if pred in (SH.pattern, SH.minLength, SH.maxLength, SH["in"], SH.languageIn) else None)
        if pred == SH.nodeKind:
            if o not in _NODE_KINDS:
                raise _Unknown
            test = _NODE_KINDS[o].format(v=v)
        elif pred == SH["class"]:
            test = f"EXISTS {{ {v} {_TYPE} {_term(o)} }}"
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
            d = dirty.replace("{kind}", kind)
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
        if direct is not None and self.absent.issuperset(direct):
            decided = self._without_values(ps, top)
            if decided is not None:
                return decided
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

    def _without_values(self, ps: Any, top: bool) -> str | None:
        """Whether a node with no value on the path of ``ps`` conforms to it (``true``/``false``), or None when
        some parameter needs more than that."""
        g = self.g
        result = "true"
        for pred in set(g.predicates(ps, None)) - _META - {SH.path}:
            if pred == SH.sparql:
                if not top:
                    return None
                continue  # its own query
            for o in g.objects(ps, pred):
                n = o.value if isinstance(o, Literal) else None
                if pred in (SH.minCount, SH.qualifiedMinCount):
                    if not isinstance(n, int):
                        return None
                    if n > 0:
                        result = "false"
                elif pred == SH.hasValue:
                    result = "false"
                elif pred not in _HOLDS_WITHOUT_VALUES:
                    return None
        return result

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
        if not direct:
            return "false"
        return f"\x00{{kind}}|{x}|{' '.join(str(p) for p in direct)}\x00"

    # -- targets and SPARQL-based constraints -----------------------------------------------------------------

    def targets(self, shape: Any) -> list[str]:
        """Graph patterns binding ``?this`` to the targets of a shape (a union of them)."""
        g = self.g
        out = []
        for c in g.objects(shape, SH.targetClass):
            out.append(f"?this {_TYPE} {_term(c)} .")
        if (shape, RDF.type, RDFS.Class) in g:
            out.append(f"?this {_TYPE} {_term(shape)} .")
        for n in g.objects(shape, SH.targetNode):
            out.append(f"VALUES ?this {{ {_term(n)} }}")
        for p in g.objects(shape, SH.targetSubjectsOf):
            out.append(f"?this {_term(p)} ?anyTarget .")
        if list(g.objects(shape, SH.targetObjectsOf)) or list(g.objects(shape, SH.target)):
            raise Unsupported("sh:targetObjectsOf and SHACL-AF targets")
        return out

    def sparql_parts(self, shape: Any) -> list[tuple[str, str] | Cycle]:
        """``SELECT ?this`` queries (``$this`` free) of the SPARQL-based constraints of a shape and its
        property shapes."""
        g = self.g
        out: list[tuple[str, str] | Cycle] = []
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
                cycle = self._cycle(c, _body(q))
                out.append(cycle if cycle is not None else (self._prefixes(c), _body(q)))
        return out

    def _cycle(self, c: Any, body: str) -> Cycle | None:
        """The cycle rule ``$this P ?value . ?value P* $this`` (P one IRI), or None for any other query."""
        m = _CYCLE.match(body)
        if m is None:
            return None
        first, star = m.group(1), m.group(2)
        prefixes = {str(self.g.value(d, SH.prefix)): str(self.g.value(d, SH.namespace))
                    for holder in self.g.objects(c, SH.prefixes) for d in self.g.objects(holder, SH.declare)}

        def iri(t: str) -> str | None:
            if t.startswith("<") and t.endswith(">"):
                return t[1:-1]
            pre, colon, local = t.partition(":")
            if colon and pre in prefixes and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", local):
                return prefixes[pre] + local
            return None

        p1, p2 = iri(first), iri(star)
        return Cycle(p1) if p1 is not None and p1 == p2 else None

    def _prefixes(self, c: Any) -> str:
        g = self.g
        lines = []
        for holder in g.objects(c, SH.prefixes):
            for d in g.objects(holder, SH.declare):
                p, ns = g.value(d, SH.prefix), g.value(d, SH.namespace)
                if p is not None and ns is not None:
                    lines.append(f"PREFIX {p}: <{ns}>")
        return "\n".join(lines) + "\n"


#: Stands for ``rdf:type/rdfs:subClassOf*`` in compiled queries: plain ``rdf:type`` (an index lookup instead of a
#: path) when the data has no ``rdfs:subClassOf`` triple.
_TYPE = "\x00type\x00"
_TYPE_PATH = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
_DIRTY_TOKEN = re.compile(r"\x00(lexical|validity)\|([^|]*)\|([^\x00]*)\x00")


_CYCLE = re.compile(r"\s*SELECT\s+(?:DISTINCT\s+)?\?this\s+\?value\s+WHERE\s*\{\s*\?this\s+(\S+)\s+\?value\s*\.\s*"
                    r"\?value\s+(\S+)\*\s+\?this\s*\.?\s*\}\s*$")


class Cycle:
    """A SPARQL-based constraint that is the cycle rule over one predicate: its candidates are the nodes with an
    edge inside a strongly connected component of that predicate's graph (:func:`cyclic_subjects`), found by one
    pass over the edges instead of a path query per edge."""

    def __init__(self, predicate: str) -> None:
        self.predicate = predicate


def cyclic_subjects(edges: Iterable[tuple[Any, Any]]) -> set[Any]:
    """The subjects ``s`` of edges ``(s, o)`` where ``o`` reaches ``s`` (``o`` is ``s``, or both are in one strongly
    connected component): exactly the nodes ``$this P ?value . ?value P* $this`` binds.

    Nodes that reach no cycle are trimmed first (repeatedly dropping nodes without a successor: lineage is
    nearly always acyclic, so nothing is left), then Tarjan's algorithm (iterative) runs on what remains.
    """
    ids: dict[Any, int] = {}
    names: list[Any] = []
    src: list[int] = []
    dst: list[int] = []
    for s, o in edges:
        i = ids.get(s)
        if i is None:
            i = ids[s] = len(names)
            names.append(s)
        j = ids.get(o)
        if j is None:
            j = ids[o] = len(names)
            names.append(o)
        src.append(i)
        dst.append(j)
    n = len(names)
    succ: list[list[int]] = [[] for _ in range(n)]
    pred: list[list[int]] = [[] for _ in range(n)]
    out_deg = [0] * n
    for i, j in zip(src, dst):
        succ[i].append(j)
        pred[j].append(i)
        out_deg[i] += 1
    alive = [True] * n
    todo = [i for i in range(n) if out_deg[i] == 0]
    while todo:
        v = todo.pop()
        alive[v] = False
        for u in pred[v]:
            out_deg[u] -= 1
            if out_deg[u] == 0:
                todo.append(u)
    index = [-1] * n
    low = [0] * n
    comp = [-1] * n
    on = [False] * n
    stack: list[int] = []
    counter = 0
    for root in range(n):
        if not alive[root] or index[root] >= 0:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on[root] = True
        work = [(root, iter(succ[root]))]
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if not alive[w]:
                    continue
                if index[w] < 0:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on[w] = True
                    work.append((w, iter(succ[w])))
                    advanced = True
                    break
                if on[w] and index[w] < low[v]:
                    low[v] = index[w]
            if advanced:
                continue
            work.pop()
            if work and low[v] < low[work[-1][0]]:
                low[work[-1][0]] = low[v]
            if low[v] == index[v]:
                while True:
                    w = stack.pop()
                    on[w] = False
                    comp[w] = index[v]
                    if w == v:
                        break
    return {names[i] for i, j in zip(src, dst) if alive[i] and (i == j or (comp[i] >= 0 and comp[i] == comp[j]))}


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
    """Per top-level shape: its node, the candidate queries (templates: see :meth:`queries`)."""

    def __init__(self, shapes: Shapes, top: list[Any], absent: frozenset[URIRef] = frozenset()) -> None:
        comp = _Compiler(shapes.graph, absent)
        self.templates: list[tuple[Any, str, list[str | Cycle]]] = []
        for shape in top:
            targets = comp.targets(shape)
            if not targets:
                continue
            union = " UNION ".join(f"{{ {t} }}" for t in targets)
            qs: list[str | Cycle] = []
            if (shape, SH.deactivated, Literal(True)) in shapes.graph:
                continue
            cond = comp.conforms(shape, "?this", True, top=True)
            if cond != "true":
                qs.append(f"SELECT DISTINCT ?this WHERE {{ {union} FILTER (!({cond})) }}")
            for part in comp.sparql_parts(shape):
                if isinstance(part, Cycle):
                    qs.append(part)
                else:
                    prologue, body = part
                    qs.append(f"{prologue}SELECT DISTINCT ?this WHERE {{ {union} {{ {body} }} }}")
            self.templates.append((shape, union, qs))
        #: The predicates whose values a datatype test looks at (the only ones a store's marks are needed for).
        self.validity_predicates = {p for _s, _u, qs in self.templates for q in qs if isinstance(q, str)
                                    for m in _DIRTY_TOKEN.finditer(q) if m.group(1) == "validity"
                                    for p in m.group(3).split()}

    def queries(self, marks: Marks, subclasses: bool) -> list[tuple[Any, str, list[str | Cycle]]]:
        """The candidate queries for some data: its marks substituted, and ``rdf:type`` for the class tests when
        the data has no ``rdfs:subClassOf`` triple (``subclasses`` False)."""
        out = []
        for shape, union, qs in self.templates:
            done: list[str | Cycle] = []
            for q in qs:
                if isinstance(q, str):
                    q = _DIRTY_TOKEN.sub(lambda m: marks.test(m.group(1), m.group(2), m.group(3).split()), q)
                    q = q.replace(_TYPE, _TYPE_PATH if subclasses else f"<{RDF.type}>")
                done.append(q)
            out.append((shape, union.replace(_TYPE, _TYPE_PATH if subclasses else f"<{RDF.type}>"), done))
        return out


def compile_shapes(shapes: Shapes, top: list[Any], absent: frozenset[URIRef] = frozenset()) -> Compiled:
    """The candidate queries of the top-level shapes ``top`` for data without triples of the ``absent``
    predicates (cached per shapes and absent set by the engine)."""
    return Compiled(shapes, top, absent)


class OxigraphEngine:
    """Candidates from SPARQL on pyoxigraph, checked by pySHACL's shapes (``pyshacl-focus``).

    ``run`` takes an rdflib graph (copied into a new store) or an :class:`~.oxview.OxData` (data already in
    pyoxigraph: a user's store, or files parsed straight into one), which pySHACL then reads through
    :class:`~.oxview.OxigraphGraph` without a copy.
    """

    name = "oxigraph"

    def __init__(self) -> None:
        self.checker = FocusPyShaclEngine()

    def compiled(self, shapes: Shapes, data: OxData | None = None) -> Compiled:
        """The compiled shapes; for ``data``, with the property shapes on predicates it has no triple of
        decided at compile time."""
        parsed = self.checker.parsed(shapes)
        absent: frozenset[URIRef] = frozenset()
        if data is not None:
            with shapes.lock:
                preds = shapes.cache.get(f"{self.name}:paths")
            if preds is None:
                preds = sorted(path_predicates(shapes.graph))
                with shapes.lock:
                    shapes.cache[f"{self.name}:paths"] = preds
            args = data.query_args()
            absent = frozenset(p for p in preds if not data.ox.query(f"ASK {{ ?s <{p}> ?o }}", **args))
        key = f"{self.name}:" + " ".join(sorted(absent))
        with shapes.lock:
            c = shapes.cache.get(key)
        if c is None:
            c = compile_shapes(shapes, [s.node for s, _t in parsed.index], absent)
            with shapes.lock:
                shapes.cache[key] = c
        return c

    def candidates(self, data: OxData, compiled: Compiled, marks: Marks) -> list[tuple[Any, list[Any]]]:
        store, args = data.ox, data.query_args()
        subclasses = bool(store.query(f"ASK {{ ?a <{RDFS.subClassOf}> ?b }}", **args))
        edges: dict[str, set[Any]] = {}
        work = []
        for shape, union, queries in compiled.queries(marks, subclasses):
            found: set[Any] = set()
            for q in queries:
                if isinstance(q, Cycle):
                    found |= self._cyclic(data, q.predicate, union, edges)
                    continue
                try:
                    rows = store.query(q, **args)
                except SyntaxError as e:
                    raise Unsupported(f"pyoxigraph cannot run the query for {shape}: {e}") from None
                for row in rows:  # type: ignore[union-attr]
                    found.add(_from_ox(row[0]))
            work.append((shape, sorted(found, key=str)))
        return work

    def _cyclic(self, data: OxData, predicate: str, union: str, cache: dict[str, set[Any]]) -> set[Any]:
        """The targets (``union``) that the cycle rule over ``predicate`` may report."""
        args = data.query_args()
        cyc = cache.get(predicate)
        if cyc is None:
            rows = data.ox.query(f"SELECT ?s ?o WHERE {{ ?s <{predicate}> ?o }}", **args)
            cyc = cache[predicate] = cyclic_subjects((r[0], r[1]) for r in rows)  # type: ignore[union-attr]
        if not cyc:
            return set()
        nodes = [t for t in cyc if isinstance(t, ox.NamedNode)]
        if len(nodes) == len(cyc) and len(nodes) <= 1000:
            values = " ".join(str(t) for t in nodes)
            q = f"SELECT DISTINCT ?this WHERE {{ VALUES ?this {{ {values} }} {union} }}"
            return {_from_ox(r[0]) for r in data.ox.query(q, **args)}  # type: ignore[union-attr]
        targets = data.ox.query(f"SELECT DISTINCT ?this WHERE {{ {union} }}", **args)
        return {_from_ox(r[0]) for r in targets if r[0] in cyc}  # type: ignore[union-attr]

    def run(self, data: Graph | OxData, shapes: Shapes, *, focus: set[URIRef] | None = None,
            inference: bool = False) -> Graph:
        if inference:
            raise Unsupported("RDFS inference runs in pySHACL's public validate()")
        if focus is not None:
            raise Unsupported("focus validation runs in pyshacl-focus")
        if isinstance(data, OxData):
            ox_data = data
            compiled = self.compiled(shapes, ox_data)
            marks = (_store_validity_marks(ox_data, compiled.validity_predicates) if ox_data.canonical
                     else _file_marks(ox_data))
            view = ox_data.graph()
        else:
            store, marks = to_oxigraph(data)
            ox_data, view = OxData(store, graphs=[ox.DefaultGraph()]), data
            compiled = self.compiled(shapes, ox_data)
        work = self.candidates(ox_data, compiled, marks)
        return self.checker.check(view, shapes, work)


def _from_ox(t: Any) -> Any:
    if isinstance(t, ox.NamedNode):
        return URIRef(t.value)
    if isinstance(t, ox.BlankNode):
        return BNode(t.value)
    raise Unsupported(f"a literal focus node ({t})")
