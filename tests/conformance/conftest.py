"""Fixtures of the conformance suite: the independent engines, skipped with the reason when missing here.
CI installs them all (.ci/run runs tests/conformance/fetch_tools.sh), so there they always run."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import engines


@pytest.fixture(scope="session")
def jena() -> engines.Jena:
    j = engines.jena()
    if j is None:
        pytest.skip("Apache Jena not found: apt-get install libapache-jena-java default-jre-headless "
                    "(or run tests/conformance/fetch_tools.sh)")
    return j


@pytest.fixture(scope="session")
def jsonld_js() -> Path:
    p = engines.jsonld_js()
    if p is None:
        pytest.skip("jsonld.js not installed: run tests/conformance/fetch_tools.sh (npm jsonld into the cache dir)")
    return p


@pytest.fixture(scope="session")
def rust_shacl() -> object:
    return pytest.importorskip("shacl", reason="Rust shacl not installed: pip install 'mlkg[conformance]'")
