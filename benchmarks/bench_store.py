"""Store benchmark: rdflib memory vs pyoxigraph embedded (on disk) vs ``oxigraph serve``, on generated graphs.

For each size (about 10k, 100k and 1M triples, streamed as N-Triples by :func:`mlkg.synth.write_ntriples`) and each
store, one fresh subprocess measures (medians over repeats, all in the same run so ratios compare like with like):

- load: the N-Triples file into a named graph (``Store.load``: rdflib parse; pyoxigraph bulk load; GSP POST);
- turtle / jsonld: export of that graph (``Store.dump``);
- impact: everything downstream of one raw PII column (``mlkg.lineage.impact``);
- upstream: everything upstream of one dashboard (``mlkg.lineage.upstream``);
- global: every dashboard with every source column it depends on (``mlkg.query.dashboard_columns``);
- peak RSS of the process holding the data (the worker; for oxigraph serve, the server process).

Then 8 concurrent clients run 500 lineage (impact) queries each, from different start columns, against the embedded
store (threads sharing one store) and against ``oxigraph serve`` (threads with their own HTTP connections):
p50/p99 latency, throughput and errors.

Targets at 1M triples (2-core machine): embedded load <= 10 s, Turtle export <= 10 s, embedded peak RSS <= 1 GiB,
and each at least 5x better than rdflib memory in the same run.

Run: ``python benchmarks/bench_store.py [--sizes 10k,100k,1M] [--concurrency-size 100k] [--quick]``.
Writes ``benchmarks/results/store-<timestamp>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
STORES = ("rdflib", "embedded", "serve")
GRAPH = "https://w3id.org/mlkg/id/graph/bench/synth"
TARGETS = {"load": 10.0, "turtle": 10.0, "peak_rss_mib": 1024.0}
MIN_RATIO = 5.0


# ---------------------------------------------------------------------------------------------------------------
# Worker: one store, one size, in its own process
# ---------------------------------------------------------------------------------------------------------------


class Timeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise Timeout()


def timed(fn: Callable[[], Any], reps: int, timeout: float) -> dict[str, Any]:
    """Median and all wall times of ``fn``; stops at the first run over ``timeout`` seconds."""
    signal.signal(signal.SIGALRM, _alarm)
    times: list[float] = []
    result = None
    for _ in range(reps):
        signal.setitimer(signal.ITIMER_REAL, timeout)
        t0 = time.perf_counter()
        try:
            result = fn()
        except Timeout:
            return {"median": None, "timeout": timeout, "runs": times}
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        times.append(time.perf_counter() - t0)
    out: dict[str, Any] = {"median": statistics.median(times), "runs": times}
    if isinstance(result, (list, tuple)):
        out["rows"] = len(result)
    return out


def _rss_mib() -> float:
    """Peak RSS of this process. VmHWM, not getrusage: Linux keeps ru_maxrss across fork and exec, so a worker
    would inherit the driver's peak."""
    hwm = _hwm_mib(os.getpid())
    return hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _hwm_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def worker(kind: str, nt: Path, n_models: int, reps: int, qreps: int, timeout: float) -> dict[str, Any]:
    import warnings

    warnings.simplefilter("ignore")
    from mlkg import lineage, synth
    from mlkg import query as Q
    from mlkg.store import as_rdflib, open_store
    from mlkg.store.server import OxigraphServer

    base_rss = _rss_mib()
    iris = synth.sample_iris(n_models)
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-{kind}-"))
    res: dict[str, Any] = {"store": kind, "rss_after_imports_mib": base_rss}
    server = None
    stores: list[Any] = []

    def fresh() -> Any:
        nonlocal server
        for s in stores:
            s.close()
        stores.clear()
        if kind == "rdflib":
            s = open_store("memory:")
        elif kind == "embedded":
            s = open_store(f"oxigraph:{tmp / ('kg%d' % len(os.listdir(tmp)))}")
        else:
            if server is not None:
                server.stop()
            server = OxigraphServer(location=tmp / ("srv%d" % len(os.listdir(tmp))), union=True).start()
            s = open_store(server.store_url)
        stores.append(s)
        return s

    load_times = []
    store = None
    for _ in range(reps):
        store = fresh()
        r = timed(lambda: store.load(path=nt, graph=GRAPH), 1, timeout)
        if r["median"] is None:
            res["load"] = r
            break
        load_times.append(r["median"])
    else:
        res["load"] = {"median": statistics.median(load_times), "runs": load_times}
    assert store is not None
    res["triples"] = store.count(GRAPH)
    out = tmp / "out"
    res["turtle"] = timed(lambda: store.dump(out, format="turtle", graph=GRAPH), reps, timeout)
    res["turtle_bytes"] = out.stat().st_size if out.exists() else None
    res["jsonld"] = timed(lambda: store.dump(out, format="jsonld", graph=GRAPH), reps, timeout)
    src = store.ds if kind == "rdflib" else as_rdflib(store)
    # single-entity lineage: the library's fast path for each store (BFS over rdflib's or pyoxigraph's index; one
    # SPARQL query for a server)
    walk = store.ox if kind == "embedded" else src
    res["impact"] = timed(lambda: lineage.impact(walk, iris["raw_column"]), qreps, timeout)
    res["upstream"] = timed(lambda: lineage.upstream(walk, iris["dashboard"]), qreps, timeout)
    res["global"] = timed(lambda: Q.dashboard_columns(src), max(1, qreps // 5), timeout)
    res["peak_rss_mib"] = _hwm_mib(server.proc.pid) if server is not None and server.proc else _rss_mib()
    res["client_peak_rss_mib"] = _rss_mib()
    for s in stores:
        s.close()
    if server is not None:
        server.stop()
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)
    return res


# ---------------------------------------------------------------------------------------------------------------
# Concurrency: 8 clients x 500 impact queries
# ---------------------------------------------------------------------------------------------------------------


def concurrency(nt: Path, n_models: int, clients: int, per_client: int) -> dict[str, Any]:
    import warnings

    warnings.simplefilter("ignore")
    from rdflib import URIRef

    from mlkg.query import load_query
    from mlkg.store import open_store
    from mlkg.store.server import OxigraphServer

    text = load_query("impact")
    tmp = Path(tempfile.mkdtemp(prefix="bench-conc-"))
    emb = open_store(f"oxigraph:{tmp / 'kg'}")
    emb.load(path=nt, graph=GRAPH)
    # start columns: every raw column of the estate (a query per column, round robin)
    starts = [r["c"] for r in emb.select(
        "SELECT ?c WHERE { ?c a <https://w3id.org/mlkg#Column> ; <https://w3id.org/mlkg#belongsToTable> ?t . "
        "?t <https://w3id.org/mlkg#name> ?n FILTER(CONTAINS(?n, '_customers')) }")]
    results: dict[str, Any] = {"clients": clients, "queries_per_client": per_client, "start_nodes": len(starts)}

    def run(make: Callable[[], Any]) -> dict[str, Any]:
        lat: list[list[float]] = [[] for _ in range(clients)]
        errors: list[str] = []
        rows: list[int] = [0] * clients

        def client(i: int) -> None:
            s = make()
            for j in range(per_client):
                start = starts[(i * per_client + j) % len(starts)]
                t0 = time.perf_counter()
                try:
                    r = s.select(text, {"entity": URIRef(str(start))})
                    rows[i] += len(r)
                except Exception as e:  # noqa: BLE001 - counted and reported
                    errors.append(f"{type(e).__name__}: {str(e)[:120]}")
                lat[i].append(time.perf_counter() - t0)

        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
        flat = sorted(x for xs in lat for x in xs)
        return {"queries": len(flat), "errors": len(errors), "first_errors": errors[:3], "wall_s": wall,
                "qps": len(flat) / wall, "p50_ms": 1000 * flat[len(flat) // 2],
                "p99_ms": 1000 * flat[min(len(flat) - 1, int(len(flat) * 0.99))], "rows": sum(rows)}

    results["embedded"] = run(lambda: emb)
    emb.close()
    with OxigraphServer(location=tmp / "kg", read_only=True, union=True) as srv:
        results["serve"] = run(lambda: open_store(srv.store_url))
    import shutil

    shutil.rmtree(tmp, ignore_errors=True)
    return results


# ---------------------------------------------------------------------------------------------------------------
# Driver
# ---------------------------------------------------------------------------------------------------------------


def _run_worker(args: list[str], timeout: float) -> dict[str, Any]:
    cmd = [sys.executable, __file__, *args]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"worker timed out after {timeout:.0f} s"}
    if p.returncode != 0:
        return {"error": f"worker exit {p.returncode}: {p.stderr.strip()[-800:]}"}
    return json.loads(p.stdout.strip().splitlines()[-1])


def _fmt(v: Any, unit: str = "s") -> str:
    if v is None:
        return "timeout"
    if unit == "ms":
        return f"{v * 1000:.1f} ms"
    if unit == "MiB":
        return f"{v:.0f} MiB"
    return f"{v:.3f} s" if v < 10 else f"{v:.1f} s"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10k,100k,1M")
    ap.add_argument("--stores", default=",".join(STORES))
    ap.add_argument("--concurrency-size", default="100k", help="size for the concurrency test ('' to skip)")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--queries", type=int, default=500, help="queries per client")
    ap.add_argument("--timeout", type=float, default=300.0, help="per operation, seconds")
    ap.add_argument("--data", type=Path, default=None, help="folder for the generated N-Triples (kept)")
    ap.add_argument("--out", type=Path, default=HERE / "results")
    ap.add_argument("--quick", action="store_true", help="10k only, 100 queries per client")
    ap.add_argument("--worker", nargs=6, metavar=("KIND", "NT", "MODELS", "REPS", "QREPS", "TIMEOUT"),
                    help=argparse.SUPPRESS)
    ap.add_argument("--concurrency-worker", nargs=4, metavar=("NT", "MODELS", "CLIENTS", "QUERIES"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        kind, nt, models, reps, qreps, timeout = args.worker
        print(json.dumps(worker(kind, Path(nt), int(models), int(reps), int(qreps), float(timeout))))
        return 0
    if args.concurrency_worker:
        nt, models, clients, queries = args.concurrency_worker
        print(json.dumps(concurrency(Path(nt), int(models), int(clients), int(queries))))
        return 0

    from mlkg import synth

    if args.quick:
        args.sizes, args.concurrency_size, args.queries = "10k", "10k", 100
    sizes = [s for s in args.sizes.split(",") if s]
    stores = [s for s in args.stores.split(",") if s]
    data = args.data or Path(tempfile.mkdtemp(prefix="bench-store-data-"))
    data.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    report: dict[str, Any] = {
        "benchmark": "store", "timestamp": stamp, "python": sys.version.split()[0],
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "loadavg_start": os.getloadavg()},
        "targets": {"at": "1M", **TARGETS, "min_ratio_vs_rdflib": MIN_RATIO}, "sizes": {},
    }
    files: dict[str, tuple[Path, int]] = {}
    for size in sorted(set(sizes + ([args.concurrency_size] if args.concurrency_size else [])),
                       key=lambda k: SIZES[k]):
        nt = data / f"synth-{size}.nt"
        models = synth.models_for_triples(SIZES[size])
        if not nt.exists():
            t0 = time.perf_counter()
            n = synth.write_ntriples(nt, SIZES[size])
            print(f"[data] {size}: {n} triples, {models} models, written in {time.perf_counter() - t0:.1f} s",
                  file=sys.stderr)
        files[size] = (nt, models)

    for size in sizes:
        nt, models = files[size]
        reps, qreps = {"10k": (5, 20), "100k": (3, 10), "1M": (1, 5)}[size]
        row: dict[str, Any] = {"models": models, "file_bytes": nt.stat().st_size}
        for kind in stores:
            r = (min(reps, 1) if kind == "rdflib" and size == "1M" else reps)
            print(f"[run] {size} {kind} ...", file=sys.stderr, flush=True)
            row[kind] = _run_worker(["--worker", kind, str(nt), str(models), str(r), str(qreps), str(args.timeout)],
                                    timeout=args.timeout * 12)
        ratios: dict[str, Any] = {}
        for kind in ("embedded", "serve"):
            if kind not in row or "rdflib" not in row or "error" in row[kind] or "error" in row["rdflib"]:
                continue
            rk: dict[str, Any] = {}
            for op in ("load", "turtle", "jsonld", "impact", "upstream", "global"):
                a, b = row["rdflib"][op]["median"], row[kind][op]["median"]
                if b is None:
                    rk[op] = None
                elif a is None:  # rdflib timed out: the ratio is at least timeout / time
                    rk[op] = f">={row['rdflib'][op]['timeout'] / b:.1f}"
                else:
                    rk[op] = a / b
            rk["peak_rss"] = row["rdflib"]["peak_rss_mib"] / row[kind]["peak_rss_mib"]
            ratios[f"rdflib/{kind}"] = rk
        row["ratios"] = ratios
        report["sizes"][size] = row
        _print_size(size, row, stores)

    if args.concurrency_size:
        nt, models = files[args.concurrency_size]
        print(f"[run] concurrency {args.clients} x {args.queries} at {args.concurrency_size} ...", file=sys.stderr)
        conc = _run_worker(["--concurrency-worker", str(nt), str(models), str(args.clients), str(args.queries)],
                           timeout=3600)
        conc["size"] = args.concurrency_size
        report["concurrency"] = conc
        print(f"\nconcurrency at {args.concurrency_size}: {args.clients} clients x {args.queries} impact queries")
        for kind in ("embedded", "serve"):
            c = conc.get(kind)
            if c:
                print(f"  {kind:9s} p50 {c['p50_ms']:.1f} ms  p99 {c['p99_ms']:.1f} ms  {c['qps']:.0f} q/s  "
                      f"errors {c['errors']}  ({c['queries']} queries, {c['wall_s']:.1f} s)")
            else:
                print(f"  {kind}: {conc.get('error')}")

    report["targets_check"] = _check(report)
    report["machine"]["loadavg_end"] = os.getloadavg()
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"store-{stamp}.json"
    path.write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(f"\nresults: {path}")
    failed = [k for k, v in report["targets_check"].items() if v.get("ok") is False]
    if failed:
        print("targets missed: " + ", ".join(failed))
    return 0


def _print_size(size: str, row: dict[str, Any], stores: list[str]) -> None:
    print(f"\n== {size} ({row['models']} models) ==")
    ops = [("load", "s"), ("turtle", "s"), ("jsonld", "s"), ("impact", "ms"), ("upstream", "ms"), ("global", "s")]
    print(f"{'store':10s} " + " ".join(f"{op:>11s}" for op, _ in ops) + f" {'peak RSS':>10s} {'triples':>9s}")
    for kind in stores:
        r = row.get(kind, {})
        if "error" in r:
            print(f"{kind:10s} ERROR {r['error'][:300]}")
            continue
        print(f"{kind:10s} " + " ".join(f"{_fmt(r[op]['median'], u):>11s}" for op, u in ops)
              + f" {_fmt(r['peak_rss_mib'], 'MiB'):>10s} {r['triples']:>9d}")
    for name, rk in row.get("ratios", {}).items():
        cells = []
        for op, _ in ops + [("peak_rss", "")]:
            v = rk.get(op)
            cells.append(f"{v:>10.1f}x" if isinstance(v, float) else f"{str(v):>11s}")
        print(f"{name:10s} " + " ".join(cells))


def _check(report: dict[str, Any]) -> dict[str, Any]:
    row = report["sizes"].get("1M")
    if not row or "embedded" not in row or "error" in row["embedded"]:
        return {}
    emb, ratios = row["embedded"], row.get("ratios", {}).get("rdflib/embedded", {})
    out: dict[str, Any] = {}
    for key, op in (("load", "load"), ("turtle", "turtle"), ("peak_rss_mib", "peak_rss")):
        value = emb[key]["median"] if isinstance(emb.get(key), dict) else emb.get(key)
        ratio = ratios.get(op)
        ratio_ok = (ratio >= MIN_RATIO) if isinstance(ratio, float) else (
            isinstance(ratio, str) and float(ratio[2:]) >= MIN_RATIO)
        out[key] = {"value": value, "target": TARGETS[key], "ratio_vs_rdflib": ratio,
                    "ok": value is not None and value <= TARGETS[key] and ratio_ok}
    return out


if __name__ == "__main__":
    sys.exit(main())
