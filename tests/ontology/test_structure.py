"""The ontology's kinds, domains and ranges agree with the field specs, and the check catches a wrong one."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from mlkg.ontology import load_ontology
from mlkg.resources import resource_path
from mlkg.schema.structure import disagreements, expected
from mlkg.vocab import MLKG

TARGET_BLOCK = """mlkg:target
    a owl:DatatypeProperty ;
    rdfs:label "target"@en ;
    rdfs:domain mlkg:MLModel ;
    rdfs:range xsd:string ;"""


def _mutated(tmp_path: Path, old: str, new: str) -> Graph:
    """A copy of the shipped ontology with one block changed, parsed."""
    text = resource_path("ontology", "mlkg.ttl").read_text(encoding="utf-8")
    assert text.count(old) == 1, "the block to change is not in the ontology any more"
    copy = tmp_path / "mlkg.ttl"
    copy.write_text(text.replace(old, new), encoding="utf-8")
    return Graph().parse(copy, format="turtle")


def test_the_shipped_ontology_agrees_with_the_field_specs() -> None:
    assert disagreements(load_ontology()) == []


def test_every_field_property_is_checked() -> None:
    props = expected()
    assert MLKG.trainedOn in props and MLKG.valueText in props and MLKG.href in props
    assert props[MLKG.trainedOn].domain == {MLKG.MLModel, MLKG.ModelVersion}
    assert props[MLKG.trainedOn].range == {MLKG.Table, MLKG.Dataset, MLKG.Container}
    assert props[MLKG.hasOwner].open_domain  # declared on Asset: every asset has owners
    assert props[MLKG.displays].domain == {MLKG.Dashboard}  # MLModel.dashboard is a reverse field


def test_a_wrong_domain_and_range_is_caught(tmp_path: Path) -> None:
    """The design review's drift trial: mlkg:target given `rdfs:domain mlkg:Table ; rdfs:range xsd:integer` while
    MLModel.target stays a string field. Both disagreements are reported, and nothing else."""
    g = _mutated(tmp_path, TARGET_BLOCK, TARGET_BLOCK.replace(
        "rdfs:domain mlkg:MLModel ;\n    rdfs:range xsd:string ;", "rdfs:domain mlkg:Table ; rdfs:range xsd:integer ;"))
    assert disagreements(g) == [
        "mlkg:target: rdfs:domain is mlkg:Table but the field specs say mlkg:MLModel (MLModel.target)",
        "mlkg:target: rdfs:range is xsd:integer but the field specs say xsd:string (MLModel.target)",
    ]


def test_a_wrong_kind_is_caught(tmp_path: Path) -> None:
    g = _mutated(tmp_path, TARGET_BLOCK, TARGET_BLOCK.replace("owl:DatatypeProperty", "owl:ObjectProperty"))
    assert disagreements(g) == ["mlkg:target: declared owl:ObjectProperty but the field specs make it "
                                "owl:DatatypeProperty (MLModel.target)"]


@pytest.mark.parametrize("old,new,expect", [
    ("owl:unionOf ( mlkg:Table mlkg:Dataset mlkg:Container ) ] ;\n    skos:definition \"Links a model or version "
     "to data it was fitted on.\"",
     "owl:unionOf ( mlkg:Table mlkg:Dataset ) ] ;\n    skos:definition \"Links a model or version to data it was "
     "fitted on.\"",
     "mlkg:trainedOn: rdfs:range is (mlkg:Dataset mlkg:Table) but the field specs say "
     "(mlkg:Container mlkg:Dataset mlkg:Table)"),
    ("mlkg:hasTagLabel\n    a owl:ObjectProperty ;\n", "mlkg:hasTagLabel\n    a owl:ObjectProperty ;\n"
     "    rdfs:domain mlkg:MLModel ;\n",
     "mlkg:hasTagLabel: rdfs:domain is mlkg:MLModel but the field specs use it on any class"),
])
def test_a_wrong_union_or_a_domain_on_a_shared_property_is_caught(tmp_path: Path, old: str, new: str,
                                                                   expect: str) -> None:
    found = disagreements(_mutated(tmp_path, old, new))
    assert len(found) == 1 and found[0].startswith(expect), found
