"""Replay Neptune's offline operation log (``.neptune/offline/<container>/data-N.log``) with the standard library.

``neptune`` 1.x in ``mode="offline"`` queues each change of a run as one JSON line ``{"obj": {"type": ..., "path":
[...], ...}, "version": n, "at": unix-seconds}`` and ``neptune sync`` would send them in ``version`` order; the
folder also has ``metadata.json`` (container id and type, client version, creation time). Replaying the
operations in order gives the run's final fields: single values, string sets, series with step and time, and
tracked artifact files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ... import limits


@dataclass
class Series:
    kind: str
    """``float`` or ``string`` (``LogFloats`` / ``LogStrings``), or ``image``."""
    points: list[tuple[int | float | None, Any, float | None]] = field(default_factory=list)
    """(step, value, timestamp) in logging order."""


@dataclass
class Container:
    """One offline run (or other container) after replaying its log."""

    folder: str
    metadata: dict[str, Any]
    values: dict[tuple[str, ...], Any] = field(default_factory=dict)
    """Single values (Assign*), string sets (a ``set``), artifact file lists (``("artifact", [paths])``)."""
    series: dict[tuple[str, ...], Series] = field(default_factory=dict)
    files: set[tuple[str, ...]] = field(default_factory=set)
    """Paths of uploaded files and file sets (their content is not in the log)."""
    problems: list[str] = field(default_factory=list)
    operations: int = 0


class NotAnOfflineRun(ValueError):
    """The folder is not a Neptune offline container folder."""


def is_container(folder: Path) -> bool:
    return folder.is_dir() and (any(folder.glob("data-*.log")) or (folder / "metadata.json").is_file())


def replay(folder: Path) -> Container:
    """Replay every ``data-*.log`` of ``folder`` in ``version`` order.

    A line that is not JSON (a partial last line after a crash) is a problem, not an error: the rest is read.

    :raises NotAnOfflineRun: no operation log and no metadata.json in the folder.
    """
    logs = sorted(folder.glob("data-*.log"), key=lambda p: (len(p.name), p.name))
    meta_file = folder / "metadata.json"
    if not logs and not meta_file.is_file():
        raise NotAnOfflineRun(f"{folder}: not a Neptune offline folder (no data-*.log or metadata.json)")
    metadata: dict[str, Any] = {}
    c = Container(folder=str(folder), metadata=metadata)
    if meta_file.is_file():
        try:
            loaded = json.loads(meta_file.read_text(encoding="utf-8"))
            metadata.update(loaded if isinstance(loaded, dict) else {})
        except (ValueError, UnicodeDecodeError) as e:
            c.problems.append(f"metadata.json is not JSON ({e})")
    ops: list[tuple[int, int, dict[str, Any]]] = []
    for log in logs:
        limits.check_size(log)
        for lineno, line in enumerate(log.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                obj = rec["obj"]
                if not isinstance(obj, dict) or not isinstance(obj.get("path"), list):
                    raise ValueError("no operation path")
            except (ValueError, KeyError, TypeError) as e:
                c.problems.append(f"{log.name} line {lineno}: not an operation ({e}); skipped")
                continue
            version = rec.get("version")
            ops.append((version if isinstance(version, int) else 0, len(ops), obj))
    for _, _, op in sorted(ops, key=lambda t: (t[0], t[1])):
        _apply(c, op)
        c.operations += 1
    return c


def _apply(c: Container, op: dict[str, Any]) -> None:
    t = str(op.get("type", ""))
    path = tuple(str(p) for p in op["path"])
    if t.startswith("Assign"):
        c.values[path] = op.get("value")
    elif t == "AddStrings":
        current = c.values.get(path)
        c.values[path] = (current if isinstance(current, set) else set()) | set(op.get("values") or [])
    elif t == "RemoveStrings":
        current = c.values.get(path)
        if isinstance(current, set):
            current -= set(op.get("values") or [])
    elif t == "ClearStringSet":
        c.values[path] = set()
    elif t in ("LogFloats", "LogStrings", "LogImages"):
        s = c.series.setdefault(path, Series(kind={"LogFloats": "float", "LogStrings": "string"}.get(t, "image")))
        for v in op.get("values") or []:
            if isinstance(v, dict):
                s.points.append((v.get("step"), v.get("value"), v.get("ts")))
    elif t.startswith("Clear") and t.endswith("Log"):
        c.series.pop(path, None)
    elif t == "TrackFilesToArtifact":
        entries = [e[0] for e in op.get("entries") or [] if isinstance(e, list) and e]
        current = c.values.get(path)
        files = current[1] if isinstance(current, tuple) and current[0] == "artifact" else []
        c.values[path] = ("artifact", files + [str(e) for e in entries])
    elif t == "ClearArtifact":
        c.values.pop(path, None)
    elif t in ("UploadFile", "UploadFileContent", "UploadFileSet"):
        c.files.add(path)
    elif t in ("DeleteAttribute", "DeleteFiles"):
        c.values.pop(path, None)
        c.series.pop(path, None)
        c.files.discard(path)
    elif t == "ConfigFloatSeries":
        pass  # display settings of a series (min, max, unit)
    else:
        c.problems.append(f"operation {t} on {'/'.join(path)} is not replayed")
