"""A bounded coverage-guided run of every reader (tools/fuzz_atheris/harness.py, one libFuzzer process per
reader): prints per reader the inputs run, the coverage reached (libFuzzer's ``cov`` and ``ft`` counters), the
corpus grown from the seeds, and the crashes (each saved as ``crash-*`` in the reader's folder under --out).

    /work/venvs/atheris/bin/python tools/fuzz_atheris/run.py --seconds 30            # every reader, 30 s each
    /work/venvs/atheris/bin/python tools/fuzz_atheris/run.py --seconds 600 --readers turtle,rdfxml

Exit status 1 if any reader crashed. The long mutation run (>= 100,000 cases per reader) is tools/fuzz_long.py.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def run_one(reader: str, seconds: int, out: Path) -> dict[str, object]:
    d = out / reader
    corpus = d / "corpus"
    d.mkdir(parents=True, exist_ok=True)
    start = time.time()
    p = subprocess.run([sys.executable, str(HERE / "harness.py"), reader, f"-max_total_time={seconds}",
                        "-print_final_stats=1", f"-artifact_prefix={d}/", str(corpus)],
                       capture_output=True, text=True, timeout=seconds * 4 + 900)
    err = p.stderr
    stats = dict(re.findall(r"stat::(\w+):\s+(\d+)", err))
    cov = re.findall(r"cov: (\d+) ft: (\d+)", err)
    crashes = sorted(str(c) for c in d.glob("crash-*"))
    return {"reader": reader, "runs": int(stats.get("number_of_executed_units", 0)),
            "cov": int(cov[-1][0]) if cov else 0, "ft": int(cov[-1][1]) if cov else 0,
            "corpus": len(list(corpus.iterdir())) if corpus.is_dir() else 0,
            "new_units": int(stats.get("new_units_added", 0)), "crashes": crashes, "rc": p.returncode,
            "wall_s": round(time.time() - start, 1),
            "tail": "" if p.returncode == 0 else err[-1500:]}


def main() -> int:
    from harness import READERS

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=int, default=30, help="fuzzing time per reader (default 30)")
    ap.add_argument("--readers", default="", help="comma-separated reader names (default: all)")
    ap.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "mlkg-atheris"))
    ap.add_argument("--json", default="", help="also write the figures to this JSON file")
    a = ap.parse_args()
    names = [r for r in (a.readers.split(",") if a.readers else READERS) if r]
    out = Path(a.out)
    results = []
    print(f"{'reader':22s} {'runs':>7s} {'cov':>6s} {'ft':>6s} {'corpus':>7s} {'crashes':>8s} {'wall s':>7s}",
          flush=True)
    for r in names:
        res = run_one(r, a.seconds, out)
        results.append(res)
        print(f"{r:22s} {res['runs']:7d} {res['cov']:6d} {res['ft']:6d} {res['corpus']:7d} "
              f"{len(res['crashes']):8d} {res['wall_s']:7.1f}", flush=True)  # type: ignore[arg-type]
        for c in res["crashes"]:  # type: ignore[attr-defined]
            print(f"    crash: {c}")
        if res["rc"] not in (0,) and not res["crashes"]:
            print(f"    libFuzzer exit {res['rc']}: {str(res['tail'])[-600:]}")
    if a.json:
        Path(a.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 1 if any(r["crashes"] or r["rc"] not in (0,) for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
