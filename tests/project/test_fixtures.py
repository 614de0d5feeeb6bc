"""The shared fixture catalogue (tests/conftest.py) stays complete: the kitchen sink uses every class."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rdflib import Graph
from rdflib.namespace import OWL, RDF

from mlkg.model.base import REGISTRY
from mlkg.namespaces import MLKG_IRI
from mlkg.rdf.build import to_graph

ONTOLOGY = Path(__file__).resolve().parents[2] / "ontology" / "mlkg.ttl"


def test_kitchen_sink_uses_every_ontology_class(kitchen_sink: Callable[..., list[Any]]) -> None:
    """Every mlkg class of the ontology has an instance, but for the classes whose members are the ontology's own
    individuals (enumerations, measures); every entity class of the model does too."""
    core = Graph().parse(ONTOLOGY, format="turtle")
    classes = {c for c in core.subjects(RDF.type, OWL.Class) if str(c).startswith(MLKG_IRI)}
    enumerated = {c for c in classes if any(str(s).startswith(MLKG_IRI) for s in core.subjects(RDF.type, c))}
    assert len(classes - enumerated) >= len(REGISTRY)
    for owned in (False, True):
        used = {str(t) for t in to_graph(kitchen_sink(owned_activities=owned)).objects(None, RDF.type)}
        wanted = {str(c) for c in classes - enumerated} | {MLKG_IRI + c.CLASS for c in REGISTRY.values()}
        missing = sorted(wanted - used)
        assert not missing, f"classes no kitchen-sink entity uses (add them to tests/conftest.py): {missing}"
