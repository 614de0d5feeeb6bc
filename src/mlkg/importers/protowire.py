"""Decode protocol-buffer messages with the standard library, from a table of field numbers.

Two importers read files that hold serialized protobuf messages: ML Metadata's Struct values (Kubeflow) and the
records of W&B's ``.wandb`` files. Depending on ``protobuf`` plus the platform's generated classes would pin a
protobuf version on every user (ml-metadata needs protobuf<5, wandb and mlflow need newer ones), so the few
messages mlkg reads are decoded here: :func:`fields` splits a message into its fields, :func:`decode` turns them
into a dict following a :data:`Schema` (field number → name, kind, sub-schema). Unknown fields are skipped, as
protobuf itself does, so a newer writer with more fields still reads.

>>> SCHEMA = {1: ("name", "string"), 2: ("n", "int"), 3: ("tags", "string*")}
>>> decode(bytes.fromhex("0a0361626310071a01781a0179"), SCHEMA)
{'name': 'abc', 'n': 7, 'tags': ['x', 'y']}
"""

from __future__ import annotations

import struct
from typing import Any

#: field number → (name, kind) or (name, kind, sub-schema). Kinds: ``string``, ``bytes``, ``int`` (varint),
#: ``sint`` (zigzag varint), ``bool``, ``double``, ``float``, ``message``; a trailing ``*`` means repeated.
Schema = dict[int, tuple[str, str] | tuple[str, str, "Schema"]]


class WireError(ValueError):
    """The bytes are not a well-formed protobuf message."""


def fields(buf: bytes) -> list[tuple[int, int, Any]]:
    """(field number, wire type, raw value) of each field of a serialized message, in order."""
    out, pos, n = [], 0, len(buf)
    while pos < n:
        key, pos = varint(buf, pos)
        num, wt = key >> 3, key & 7
        val: Any
        if wt == 0:
            val, pos = varint(buf, pos)
        elif wt == 1:
            if pos + 8 > n:
                raise WireError("truncated 64-bit field")
            val, pos = buf[pos:pos + 8], pos + 8
        elif wt == 2:
            size, pos = varint(buf, pos)
            if pos + size > n:
                raise WireError("truncated length-delimited field")
            val, pos = buf[pos:pos + size], pos + size
        elif wt == 5:
            if pos + 4 > n:
                raise WireError("truncated 32-bit field")
            val, pos = buf[pos:pos + 4], pos + 4
        else:
            raise WireError(f"unsupported wire type {wt} (field {num})")
        if num == 0:
            raise WireError("field number 0")
        out.append((num, wt, val))
    return out


def varint(buf: bytes, pos: int) -> tuple[int, int]:
    """The varint at ``pos`` and the position after it."""
    result = shift = 0
    while True:
        if pos >= len(buf):
            raise WireError("truncated varint")
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise WireError("varint longer than 10 bytes")


def _scalar(kind: str, wt: int, val: Any) -> Any:
    if kind == "string":
        if wt != 2:
            raise WireError("a string field that is not length-delimited")
        return bytes(val).decode("utf-8", errors="replace")
    if kind == "bytes":
        return bytes(val)
    if kind in ("int", "sint", "bool"):
        if wt != 0:
            raise WireError(f"a {kind} field that is not a varint")
        if kind == "bool":
            return bool(val)
        if kind == "sint":
            return (val >> 1) ^ -(val & 1)
        return val - (1 << 64) if val >= 1 << 63 else val
    if kind == "double":
        if wt != 1:
            raise WireError("a double field that is not 64-bit")
        return struct.unpack("<d", val)[0]
    if kind == "float":
        if wt != 5:
            raise WireError("a float field that is not 32-bit")
        return struct.unpack("<f", val)[0]
    raise WireError(f"unknown kind {kind}")  # pragma: no cover - schemas are ours


def decode(buf: bytes, schema: Schema) -> dict[str, Any]:
    """The fields of ``buf`` that ``schema`` names, as a dict (repeated fields as lists; packed varints read).

    :raises WireError: the bytes are not a message of that shape.
    """
    out: dict[str, Any] = {}
    for num, wt, val in fields(buf):
        spec = schema.get(num)
        if spec is None:
            continue
        name, kind = spec[0], spec[1]
        repeated = kind.endswith("*")
        kind = kind.rstrip("*")
        if kind == "message":
            if wt != 2:
                raise WireError(f"field {name} is not a message")
            value: Any = decode(val, spec[2])  # type: ignore[misc]
            values = [value]
        elif repeated and wt == 2 and kind in ("int", "sint", "bool"):  # packed
            values, pos = [], 0
            while pos < len(val):
                v, pos = varint(val, pos)
                values.append(_scalar(kind, 0, v))
        else:
            values = [_scalar(kind, wt, val)]
        if repeated:
            out.setdefault(name, []).extend(values)
        else:
            out[name] = values[-1]
    return out


# google.protobuf.Struct / Value / ListValue / Any

VALUE: Schema = {}
STRUCT: Schema = {1: ("fields", "message*", {1: ("key", "string"), 2: ("value", "message", VALUE)})}
VALUE.update({1: ("null", "int"), 2: ("number", "double"), 3: ("string", "string"), 4: ("bool", "bool"),
              5: ("struct", "message", STRUCT), 6: ("list", "message", {1: ("values", "message*", VALUE)})})
ANY: Schema = {1: ("type_url", "string"), 2: ("value", "bytes")}


def struct_value(buf: bytes) -> dict[str, Any]:
    """A serialized ``google.protobuf.Struct`` as plain Python (numbers are floats, as Struct keeps them).

    >>> struct_value(bytes.fromhex("0a0e0a01781209110000000000001440"))
    {'x': 5.0}
    """
    return _struct(decode(buf, STRUCT))


def _struct(d: dict[str, Any]) -> dict[str, Any]:
    return {f.get("key", ""): _value(f.get("value", {})) for f in d.get("fields", [])}


def _value(v: dict[str, Any]) -> Any:
    if "struct" in v:
        return _struct(v["struct"])
    if "list" in v:
        return [_value(x) for x in v["list"].get("values", [])]
    for k in ("number", "string", "bool"):
        if k in v:
            return v[k]
    return None
