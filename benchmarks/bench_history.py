"""History benchmark: recording imports in the change log, the store's size after repeated imports with small
changes, building the view as of a time, and as-of query latency.

A synthetic estate of about 100k triples (:func:`mlkg.synth.graph_of_size`, plus a blank-node structure on one
subject in fifty, as importers make for nested values) is imported into an oxigraph store ten times with the
change log on (:func:`mlkg.history.log.replace_with_history`); between imports 1 % of the triples change (a literal
value replaced) and every blank node is new (as a fresh import makes them). The same ten contents are also
imported into a second store without history (:meth:`Store.replace`, what an import costs without the log).
Printed in one run, each figure with its target and ratio:

- recording: the median time of imports 2..10 with the log against the same replace without it (target: the log
  adds ≤ 50 %, ratio ≤ 1.5), wall and CPU;
- size after 10 imports (store + change log) against a store holding one import (target ≤ 1.5×): quads, and bytes
  on disk after compaction (RocksDB keeps replaced versions until it compacts); every import opens and closes the
  store, as ``mlkg import ... --store`` does. Also the change log alone against one import (what history adds,
  target ≤ 0.5×), and the store against one that had the same imports without history (target ≤ 1.5×): RocksDB
  keeps data written in transactions in about twice the space of bulk-loaded data even after compaction, so any
  store that is updated grows to about 2× its first bulk load, with or without history;
- blank-node churn: triples added and removed by an import whose blank-node structures did not change (target 0);
- as-of view build at the fifth import, CPU (target ≤ 2 s), first build and cached;
- the impact query (``impact.rq`` from one raw column) on the current view and on the as-of view: medians and the
  ratio (target ≤ 2×).

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
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef

from mlkg import synth
from mlkg.history.log import LOG_DIR, as_of, records, replace_with_history
from mlkg.store import open_store

GRAPH = URIRef("https://w3id.org/mlkg/graph/import/bench/estate")
EX = "https://w3id.org/mlkg/bench#"


def du(*paths: Path) -> int:
    total = 0
    for p in paths:
        for root, _, files in os.walk(p):
            total += sum(os.path.getsize(os.path.join(root, f)) for f in files)
    return total


def timed(fn: Any, repeat: int = 1) -> tuple[float, float, Any]:
    walls, cpus, out = [], [], None
    for _ in range(repeat):
        c0, w0 = time.process_time(), time.perf_counter()
        out = fn()
        cpus.append(time.process_time() - c0)
        walls.append(time.perf_counter() - w0)
    return statistics.median(walls), statistics.median(cpus), out


def with_bnodes(g: Graph, every: int = 50) -> Graph:
    """``g`` plus, on one subject in ``every``, a small blank-node structure (fresh blank nodes every call)."""
    out = Graph()
    out += g
    for i, s in enumerate(sorted({s for s in g.subjects() if isinstance(s, URIRef)})):
        if i % every == 0:
            b = BNode()
            out.add((s, URIRef(EX + "note"), b))
            out.add((b, URIRef(EX + "text"), Literal(f"note {i}")))
            out.add((b, URIRef(EX + "by"), URIRef(EX + "team")))
    return out


def compact(store: Any) -> None:
    raw = getattr(store, "ox", None)
    if raw is not None and hasattr(raw, "optimize"):
        raw.optimize()


def figure(value: float, target: float, better: str = "lower") -> dict[str, Any]:
    ok = value <= target if better == "lower" else value >= target
    return {"value": round(value, 3), "target": f"<= {target}", "met": ok}


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
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
    # the contents of the imports, made up front so the timings are of the store and the log only
    contents, current = [], base
    for i in range(args.imports):
        if i:
            current = Graph() + current
            literal_triples = sorted(t for t in current if isinstance(t[2], Literal))
            for t in rng.sample(literal_triples, int(len(current) * args.change)):
                current.remove(t)
                current.add((t[0], t[1], Literal(f"{t[2]}~{i}")))
        contents.append(with_bnodes(current))
    out: dict[str, Any] = {"triples": len(contents[0]), "imports": args.imports, "change": args.change,
                           "loadavg_start": os.getloadavg()}
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        one, plain, kg = Path(tmp) / "one", Path(tmp) / "plain", Path(tmp) / "kg"
        # each import opens and closes the store, as `mlkg import ... --store` does
        with open_store(f"oxigraph:{one}") as s:
            s.replace(GRAPH, contents[0])
            quads_one = len(s)
        with open_store(f"oxigraph:{one}") as s:
            compact(s)
        size_one = du(one)
        plain_w, plain_c = [], []
        for i, g in enumerate(contents):
            with open_store(f"oxigraph:{plain}") as s:
                w, c, _ = timed(lambda g=g, s=s: s.replace(GRAPH, g))
            if i:
                plain_w.append(w)
                plain_c.append(c)
        with open_store(f"oxigraph:{plain}") as s:
            compact(s)
        size_plain = du(plain)
        rec_w, rec_c = [], []
        for i, g in enumerate(contents):
            with open_store(f"oxigraph:{kg}") as s:
                w, c, _ = timed(lambda g=g, i=i, s=s: replace_with_history(s, GRAPH, g, time=t0 + timedelta(days=i)))
            if i:
                rec_w.append(w)
                rec_c.append(c)
        with open_store(f"oxigraph:{kg}") as s:  # the same content again, with new blank nodes
            churn = replace_with_history(s, GRAPH, with_bnodes(current), time=t0 + timedelta(days=args.imports))
            quads_all = len(s)
        with open_store(f"oxigraph:{kg}") as s:  # compact RocksDB, so the size on disk is the data
            compact(s)
        size_all = du(kg)
        size_log = du(kg / LOG_DIR)
        with open_store(f"oxigraph:{kg}") as s:
            at = t0 + timedelta(days=min(4, args.imports - 1), hours=1)
            build_w, build_c, view = timed(lambda: as_of(s, at))
            cached_w, _, _ = timed(lambda: as_of(s, at))
            bindings = {"entity": start}
            cur_w, cur_c, rows_now = timed(lambda: s.query(impact, bindings=bindings), args.repeat)
            old_w, old_c, rows_then = timed(lambda: view.query(impact, bindings=bindings), args.repeat)
            n_records = len(records(s, GRAPH))
    rec_ratio = statistics.median(rec_w) / statistics.median(plain_w)
    rec_ratio_cpu = statistics.median(rec_c) / statistics.median(plain_c)
    out.update({
        "record_import_s": {"with_log_wall": round(statistics.median(rec_w), 3),
                            "without_log_wall": round(statistics.median(plain_w), 3),
                            "with_log_cpu": round(statistics.median(rec_c), 3),
                            "without_log_cpu": round(statistics.median(plain_c), 3)},
        "record_ratio_wall": figure(rec_ratio, 1.5),
        "record_ratio_cpu": figure(rec_ratio_cpu, 1.5),
        "quads": {"one_import": quads_one, "after_imports": quads_all},
        "quad_ratio": figure(quads_all / quads_one, 1.5),
        "disk_bytes": {"one_import": size_one, "after_imports": size_all, "of_which_log": size_log,
                       "same_imports_without_log": size_plain},
        "disk_ratio": figure(size_all / size_one, 1.5),
        "log_disk_ratio": figure(size_log / size_one, 0.5),
        "disk_ratio_vs_same_imports_without_log": figure(size_all / size_plain, 1.5),
        "bnode_churn_triples": figure(churn.added + churn.removed, 0),
        "as_of_view_build_cpu_s": figure(build_c, 2.0),
        "as_of_view_build_wall_s": round(build_w, 3), "as_of_view_cached_wall_s": round(cached_w, 6),
        "impact_ms": {"current": round(cur_w * 1000, 2), "as_of": round(old_w * 1000, 2),
                      "current_cpu": round(cur_c * 1000, 2), "as_of_cpu": round(old_c * 1000, 2)},
        "impact_as_of_ratio": figure(old_w / cur_w if cur_w else 99.0, 2.0),
        "rows_current": len(rows_now), "rows_as_of": len(rows_then), "records": n_records,
        "loadavg_end": os.getloadavg(),
    })
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
