"""Building valid entities allocates no exception object (issue 16, item 5): errors are built only when raised."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mlkg import errors, synth
from mlkg.model.json import document_from_json
from mlkg.rdf.build import to_graph
from mlkg.rdf.reader import from_graph

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def exceptions_built(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    made: list[str] = []
    original = errors.InputError.__init__

    def counting(self: errors.InputError, *args: Any, **kwargs: Any) -> None:
        made.append(str(args[0]) if args else "")
        original(self, *args, **kwargs)

    monkeypatch.setattr(errors.InputError, "__init__", counting)
    return made


def test_constructing_converting_and_reading_valid_entities_builds_no_exception(exceptions_built: list[str]) -> None:
    entities = synth.generate(3, seed=1)  # every field kind: literals of each datatype, typed values, enums, ...
    entities += document_from_json(json.loads((DATA / "om_mlmodel_api.json").read_text(encoding="utf-8")))
    back = from_graph(to_graph(entities))
    assert len(back) >= len(entities) // 2
    assert exceptions_built == []


def test_the_counter_sees_an_error(exceptions_built: list[str]) -> None:
    """The check above can fail: a bad value does build (and raise) an InputError."""
    from mlkg.model import Evaluation

    with pytest.raises(errors.InputError):
        Evaluation(name="auc", value=0.9, step="three")  # type: ignore[arg-type]
    assert exceptions_built and "three" in exceptions_built[0]
