"""JSON-LD export: mlkg's writer against pyoxigraph's JSON-LD writer, same graph, same run (issue #16).

Usage: python benchmarks/bench_jsonld.py [--sizes 10k,100k] [--repeat 3] [--quick] [--convert]

For each size, a synthetic estate (:func:`mlkg.synth.graph_of_size`) is built once; then, in this process, CPU
seconds (``time.process_time``) of

- ``mlkg``: ``mlkg.rdf.formats.serialize(g, "jsonld")``, what ``mlkg convert --to jsonld`` runs after reading its
  input (compacted with mlkg's context, the context embedded);
- ``pyoxigraph``: ``pyoxigraph.serialize(triples, format=JSON_LD)`` of the same triples (already pyoxigraph terms);

best of ``--repeat`` runs each (the first mlkg call in a process also loads the context: printed as ``cold``), and
the ratio mlkg / pyoxigraph (target: <= 2 at 100k and above). The export is read back by pyoxigraph and compared
with the graph (``same graph``). ``--convert`` also times the whole command, ``mlkg convert FILE.nt --to jsonld``,
in a subprocess (its CPU includes start-up and reading the N-Triples file).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.compare import isomorphic

SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}


def cpu(fn, repeat: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return min(times), times


def convert_cpu(g: Graph) -> float:
    """CPU seconds of ``mlkg convert FILE.nt --to jsonld -o OUT`` in a child process."""
    with tempfile.TemporaryDirectory() as d:
        src, out = Path(d) / "in.nt", Path(d) / "out.jsonld"
        g.serialize(src, format="nt", encoding="utf-8")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-m", "mlkg", "convert", str(src), "--to", "jsonld", "-o", str(out), "-q"],
                       check=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    from mlkg import synth
    from mlkg.rdf.formats import serialize

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10k,100k", help="comma-separated: 10k, 100k, 1M")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="10k only")
    ap.add_argument("--convert", action="store_true", help="also time the whole `mlkg convert` command")
    args = ap.parse_args()
    sizes = ["10k"] if args.quick else [s for s in args.sizes.split(",") if s]
    print(f"load average at start: {os.getloadavg()[0]:.2f} (CPU seconds below are less affected than wall time)")
    print(f"{'size':>5} {'triples':>9} {'mlkg cold':>9} {'mlkg':>7} {'pyoxigraph':>10} {'ratio':>6} "
          f"{'same graph':>10}" + (f" {'convert':>8}" if args.convert else ""))
    ok = True
    for size in sizes:
        g = synth.graph_of_size(SIZES[size])
        triples = list(ox.parse(g.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES))
        t0 = time.process_time()
        text = serialize(g, "jsonld")
        cold = time.process_time() - t0 if size == sizes[0] else float("nan")
        t_mlkg, _ = cpu(lambda g=g: serialize(g, "jsonld"), args.repeat)
        t_ox, _ = cpu(lambda t=triples: ox.serialize(t, format=ox.RdfFormat.JSON_LD), args.repeat)
        back = Graph().parse(data=ox.serialize(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.JSON_LD),
                                               format=ox.RdfFormat.N_TRIPLES), format="nt")
        same = isomorphic(back, g)
        ok &= same
        line = (f"{size:>5} {len(g):>9,} {cold:>9.3f} {t_mlkg:>7.3f} {t_ox:>10.3f} {t_mlkg / t_ox:>6.2f} "
                f"{str(same):>10}")
        if args.convert:
            line += f" {convert_cpu(g):>8.2f}"
        print(line, flush=True)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    if not ok:
        raise SystemExit("the export does not read back into the same graph")


if __name__ == "__main__":
    main()
