"""A loopback HTTPS server speaking the Azure Resource Manager REST API of one Azure ML workspace, for the real
``azure.ai.ml.MLClient``.

It answers what ``MLClient`` and ``DefaultAzureCredential`` send (seen by logging the SDK's requests, azure-ai-ml
1.35.2):

- ``GET /metadata/endpoints?api-version=2019-05-01``: ARM's cloud metadata (``ARM_CLOUD_METADATA_URL``), naming a
  cloud ``AzureLoopback`` whose resource manager is this server;
- ``GET /msi/token``: the App Service managed identity protocol (``IDENTITY_ENDPOINT`` and ``IDENTITY_HEADER``,
  what ``ManagedIdentityCredential`` inside ``DefaultAzureCredential`` calls);
- ``GET /subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.MachineLearningServices/workspaces/{w}...``:
  the bodies of ``live/workspace.json`` (written by ``make_fixtures.py`` with the SDK's REST models), only with
  ``Authorization: Bearer <token>``, else 401 with ARM's error body; ``nextLink`` made absolute as ARM does.

HTTPS with a self-signed certificate made for the test (azure-core's bearer-token policy refuses plain HTTP); the
client trusts it through ``REQUESTS_CA_BUNDLE``. ``before(path)`` may answer instead (throttling, errors).
"""

from __future__ import annotations

import datetime
import http.server
import ipaddress
import json
import ssl
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HERE = Path(__file__).resolve().parent
SUB, GROUP, WORKSPACE = "00000000-1111-2222-3333-444444444444", "ml-rg", "credit-ws"
PREFIX = (f"/subscriptions/{SUB}/resourceGroups/{GROUP}/providers/Microsoft.MachineLearningServices/"
          f"workspaces/{WORKSPACE}")
CLOUD = "AzureLoopback"
TOKEN = "eyJ0eXAiOiJKV1QifQ.loopback.token"
IDENTITY_HEADER = "loopback-identity-secret"

Answer = tuple[int, Any, dict[str, str]]
Behaviour = Callable[[str], Answer | None]


def arm_error(status: int, code: str, message: str, **headers: str) -> Answer:
    return status, {"error": {"code": code, "message": message}}, headers


def self_signed(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, in PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(hours=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = directory / "loopback-cert.pem", directory / "loopback-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def workspace_routes() -> dict[str, Any]:
    out: dict[str, Any] = json.loads((HERE / "live" / "workspace.json").read_text())
    return out


class FakeArm:
    """``with FakeArm(tmp_path) as url:``; ``requests`` records ``(path relative to the workspace, query)``."""

    def __init__(self, directory: Path, before: Behaviour | None = None, *, token: str = TOKEN) -> None:
        self.cert, self.key = self_signed(directory)
        self.routes = workspace_routes()
        self.before = before
        self.token = token
        self.requests: list[str] = []
        self.times: list[float] = []
        self.url = ""

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/metadata/endpoints?api-version=2019-05-01"

    def cloud(self) -> list[dict[str, Any]]:
        base = self.url + "/"
        return [{"name": CLOUD, "portal": "https://portal.loopback.example/", "resourceManager": base,
                 "authentication": {"loginEndpoint": base, "audiences": [base]},
                 "suffixes": {"storage": "core.loopback.example"}}]

    def answer(self, path: str, query: dict[str, list[str]], headers: Any) -> Answer:
        if path == "/metadata/endpoints":
            return 200, self.cloud(), {}
        if path == "/msi/token":
            if headers.get("X-IDENTITY-HEADER") != IDENTITY_HEADER:
                return 401, {"statusCode": 401, "message": "Unauthorized: the X-IDENTITY-HEADER is wrong"}, {}
            return 200, {"access_token": self.token, "expires_on": str(int(time.time()) + 3600),
                         "resource": query.get("resource", [""])[0], "token_type": "Bearer"}, {}
        if not path.startswith(PREFIX):
            return arm_error(404, "ResourceNotFound", f"no such resource: {path}")
        rel = path[len(PREFIX):]
        key = rel + (f"?$skipToken={query['$skipToken'][0]}" if "$skipToken" in query else "")
        self.requests.append(key)
        self.times.append(time.monotonic())
        answer = self.before(key) if self.before else None
        if answer is not None:
            return answer
        if headers.get("Authorization") != f"Bearer {TOKEN}":
            return arm_error(401, "InvalidAuthenticationToken", "The access token is invalid.",
                             **{"WWW-Authenticate": 'Bearer authorization_uri="https://login.loopback.example/",'
                                                    ' error="invalid_token"'})
        body = self.routes.get(key)
        if body is None:
            return arm_error(404, "UserError", f"Could not find {rel.rsplit('/', 1)[-1]} in workspace {WORKSPACE}")
        if isinstance(body.get("nextLink"), str) and body["nextLink"].startswith("/"):
            api = query.get("api-version", [""])[0]
            body = {**body, "nextLink": f"{self.url}{PREFIX}{body['nextLink']}&api-version={api}"}
        return 200, body, {}

    def __enter__(self) -> FakeArm:
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                status, payload, headers = outer.answer(parts.path, parse_qs(parts.query), self.headers)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *a: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(self.cert, self.key)
        self.server.socket = ctx.wrap_socket(self.server.socket, server_side=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"https://127.0.0.1:{self.server.server_port}"
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
