"""Entities to RDF: the compiled fast path, and the JSON-LD document the reference engine (pyld) expands.

Both are driven by the same field specs and the same lexical forms, so they produce the same graph; a
property-based test checks that they do.
"""

from __future__ import annotations

import json as _json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, assert_never

from c14n.Canonicalize import canonicalize
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from ..model.base import (
    REGISTRY,
    Entity,
    FieldKind,
    FieldSpec,
    OntologyEnum,
    Ref,
    expand_iri,
    follow_renames,
    iter_fields,
    lexical,
    typed_datatype,
)
from ..namespaces import PREFIXES
from ..vocab import MLKG as V
from .closure import add_super_properties, super_properties
from .context import CONTEXT_URL

Triple = tuple[URIRef, URIRef, Any]

_XSD = {dt: URIRef(str(XSD) + dt) for dt in
        ("string", "anyURI", "dateTime", "date", "double", "integer", "boolean", "decimal")}
_XSD["float"] = _XSD["decimal"]  # Python floats measured by a platform: exact decimals
RDF_JSON = URIRef(str(RDF) + "JSON")


def class_iri(cls: type[Entity] | str) -> URIRef:
    """The ontology class of an entity class (or of a class local name), a term of :class:`mlkg.vocab.MLKG`."""
    return V[cls if isinstance(cls, str) else cls.CLASS]


#: The fields a reference writes about its target (:class:`Ref`'s field specs): attribute, property, datatype.
REF_STUB: tuple[tuple[str, URIRef, str], ...] = tuple(
    (f.name, spec.term, spec.datatype) for f, spec in iter_fields(Ref))


def _lit(lex: str, dt: str) -> Literal:
    # xsd:string literals are plain literals (RDF 1.1), which is how rdflib and pyld both read them.
    return Literal(lex) if dt == "string" else Literal(lex, datatype=_XSD[dt])


def json_literal(value: Any) -> Literal:
    """An rdf:JSON literal in the canonical form JSON-LD processors write (JCS)."""
    return Literal(canonicalize(value).decode("utf-8"), datatype=RDF_JSON)


# ---------------------------------------------------------------------------------------------------------------
# Fast path
# ---------------------------------------------------------------------------------------------------------------

def ref_triples(r: Ref, base: str | None) -> tuple[URIRef, list[Triple]]:
    """The IRI of a reference and the few triples that say what it points to (type, FQN, name, ...)."""
    key = (r, r.name, r.display_name, r.description, r.deleted, r.href, base)
    hit = _REF_CACHE.get(key)
    if hit is None:
        if len(_REF_CACHE) > 65536:
            _REF_CACHE.clear()
        hit = _REF_CACHE[key] = _ref_triples(r, base)
    return hit


_REF_CACHE: dict[Any, tuple[URIRef, list[Triple]]] = {}


def _ref_triples(r: Ref, base: str | None) -> tuple[URIRef, list[Triple]]:
    node = URIRef(r.iri(base=base))
    out: list[Triple] = [(node, RDF.type, class_iri(REGISTRY[r.type]))]
    for attr, prop, dt in REF_STUB:
        v = getattr(r, attr)
        if v is not None:
            out.append((node, prop, _lit(lexical(v, dt), dt)))
    return node, out


