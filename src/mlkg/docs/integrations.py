"""Which fields of each entity class each importer fills, read off the importers' golden graphs.

Every importer's tests keep a golden graph: the Turtle the importer writes from the platform's own files (written
by the platform's SDK or taken from its repository; see each ``tests/importers/<platform>/`` README). For each
node of a class in those graphs, the properties present are mapped back to the class's Python fields, so a spec
page says, per importer, what it really fills: observed output, not a hand-kept claim.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from pathlib import Path

from rdflib import RDF, Graph, URIRef

from ..model.base import REGISTRY, iter_fields
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


@cache
def observed() -> dict[str, dict[str, frozenset[str]]]:
    """Class name → importer → the Python fields its golden graphs fill on nodes of that class."""
    by_class: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    classes = {c.CLASS: c for c in REGISTRY.values() if c.CLASS}
    for importer, paths in golden_graphs().items():
        g = Graph()
        for path in paths:
            g.parse(path)
        for local, cls in classes.items():
            fields = {_full(str(spec.prop)): f.name for f, spec in iter_fields(cls) if not spec.reverse}
            reverse = {_full(str(spec.prop)): f.name for f, spec in iter_fields(cls) if spec.reverse}
            for node in g.subjects(RDF.type, URIRef(MLKG_IRI + local)):
                for pred in set(g.predicates(node)):
                    name = fields.get(str(pred))
                    if name is not None:
                        by_class[cls.__name__][importer].add(name)
                # reverse fields: the triple points from the value to this node
                for pred in set(g.predicates(None, node)):
                    name = reverse.get(str(pred))
                    if name is not None:
                        by_class[cls.__name__][importer].add(name)
    return {c: {i: frozenset(fs) for i, fs in imps.items()} for c, imps in by_class.items()}


def _full(prop: str) -> str:
    return prop if prop.startswith(("http://", "https://")) else MLKG_IRI + prop


def fields_filled(cls_name: str) -> dict[str, list[str]]:
    """Importer → sorted fields it fills on ``cls_name`` (empty when no golden graph holds the class)."""
    return {imp: sorted(fs) for imp, fs in sorted(observed().get(cls_name, {}).items())}
