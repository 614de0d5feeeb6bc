"""Read W&B ``.wandb`` record files (what ``WANDB_MODE=offline`` writes) with the standard library.

The file is a LevelDB-style log: a 7-byte header (``:W&B``, magic ``0xBEE1`` little-endian, version 0), then 32 KiB
blocks of chunks, each with a 7-byte header (CRC-32 of type byte + payload, payload length, type: 1 full,
2 first, 3 middle, 4 last). A block's last < 7 bytes are padding. Each reassembled record is a serialized
``wandb_internal.Record``, decoded with :mod:`mlkg.importers.protowire` from the field numbers below (from
``wandb_internal.proto`` of wandb 0.31; ``wandb sync`` reads files of every older client, so these numbers only
ever grow). ``tests/importers/wandb`` checks the result against wandb's own protobuf classes.

A file cut short (a crashed run, a partial copy) gives the complete records before the cut and a ``problem``
saying where it stops; so does a checksum mismatch.
"""

from __future__ import annotations

import json
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ... import limits
from ..protowire import Schema, WireError, decode

HEADER = b":W&B" + struct.pack("<H", 0xBEE1) + b"\x00"
BLOCK = 32 * 1024

_ITEM: Schema = {1: ("key", "string"), 2: ("nested_key", "string*"), 16: ("value_json", "string")}
_GIT: Schema = {1: ("remote_url", "string"), 2: ("commit", "string")}
_TIMESTAMP: Schema = {1: ("seconds", "int"), 2: ("nanos", "int")}
_MANIFEST_ENTRY: Schema = {1: ("path", "string"), 2: ("digest", "string"), 3: ("ref", "string"),
                           4: ("size", "int")}
RECORD: Schema = {
    1: ("num", "int"),
    2: ("history", "message", {1: ("item", "message*", _ITEM), 2: ("step", "message", {1: ("num", "int")})}),
    3: ("summary", "message", {1: ("update", "message*", _ITEM), 2: ("remove", "message*", _ITEM)}),
    5: ("config", "message", {1: ("update", "message*", _ITEM), 2: ("remove", "message*", _ITEM)}),
    8: ("artifact", "message", {
        1: ("run_id", "string"), 2: ("project", "string"), 3: ("entity", "string"), 4: ("type", "string"),
        5: ("name", "string"), 6: ("digest", "string"), 7: ("description", "string"), 8: ("metadata", "string"),
        11: ("aliases", "string*"), 19: ("tags", "string*"),
        12: ("manifest", "message", {4: ("contents", "message*", _MANIFEST_ENTRY)})}),
    17: ("run", "message", {
        1: ("run_id", "string"), 2: ("entity", "string"), 3: ("project", "string"),
        4: ("config", "message", {1: ("update", "message*", _ITEM)}),
        5: ("summary", "message", {1: ("update", "message*", _ITEM)}),
        6: ("run_group", "string"), 7: ("job_type", "string"), 8: ("display_name", "string"),
        9: ("notes", "string"), 10: ("tags", "string*"), 12: ("sweep_id", "string"), 13: ("host", "string"),
        17: ("start_time", "message", _TIMESTAMP), 21: ("git", "message", _GIT)}),
    18: ("exit", "message", {1: ("exit_code", "int"), 2: ("runtime", "int"), 3: ("not_complete", "bool")}),
    25: ("use_artifact", "message", {1: ("id", "string"), 2: ("type", "string"), 3: ("name", "string")}),
    26: ("environment", "message", {
        1: ("os", "string"), 2: ("python", "string"), 3: ("started_at", "message", _TIMESTAMP),
        6: ("program", "string"), 7: ("code_path", "string"), 9: ("git", "message", _GIT),
        10: ("email", "string"), 12: ("host", "string"), 13: ("username", "string")}),
}


class NotARecordFile(ValueError):
    """The file does not start with the ``.wandb`` header."""


@dataclass
class RunFile:
    """What one ``.wandb`` file says about its run, folded from its records (later records win)."""

    path: str
    run: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)
    artifacts: list[dict[str, Any]] = field(default_factory=list)
    used_artifacts: list[dict[str, Any]] = field(default_factory=list)
    environment: dict[str, Any] = field(default_factory=dict)
    exit: dict[str, Any] | None = None
    state: str | None = None
    """The run's state as the server gives it (live runs only: finished, failed, crashed, running)."""
    kinds: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    """Why reading stopped early, or records that did not decode."""


