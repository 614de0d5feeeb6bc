"""The Hugging Face importer's mapping table (:attr:`mlkg.importers.base.Importer.fills`): each field it fills and
the model card (README.md front matter and sections) or config.json value it comes from. Held equal to
``tests/importers/huggingface/expected.ttl`` by ``tests/importers/test_fills.py``."""

from __future__ import annotations

from ..model import entities as m
from .base import FieldMap

FILLS: FieldMap = {
    m.MLModelService: {"name": "the service_name option", "service_type": "HuggingFace"},
    m.MLModel: {
        "name": "model_name or the repository id (or directory name)", "service": "the import's service",
        "service_type": "HuggingFace", "license": "the card's license (SPDX)", "task": "pipeline_tag",
        "tags": "tags, library_name and language", "training_datasets": "datasets",
        "base_model": "base_model", "model_card": "the card's sections",
        "algorithm": "config.json architectures[0] (else model_type)",
        "ml_hyper_parameters": "config.json's scalar settings",
    },
    m.ModelCard: {"intended_use": "the card's Intended uses / Uses section"},
    m.HyperParameter: {"name": "the config.json key", "value": "its scalar value"},
    m.Dataset: {
        "name": "the dataset id", "source": "https://huggingface.co/datasets/ID", "source_type": "hf",
    },
    m.TagLabel: {
        "tag_fqn": "the card's tag", "source": "Classification", "label_type": "Automated", "state": "Confirmed",
    },
}