class _Terms:
    """How the one emitter (:func:`_emit`) writes terms and triples: as rdflib terms and tuples (:data:`_RDFLIB`,
    for :func:`to_graph`) or as N-Triples text (:data:`_NT`, for :func:`ntriples_lines` and a store's bulk
    loader). One field-kind switch drives both, so the graph and the text cannot drift apart."""

    def __init__(self) -> None:
        self.compiled: dict[type, _Compiled] = {}
        self.enums: dict[Any, Any] = {}

    def node(self, iri: str) -> Any:
        """An IRI as a subject or object."""
        raise NotImplementedError

    def pred(self, p: URIRef) -> Any:
        """A predicate (compiled once per class)."""
        raise NotImplementedError

    def string(self, text: str) -> Any:
        """A plain (xsd:string) literal."""
        raise NotImplementedError

    def lit(self, lex: str, dt: str) -> Any:
        """A literal of one of :data:`_XSD`'s datatypes (a plain literal for ``string``)."""
        raise NotImplementedError

    def json(self, value: Any) -> Any:
        """An rdf:JSON literal (:func:`json_literal`)."""
        raise NotImplementedError

    def ref(self, r: Ref, base: str | None) -> tuple[Any, list[Any]]:
        """A reference's IRI and its stub triples (:func:`ref_triples`)."""
        raise NotImplementedError

    def triple(self, s: Any, p: Any, o: Any) -> Any:
        raise NotImplementedError

    def enum(self, v: OntologyEnum) -> Any:
        o = self.enums.get(v)
        if o is None:
            o = self.enums[v] = self.node(str(V[v.iri_name]))
        return o

    def compile(self, cls: type[Entity]) -> _Compiled:
        c = self.compiled.get(cls)
        if c is None:
            c = self.compiled[cls] = _Compiled(cls, self)
        return c


class _RdflibTerms(_Terms):
    node = staticmethod(URIRef)  # type: ignore[assignment]
    string = staticmethod(Literal)  # type: ignore[assignment]
    lit = staticmethod(_lit)
    json = staticmethod(json_literal)
    ref = staticmethod(ref_triples)

    def pred(self, p: URIRef) -> URIRef:
        return p

    def triple(self, s: Any, p: Any, o: Any) -> Triple:
        return (s, p, o)


def _nt_escape(text: str) -> str:
    if "\\" not in text and '"' not in text and "\n" not in text and "\r" not in text:
        return text
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r"))


_NT_XSD = {dt: f"^^<{iri}>" for dt, iri in _XSD.items()}
_XSD_STRING = str(XSD.string)


def _nt_lit(lex: str, dt: str) -> str:
    return '"' + _nt_escape(lex) + '"' + ("" if dt == "string" else _NT_XSD[dt])


def nt_term(t: Any) -> str:
    """An rdflib term (IRI, literal, blank node) in N-Triples syntax; an xsd:string literal is written plain."""
    if isinstance(t, URIRef):
        return f"<{t}>"
    if isinstance(t, Literal):
        body = '"' + _nt_escape(str(t)) + '"'
        if t.language:
            return f"{body}@{t.language}"
        if t.datatype is not None and str(t.datatype) != _XSD_STRING:
            return f"{body}^^<{t.datatype}>"
        return body
    if isinstance(t, BNode):
        return f"_:{t}"
    raise TypeError(f"cannot write {t!r} as N-Triples")


class _NTTerms(_Terms):
    def __init__(self) -> None:
        super().__init__()
        self.refs: dict[Any, tuple[str, list[str]]] = {}

    def node(self, iri: str) -> str:
        return "<" + iri + ">"

    def pred(self, p: URIRef) -> str:
        return f" <{p}> "

    def string(self, text: str) -> str:
        return '"' + _nt_escape(text) + '"'

    lit = staticmethod(_nt_lit)

    def json(self, value: Any) -> str:
        return nt_term(json_literal(value))

    def ref(self, r: Ref, base: str | None) -> tuple[str, list[str]]:
        key = (r, r.name, r.display_name, r.description, r.deleted, r.href, base)
        hit = self.refs.get(key)
        if hit is None:
            if len(self.refs) > 65536:
                self.refs.clear()
            node, triples = ref_triples(r, base)
            hit = self.refs[key] = (f"<{node}>", [f"<{s}> <{p}> {nt_term(o)} .\n" for s, p, o in triples])
        return hit

    def triple(self, s: Any, p: Any, o: Any) -> str:
        return s + p + o + " .\n"


class _Compiled:
    """Per-class emitters, built once per class and writer (the "compiled" part of the fast path)."""

    def __init__(self, cls: type[Entity], terms: _Terms) -> None:
        self.type_p = terms.pred(RDF.type)
        self.type_o = terms.node(str(class_iri(cls)))
        self.fields: list[tuple[str, FieldSpec, Any, Any]] = [
            (f.name, spec, terms.pred(spec.term), None if spec.text_term is None else terms.pred(spec.text_term))
            for f, spec in iter_fields(cls)]


