"""OWL reasoning over the ontology: consistent, every class satisfiable, no unexpected inferred types.

Loads ``ontology/mlkg.ttl`` + ``ontology/mlkg-align.ttl`` + ``tests/data/prov-dcat-min.ttl`` (the logical axioms
of PROV-O, DCAT 3 and ML Schema, standing in for the ``owl:imports``, which are never fetched) and an instance graph
built with :func:`mlkg.rdf.build.to_graph` from entities that use every class, then runs HermiT through owlready2
(needs Java). Slow: run with ``pytest -m slow``.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDF

import mlkg.model as m
from mlkg.namespaces import MLKG_IRI
from mlkg.rdf.build import to_graph

pytestmark = pytest.mark.slow

owlready2 = pytest.importorskip("owlready2", reason="owlready2 is not installed (pip install 'mlkg[reasoner]')")
if shutil.which("java") is None:  # pragma: no cover
    pytest.skip("HermiT needs Java and no `java` is on PATH", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]
FILES = (ROOT / "ontology" / "mlkg.ttl", ROOT / "ontology" / "mlkg-align.ttl",
         ROOT / "tests" / "data" / "prov-dcat-min.ttl")
PROV = Namespace("http://www.w3.org/ns/prov#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
MLS = Namespace("http://www.w3.org/ns/mls#")
MLKG = Namespace(MLKG_IRI)


def _reason(instances: Graph | None) -> tuple[Any, Any, float]:
    """Load the files (+ instances) into a fresh owlready2 world and run HermiT. Returns (world, onto, seconds)."""
    g = Graph()
    for f in FILES:
        g.parse(f, format="turtle")
    if instances is not None:
        g += instances
    g.remove((None, OWL.imports, None))  # the imports are the local copies loaded above; never fetch
    world = owlready2.World()
    onto = world.get_ontology("https://w3id.org/mlkg/reasoner-test#")
    import io

    onto.load(fileobj=io.BytesIO(g.serialize(format="nt", encoding="utf-8")), format="ntriples")
    t0 = time.perf_counter()
    # xsd:date (mlkg:releaseDate) and DCAT 3's xsd:duration/xsd:gYear ranges are outside the OWL 2 datatype map;
    # HermiT refuses them unless told to ignore them (tests/ontology/test_ontology.py pins which ones the core uses).
    owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True)
    return world, onto, time.perf_counter() - t0


@pytest.fixture(scope="module")
def instances(kitchen_sink: Callable[..., list[m.Entity]]) -> Callable[..., Graph]:
    """``instances(owned_activities=False)``: the shared kitchen sink (tests/conftest.py) as an rdflib graph."""
    return lambda **kw: to_graph(kitchen_sink(**kw))


def test_ontology_alone_is_consistent_and_satisfiable() -> None:
    world, _onto, secs = _reason(None)
    unsat = [c.iri for c in world.inconsistent_classes()]
    assert not unsat, f"unsatisfiable classes: {unsat}"
    print(f"HermiT, ontology + alignment + PROV/DCAT/MLS axioms: consistent, 0 unsatisfiable, {secs:.1f} s")


@pytest.fixture(scope="module")
def reasoned(instances: Callable[..., Graph]) -> tuple[Any, Any, Graph]:
    inst = instances()
    world, onto, secs = _reason(inst)
    print(f"HermiT with {len(inst)} instance triples: {secs:.1f} s")
    return world, onto, inst


def test_instances_are_consistent_and_classes_satisfiable(reasoned: tuple[Any, Any, Graph]) -> None:
    world, _onto, _inst = reasoned
    unsat = [c.iri for c in world.inconsistent_classes()]
    assert not unsat, f"unsatisfiable classes: {unsat}"


def _inferred_types(world: Any, inst: Graph) -> dict[URIRef, set[str]]:
    out = {}
    for s in set(inst.subjects(RDF.type, None)):
        ind = world[str(s)]
        assert ind is not None, s
        out[s] = {c.iri for c in ind.INDIRECT_is_a if hasattr(c, "iri")}
    return out


#: class of the instance -> types the reasoner must never infer for it
FORBIDDEN = {
    "Column": {PROV.Activity, PROV.Agent, DCAT.Dataset, MLKG.Table},
    "FeatureSource": {PROV.Activity, PROV.Agent},
    "Table": {PROV.Activity, MLKG.Column, MLKG.MLModel},
    "Dataset": {PROV.Activity, MLKG.Table},
    "Feature": {PROV.Activity, DCAT.Dataset, MLS.Dataset},
    "MLModel": {DCAT.Dataset, PROV.Activity, MLS.Model, MLKG.ModelVersion, MLKG.Table},
    "ModelVersion": {DCAT.Dataset, PROV.Activity, MLKG.MLModel},
    "Endpoint": {DCAT.Dataset, PROV.Activity},
    "MLModelService": {DCAT.Dataset, PROV.Activity},
    "Dashboard": {PROV.Activity, DCAT.Dataset},
    "User": {PROV.Activity, PROV.Entity, MLKG.Team},
    "Team": {PROV.Activity, PROV.Entity, MLKG.User},
    "Pipeline": {PROV.Entity, DCAT.Dataset},
    "TrainingRun": {PROV.Entity, MLS.Model},
    "Evaluation": {PROV.Activity, MLS.Run},
    "Tag": {PROV.Entity, PROV.Activity},
}
#: class of the instance -> types the reasoner must infer (the alignment and PROV-O hierarchy at work)
REQUIRED = {
    "Column": {PROV.Entity}, "Table": {PROV.Entity, DCAT.Dataset, DCAT.Resource},
    "ModelVersion": {PROV.Entity, MLS.Model, DCAT.Resource}, "MLModel": {PROV.Entity, DCAT.Resource},
    "Endpoint": {DCAT.DataService}, "MLModelService": {DCAT.DataService}, "TrainingRun": {PROV.Activity, MLS.Run},
    "User": {PROV.Agent, PROV.Person}, "Team": {PROV.Agent}, "Pipeline": {PROV.Activity},
}


def test_no_unexpected_inferred_types(reasoned: tuple[Any, Any, Graph]) -> None:
    world, _onto, inst = reasoned
    types = _inferred_types(world, inst)
    problems = []
    seen = set()
    for s, ts in types.items():
        for local, forbidden in FORBIDDEN.items():
            if str(MLKG[local]) in ts:
                seen.add(local)
                bad = {str(f) for f in forbidden} & ts
                if bad:
                    problems.append(f"{s} ({local}) inferred as {sorted(bad)}")
        for local, required in REQUIRED.items():
            if str(MLKG[local]) in ts:
                missing = {str(r) for r in required} - ts
                if missing:
                    problems.append(f"{s} ({local}) not inferred as {sorted(missing)}")
    assert seen >= set(FORBIDDEN), f"no instance of {sorted(set(FORBIDDEN) - seen)} in the sample"
    assert not problems, "\n".join(problems)


def test_untyped_references_get_only_sensible_types(reasoned: tuple[Any, Any, Graph]) -> None:
    """Ranges are unions where a reference may point to several kinds: nothing gets a specific wrong type."""
    world, _onto, inst = reasoned
    holdout = URIRef("https://w3id.org/mlkg/id/dataset/s3.churn_holdout")
    ts = _inferred_types(world, inst)[holdout]
    assert str(MLKG.Dataset) in ts and str(MLKG.Table) not in ts and str(PROV.Activity) not in ts


def test_owned_activities_are_consistent(instances: Callable[..., Graph]) -> None:
    """Owners of pipelines and runs are mlkg:operatedBy (⊑ prov:wasAssociatedWith), not prov:wasAttributedTo."""
    world, _onto, _secs = _reason(instances(owned_activities=True))
    assert not list(world.inconsistent_classes())


def test_synthetic_catalogue_is_consistent() -> None:
    """A realistic generated catalogue (mlkg.synth), owners of activities included."""
    from mlkg import synth
    from mlkg.rdf.build import to_graph

    g = to_graph(synth.generate(5, seed=3))
    world, _onto, secs = _reason(g)
    print(f"HermiT with {len(g)} synthetic instance triples: {secs:.1f} s")
    assert not list(world.inconsistent_classes())
    types = _inferred_types(world, g)
    for s, ts in types.items():
        if str(MLKG.Column) in ts or str(MLKG.Table) in ts:
            assert str(PROV.Activity) not in ts, s
        if str(MLKG.MLModel) in ts or str(MLKG.ModelVersion) in ts:
            assert str(DCAT.Dataset) not in ts, s
        if str(MLKG.User) in ts:
            assert str(PROV.Activity) not in ts and str(PROV.Entity) not in ts, s
