"""Hugging Face importer: a real model card (all-MiniLM-L6-v2, from a PyPI wheel) and cards written with
huggingface_hub's own ``ModelCardData``/``EvalResult``. Never touches the network."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mlkg.cli import get_app
from mlkg.errors import InputError
from mlkg.importers import ImportFailure, SourceUnavailable, run_import
from mlkg.importers.huggingface import HuggingFaceConfig, license_id, split_for
from mlkg.model import entities as m

pytest.importorskip("huggingface_hub")

REAL = Path(__file__).parent / "all-MiniLM-L6-v2"


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch, no_network: None) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def _model(ents: list) -> m.MLModel:
    (model,) = [e for e in ents if isinstance(e, m.MLModel)]
    return model


def _write_card(path: Path, data: object, body: str = "# Demo model\n") -> Path:
    path.mkdir(parents=True, exist_ok=True)
    (path / "README.md").write_text("---\n" + data.to_yaml() + "\n---\n" + body, encoding="utf-8")  # type: ignore[attr-defined]
    return path


def test_real_card_imports_with_its_datasets_and_licence() -> None:
    ents, report = run_import("huggingface", HuggingFaceConfig(path=str(REAL)))
    model = _model(ents)
    assert model.name == "all-MiniLM-L6-v2" and model.fqn == "huggingface.all-MiniLM-L6-v2"
    assert model.license == "https://spdx.org/licenses/Apache-2.0"
    assert model.task == "sentence-similarity"
    datasets = {d.name for d in ents if isinstance(d, m.Dataset)}
    assert len(datasets) == 21 and {"s2orc", "ms_marco", "embedding-data/QQP", "snli"} <= datasets
    assert sorted(r.fqn for r in model.training_datasets) == sorted(f"huggingface.{d}" for d in datasets)
    tags = {t.tag_fqn for t in model.tags}
    assert {"HuggingFace.sentence-transformers", "Language.en", "Library.sentence-transformers"} <= tags
    # config.json
    assert model.algorithm == "BertModel"
    params = {h.name: h.value for h in model.ml_hyper_parameters}
    assert params["hidden_size"] == 384 and params["num_hidden_layers"] == 6 and params["vocab_size"] == 30522
    assert params["hidden_act"] == "gelu" and params["use_cache"] is True
    assert "_name_or_path" not in params and "architectures" not in params
    # the card text
    assert model.model_card is not None and model.model_card.intended_use.startswith("Our model is intended")
    assert model.metrics == [] and not report.warnings and report.counts["datasets"] == 21


def test_real_card_graph_validates_and_links_the_licence() -> None:
    from rdflib import URIRef

    from mlkg.rdf.build import to_graph
    from mlkg.validate import validate

    ents, _ = run_import("huggingface", HuggingFaceConfig(path=str(REAL / "README.md")))
    g = to_graph(ents)
    assert (None, URIRef("https://w3id.org/mlkg#license"), URIRef("https://spdx.org/licenses/Apache-2.0")) in g
    result = validate(ents)
    assert result.conforms, result.text()


def test_model_index_card_gives_evaluations_base_model_and_emissions(tmp_path: Path) -> None:
    from huggingface_hub import EvalResult, ModelCardData

    data = ModelCardData(
        model_name="sentiment-demo", license="mit", datasets=["imdb"], base_model="distilbert-base-uncased",
        pipeline_tag="text-classification", tags=["sentiment"], language=["en", "de"],
        co2_eq_emissions={"emissions": 1250.5, "source": "codecarbon"}, base_model_relation="finetune",
        eval_results=[
            EvalResult(task_type="text-classification", dataset_type="imdb", dataset_name="IMDb",
                       dataset_split="test", metric_type="accuracy", metric_value=0.931),
            EvalResult(task_type="text-classification", dataset_type="imdb", dataset_name="IMDb",
                       dataset_split="test", metric_type="f1", metric_value=0.927),
            EvalResult(task_type="text-classification", dataset_type="glue", dataset_name="GLUE SST-2",
                       dataset_config="sst2", dataset_split="validation", metric_type="accuracy",
                       metric_value=0.912),
        ])
    card = _write_card(tmp_path / "demo", data,
                       "# Demo\n\n## Limitations\nEnglish only.\n\n## Out-of-scope use\nMedical advice.\n")
    ents, report = run_import("huggingface", HuggingFaceConfig(path=str(card)))
    model = _model(ents)
    assert model.name == "sentiment-demo" and model.license == "https://spdx.org/licenses/MIT"
    assert model.base_model.fqn == "huggingface.distilbert-base-uncased"
    assert model.base_model_relation == "finetune"
    evals = sorted((e.name, e.value, e.dataset.fqn, e.split.value, e.slice) for e in model.metrics)
    assert evals == [
        ("accuracy", 0.912, "huggingface.glue", "validation", "config=sst2"),
        ("accuracy", 0.931, "huggingface.imdb", "test", None),
        ("f1", 0.927, "huggingface.imdb", "test", None),
    ]
    assert {e.measure.rsplit("#", 1)[1] for e in model.metrics} == {"Accuracy", "F1"}
    assert model.model_card.co2e_emissions_grams == Decimal("1250.5")
    assert model.model_card.limitations == "English only." and model.model_card.out_of_scope_use == "Medical advice."
    glue = [d for d in ents if isinstance(d, m.Dataset) and d.name == "glue"][0]
    assert glue.display_name == "GLUE SST-2"
    assert {t.tag_fqn for t in model.tags} >= {"Language.en", "Language.de", "HuggingFace.sentiment"}
    assert not report.problems


BROKEN = """---
license: apache-2.0
datasets:
- squad
model-index:
- name: broken-demo
  results:
  - task:
      type: question-answering
    metrics:
    - type: f1
      value: 88.5
  - task:
      type: question-answering
    dataset:
      type: squad
      name: SQuAD
      split: validation
    metrics:
    - type: exact_match
      value: 81.2
    - type: f1
