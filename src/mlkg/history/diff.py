"""What changed between two graphs, per entity, in words, as JSON and as a change-set graph.

Two graphs (two exports, or a store's graph at two times) are compared node by node. For each node that exists in
either, the values of each property are compared as sets: a property whose values differ is a *changed field*
(one value before, one after: ``stage Staging → Production``), or values *added* or *removed* (``new training
table snowflake.analytics.public.x``). Nodes only in the newer graph are *new entities*, only in the older one
*removed entities*. Field names are the Python field names of the entity classes (``stage``, ``aliases``,
``training_datasets``), values are shown by their fully qualified name when they are nodes.

The change-set graph uses the Talis change-set vocabulary (``cs:ChangeSet`` with ``cs:subjectOfChange``,
``cs:addition`` and ``cs:removal`` of reified ``rdf:Statement``s), so the same changes can be asked in SPARQL.
The PROV-O super-property triples mlkg materialises are left out of the comparison (they follow from the
others), and so are the nodes that describe an import rather than the metadata (the import activity, its agents).
"""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as _field
from datetime import UTC, datetime
from functools import cache
from typing import Any

from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef
from rdflib.term import Node

from ..model.base import REGISTRY, OntologyEnum
from ..namespaces import MLKG_IRI

CS = Namespace("http://purl.org/vocab/changeset/schema#")
PROV = "http://www.w3.org/ns/prov#"
_FQN = URIRef(MLKG_IRI + "fullyQualifiedName")
_NAME = URIRef(MLKG_IRI + "name")


def _field_names() -> dict[str, str]:
    """Ontology property IRI → Python field name, from the entity field specs."""
    out: dict[str, str] = {}
    for cls in REGISTRY.values():
        for f in dataclasses.fields(cls):
            spec = f.metadata.get("mlkg")
            if spec is None:
                continue
            prop = str(spec.prop)
            out.setdefault(prop if prop.startswith("http") else MLKG_IRI + prop, f.name)
    return out


@dataclass(frozen=True)
class FieldChange:
    """One property of one entity whose values differ."""

    field: str
    predicate: str
    """The property IRI."""
    before: tuple[str, ...]
    after: tuple[str, ...]

    @property
    def kind(self) -> str:
        if not self.before:
            return "added"
        if not self.after:
            return "removed"
        return "changed"

    def words(self) -> str:
        if len(self.before) == 1 and len(self.after) == 1:
            return f"{self.field} {self.before[0]} → {self.after[0]}"
        parts = []
        added = [v for v in self.after if v not in self.before]
        removed = [v for v in self.before if v not in self.after]
        if added:
            parts.append(f"new {self.field} {', '.join(added)}")
        if removed:
            parts.append(f"{self.field} no longer {', '.join(removed)}")
        return "; ".join(parts)


@dataclass(frozen=True)
class EntityChange:
    """The changes of one node: new, removed, or changed fields."""

    iri: str
    name: str
    type: str
    status: str  # "added" | "removed" | "changed"
    fields: tuple[FieldChange, ...] = _field(default=())

    def words(self) -> str:
        label = f"{self.type} {self.name}" if self.type else self.name
        if self.status == "added":
            return f"new {label}"
        if self.status == "removed":
            return f"removed {label}"
        return f"{label}: " + "; ".join(fc.words() for fc in self.fields)

    def to_json(self) -> dict[str, Any]:
        return {"iri": self.iri, "name": self.name, "type": self.type, "status": self.status,
                "fields": [{"field": fc.field, "property": fc.predicate, "change": fc.kind,
                            "before": list(fc.before), "after": list(fc.after)} for fc in self.fields]}


def _skip(p: Node) -> bool:
    return str(p).startswith(PROV)


@cache
def _enum_words() -> dict[str, str]:
    """Enum individual IRI → its JSON spelling (``mlkg:ProductionStage`` → ``Production``)."""
    out: dict[str, str] = {}
    todo = list(OntologyEnum.__subclasses__())
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        for member in cls:
            out[MLKG_IRI + member.iri_name] = str(member.value)
    return out


def _label(g: Graph, node: Node) -> str:
    if isinstance(node, Literal):
        return str(node)
    word = _enum_words().get(str(node))
    if word is not None:
        return word
    value = g.value(node, _FQN) or g.value(node, _NAME)
    if value is not None:
        return str(value)
    text = str(node)
    return text[len(MLKG_IRI):] if text.startswith(MLKG_IRI) else text


