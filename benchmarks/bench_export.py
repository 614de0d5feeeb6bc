"""Export profiles (issue #18): CPU seconds and peak RSS of ``mlkg export --profile NAME`` at 10k and 100k triples,
each against the plain Turtle dump of the same graph, measured in one run.

Usage: python benchmarks/bench_export.py [--sizes 10k,100k] [--profiles all|fair4ml,mls,...] [--repeat 3] [--quick]

For each size a synthetic estate (:func:`mlkg.synth.graph_of_size`: models with versions, metrics, features and
their sources, runs, endpoints, owners, tags) is written once as N-Triples. Then, for each profile and for the
baseline ``turtle`` (``mlkg.rdf.formats.serialize(g, "turtle")``), a fresh child process reads the file the way
``mlkg export FILE`` does (:func:`mlkg.io.open_source`) and runs :func:`mlkg.export.export` ``--repeat`` times.
Printed per profile:

- ``cpu``: best CPU seconds (``time.process_time``) of one export, the file already read;
- ``first``: CPU seconds of the first export in the process (loads the queries, contexts, DataHub's classes);
- ``peak MB``: peak RSS of the child (``ru_maxrss``), and ``+MB`` how much of it the exports added over the RSS
  after reading the graph;
- ``x turtle``: the ratios cpu / the Turtle dump's cpu and peak / its peak (same size, same run);
- ``out``: what the export built (the profile's CONSTRUCT result in triples, where it has one) and wrote (files,
  characters).

Peak RSS is per process, hence one child per profile and size. CPU seconds are less affected by the machine's
load than wall time; the load average is printed at the start.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
BASELINE = "turtle"


def rss_mb() -> float:
    """The current resident set size in MB (Linux /proc; the peak where that is missing)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def child(profile: str, path: str, repeat: int) -> dict:
    """Read ``path`` as ``mlkg export`` does and export it ``repeat`` times; the figures as a dict."""
    from mlkg.export import export
    from mlkg.io import open_source
    from mlkg.rdf.formats import serialize

    t0 = time.process_time()
    source = open_source([path], None)
    read = time.process_time() - t0
    g = getattr(source, "ds", source)          # the rdflib graph behind the store view
    after_read = rss_mb()

    def run() -> tuple[int, int, int]:
        if profile == BASELINE:
            text = serialize(g, "turtle")
            return 0, 1, len(text)
        res = export(source, profile)
        return (len(res.graph) if res.graph is not None else 0), len(res.files), sum(map(len, res.files.values()))

    times = []
    out = (0, 0, 0)
    for _ in range(repeat):
        t0 = time.process_time()
        out = run()
        times.append(time.process_time() - t0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    return {"profile": profile, "triples_in": len(g), "read_cpu": read, "first": times[0], "cpu": min(times),
            "peak_mb": peak, "added_mb": max(0.0, peak - after_read), "out_triples": out[0], "out_files": out[1],
            "out_chars": out[2]}


def measure(profile: str, path: Path, repeat: int) -> dict:
    res = subprocess.run([sys.executable, __file__, "--child", profile, str(path), "--repeat", str(repeat)],
                         capture_output=True, text=True, env={**os.environ, "DATAHUB_TELEMETRY_ENABLED": "false"})
    if res.returncode != 0:
        return {"profile": profile, "error": (res.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10k,100k", help="comma-separated: 10k, 100k, 1M")
    ap.add_argument("--profiles", default="all", help="comma-separated profile names, or all")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="10k only, one repeat")
    ap.add_argument("--child", nargs=2, metavar=("PROFILE", "FILE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1], args.repeat)))
        return

    from mlkg import synth
    from mlkg.export import PROFILES

    profiles = sorted(PROFILES) if args.profiles == "all" else [p for p in args.profiles.split(",") if p]
    unknown = [p for p in profiles if p not in PROFILES]
    if unknown:
        sys.exit(f"unknown profile(s): {', '.join(unknown)} (known: {', '.join(sorted(PROFILES))})")
    sizes = ["10k"] if args.quick else [s for s in args.sizes.split(",") if s]
    repeat = 1 if args.quick else args.repeat
    print(f"load average at start: {os.getloadavg()[0]:.2f}; best of {repeat} export(s) per child process")
    head = (f"{'size':>5} {'profile':<11} {'cpu s':>7} {'first':>7} {'peak MB':>8} {'+MB':>6} "
            f"{'cpu x turtle':>12} {'peak x turtle':>13}  out")
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            path = Path(tmp) / f"estate-{size}.nt"
            synth.graph_of_size(SIZES[size]).serialize(path, format="nt", encoding="utf-8")
            base = measure(BASELINE, path, repeat)
            if "error" in base:
                sys.exit(f"{size}: the Turtle baseline failed: {base['error']}")
            print(f"\n{size}: {base['triples_in']} triples read in {base['read_cpu']:.2f} s CPU")
            print(head)
            for name in [BASELINE, *profiles]:
                r = base if name == BASELINE else measure(name, path, repeat)
                if "error" in r:
                    failed = True
                    print(f"{size:>5} {name:<11} FAILED: {r['error']}")
                    continue
                out = (f"{r['out_triples']} triples, " if r["out_triples"] else "") + \
                    f"{r['out_files']} file(s), {r['out_chars'] / 1e6:.2f} M chars"
                print(f"{size:>5} {name:<11} {r['cpu']:7.2f} {r['first']:7.2f} {r['peak_mb']:8.0f} "
                      f"{r['added_mb']:6.0f} {r['cpu'] / max(base['cpu'], 1e-9):12.2f} "
                      f"{r['peak_mb'] / max(base['peak_mb'], 1e-9):13.2f}  {out}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