---
# broken-demo
"""


def test_broken_model_index_is_a_warning_and_the_good_results_survive(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(BROKEN, encoding="utf-8")
    ents, report = run_import("huggingface", HuggingFaceConfig(path=str(tmp_path)))
    model = _model(ents)
    assert [(e.name, e.value, e.split.value) for e in model.metrics] == [("exact_match", 81.2, "validation")]
    assert any("raw YAML" in w.message for w in report.warnings)
    reasons = [s.message for s in report.skipped]
    assert any("no dataset" in r for r in reasons) and any("needs a metric type and a value" in r for r in reasons)
    assert model.license == "https://spdx.org/licenses/Apache-2.0"
    with pytest.raises(ImportFailure, match="strict mode"):
        run_import("huggingface", HuggingFaceConfig(path=str(tmp_path)), strict=True)


def test_cli_broken_card_strict_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(BROKEN, encoding="utf-8")
    out = tmp_path / "out.ttl"
    runner = CliRunner()
    res = runner.invoke(get_app(), ["import", "huggingface", str(tmp_path), "--strict", "-o", str(out)])
    assert res.exit_code == 2 and "Traceback" not in res.output and not out.exists()
    res = runner.invoke(get_app(), ["import", "huggingface", str(tmp_path), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "warning:" in res.output and out.exists()


def test_malformed_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("---\nlicense: mit\ntags: [a, b\n---\n# x\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        run_import("huggingface", HuggingFaceConfig(path=str(tmp_path)))
    assert "README.md" in str(err.value) and err.value.line is not None


def test_card_without_metadata_still_gives_a_model(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# plain-model\n\nJust text.\n", encoding="utf-8")
    ents, report = run_import("huggingface", HuggingFaceConfig(path=str(tmp_path)))
    assert _model(ents).name == "plain-model"
    assert any("no YAML metadata" in w.message for w in report.warnings)


def test_hub_needs_explicit_network_permission() -> None:
    with pytest.raises(SourceUnavailable, match="allow_network"):
        run_import("huggingface", HuggingFaceConfig(repo_id="sentence-transformers/all-MiniLM-L6-v2"))


def test_licence_and_split_spellings() -> None:
    assert license_id("apache-2.0") == "Apache-2.0" and license_id("cc-by-nc-4.0") == "CC-BY-NC-4.0"
    assert license_id("llama3") == "llama3"
    assert split_for("test") == ("test", None)
    assert split_for("test_matched") == ("test", "split=test_matched")
    assert split_for("dev") == ("validation", None)
    assert split_for("other") == (None, "split=other")


def test_cli_store_reimport_replaces_the_source_graph(tmp_path: Path) -> None:
    from huggingface_hub import ModelCardData

    pytest.importorskip("pyoxigraph")
    from mlkg.store import open_store

    card = _write_card(tmp_path / "m", ModelCardData(model_name="m", license="mit", datasets=["imdb", "sst2"]))
    url = f"oxigraph:{tmp_path / 'kg'}"
    runner = CliRunner()
    res = runner.invoke(get_app(), ["import", "huggingface", str(card), "--store", url])
    assert res.exit_code == 0, res.output
    ask = "ASK { ?d <https://w3id.org/mlkg#name> 'sst2' }"
    with open_store(url) as st:
        assert st.query(ask) is True
        assert len(st.graphs()) == 1
    _write_card(card, ModelCardData(model_name="m", license="mit", datasets=["imdb"]))
    res = runner.invoke(get_app(), ["import", "huggingface", str(card), "--store", url, "-q"])
    assert res.exit_code == 0, res.output
    with open_store(url) as st:
        assert st.query(ask) is False  # the old import of this source was replaced, not added to
        assert len(st.graphs()) == 1


def test_golden_graph(golden) -> None:
    from mlkg.importers import get

    importer = get("huggingface")(path=str(REAL))
    golden(importer, importer.run(), Path(__file__).parent / "expected.ttl")


def test_model_type_and_the_base_model_of_config_json_are_kept() -> None:
    """Issue #13 item 12: the real card's config.json says model_type bert and was saved from
    nreimers/MiniLM-L6-H384-uncased (``_name_or_path``); neither may be dropped."""
    ents, _ = run_import("huggingface", HuggingFaceConfig(path=str(REAL)))
    (model,) = [e for e in ents if isinstance(e, m.MLModel)]
    hps = {h.name: h.value for h in model.ml_hyper_parameters}
    assert hps["model_type"] == "bert" and model.algorithm == "BertModel"
    assert model.base_model.fqn == "huggingface.nreimers/MiniLM-L6-H384-uncased"


def test_a_local_checkpoint_path_is_not_a_base_model(tmp_path: Path) -> None:
    import json as json_

    from huggingface_hub import ModelCardData

    card = _write_card(tmp_path / "m", ModelCardData(model_name="m", license="mit"))
    (card / "config.json").write_text(json_.dumps({"_name_or_path": "/tmp/ckpt/run1", "model_type": "gpt2"}))
    ents, _ = run_import("huggingface", HuggingFaceConfig(path=str(card)))
    (model,) = [e for e in ents if isinstance(e, m.MLModel)]
    assert model.base_model is None and {h.name for h in model.ml_hyper_parameters} == {"model_type"}

