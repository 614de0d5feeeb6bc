"""Which fields of each entity class each importer fills: declared by the importers, checked on their golden graphs.

Every importer declares a mapping table (:attr:`mlkg.importers.base.Importer.fills`): for each entity class it
yields, the fields it fills and the platform source of each. The spec pages' integration tables and the importer
pages are generated from those tables (:func:`declared`).

Every importer's tests also keep golden graphs: the Turtle the importer writes from the platform's own files (see
each ``tests/importers/<platform>/`` README). :func:`observed` reads them back: for each node of a class, the
properties present, mapped to the class's Python fields. :func:`disagreements` compares the two, so a declared
field the importer never writes, or a written field nobody declared, fails ``tests/importers/test_fills.py``.
A field mlkg derives itself (an FQN, a tag label's name: :meth:`Entity.derivations`) or one holding the model's
declared default (a model store named ``store``) is not the platform's and needs no row.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import RDF, Graph, Literal, URIRef

from ..importers import registry
from ..model.base import REGISTRY, Entity, iter_fields
from ..namespaces import MLKG_IRI
from ..resources import resource_path


def golden_graphs() -> dict[str, list[Path]]:
    """Importer name (its test folder) → its golden Turtle files, in the source checkout."""
    root = resource_path("tests", "importers")
    out: dict[str, list[Path]] = defaultdict(list)
    if root.is_dir():
        for path in sorted(root.rglob("*.ttl")):
            out[path.relative_to(root).parts[0]].append(path)
    return dict(out)


# -- declared ------------------------------------------------------------------------------------------------------


@cache
def _tables() -> dict[str, dict[str, dict[str, str]]]:
    """Importer → class name → field → source, from every registered importer's :attr:`fills`."""
    out: dict[str, dict[str, dict[str, str]]] = {}
    for name in registry.names():
        cls = registry.get(name)
        out[name] = {c.__name__: dict(table) for c, table in cls.fills.items()}
    return out


def declared(cls_name: str) -> dict[str, dict[str, str]]:
    """Importer → {field: platform source} it declares for ``cls_name`` (importers that fill none left out)."""
    return {imp: dict(sorted(t[cls_name].items())) for imp, t in sorted(_tables().items()) if t.get(cls_name)}


def declared_by(importer: str) -> dict[str, dict[str, str]]:
    """Class name → {field: platform source} that ``importer`` declares."""
    return {c: dict(sorted(t.items())) for c, t in sorted(_tables().get(importer, {}).items()) if t}


# -- observed ------------------------------------------------------------------------------------------------------


def _full(prop: str) -> str:
    return prop if prop.startswith(("http://", "https://")) else MLKG_IRI + prop


def _walk(entities: list[Entity]) -> Any:
    for e in entities:
        yield e
        for f, spec in iter_fields(type(e)):
            if str(getattr(spec.kind, "value", spec.kind)) != "child":
                continue
            value = getattr(e, f.name)
            yield from _walk(list(value) if spec.many else [value] if value is not None else [])


def _derived(g: Graph) -> dict[str, set[str]]:
    """Class name → the fields mlkg derives on its nodes (what :meth:`Entity.derivations` names), read back."""
    from ..rdf.reader import from_graph  # lazy: the reader is only needed to check the golden graphs

    out: dict[str, set[str]] = defaultdict(lambda: {"fqn"})
    try:
        entities = from_graph(g)
    except Exception:  # a graph the reader refuses still has FQNs, which mlkg always derives
        return out
    for e in _walk(entities):
        out[type(e).__name__] |= set(e.derivations())
    return out


@cache
def observed_graph(importer: str) -> dict[str, frozenset[str]]:
    """Class name → the Python fields the importer's golden graphs fill on nodes of that class, leaving out the
    fields mlkg derives and those holding the model's declared default."""
    g = Graph()
    for path in golden_graphs().get(importer, []):
        g.parse(path)
    derived = _derived(g)
    out: dict[str, set[str]] = defaultdict(set)
    for cls in {c for c in REGISTRY.values() if c.CLASS}:
        specs = [(f, spec, URIRef(_full(str(spec.prop)))) for f, spec in iter_fields(cls)]
        skip = derived[cls.__name__]
        for node in g.subjects(RDF.type, URIRef(MLKG_IRI + cls.CLASS)):
            for f, spec, prop in specs:
                if f.name in skip:
                    continue
                values = list(g.subjects(prop, node)) if spec.reverse else list(g.objects(node, prop))
                if any(not _is_default(f, v) for v in values):
                    out[cls.__name__].add(f.name)
    return {c: frozenset(fs) for c, fs in sorted(out.items()) if fs}


def _is_default(f: dataclasses.Field[Any], value: Any) -> bool:
    default = f.default
    return (isinstance(value, Literal) and default is not dataclasses.MISSING and default is not None
            and str(value) == str(getattr(default, "value", default)))


def observed() -> dict[str, dict[str, frozenset[str]]]:
    """Class name → importer → the fields its golden graphs fill (see :func:`observed_graph`)."""
    out: dict[str, dict[str, frozenset[str]]] = defaultdict(dict)
    for importer in golden_graphs():
        for cls, fs in observed_graph(importer).items():
            out[cls][importer] = fs
    return dict(out)


def disagreements(importer: str) -> list[str]:
    """Where ``importer``'s mapping table and its golden graphs differ, one line each (empty: they agree)."""
    seen = observed_graph(importer)
    table = declared_by(importer)
    problems = []
    for cls in sorted(set(seen) | set(table)):
        got, said = seen.get(cls, frozenset()), set(table.get(cls, {}))
        for f in sorted(said - got):
            problems.append(f"{importer}: {cls}.{f} is declared but no golden graph fills it")
        for f in sorted(got - said):
            problems.append(f"{importer}: {cls}.{f} is in the golden graph but not declared in its fills")
    return problems
