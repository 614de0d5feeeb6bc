"""The ontology files: they parse, every term is documented, the core keeps to OWL 2 DL structure, the PROV-O
hierarchy holds, the alignment module only maps, and ``mlkg.vocab`` is generated from the current ontology."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS

from mlkg.model.base import REGISTRY, iter_fields
from mlkg.namespaces import MLKG_IRI

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "ontology" / "mlkg.ttl"
ALIGN = ROOT / "ontology" / "mlkg-align.ttl"
ONTOLOGY_IRI = URIRef("https://w3id.org/mlkg")
CATEGORY = URIRef(MLKG_IRI + "category")
CATEGORIES = {"core", "governance", "lineage", "openmetadata"}
DECLARATIONS = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual)
MLS = "http://www.w3.org/ns/mls#"
# Plain namespaces (rdflib's DefinedNamespace objects warn when pytest inspects module globals).
PROV = Namespace("http://www.w3.org/ns/prov#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")


def M(local: str) -> URIRef:
    return URIRef(MLKG_IRI + local)


@pytest.fixture(scope="module")
def core() -> Graph:
    return Graph().parse(CORE, format="turtle")


@pytest.fixture(scope="module")
def align() -> Graph:
    return Graph().parse(ALIGN, format="turtle")


def mlkg_terms(g: Graph) -> set[URIRef]:
    """Every mlkg IRI the graph mentions, in any position."""
    return {t for triple in g for t in triple if isinstance(t, URIRef) and str(t).startswith(MLKG_IRI)}


def declared(g: Graph, kind: URIRef) -> set[URIRef]:
    return {s for s in g.subjects(RDF.type, kind) if isinstance(s, URIRef) and str(s).startswith(MLKG_IRI)}


def superclasses(g: Graph, c: URIRef) -> set[URIRef]:
    """Named superclasses of ``c`` (reflexive, transitive)."""
    seen, stack = set(), [c]
    while stack:
        x = stack.pop()
        if x in seen:
            continue
        seen.add(x)
        stack.extend(o for o in g.objects(x, RDFS.subClassOf) if isinstance(o, URIRef))
    return seen


def union_members(g: Graph, expr: URIRef | BNode) -> list[URIRef | BNode]:
    """The named classes of a class expression: the class itself or the members of an owl:unionOf."""
    if isinstance(expr, URIRef):
        return [expr]
    lst = g.value(expr, OWL.unionOf)
    assert lst is not None, f"unsupported class expression {expr!r}"
    return list(Collection(g, lst))


# ---------------------------------------------------------------------------------------------------------------
# Files and header
# ---------------------------------------------------------------------------------------------------------------


def test_core_header(core: Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in core
    assert core.value(ONTOLOGY_IRI, OWL.versionIRI) is not None
    assert core.value(ONTOLOGY_IRI, DCTERMS.license) is not None
    assert isinstance(core.value(ONTOLOGY_IRI, DCTERMS.modified), Literal)
    imports = {str(o) for o in core.objects(ONTOLOGY_IRI, OWL.imports)}
    assert any("prov-o" in i for i in imports), imports
    assert any("dcat" in i for i in imports), imports
    assert CORE.read_text(encoding="utf-8").startswith("#"), "the core starts with a header comment"


def test_alignment_parses_and_imports_core(align: Graph) -> None:
    onto = next(align.subjects(RDF.type, OWL.Ontology))
    assert ONTOLOGY_IRI in set(align.objects(onto, OWL.imports))
    assert len(align) > 50


def test_loader_merges_alignment() -> None:
    from mlkg.ontology import load_ontology

    core_only = load_ontology()
    merged = load_ontology(alignment=True)
    assert (M("Table"), RDFS.subClassOf, DCAT.Dataset) in merged
    assert (M("Table"), RDFS.subClassOf, DCAT.Dataset) not in core_only
    assert len(merged) > len(core_only)


# ---------------------------------------------------------------------------------------------------------------
# Documentation of every term
# ---------------------------------------------------------------------------------------------------------------


def test_every_term_is_documented(core: Graph) -> None:
    problems = []
    terms = set().union(*(declared(core, k) for k in DECLARATIONS))
    assert len(terms) > 200
    for t in sorted(terms):
        name = t[len(MLKG_IRI):]
        for p, what in ((RDFS.label, "rdfs:label"), (SKOS.definition, "skos:definition"),
                        (SKOS.example, "skos:example")):
            vals = [o for o in core.objects(t, p) if isinstance(o, Literal) and str(o).strip()]
            if len(vals) != 1:
                problems.append(f"{name}: {len(vals)} {what}")
        if core.value(t, RDFS.isDefinedBy) != ONTOLOGY_IRI:
            problems.append(f"{name}: rdfs:isDefinedBy is not <{ONTOLOGY_IRI}>")
        cats = {str(o) for o in core.objects(t, CATEGORY)}
        if len(cats) != 1 or not cats <= CATEGORIES:
            problems.append(f"{name}: mlkg:category {sorted(cats)}, expected one of {sorted(CATEGORIES)}")
        d = str(core.value(t, SKOS.definition) or "")
        if d.strip() == name or len(d) < 12:
            problems.append(f"{name}: placeholder definition {d!r}")
    assert not problems, "\n".join(problems)


def test_examples_are_turtle_using_defined_terms(core: Graph) -> None:
    prologue = ("@prefix : <https://example.org/> . @prefix mlkg: <https://w3id.org/mlkg#> . "
                "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . "
                "@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> . "
                "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n")
    known = mlkg_terms(core)
    problems = []
    for t, ex in core.subject_objects(SKOS.example):
        try:
            g = Graph().parse(data=prologue + str(ex), format="turtle")
        except Exception as e:
            problems.append(f"{t}: example does not parse: {e}")
            continue
        if t not in {x for triple in g for x in triple}:
            problems.append(f"{t}: example {str(ex)!r} does not use the term")
        unknown = mlkg_terms(g) - known
        if unknown:
            problems.append(f"{t}: example uses undefined {sorted(unknown)}")
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------------------------------------------
# OWL 2 DL structure
# ---------------------------------------------------------------------------------------------------------------


def test_no_term_declared_twice(core: Graph) -> None:
    kinds = {}
    for k in DECLARATIONS[:4]:
        for t in declared(core, k):
            kinds.setdefault(t, []).append(k)
    both = {t: ks for t, ks in kinds.items() if len(ks) > 1}
    assert not both, f"terms with more than one kind: {both}"
    individuals = declared(core, OWL.NamedIndividual)
    assert not individuals & set(kinds), "individuals that are also classes or properties (punning)"
    # one block per term in the file
    text = CORE.read_text(encoding="utf-8").splitlines()
    openers = [line.strip() for line in text if line.startswith("mlkg:") and line.strip() == line.rstrip()
               and " " not in line.strip()]
    dupes = sorted({o for o in openers if openers.count(o) > 1})
    assert not dupes, f"terms described in more than one block: {dupes}"


def test_every_mlkg_iri_is_declared_and_every_property_typed(core: Graph) -> None:
    decl = set().union(*(declared(core, k) for k in DECLARATIONS))
    undeclared = mlkg_terms(core) - decl - {ONTOLOGY_IRI}
    assert not undeclared, f"mlkg IRIs used but not declared: {sorted(undeclared)}"
    props = set().union(*(declared(core, k) for k in DECLARATIONS[1:4]))
    used_as_predicate = {p for p in core.predicates() if str(p).startswith(MLKG_IRI)}
    with_domain_or_range = {s for s in core.subjects(RDFS.domain) if str(s).startswith(MLKG_IRI)} | {
        s for s in core.subjects(RDFS.range) if str(s).startswith(MLKG_IRI)}
    assert used_as_predicate <= props, used_as_predicate - props
    assert with_domain_or_range <= props, with_domain_or_range - props


def test_object_and_datatype_properties_are_consistent(core: Graph) -> None:
    obj, dat = declared(core, OWL.ObjectProperty), declared(core, OWL.DatatypeProperty)
    classes = declared(core, OWL.Class) | {PROV.Entity, PROV.Activity, PROV.Agent, SKOS.Concept}
    problems = []
    for p in sorted(obj | dat):
        for kind in (RDFS.domain, RDFS.range):
            for expr in core.objects(p, kind):
                if p in dat and kind == RDFS.range:
                    if not (str(expr).startswith(str(XSD)) or expr in (RDFS.Literal, RDF.JSON)):
                        problems.append(f"{p}: datatype property with non-datatype range {expr}")
                    continue
                for c in union_members(core, expr):
                    if c not in classes:
                        problems.append(f"{p}: {kind.fragment} {c} is not a declared class")
        for sup in core.objects(p, RDFS.subPropertyOf):
            if (sup, RDF.type, OWL.ObjectProperty if p in dat else OWL.DatatypeProperty) in core:
                problems.append(f"{p}: sub-property of {sup}, which is the other kind of property")
    assert not problems, "\n".join(problems)
    # the kinds follow the code: literal/typed/json fields are datatype properties, the rest object properties
    for cls in REGISTRY.values():
        for f, spec in iter_fields(cls):
            want = dat if spec.kind in ("literal", "typed", "json") else obj
            assert M(spec.prop) in want, f"{cls.__name__}.{f.name}: mlkg:{spec.prop} has the wrong kind"


#: The OWL 2 datatype map (OWL 2 Structural Specification, section 4) plus rdfs:Literal.
OWL2_DATATYPES = {str(XSD[x]) for x in (
    "decimal", "integer", "nonNegativeInteger", "nonPositiveInteger", "positiveInteger", "negativeInteger", "long",
    "int", "short", "byte", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte", "double", "float",
    "string", "normalizedString", "token", "language", "Name", "NCName", "NMTOKEN", "boolean", "hexBinary",
    "base64Binary", "anyURI", "dateTime", "dateTimeStamp")} | {
    "http://www.w3.org/2000/01/rdf-schema#Literal", "http://www.w3.org/1999/02/22-rdf-syntax-ns#PlainLiteral",
    "http://www.w3.org/2002/07/owl#real", "http://www.w3.org/2002/07/owl#rational",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#XMLLiteral"}
#: Datatypes outside the map the core uses as ranges: none (mlkg:releaseDate's xsd:date values have the range
#: rdfs:Literal, so the ontology is OWL 2 DL; tests/conformance/test_owl_profile.py runs OWL API's DL profile check).
NON_MAP_DATATYPES: set[str] = set()


def test_datatype_ranges_are_in_the_owl2_datatype_map(core: Graph) -> None:
    used = {str(o) for p in declared(core, OWL.DatatypeProperty) for o in core.objects(p, RDFS.range)}
    assert used - OWL2_DATATYPES == NON_MAP_DATATYPES, used - OWL2_DATATYPES


def test_enumerations_and_measures_are_named_individuals(core: Graph) -> None:
    from mlkg.model import entities

    enums = [entities.PlatformType, entities.FeatureType, entities.SourceDataType, entities.Stage,
             entities.DeploymentType, entities.DeploymentStatus, entities.Split]
    for e in enums:
        cls = M(e.__name__)
        assert (cls, RDF.type, OWL.Class) in core
        assert SKOS.Concept in superclasses(core, cls)
        for m in e:
            assert (M(m.iri_name), RDF.type, OWL.NamedIndividual) in core, m
            assert (M(m.iri_name), RDF.type, cls) in core, m
    assert SKOS.Concept in superclasses(core, M("Measure"))
    for local in set(entities.MEASURES.values()):
        assert (M(local), RDF.type, M("Measure")) in core
        assert (M(local), SKOS.inScheme, M("Measures")) in core


# ---------------------------------------------------------------------------------------------------------------
# PROV-O hierarchy and lineage sub-properties
# ---------------------------------------------------------------------------------------------------------------

ENTITIES = ("Table", "Dataset", "Column", "Container", "Feature", "FeatureSource", "MLModel", "ModelVersion",
            "Endpoint", "Dashboard", "AlertingSystem", "MLModelService", "Experiment", "DataProduct")


@pytest.mark.parametrize("local", ENTITIES)
def test_assets_are_prov_entities(core: Graph, local: str) -> None:
    sup = superclasses(core, M(local))
    assert PROV.Entity in sup and PROV.Activity not in sup


@pytest.mark.parametrize(("local", "parent"), [
    ("Pipeline", PROV.Activity), ("TrainingRun", PROV.Activity), ("AuditEvent", PROV.Activity),
    ("User", PROV.Person), ("Team", PROV.Organization), ("Tag", SKOS.Concept), ("GlossaryTerm", SKOS.Concept),
    ("FairnessMetric", M("Evaluation")),
])
def test_class_hierarchy(core: Graph, local: str, parent: URIRef) -> None:
    assert parent in superclasses(core, M(local))
    if parent == PROV.Activity:
        assert PROV.Entity not in superclasses(core, M(local))


#: The lineage axioms mlkg.rdf.closure materializes (the design's PROV-O direction: downstream -> upstream).
LINEAGE = {
    "hasFeatureSource": PROV.wasDerivedFrom, "hasFeature": PROV.wasDerivedFrom, "usesFeature": PROV.wasDerivedFrom,
    "trainedOn": PROV.wasDerivedFrom, "predictionsFrom": PROV.wasDerivedFrom, "deploymentOf": PROV.wasDerivedFrom,
    "servesModelVersion": PROV.wasDerivedFrom, "displays": PROV.wasDerivedFrom, "alertsOn": PROV.wasDerivedFrom,
    "upstream": PROV.wasDerivedFrom, "derivedFromModel": PROV.wasDerivedFrom, "producedBy": PROV.wasGeneratedBy,
    "readsFrom": PROV.used, "usedTrainingData": PROV.used, "hasOwner": PROV.wasAttributedTo,
    "previousVersion": PROV.wasRevisionOf, "startedBy": PROV.wasAssociatedWith, "belongsToTable": DCTERMS.isPartOf,
}


@pytest.mark.parametrize("local", sorted(LINEAGE))
def test_lineage_sub_properties(core: Graph, local: str) -> None:
    assert (M(local), RDFS.subPropertyOf, LINEAGE[local]) in core


#: PROV-O domains (d) and ranges (r) of the super-properties mlkg uses (PROV-O, W3C Recommendation 2013).
PROV_SIGNATURE = {
    PROV.wasDerivedFrom: (PROV.Entity, PROV.Entity), PROV.wasGeneratedBy: (PROV.Entity, PROV.Activity),
    PROV.used: (PROV.Activity, PROV.Entity), PROV.wasAttributedTo: (PROV.Entity, PROV.Agent),
    PROV.wasAssociatedWith: (PROV.Activity, PROV.Agent), PROV.wasRevisionOf: (PROV.Entity, PROV.Entity),
    PROV.startedAtTime: (PROV.Activity, None), PROV.endedAtTime: (PROV.Activity, None),
}
#: Known conflict: Pipeline and TrainingRun (prov:Activity) have owners, and mlkg:hasOwner is a sub-property of
#: prov:wasAttributedTo (domain prov:Entity, which PROV-O declares disjoint with prov:Activity).
KNOWN_PROV_CONFLICTS: set[tuple[str, str, str]] = set()

_AGENT_CLASSES = {PROV.Agent, PROV.Person, PROV.Organization}


def _prov_conflicts(core: Graph) -> set[tuple[str, str, str]]:
    """(property, class, side) where a class that uses an mlkg property (per the field specs) does not fit the
    PROV-O domain or range of the property's super-property."""
    from mlkg.model.base import REF_TYPES

    def fits(cls_local: str, want: URIRef) -> bool:
        sup = superclasses(core, M(cls_local))
        if want == PROV.Agent:
            return bool(sup & _AGENT_CLASSES)
        other = PROV.Activity if want == PROV.Entity else PROV.Entity
        return want in sup and other not in sup

    out = set()
    for cls in REGISTRY.values():
        for _f, spec in iter_fields(cls):
            for sup in core.objects(M(spec.prop), RDFS.subPropertyOf):
                if sup not in PROV_SIGNATURE:
                    continue
                dom, rng = PROV_SIGNATURE[sup]
                target = None
                if spec.kind == "ref":
                    target = REF_TYPES[spec.target]
                elif spec.kind == "child":
                    target = spec.target.CLASS
                subj, obj = (target, cls.CLASS) if spec.reverse else (cls.CLASS, target)
                if subj and not fits(subj, dom):
                    out.add((spec.prop, subj, "subject"))
                if rng is not None and obj and not fits(obj, rng):
                    out.add((spec.prop, obj, "object"))
    return out


