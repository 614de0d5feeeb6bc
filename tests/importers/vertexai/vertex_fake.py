"""A loopback server speaking the Vertex AI REST API (v1) for the GAPIC clients' REST transport.

It serves the JSON files of ``rest/`` (written by ``make_fixtures.py`` with the SDK's types) under the paths the
client library calls (``GET /v1/{parent}/models``, ``/v1/{model}:listVersions``, ``/v1/{model@version}/evaluations``,
``.../slices`` (for each model of ``models.json``), ``/v1/{parent}/endpoints``, ``/trainingPipelines``,
``/customJobs``,
``/v1/{store}/contexts``), and can answer with Google's error body instead (401, 429).
"""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

REST = Path(__file__).resolve().parent / "rest"
P = "projects/123456/locations/europe-west4"
MODEL = f"{P}/models/7001"


def routes() -> dict[str, Any]:
    load = lambda name: json.loads((REST / name).read_text())  # noqa: E731
    models = load("models.json")["models"]
    evals = load("evaluations.json")["modelEvaluations"]
    slices = load("evaluation_slices.json")["modelEvaluationSlices"]
    out: dict[str, Any] = {
        f"/v1/{P}/models": {"models": [m for m in models if "default" in m.get("versionAliases", [])]},
        f"/v1/{P}/endpoints": {"endpoints": [load("endpoint.json")]},
        f"/v1/{P}/trainingPipelines": load("training_pipelines.json"),
        f"/v1/{P}/customJobs": load("custom_jobs.json"),
        f"/v1/{P}/metadataStores/default/contexts": load("contexts.json"),
    }
    for model in models:
        name, ver = model["name"], model["versionId"]
        out[f"/v1/{name}:listVersions"] = {"models": [m for m in models if m["name"] == name]}
        mine = [e for e in evals if e["name"].startswith(f"{name}@{ver}/")]
        out[f"/v1/{name}@{ver}/evaluations"] = {"modelEvaluations": mine}
        for e in mine:
            out[f"/v1/{e['name']}/slices"] = {"modelEvaluationSlices": [
                s for s in slices if s["name"].startswith(e["name"] + "/")]}
    return out


Behaviour = Callable[[str], tuple[int, Any] | None]


def google_error(code: int, status: str, message: str) -> tuple[int, Any]:
    return code, {"error": {"code": code, "message": message, "status": status}}


class FakeVertex:
    """``with FakeVertex() as url:``; ``before(path)`` may return (status, body) to answer instead."""

    def __init__(self, before: Behaviour | None = None) -> None:
        self.routes = routes()
        self.before = before
        self.requests: list[str] = []

    def __enter__(self) -> str:
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = unquote(urlsplit(self.path).path)
                outer.requests.append(path)
                answer = outer.before(path) if outer.before else None
                if answer is None:
                    body = outer.routes.get(path)
                    answer = (200, body) if body is not None else google_error(404, "NOT_FOUND", path)
                status, payload = answer
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
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
