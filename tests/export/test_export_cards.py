"""Model cards: Model Card Toolkit JSON validated with MCT's own JSON Schema; Hugging Face cards read by
huggingface_hub's ModelCard; HF card → mlkg → card keeps the card's facts."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from huggingface_hub import EvalResult, ModelCard, ModelCardData
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
MINILM = ROOT / "tests" / "importers" / "huggingface" / "all-MiniLM-L6-v2"
MCT_SCHEMA = json.loads((DATA / "mct_model_card.schema.json").read_text())

#: A version with what the shipped examples lack: sliced metrics with confidence intervals, a fairness metric on a
#: sensitive attribute, a model card with intended use, limitations and a risk, an owner with an e-mail, a licence.
SLICED = """
@prefix mlkg: <https://w3id.org/mlkg#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/mlkg/id/mlmodel/credit> a mlkg:MLModel ; mlkg:name "credit_risk" ; mlkg:fullyQualifiedName "svc.credit_risk" ;
    mlkg:hasVersion <https://w3id.org/mlkg/id/modelVersion/credit.3> ; mlkg:hasOwner <https://w3id.org/mlkg/id/user/ana> ; mlkg:mlTask "tabular-classification" ;
    mlkg:license <https://spdx.org/licenses/MIT> ; mlkg:hasModelCard <https://w3id.org/mlkg/id/modelCard/credit> .
<https://w3id.org/mlkg/id/user/ana> a mlkg:User ; mlkg:name "ana" ; mlkg:displayName "Ana Ruiz" ; mlkg:email "ana@example.com" .
<https://w3id.org/mlkg/id/modelCard/credit> a mlkg:ModelCard ; mlkg:intendedUse "Pre-screening of consumer credit applications." ;
    mlkg:limitations "Not validated for business loans." ; mlkg:hasRisk <https://w3id.org/mlkg/id/risk/credit-bias> .
<https://w3id.org/mlkg/id/risk/credit-bias> a mlkg:Risk ; mlkg:name "Disparate impact by age" ; mlkg:mitigation "Quarterly fairness review." .
<https://w3id.org/mlkg/id/modelVersion/credit.3> a mlkg:ModelVersion ; mlkg:name "3" ; mlkg:fullyQualifiedName "svc.credit_risk.3" ;
    mlkg:releaseDate "2026-03-01"^^xsd:date ; mlkg:algorithmName "LightGBM" ; mlkg:trainedOn <https://w3id.org/mlkg/id/dataset/apps> ;
    mlkg:hasEvaluation <https://w3id.org/mlkg/id/evaluation/auc>, <https://w3id.org/mlkg/id/evaluation/auc-young> ; mlkg:hasFairnessMetric <https://w3id.org/mlkg/id/evaluation/dpd> .
<https://w3id.org/mlkg/id/dataset/apps> a mlkg:Dataset ; mlkg:name "applications_2025" .
<https://w3id.org/mlkg/id/dataset/holdout> a mlkg:Dataset ; mlkg:name "holdout_2025" .
<https://w3id.org/mlkg/id/evaluation/auc> a mlkg:Evaluation ; mlkg:name "AUC" ; mlkg:measure mlkg:AUC ; mlkg:metricValue 0.91 ;
    mlkg:ciLower 0.89 ; mlkg:ciUpper 0.93 ; mlkg:evaluationDataset <https://w3id.org/mlkg/id/dataset/holdout> ; mlkg:split mlkg:TestSplit .
<https://w3id.org/mlkg/id/evaluation/auc-young> a mlkg:Evaluation ; mlkg:name "AUC" ; mlkg:measure mlkg:AUC ; mlkg:metricValue 0.84 ;
    mlkg:slice "age<25" ; mlkg:evaluationDataset <https://w3id.org/mlkg/id/dataset/holdout> ; mlkg:split mlkg:TestSplit .
<https://w3id.org/mlkg/id/evaluation/dpd> a mlkg:FairnessMetric ; mlkg:name "demographic_parity_difference" ;
    mlkg:measure mlkg:DemographicParityDifference ; mlkg:metricValue 0.07 ; mlkg:sensitiveAttribute "age" ;
    mlkg:group "<25" .
