"""Read Neptune Exporter's Parquet output (``neptune-exporter export``) into the :class:`~.oplog.Container` records
the offline replay makes, so both map the same way.

Neptune Exporter (github.com/neptune-ai/neptune-exporter, the tool Neptune points users to since its service
closed) writes one folder per project under its data path, ``<project>-<hash>/``, and each run as
``<run id>-<hash>_part_<N>.parquet`` files (``part_0`` is renamed last, once a run is complete). Every file has
one row per value in the exporter's fixed schema (its ``model.SCHEMA``): ``project_id``, ``run_id``,
``attribute_path`` (``parameters/lr``), ``attribute_type`` (``float``, ``int``, ``string``, ``bool``,
``datetime``, ``string_set``, ``float_series``, ``string_series``, ``file``, ``file_set``, ``file_series``,
``artifact``, ``histogram_series``), ``step`` (decimal), ``timestamp``, and one filled value column
(``int_value``, ``float_value``, ``string_value``, ``bool_value``, ``datetime_value``, ``string_set_value``,
``file_value.path``, ``histogram_value``).

Read with pyarrow (``pip install 'mlkg[neptune]'``), imported here only.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

from ..base import ImportReport
from .oplog import Container, Series

REQUIRED = ("project_id", "run_id", "attribute_path", "attribute_type")
_VALUE = {"float": "float_value", "int": "int_value", "string": "string_value", "bool": "bool_value",
          "datetime": "datetime_value", "string_set": "string_set_value"}


class NotAnExport(ValueError):
    """The file is not Parquet, or not in Neptune Exporter's schema."""


def is_export_file(path: Path) -> bool:
    return path.is_file() and path.name.endswith(".parquet")


def read(files: list[Path], report: ImportReport) -> list[Container]:
    """One :class:`Container` per run found in ``files`` (a run's parts merged, in part order); a file that is
    not an export is a skip, a run whose ``part_0`` is missing (an export that stopped) a warning.
    """
    import pyarrow.parquet as pq

    runs: dict[tuple[str, str], Container] = {}
    parts: dict[tuple[str, str], set[int]] = defaultdict(set)
    for f in sorted(files, key=lambda p: (str(p.parent), _part(p), p.name)):
        try:
            table = pq.read_table(f)
        except Exception as e:  # ArrowInvalid (not Parquet), OSError
            report.skip(str(f), f"not a Parquet file ({str(e).splitlines()[0][:200]})")
            continue
        missing = [c for c in REQUIRED if c not in table.column_names]
        if missing:
            report.skip(str(f), "not a Neptune Exporter file (no column " + ", ".join(missing) + ")")
            continue
        for row in table.to_pylist():
            key = (str(row.get("project_id") or ""), str(row.get("run_id") or ""))
            c = runs.get(key)
            if c is None:
                c = runs[key] = Container(folder=str(f), metadata={"containerId": key[1], "containerType": "run",
                                                                   "project": key[0]})
            _add(c, row)
            c.operations += 1
        for key in {(str(p), str(r)) for p, r in zip(table.column("project_id").to_pylist(),
                                                      table.column("run_id").to_pylist(), strict=True)}:
            parts[key].add(_part(f))
    for key, c in runs.items():
        if 0 not in parts[key]:
            c.problems.append("no part_0 file: the export of this run did not finish")
        created = c.values.get(("sys", "creation_time"))
        if isinstance(created, datetime):
            c.metadata["createdAt"] = created.isoformat()
    return list(runs.values())


def _part(path: Path) -> int:
    stem = path.name.removesuffix(".parquet")
    tail = stem.rsplit("_part_", 1)[-1] if "_part_" in stem else ""
    return int(tail) if tail.isdigit() else 0


def _add(c: Container, row: dict[str, Any]) -> None:
    path = tuple(str(row.get("attribute_path") or "").split("/"))
    kind = str(row.get("attribute_type") or "")
    if kind in _VALUE:
        value = row.get(_VALUE[kind])
        c.values[path] = set(value or []) if kind == "string_set" else value
    elif kind in ("float_series", "string_series"):
        s = c.series.setdefault(path, Series(kind=kind.removesuffix("_series")))
        step = row.get("step")
        when = row.get("timestamp")
        s.points.append((float(step) if step is not None else None,
                         row.get("float_value" if kind == "float_series" else "string_value"),
                         when.timestamp() if isinstance(when, datetime) else None))
    elif kind == "artifact":
        file_value = row.get("file_value") or {}
        current = c.values.get(path)
        files = current[1] if isinstance(current, tuple) else []
        c.values[path] = ("artifact", files + ([file_value["path"]] if file_value.get("path") else []))
    elif kind in ("file", "file_set", "file_series"):
        c.files.add(path)
    else:  # histogram_series, and types a newer exporter may add
        c.problems.append(f"attribute {'/'.join(path)} of type {kind!r} is not imported")
