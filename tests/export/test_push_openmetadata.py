"""mlkg push openmetadata, against a loopback server speaking OpenMetadata's REST API (issue 13, item 11).

The server (http.server on 127.0.0.1, in a thread) checks every request body against OpenMetadata 1.13's own JSON
Schemas (tests/data/openmetadata-schemas-1.13: ``createMlModelService.json``, ``createMlModel.json``) and answers
as OpenMetadata does: ``PUT`` creates (201) or updates (200, version + 0.1) and returns the entity with ``id``,
``fullyQualifiedName`` and ``version``; a service, table or dashboard it does not hold is 404; a missing or wrong
bearer token is 401; errors are ``{"code": ..., "message": ...}``. The entities it returns are checked against
``mlmodelService.json`` / ``mlmodel.json`` too. Input: OpenMetadata's own sample data, as a user pushes it.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from typer.testing import CliRunner

from mlkg.cli import get_app

sys.path.insert(0, str(Path(__file__).resolve().parent))
import om_schemas as oms

SAMPLE = Path(__file__).resolve().parents[1] / "importers" / "openmetadata" / "sample_data"
MODELS = SAMPLE / "models" / "models.json"
SERVICE = SAMPLE / "models" / "service.json"
TOKEN = "eyJhbGciOiJSUzI1NiJ9.test-bot-token.sig"
#: What OpenMetadata's sample data loads before the models (the tables and dashboards they name).
TABLES = ("sample_data.ecommerce_db.shopify.fact_sale", "sample_data.ecommerce_db.shopify.raw_customer")
DASHBOARDS = ("sample_superset.eta_predictions_performance", "sample_superset.forecast_sales_performance")

pytestmark = pytest.mark.server


class FakeOpenMetadata(BaseHTTPRequestHandler):
    state: dict[str, Any] = {}

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _send(self, code: int, obj: Any) -> None:
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _error(self, code: int, message: str) -> None:
        self.state["errors"].append(message)
        self._send(code, {"code": code, "message": message})

    def _authorized(self) -> bool:
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self._error(401, "Not Authorized! Token not present" if "Authorization" not in self.headers
                        else "Not Authorized! Invalid Token")
            return False
        return True

    def do_GET(self) -> None:
        if self.path == "/api/v1/system/version":  # answered without a token, as OpenMetadata does
            return self._send(200, {"version": "1.13.0", "revision": "test", "timestamp": 0})
        if not self._authorized():
            return
        st = self.state
        for coll, held in (("tables", st["tables"]), ("dashboards", st["dashboards"]), ("teams", st["teams"])):
            prefix = f"/api/v1/{coll}/name/"
            if self.path.startswith(prefix):
                fqn = unquote(self.path[len(prefix):].split("?")[0])
                st["lookups"].append(fqn)
                if fqn in held:
                    return self._send(200, {"id": held[fqn], "name": fqn.rsplit(".", 1)[-1],
                                            "fullyQualifiedName": fqn})
                return self._error(404, f"{coll[:-1]} instance for {fqn} not found")
        self._error(404, f"HTTP 404 Not Found {self.path}")

    def do_PUT(self) -> None:
        if not self._authorized():
            return
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        st = self.state
        if self.path == "/api/v1/services/mlmodelServices":
            problems = oms.errors(body, oms.CREATE_SERVICE)
            if problems:
                return self._error(400, "; ".join(problems))
            for o in body.get("owners") or []:
                if o["id"] not in st["teams"].values():
                    return self._error(404, f"{o['type']} instance for {o['id']} not found")
            st["service_requests"].append(body)
            code, entity = self._upsert(st["services"], body["name"], body, {})
            st["errors"] += [f"answer: {e}" for e in oms.errors(entity, oms.SERVICE)]
            return self._send(code, entity)
        if self.path == "/api/v1/mlmodels":
            problems = oms.errors(body, oms.CREATE_MLMODEL)
            if problems:
                return self._error(400, "; ".join(problems))
            if body["name"] in st["conflicts"]:
                return self._error(409, f"Entity already exists: {body['name']}")
            for o in body.get("owners") or []:
                if o["id"] not in st["teams"].values():
                    return self._error(404, f"{o['type']} instance for {o['id']} not found")
            svc = st["services"].get(body["service"])
            if svc is None:
                return self._error(404, f"mlmodelService instance for {body['service']} not found")
            for f in body.get("mlFeatures") or []:
                for s in f.get("featureSources") or []:
                    ds = s.get("dataSource")
                    if ds and ds["id"] not in st["tables"].values():
                        return self._error(404, f"table instance for {ds['id']} not found")
            extra: dict[str, Any] = {"service": {"id": svc["id"], "type": "mlmodelService", "name": svc["name"],
                                                 "fullyQualifiedName": svc["fullyQualifiedName"]},
                                     "serviceType": svc["serviceType"]}
            if "dashboard" in body:
                if body["dashboard"] not in st["dashboards"]:
                    return self._error(404, f"dashboard instance for {body['dashboard']} not found")
                extra["dashboard"] = {"id": st["dashboards"][body["dashboard"]], "type": "dashboard",
                                      "fullyQualifiedName": body["dashboard"]}
            st["model_requests"].append(body)
            fqn = f"{svc['fullyQualifiedName']}.{body['name']}"
            code, entity = self._upsert(st["models"], fqn, body, extra)
            st["errors"] += [f"answer: {e}" for e in oms.errors(entity, oms.MLMODEL)]
            return self._send(code, entity)
        self._error(404, f"HTTP 404 Not Found {self.path}")

    @staticmethod
    def _upsert(held: dict[str, Any], fqn: str, body: dict[str, Any],
                extra: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        old = held.get(fqn)
        entity = {**body, **extra, "id": old["id"] if old else str(uuid.uuid4()), "fullyQualifiedName": fqn,
                  "version": round(old["version"] + 0.1, 1) if old else 0.1}
        held[fqn] = entity
        return (200 if old else 201), entity


@pytest.fixture
def om():
    FakeOpenMetadata.state = {
        "tables": {t: str(uuid.uuid4()) for t in TABLES}, "dashboards": {d: str(uuid.uuid4()) for d in DASHBOARDS},
        "services": {}, "models": {}, "service_requests": [], "model_requests": [], "lookups": [], "errors": [],
        "conflicts": set(), "teams": {},
    }
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenMetadata)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", FakeOpenMetadata.state
    server.shutdown()
    server.server_close()


def run(*args: Any, env: dict[str, str] | None = None):
    return CliRunner().invoke(get_app(), [str(a) for a in args], env=env)


def push(url: str, *extra: Any, token: str | None = TOKEN):
    args = ["push", "openmetadata", MODELS, "--service", SERVICE, "--url", url, *extra]
    if token is not None:
        args += ["--token", token]
    return run(*args, env={"OPENMETADATA_JWT_TOKEN": ""})


def test_sample_data_is_created_then_updated(om) -> None:
    url, st = om
    r = push(url)
    assert r.exit_code == 0, r.output
    assert st["errors"] == []
    assert [s["name"] for s in st["service_requests"]] == ["mlflow_svc"]
    assert sorted(m["name"] for m in st["model_requests"]) == ["eta_predictions", "forecast_sales"]
    assert set(st["lookups"]) == set(TABLES)  # each table looked up once, by FQN, for its id
    eta = st["models"]["mlflow_svc.eta_predictions"]
    sources = {s["dataSource"]["fullyQualifiedName"]: s["dataSource"]["id"]
               for f in eta["mlFeatures"] for s in f["featureSources"]}
    assert sources == {t: st["tables"][t] for t in TABLES}  # the server's ids, not minted ones
    assert "model mlflow_svc.eta_predictions version 0.1" in r.stderr
    assert "sent 1 service(s) and 2 model(s) to OpenMetadata 1.13.0" in r.stderr
    assert TOKEN not in r.output
    again = push(url)
    assert again.exit_code == 0, again.output
    assert "model mlflow_svc.eta_predictions version 0.2" in again.stderr
    assert len(st["models"]) == 2


def test_a_graph_file_pushes_the_same_requests(om, tmp_path: Path) -> None:
    url, st = om
    ttl = tmp_path / "g.ttl"
    assert run("convert", MODELS, "--service", SERVICE, "-o", ttl).exit_code == 0
    r = run("push", "openmetadata", ttl, "--url", url, env={"OPENMETADATA_JWT_TOKEN": TOKEN})
    assert r.exit_code == 0, r.output
    assert len(st["model_requests"]) == 2 and st["errors"] == []


def test_bad_token_is_a_clear_error(om) -> None:
    url, st = om
    for token in ("wrong-token", None):
        r = push(url, token=token)
        assert r.exit_code == 2, r.output
        assert "401 Unauthorized" in r.stderr and "--token" in r.stderr
        assert "Traceback" not in r.output and "wrong-token" not in r.output
    assert st["service_requests"] == []


def test_a_table_the_server_lacks_stops_before_anything_is_sent(om) -> None:
    url, st = om
    del st["tables"]["sample_data.ecommerce_db.shopify.raw_customer"]
    r = push(url)
    assert r.exit_code == 2, r.output
    assert "table 'sample_data.ecommerce_db.shopify.raw_customer' is not known to OpenMetadata" in r.stderr
    assert "mlFeatures[0].featureSources[0].dataSource" in r.stderr
    assert st["service_requests"] == [] and st["model_requests"] == []


def test_conflict_not_found_and_unreachable_are_clear_errors(om) -> None:
    url, st = om
    st["conflicts"].add("forecast_sales")
    r = push(url)
    assert r.exit_code == 2 and "409 Conflict" in r.stderr and "forecast_sales" in r.stderr, r.output
    r = push(url + "/not-openmetadata")
    assert r.exit_code == 2 and "404 Not Found" in r.stderr and "--url" in r.stderr, r.output
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = push(f"http://127.0.0.1:{port}", "--timeout", "2")
    assert r.exit_code == 2 and "cannot reach OpenMetadata" in r.stderr, r.output
    for res in (r,):
        assert "Traceback" not in res.output and TOKEN not in res.output


def test_owners_and_tables_of_a_richer_graph_get_the_servers_ids(om) -> None:
    """The fraud-detection example: services and the model owned by a team, features read from a table."""
    url, st = om
    fraud = Path(__file__).resolve().parents[2] / "examples" / "output" / "fraud_detection.ttl"
    st["teams"]["data-science"] = str(uuid.uuid4())
    st["tables"]["snowflake.analytics.public.fraud_features"] = str(uuid.uuid4())
    r = run("push", "openmetadata", fraud, "--url", url, "--token", TOKEN)
    assert r.exit_code == 0, r.output
    assert st["errors"] == []
    owners = {o["id"] for b in st["service_requests"] + st["model_requests"] for o in b.get("owners") or []}
    assert owners == {st["teams"]["data-science"]}
    assert "has no field for: " in r.stderr  # versions, metrics, ... are named, not silently dropped
