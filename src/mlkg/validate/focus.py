"""Focus nodes: which nodes an incremental validation checks (a model and everything it owns)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from rdflib import URIRef

from ..model import entities as _entities  # noqa: F401  (registers the entity classes)
from ..model.base import REGISTRY, Entity, iter_fields
from ..namespaces import MLKG_IRI

__all__ = ["as_focus", "entity_iris", "expand_focus"]


@lru_cache(maxsize=1)
def _child_props() -> tuple[frozenset[URIRef], frozenset[URIRef]]:
    """(child properties pointing parent → child, child properties pointing child → parent)."""
    fwd: set[URIRef] = set()
    rev: set[URIRef] = set()
    for cls in REGISTRY.values():
        for _f, spec in iter_fields(cls):
            if spec.kind == "child":
                (rev if spec.reverse else fwd).add(URIRef(MLKG_IRI + spec.prop))
    return frozenset(fwd), frozenset(rev)


def expand_focus(graph: Any, nodes: Iterable[str | URIRef]) -> set[URIRef]:
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


def entity_iris(entities: Iterable[Any], base: str | None = None) -> set[URIRef]:
    """The IRIs of entities and of every child they hold."""
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


def as_focus(focus: Any) -> set[URIRef]:
    """IRIs and entities (with their children) as a set of focus nodes.

    :raises TypeError: for anything else.
    """
    items = [focus] if isinstance(focus, (str, URIRef, Entity)) else list(focus)
    out: set[URIRef] = set()
    for it in items:
        if isinstance(it, Entity):
            out |= entity_iris([it])
        elif isinstance(it, (str, URIRef)):
            out.add(URIRef(str(it)))
        else:
            raise TypeError(f"focus must hold IRIs or entities, not {type(it).__name__}")
    return out
