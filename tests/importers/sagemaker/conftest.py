"""Fixtures of the SageMaker tests: fake AWS credentials, the estate on moto in process (clock frozen, so the
golden graph is stable), and a helper comparing a graph with a checked-in golden Turtle file."""

from __future__ import annotations

import os
from collections.abc import Iterator
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


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake_aws_env(monkeypatch, tmp_path)


@pytest.fixture(scope="module")
def moto_estate(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The estate of ``estate.py`` written to moto (in process) with the clock frozen; moto stays on while the
    module's tests run (they only read)."""
    pytest.importorskip("moto")
    freezegun = pytest.importorskip("freezegun")
    import boto3
    import estate
    from moto import mock_aws

    with pytest.MonkeyPatch.context() as mp:
        fake_aws_env(mp, tmp_path_factory.mktemp("aws"))
        with freezegun.freeze_time(FROZEN), mock_aws():
            info = estate.build(boto3.client("sagemaker"), boto3.client("s3"))
            yield info


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
