"""Send mlkg's ML model services and models to an OpenMetadata server through its REST API.

The server is asked its version first (``GET /api/v1/system/version``: is the URL OpenMetadata at all?).
Each service, then each model, is sent as the create request :func:`mlkg.export.openmetadata.create_bodies`
builds, with ``PUT`` (create or update, as OpenMetadata's own ingestion does):

- ``PUT /api/v1/services/mlmodelServices`` with a ``CreateMlModelServiceRequest``;
- ``PUT /api/v1/mlmodels`` with a ``CreateMlModelRequest``.

Feature sources' tables and owners are ``EntityReference`` objects in a create request, and OpenMetadata requires
their ``id``: each is looked up by FQN first (``GET /api/v1/tables/name/{fqn}``, ``/users/name/...``), as
OpenMetadata's sample-data loader does; a reference the server does not know is an error naming it.

The token is sent as ``Authorization: Bearer``; it is never printed. Failures raise
:class:`~mlkg.errors.RemoteAccessError` with one line saying what to do (the commands exit 2).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from ..errors import InputError, RemoteAccessError
from ..importers.base import ImportReport, redact_uri
from ..model.base import Entity, Ref
from .openmetadata import Body, create_bodies

__all__ = ["PushResult", "push"]

SERVICES_PATH = "/api/v1/services/mlmodelServices"
MODELS_PATH = "/api/v1/mlmodels"
VERSION_PATH = "/api/v1/system/version"
#: OpenMetadata's API collection of each entity type an ML model's create request references by id.
COLLECTION_PATHS = {"table": "tables", "user": "users", "team": "teams", "container": "containers",
                    "dashboard": "dashboards", "topic": "topics", "pipeline": "pipelines",
                    "dashboardDataModel": "dashboard/datamodels", "searchIndex": "searchIndexes"}


@dataclass
class PushResult:
    """What the server answered: each entity it returned (``fullyQualifiedName``, ``id``, ``version``)."""

    services: list[dict[str, Any]] = field(default_factory=list)
    models: list[dict[str, Any]] = field(default_factory=list)
    lookups: int = 0
    server_version: str | None = None


def _base(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(f"not an OpenMetadata server URL: {redact_uri(url)!r}", source="--url",
                         expected="http(s)://host:port, e.g. http://localhost:8585")
    path = parts.path.rstrip("/")
    for tail in ("/api/v1", "/api"):
        if path.endswith(tail):
            path = path[: -len(tail)]
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


class _Client:
    def __init__(self, url: str, token: str | None, timeout: float) -> None:
        self.base = _base(url)
        self.shown = redact_uri(self.base)
        self.token = token
        self.timeout = timeout

    def call(self, method: str, path: str, body: Any = None, *, what: str) -> tuple[int, Any]:
        """(status, parsed JSON) of one request; 404 on a GET is returned, every other failure raised."""
        headers = {"Accept": "application/json", "User-Agent": "mlkg"}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return resp.status, _json(resp.read())
        except urllib.error.HTTPError as e:
            detail = _message(e)
            if e.code == 404 and method == "GET" and path != VERSION_PATH:
                return 404, None
            raise RemoteAccessError(self._explain(e.code, method, path, what, detail)) from None
        except (urllib.error.URLError, OSError, ValueError) as e:
            reason = getattr(e, "reason", e)
            raise RemoteAccessError(f"cannot reach OpenMetadata at {self.shown}: {reason} (is the server "
                                    "running, and is --url its address, e.g. http://localhost:8585?)") from None

    def _explain(self, code: int, method: str, path: str, what: str, detail: str) -> str:
        where = f"OpenMetadata at {self.shown}: {method} {path} ({what})"
        said = f": {detail}" if detail else ""
        if code == 401:
            return (f"{where}: 401 Unauthorized{said}; give a valid --token (a bot's JWT token: Settings → Bots) "
                    "or set OPENMETADATA_JWT_TOKEN")
        if code == 403:
            return f"{where}: 403 Forbidden{said}; the token's bot or user may not create ML models or services"
        if code == 404:
            return (f"{where}: 404 Not Found{said}; is --url the OpenMetadata server (not its UI path), and "
                    "does the service exist?")
        if code == 409:
            return f"{where}: 409 Conflict{said}; another entity has this name"
        if code == 400:
            return f"{where}: 400 Bad Request{said}"
        return f"{where}: HTTP {code}{said}"


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        raise RemoteAccessError("the server's answer is not JSON (is --url an OpenMetadata server?)") from None


def _message(e: urllib.error.HTTPError) -> str:
    """OpenMetadata's error body is ``{"code": ..., "message": ...}``; its message, cut to one line."""
    try:
        doc = json.loads(e.read() or b"null")
    except (ValueError, OSError):
        return ""
    msg = doc.get("message") if isinstance(doc, dict) else None
    return str(msg).splitlines()[0][:300] if msg else ""


def _resolver(client: _Client, result: PushResult) -> Callable[[Ref], str | None]:
    cache: dict[tuple[str, str], str | None] = {}

    def resolve(r: Ref) -> str | None:
        if r.id:
            return r.id
        key = (r.type, r.fqn or r.name or "")
        if key in cache:
            return cache[key]
        coll = COLLECTION_PATHS.get(r.type)
        if coll is None or not key[1]:
            cache[key] = None
            return None
        status, doc = client.call("GET", f"/api/v1/{coll}/name/{quote(key[1], safe='')}",
                                  what=f"looking up {r.type} {key[1]}")
        result.lookups += 1
        cache[key] = doc.get("id") if status == 200 and isinstance(doc, dict) else None
        return cache[key]

    return resolve


def push(entities: Iterable[Entity], url: str, *, token: str | None = None, timeout: float = 30.0,
         report: ImportReport | None = None,
         on_body: Callable[[Body], None] | None = None) -> PushResult:
    """PUT every service, then every model, among ``entities`` to the OpenMetadata server at ``url``.

    Bodies are all built (and every reference resolved) before the first write, so a bad reference sends
    nothing. ``on_body`` is called before each write (for progress).

    :raises InputError: a model without a service, or a reference the server does not know.
    :raises RemoteAccessError: the server cannot be reached or refuses a request (401, 403, 404, 409, ...).
    """
    client = _Client(url, token, timeout)
    result = PushResult()
    _, about = client.call("GET", VERSION_PATH, what="the server's version")  # is this OpenMetadata at all?
    if not isinstance(about, dict) or "version" not in about:
        raise RemoteAccessError(f"{client.shown}{VERSION_PATH} did not answer as OpenMetadata does (no 'version'); "
                                "is --url the OpenMetadata server, e.g. http://localhost:8585?")
    result.server_version = str(about["version"])
    report = report or ImportReport(source=f"openmetadata {client.shown}")
    bodies = create_bodies(entities, report, resolve=_resolver(client, result))
    for b in bodies:
        if on_body is not None:
            on_body(b)
        path = SERVICES_PATH if b.kind == "service" else MODELS_PATH
        _, doc = client.call("PUT", path, b.body, what=f"{b.kind} {b.fqn}")
        entity = doc if isinstance(doc, dict) else {}
        (result.services if b.kind == "service" else result.models).append(entity)
    return result