def chunks(data: bytes) -> tuple[list[bytes], str | None]:
    """The reassembled record payloads of a ``.wandb`` file, and why reading stopped early (None at a clean end).

    :raises NotARecordFile: the header is not a ``.wandb`` header.
    """
    if data[:7] != HEADER:
        raise NotARecordFile("not a W&B record file (no ':W&B' header)")
    out: list[bytes] = []
    pos, pending = 7, None
    n = len(data)
    while pos < n:
        left = BLOCK - pos % BLOCK
        if left < 7:  # padding at the end of a block
            pos += left
            continue
        if pos + 7 > n:
            return out, f"the file ends inside a chunk header at byte {pos} (truncated)"
        crc, length, rtype = struct.unpack("<IHB", data[pos:pos + 7])
        if rtype == 0 and length == 0:  # zero padding (a preallocated or cleanly padded block)
            pos += left
            continue
        if pos + 7 + length > n:
            return out, f"the file ends inside a record at byte {pos} (truncated; {n} bytes)"
        payload = data[pos + 7:pos + 7 + length]
        if zlib.crc32(bytes([rtype]) + payload) & 0xFFFFFFFF != crc:
            return out, f"checksum mismatch at byte {pos} (corrupt from there)"
        pos += 7 + length
        if rtype == 1:
            out.append(payload)
            pending = None
        elif rtype == 2:
            pending = payload
        elif rtype in (3, 4) and pending is not None:
            pending += payload
            if rtype == 4:
                out.append(pending)
                pending = None
        else:
            return out, f"unexpected chunk type {rtype} at byte {pos - 7 - length}"
    if pending is not None:
        return out, "the file ends inside a record that spans blocks (truncated)"
    return out, None


def _items(items: list[dict[str, Any]]) -> dict[str, Any]:
    out = {}
    for it in items:
        key = it.get("key") or "/".join(it.get("nested_key", []))
        try:
            out[key] = json.loads(it.get("value_json", "null"))
        except ValueError:
            out[key] = it.get("value_json")
    return out


def read(path: str | Path) -> RunFile:
    """Fold every record of the ``.wandb`` file at ``path`` into a :class:`RunFile`.

    :raises NotARecordFile: the file is not a ``.wandb`` file.
    :raises OSError: it cannot be read.
    """
    data = limits.read_bytes(path)
    payloads, stopped = chunks(data)
    rf = RunFile(path=str(path))
    if stopped:
        rf.problems.append(stopped)
    for i, payload in enumerate(payloads):
        try:
            rec = decode(payload, RECORD)
        except WireError as e:
            rf.problems.append(f"record {i} does not decode ({e})")
            continue
        kinds = [k for k in rec if k != "num"]
        kind = kinds[0] if kinds else "other"
        rf.kinds[kind] = rf.kinds.get(kind, 0) + 1
        body = rec.get(kind, {})
        if kind == "run":
            rf.run.update({k: v for k, v in body.items() if k not in ("config", "summary")})
            rf.config.update(_items(body.get("config", {}).get("update", [])))
            rf.summary.update(_items(body.get("summary", {}).get("update", [])))
        elif kind == "config":
            rf.config.update(_items(body.get("update", [])))
            for k in _items(body.get("remove", [])):
                rf.config.pop(k, None)
        elif kind == "summary":
            rf.summary.update(_items(body.get("update", [])))
            for k in _items(body.get("remove", [])):
                rf.summary.pop(k, None)
        elif kind == "history":
            row = _items(body.get("item", []))
            if "step" in body and "_step" not in row:
                row["_step"] = body["step"].get("num", 0)
            rf.history.append(row)
        elif kind == "artifact":
            rf.artifacts.append(body)
        elif kind == "use_artifact":
            rf.used_artifacts.append(body)
        elif kind == "environment":
            rf.environment.update(body)
        elif kind == "exit":
            rf.exit = body
    return rf
