"""Long fuzz run of every mlkg reader: at least 100,000 mutated inputs per reader (the CI run is bounded:
tests/fuzz). The only outcomes allowed are success or a clean mlkg error naming the file (exit 2 on the CLI);
anything else is a crasher, saved with its input under --out for a regression test.

    python tools/fuzz_long.py                       # 100,000 cases per reader, 2 processes
    python tools/fuzz_long.py --cases 20000 --readers turtle,rdfxml --jobs 1 --budget 600

Prints one line per reader: cases, accepted, rejected cleanly, crashers (unique kinds), cases per second.
Exit status 1 if any crasher was found.
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing as mp
import random
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "fuzz"))
sys.path.insert(0, str(ROOT / "src"))


def work(args: tuple[str, int, int, float, str]) -> dict[str, object]:
    import logging
    import warnings

    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)
    import targets as T

    reader, cases, seed, deadline, out = args
    t = T.targets()[reader]
    rnd = random.Random(seed)
    tmp = Path(tempfile.mkdtemp(prefix=f"fuzz-{reader}-"))
    counts = {"ok": 0, "error": 0, "crash": 0}
    kinds: dict[str, str] = {}
    start = time.time()
    n = 0
    while n < cases and time.time() < deadline:
        data = T.make_case(t, rnd)
        p = tmp / f"case{t.suffix}"
        p.write_bytes(data)
        n += 1
        try:
            counts[T.check(t, p)] += 1
        except T.Crash as e:
            counts["crash"] += 1
            key = str(e)[:120]
            if key not in kinds:
                f = Path(out) / f"{reader}-{len(kinds)}{t.suffix}"
                f.write_bytes(data)
                kinds[key] = str(f)
    return {"reader": reader, "cases": n, **counts, "kinds": kinds, "seconds": time.time() - start}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=100_000, help="cases per reader (default 100000)")
    ap.add_argument("--readers", default="", help="comma-separated reader names (default: all)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--budget", type=float, default=0, help="stop every reader after this many seconds (0: none)")
    ap.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "mlkg-fuzz-crashers"))
    ap.add_argument("--json", default="", help="also write the figures to this JSON file")
    a = ap.parse_args()
    import targets as T

    names = [r for r in (a.readers.split(",") if a.readers else T.targets()) if r]
    Path(a.out).mkdir(parents=True, exist_ok=True)
    deadline = time.time() + a.budget if a.budget else float("inf")
    # each reader's cases are split into chunks so both processes stay busy to the end
    chunk = max(1000, a.cases // 10)
    per_reader = []
    for r in names:
        left, i, mine = a.cases, 0, []
        while left > 0:
            mine.append((r, min(chunk, left), a.seed * 1_000_003 + zlib.crc32(r.encode()) % 100_000 * 101 + i,
                         deadline, a.out))
            left -= chunk
            i += 1
        per_reader.append(mine)
    # round robin over readers, so a --budget cut leaves every reader with a share
    jobs = [j for group in itertools.zip_longest(*per_reader) for j in group if j is not None]
    totals: dict[str, dict[str, object]] = {}
    with mp.get_context("spawn").Pool(a.jobs) as pool:
        for res in pool.imap_unordered(work, jobs):
            tot = totals.setdefault(str(res["reader"]), {"cases": 0, "ok": 0, "error": 0, "crash": 0,
                                                         "seconds": 0.0, "kinds": {}})
            for k in ("cases", "ok", "error", "crash", "seconds"):
                tot[k] += res[k]  # type: ignore[operator]
            tot["kinds"].update(res["kinds"])  # type: ignore[union-attr]
    bad = 0
    print(f"{'reader':22s} {'cases':>8s} {'accepted':>9s} {'rejected':>9s} {'crashers':>9s} {'kinds':>6s} {'case/s':>7s}")
    for r in names:
        t = totals.get(r, {"cases": 0, "ok": 0, "error": 0, "crash": 0, "seconds": 1.0, "kinds": {}})
        rate = t["cases"] / max(float(t["seconds"]), 1e-9)  # type: ignore[arg-type]
        print(f"{r:22s} {t['cases']:8d} {t['ok']:9d} {t['error']:9d} {t['crash']:9d} {len(t['kinds']):6d} "
              f"{rate:7.0f}")
        for k, f in t["kinds"].items():  # type: ignore[union-attr]
            print(f"    {k}  ->  {f}")
        bad += int(t["crash"])  # type: ignore[arg-type]
    if a.json:
        Path(a.json).write_text(json.dumps(totals, indent=2), encoding="utf-8")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
