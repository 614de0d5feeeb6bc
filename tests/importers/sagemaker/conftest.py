"""Fixtures of the SageMaker tests: fake AWS credentials, the estate on moto in process (clock frozen, so the
golden graph is stable), and a helper comparing a graph with a checked-in golden Turtle file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sagemaker_support import FROZEN, fake_aws_env


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
    import sagemaker_estate as estate
    from moto import mock_aws

    with pytest.MonkeyPatch.context() as mp:
        fake_aws_env(mp, tmp_path_factory.mktemp("aws"))
        with freezegun.freeze_time(FROZEN), mock_aws():
            info = estate.build(boto3.client("sagemaker"), boto3.client("s3"))
            yield info
