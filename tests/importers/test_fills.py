"""Each importer's mapping table (``Importer.fills``) agrees with its golden graphs, field by field.

A declared field the golden graphs never fill on that class fails, and so does a field they fill that the table
does not declare: after a change of an importer's output (and its golden graph), its table says the new field
and where on the platform it comes from (``src/mlkg/importers/<platform>/fields.py``).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from mlkg.docs import integrations

ROOT = Path(__file__).resolve().parents[2]
BUILTIN = sorted(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["entry-points"]["mlkg.importers"])


@pytest.mark.parametrize("name", BUILTIN)
def test_the_mapping_table_agrees_with_the_golden_graphs(name: str) -> None:
    assert integrations.golden_graphs().get(name), f"{name} has no golden graph under tests/importers/{name}/"
    problems = integrations.disagreements(name)
    assert not problems, "\n".join(problems)


def test_a_disagreement_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    table = integrations.declared_by("sklearn")
    assert "MLModel" in table and "algorithm" in table["MLModel"]
    changed = {c: dict(t) for c, t in table.items()}
    del changed["MLModel"]["algorithm"]
    changed["MLModel"]["license"] = "made up"
    monkeypatch.setattr(integrations, "declared_by", lambda name: changed)
    assert integrations.disagreements("sklearn") == [
        "sklearn: MLModel.license is declared but no golden graph fills it",
        "sklearn: MLModel.algorithm is in the golden graph but not declared in its fills"]