_RDFLIB = _RdflibTerms()
_NT = _NTTerms()


def entity_triples(e: Entity, *, base: str | None = None) -> Iterator[Triple]:
    """Every triple of ``e`` and of the nodes it owns."""
    out: list[Triple] = []
    _emit(e, base, out.append, _RDFLIB)
    return iter(out)


def _emit(e: Entity, base: str | None, add: Callable[[Any], None], terms: _Terms) -> Any:
    """Write ``e``'s triples (and those of the nodes it owns) through ``add`` in ``terms``' form; returns its
    subject."""
    comp = terms.compile(type(e))
    triple = terms.triple
    s = terms.node(e.iri(base=base))
    add(triple(s, comp.type_p, comp.type_o))
    for attr, spec, p, text_p in comp.fields:
        val = getattr(e, attr)
        if val is None:
            continue
        if spec.many:
            if not val:
                continue
            values = val
        else:
            values = (val,)
        kind = spec.kind
        rev = spec.reverse
        for v in values:
            if kind is FieldKind.LITERAL:
                dt = spec.datatype
                o = terms.string(v) if dt == "string" else terms.lit(lexical(v, dt), dt)
            elif kind is FieldKind.CHILD:
                o = _emit(v, base, add, terms)
            elif kind is FieldKind.REF:
                o, stub = terms.ref(v, base)
                for t in stub:
                    add(t)
            elif kind is FieldKind.ENUM:
                o = terms.enum(v)
            elif kind is FieldKind.TYPED:
                dt = typed_datatype(v, exact=text_p is None)
                lex = lexical(v, dt)
                o = terms.lit(lex, dt)
                if text_p is not None:
                    txt = getattr(e, attr + "_text", None)
                    # kept whenever the value is not a plain string: serializers may rewrite numeric lexical
                    # forms (Turtle writes 0.5 as 5e-01), and the platform's text must survive
                    if txt is not None and (txt != lex or dt != "string"):
                        add(triple(s, text_p, terms.string(txt)))
            elif kind is FieldKind.IRI:
                o = terms.node(str(expand_iri(v, spec)))
            elif kind is FieldKind.JSON:
                o = terms.json(v)
            else:
                assert_never(kind)
            add(triple(o, p, s) if rev else triple(s, p, o))
    return s


def to_graph(entities: Iterable[Entity] | Entity, *, base: str | None = None, graph: Graph | None = None,
             lineage: bool = True) -> Graph:
    """Build an rdflib graph from entities (the fast path).

    With ``lineage=True`` (the default) the PROV-O / DCAT super-property triples the ontology declares are
    written as well, so plain SPARQL on any engine follows lineage without a reasoner.

    >>> from mlkg.model import MLModel
    >>> g = to_graph(MLModel(name="churn", algorithm="XGBoost"), base="https://example.org/")
    >>> len(g) > 0
    True
    """
    g = graph if graph is not None else new_graph()
    if isinstance(entities, Entity):
        entities = [entities]
    entities = follow_renames(entities)  # references by FQN to a renamed entity follow it (mlkg.model.base)
    add = g.add
    for e in entities:
        for t in entity_triples(e, base=base):
            add(t)
    if lineage:
        add_super_properties(g)
    return g


def ntriples_lines(entities: Iterable[Entity], *, base: str | None = None) -> list[str]:
    """The fast path's triples as N-Triples lines (duplicates possible; no lineage super-properties).

    This is the engine's raw output: the cheapest form to hand to a bulk loader (pyoxigraph, a triple store).
    """
    out: list[str] = []
    for e in follow_renames(entities):  # references by FQN to a renamed entity follow it (mlkg.model.base)
        _emit(e, base, out.append, _NT)
    return out


