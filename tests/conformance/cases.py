"""Data graphs the conformance suite hands to every engine: mlkg's examples, a synthetic estate, and planted
violations made from them (each a small, named mutation), plus the smallest reproducers of the disagreements in
issue #15. Everything is built here from the project's own files; nothing is downloaded."""

from __future__ import annotations

import random
from functools import cache
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "output"
MLKG = "https://w3id.org/mlkg#"
PROV_DERIVED = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")

PREFIXES = ("@prefix mlkg: <https://w3id.org/mlkg#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
            "@prefix ex: <https://example.org/c/> .\n")

#: #15 D3: a version numbered higher but created earlier, one time stamp with a time zone and one without
#: (XSD 1.1 order: 2024-01-02T12:00:00 is after 2023-12-31T19:00:00Z for any implicit zone within 14 h).
D3_DATETIME_TZ = PREFIXES + """
ex:m a mlkg:MLModel ; mlkg:name "m" ; mlkg:hasVersion ex:v1 , ex:v2 .
ex:v1 a mlkg:ModelVersion ; mlkg:name "1" ; mlkg:createdAt "2024-01-02T12:00:00"^^xsd:dateTime .
ex:v2 a mlkg:ModelVersion ; mlkg:name "2" ; mlkg:createdAt "2024-01-01T05:00:00+10:00"^^xsd:dateTime .
"""

#: #15 D4: ciLower equal to the value, one a double and one a decimal (SPARQL <= promotes: no violation).
D4_DOUBLE_DECIMAL = PREFIXES + """
ex:e a mlkg:Evaluation ; mlkg:name "auc" ; mlkg:metricValue "0.8"^^xsd:decimal ;
    mlkg:ciLower "0.8"^^xsd:double ; mlkg:ciUpper "0.9"^^xsd:decimal .
"""


def _super(g: Graph) -> Graph:
    from mlkg.rdf.closure import add_super_properties

    add_super_properties(g)
    return g


@cache
def examples() -> dict[str, Graph]:
    return {p.stem: _super(Graph().parse(p, format="turtle")) for p in sorted(EXAMPLES.glob("*.ttl"))}


def synthetic(n_models: int = 5, seed: int = 1) -> Graph:
    from mlkg import synth
    from mlkg.rdf.build import to_graph

    return _super(to_graph(synth.generate(n_models, seed=seed)))


def _copy(g: Graph) -> Graph:
    out = Graph()
    for t in g:
        out.add(t)
    return out


def mutations(name: str, g: Graph, *, seed: int = 0, limit: int = 12) -> dict[str, Graph]:
    """Planted violations: for a sample of mlkg properties, drop the first subject's values; turn a typed literal
    into a plain string; language-tag a name; make a lineage cycle; give two versions one alias."""
    rnd = random.Random(seed)
    out: dict[str, Graph] = {}
    preds = sorted({p for p in g.predicates() if str(p).startswith(MLKG)}, key=str)
    for p in rnd.sample(preds, min(limit, len(preds))):
        s = sorted(set(g.subjects(p, None)), key=str)[0]
        m = _copy(g)
        m.remove((s, p, None))
        out[f"{name}-drop-{p.split('#')[-1]}"] = m
    typed = sorted({(s, p, o) for s, p, o in g if isinstance(o, Literal) and o.datatype not in (None, XSD.string)},
                   key=str)
    for s, p, o in rnd.sample(typed, min(4, len(typed))):
        m = _copy(g)
        m.remove((s, p, o))
        m.add((s, p, Literal(str(o))))
        out[f"{name}-string-{p.split('#')[-1]}"] = m
    names = sorted(g.subject_objects(URIRef(MLKG + "name")), key=str)
    if names:
        s, o = names[0]
        m = _copy(g)
        m.remove((s, URIRef(MLKG + "name"), o))
        m.add((s, URIRef(MLKG + "name"), Literal(str(o), lang="en")))
        out[f"{name}-lang-name"] = m
    derived = sorted(g.subject_objects(PROV_DERIVED), key=str)
    if derived:
        s, o = derived[0]
        m = _copy(g)
        m.add((o, PROV_DERIVED, s))
        m.add((o, URIRef(MLKG + "trainedOn"), s)) if (s, RDF.type, URIRef(MLKG + "Dataset")) in g else None
        out[f"{name}-lineage-cycle"] = m
    versions = sorted(g.subjects(RDF.type, URIRef(MLKG + "ModelVersion")), key=str)
    if len(versions) >= 2:
        m = _copy(g)
        for v in versions[:2]:
            m.add((v, URIRef(MLKG + "alias"), Literal("champion")))
        out[f"{name}-duplicate-alias"] = m
    owners = sorted(g.subject_objects(URIRef(MLKG + "owner")), key=str)
    if owners:
        s, o = owners[0]
        m = _copy(g)
        m.remove((s, URIRef(MLKG + "owner"), o))
        m.add((s, URIRef(MLKG + "owner"), BNode()))
        out[f"{name}-blank-owner"] = m
    return out


def reproducers() -> dict[str, Graph]:
    return {"d3-datetime-tz": _super(Graph().parse(data=D3_DATETIME_TZ, format="turtle")),
            "d4-double-decimal": _super(Graph().parse(data=D4_DOUBLE_DECIMAL, format="turtle"))}


def shacl_cases() -> dict[str, Graph]:
    """Every data graph of the SHACL comparison, by name."""
    out: dict[str, Graph] = {}
    for i, (name, g) in enumerate(examples().items()):
        out[name] = g
        out.update(mutations(name, g, seed=i))
    out["synth5"] = synthetic()
    out.update(reproducers())
    return out


def query_extras() -> Graph:
    """What the examples and synth lack for the query library: fairness results and derived models."""
    from mlkg import model as m
    from mlkg.rdf.build import to_graph

    def fair(name: str, value: float, attribute: str | None = None, group: str | None = None) -> m.FairnessMetric:
        return m.FairnessMetric(name=name, value=value, sensitive_attribute=attribute, group=group)

    return _super(to_graph([
        m.MLModel(name="credit", service="conf", versions=[
            m.ModelVersion(name="1", stage="Production", fairness=[
                fair("accuracy", 0.80, "gender", "female"), fair("accuracy", 0.90, "gender", "male"),
                fair("accuracy", 0.85, "age", "young"), fair("accuracy", 0.86, "age", "old"),
                fair("demographic_parity_difference", -0.15, "gender")])]),
        m.MLModel(name="base", service="conf", license="llama3"),
        m.MLModel(name="tuned", service="conf", base_model=m.Ref(type="mlmodel", fqn="conf.base"),
                  base_model_relation="finetune", license="Apache-2.0"),
        m.MLModel(name="adapter", service="conf", base_model=m.Ref(type="mlmodel", fqn="conf.tuned"),
                  base_model_relation="adapter"),
    ]))
