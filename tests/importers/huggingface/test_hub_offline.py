"""``--hub`` when the Hub cannot be reached: one clear error at once (this module may use loopback sockets; the
card tests beside it may not use any)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mlkg.cli import get_app

pytest.importorskip("huggingface_hub")


def test_an_unreachable_hub_fails_at_once_with_the_whole_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue #13 item 12: offline, ``--hub`` retried for 23 s and printed a cut-off message."""
    import socket
    import time

    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    t0 = time.perf_counter()
    res = CliRunner().invoke(get_app(), ["import", "huggingface", "sentence-transformers/all-MiniLM-L6-v2", "--hub"])
    elapsed = time.perf_counter() - t0
    assert res.exit_code == 2 and elapsed < 5, (elapsed, res.output)
    assert f"cannot reach the Hugging Face Hub at http://127.0.0.1:{port} (Connection refused)" in res.output
    assert "Retrying" not in res.output and "Traceback" not in res.output
