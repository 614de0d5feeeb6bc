"""The validation API and the ``core`` pack: structure of every entity (one failing case per field, generated from
the field specs), cross-field rules, SPARQL-based rules, incremental (focus) validation and the report."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

import mlkg.model as m
from mlkg.errors import InputError
from mlkg.model.base import REGISTRY, iter_fields
from mlkg.namespaces import MLKG, SH
from mlkg.rdf.build import to_graph
from mlkg.schema import shapes as shapegen
from mlkg.validate import PACKS, ValidationReport, expand_focus, load_pack, validate

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "validation"
PREFIXES = """
@prefix mlkg: <https://w3id.org/mlkg#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
"""
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def ttl(text: str) -> Graph:
    return Graph().parse(data=PREFIXES + text, format="turtle")


def paths_of(report: ValidationReport, focus: str) -> list[str | None]:
    return sorted((r.path for r in report.results if r.focus_node == focus), key=str)


# ---------------------------------------------------------------------------------------------------------------
# A realistic graph with every entity class (the shared kitchen sink of tests/conftest.py): core must accept it
# ---------------------------------------------------------------------------------------------------------------


def test_core_accepts_realistic_entities(kitchen_sink: Callable[..., list[m.Entity]]) -> None:
    for owned in (False, True):
        report = validate(kitchen_sink(owned_activities=owned))
        assert report.conforms, report.text()
        assert report.results == ()


def test_core_accepts_synthetic_estate() -> None:
    from mlkg import synth

    report = validate(synth.generate(10, seed=3))
    assert report.conforms and not report.results, report.text()


def test_seed_examples_validate_clean() -> None:
    import importlib.util
    import sys

    scripts = sorted(p for p in (ROOT / "examples").glob("*.py") if not p.name.startswith("_"))
    if not scripts:
        pytest.skip("no examples yet")
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        for p in scripts:
            spec = importlib.util.spec_from_file_location(f"example_{p.stem}", p)
            assert spec and spec.loader
            mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mod)
            report = validate(mod.build())
            assert report.conforms and not report.results, f"{p.name}:\n{report.text()}"
    finally:
        sys.path.remove(str(ROOT / "examples"))


# ---------------------------------------------------------------------------------------------------------------
# Every field of every class: a wrong value is reported under that field's name
# ---------------------------------------------------------------------------------------------------------------

_COMPLETE = {c.CLASS for c in REGISTRY.values()} - shapegen.referenced_classes()


def _good(spec: Any) -> str:
    if spec.kind == "literal":
        return {"string": '"x"', "anyURI": '"https://x.org/"^^xsd:anyURI', "dateTime": '"2025-01-01T00:00:00Z"^^xsd:dateTime',
                "date": '"2025-01-01"^^xsd:date', "double": '"0.5"^^xsd:double', "float": '"0.5"^^xsd:decimal',
                "integer": '"1"^^xsd:integer', "boolean": "true", "decimal": '"0.5"^^xsd:decimal'}[spec.datatype]
    if spec.kind == "typed":
        return '"0.5"^^xsd:double'
    if spec.kind == "enum":
        return f"mlkg:{next(iter(spec.enum)).iri_name}"
    raise AssertionError(spec)


def _bad(cls: type, fname: str, spec: Any) -> tuple[str, str]:
    """(object of the bad triple, extra Turtle) for one field."""
    k = spec.kind
    if k == "literal":
        if fname in ("description", "display_name"):
            return "<urn:not-a-literal>", ""
        return ('"7"^^xsd:integer' if spec.datatype == "string" else '"not a value"'), ""
    if k in ("typed", "iri"):
        return ("<urn:not-a-literal>" if k == "typed" else '"not an IRI"'), ""
    if k == "enum":
        wrong = "mlkg:TestSplit" if spec.enum is not m.Split else "mlkg:ProductionStage"
        return wrong, ""
    if k == "json":
        return '"{}"', ""
    # ref / child: an IRI of a class the field does not allow
    allowed = set(shapegen.value_classes(spec))
    wrong = next(c for c in ("Domain", "Algorithm", "Tag") if c not in allowed)
    return "<urn:wrong>", f'<urn:wrong> a mlkg:{wrong} ; mlkg:name "w" .'


def _field_cases() -> list[Any]:
    cases = []
    for cls in sorted(REGISTRY.values(), key=lambda c: c.CLASS):
        for f, spec in iter_fields(cls):
            if spec.reverse:
                continue
            cases.append(pytest.param(cls, f.name, spec, id=f"{cls.CLASS}.{f.name}"))
            if spec.text_prop:
                cases.append(pytest.param(cls, f.name + "_text", spec, id=f"{cls.CLASS}.{f.name}_text"))
    return cases


def _base_node(cls: type) -> str:
    lines = [f"<urn:x> a mlkg:{cls.CLASS}"]
    for _f, spec in iter_fields(cls):
        if spec.required and spec.prop != "name" and cls.CLASS in _COMPLETE:
            lines.append(f"mlkg:{spec.prop} {_good(spec)}")
    return " ;\n    ".join(lines)


@functools.cache
def _assert_base_conforms(cls: type) -> None:
    good = Graph().parse(data=PREFIXES + _base_node(cls) + ' ;\n    mlkg:name "n" .', format="turtle")
    ok = validate(good)
    assert ok.conforms and not ok.results, ok.text()


@pytest.mark.parametrize("cls,fname,spec", _field_cases())
def test_wrong_value_is_reported_under_the_field_name(cls: type, fname: str, spec: Any) -> None:
    base = _base_node(cls)
    _assert_base_conforms(cls)

    if fname.endswith("_text") and spec.text_prop:
        prop, bad, extra = spec.text_prop, '"7"^^xsd:integer', ""
    else:
        prop = spec.prop
        bad, extra = _bad(cls, fname, spec)
    name = ' ;\n    mlkg:name "n"' if fname != "name" else ""
    data = PREFIXES + f"{base}{name} ;\n    mlkg:{prop} {bad} .\n{extra}\n"
    report = validate(Graph().parse(data=data, format="turtle"))
    assert not report.conforms
    assert set(paths_of(report, "urn:x")) == {fname}, report.text()


def test_missing_required_value_and_second_value() -> None:
    report = validate(ttl("""
        <urn:e> a mlkg:Evaluation ; mlkg:name "auc" .
        <urn:f> a mlkg:Feature ; mlkg:name "f" ; mlkg:featureDataType mlkg:NumericalFeature , mlkg:CategoricalFeature .
        <urn:t> a mlkg:TagLabel ; mlkg:name "t" .
    """))
    assert paths_of(report, "urn:e") == ["value"]
    assert paths_of(report, "urn:f") == ["data_type"]
    assert paths_of(report, "urn:t") == ["tag_fqn"]
    assert all(r.severity == "Violation" and r.message for r in report.results)


def test_reference_stub_needs_a_name_fqn_or_id() -> None:
    ok = validate(ttl('<urn:t> a mlkg:Table ; mlkg:fullyQualifiedName "db.s.t" .'))
    assert ok.conforms
    report = validate(ttl("<urn:t> a mlkg:Table ."))
    assert paths_of(report, "urn:t") == ["name"]
    assert "needs a name, a fullyQualifiedName or an id" in report.results[0].message


@pytest.mark.parametrize("name,ok", [("churn", True), ("a:b", True), ("x" * 256, True), ("", False),
                                     ("a::b", False), ("x" * 257, False)])
def test_entity_name_pattern(name: str, ok: bool) -> None:
    g = Graph()
    g.add((URIRef("urn:m"), RDF.type, MLKG.MLModel))
    g.add((URIRef("urn:m"), MLKG.name, Literal(name)))
    report = validate(g)
    assert report.conforms is ok
    if not ok:
        assert paths_of(report, "urn:m") == ["name"]


def test_fqn_pattern() -> None:
    report = validate(ttl('<urn:m> a mlkg:MLModel ; mlkg:name "m" ; mlkg:fullyQualifiedName "svc::m" .'))
    assert paths_of(report, "urn:m") == ["fqn"]


def test_enum_individuals() -> None:
    good = validate(ttl("""<urn:s> a mlkg:FeatureSource ; mlkg:name "c" ; mlkg:sourceDataType mlkg:TimestampSource .
                           <urn:f> a mlkg:Feature ; mlkg:name "f" ; mlkg:featureDataType mlkg:CategoricalFeature ."""))
    assert good.conforms
    bad = validate(ttl("""<urn:s> a mlkg:FeatureSource ; mlkg:name "c" ; mlkg:sourceDataType mlkg:NumericalFeature .
                          <urn:f> a mlkg:Feature ; mlkg:name "f" ; mlkg:featureDataType mlkg:IntegerSource ."""))
    assert paths_of(bad, "urn:s") == ["data_type"] and paths_of(bad, "urn:f") == ["data_type"]
    assert {r.value for r in bad.results} == {str(MLKG.NumericalFeature), str(MLKG.IntegerSource)}


def test_owner_may_be_a_user_or_a_team_but_not_a_tag() -> None:
    ok = validate(ttl("""<urn:m> a mlkg:MLModel ; mlkg:name "m" ; mlkg:hasOwner <urn:u> , <urn:t> .
                         <urn:u> a mlkg:User ; mlkg:name "u" . <urn:t> a mlkg:Team ; mlkg:name "t" ."""))
    assert ok.conforms, ok.text()
    bad = validate(ttl("""<urn:m> a mlkg:MLModel ; mlkg:name "m" ; mlkg:hasOwner <urn:g> .
                          <urn:g> a mlkg:Tag ; mlkg:name "g" ."""))
    assert paths_of(bad, "urn:m") == ["owners"] and bad.results[0].value == "urn:g"


def test_value_ranges() -> None:
    bad = validate(ttl("""<urn:f> a mlkg:Feature ; mlkg:name "f" ; mlkg:position -1 .
                          <urn:e> a mlkg:Evaluation ; mlkg:name "x" ; mlkg:metricValue 1 ; mlkg:ciLevel 95.0 ."""))
    assert paths_of(bad, "urn:f") == ["position"]
    assert paths_of(bad, "urn:e") == ["ci_level"]


# ---------------------------------------------------------------------------------------------------------------
# core-rules.ttl: one passing and one failing case per rule
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("measure", ["Accuracy", "Precision", "Recall", "AUC", "F1"])
def test_ratio_measures_lie_in_unit_interval(measure: str) -> None:
    ok = validate([m.MLModel(name="m", metrics=[m.Evaluation(name="x", measure=str(MLKG[measure]), value=1.0),
                                                m.Evaluation(name="y", measure=str(MLKG[measure]), value=0)])])
    assert ok.conforms, ok.text()
    bad = validate([m.MLModel(name="m", metrics=[m.Evaluation(name="x", measure=str(MLKG[measure]), value=1.2)])])
    [r] = bad.results
    assert r.path == "value" and r.value == "1.2" and "between 0 and 1" in r.message
    assert measure in r.message


def test_unbounded_measures_may_exceed_one() -> None:
    assert validate([m.MLModel(name="m", metrics=[m.Evaluation(name="rmse", value=42.0)])]).conforms


def test_confidence_interval_contains_the_value() -> None:
    ok = m.Evaluation(name="auc", value=0.9, ci_lower=0.88, ci_upper=0.92)
    assert validate([m.MLModel(name="m", metrics=[ok])]).conforms
    low = validate([m.MLModel(name="m", metrics=[m.Evaluation(name="auc", value=0.9, ci_lower=0.95)])])
    assert [r.path for r in low.results] == ["ci_lower"]
    high = validate([m.MLModel(name="m", metrics=[m.Evaluation(name="auc", value=0.9, ci_upper=0.85)])])
    assert [r.path for r in high.results] == ["ci_upper"]


@pytest.mark.parametrize("length", [1, 2, 4])
def test_lineage_cycles_of_any_length(length: int) -> None:
    nodes = [f"<urn:t{i}>" for i in range(length)]
    triples = "\n".join(f'{n} a mlkg:Table ; mlkg:name "t" ; prov:wasDerivedFrom {nodes[(i + 1) % length]} .'
                        for i, n in enumerate(nodes))
    report = validate(ttl(triples + '\n<urn:up> a mlkg:Table ; mlkg:name "up" .\n'
                                    '<urn:t0> prov:wasDerivedFrom <urn:up> .'))
    assert sorted(r.focus_node for r in report.results) == sorted(n.strip("<>") for n in nodes)
    assert {r.path for r in report.results} == {"lineage"}
    assert all("cycle" in r.message for r in report.results)


def test_lineage_chain_and_diamond_are_not_cycles() -> None:
    report = validate(ttl("""
        <urn:a> a mlkg:Table ; mlkg:name "a" ; prov:wasDerivedFrom <urn:b> , <urn:c> .
        <urn:b> a mlkg:Table ; mlkg:name "b" ; prov:wasDerivedFrom <urn:d> .
        <urn:c> a mlkg:Table ; mlkg:name "c" ; prov:wasDerivedFrom <urn:d> .
        <urn:d> a mlkg:Table ; mlkg:name "d" .
    """))
    assert report.conforms and not report.results


def test_lineage_cycle_through_mlkg_properties_from_entities() -> None:
    a = m.Table(name="a", fqn="db.s.a", upstream=["db.s.b"])
    b = m.Table(name="b", fqn="db.s.b", upstream=["db.s.a"])
    report = validate([a, b])
    assert {(r.path, r.focus_node.rsplit("/", 1)[-1]) for r in report.results} == {("lineage", "db.s.a"),
                                                                                  ("lineage", "db.s.b")}


def test_one_version_per_alias() -> None:
    ok = validate([m.MLModel(name="m", versions=[m.ModelVersion(name="1", aliases=["challenger"]),
                                                 m.ModelVersion(name="2", aliases=["champion"])])])
    assert ok.conforms
    bad = validate([m.MLModel(name="m", versions=[m.ModelVersion(name="1", aliases=["champion"]),
                                                  m.ModelVersion(name="2", aliases=["champion", "latest"])])])
    assert sorted((r.focus_node.rsplit(".", 1)[-1], r.path, r.value) for r in bad.results) == [
        ("1", "aliases", "champion"), ("2", "aliases", "champion")]


def test_same_alias_on_versions_of_different_models_is_fine() -> None:
    assert validate([m.MLModel(name="a", versions=[m.ModelVersion(name="1", aliases=["champion"])]),
                     m.MLModel(name="b", versions=[m.ModelVersion(name="1", aliases=["champion"])])]).conforms


def test_version_dates_grow_with_version_numbers() -> None:
    d = lambda day: datetime(2025, 1, day, tzinfo=UTC)  # noqa: E731
    ok = validate([m.MLModel(name="m", versions=[
        m.ModelVersion(name="1", created_at=d(1), release_date=date(2025, 1, 2)),
        m.ModelVersion(name="2", created_at=d(5), release_date=date(2025, 1, 6)),
        m.ModelVersion(name="10", created_at=d(9))])])
    assert ok.conforms, ok.text()
    bad = validate([m.MLModel(name="m", versions=[
        m.ModelVersion(name="v1", created_at=d(5), release_date=date(2025, 1, 9)),
        m.ModelVersion(name="v2", created_at=d(3), release_date=date(2025, 1, 2))])])
    assert sorted((r.focus_node.rsplit(".", 1)[-1], r.path) for r in bad.results) == [
        ("v2", "created_at"), ("v2", "release_date")]
    assert "v1" in bad.results[0].message


def test_deployed_version_belongs_to_the_deployed_model() -> None:
    good = m.MLModel(name="m", service="svc", versions=[m.ModelVersion(name="1")],
                     deployments=[m.Endpoint(name="ep", model_version="svc.m.1")])
    assert validate([good]).conforms
    other = m.MLModel(name="other", service="svc", versions=[m.ModelVersion(name="7")])
    bad = m.MLModel(name="m", service="svc", versions=[m.ModelVersion(name="1")],
                    deployments=[m.Endpoint(name="ep", model_version="svc.other.7")])
    report = validate([bad, other])
    [r] = report.results
    assert r.path == "model_version" and r.value.endswith("svc.other.7") and r.focus_node.endswith("svc.m.ep")
    # an endpoint that names its model with servesModel is checked the same way
    ep = m.Endpoint(name="ep2", service="svc", model="svc.m", model_version="svc.other.7")
    assert [r.path for r in validate([bad.__class__(name="m", service="svc", versions=[m.ModelVersion(name="1")]),
                                      other, ep]).results] == ["model_version"]


def test_deployment_of_a_model_described_elsewhere_is_not_a_violation() -> None:
    ep = m.Endpoint(name="ep", service="svc", model="svc.m", model_version="svc.m.1")
    assert validate([ep]).conforms


# ---------------------------------------------------------------------------------------------------------------
# Focus (incremental) validation
# ---------------------------------------------------------------------------------------------------------------


def test_focus_checks_only_the_given_nodes() -> None:
    bad_a = m.MLModel(name="a", ml_features=[m.Feature(name="f", position=-1)])
    bad_b = m.MLModel(name="b", ml_features=[m.Feature(name="g", position=-2)])
    g = to_graph([bad_a, bad_b])
    full = validate(g)
    assert len(full.results) == 2
    only_a = validate(g, focus=[bad_a])  # an entity brings the nodes it owns
    assert [r.focus_node for r in only_a.results] == [bad_a.ml_features[0].iri()]
    by_iri = validate(g, focus=expand_focus(g, [bad_b.iri()]))
    assert [r.focus_node for r in by_iri.results] == [bad_b.ml_features[0].iri()]
    assert validate(g, focus={bad_b.iri()}).conforms  # the model alone is fine


def test_focus_runs_sparql_rules_against_the_whole_graph() -> None:
    g = ttl("""<urn:a> a mlkg:Table ; mlkg:name "a" ; prov:wasDerivedFrom <urn:b> .
               <urn:b> a mlkg:Table ; mlkg:name "b" ; prov:wasDerivedFrom <urn:c> .
               <urn:c> a mlkg:Table ; mlkg:name "c" ; prov:wasDerivedFrom <urn:a> .""")
    report = validate(g, focus=["urn:b"])
    assert [(r.focus_node, r.path) for r in report.results] == [("urn:b", "lineage")]


def test_focus_equals_full_validation_restricted_to_the_focus() -> None:
    from mlkg import synth

    ents = synth.generate(5, seed=2)
    g = to_graph(ents)
    # break a few things
    model = next(e for e in ents if isinstance(e, m.MLModel))
    v = URIRef(model.versions[0].iri())
    g.add((v, MLKG.stage, MLKG.TestSplit))
    g.add((URIRef(model.iri()), MLKG.name, Literal("x::y")))
    focus = expand_focus(g, [model.iri()])
    full = {(r.focus_node, r.path, r.message) for r in validate(g).results if URIRef(r.focus_node) in focus}
    part = {(r.focus_node, r.path, r.message) for r in validate(g, focus=focus).results}
    assert full == part and len(part) >= 2


# ---------------------------------------------------------------------------------------------------------------
# Report, packs, options
# ---------------------------------------------------------------------------------------------------------------


def test_report_json_text_and_w3c_graph() -> None:
    report = validate(ttl('<urn:f> a mlkg:Feature ; mlkg:name "f" ; mlkg:featureAlgorithm 7 .'))
    doc = report.to_json()
    assert doc["conforms"] is False
    [res] = doc["results"]
    assert set(res) == {"focusNode", "path", "severity", "message", "value", "shape"}
    assert res["focusNode"] == "urn:f" and res["path"] == "feature_algorithm" and res["value"] == "7"
    assert res["shape"] == "mlkgsh:FeatureShape-feature_algorithm" and res["severity"] == "Violation"
    json.loads(report.dumps())
    text = report.text()
    assert "Conforms: no (1 violation)" in text and "f (mlkg:Feature)" in text and "feature_algorithm:" in text
    assert (None, SH.conforms, Literal(False)) in report.graph
    with pytest.raises(Exception):
        report.conforms = True  # type: ignore[misc]


def test_fail_on_sets_the_threshold() -> None:
    prod = [m.MLModel(name="m", owners=["t"], versions=[m.ModelVersion(
        name="1", stage="Production", metrics=[m.Evaluation(name="auc", value=0.9, split="test")])])]
    default = validate(prod, ("core", "governance"))
    assert default.conforms and {r.severity for r in default.results} == {"Warning", "Info"}
    assert not validate(prod, ("core", "governance"), fail_on="Warning").conforms
    with pytest.raises(ValueError):
        validate(prod, fail_on="Error")


def test_custom_pack_from_a_path(tmp_path: Path) -> None:
    pack = tmp_path / "rules.ttl"
    pack.write_text(PREFIXES + """@prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:rules#NeedsDescription> a sh:NodeShape ; sh:targetClass mlkg:MLModel ;
            sh:property [ sh:path mlkg:description ; sh:name "description" ; sh:minCount 1 ;
                          sh:severity sh:Warning ; sh:message "a model needs a description" ] .""")
    report = validate([m.MLModel(name="m")], packs=(str(pack),), fail_on="Warning")
    [r] = report.results
    assert (r.path, r.severity, r.message) == ("description", "Warning", "a model needs a description")
    assert validate([m.MLModel(name="m", description="d")], packs=(pack,)).conforms


def test_unknown_pack_and_bad_pack_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no rule pack"):
        validate([m.MLModel(name="m")], packs=("nope",))
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<urn:a> sh:path .\n")
    with pytest.raises(InputError) as e:
        load_pack(bad)
    assert e.value.source == str(bad) and e.value.line == 2


def test_inference_option_runs() -> None:
    report = validate([m.MLModel(name="m", ml_features=[m.Feature(name="f", position=-1)])], inference=True)
    assert [r.path for r in report.results] == ["position"]


# ---------------------------------------------------------------------------------------------------------------
# The shape files themselves
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("pack", sorted(PACKS))
def test_every_property_shape_has_a_name_and_a_message(pack: str) -> None:
    g = load_pack(pack)
    prop_shapes = set(g.subjects(SH.path, None))
    assert prop_shapes
    unnamed = sorted(str(s) for s in prop_shapes if g.value(s, SH.name) is None)
    silent = sorted(str(s) for s in prop_shapes if g.value(s, SH.message) is None)
    assert not unnamed and not silent, (unnamed, silent)


def test_core_shapes_file_is_generated_from_the_field_specs() -> None:
    current = (ROOT / "ontology" / "shapes" / "core.ttl").read_text(encoding="utf-8")
    assert current == shapegen.generate(), "core.ttl is stale: run python -m mlkg.tools.generate"


def test_every_class_has_a_node_shape() -> None:
    g = load_pack("core")
    targets = {str(o).rsplit("#", 1)[-1] for o in g.objects(None, SH.targetClass)}
    assert {c.CLASS for c in REGISTRY.values()} <= targets


@pytest.mark.slow
@pytest.mark.parametrize("pack", sorted(PACKS))
def test_packs_are_valid_shacl(pack: str) -> None:
    from pyshacl.entrypoints import meta_validate

    # governance nests paths inside sh:or lists, deeper than pySHACL's default recursion limit (15) for the
    # shacl-shacl shapes; that is a limit of the checker, not of the shapes.
    conforms, _graph, text = meta_validate(load_pack(pack), max_validation_depth=30)
    assert conforms, text
