"""A loopback server speaking SageMaker's JSON protocol (``X-Amz-Target: SageMaker.<Operation>``), for what
moto cannot do: refuse credentials, throttle, fail. Each behaviour is AWS's documented error response."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Callable
from typing import Any

Handler = Callable[[str, dict[str, Any]], tuple[int, dict[str, Any]]]


def aws_error(code: str, message: str, status: int = 400) -> tuple[int, dict[str, Any]]:
    return status, {"__type": code, "message": message}


class FakeSageMaker:
    """``with FakeSageMaker(handler) as url:`` serves ``handler(operation, body) -> (status, json)``."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.calls: list[str] = []

    def __enter__(self) -> str:
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                n = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(n) or b"{}")
                op = str(self.headers.get("X-Amz-Target", "")).split(".")[-1]
                outer.calls.append(op)
                status, payload = outer.handler(op, body)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *a: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_port}"

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()


def empty_estate(op: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """An account with nothing in it: every listing is empty."""
    keys = {"ListModelPackageGroups": "ModelPackageGroupSummaryList", "ListModels": "Models",
            "ListEndpoints": "Endpoints", "ListTransformJobs": "TransformJobSummaries",
            "ListModelCards": "ModelCardSummaries", "ListTrainingJobs": "TrainingJobSummaries"}
    if op in keys:
        return 200, {keys[op]: []}
    return aws_error("ValidationException", f"unexpected {op}")
