"""The version is written once (``mlkg.__version__``); every other place that states it is checked against it."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

import pytest
from rdflib import OWL, Graph, URIRef

import mlkg

ROOT = Path(__file__).resolve().parents[2]


def test_version_is_pep440() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+([ab]|rc)?\d*", mlkg.__version__), mlkg.__version__


def test_pyproject_takes_the_version_from_the_package() -> None:
    text = (ROOT / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in text
    assert re.search(r'^version\s*=', text, re.M) is None, "pyproject.toml must not repeat the version"


def test_installed_metadata_matches() -> None:
    try:
        installed = metadata.version("mlkg")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare source tree
        pytest.skip("mlkg is not installed")
    assert installed == mlkg.__version__


@pytest.mark.parametrize(("path", "iri"), [
    ("ontology/mlkg.ttl", "https://w3id.org/mlkg"),
    ("ontology/mlkg-align.ttl", "https://w3id.org/mlkg/align"),
])
def test_ontology_version_matches(path: str, iri: str) -> None:
    g = Graph().parse(ROOT / path)
    onto = URIRef(iri)
    assert str(g.value(onto, OWL.versionInfo)) == mlkg.__version__
    assert g.value(onto, OWL.versionIRI) == URIRef(f"{iri}/{mlkg.__version__}")


def test_changelog_names_the_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text()
    assert f"## [{mlkg.__version__}]" in text or "## [Unreleased]" in text
