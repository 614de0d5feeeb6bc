"""Profiles fair4ml, prov, mls and om-rdf on the shipped examples, checked against the targets' own published files
(tests/export/data/README.md says where each comes from)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pyld import jsonld
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS
from typer.testing import CliRunner

from mlkg.cli import get_app
from mlkg.export import export
from mlkg.rdf.closure import add_super_properties
from mlkg.rdf.formats import load_graph

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
#: Every shipped example; the default run checks two of them, CI (-m "") all.
EXAMPLES = [pytest.param(p, id=p.stem, marks=() if p.stem in ("fraud_detection", "model_versions")
                         else pytest.mark.slow) for p in sorted((ROOT / "examples" / "output").glob("*.ttl"))]
OM_FIXTURE = ROOT / "tests" / "importers" / "openmetadata" / "om_mlmodel.ttl"

MLKG = "https://w3id.org/mlkg#"
FAIR4ML = Namespace("https://w3id.org/fair4ml#")
SCHEMA = "http://schema.org/"
MLS = Namespace("http://www.w3.org/ns/mls#")
OM = Namespace("https://open-metadata.org/ontology/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")


def example(name: str) -> Graph:
    g = load_graph([ROOT / "examples" / "output" / name])
    add_super_properties(g)
    return g


# ---------------------------------------------------------------------------------------------------------------
# fair4ml: read back with pyld through FAIR4ML's own published context (offline)
# ---------------------------------------------------------------------------------------------------------------

FAIR4ML_DOC = json.loads((DATA / "fair4ml-0.1.0.jsonld").read_text())


def offline_loader(url: str, options: dict | None = None) -> dict:
    if url == "https://w3id.org/fair4ml/0.1.0":
        return {"contextUrl": None, "documentUrl": url, "document": json.loads(json.dumps(FAIR4ML_DOC))}
    raise AssertionError(f"the test would have fetched {url}")


def fair4ml_vocabulary() -> dict[str, dict]:
    """FAIR4ML's declared terms (from its own file): IRI → {"domain": [...], "range": [...]}."""
    expanded = jsonld.expand(FAIR4ML_DOC, {"documentLoader": offline_loader})
    out = {}
    for node in expanded:
        nid = node.get("@id", "")
        if nid.startswith(str(FAIR4ML)):
            out[nid] = {"domain": [x["@id"] for x in node.get(SCHEMA + "domainIncludes", [])],
                        "range": [x["@id"] for x in node.get(SCHEMA + "rangeIncludes", [])]}
    return out


def test_bundled_fair4ml_context_is_the_published_one():
    bundled = ROOT / "src" / "mlkg" / "export" / "contexts" / "fair4ml-0.1.0.jsonld"
    assert json.loads(bundled.read_text()) == FAIR4ML_DOC


@pytest.mark.parametrize("path", EXAMPLES)
def test_fair4ml_output_is_read_by_pyld_with_fair4ml_context(path):
    g = load_graph([path])
    add_super_properties(g)
    res = export(g, "fair4ml")
    doc = json.loads(res.text)
    assert doc["@context"] == "https://w3id.org/fair4ml/0.1.0"
    expanded = jsonld.expand(doc, {"documentLoader": offline_loader})
    vocab = fair4ml_vocabulary()
    models = [n for n in expanded if str(FAIR4ML.MLModel) in n.get("@type", [])]
    assert models, "every example has at least one model"
    types = {n["@id"]: set(n.get("@type", [])) for n in expanded}
    for node in expanded:
        for t in node.get("@type", []):
            assert t in vocab or t.startswith(SCHEMA), f"{t} is neither a FAIR4ML nor a schema.org class"
        for prop, values in node.items():
            if prop.startswith("@"):
                continue
            assert prop in vocab or prop.startswith(SCHEMA), f"{prop} expands outside FAIR4ML and schema.org"
            if prop in vocab:
                spec = vocab[prop]
                assert set(node.get("@type", [])) & set(spec["domain"]), f"{prop} on a {node.get('@type')}"
                for v in values:
                    if "@id" in v and any(r.startswith(str(FAIR4ML)) for r in spec["range"]):
                        assert types.get(v["@id"], set()) & set(spec["range"]), f"{prop} → {v['@id']}"
    # compaction with FAIR4ML's context lost nothing: reading it back gives the constructed graph
    nq = jsonld.to_rdf(doc, {"documentLoader": offline_loader, "format": "application/n-quads"})
    back = Graph().parse(data=nq, format="nquads")
    assert len(back) == len(res.graph)


