"""The user's commands: ``mlkg import sagemaker`` against ``moto_server`` on 127.0.0.1 (``--endpoint-url``, as one
would point it at any SageMaker-compatible endpoint), and its failures: one line, exit 2, nothing written."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sagemaker_estate as estate
from sagemaker_fake import FakeSageMaker, aws_error
from typer.testing import CliRunner

from mlkg.cli import get_app

pytest.importorskip("boto3")


def _free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture(scope="module")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``moto_server`` process on 127.0.0.1 with the estate written through boto3 over HTTP."""
    pytest.importorskip("moto.server")
    import boto3

    port = _free_port()
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    with open(log, "wb") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                stdout=fh, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.skip(f"moto_server did not start: {log.read_text()[-300:]}")
        kw: dict[str, Any] = {"endpoint_url": url, "region_name": "us-east-1", "aws_access_key_id": "testing",
                              "aws_secret_access_key": "testing"}
        estate.build(boto3.client("sagemaker", **kw), boto3.client("s3", **kw))
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.server
def test_import_from_moto_server_with_endpoint_url(moto_server: str, aws_env: None, tmp_path: Path) -> None:
    out, report = tmp_path / "sm.ttl", tmp_path / "report.json"
    cli = CliRunner()
    res = cli.invoke(get_app(), ["import", "sagemaker", "--endpoint-url", moto_server, "--region", "us-east-1",
                                 "-o", str(out), "--report-json", str(report), "--strict"])
    assert res.exit_code == 0, res.output
    counts = json.loads(report.read_text())["counts"]
    assert counts["versions"] == 3 and counts["endpoints"] == 1 and counts["runs"] == 3
    rows = json.loads(cli.invoke(get_app(), ["query", "production", str(out), "-f", "json"]).stdout)
    assert {(r["version_label"], r["endpoint_name"]) for r in rows} >= {("2", "sagemaker.fraud-scoring")}
    rows = json.loads(cli.invoke(get_app(), ["query", "metric_history", str(out), "-p",
                                             "model=sagemaker.fraud-detector", "-p", "metric=auc", "-f",
                                             "json"]).stdout)
    assert [(r["version_label"], float(r["value"])) for r in rows] == [("1", 0.81), ("2", 0.88), ("3", 0.86)]
    # AWS_ENDPOINT_URL is honoured as well
    res = cli.invoke(get_app(), ["import", "sagemaker", "-o", str(tmp_path / "env.ttl")],
                     env={"AWS_ENDPOINT_URL": moto_server})
    assert res.exit_code == 0, res.output
    assert (tmp_path / "env.ttl").read_text() and "fraud-detector" in (tmp_path / "env.ttl").read_text()


def _one_line_exit_2(res: Any, out: Path) -> str:
    assert res.exit_code == 2, res.output
    lines = [ln for ln in res.output.splitlines() if ln.strip() and not ln.startswith("sagemaker: ")]
    assert len(lines) == 1, res.output
    assert "Traceback" not in res.output and not out.exists()
    return lines[0]


def test_cli_refused_credentials(aws_env: None, tmp_path: Path) -> None:
    out = tmp_path / "sm.ttl"
    with FakeSageMaker(lambda op, b: aws_error("InvalidClientTokenId", "The security token is invalid.")) as url:
        res = CliRunner().invoke(get_app(), ["import", "sagemaker", "--endpoint-url", url, "-o", str(out)])
    assert "AWS refused the credentials (InvalidClientTokenId" in _one_line_exit_2(res, out)


def test_cli_unreachable_endpoint(aws_env: None, tmp_path: Path) -> None:
    out = tmp_path / "sm.ttl"
    res = CliRunner().invoke(get_app(), ["import", "sagemaker", "--endpoint-url",
                                         f"http://127.0.0.1:{_free_port()}", "--max-attempts", "1", "-o", str(out)])
    assert "cannot reach the SageMaker endpoint after 1 attempts" in _one_line_exit_2(res, out)


def test_cli_store_is_left_as_it_was_when_the_import_fails(aws_env: None, tmp_path: Path) -> None:
    store = f"oxigraph:{tmp_path / 'kg'}"
    from mlkg.store import open_store

    with open_store(store) as st:
        st.load("<urn:a> <urn:b> <urn:c> .", format="nt", graph="urn:g:before")
        before = st.count()
    with FakeSageMaker(lambda op, b: aws_error("ExpiredTokenException", "The security token has expired.")) as url:
        res = CliRunner().invoke(get_app(), ["import", "sagemaker", "--endpoint-url", url, "--store", store])
    assert res.exit_code == 2 and "ExpiredTokenException" in res.output
    with open_store(store) as st:
        assert st.count() == before


def test_cli_bad_option_value(tmp_path: Path) -> None:
    res = CliRunner().invoke(get_app(), ["import", "sagemaker", "--page-size", "0"])
    assert res.exit_code == 2 and "page_size" in res.output and "at least 1" in res.output
