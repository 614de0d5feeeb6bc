"""A loopback W&B server for the live importer's tests: ``POST /graphql`` answered the way W&B's API answers.

The W&B server cannot run here, so this is the documented API's stand-in, the pattern the standards allow for
a cloud that cannot be reached. It does not know the SDK's queries in advance: each request's GraphQL document
is parsed (graphql-core) and executed against the objects of :func:`world` by its own selection set (fields,
aliases, fragments, inline fragments, ``@include``/``@skip``, arguments from variables with their declared
defaults), so the SDK gets exactly the fields it asked for, shaped as it asked. A field the world does not hold
is a GraphQL error, as on a real server, and is recorded in ``unknown`` (the tests require it to stay empty), so
a changed SDK query shows up as a test failure rather than as silently missing data.

Authentication is W&B's: HTTP basic with user ``api`` and the API key; another key gets 401.

The world (:func:`world`) is ``acme/iris-demo`` as the W&B server holds it after ``wandb sync`` of the two
offline runs in ``data/wandb`` (same ids, config, history and summary), plus what only a server knows: run 2
used the dataset ``iris-train:v0``, the model collection ``iris-classifier`` has versions ``v0`` and ``v1``,
and ``v1`` is linked into the Model Registry collection ``acme/model-registry/Iris Classifier`` as its ``v0``
with the alias ``production``.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from graphql import parse
from graphql.language import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from graphql.utilities import value_from_ast_untyped

API_KEY = "a" * 40
ENTITY, PROJECT = "acme", "iris-demo"
COMMIT = "a23d4ad75e8601367b02533226a1c96cca354a04"  # the git commit the offline runs recorded
# config, summary and history of the offline runs as wandb's own protobuf classes decoded them
SYNCED = {k.rsplit("-", 1)[1]: v for k, v in json.loads(
    (Path(__file__).parent / "data" / "sdk_decoded.json").read_text()).items()}


class FieldError(Exception):
    pass


# ---------------------------------------------------------------------------------------------------------------
# The executor: a selection set applied to plain objects (dicts; callables take the field's arguments)
# ---------------------------------------------------------------------------------------------------------------


class Request:
    def __init__(self, document: str, variables: dict[str, Any] | None, operation: str | None) -> None:
        doc = parse(document)
        ops = [d for d in doc.definitions if isinstance(d, OperationDefinitionNode)]
        op = next((o for o in ops if operation and o.name and o.name.value == operation), ops[0])
        self.operation = op
        self.name = op.name.value if op.name else ""
        self.fragments = {d.name.value: d for d in doc.definitions if isinstance(d, FragmentDefinitionNode)}
        self.variables = {v.variable.name.value: value_from_ast_untyped(v.default_value)
                          for v in op.variable_definitions if v.default_value is not None}
        self.variables.update(variables or {})

    def included(self, node: Any) -> bool:
        for d in node.directives or ():
            args = {a.name.value: value_from_ast_untyped(a.value, self.variables) for a in d.arguments}
            if d.name.value == "include" and not args.get("if"):
                return False
            if d.name.value == "skip" and args.get("if"):
                return False
        return True

    def fields(self, sel: SelectionSetNode, typename: str) -> Iterator[FieldNode]:
        for node in sel.selections:
            if not self.included(node):
                continue
            if isinstance(node, FieldNode):
                yield node
            elif isinstance(node, FragmentSpreadNode):
                frag = self.fragments[node.name.value]
                if _applies(frag.type_condition.name.value, typename):
                    yield from self.fields(frag.selection_set, typename)
            elif isinstance(node, InlineFragmentNode):
                if node.type_condition is None or _applies(node.type_condition.name.value, typename):
                    yield from self.fields(node.selection_set, typename)

    def select(self, obj: Any, sel: SelectionSetNode | None, path: str) -> Any:
        if obj is None or sel is None:
            return obj
        if isinstance(obj, list):
            return [self.select(o, sel, path) for o in obj]
        typename = obj.get("__typename", "")
        out: dict[str, Any] = {}
        for f in self.fields(sel, typename):
            name = f.name.value
            key = f.alias.value if f.alias else name
            if name == "__typename":
                out[key] = typename
                continue
            if name not in obj:
                raise FieldError(f"Cannot query field {name!r} on type {typename!r} ({path})")
            value = obj[name]
            if callable(value):
                args = {a.name.value: value_from_ast_untyped(a.value, self.variables) for a in f.arguments}
                value = value(**args)
            out[key] = self.select(value, f.selection_set, f"{path}.{name}")
        return out


_INTERFACES = {"ArtifactCollection": {"ArtifactSequence", "ArtifactPortfolio"}}


def _applies(condition: str, typename: str) -> bool:
    return condition == typename or typename in _INTERFACES.get(condition, set())


def connection(nodes: list[Any], after: str | None = None, first: int | None = None,
               edge: Callable[[Any], dict[str, Any]] | None = None) -> dict[str, Any]:
    """A Relay connection over ``nodes``, paged by ``after`` (the index cursor) and ``first``."""
    start = int(after) + 1 if after else 0
    end = len(nodes) if first is None else min(len(nodes), start + first)
    edges = [{"__typename": "Edge", "node": n, "cursor": str(i), **(edge(n) if edge else {})}
             for i, n in zip(range(start, end), nodes[start:end])]
    return {"__typename": "Connection", "totalCount": len(nodes), "edges": edges,
            "pageInfo": {"__typename": "PageInfo", "endCursor": str(end - 1) if edges else None,
                         "hasNextPage": end < len(nodes)}}


# ---------------------------------------------------------------------------------------------------------------
# The world
# ---------------------------------------------------------------------------------------------------------------


def _project_info(entity: str, name: str, pid: int) -> dict[str, Any]:
    return {"__typename": "Project", "id": base64.b64encode(f"Project:{pid}".encode()).decode(),
            "internalId": str(pid), "name": name, "entity": {"__typename": "Entity", "name": entity,
                                                               "id": f"entity-{entity}"}}


def world(*, runs_present: bool = True, max_samples: int | None = None) -> dict[str, Any]:
    """The Query root object of ``acme/iris-demo`` (see the module docstring); ``max_samples`` caps the rows a
    ``history(samples:)`` answer holds."""
    demo = _project_info(ENTITY, PROJECT, 7)
    registry = _project_info(ENTITY, "model-registry", 8)

    def collection(typename: str, name: str, project: dict[str, Any]) -> dict[str, Any]:
        return {"__typename": typename, "name": name, "project": project}

    classifier = collection("ArtifactSequence", "iris-classifier", demo)
    train = collection("ArtifactSequence", "iris-train", demo)
    portfolio = collection("ArtifactPortfolio", "Iris Classifier", registry)

    def alias(aid: str, name: str, coll: dict[str, Any]) -> dict[str, Any]:
        return {"__typename": "ArtifactAlias", "id": aid, "alias": name, "artifactCollection": coll}

    def artifact(aid: str, seq: dict[str, Any], index: int, type_: str, digest: str, metadata: dict[str, Any],
                 created: str, aliases: list[dict[str, Any]], memberships: list[dict[str, Any]],
                 description: str = "") -> dict[str, Any]:
        return {
            "__typename": "Artifact", "id": aid, "artifactSequence": seq, "versionIndex": index,
            "artifactType": {"__typename": "ArtifactType", "name": type_}, "description": description or None,
            "metadata": json.dumps(metadata), "ttlDurationSeconds": -2, "ttlIsInherited": True, "tags": [],
            "historyStep": None, "state": "COMMITTED", "size": 1024, "digest": digest, "commitHash": digest[:12],
            "fileCount": 1, "createdAt": created, "updatedAt": created, "aliases": aliases,
            "artifactMemberships": lambda **_: connection(memberships)}

    def member(coll: dict[str, Any], index: int, aliases: list[dict[str, Any]]) -> dict[str, Any]:
        return {"__typename": "ArtifactCollectionMembership", "versionIndex": index, "aliases": aliases,
                "artifactCollection": coll}

    dataset_v0 = artifact(
        "QXJ0aWZhY3Q6MTAx", train, 0, "dataset", "4d69c1ede451a34324bcde17c9dd4aff",
        {"rows": 150, "source": "s3://demo-bucket/iris/train.csv"}, "2026-12-01T10:39:02",
        [alias("al-1", "latest", train), alias("al-1v", "v0", train)], [member(train, 0, [])],
        description="iris training split")
    champion = [alias("al-2", "champion", classifier), alias("al-2v", "v0", classifier)]
    model_v0 = artifact(
        "QXJ0aWZhY3Q6MTAy", classifier, 0, "model", "46ddb0e62c52f5738a99425ac41ce889",
        {"accuracy": 0.92, "framework": "sklearn"}, "2026-12-01T10:39:02", champion,
        [member(classifier, 0, champion)], description="logistic regression")
    latest = [alias("al-3", "candidate", classifier), alias("al-4", "latest", classifier),
              alias("al-3v", "v1", classifier)]
    production = [alias("al-5", "production", portfolio), alias("al-6", "latest", portfolio),
                  alias("al-5v", "v0", portfolio)]
    model_v1 = artifact(
        "QXJ0aWZhY3Q6MTAz", classifier, 1, "model", "5da11f22d5ed2f299ce72cbf82fde6c4",
        {"accuracy": 0.94, "framework": "sklearn"}, "2026-12-01T10:39:03", latest + production,
        [member(classifier, 1, latest), member(portfolio, 0, production)], description="logistic regression")

    def history(rows: list[dict[str, Any]]) -> Callable[..., list[str]]:
        def sampled(samples: int | None = None) -> list[str]:
            if max_samples is not None:  # a server that caps the sample size
                samples = min(samples or max_samples, max_samples)
            keep = rows if samples is None or samples >= len(rows) else rows[:: max(1, len(rows) // samples)]
            return [json.dumps(r) for r in keep]
        return sampled

    def run(rid: str, created: str, logged: list[dict[str, Any]], used: list[dict[str, Any]]) -> dict[str, Any]:
        # what the server stores for the synced offline run: its config (values wrapped as W&B keeps them),
        # summary (nested keys nested again) and history rows
        off = SYNCED[rid]
        config = {k: {"value": v, "desc": None} for k, v in off["config"].items()}
        config["_wandb"] = {"value": {"cli_version": "0.31.0", "python_version": "3.11.2"}, "desc": None}
        summary: dict[str, Any] = {}
        for k, v in off["summary"].items():
            head, _, tail = k.partition("/")
            if tail:
                summary.setdefault(head, {})[tail] = v
            else:
                summary[k] = v
        r = off["run"]
        return {
            "__typename": "Run", "id": base64.b64encode(f"Run:v1:{rid}:{PROJECT}:{ENTITY}".encode()).decode(),
            "projectId": 7, "name": rid, "displayName": r["display_name"], "tags": r["tags"],
            "sweepName": None, "state": "finished", "group": r["run_group"], "jobType": r["job_type"],
            "commit": COMMIT, "readOnly": False, "createdAt": created, "heartbeatAt": created,
            "description": r["notes"], "notes": r["notes"], "config": json.dumps(config),
            "systemMetrics": "{}", "summaryMetrics": json.dumps(summary), "historyLineCount": len(off["history"]),
            "historyKeys": {"lastStep": len(off["history"]) - 1, "keys": {}},
            "user": {"__typename": "User", "name": "Alice", "username": "alice"},
            "history": history(off["history"]),
            "outputArtifacts": lambda after=None, first=None: connection(logged, after, first),
            "inputArtifacts": lambda after=None, first=None: connection(used, after, first)}

    run1 = run("is9jkh0w", "2026-12-01T10:39:01", [dataset_v0, model_v0], [])
    run2 = run("l92j8b89", "2026-12-01T10:39:02", [model_v1], [dataset_v0])
    runs = [run1, run2] if runs_present else []
    by_name = {r["name"]: r for r in runs}
    projects = {(ENTITY, PROJECT): {
        **demo, "readOnly": False,
        "runCount": lambda filters=None: len(runs),
        "runs": lambda filters=None, after=None, first=None, order=None: connection(runs, after, first),
        "run": lambda name: by_name.get(name)}}
    artifacts = {a["id"]: a for a in (dataset_v0, model_v0, model_v1)}
    return {
        "__typename": "Query",
        "viewer": {"__typename": "User", "id": "VXNlcjox", "entity": ENTITY, "username": "alice",
                   "email": "alice@example.org", "admin": False, "flags": "{}",
                   "teams": {"__typename": "EntityConnection",
                             "edges": [{"node": {"__typename": "Entity", "name": ENTITY}}]}},
        "project": lambda name, entityName: projects.get((entityName, name)),
        "artifact": lambda id: artifacts.get(id),
    }


# ---------------------------------------------------------------------------------------------------------------
# The HTTP server
# ---------------------------------------------------------------------------------------------------------------


class Server:
    """``POST /graphql`` on 127.0.0.1 (a free port); ``answered`` lists (operation name, data) of each reply,
    ``unknown`` the fields asked for that the world does not hold."""

    def __init__(self, root: dict[str, Any], api_key: str = API_KEY) -> None:
        self.root, self.api_key = root, api_key
        self.answered: list[tuple[str, Any]] = []
        self.unknown: list[str] = []
        self.queries: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                want = "Basic " + base64.b64encode(f"api:{server.api_key}".encode()).decode()
                if self.path.split("?")[0] != "/graphql":
                    return self.reply(404, {"errors": [{"message": "not found"}]})
                if self.headers.get("Authorization") != want:
                    return self.reply(401, {"errors": [{"message": "user is not logged in"}]})
                self.reply(200, server.answer(json.loads(body)))

            def reply(self, status: int, payload: Any) -> None:
                out = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"

    def answer(self, payload: dict[str, Any]) -> dict[str, Any]:
        req = Request(payload["query"], payload.get("variables"), payload.get("operationName"))
        self.queries.append(req.name)
        try:
            data = req.select(self.root, req.operation.selection_set, req.name)
        except FieldError as e:
            self.unknown.append(str(e))
            return {"errors": [{"message": str(e)}], "data": None}
        self.answered.append((req.name, data))
        return {"data": data}


@contextmanager
def serving(root: dict[str, Any] | None = None, api_key: str = API_KEY) -> Iterator[Server]:
    server = Server(root if root is not None else world(), api_key)
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()
