"""The checked-in results file of the benchmarks: ``benchmarks/figures.json``, the latest figures of each benchmark
at each scale, with when, where and under what load they were measured. The docs' benchmarks page is generated
from it (``python -m mlkg.tools.generate``); nobody types a figure into the docs.

A script records its figures at the end of its run::

    from results import Recorder

    rec = Recorder("lineage", scale="10k triples, 10 calls")   # reads the load average now
    ...
    rec.figure("impact, index reader", 1.93, "ms", note="median CPU per call")
    rec.save()                                                   # replaces the entry of (benchmark, scale)

The format (``"format": 1``) is described in ``benchmarks/README.md``. ``MLKG_BENCH_RESULTS=PATH`` writes to
another file (a trial run that should not replace the checked-in figures); ``MLKG_BENCH_RESULTS=`` (empty)
writes nothing.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
FILE = HERE / "figures.json"
FORMAT = 1


def results_path() -> Path | None:
    """Where figures go: ``MLKG_BENCH_RESULTS`` when set (empty: nowhere), else ``benchmarks/figures.json``."""
    value = os.environ.get("MLKG_BENCH_RESULTS")
    if value is None:
        return FILE
    return Path(value) if value else None


def machine() -> dict[str, Any]:
    """The machine the figures were measured on."""
    mem = None
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    mem = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "memory_gib": mem, "system": platform.platform(terse=True),
            "processor": platform.machine(), "python": platform.python_version()}


def _load() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def _commit() -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _script(arg: str) -> str:
    path = Path(arg).resolve()
    try:
        return path.relative_to(HERE.parent).as_posix()
    except ValueError:
        return arg


class Recorder:
    """The figures of one run of one benchmark at one scale; :meth:`save` writes them into the results file."""

    def __init__(self, benchmark: str, *, scale: str, command: str | None = None) -> None:
        self.benchmark, self.scale = benchmark, scale
        self.command = command or " ".join(["python", _script(sys.argv[0]), *sys.argv[1:]])
        self.started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        self.load_start = _load()
        self.figures: list[dict[str, Any]] = []

    def figure(self, name: str, value: float | int | None, unit: str, *, note: str | None = None) -> None:
        """One figure: what it is, its value (None: not measured), its unit (``s``, ``ms``, ``MiB``, ``x``...)."""
        item: dict[str, Any] = {"name": name, "value": value, "unit": unit}
        if note:
            item["note"] = note
        self.figures.append(item)

    def entry(self) -> dict[str, Any]:
        return {"benchmark": self.benchmark, "scale": self.scale, "date": self.started, "command": self.command,
                "commit": _commit(), "machine": machine(), "load": {"start": self.load_start, "end": _load()},
                "figures": self.figures}

    def save(self) -> Path | None:
        """Replace this benchmark's entry at this scale in the results file (atomically); returns the file."""
        path = results_path()
        if path is None:
            return None
        data: dict[str, Any] = {"format": FORMAT, "entries": []}
        if path.exists():
            data = json.loads(path.read_text(encoding="utf-8"))
        entries = [e for e in data.get("entries", [])
                   if (e.get("benchmark"), e.get("scale")) != (self.benchmark, self.scale)]
        entries.append(self.entry())
        entries.sort(key=lambda e: (e["benchmark"], e["scale"]))
        data = {"format": FORMAT, "entries": entries}
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        os.replace(tmp, path)
        print(f"# figures recorded in {path} ({self.benchmark}, {self.scale})", flush=True)
        return path