def _type(g: Graph, node: Node) -> str:
    types = sorted(str(t)[len(MLKG_IRI):] for t in g.objects(node, RDF.type) if str(t).startswith(MLKG_IRI))
    return types[0] if types else ""


def _bookkeeping(g: Graph, node: Node) -> bool:
    """Nodes that describe an import rather than the metadata (PROV activities, agents, the graph itself)."""
    types = set(g.objects(node, RDF.type))
    return bool(types) and all(str(t).startswith(PROV) for t in types)


def _values(g: Graph, s: Node, labels: Graph) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for p, o in g.predicate_objects(s):
        if _skip(p) or isinstance(o, BNode):
            continue
        out[str(p)].add(_label(labels, o) if not isinstance(o, Literal) else str(o))
    return out


def diff(before: Graph, after: Graph) -> list[EntityChange]:
    """The per-entity changes from ``before`` to ``after``, sorted by entity name.

    >>> from rdflib import Graph
    >>> a = Graph().parse(data='<urn:v> <https://w3id.org/mlkg#stage> <https://w3id.org/mlkg#Staging> .', format="nt")
    >>> b = Graph().parse(data='<urn:v> <https://w3id.org/mlkg#stage> <https://w3id.org/mlkg#Production> .', format="nt")
    >>> [c.words() for c in diff(a, b)]
    ['urn:v: stage Staging → Production']
    """
    names = _field_names()
    labels = before + after
    subjects = {s for s in set(before.subjects()) | set(after.subjects()) if isinstance(s, URIRef)}
    out = []
    for s in subjects:
        if _bookkeeping(labels, s):
            continue
        old, new = _values(before, s, labels), _values(after, s, labels)
        if old == new:
            continue
        name, kind = _label(labels, s), _type(labels, s)
        if not old:
            out.append(EntityChange(str(s), name, kind, "added"))
            continue
        if not new:
            out.append(EntityChange(str(s), name, kind, "removed"))
            continue
        changes = []
        for prop in sorted(set(old) | set(new)):
            if old.get(prop, set()) != new.get(prop, set()):
                fname = names.get(prop, prop[len(MLKG_IRI):] if prop.startswith(MLKG_IRI) else prop)
                changes.append(FieldChange(fname, prop, tuple(sorted(old.get(prop, ()))),
                                           tuple(sorted(new.get(prop, ())))))
        out.append(EntityChange(str(s), name, kind, "changed", tuple(changes)))
    return sorted(out, key=lambda c: (c.name, c.iri))


def to_text(changes: Iterable[EntityChange]) -> str:
    lines = [c.words() for c in changes]
    return "\n".join(lines) + ("\n" if lines else "no changes\n")


def to_json(changes: Iterable[EntityChange]) -> str:
    return json.dumps([c.to_json() for c in changes], indent=2, ensure_ascii=False) + "\n"


def change_set_graph(before: Graph, after: Graph, *, created: datetime | None = None) -> Graph:
    """The changes as a change-set graph: one ``cs:ChangeSet`` per changed node, reified additions and removals."""
    g = Graph()
    g.bind("cs", CS)
    g.bind("mlkg", MLKG_IRI)
    when = Literal((created or datetime.now(UTC)).isoformat(), datatype=URIRef(
        "http://www.w3.org/2001/XMLSchema#dateTime"))
    by_subject: dict[Node, tuple[set[Any], set[Any]]] = defaultdict(lambda: (set(), set()))
    union = before + after
    for t in set(after) - set(before):
        if isinstance(t[0], URIRef) and not _skip(t[1]) and not _bookkeeping(union, t[0]):
            by_subject[t[0]][0].add(t)
    for t in set(before) - set(after):
        if isinstance(t[0], URIRef) and not _skip(t[1]) and not _bookkeeping(union, t[0]):
            by_subject[t[0]][1].add(t)
    for s in sorted(by_subject, key=str):
        added, removed = by_subject[s]
        cs = BNode()
        g.add((cs, RDF.type, CS.ChangeSet))
        g.add((cs, CS.subjectOfChange, s))
        g.add((cs, CS.createdDate, when))
        for pred, triples in ((CS.addition, added), (CS.removal, removed)):
            for ts, tp, to in sorted(triples):
                st = BNode()
                g.add((cs, pred, st))
                g.add((st, RDF.type, RDF.Statement))
                g.add((st, RDF.subject, ts))
                g.add((st, RDF.predicate, tp))
                g.add((st, RDF.object, to))
    return g
