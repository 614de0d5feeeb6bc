"""Triples to entities: the inverse of :func:`mlkg.rdf.build.to_graph`.

Every root entity in the graph (a model, a service, a table that says more than its name, ...) comes back with the
nodes it owns. A node that is only referenced (a table named by a feature source and nothing else) is not a root:
it stays a :class:`~mlkg.model.Ref` where it is used. With ``strict=True`` any mlkg triple the reader did not map is
an error, so nothing is silently dropped.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, assert_never

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from .. import ids
from ..errors import InputError
from ..model.base import REGISTRY, Entity, FieldKind, FieldSpec, Ref, guess_typed, iter_fields, typed_decimal
from ..model.entities import ROOT_TYPES
from ..namespaces import MLKG_IRI
from ..vocab import MLKG as V
from .build import REF_STUB, class_iri

_CLASS_BY_IRI: dict[URIRef, type[Entity]] = {}
#: Properties a reference writes about its target (:class:`Ref`'s fields): they do not describe an entity.
_STUB_PREDICATES: frozenset[URIRef] = frozenset(p for _attr, p, _dt in REF_STUB)


def _classes() -> dict[URIRef, type[Entity]]:
    if not _CLASS_BY_IRI:
        for cls in REGISTRY.values():
            _CLASS_BY_IRI[class_iri(cls)] = cls
    return _CLASS_BY_IRI


def _enum_members() -> dict[URIRef, Any]:
    out: dict[URIRef, Any] = {}
    for cls in REGISTRY.values():
        for _f, spec in iter_fields(cls):
            if spec.enum is not None:
                for m in spec.enum:
                    out[V[m.iri_name]] = m
    return out


class _Reader:
    def __init__(self, g: Graph, base: str | None, strict: bool) -> None:
        self.g = g
        self.base = base or ids.default_base()
        self.strict = strict
        self.enums = _enum_members()
        self.classes = _classes()
        self.used: set[tuple[Any, Any, Any]] = set()
        self._claimed: set[tuple[Any, Any, Any]] | None = None

    def reverse_claimed(self) -> set[tuple[Any, Any, Any]]:
        """Triples written by reverse references (``<dashboard> mlkg:displays <model>`` from a model's
        ``dashboard``): they do not make their subject a described entity."""
        if self._claimed is None:
            claimed: set[tuple[Any, Any, Any]] = set()
            for cls in REGISTRY.values():
                for _f, spec in iter_fields(cls):
                    if spec.kind is FieldKind.REF and spec.reverse:
                        p = spec.term
                        for s, o in self.g.subject_objects(p):
                            if (o, RDF.type, class_iri(cls)) in self.g:
                                claimed.add((s, p, o))
            self._claimed = claimed
        return self._claimed

    # -- values -------------------------------------------------------------------------------------------------

    def literal(self, s: URIRef, p: URIRef, o: Any, spec: FieldSpec) -> Any:
        if not isinstance(o, Literal):
            raise InputError(f"{o} is not a literal", path=f"<{s}> <{p}>", expected=f"an xsd:{spec.datatype}")
        if spec.datatype in ("string", "anyURI"):
            return str(o)
        v = o.toPython()
        if isinstance(v, Literal) or (spec.datatype in ("double", "float")
                                      and not isinstance(v, (int, float, Decimal))):
            raise InputError(f"ill-typed literal {o.n3()}", path=f"<{s}> <{p}>",
                             expected=f"an xsd:{spec.datatype}")
        if spec.datatype in ("double", "float"):
            return float(v)
        return v

    def ref(self, o: Any, spec: FieldSpec) -> Ref:
        if not isinstance(o, URIRef):
            raise InputError(f"{o} is not an IRI", expected="a reference to an entity")
        kw: dict[str, Any] = {}
        for attr, pred, dt in REF_STUB:
            v = self.g.value(o, pred)
            if v is not None:
                kw[attr] = v.toPython() if dt == "boolean" and isinstance(v, Literal) else str(v)
        parsed = ids.parse(str(o), base=self.base)
        if parsed:
            kind, key = parsed
            kw["type"] = kind if kind in REGISTRY else spec.target
            kw.setdefault("fqn", key)
        else:
            uuid_prefix = self.base + "entity/"
            if str(o).startswith(uuid_prefix):
                kind, _, uid = str(o)[len(uuid_prefix):].partition("/")
                kw["type"] = kind
                kw.setdefault("id", uid)
            else:
                kw["type"] = self._type_of(o, spec.target)
        for t in self.g.objects(o, RDF.type):
            self.used.add((o, RDF.type, t))
        return Ref(**kw)

    def _type_of(self, node: URIRef, default: str) -> str:
        for t in self.g.objects(node, RDF.type):
            cls = self.classes.get(t) if isinstance(t, URIRef) else None
            if cls is not None:
                return cls.TYPE
        return default

    # -- entities -----------------------------------------------------------------------------------------------

    def entity(self, node: URIRef, cls: type[Entity]) -> Entity:
        # a more specific registered class, if the node says so (FairnessMetric under Evaluation)
        for t in self.g.objects(node, RDF.type):
            sub = self.classes.get(t) if isinstance(t, URIRef) else None
            if sub is not None and sub is not cls and issubclass(sub, cls):
                cls = sub
        self.used.add((node, RDF.type, class_iri(cls)))
        kw: dict[str, Any] = {}
        for f, spec in iter_fields(cls):
            p = spec.term
            if spec.reverse:
                objs = list(self.g.subjects(p, node))
                if spec.kind is FieldKind.CHILD:
                    objs = [s for s in objs if (s, RDF.type, class_iri(spec.target)) in self.g]
                for s in objs:
                    self.used.add((s, p, node))
            else:
                objs = list(self.g.objects(node, p))
                for o in objs:
                    self.used.add((node, p, o))
            if not objs:
                continue
            values = [self.value(node, p, o, spec) for o in objs]
            if spec.text_term is not None:
                tp = spec.text_term
                txt = self.g.value(node, tp)
                if txt is not None:
                    self.used.add((node, tp, txt))
                    kw[f.name + "_text"] = str(txt)
                else:
                    o = objs[0]
                    kw[f.name + "_text"] = str(o)
            if spec.many:
                kw[f.name] = values
            else:
                if len(values) > 1:
                    values.sort(key=lambda v: str(v))
                    if self.strict:
                        raise InputError(f"{len(values)} values where one belongs", path=f"<{node}> {spec.json}",
                                         expected="one value")
                kw[f.name] = values[0]
        if "name" not in kw:
            fqn = kw.get("fqn") or (ids.parse(str(node), base=self.base) or ("", ""))[1]
            if fqn:
                kw["name"] = ids.split_fqn(fqn)[-1]
        try:
            return cls(**kw)
        except InputError as e:
            raise InputError(f"cannot read {cls.__name__} <{node}>: {e.message}", path=e.path,
                             expected=e.expected) from None
        except TypeError as e:
            raise InputError(f"cannot read {cls.__name__} <{node}>: {e}") from None

    def value(self, s: URIRef, p: URIRef, o: Any, spec: FieldSpec) -> Any:
        k = spec.kind
        if k is FieldKind.LITERAL:
            return self.literal(s, p, o, spec)
        if k is FieldKind.TYPED:
            if not isinstance(o, Literal):
                raise InputError(f"{o} is not a literal", path=f"<{s}> <{p}>", expected="a literal value")
            if spec.text_term is not None:
                txt = self.g.value(s, spec.text_term)
                if txt is not None:
                    # the platform's text is the source of truth: it keeps every digit
                    return guess_typed(str(txt)) if o.datatype is not None else str(txt)
            v = o.toPython()
            if isinstance(v, Literal):
                return str(o)
            if isinstance(v, Decimal):
                return typed_decimal(v, f"<{s}> <{p}>")  # the float the entity held, or every digit
            return v
        if k is FieldKind.ENUM:
            assert spec.enum is not None
            m = self.enums.get(o)
            if m is None or not isinstance(m, spec.enum):
                allowed = ", ".join("mlkg:" + x.iri_name for x in spec.enum)
                raise InputError(f"{o} is not a {spec.enum.__name__}", path=f"<{s}> <{p}>",
                                 expected=f"one of {allowed}")
            return m
        if k is FieldKind.REF:
            return self.ref(o, spec)
        if k is FieldKind.CHILD:
            return self.entity(o, spec.target)
        if k is FieldKind.IRI:
            return str(o)
        if k is FieldKind.JSON:
            return json.loads(str(o))
        assert_never(k)

    # -- roots ----------------------------------------------------------------------------------------------------

    def owned_nodes(self) -> set[Any]:
        owned: set[Any] = set()
        for cls in REGISTRY.values():
            for _f, spec in iter_fields(cls):
                if spec.kind is not FieldKind.CHILD:
                    continue
                p = spec.term
                if spec.reverse:
                    for s, o in self.g.subject_objects(p):
                        if (s, RDF.type, class_iri(spec.target)) in self.g and (o, RDF.type, class_iri(cls)) in self.g:
                            owned.add(s)
                else:
                    for s, o in self.g.subject_objects(p):
                        if (s, RDF.type, class_iri(cls)) in self.g:
                            owned.add(o)
        return owned

    def is_described(self, node: URIRef, cls: type[Entity]) -> bool:
        """More than a reference: the node has a field of its own beyond name/FQN/uuid."""
        if cls.ALWAYS_DESCRIBED:
            return True
        for _f, spec in iter_fields(cls):
            p = spec.term
            if p in _STUB_PREDICATES:
                continue
            if spec.reverse:
                if spec.kind is FieldKind.CHILD:
                    if any((s, RDF.type, class_iri(spec.target)) in self.g for s in self.g.subjects(p, node)):
                        return True
                elif (None, p, node) in self.g:
                    return True
            else:
                claimed = self.reverse_claimed()
                if any((node, p, o) not in claimed for o in self.g.objects(node, p)):
                    return True
        return False

    def roots(self) -> list[Entity]:
        owned = self.owned_nodes()
        out: list[Entity] = []
        root_iris = {class_iri(c): c for c in ROOT_TYPES}
        seen: set[Any] = set()
        for t, cls in root_iris.items():
            for node in sorted(self.g.subjects(RDF.type, t), key=str):
                if node in owned or node in seen or not isinstance(node, URIRef):
                    continue
                if not self.is_described(node, cls):
                    continue
                seen.add(node)
                out.append(self.entity(node, cls))
        return out


def from_graph(g: Graph, *, base: str | None = None, strict: bool = False) -> list[Entity]:
    """Entities described in ``g`` (roots with the nodes they own), sorted by type and FQN.

    :raises InputError: for ill-typed literals, unknown enum values and, with ``strict=True``, for mlkg triples
        no entity field accounts for.
    """
    r = _Reader(g, base, strict)
    ents = r.roots()
    if strict:
        unmapped: defaultdict[Any, int] = defaultdict(int)
        for s, p, o in g:
            if (str(p).startswith(MLKG_IRI) or (p == RDF.type and str(o).startswith(MLKG_IRI))) \
                    and (s, p, o) not in r.used and p not in _STUB_PREDICATES:
                unmapped[p] += 1
        if unmapped:
            detail = ", ".join(f"{p} ({n})" for p, n in sorted(unmapped.items(), key=lambda kv: str(kv[0]))[:5])
            raise InputError(f"{sum(unmapped.values())} mlkg triples were not mapped to entities: {detail}",
                             expected="only triples mlkg's entity fields describe")
    ents.sort(key=lambda e: (type(e).__name__, e.fqn or ""))
    return ents


def entities_of(g: Graph, cls: type[Entity], **kw: Any) -> Iterable[Entity]:
    """Only the root entities of one class."""
    return [e for e in from_graph(g, **kw) if isinstance(e, cls)]
