"""Lineage query timings on generated graphs, per store (rdflib memory, pyoxigraph in memory).

For each size (about 10k, 100k and 1M triples, from :mod:`mlkg.synth`) and store this prints the median time of:

- impact: everything downstream of one raw (PII) column, by the BFS fast path and by ``impact.rq``;
- upstream: everything upstream of one dashboard, by BFS and by ``upstream.rq``;
- global: every dashboard with every source column it depends on (``dashboard_columns.rq``).

Both stores must give the same rows; the script checks that and stops if they differ. Targets at 1M triples:
impact <= 5 ms on pyoxigraph and <= 50 ms on rdflib; global <= 2 s on pyoxigraph.

Run: ``python benchmarks/bench_query.py [10k 100k 1M] [--reps N]``
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from rdflib import Graph, URIRef

from mlkg import lineage, synth
from mlkg import query as q

SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
TARGETS = {("impact", "pyoxigraph"): 0.005, ("impact", "rdflib"): 0.050, ("global", "pyoxigraph"): 2.0}


class Timeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise Timeout()


def median_time(fn: Callable[[], Any], reps: int, timeout: float) -> tuple[float | None, Any]:
    """Median wall time of ``fn`` over ``reps`` runs (after one warm-up run), and its last result.
    None if a run takes longer than ``timeout`` seconds."""
    signal.signal(signal.SIGALRM, _alarm)
    times: list[float] = []
    result = None
    try:
        for i in range(reps + 1):
            signal.setitimer(signal.ITIMER_REAL, timeout)
            t0 = time.perf_counter()
            result = fn()
            dt = time.perf_counter() - t0
            signal.setitimer(signal.ITIMER_REAL, 0)
            if i > 0 or reps == 1 and dt > 1.0:
                times.append(dt)
            if dt > 1.0 and len(times) >= 1:
                break  # slow cases: one measured run is enough
    except Timeout:
        return None, None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return statistics.median(times), result


def fmt(t: float | None) -> str:
    if t is None:
        return "timeout"
    return f"{t * 1000:.2f} ms" if t < 1 else f"{t:.2f} s"


def load(path: Path) -> tuple[Graph, Any, float, float]:
    import pyoxigraph as ox

    t0 = time.perf_counter()
    g = Graph()
    g.parse(str(path), format="nt")
    t_rdflib = time.perf_counter() - t0
    t0 = time.perf_counter()
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    t_ox = time.perf_counter() - t0
    return g, store, t_rdflib, t_ox


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", default=list(SIZES), help="10k, 100k and/or 1M")
    ap.add_argument("--reps", type=int, default=0, help="repetitions per one-entity query (default by size)")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds before a query run is abandoned")
    args = ap.parse_args(argv)
    print(f"mlkg bench_query  python {sys.version.split()[0]}  cpus {os.cpu_count()}")
    results: list[tuple[str, str, str, float | None]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            n = SIZES[size]
            path = Path(tmp) / f"{size}.nt"
            t0 = time.perf_counter()
            written = synth.write_ntriples(path, n)
            t_gen = time.perf_counter() - t0
            g, store, t_rdflib, t_ox = load(path)
            models = synth.models_for_triples(n)
            iris = synth.sample_iris(models)
            col, dash = URIRef(iris["raw_column"]), URIRef(iris["dashboard"])
            print(f"\n== {size}: {written:,} triples, {models} models (generate {t_gen:.1f} s; load rdflib "
                  f"{t_rdflib:.1f} s, pyoxigraph {t_ox:.2f} s)")
            reps = args.reps or {"10k": 30, "100k": 20, "1M": 10}[size]
            answers: dict[str, dict[str, Any]] = {}
            for store_name, source in (("pyoxigraph", store), ("rdflib", g)):
                cases = [
                    ("impact", "bfs", lambda s=source: lineage.impact(s, col, method="bfs"), reps),
                    ("impact", "sparql", lambda s=source: lineage.impact(s, col, method="sparql"), reps),
                    ("upstream", "bfs", lambda s=source: lineage.upstream(s, dash, method="bfs"), reps),
                    ("upstream", "sparql", lambda s=source: lineage.upstream(s, dash, method="sparql"), reps),
                    ("global", "sparql", lambda s=source: q.dashboard_columns(s), 3),
                ]
                for query, method, fn, r in cases:
                    gc.collect()
                    t, rows = median_time(fn, r, args.timeout)
                    results.append((size, store_name, f"{query}/{method}", t))
                    count = "-" if rows is None else len(rows)
                    print(f"  {store_name:<10} {query:<8} {method:<6} {fmt(t):>12}   rows {count}")
                    if rows is not None:
                        key = f"{query}/{method}"
                        answers.setdefault(key, {})[store_name] = rows
            for key, by_store in answers.items():
                if len(by_store) == 2 and by_store["pyoxigraph"] != by_store["rdflib"]:
                    print(f"  MISMATCH: {key} differs between pyoxigraph and rdflib")
                    return 1
                vals = list(by_store.values())
                other = key.replace("bfs", "sparql") if "bfs" in key else None
                if other and other in answers:
                    for s, rows in by_store.items():
                        if s in answers[other] and answers[other][s] != rows:
                            print(f"  MISMATCH: {key} and {other} differ on {s}")
                            return 1
                del vals
            print("  answers: identical on both stores and by both methods")
            del g, store
            gc.collect()
    print("\nTargets (at 1M):")
    for (query, store_name), target in TARGETS.items():
        for size, s, case, t in results:
            if size == "1M" and s == store_name and case.startswith(query + "/"):
                verdict = "n/a" if t is None else ("ok" if t <= target else "MISSED")
                print(f"  {query:<7} {store_name:<10} {case:<16} {fmt(t):>12}  target {fmt(target):>9}  {verdict}")
    print("\nRatios rdflib / pyoxigraph (same run):")
    by = {(size, s, case): t for size, s, case, t in results}
    for size, s, case, t in results:
        if s == "rdflib":
            ox_t = by.get((size, "pyoxigraph", case))
            if t and ox_t:
                print(f"  {size:<5} {case:<16} {t / ox_t:8.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
