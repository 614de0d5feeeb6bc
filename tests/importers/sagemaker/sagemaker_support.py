"""Helpers of the SageMaker tests (imported by name, so not in conftest.py): fake AWS credentials and the
golden-graph comparison."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
FROZEN = "2026-11-30T12:00:00Z"


def fake_aws_env(mp: pytest.MonkeyPatch, tmp: Path) -> None:
    """Credentials that only fakes accept, no shared config files, no instance metadata lookups."""
    for k in list(os.environ):
        if k.startswith("AWS_"):
            mp.delenv(k)
    mp.setenv("AWS_ACCESS_KEY_ID", "testing")
    mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    mp.setenv("AWS_DEFAULT_REGION", "us-east-1")
    mp.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp / "no-credentials"))
    mp.setenv("AWS_CONFIG_FILE", str(tmp / "no-config"))
    mp.setenv("AWS_EC2_METADATA_DISABLED", "true")


def assert_golden(graph: Any, path: Path) -> None:
    """``graph`` is isomorphic to the Turtle file ``path``; ``MLKG_UPDATE_SNAPSHOTS=1`` rewrites the file."""
    from rdflib import Graph
    from rdflib.compare import graph_diff, isomorphic, to_isomorphic

    if os.environ.get("MLKG_UPDATE_SNAPSHOTS") == "1" or not path.exists():
        path.write_text(graph.serialize(format="turtle"), encoding="utf-8")
        if os.environ.get("MLKG_UPDATE_SNAPSHOTS") != "1":
            pytest.fail(f"{path.name} did not exist and was written: check it and commit it")
    want = Graph().parse(path, format="turtle")
    if not isomorphic(want, graph):
        _, only_want, only_got = graph_diff(to_isomorphic(want), to_isomorphic(graph))
        lines = [f"- {t}" for t in sorted(only_want)[:15]] + [f"+ {t}" for t in sorted(only_got)[:15]]
        pytest.fail(f"graph differs from {path.name} (MLKG_UPDATE_SNAPSHOTS=1 to accept):\n" + "\n".join(lines))
