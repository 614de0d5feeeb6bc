"""``help(MLModel)`` shows each field's description, JSON key and ontology property (from the field specs)."""

from __future__ import annotations

import pydoc

import mlkg.model as m
from mlkg.model import iter_fields


def test_help_shows_every_field_description() -> None:
    text = pydoc.render_doc(m.MLModel, renderer=pydoc.plaintext)
    for f, spec in iter_fields(m.MLModel):
        assert f"{f.name} (JSON {spec.json!r}" in text, f.name
        if spec.doc:
            assert spec.doc in text, f.name
    assert "training_datasets (JSON 'trainingDatasets', mlkg:trainedOn)" in text


def test_every_entity_class_is_documented() -> None:
    for cls in set(m.REGISTRY.values()):
        assert "Fields (generated from the field specs)" in (cls.__doc__ or ""), cls.__name__