"""


def sliced_graph():
    from rdflib import Graph

    g = Graph().parse(data=SLICED, format="turtle")
    add_super_properties(g)
    return g


@pytest.mark.parametrize("path", EXAMPLES)
def test_mct_cards_of_examples_validate_against_mct_schema(path):
    g = load_graph([path])
    add_super_properties(g)
    res = export(g, "mct")
    assert res.documents, "one card per model version"
    checker = jsonschema.Draft7Validator.FORMAT_CHECKER
    for card in res.documents:
        jsonschema.Draft7Validator(MCT_SCHEMA, format_checker=checker).validate(card)
        assert card["model_details"]["name"]


def test_mct_card_carries_slices_confidence_intervals_and_considerations():
    res = export(sliced_graph(), "mct")
    assert list(res.files) == ["credit.3.model_card.json"]
    card = res.documents[0]
    jsonschema.validate(card, MCT_SCHEMA)
    d = card["model_details"]
    assert d["version"] == {"name": "3", "date": "2026-03-01"}
    assert d["owners"] == [{"name": "Ana Ruiz", "contact": "ana@example.com"}]
    assert d["licenses"] == [{"identifier": "MIT"}]
    metrics = {(m["type"], m.get("slice")): m for m in card["quantitative_analysis"]["performance_metrics"]}
    assert metrics[("AUC", "split=test")]["confidence_interval"] == {"lower_bound": "0.89", "upper_bound": "0.93"}
    assert metrics[("AUC", "age<25, split=test")]["value"] == "0.84"
    assert metrics[("demographic_parity_difference", "age=<25")]["value"] == "0.07"
    c = card["considerations"]
    assert c["use_cases"] == [{"description": "Pre-screening of consumer credit applications."}]
    assert c["limitations"] == [{"description": "Not validated for business loans."}]
    assert c["ethical_considerations"] == [{"name": "Disparate impact by age",
                                            "mitigation_strategy": "Quarterly fairness review."}]
    assert card["model_parameters"]["model_architecture"] == "LightGBM"


@pytest.mark.parametrize("path", EXAMPLES)
def test_hf_cards_of_examples_are_read_by_huggingface_hub(path):
    g = load_graph([path])
    add_super_properties(g)
    res = export(g, "hf-card")
    assert res.files
    for name, text in res.files.items():
        assert name.endswith("/README.md")
        card = ModelCard(text)   # raises on a broken model-index
        import yaml

        front = yaml.safe_load(text.split("---\n")[1])
        n_results = sum(len(e["results"]) for e in front.get("model-index", []))
        assert len(card.data.eval_results or []) == n_results


def test_model_card_profile_writes_both_formats_with_the_cli(tmp_path):
    src = tmp_path / "credit.ttl"
    src.write_text(SLICED)
    out = tmp_path / "cards"
    res = CliRunner().invoke(get_app(), ["export", str(src), "--profile", "model-card", "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == \
        ["credit.3.model_card.json", "credit.3/README.md"]
    card = ModelCard((out / "credit.3" / "README.md").read_text())
    assert card.data.license == "mit" and card.data.pipeline_tag == "tabular-classification"
    assert {(r.metric_type, r.metric_name, r.metric_value, r.dataset_split) for r in card.data.eval_results} == \
        {("AUC", None, 0.91, "test"), ("AUC", "AUC (age<25)", 0.84, "test")}
    ci = [r.metric_args for r in card.data.eval_results if r.metric_value == 0.91]
    assert ci == [{"confidence_interval_lower": 0.89, "confidence_interval_upper": 0.93}]
    assert "Pre-screening of consumer credit applications." in card.text


def test_cards_to_stdout_need_one_card():
    res = CliRunner().invoke(get_app(), ["export", str(ROOT / "examples" / "output" / "model_versions.ttl"),
                                         "--profile", "mct"])
    assert res.exit_code == 2 and "3 cards" in res.output
    res = CliRunner().invoke(get_app(), ["export", str(ROOT / "examples" / "output" / "model_versions.ttl"),
                                         "--profile", "mct", "--model", "nope"])
    assert res.exit_code == 2 and "no model card for 'nope'" in res.output


# ---------------------------------------------------------------------------------------------------------------
# Round trips: Hugging Face card → mlkg → card
# ---------------------------------------------------------------------------------------------------------------


def _round_trip(tmp_path: Path, model_dir: Path) -> ModelCard:
    runner = CliRunner()
    ttl = tmp_path / "model.ttl"
    res = runner.invoke(get_app(), ["import", "huggingface", str(model_dir), "-o", str(ttl), "-q"])
    assert res.exit_code == 0, res.output
    out = tmp_path / "cards"
    res = runner.invoke(get_app(), ["export", str(ttl), "--profile", "hf-card", "-o", str(out)])
    assert res.exit_code == 0, res.output
    readmes = list(out.glob("*/README.md"))
    assert len(readmes) == 1
    return ModelCard(readmes[0].read_text())


def test_hf_round_trip_of_a_real_card_keeps_its_metadata(tmp_path):
    original = ModelCard((MINILM / "README.md").read_text())
    again = _round_trip(tmp_path, MINILM)
    for key in ("license", "library_name", "pipeline_tag"):
        assert getattr(again.data, key) == getattr(original.data, key), key
    assert sorted(again.data.tags) == sorted(original.data.tags)
    assert sorted(again.data.datasets) == sorted(original.data.datasets)
    assert again.data.language == [original.data.language] if isinstance(original.data.language, str) \
        else sorted(again.data.language) == sorted(original.data.language)
    assert "Our model is intended to be used as a sentence and short paragraph encoder" in again.text


def test_hf_round_trip_of_an_sdk_written_card_keeps_evaluations_and_sections(tmp_path):
    data = ModelCardData(
        language="en", license="apache-2.0", library_name="transformers", tags=["text-classification"],
        datasets=["imdb"], pipeline_tag="text-classification", base_model="distilbert-base-uncased",
        base_model_relation="finetune", co2_eq_emissions={"emissions": 149.2},
        model_name="imdb-sentiment",
        eval_results=[
            EvalResult(task_type="text-classification", dataset_type="imdb", dataset_name="IMDB",
                       dataset_split="test", metric_type="accuracy", metric_value=0.93),
            EvalResult(task_type="text-classification", dataset_type="imdb", dataset_name="IMDB",
                       dataset_split="test", dataset_config="plain_text", metric_type="f1", metric_value=0.92),
        ])
    body = ("# imdb-sentiment\n\n## Uses\n\nClassify the sentiment of English movie reviews.\n\n"
            "### Out-of-Scope Use\n\nMedical or legal text.\n\n## Limitations\n\nTrained on reviews only.\n")
    model_dir = tmp_path / "imdb-sentiment"
    model_dir.mkdir()
    (model_dir / "README.md").write_text(f"---\n{data.to_yaml()}\n---\n\n{body}")   # written by huggingface_hub
    again = _round_trip(tmp_path, model_dir)
    d = again.data
    assert (d.license, d.library_name, d.pipeline_tag, d.base_model, d.base_model_relation) == \
        ("apache-2.0", "transformers", "text-classification", "distilbert-base-uncased", "finetune")
    assert d.co2_eq_emissions == {"emissions": 149.2}
    assert d.datasets == ["imdb"] and d.tags == ["text-classification"] and d.language == ["en"]
    # dataset_name ("IMDB") is not compared: the importer keeps one Dataset per id and names it from the card's
    # `datasets` list first, so the model-index display name does not reach the graph (an importer limitation).
    got = {(r.task_type, r.dataset_type, r.dataset_split, r.dataset_config, r.metric_type, r.metric_value)
           for r in d.eval_results}
    assert got == {("text-classification", "imdb", "test", None, "accuracy", 0.93),
                   ("text-classification", "imdb", "test", "plain_text", "f1", 0.92)}
    assert "Classify the sentiment of English movie reviews." in again.text
    assert "Medical or legal text." in again.text and "Trained on reviews only." in again.text
