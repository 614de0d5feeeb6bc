"""Read an ML Metadata (MLMD) store with SQL: no ``ml-metadata`` package, no protobuf pin.

MLMD keeps its graph in plain tables (schema version 10 in ml-metadata 1.1x, the same on a KFP cluster's MySQL):
``Type`` (artifact, execution and context types), ``Artifact``, ``Execution``, ``Context``, their ``*Property``
tables (one typed column per value kind, ``is_custom_property``), ``Event`` (artifact ↔ execution, with its
``EventPath`` steps naming the input/output), ``Attribution`` (artifact ∈ context), ``Association`` (execution ∈
context) and ``ParentContext``. Struct values (KFP's execution ``inputs``, a confusion matrix) are stored as text
``mlmd-struct::<base64 of a serialized google.protobuf.Struct>``, or in ``proto_value`` as a serialized ``Any``;
both are decoded with :mod:`mlkg.importers.protowire` (standard library only).
"""

from __future__ import annotations

import base64
import binascii
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from ..base import SourceUnavailable
from ..protowire import ANY, WireError, decode, struct_value

#: MLMD's ``Event.Type`` numbers that mean the artifact was read / written by the execution.
INPUT_EVENTS = {2: "DECLARED_INPUT", 3: "INPUT", 5: "INTERNAL_INPUT"}
OUTPUT_EVENTS = {1: "DECLARED_OUTPUT", 4: "OUTPUT", 6: "INTERNAL_OUTPUT", 7: "PENDING_OUTPUT"}
ARTIFACT_STATES = {0: "UNKNOWN", 1: "PENDING", 2: "LIVE", 3: "MARKED_FOR_DELETION", 4: "DELETED",
                   5: "ABANDONED", 6: "REFERENCE"}
EXECUTION_STATES = {0: "UNKNOWN", 1: "NEW", 2: "RUNNING", 3: "COMPLETE", 4: "FAILED", 5: "CACHED",
                    6: "CANCELED"}
#: Schema versions whose tables this reader knows (ml-metadata 1.0 wrote 6; 1.14-1.17 write 10).
SCHEMA_VERSIONS = range(6, 11)
_TABLES = {"Type", "Artifact", "ArtifactProperty", "Execution", "ExecutionProperty", "Event", "Context",
           "ContextProperty", "Attribution", "Association", "ParentContext", "MLMDEnv"}


@dataclass
class Node:
    """An artifact, execution or context row with its type name and its property values (declared and custom)."""

    id: int
    type: str
    name: str | None
    uri: str | None = None
    state: str | None = None
    created_ms: int | None = None
    updated_ms: int | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    custom: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str) -> Any:
        """A property, custom or declared (declared wins)."""
        return self.properties.get(key, self.custom.get(key))

    @property
    def label(self) -> str:
        """The name people see: ``display_name`` (KFP), else the MLMD name, else ``#id``."""
        shown = self.custom.get("display_name")
        return str(shown) if shown else (self.name or f"#{self.id}")


@dataclass(frozen=True)
class Event:
    artifact_id: int
    execution_id: int
    kind: str
    """``INPUT`` or ``OUTPUT`` (the declared/internal/pending variants fold into these two)."""
    path: str | None
    """The event path's key (the artifact's input or output name in the step), if recorded."""


@dataclass
class Store:
    """Everything read from one MLMD store."""

    source: str
    schema_version: int
    artifacts: dict[int, Node]
    executions: dict[int, Node]
    contexts: dict[int, Node]
    events: list[Event]
    attributions: dict[int, list[int]]
    """artifact id → context ids"""
    associations: dict[int, list[int]]
    """execution id → context ids"""
    parents: dict[int, list[int]]
    """context id → parent context ids"""
    problems: list[tuple[str, str]] = field(default_factory=list)
    """(item, reason) of values that could not be decoded"""


def sqlite_path(uri: str) -> Path:
    """The file of ``sqlite:///relative``, ``sqlite:////absolute`` or a plain path."""
    if not uri.startswith("sqlite:"):
        return Path(uri)
    rest = uri[len("sqlite:"):]
    if rest.startswith("////"):
        return Path("/" + unquote(rest[4:]))
    if rest.startswith("///"):
        return Path(unquote(rest[3:]))
    return Path(unquote(urlsplit(uri).path))


def read(uri: str) -> Store:
    """Read the whole store at ``uri`` (``sqlite:///path`` or a path) read-only.

    :raises SourceUnavailable: the file is missing, not SQLite, corrupt, or has no MLMD tables; one line
        naming the file.
    """
    path = sqlite_path(uri)
    if not path.is_file():
        raise SourceUnavailable(f"{path}: no such MLMD store file")
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head != b"SQLite format 3\x00":
        raise SourceUnavailable(f"{path}: not an SQLite database (an MLMD store is an SQLite file)")
    try:
        con = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise SourceUnavailable(f"{path}: cannot open as SQLite ({e})") from None
    try:
        con.row_factory = sqlite3.Row
        return _read(con, str(path))
    except sqlite3.DatabaseError as e:
        raise SourceUnavailable(f"{path}: corrupt MLMD store ({e})") from None
    finally:
        con.close()