def test_prov_super_properties_fit_the_classes_using_them(core: Graph) -> None:
    new = _prov_conflicts(core) - KNOWN_PROV_CONFLICTS
    assert not new, f"PROV-O domain/range conflicts (property, class, side): {sorted(new)}"


def test_no_known_prov_conflicts_remain(core: Graph) -> None:
    assert not _prov_conflicts(core)


# ---------------------------------------------------------------------------------------------------------------
# Alignment module
# ---------------------------------------------------------------------------------------------------------------

LOGICAL_TARGETS = (str(PROV), str(DCAT), MLS)
SKOS_MAPPINGS = {SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch}


def test_alignment_only_maps_existing_terms(core: Graph, align: Graph) -> None:
    assert mlkg_terms(align) <= mlkg_terms(core), mlkg_terms(align) - mlkg_terms(core)
    assert not {s for s in align.subjects(RDF.type) if str(s).startswith(MLKG_IRI)}, "alignment declares mlkg terms"
    for bad in (OWL.equivalentClass, OWL.equivalentProperty, OWL.sameAs):
        assert not list(align.subject_objects(bad)), f"{bad} makes the merge fragile; use subClassOf or SKOS"


def test_alignment_link_kinds(align: Graph) -> None:
    problems = []
    n_logical = n_skos = 0
    for s, p, o in align:
        if not str(s).startswith(MLKG_IRI):
            continue
        if p in (RDFS.subClassOf, RDFS.subPropertyOf):
            n_logical += 1
            if not str(o).startswith(LOGICAL_TARGETS):
                problems.append(f"{s} {p.fragment} {o}: logical links only to PROV-O, DCAT 3 and ML Schema")
        elif p in SKOS_MAPPINGS:
            n_skos += 1
        else:
            problems.append(f"unexpected predicate {p} on {s}")
    for p in SKOS_MAPPINGS:
        assert (p, RDF.type, OWL.AnnotationProperty) in align
    assert not problems, "\n".join(problems)
    assert n_logical >= 20 and n_skos >= 40, (n_logical, n_skos)


