"""The ontology's structural axioms, checked against the entity field specs.

The field specs are the schema; the ontology (``ontology/mlkg.ttl``) is the vocabulary, written by hand for its
labels, definitions, examples and PROV-O alignment. What both say, the kind of each property
(``owl:ObjectProperty`` or ``owl:DatatypeProperty``), its ``rdfs:domain`` and its ``rdfs:range`` (a class, a
datatype or an ``owl:unionOf``), must agree: :func:`disagreements` lists every property where they do not, and a
test fails on any.

What the specs say about a property, over every field that uses it:

* kind: literal, typed and JSON fields make a datatype property; enum, reference, child and IRI fields an object
  property;
* domain: the classes whose nodes the triple starts from (the field's class; for a reverse field, the value's).
  A property used by a field declared on an abstract class with ``OPEN_DOMAIN`` (every asset has tags and owners),
  or written by a reference about its target (``name``, ``fullyQualifiedName``, ...), has no domain;
* range: the field's XSD datatype (a Python float is an exact ``xsd:decimal``; ``rdfs:Literal`` for a datatype outside
  the OWL 2 datatype map, ``xsd:date``), ``rdfs:Literal`` for typed and JSON values, the enumeration's class, the reference's targets, the child's class or the IRI's class.

Classes are compared with their subclasses (``mlkg:Evaluation`` covers ``mlkg:FairnessMetric``), so either side
may name a superclass.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, assert_never

from rdflib import BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ..model import entities as _entities  # noqa: F401  (registers every entity class)
from ..model.base import REGISTRY, Entity, FieldKind, FieldSpec, Ref, iter_fields
from ..namespaces import MLKG_IRI
from ..vocab import MLKG as V
from .shapes import value_classes

_DATATYPE_KINDS = (FieldKind.LITERAL, FieldKind.TYPED, FieldKind.JSON)


@dataclass
class Expected:
    """What the field specs say about one property."""

    kinds: set[URIRef] = field(default_factory=set)
    domain: set[URIRef] = field(default_factory=set)
    open_domain: bool = False
    range: set[URIRef] = field(default_factory=set)
    users: set[str] = field(default_factory=set)
    """``Class.field`` names, for messages."""


def _declaring_class(cls: type[Entity], fname: str) -> type:
    for base in cls.__mro__:
        if fname in base.__dict__.get("__annotations__", {}):
            return base
    return cls


#: Field datatypes outside the OWL 2 datatype map: their properties have the range rdfs:Literal, so the ontology is
#: OWL 2 DL (the SHACL shapes still require the datatype itself).
OUTSIDE_OWL2_MAP = frozenset({"date"})


def _range(spec: FieldSpec) -> set[URIRef]:
    k = spec.kind
    if k is FieldKind.LITERAL:
        if spec.datatype in OUTSIDE_OWL2_MAP:
            return {RDFS.Literal}
        return {XSD["decimal" if spec.datatype == "float" else spec.datatype]}
    if k is FieldKind.TYPED or k is FieldKind.JSON:
        return {RDFS.Literal}
    if k is FieldKind.ENUM:
        assert spec.enum is not None
        return {V[spec.enum.__name__]}
    if k is FieldKind.REF or k is FieldKind.CHILD:
        return {V[c] for c in value_classes(spec)}
    if k is FieldKind.IRI:
        return {V[spec.iri_class]} if spec.iri_class else set()
    assert_never(k)


def expected() -> dict[URIRef, Expected]:
    """Property → what the field specs say about it."""
    out: dict[URIRef, Expected] = defaultdict(Expected)
    for cls in REGISTRY.values():
        here = {V[cls.CLASS]}
        for f, spec in iter_fields(cls):
            e = out[spec.term]
            e.users.add(f"{cls.__name__}.{f.name}")
            e.kinds.add(OWL.DatatypeProperty if spec.kind in _DATATYPE_KINDS else OWL.ObjectProperty)
            if spec.reverse:
                e.domain |= _range(spec)
                e.range |= here
            else:
                e.domain |= here
                e.range |= _range(spec)
                if _declaring_class(cls, f.name).__dict__.get("OPEN_DOMAIN", False):
                    e.open_domain = True
            if spec.text_term is not None:
                t = out[spec.text_term]
                t.users.add(f"{cls.__name__}.{f.name}_text")
                t.kinds.add(OWL.DatatypeProperty)
                t.domain |= here
                t.range.add(XSD.string)
    for f, spec in iter_fields(Ref):
        e = out[spec.term]
        e.users.add(f"Ref.{f.name}")
        e.kinds.add(OWL.DatatypeProperty)
        e.open_domain = True  # a reference writes it about any entity it points to
        e.range |= _range(spec)
    return dict(out)


def _classes(g: Graph, node: Any) -> set[URIRef] | None:
    """A class, datatype or ``owl:unionOf`` node as a set of IRIs (None for no node)."""
    if node is None:
        return None
    if isinstance(node, URIRef):
        return {node}
    union = g.value(node, OWL.unionOf)
    if isinstance(node, BNode) and union is not None:
        return {m for m in Collection(g, union) if isinstance(m, URIRef)}
    return {URIRef(f"_:{node}")}  # some other class expression: never equal to what the specs say


def _with_subclasses(g: Graph, classes: set[URIRef]) -> set[URIRef]:
    out = set(classes)
    todo = list(classes)
    while todo:
        c = todo.pop()
        for sub in g.subjects(RDFS.subClassOf, c):
            if isinstance(sub, URIRef) and sub not in out:
                out.add(sub)
                todo.append(sub)
    return out


def _show(terms: set[URIRef] | None) -> str:
    if not terms:
        return "none"
    names = sorted(str(t).replace(MLKG_IRI, "mlkg:").replace(str(XSD), "xsd:").replace(str(RDFS), "rdfs:")
                   .replace(str(OWL), "owl:") for t in terms)
    return names[0] if len(names) == 1 else "(" + " ".join(names) + ")"


def disagreements(ontology: Graph) -> list[str]:
    """Every property whose kind, domain or range in ``ontology`` differs from what the field specs say, one
    message each (empty when they agree)."""
    out: list[str] = []
    for prop, e in sorted(expected().items()):
        name = _show({prop})
        users = ", ".join(sorted(e.users)[:3]) + (", ..." if len(e.users) > 3 else "")
        kinds = {k for k in ontology.objects(prop, RDF.type)
                 if isinstance(k, URIRef) and k in (OWL.ObjectProperty, OWL.DatatypeProperty)}
        if len(e.kinds) > 1:
            out.append(f"{name}: used as a datatype and as an object property ({users})")
        elif kinds != e.kinds:
            out.append(f"{name}: declared {_show(kinds) if kinds else 'as no property'} but the field specs make it "
                       f"{_show(e.kinds)} ({users})")
        dom = _classes(ontology, ontology.value(prop, RDFS.domain))
        if e.open_domain:
            if dom is not None:
                out.append(f"{name}: rdfs:domain is {_show(dom)} but the field specs use it on any class ({users})")
        elif dom is None or _with_subclasses(ontology, dom) != _with_subclasses(ontology, e.domain):
            out.append(f"{name}: rdfs:domain is {_show(dom)} but the field specs say {_show(e.domain)} ({users})")
        rng = _classes(ontology, ontology.value(prop, RDFS.range))
        if not e.range:
            if rng is not None:
                out.append(f"{name}: rdfs:range is {_show(rng)} but the field specs give none ({users})")
        elif rng is None or _with_subclasses(ontology, rng) != _with_subclasses(ontology, e.range):
            out.append(f"{name}: rdfs:range is {_show(rng)} but the field specs say {_show(e.range)} ({users})")
    return out
