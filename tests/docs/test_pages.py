"""The generated documentation pages: complete, current, and made of mlkg's own output."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

import mlkg.model as m
from mlkg.docs import site, specs

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"


def test_generated_pages_are_current() -> None:
    stale = site.write_pages(check=True)
    assert not stale, f"stale generated pages {stale}: run `mlkg docs pages` (or python -m mlkg.tools.generate)"


@pytest.mark.parametrize("cls", [m.MLModel, m.MLModelService])
def test_spec_page_holds_every_field(cls: type) -> None:
    text = (DOCS / specs.PAGE_DIR / specs.page_name(cls)).read_text()
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    names = {re.match(r"\| `([^`]+)`", r).group(1) for r in rows}  # type: ignore[union-attr]
    fields = {f.name for f in dataclasses.fields(cls) if "mlkg" in f.metadata}
    assert fields <= names, f"fields missing from the {cls.__name__} page: {sorted(fields - names)}"


def test_a_new_field_changes_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """The drift check can fail: a field added to MLModel without regenerating makes the page stale."""
    before = specs.render(m.MLModel)
    extra = m.MLModel.__dataclass_fields__["algorithm"]
    fake = dataclasses.field(metadata=extra.metadata)
    fake.name = "risk_tier"
    monkeypatch.setattr(specs, "fields_of", lambda cls: [*((f, f.metadata["mlkg"]) for f in dataclasses.fields(cls)
                                                            if "mlkg" in f.metadata), (fake, extra.metadata["mlkg"])]
                        if cls is m.MLModel else [(f, f.metadata["mlkg"]) for f in dataclasses.fields(cls)
                                                  if "mlkg" in f.metadata])
    assert "`risk_tier`" in specs.render(m.MLModel) and "`risk_tier`" not in before


def _blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)\n```", text, re.S)


def test_spec_page_examples_are_mlkg_output() -> None:
    """The Turtle and JSON-LD examples on the ML Model page are the same graph as the example file's node."""
    page = (DOCS / specs.PAGE_DIR / "MLModel.md").read_text()
    example, iri = specs.example_node(m.MLModel)  # type: ignore[misc]
    turtle = _blocks(page.split("### Turtle")[1], "turtle")[0]
    prefixes = "@prefix mlkg: <https://w3id.org/mlkg#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n" \
               "@prefix prov: <http://www.w3.org/ns/prov#> .\n@prefix dcat: <http://www.w3.org/ns/dcat#> .\n" \
               "@prefix dcterms: <http://purl.org/dc/terms/> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    on_page = Graph().parse(data=prefixes + turtle, format="turtle")
    source = Graph().parse(ROOT / "examples" / "output" / f"{example}.ttl")
    expected = Graph()
    for p, o in source.predicate_objects(URIRef(iri)):
        expected.add((URIRef(iri), p, o))
    assert len(on_page) >= len(expected) > 10
    assert isomorphic(on_page, expected) or set(expected) <= set(on_page)
    doc = json.loads(_blocks(page.split("### JSON-LD")[1], "json")[0])
    from mlkg.rdf.jsonld import to_graph

    assert isomorphic(to_graph(doc), on_page)
    om = json.loads(_blocks(page.split("### OpenMetadata JSON")[1], "json")[0])
    assert om["name"] == "fraud_detection" and m.MLModel.from_dict(om).name == "fraud_detection"


def test_ontology_page_lists_every_term() -> None:
    from rdflib import OWL, RDF

    from mlkg.ontology import load_ontology

    page = (DOCS / "reference" / "ontology.md").read_text()
    g = load_ontology()
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        for term in g.subjects(RDF.type, kind):
            if str(term).startswith("https://w3id.org/mlkg#"):
                local = str(term).split("#")[1]
                assert f"### {local} {{#{local}}}" in page, local


def test_hand_written_code_blocks_run_or_are_marked() -> None:
    """Every fenced block in a hand-written page is marked illustrative; command output comes from run markers."""
    for page in [*sorted(DOCS.glob("*.md")), ROOT / "README.md"]:
        text = page.read_text()
        for m_ in re.finditer(r"^```(\w*)\n", text, re.M):
            start = m_.start()
            if text.count("```", 0, start) % 2:  # a closing fence
                continue
            before = text[:start].rstrip().rsplit("\n", 1)[-1]
            assert before.startswith(("<!-- illustrative", "<!-- tested")), \
                f"{page.name}: a code block at offset {start} is neither run by a test nor marked illustrative"


def test_run_markers_run() -> None:
    out = site.run_command("mlkg query production examples/output/fraud_detection.ttl --format csv")
    assert "mlflow-prod.fraud_detection" in out or "fraud_detection" in out


def test_platform_integration_comes_from_the_declared_mapping_tables() -> None:
    from mlkg.docs.integrations import declared
    from mlkg.importers import get

    filled = declared("Endpoint")
    assert {"sagemaker", "vertexai", "azureml", "kubeflow"} <= set(filled)
    # each row is the importer's own declaration: field and platform source
    assert filled["sagemaker"] == dict(sorted(get("sagemaker").fills[m.Endpoint].items()))
    source = filled["sagemaker"]["instance_type"]
    assert "InstanceType" in source
    page = (DOCS / specs.PAGE_DIR / "Endpoint.md").read_text()
    section = page.split("## Platform integration")[1]
    assert f"| [`sagemaker`](../../importers/sagemaker.md) | `instance_type` | {source} |" in section
    importer_page = (DOCS / "importers" / "sagemaker.md").read_text()
    assert f"| [Endpoint](../reference/entities/Endpoint.md) | `instance_type` | {source} |" in importer_page