def test_fair4ml_facts_of_versioned_model():
    res = export(example("model_versions.ttl"), "fair4ml")
    doc = json.loads(res.text)
    nodes = {n["@id"]: n for n in doc["@graph"]}
    v3 = nodes['https://w3id.org/mlkg/id/modelVersion/mlflow-prod.customer_churn_predictor.%22v3.0%22']
    assert v3["@type"] == "fair4ml:MLModel" and v3["version"] == "v3.0" and v3["name"] == "customer_churn_predictor"
    assert v3["fair4ml:trainedOn"] == {"@id": "https://w3id.org/mlkg/id/table/snowflake.analytics.public.customers_2024_06"}
    assert v3["fair4ml:testedOn"] == {"@id": "https://w3id.org/mlkg/id/dataset/churn_test_split"}
    ev = nodes[v3["fair4ml:hasEvaluation"]["@id"]]
    result = nodes[ev["fair4ml:evaluationResults"]["@id"]]
    assert ev["fair4ml:evaluationMetrics"] == "Accuracy" and result["schema:value"] == 0.92


# ---------------------------------------------------------------------------------------------------------------
# prov: only PROV-O / DCAT 3 / DCTERMS terms, consistent with their axioms, every lineage path kept
# ---------------------------------------------------------------------------------------------------------------

AXIOMS = Graph().parse(ROOT / "tests" / "data" / "prov-dcat-min.ttl")


def declared(term: URIRef) -> bool:
    return any((term, p, None) in AXIOMS for p in (RDF.type, RDFS.subClassOf, RDFS.subPropertyOf, OWL.inverseOf))


@pytest.mark.parametrize("path", EXAMPLES)
def test_prov_output_has_no_mlkg_term_and_only_declared_prov_dcat_terms(path):
    g = load_graph([path])
    add_super_properties(g)
    out = export(g, "prov").graph
    assert len(out) > 0
    for _s, p, o in out:
        assert not str(p).startswith(MLKG), p
        if p == RDF.type:
            assert not str(o).startswith(MLKG), o
        for term in (p, o) if p == RDF.type else (p,):
            if str(term).startswith((str(PROV), str(DCAT))):
                assert declared(term), f"{term} is not declared by PROV-O or DCAT 3"
            else:
                assert term == RDF.type or str(term).startswith((str(DCTERMS), str(RDFS))), term
    # disjointness (prov:Entity / prov:Activity) after the axioms' subclass closure
    import owlrl

    merged = out + AXIOMS
    owlrl.DeductiveClosure(owlrl.RDFS_Semantics).expand(merged)
    both = set(merged.subjects(RDF.type, PROV.Entity)) & set(merged.subjects(RDF.type, PROV.Activity))
    assert not both


def test_prov_keeps_the_fraud_lineage_walk():
    out = export(example("fraud_detection.ttl"), "prov").graph
    q = """PREFIX prov: <http://www.w3.org/ns/prov#>
    ASK { <https://w3id.org/mlkg/id/table/snowflake.analytics.public.fraud_scores>
          (prov:wasDerivedFrom|prov:wasGeneratedBy/prov:used)+
          <https://w3id.org/mlkg/id/table/snowflake.analytics.public.transactions> }"""
    assert out.query(q).askAnswer
    v2 = URIRef("https://w3id.org/mlkg/id/modelVersion/mlflow-prod.fraud_detection.2")
    assert (v2, DCAT.isVersionOf, URIRef("https://w3id.org/mlkg/id/mlmodel/mlflow-prod.fraud_detection")) in out
    assert (v2, DCAT.version, Literal("2")) in out


# ---------------------------------------------------------------------------------------------------------------
# mls: only ML Schema terms, domains and ranges as ML Schema declares them
# ---------------------------------------------------------------------------------------------------------------

MLSCHEMA = Graph().parse(DATA / "MLSchema.ttl")


def mls_classes(node: URIRef | BNode) -> set:
    if isinstance(node, URIRef):
        return {node}
    union = MLSCHEMA.value(node, OWL.unionOf)
    return set(Collection(MLSCHEMA, union)) if union is not None else set()


def mls_types(g: Graph, node) -> set:
    """The ML Schema classes of a node, with their superclasses in MLSchema.ttl."""
    out = set()
    for t in g.objects(node, RDF.type):
        out |= set(MLSCHEMA.transitive_objects(t, RDFS.subClassOf))
    return out


