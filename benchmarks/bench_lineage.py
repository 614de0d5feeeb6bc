"""Lineage on an oxigraph store: impact and upstream of one entity by BFS on the store's own index, against the
walk through the store interface it replaced and against the floor (one hand-written SPARQL property-path query on
the raw pyoxigraph store), median CPU milliseconds per call and the ratios, measured in one run.

    python benchmarks/bench_lineage.py                 # 100k and 1M triples
    python benchmarks/bench_lineage.py --sizes 10k,100k --reps 50

Rows per size and query (impact of a raw PII column, upstream of a dashboard, from :mod:`mlkg.synth`):

- ``index``: ``mlkg.lineage.impact``/``upstream`` on the store (``method="auto"``: the BFS reads
  ``quads_for_pattern`` and keeps pyoxigraph terms; no rdflib term is built);
- ``interface``: the same functions with the BFS reading through ``Store.neighbours``/``Store.objects`` (an
  rdflib term per kept quad), the path every store took before;
- ``floor``: ``SELECT DISTINCT ?x`` over the lineage properties' path from the start on the raw store (the set of
  entities only: no depth, path or names).

Every row must reach the same entities (checked). Target (issue 16): impact <= 10 ms, upstream <= 50 ms median.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import pyoxigraph as ox
from rdflib import URIRef

from mlkg import lineage, synth
from mlkg.dataset import OxigraphView
from mlkg.query import lineage as lin

sys.path.insert(0, os.path.dirname(__file__))
from bench_validate import _version, parse_size


def median_cpu(fn: Callable[[], Any], reps: int) -> tuple[float, Any]:
    out = fn()  # warm-up
    times = []
    for _ in range(reps):
        gc.collect()
        c0 = time.process_time()
        out = fn()
        times.append(time.process_time() - c0)
    return statistics.median(times), out


def _interface(fn: Callable[..., Any], view: OxigraphView, start: str) -> set[str]:
    """``fn`` (impact or upstream) with the BFS reading through the store interface, as before."""
    saved = lin._index
    lin._index = lin._Index  # type: ignore[assignment]
    try:
        return {r.entity for r in fn(view, URIRef(start))}
    finally:
        lin._index = saved  # type: ignore[assignment]


def _floor(store: ox.Store, start: str, direction: str) -> set[str]:
    fwd = "|".join(f"<{p}>" for p in sorted(lin.TRAVERSE))
    q = (f"SELECT DISTINCT ?x WHERE {{ <{start}> ({fwd})+ ?x FILTER isIRI(?x) }}" if direction == "up" else
         f"SELECT DISTINCT ?x WHERE {{ ?x ({fwd})+ <{start}> }}")
    return {r[0].value for r in store.query(q)}  # type: ignore[union-attr]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100k,1M")
    ap.add_argument("--reps", type=int, default=30)
    args = ap.parse_args(argv)
    print(f"# mlkg lineage on pyoxigraph — Python {platform.python_version()}, pyoxigraph {_version('pyoxigraph')}; "
          f"load average {os.getloadavg()[0]:.1f}; median CPU ms per call over {args.reps} calls")
    print(f"{'triples':>10} {'query':<9} {'reader':<10} {'CPU ms':>8} {'entities':>9} {'vs index':>9} {'same':>5}")
    ok = True
    from results import Recorder  # benchmarks/results.py: the checked-in figures the docs page is made from

    rec = Recorder("lineage", scale=f"{args.sizes} triples, {args.reps} calls")
    for size in [parse_size(s) for s in args.sizes.split(",") if s.strip()]:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "estate.nt"
            synth.write_ntriples(path, size)
            store = ox.Store()
            store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
        view = OxigraphView(store)
        iris = synth.sample_iris(synth.models_for_triples(size))
        for query, start, direction, fn in (
                ("impact", iris["raw_column"], "down", lineage.impact),
                ("upstream", iris["dashboard"], "up", lineage.upstream)):
            t_index, rows = median_cpu(lambda fn=fn, start=start: fn(view, URIRef(start)), args.reps)
            want = {r.entity for r in rows}
            t_iface, got_iface = median_cpu(lambda fn=fn, start=start: _interface(fn, view, start), args.reps)
            t_floor, got_floor = median_cpu(lambda start=start, d=direction: _floor(store, start, d), args.reps)
            for label, t, got in (("index", t_index, want), ("interface", t_iface, got_iface),
                                  ("floor", t_floor, got_floor)):
                same = got == want
                ok = ok and same
                print(f"{len(store):>10,} {query:<9} {label:<10} {t * 1e3:>8.2f} {len(got):>9} "
                      f"{t / t_index:>8.2f}x {'yes' if same else 'NO':>5}", flush=True)
                rec.figure(f"{len(store):,} triples: {query}, {label}", round(t * 1e3, 3), "ms",
                           note="median CPU per call" + ("" if same else "; DIFFERENT entities"))
        del store, view
    print("# vs index = reader's CPU / the index reader's CPU (above 1: the index reader is cheaper); "
          f"load average now {os.getloadavg()[0]:.1f}")
    rec.save()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
