"""The loopback Databricks workspace both serving tests run against: an HTTP server on 127.0.0.1 that the
databricks-sdk and MLflow's Databricks clients reach through ``DATABRICKS_HOST``, with a token and no config file
or profile of the machine's own."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import SplitResult, urlsplit

import pytest

#: ``start(answer, missing)``: serve ``answer(url parts)`` (``None`` is a 404 with Databricks' error code
#: ``missing``); returns the list of paths asked, in order.
Start = Callable[[Callable[[SplitResult], Any], str], list[str]]


@pytest.fixture
def databricks_host(monkeypatch: pytest.MonkeyPatch) -> Iterator[Start]:
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(answer: Callable[[SplitResult], Any], missing: str) -> list[str]:
        seen: list[str] = []

        class H(http.server.BaseHTTPRequestHandler):
            def _answer(self) -> None:
                parts = urlsplit(self.path)
                seen.append(parts.path)
                body = answer(parts)
                status = 200 if body is not None else 404
                data = json.dumps(body if body is not None else {"error_code": missing,
                                                                 "message": parts.path}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _answer

            def log_message(self, *a: Any) -> None:
                pass

        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        servers.append(srv)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        for k in ("DATABRICKS_CONFIG_PROFILE", "DATABRICKS_CLIENT_ID", "DATABRICKS_CLIENT_SECRET"):
            monkeypatch.delenv(k, raising=False)
        monkeypatch.setenv("DATABRICKS_HOST", f"http://127.0.0.1:{srv.server_port}")
        monkeypatch.setenv("DATABRICKS_TOKEN", "dapi-test")
        monkeypatch.setenv("DATABRICKS_CONFIG_FILE", "/nonexistent/.databrickscfg")
        return seen

    yield start
    for srv in servers:
        srv.shutdown()
        srv.server_close()