def ntriples_bytes(entities: Iterable[Entity], *, base: str | None = None, lineage: bool = True) -> bytes:
    """The fast path's triples as one N-Triples document for a store's bulk loader (the store keeps a set, so the
    emitter's duplicates cost nothing), with the lineage super-property triples when ``lineage``: the same triples
    as :func:`to_graph`, without rdflib's ``Graph.add``."""
    lines = ntriples_lines(entities, base=base)
    if lineage:
        sup = {f"<{p}>": [f"<{q}>" for q in qs] for p, qs in super_properties().items()}
        extra: list[str] = []
        for line in lines:
            s, p, rest = line.split(" ", 2)  # "<s> <p> object .\n": subjects and predicates are IRIs
            qs = sup.get(p)
            if qs:
                extra.extend(f"{s} {q} {rest}" for q in qs)
        lines += extra
    return "".join(lines).encode("utf-8")


def to_ntriples(entities: Iterable[Entity], out: Any, *, base: str | None = None) -> int:
    """Stream the fast path's triples as N-Triples to a text file object, without building a graph.

    Returns the number of lines written (duplicates included); lineage super-properties are not added here.
    """
    n = 0
    for e in entities:
        lines = ntriples_lines([e], base=base)
        out.write("".join(lines))
        n += len(lines)
    return n


def new_graph() -> Graph:
    g = Graph()
    for p, ns in PREFIXES.items():
        g.bind(p, ns, override=True)
    return g


# ---------------------------------------------------------------------------------------------------------------
# JSON-LD document (the input of the reference engine, and mlkg's JSON-LD export of entities)
# ---------------------------------------------------------------------------------------------------------------

#: The JSON-LD keys of a reference's fields (:class:`Ref`'s field specs), FQN first.
_STUB_JSON = tuple(sorted(((f.name, spec.json) for f, spec in iter_fields(Ref)),
                          key=lambda a: a[1] != "fullyQualifiedName"))


def ref_node(r: Ref, base: str | None) -> dict[str, Any]:
    node: dict[str, Any] = {"@id": r.iri(base=base), "type": REGISTRY[r.type].CLASS}
    for attr, key in _STUB_JSON:
        v = getattr(r, attr)
        if v is not None:
            node[key] = v
    return node


def entity_node(e: Entity, *, base: str | None = None) -> dict[str, Any]:
    """``e`` as a JSON-LD node object for mlkg's context (ids and types filled in, children embedded)."""
    node: dict[str, Any] = {"@id": e.iri(base=base), "type": e.CLASS}
    for f, spec in iter_fields(type(e)):
        val = getattr(e, f.name)
        if val is None or (spec.many and not val):
            continue
        kind = spec.kind
        if kind is FieldKind.TYPED and spec.text_term is not None:
            txt = getattr(e, f.name + "_text", None)
            dt0 = typed_datatype(val)  # texts only exist for hyperparameters (doubles)
            if txt is not None and (txt != lexical(val, dt0) or dt0 != "string"):
                node[spec.text_prop] = txt
        node[spec.json] = ([_node_value(v, spec, base) for v in val] if spec.many
                           else _node_value(val, spec, base))
    return node


def _node_value(v: Any, spec: FieldSpec, base: str | None) -> Any:
    """One field value as JSON-LD under mlkg's context."""
    kind = spec.kind
    if kind is FieldKind.LITERAL:
        return v if spec.datatype == "boolean" else lexical(v, spec.datatype)
    if kind is FieldKind.TYPED:
        dt = typed_datatype(v, exact=spec.text_term is None)
        if dt == "string":
            return v
        return {"@value": lexical(v, dt), "@type": "xsd:" + ("decimal" if dt == "float" else dt)}
    if kind is FieldKind.ENUM:
        return v.value
    if kind is FieldKind.REF:
        return ref_node(v, base)
    if kind is FieldKind.CHILD:
        return entity_node(v, base=base)
    if kind is FieldKind.IRI:
        return expand_iri(v, spec)
    if kind is FieldKind.JSON:
        return v
    assert_never(kind)


def to_jsonld(entities: Iterable[Entity] | Entity, *, base: str | None = None,
              context: Any = None) -> dict[str, Any]:
    """Entities as one JSON-LD document with mlkg's context (``@graph`` of embedded trees)."""
    if isinstance(entities, Entity):
        entities = [entities]
    nodes = [entity_node(e, base=base) for e in entities]
    return {"@context": context if context is not None else CONTEXT_URL, "@graph": nodes}


def dumps(doc: Any) -> str:
    return _json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False)