def _read(con: sqlite3.Connection, where: str) -> Store:
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    missing = sorted(_TABLES - tables)
    if missing:
        raise SourceUnavailable(f"{where}: not an ML Metadata store (no table {missing[0]!r})")
    row = con.execute("SELECT schema_version FROM MLMDEnv").fetchone()
    version = row[0] if row else None
    if not isinstance(version, int) or version not in SCHEMA_VERSIONS:
        raise SourceUnavailable(f"{where}: MLMD schema version {version} is not supported "
                                f"(expected {SCHEMA_VERSIONS.start}-{SCHEMA_VERSIONS.stop - 1})")
    types = {r["id"]: r["name"] for r in con.execute("SELECT id, name FROM Type")}
    problems: list[tuple[str, str]] = []

    def nodes(table: str, sql: str, states: dict[int, str] | None) -> dict[int, Node]:
        out = {}
        for r in con.execute(sql):
            keys = r.keys()
            state = r[keys[3]] if states is not None else None
            out[r["id"]] = Node(id=r["id"], type=types.get(r["type_id"], f"type#{r['type_id']}"), name=r["name"],
                                uri=r["uri"] if "uri" in keys else None,
                                state=states.get(state, str(state)) if states is not None and state is not None
                                else None,
                                created_ms=r["create_time_since_epoch"] or None,
                                updated_ms=r["last_update_time_since_epoch"] or None)
        key = {"Artifact": "artifact_id", "Execution": "execution_id", "Context": "context_id"}[table]
        for p in con.execute(f"SELECT * FROM {table}Property ORDER BY {key}, name"):
            node = out.get(p[key])
            if node is None:
                continue
            value = _value(p, f"{table.lower()} {p[key]} property {p['name']}", problems)
            (node.custom if p["is_custom_property"] else node.properties)[p["name"]] = value
        return out

    artifacts = nodes("Artifact", "SELECT id, type_id, uri, state, name, create_time_since_epoch, "
                                  "last_update_time_since_epoch FROM Artifact ORDER BY id", ARTIFACT_STATES)
    executions = nodes("Execution", "SELECT id, type_id, name, last_known_state, create_time_since_epoch, "
                                    "last_update_time_since_epoch FROM Execution ORDER BY id", EXECUTION_STATES)
    contexts = nodes("Context", "SELECT id, type_id, name, create_time_since_epoch, last_update_time_since_epoch "
                                "FROM Context ORDER BY id", None)
    paths: dict[int, str] = {}
    if "EventPath" in tables:
        for r in con.execute("SELECT event_id, step_key FROM EventPath WHERE is_index_step = 0 "
                             "ORDER BY event_id"):
            paths.setdefault(r[0], r[1])
    events = []
    for r in con.execute("SELECT id, artifact_id, execution_id, type FROM Event ORDER BY id"):
        kind = "INPUT" if r["type"] in INPUT_EVENTS else "OUTPUT" if r["type"] in OUTPUT_EVENTS else None
        if kind is not None:
            events.append(Event(r["artifact_id"], r["execution_id"], kind, paths.get(r["id"])))
    return Store(
        source=where, schema_version=version, artifacts=artifacts, executions=executions, contexts=contexts,
        events=events,
        attributions=_pairs(con, "SELECT artifact_id, context_id FROM Attribution ORDER BY context_id"),
        associations=_pairs(con, "SELECT execution_id, context_id FROM Association ORDER BY context_id"),
        parents=_pairs(con, "SELECT context_id, parent_context_id FROM ParentContext ORDER BY parent_context_id"),
        problems=problems)


def _pairs(con: sqlite3.Connection, sql: str) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for a, b in con.execute(sql):
        out.setdefault(a, []).append(b)
    return out


_STRUCT_PREFIX = "mlmd-struct::"


def _value(row: sqlite3.Row, where: str, problems: list[tuple[str, str]]) -> Any:
    if row["bool_value"] is not None:
        return bool(row["bool_value"])
    if row["int_value"] is not None:
        return int(row["int_value"])
    if row["double_value"] is not None:
        return float(row["double_value"])
    text = row["string_value"]
    if text is not None:
        if isinstance(text, str) and text.startswith(_STRUCT_PREFIX):
            try:
                return struct_value(base64.b64decode(text[len(_STRUCT_PREFIX):], validate=True))
            except (WireError, binascii.Error) as e:
                problems.append((where, f"struct value cannot be decoded ({e})"))
                return None
        return text
    proto = row["proto_value"]
    if proto is not None:
        try:
            any_ = decode(bytes(proto), ANY)
        except WireError as e:
            problems.append((where, f"proto value cannot be decoded ({e})"))
            return None
        type_url = str(any_.get("type_url", ""))
        if type_url.endswith("/google.protobuf.Struct"):
            try:
                return struct_value(any_.get("value", b""))
            except WireError as e:
                problems.append((where, f"struct value cannot be decoded ({e})"))
                return None
        problems.append((where, f"a {type_url.rsplit('/', 1)[-1]} message (only Struct values are read)"))
        return None
    if row["byte_value"] is not None:
        problems.append((where, "a bytes value (not read)"))
    return None
