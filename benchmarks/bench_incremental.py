"""Incremental validation on a loaded store (issue 16): after a small change to one model, validate that model and
everything it owns, on a store of any size (the 10M store of ``bench_io.py --scale 10m --reuse-store``).

Figures (CPU, one process): the first focus validation (the shapes are parsed, nothing of the data is read but the
focus), ``expand_focus`` of one model, and the median of 5 focus validations after a second ``mlkg:description``
was added to the model in its own graph (one maxCount violation expected); the change is removed at the end.
Target: <= 200 ms for one model.

Run: ``python benchmarks/bench_incremental.py PATH`` (an ``oxigraph:`` store directory, opened read-write).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import pyoxigraph as ox

from mlkg.store import open_store
from mlkg.validate import expand_focus, validate
from mlkg.validate.engines.oxview import OxData

DESCRIPTION = ox.NamedNode("https://w3id.org/mlkg#description")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", help="an oxigraph store directory")
    ap.add_argument("--reps", type=int, default=5)
    a = ap.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    with open_store(f"oxigraph:{a.path}") as s:
        print(f"store: {len(s.ox):,} quads")
        t = time.process_time()
        validate(s, focus=["urn:warm-up"])
        print(f"first focus validation (shapes parsed): {time.process_time() - t:.2f} s CPU")
        row = next(iter(s.ox.query("SELECT ?m ?g WHERE { GRAPH ?g { ?m a <https://w3id.org/mlkg#MLModel> ; "
                                   "<https://w3id.org/mlkg#description> ?d } } LIMIT 1")))
        quad = ox.Quad(row["m"], DESCRIPTION, ox.Literal("a second description"), row["g"])
        s.ox.add(quad)
        try:
            t = time.process_time()
            focus = expand_focus(OxData(s.ox).graph(), [row["m"].value])
            print(f"expand_focus of one model: {(time.process_time() - t) * 1000:.1f} ms CPU, {len(focus)} nodes")
            times = []
            for _ in range(a.reps):
                t = time.process_time()
                report = validate(s, focus=focus)
                times.append(time.process_time() - t)
            paths = sorted({r.path or "" for r in report.results})
            print(f"incremental validation of one model after a change: median {statistics.median(times) * 1000:.1f} "
                  f"ms CPU of {a.reps} (target <= 200 ms); {len(report.results)} result(s) {paths}; "
                  f"engine {report.engine}")
        finally:
            s.ox.remove(quad)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
