"""History benchmark: store size after repeated imports with small changes, and as-of query latency.

A synthetic estate of about 100k triples (:func:`mlkg.synth.graph_of_size`) is imported into an oxigraph store ten
times with the change log on (:func:`mlkg.history.log.replace_with_history`); between imports 1 % of the triples
change (a literal value replaced). Printed, all from this one run:

- the store's size after 10 imports with its change log, against a store holding one import (target: ≤ 1.5×):
  in quads (main store + change log), and on disk after compaction (RocksDB keeps fixed files per store);
- the impact query (``impact.rq`` from one raw column) on the current view, and on the view as of the fifth import
  (the view built once, then queried): medians, and the ratio (target: as-of ≤ 2× the current view);
- the time to build the as-of view, and to record one import.

Run: ``python benchmarks/bench_history.py [--triples 100000] [--imports 10] [--change 0.01]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from rdflib import Literal, URIRef

from mlkg import synth
from mlkg.history.log import as_of, replace_with_history
from mlkg.store import open_store

GRAPH = URIRef("https://w3id.org/mlkg/graph/import/bench/estate")


def du(*paths: Path) -> int:
    total = 0
    for p in paths:
        for root, _, files in os.walk(p):
            total += sum(os.path.getsize(os.path.join(root, f)) for f in files)
    return total


def timed(fn, repeat: int = 1) -> tuple[float, float, object]:
    walls, cpus, out = [], [], None
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        out = fn()
        cpus.append(time.process_time() - c0)
        walls.append(time.perf_counter() - w0)
    return statistics.median(walls), statistics.median(cpus), out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--triples", type=int, default=100_000)
    ap.add_argument("--imports", type=int, default=10)
    ap.add_argument("--change", type=float, default=0.01)
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()
    rng = random.Random(7)
    base = synth.graph_of_size(args.triples)
    n_models = synth.models_for_triples(args.triples)
    start = URIRef(next(v for k, v in synth.sample_iris(n_models).items() if "column" in k))
    impact = (Path(synth.__file__).parent / "queries" / "impact.rq").read_text()
    figures: dict[str, object] = {"triples": len(base), "imports": args.imports, "change": args.change,
                                  "loadavg_start": os.getloadavg()}
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one"
        with open_store(f"oxigraph:{one}") as s:
            s.replace(GRAPH, base)
            quads_one = len(s)
            raw = getattr(s, "ox", None)
            if raw is not None and hasattr(raw, "optimize"):
                raw.optimize()
        size_one = du(one)
        kg = Path(tmp) / "kg"
        t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
        record_walls = []
        with open_store(f"oxigraph:{kg}") as s:
            current = base
            for i in range(args.imports):
                if i:
                    current = current.__class__() + current  # copy
                    literal_triples = [t for t in current if isinstance(t[2], Literal)]
                    for t in rng.sample(literal_triples, int(len(current) * args.change)):
                        current.remove(t)
                        current.add((t[0], t[1], Literal(f"{t[2]}~{i}")))
                w, _, _ = timed(lambda: replace_with_history(s, GRAPH, current, time=t0 + timedelta(days=i)))
                record_walls.append(w)
            from mlkg.history.log import history_store

            side = history_store(s)
            quads_all = len(s) + len(side)
            for st in (s, side):  # compact RocksDB, so the size on disk is the data, not replaced versions
                raw = getattr(st, "ox", None)
                if raw is not None and hasattr(raw, "optimize"):
                    raw.optimize()
            size_all = du(kg, Path(f"{kg}.history"))
            bindings = {"entity": start}
            cur_w, cur_c, rows_now = timed(lambda: s.query(impact, bindings=bindings), args.repeat)
            build_w, build_c, view = timed(lambda: as_of(s, t0 + timedelta(days=4, hours=1)))
            old_w, old_c, rows_then = timed(lambda: view.query(impact, bindings=bindings), args.repeat)
    figures.update({
        "quads_one_import": quads_one, "quads_after_imports": quads_all,
        "quad_ratio": round(quads_all / quads_one, 3),
        "size_one_import_bytes": size_one, "size_after_imports_bytes": size_all,
        "size_ratio": round(size_all / size_one, 3),
        "record_import_wall_s_median": round(statistics.median(record_walls), 3),
        "impact_current_ms": round(cur_w * 1000, 2), "impact_current_cpu_ms": round(cur_c * 1000, 2),
        "impact_as_of_ms": round(old_w * 1000, 2), "impact_as_of_cpu_ms": round(old_c * 1000, 2),
        "as_of_ratio": round(old_w / cur_w, 2) if cur_w else None,
        "as_of_view_build_s": round(build_w, 3), "as_of_view_build_cpu_s": round(build_c, 3),
        "rows_current": len(rows_now), "rows_as_of": len(rows_then),  # type: ignore[arg-type]
        "loadavg_end": os.getloadavg(),
    })
    figures["targets"] = {"quad_ratio<=1.5": figures["quad_ratio"] <= 1.5,  # type: ignore[operator]
                          "disk_ratio<=1.5": figures["size_ratio"] <= 1.5,  # type: ignore[operator]
                          "as_of_ratio<=2": (figures["as_of_ratio"] or 99) <= 2}  # type: ignore[operator]
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