@pytest.mark.parametrize("path", EXAMPLES)
def test_mls_output_follows_ml_schema(path):
    g = load_graph([path])
    add_super_properties(g)
    out = export(g, "mls").graph
    for s, p, o in out:
        assert str(p).startswith(str(MLS)) or p in (RDF.type, RDFS.label), p
        if str(p).startswith(str(MLS)):
            assert (p, RDF.type, None) in MLSCHEMA, f"{p} is not in MLSchema.ttl"
            for dom in MLSCHEMA.objects(p, RDFS.domain):
                assert mls_types(out, s) & mls_classes(dom), f"{s} {p}: domain {dom}"
            for rng in MLSCHEMA.objects(p, RDFS.range):
                if (p, RDF.type, OWL.ObjectProperty) in MLSCHEMA:
                    assert mls_types(out, o) & mls_classes(rng), f"{s} {p} {o}: range"
        if p == RDF.type:
            assert (o, RDF.type, OWL.Class) in MLSCHEMA, f"{o} is not an ML Schema class"
    for hp in out.subjects(RDF.type, MLS.HyperParameterSetting):
        assert out.value(hp, MLS.specifiedBy) is not None and out.value(hp, MLS.hasValue) is not None
    for ev in out.subjects(RDF.type, MLS.ModelEvaluation):
        assert out.value(ev, MLS.specifiedBy) is not None and out.value(ev, MLS.hasValue) is not None
    assert not set(out.subjects(RDF.type, MLS.Dataset)) & set(out.subjects(RDF.type, MLS.Feature))


@pytest.mark.parametrize("path", EXAMPLES)
def test_every_mls_model_comes_out_of_a_run(path):
    # ML Schema: a model is "an output from an execution of a data mining algorithm implementation" (a run)
    out = export(example(path.name), "mls").graph
    for model in out.subjects(RDF.type, MLS.Model):
        assert any((run, RDF.type, MLS.Run) in out for run in out.subjects(MLS.hasOutput, model)), model


def test_versions_without_a_run_get_their_training_as_a_run():
    out = export(example("fraud_detection.ttl"), "mls").graph
    v2 = URIRef("https://w3id.org/mlkg/id/modelVersion/mlflow-prod.fraud_detection.2")
    (run,) = out.subjects(MLS.hasOutput, v2)
    assert run == URIRef(str(v2) + "/training") and (run, RDF.type, MLS.Run) in out
    assert str(out.value(run, RDFS.label)) == "training of mlflow-prod.fraud_detection.2"
    evaluations = {o for o in out.objects(run, MLS.hasOutput) if (o, RDF.type, MLS.ModelEvaluation) in out}
    assert len(evaluations) == 2
    assert set(out.objects(run, MLS.hasInput)) == {
        URIRef("https://w3id.org/mlkg/id/table/snowflake.analytics.public.fraud_features")}


def test_mls_run_structure_of_lifecycle_example():
    out = export(example("lifecycle_lineage.ttl"), "mls").graph
    runs = set(out.subjects(RDF.type, MLS.Run))
    assert len(runs) == 2
    for run in runs:
        outputs = set(out.objects(run, MLS.hasOutput))
        assert any((x, RDF.type, MLS.Model) in out for x in outputs)
        assert any((x, RDF.type, MLS.ModelEvaluation) in out for x in outputs)
        inputs = set(out.objects(run, MLS.hasInput))
        assert any((x, RDF.type, MLS.HyperParameterSetting) in out for x in inputs)


# ---------------------------------------------------------------------------------------------------------------
# om-rdf: OpenMetadata's terms and IRI scheme
# ---------------------------------------------------------------------------------------------------------------

OM_ONTOLOGY = Graph().parse(DATA / "openmetadata.ttl")
#: om: IRIs OpenMetadata's server and JSON-LD contexts write without declaring them in openmetadata.ttl
#: (shared/reference/openmetadata.md §2.2: JsonLdTranslator adds om:{Capitalized entityType}; the
#: dataAsset-complete.jsonld context maps the ML fields to om:hasAlgorithm, om:hasTarget, om:hasMLFeature,
#: om:hasMLHyperParameter, om:hasMLStore, om:hasServer, om:hasMLDashboard; glossary labels use om:hasGlossaryTerm).
OM_UNDECLARED = {OM.Mlmodel, OM.Mlmodelservice, OM.hasAlgorithm, OM.hasTarget, OM.hasMLFeature,
                 OM.hasMLHyperParameter, OM.hasMLStore, OM.hasServer, OM.hasMLDashboard, OM.hasGlossaryTerm}
OM_IRI = re.compile(r"^https://open-metadata\.org/entity/[A-Za-z]+/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-"
                    r"[0-9a-f]{12}$")


