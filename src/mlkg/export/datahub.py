"""DataHub metadata change proposals from an mlkg graph, built and checked with DataHub's own Python classes.

The entities and aspect fields come from the ``datahub`` profile query (``profiles/datahub.rq``) and its frame;
this module shapes each framed aspect to the aspect's Avro schema as DataHub publishes it (a single value where
the schema has an array becomes a one-item array; numbers where it has strings become strings), builds the aspect
with DataHub's generated class, lets the class validate it, and wraps it in a ``MetadataChangeProposalWrapper``.
Writing goes through DataHub's emitter (``DatahubRestEmitter``) or its file sink (``write_metadata_file``).

Needs the ``datahub`` extra (``pip install 'mlkg[datahub]'``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import InputError, MlkgError

__all__ = ["build_mcps", "push", "write_file"]


def _datahub() -> Any:
    try:
        import datahub.emitter.mcp as mcp
        import datahub.metadata.schema_classes as classes
    except ImportError as e:  # pragma: no cover - depends on the environment
        raise MlkgError("DataHub's Python library is not installed: pip install 'mlkg[datahub]' "
                        f"(acryl-datahub) ({e})") from None
    return mcp, classes


def _shape(value: Any, schema: Any, where: str) -> Any:
    """``value`` shaped to an Avro schema (avro.schema objects of DataHub's generated classes)."""
    t = schema.type
    if t == "union":
        options = [s for s in schema.schemas if s.type != "null"]
        if value is None:
            return None
        if isinstance(value, list) and not any(s.type == "array" for s in options):
            if len(value) != 1:
                raise InputError(f"{where}: {len(value)} values where DataHub keeps one", source="<graph>")
            value = value[0]
        for s in options:
            if s.type == "array" or (isinstance(value, dict) and s.type in ("record", "map")) or \
                    (not isinstance(value, (dict, list)) and s.type not in ("record", "map", "array")):
                return _shape(value, s, where)
        return _shape(value, options[0], where)
    if t == "array":
        items = value if isinstance(value, list) else [value]
        shaped = [_shape(v, schema.items, where) for v in items]
        return sorted(shaped, key=lambda v: json.dumps(v, sort_keys=True))   # the graph has no order
    if t == "record":
        if not isinstance(value, dict):
            raise InputError(f"{where}: expected an object for {schema.name}", source="<graph>")
        out = {}
        for f in schema.fields:
            if f.name in value:
                out[f.name] = _shape(value[f.name], f.type, f"{where}.{f.name}")
        return out
    if isinstance(value, list):
        if len(value) != 1:
            raise InputError(f"{where}: {len(value)} values where DataHub keeps one", source="<graph>")
        value = value[0]
    if t in ("string", "enum"):
        return str(value)
    if t in ("long", "int"):
        return int(value)
    if t in ("double", "float"):
        return float(value)
    if t == "boolean":
        return bool(value)
    return value


def build_mcps(source: Any) -> list[Any]:
    """The metadata change proposals (``MetadataChangeProposalWrapper``) for the graph, in a stable order.

    :raises InputError: when the graph has several values where DataHub keeps one.
    :raises MlkgError: when DataHub's library is missing or refuses an aspect.
    """
    # lazy: DataHub's library is an optional extra
    from .engine import PROFILES, frame_cards

    mcp_mod, classes = _datahub()
    # lazy: DataHub's library is an optional extra
    from .engine import construct

    p = PROFILES["datahub"]
    g = construct(source, p.queries, rename=p.rename, rename_objects=p.rename_objects)
    out = []
    seen: set[tuple[str, str]] = set()
    for _stem, ent in sorted(frame_cards(p, g), key=lambda se: str(se[1].get("urn"))):
        urn = ent.pop("urn", None)
        etype = ent.pop("entityType", None)
        if isinstance(urn, list) or isinstance(etype, list) or not urn:
            raise InputError(f"an entity has {urn!r} as DataHub URN (two mlkg nodes with the same FQN?)",
                             source="<graph>")
        for name in sorted(ent):
            cls = classes.ASPECT_NAME_MAP.get(name)
            if cls is None:
                raise MlkgError(f"DataHub has no aspect {name!r}")
            obj = _shape(ent[name], cls.RECORD_SCHEMA, f"{urn} {name}")
            aspect = cls.from_obj(obj)
            if not aspect.validate():
                raise MlkgError(f"{urn}: DataHub's {name} schema refuses {obj}")
            if (urn, name) in seen:
                continue
            seen.add((urn, name))
            out.append(mcp_mod.MetadataChangeProposalWrapper(entityUrn=urn, aspect=aspect))
    return out


def write_file(mcps: list[Any], path: str | Path) -> None:
    """Write the proposals as a DataHub MCP JSON file with DataHub's file sink (readable by its file source)."""
    import os

    from datahub.ingestion.sink.file import write_metadata_file

    target = Path(path)
    tmp = target.with_name(f".{target.name}.mlkg-tmp")
    try:
        write_metadata_file(tmp, mcps)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def push(mcps: list[Any], server: str, *, token: str | None = None) -> int:
    """Send the proposals to a DataHub GMS server with DataHub's REST emitter; returns how many were sent.

    :raises RemoteAccessError: when the server cannot be reached or refuses the proposals.
    """
    from datahub.emitter.rest_emitter import DatahubRestEmitter

    # lazy: DataHub's library is an optional extra
    from ..errors import RemoteAccessError

    try:
        emitter = DatahubRestEmitter(gms_server=server, token=token)
        emitter.test_connection()
        emitter.emit_mcps(mcps)
        emitter.close()
    except Exception as e:
        raise RemoteAccessError(f"DataHub at {server}: {str(e).splitlines()[0] if str(e) else type(e).__name__}") \
            from None
    return len(mcps)
