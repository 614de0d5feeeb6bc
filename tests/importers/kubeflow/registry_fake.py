"""A loopback server speaking the Kubeflow Model Registry REST API (``/api/model_registry/v1``, the OpenAPI spec
the ``model-registry`` client is generated from), keeping its resources in memory.

It answers what the real client and mlkg's reader call: create (``POST``), update (``PATCH``), get by id, find by
``name``/``externalId``/``parentResourceId`` (404 when absent), and paged lists (``pageSize``, ``nextPageToken``)
of registered models, their versions, model artifacts, serving environments, inference services and the
``serves`` records. Resources are plain JSON objects, so ``dump()``/``load()`` save and restore a registry the
client wrote (``data/model_registry.json``). Used by the tests and by ``make_fixtures.py registry``.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PREFIX = "/api/model_registry/v1"
#: collection → (singular path used by the find endpoints, parent id field, parent collection)
COLLECTIONS = {
    "registered_models": ("registered_model", None, None),
    "model_versions": ("model_version", "registeredModelId", "registered_models"),
    "artifacts": ("artifact", None, None),
    "serving_environments": ("serving_environment", None, None),
    "inference_services": ("inference_service", "servingEnvironmentId", "serving_environments"),
    "serves": ("serve", "inferenceServiceId", "inference_services"),
}
SINGULAR = {v[0]: k for k, v in COLLECTIONS.items()}
SINGULAR["model_artifact"] = "artifacts"
#: sub-collection paths: /{parent collection}/{id}/{name} → (collection, parent field)
CHILDREN = {("registered_models", "versions"): ("model_versions", "registeredModelId"),
            ("model_versions", "artifacts"): ("artifacts", "modelVersionId"),
            ("serving_environments", "inference_services"): ("inference_services", "servingEnvironmentId"),
            ("inference_services", "serves"): ("serves", "inferenceServiceId")}


class Registry:
    def __init__(self) -> None:
        self.data: dict[str, list[dict[str, Any]]] = {k: [] for k in COLLECTIONS}
        self.next_id = 1
        self.requests: list[str] = []
        self.lock = threading.Lock()

    def dump(self) -> dict[str, Any]:
        return {"next_id": self.next_id, "resources": self.data}

    def load(self, state: dict[str, Any]) -> None:
        self.next_id = state["next_id"]
        self.data = {k: list(state["resources"].get(k, [])) for k in COLLECTIONS}

    def create(self, coll: str, body: dict[str, Any], **extra: Any) -> dict[str, Any]:
        now = str(int(time.time() * 1000))
        obj = {**body, **extra, "id": str(self.next_id), "createTimeSinceEpoch": now,
               "lastUpdateTimeSinceEpoch": now}
        obj.setdefault("customProperties", {})
        if coll in ("registered_models", "model_versions", "artifacts"):
            obj.setdefault("state", "LIVE")
        self.next_id += 1
        self.data[coll].append(obj)
        return obj

    def get(self, coll: str, oid: str) -> dict[str, Any] | None:
        return next((o for o in self.data[coll] if o["id"] == oid), None)


def page(items: list[dict[str, Any]], query: dict[str, list[str]]) -> dict[str, Any]:
    size = int((query.get("pageSize") or ["100"])[0] or 100)
    start = int((query.get("nextPageToken") or ["0"])[0] or 0)
    chunk = items[start:start + size]
    nxt = str(start + size) if start + size < len(items) else ""
    return {"items": chunk, "size": len(chunk), "pageSize": size, "nextPageToken": nxt}


class Handler(BaseHTTPRequestHandler):
    registry: Registry

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def send(self, code: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def not_found(self, what: str) -> None:
        self.send(404, {"code": "404", "message": f"{what} not found"})

    def body(self) -> dict[str, Any]:
        n = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(n) or b"{}")

    def route(self) -> tuple[list[str], dict[str, list[str]]] | None:
        url = urlsplit(self.path)
        self.registry.requests.append(f"{self.command} {url.path}")
        if not url.path.startswith(PREFIX + "/"):
            self.not_found(url.path)
            return None
        return url.path[len(PREFIX) + 1:].strip("/").split("/"), parse_qs(url.query)

    def do_GET(self) -> None:
        r = self.route()
        if r is None:
            return
        parts, q = r
        reg = self.registry
        with reg.lock:
            if len(parts) == 1 and parts[0] in COLLECTIONS:
                return self.send(200, page(reg.data[parts[0]], q))
            if len(parts) == 1 and parts[0] in SINGULAR:  # find by params
                coll = SINGULAR[parts[0]]
                parent_field = {"model_versions": "registeredModelId", "artifacts": "modelVersionId",
                                "inference_services": "servingEnvironmentId"}.get(coll)
                for o in reg.data[coll]:
                    if "name" in q and o.get("name") != q["name"][0]:
                        continue
                    if "externalId" in q and o.get("externalId") != q["externalId"][0]:
                        continue
                    if "parentResourceId" in q and parent_field and o.get(parent_field) != q["parentResourceId"][0]:
                        continue
                    return self.send(200, o)
                return self.not_found(parts[0])
            if len(parts) == 2 and parts[0] in COLLECTIONS:
                o = reg.get(parts[0], parts[1])
                return self.send(200, o) if o is not None else self.not_found(f"{parts[0]} {parts[1]}")
            if len(parts) == 3 and (parts[0], parts[2]) in CHILDREN:
                coll, field = CHILDREN[(parts[0], parts[2])]
                if reg.get(parts[0], parts[1]) is None:
                    return self.not_found(f"{parts[0]} {parts[1]}")
                return self.send(200, page([o for o in reg.data[coll] if o.get(field) == parts[1]], q))
        self.not_found(self.path)

    def do_POST(self) -> None:
        r = self.route()
        if r is None:
            return
        parts, _ = r
        reg = self.registry
        body = self.body()
        with reg.lock:
            if len(parts) == 1 and parts[0] in COLLECTIONS:
                return self.send(201, reg.create(parts[0], body))
            if len(parts) == 1 and parts[0] == "model_artifacts":
                return self.send(201, reg.create("artifacts", body))
            if len(parts) == 3 and (parts[0], parts[2]) in CHILDREN:
                coll, field = CHILDREN[(parts[0], parts[2])]
                if reg.get(parts[0], parts[1]) is None:
                    return self.not_found(f"{parts[0]} {parts[1]}")
                if coll == "artifacts" and body.get("id"):  # attach an existing artifact
                    o = reg.get("artifacts", str(body["id"]))
                    if o is not None:
                        o[field] = parts[1]
                        return self.send(200, o)
                return self.send(201, reg.create(coll, body, **{field: parts[1]}))
        self.not_found(self.path)

    def do_PATCH(self) -> None:
        r = self.route()
        if r is None:
            return
        parts, _ = r
        reg = self.registry
        body = self.body()
        coll = "artifacts" if parts[0] == "model_artifacts" else parts[0]
        with reg.lock:
            o = reg.get(coll, parts[1]) if len(parts) == 2 and coll in COLLECTIONS else None
            if o is None:
                return self.not_found(self.path)
            o.update({k: v for k, v in body.items() if k != "id"})
            o["lastUpdateTimeSinceEpoch"] = str(int(time.time() * 1000))
            return self.send(200, o)


def serve(registry: Registry | None = None) -> tuple[ThreadingHTTPServer, Registry, str]:
    """Start the fake on 127.0.0.1 (a free port) in a thread: (server, registry, base URL)."""
    reg = registry or Registry()
    handler = type("BoundHandler", (Handler,), {"registry": reg})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, reg, f"http://127.0.0.1:{server.server_address[1]}"
