"""Entities to RDF: the compiled fast path, and the JSON-LD document the reference engine (pyld) expands.

Both are driven by the same field specs and the same lexical forms, so they produce the same graph; a
property-based test checks that they do.
"""

from __future__ import annotations

import json as _json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, assert_never

from c14n.Canonicalize import canonicalize
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from ..model.base import (
    REGISTRY,
    Entity,
    FieldKind,
    FieldSpec,
    Ref,
    expand_iri,
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


class _Compiled:
    """Per-class emitters, built once per class (the "compiled" part of the fast path)."""

    def __init__(self, cls: type[Entity]) -> None:
        self.type_iri = class_iri(cls)
        self.fields: list[tuple[str, FieldSpec, URIRef, URIRef | None]] = []
        for f, spec in iter_fields(cls):
            self.fields.append((f.name, spec, spec.term, spec.text_term))


_COMPILED: dict[type, _Compiled] = {}


def _compiled(cls: type[Entity]) -> _Compiled:
    c = _COMPILED.get(cls)
    if c is None:
        c = _COMPILED[cls] = _Compiled(cls)
    return c


def entity_triples(e: Entity, *, base: str | None = None) -> Iterator[Triple]:
    """Every triple of ``e`` and of the nodes it owns."""
    out: list[Triple] = []
    _emit(e, base, out.append)
    return iter(out)


_STR_LIT: dict[str, Literal] = {}


def _emit(e: Entity, base: str | None, add: Callable[[Triple], None]) -> URIRef:
    comp = _compiled(type(e))
    s = URIRef(e.iri(base=base))
    add((s, RDF.type, comp.type_iri))
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
                if dt == "string":
                    o: Any = Literal(v)
                else:
                    o = Literal(lexical(v, dt), datatype=_XSD[dt])
            elif kind is FieldKind.CHILD:
                o = _emit(v, base, add)
            elif kind is FieldKind.REF:
                o, stub = ref_triples(v, base)
                for t in stub:
                    add(t)
            elif kind is FieldKind.ENUM:
                o = _ENUM_IRI.get(v)
                if o is None:
                    o = _ENUM_IRI[v] = V[v.iri_name]
            elif kind is FieldKind.TYPED:
                dt = typed_datatype(v, exact=text_p is None)
                lex = lexical(v, dt)
                o = _lit(lex, dt)
                if text_p is not None:
                    txt = getattr(e, attr + "_text", None)
                    # kept whenever the value is not a plain string: serializers may rewrite numeric lexical
                    # forms (Turtle writes 0.5 as 5e-01), and the platform's text must survive
                    if txt is not None and (txt != lex or dt != "string"):
                        add((s, text_p, Literal(txt)))
            elif kind is FieldKind.IRI:
                o = URIRef(expand_iri(v, spec))
            elif kind is FieldKind.JSON:
                o = json_literal(v)
            else:
                assert_never(kind)
            if rev:
                add((o, p, s))
            else:
                add((s, p, o))
    return s


_ENUM_IRI: dict[Any, URIRef] = {}


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
    add = g.add
    for e in entities:
        for t in entity_triples(e, base=base):
            add(t)
    if lineage:
        add_super_properties(g)
    return g


def _nt_escape(text: str) -> str:
    if "\\" not in text and '"' not in text and "\n" not in text and "\r" not in text:
        return text
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r"))


_NT_XSD = {dt: f"^^<{iri}>" for dt, iri in _XSD.items()}


def _nt_lit(lex: str, dt: str) -> str:
    return '"' + _nt_escape(lex) + '"' + ("" if dt == "string" else _NT_XSD[dt])


def _nt_term(t: Any) -> str:
    if isinstance(t, Literal):
        body = '"' + _nt_escape(str(t)) + '"'
        return body + (f"^^<{t.datatype}>" if t.datatype is not None else "")
    return f"<{t}>"


_NT_REF_CACHE: dict[Any, tuple[str, list[str]]] = {}


def _nt_ref(r: Ref, base: str | None) -> tuple[str, list[str]]:
    key = (r, r.name, r.display_name, r.description, r.deleted, r.href, base)
    hit = _NT_REF_CACHE.get(key)
    if hit is None:
        if len(_NT_REF_CACHE) > 65536:
            _NT_REF_CACHE.clear()
        node, triples = ref_triples(r, base)
        hit = _NT_REF_CACHE[key] = (f"<{node}>", [f"<{s}> <{p}> {_nt_term(o)} .\n" for s, p, o in triples])
    return hit


class _CompiledNT:
    def __init__(self, cls: type[Entity]) -> None:
        self.type_line = f" <{RDF.type}> <{class_iri(cls)}> .\n"
        self.fields = [(attr, spec, f"<{p}>", f" <{p}> ", f"<{t}>" if t is not None else None)
                       for attr, spec, p, t in _compiled(cls).fields]


_COMPILED_NT: dict[type, _CompiledNT] = {}
_ENUM_NT: dict[Any, str] = {}


def _emit_nt(e: Entity, base: str | None, add: Callable[[str], None]) -> str:
    comp = _COMPILED_NT.get(type(e))
    if comp is None:
        comp = _COMPILED_NT[type(e)] = _CompiledNT(type(e))
    s = "<" + e.iri(base=base) + ">"
    add(s + comp.type_line)
    for attr, spec, _p, sp, text_p in comp.fields:
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
        for v in values:
            if kind is FieldKind.LITERAL:
                dt = spec.datatype
                o = _nt_lit(v if dt == "string" else lexical(v, dt), dt)
            elif kind is FieldKind.CHILD:
                o = _emit_nt(v, base, add)
            elif kind is FieldKind.REF:
                o, stub = _nt_ref(v, base)
                for line in stub:
                    add(line)
            elif kind is FieldKind.ENUM:
                enum_nt = _ENUM_NT.get(v)
                if enum_nt is None:  # an f-string: "<" + URIRef would build a URIRef (and rdflib warn it is no IRI)
                    enum_nt = _ENUM_NT[v] = f"<{V[v.iri_name]}>"
                o = enum_nt
            elif kind is FieldKind.TYPED:
                dt = typed_datatype(v, exact=text_p is None)
                lex = lexical(v, dt)
                o = _nt_lit(lex, dt)
                if text_p is not None:
                    txt = getattr(e, attr + "_text", None)
                    if txt is not None and (txt != lex or dt != "string"):
                        add(f"{s} {text_p} {_nt_lit(txt, 'string')} .\n")
            elif kind is FieldKind.IRI:
                o = "<" + str(expand_iri(v, spec)) + ">"
            elif kind is FieldKind.JSON:
                o = _nt_term(json_literal(v))
            else:
                assert_never(kind)
            if spec.reverse:
                add(o + sp + s + " .\n")
            else:
                add(s + sp + o + " .\n")
    return s


def ntriples_lines(entities: Iterable[Entity], *, base: str | None = None) -> list[str]:
    """The fast path's triples as N-Triples lines (duplicates possible; no lineage super-properties).

    This is the engine's raw output: the cheapest form to hand to a bulk loader (pyoxigraph, a triple store).
    """
    out: list[str] = []
    for e in entities:
        _emit_nt(e, base, out.append)
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