@pytest.mark.parametrize("path", EXAMPLES)
def test_om_rdf_uses_openmetadata_terms_and_iris(path):
    g = load_graph([path])
    add_super_properties(g)
    out = export(g, "om-rdf").graph
    used = {p for p in out.predicates() if str(p).startswith(str(OM))} | \
        {o for o in out.objects(None, RDF.type) if str(o).startswith(str(OM))}
    assert OM.MLModel in used
    for term in used:
        assert (term, None, None) in OM_ONTOLOGY or term in OM_UNDECLARED, f"{term} is not OpenMetadata's"
    for m in out.subjects(RDF.type, OM.MLModel):
        assert OM_IRI.match(str(m)), m
        assert out.value(m, OM.fullyQualifiedName) is not None and out.value(m, RDFS.label) is not None
    for lit in out.objects(None, OM.hasMLFeature):
        for feature in json.loads(str(lit)):
            assert feature["dataType"] in ("numerical", "categorical")
            for src in feature.get("featureSources", []):
                assert re.fullmatch(r"[0-9a-f-]{36}", src["dataSource"]["id"]) and src["dataSource"]["type"] == "table"


def test_om_rdf_iris_are_stable_across_exports():
    a = export(example("fraud_detection.ttl"), "om-rdf").graph
    b = export(example("fraud_detection.ttl"), "om-rdf").graph
    assert set(a.subjects(RDF.type, OM.Table)) == set(b.subjects(RDF.type, OM.Table))


def test_fraud_om_rdf_merges_beside_an_openmetadata_graph_and_lineage_walks_in_om_terms(tmp_path):
    from mlkg.store import open_store

    runner = CliRunner()
    out = tmp_path / "fraud-om.ttl"
    res = runner.invoke(get_app(), ["export", str(ROOT / "examples" / "output" / "fraud_detection.ttl"),
                                    "--profile", "om-rdf", "-o", str(out)])
    assert res.exit_code == 0, res.output
    store = open_store("memory:")
    store.load(path=str(out), graph="urn:mlkg:export:fraud")
    store.load(path=str(OM_FIXTURE), graph="urn:openmetadata:churn")   # a graph as OpenMetadata's server writes it
    rows = store.select("""
        PREFIX om: <https://open-metadata.org/ontology/>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?model ?table WHERE {
          ?m a om:MLModel ; om:fullyQualifiedName ?model ; om:upstream+ ?t .
          ?t a om:Table ; om:fullyQualifiedName ?table .
        }""")
    pairs = {(str(r["model"]), str(r["table"])) for r in rows}
    # the fraud model, from its training table back through the feature pipeline to the raw tables
    assert ("mlflow-prod.fraud_detection", "snowflake.analytics.public.fraud_features") in pairs
    assert ("mlflow-prod.fraud_detection", "snowflake.analytics.public.transactions") in pairs
    assert ("mlflow-prod.fraud_detection", "snowflake.analytics.public.customers") in pairs
    # and OpenMetadata's own model in the same store, same query
    assert ("mlflow_prod.customer_churn_predictor", "snowflake_prod.raw.public.raw_customers") in pairs
    down = store.select("""
        PREFIX om: <https://open-metadata.org/ontology/>
        SELECT ?table WHERE { ?m om:fullyQualifiedName "mlflow-prod.fraud_detection" ; om:downstream ?t .
                              ?t om:fullyQualifiedName ?table }""")
    assert {str(r["table"]) for r in down} == {"snowflake.analytics.public.fraud_scores"}


def _normalized(g: Graph) -> set:
    """Triples with JSON literals parsed (and rdf:List-wrapped JSON literals unwrapped), for comparison."""
    out = set()
    for s, p, o in g:
        if p in (RDF.first, RDF.rest):
            continue
        if isinstance(o, BNode) and (o, RDF.first, None) in g:
            items = list(Collection(g, o))
            o = items[0] if len(items) == 1 else tuple(items)
        if isinstance(o, Literal) and p in (OM.hasMLFeature, OM.hasMLHyperParameter, OM.hasMLStore, OM.hasServer):
            o = json.dumps(json.loads(str(o)), sort_keys=True)
        out.add((s, p, o))
    return out


def test_om_rdf_round_trip_keeps_openmetadata_graph(tmp_path):
    runner = CliRunner()
    mlkg_ttl = tmp_path / "churn.ttl"
    back = tmp_path / "churn-om.ttl"
    res = runner.invoke(get_app(), ["import", "openmetadata", str(OM_FIXTURE), "-o", str(mlkg_ttl), "-q"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(get_app(), ["export", str(mlkg_ttl), "--profile", "om-rdf", "-o", str(back)])
    assert res.exit_code == 0, res.output
    original = _normalized(Graph().parse(OM_FIXTURE))
    again = _normalized(Graph().parse(back))
    missing = original - again
    assert not missing, "\n".join(f"{s} {p} {o}" for s, p, o in sorted(missing, key=str))