@pytest.mark.parametrize(("local", "target"), [
    ("ModelVersion", URIRef(MLS + "Model")), ("Table", DCAT.Dataset), ("MLModelService", DCAT.DataService),
    ("Endpoint", DCAT.DataService), ("TrainingRun", URIRef(MLS + "Run")), ("Algorithm", URIRef(MLS + "Algorithm")),
])
def test_recommended_alignments(align: Graph, local: str, target: URIRef) -> None:
    assert (M(local), RDFS.subClassOf, target) in align


def test_models_are_not_datasets(core: Graph, align: Graph) -> None:
    merged = core + align
    for local in ("MLModel", "ModelVersion", "Endpoint", "Column", "Feature"):
        sup = superclasses(merged, M(local))
        assert DCAT.Dataset not in sup, local
    assert (M("hasVersion"), RDFS.subPropertyOf, DCAT.hasVersion) in align
    assert (M("previousVersion"), RDFS.subPropertyOf, DCAT.previousVersion) in align


# ---------------------------------------------------------------------------------------------------------------
# Generated vocabulary module
# ---------------------------------------------------------------------------------------------------------------


def test_vocab_has_every_term_and_is_closed(core: Graph) -> None:
    from mlkg.vocab import MLKG

    terms = set().union(*(declared(core, k) for k in DECLARATIONS))
    for t in terms:
        assert getattr(MLKG, t[len(MLKG_IRI):]) == t
    with pytest.raises(AttributeError):
        MLKG.trainedon  # noqa: B018 - a misspelling must fail
    assert len(list(dir(MLKG))) == len(terms)
