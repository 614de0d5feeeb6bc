"""The graphs the engine differential tests run on: every validation fixture, every example's output, and
synthetic estates (``mlkg.synth``) with violations of every kind planted, each loaded exactly as ``mlkg validate``
loads it (with the lineage super-property triples)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

from mlkg import synth
from mlkg.commands.validate import load_inputs
from mlkg.namespaces import MLKG, PROV
from mlkg.rdf.closure import add_super_properties

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "validation"
EXAMPLES = ROOT / "examples" / "output"
#: Pack combinations every engine is compared on (the user pack is a fixture).
PACK_SETS: list[tuple[str, ...]] = [("core",), ("governance",), ("core", "governance"),
                                    (str(FIXTURES / "require_description.ttl"),)]


#: Fixtures mlkg refuses before validation (the JSON Schema check); tests/validate/test_validate_cli.py has them.
REFUSED = {"om_mlmodel_bad_enum.json", "om_mlmodel_wrong_type.json", "om_mlmodel_missing_algorithm.json"}


def fixture_files() -> list[Path]:
    out = sorted(p for p in FIXTURES.iterdir() if p.suffix in (".ttl", ".json") and not p.name.startswith("malformed")
                 and p.name != "require_description.ttl")
    return out + sorted(EXAMPLES.glob("*.ttl"))


def _first(g: Graph, cls: URIRef, i: int = 0) -> URIRef:
    return sorted(s for s in g.subjects(RDF.type, cls) if isinstance(s, URIRef))[i]


def planted(n_models: int = 6, seed: int = 3) -> Graph:
    """A synthetic estate with one of each kind of violation mlkg's packs find, on different nodes."""
    from mlkg.rdf.build import to_graph

    g = to_graph(synth.generate(n_models, seed=seed))
    models = sorted(s for s in g.subjects(RDF.type, MLKG.MLModel) if isinstance(s, URIRef))
    m0, m1, m2, m3 = models[:4]
    prod = list(g.subjects(MLKG.stage, MLKG.ProductionStage))
    for v in prod[:2]:                                                   # governance: no owner, no metrics
        for mdl in g.subjects(MLKG.hasVersion, v):
            g.remove((mdl, MLKG.hasOwner, None))
        g.remove((v, MLKG.hasEvaluation, None))
    g.set((m0, MLKG.name, Literal("churn::model")))                       # pattern
    g.add((m1, MLKG.name, Literal("second name")))                       # maxCount
    feat = _first(g, MLKG.Feature)
    g.remove((feat, MLKG.name, None))                                    # minCount (a name or an FQN)
    g.remove((feat, MLKG.fullyQualifiedName, None))
    g.remove((_first(g, MLKG.Evaluation, 2), MLKG.metricValue, None))    # minCount
    g.set((_first(g, MLKG.Feature, 1), MLKG.name, Literal("age", lang="en")))  # datatype (language string)
    versions = sorted(g.objects(m0, MLKG.hasVersion))
    for v in versions[:2]:
        g.add((v, MLKG.alias, Literal("shadow")))                        # SPARQL: one version per alias
    g.set((versions[0], MLKG.createdAt, Literal("2030-01-01T00:00:00", datatype=XSD.dateTime)))  # date order
    g.set((versions[1], MLKG.stage, URIRef(str(MLKG) + "NoSuchStage")))  # sh:in (not a term: MLKG is closed)
    evals = sorted(g.subjects(RDF.type, MLKG.Evaluation))
    ratio = [e for e in evals if (e, MLKG.measure, MLKG.AUC) in g or (e, MLKG.measure, MLKG.Accuracy) in g]
    g.set((ratio[0], MLKG.metricValue, Literal(1.5)))                    # SPARQL: ratio in [0, 1]
    g.set((ratio[1], MLKG.ciLower, Literal("0.99", datatype=XSD.decimal)))  # ci_lower > value
    g.set((evals[-1], MLKG.metricValue, Literal("abc")))                 # SPARQL: not numeric
    g.add((_first(g, MLKG.Column), MLKG.position, Literal("x", datatype=XSD.integer)))  # ill-typed literal
    g.set((m2, MLKG.hasOwner, BNode()))                                  # nodeKind IRI / node shape
    table = _first(g, MLKG.Table)
    g.add((m3, MLKG.hasOwner, table))                                    # owner of the wrong class (sh:node)
    g.add((m1, MLKG.hasTagLabel, table))                                 # tag of the wrong class (sh:class)
    g.add((table, PROV.wasDerivedFrom, m3))                              # lineage cycle (with trainedOn)
    g.add((m3, MLKG.trainedOn, table))
    ep = _first(g, MLKG.Endpoint)
    other = sorted(g.objects(models[4], MLKG.hasVersion))[0]
    g.set((ep, MLKG.servesModelVersion, other))                          # serves another model's version
    orphan = URIRef("https://w3id.org/mlkg/id/modelVersion/orphan.1")
    g.add((orphan, RDF.type, MLKG.ModelVersion))                         # production version no model owns
    g.add((orphan, MLKG.name, Literal("1")))
    g.add((orphan, MLKG.stage, MLKG.ProductionStage))
    add_super_properties(g)
    return g


def corpus() -> Iterator[tuple[str, Callable[[], Graph]]]:
    """(name, graph factory) for every graph of the differential tests."""
    for p in fixture_files():
        if p.name in REFUSED:
            continue
        yield p.name, (lambda p=p: load_inputs([str(p)]))
    yield "synth-clean", lambda: planted_clean()
    yield "synth-planted", lambda: planted()


def planted_clean(n_models: int = 5, seed: int = 5) -> Graph:
    from mlkg.rdf.build import to_graph

    g = to_graph(synth.generate(n_models, seed=seed))
    add_super_properties(g)
    return g
