"""Run every benchmark script in ``benchmarks/`` (``bench_*.py``), one after the other, each in its own process.

Each script prints its own figures and ratios (measured within its own run) and may write a JSON file of figures
to ``benchmarks/results/``. This driver keeps each script's output in ``benchmarks/results/<name>-<timestamp>.log``
and writes a summary ``benchmarks/results/run_all-<timestamp>.json`` (exit code, duration, the JSON files written).

Run: ``python benchmarks/run_all.py [--only store,query] [--skip import] [--quick] [--timeout 7200]
[--scale 10m] [-- extra args for every script]``. ``--quick`` passes ``--quick`` to the scripts that accept it;
``--scale 10m`` runs only the scripts that know ``--scale`` (the 10-million-triple estate: load into oxigraph,
impact / upstream, the production query, streamed convert; not in CI) and says which it skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def scripts() -> list[Path]:
    """Every benchmark script next to this file, in name order."""
    return sorted(p for p in HERE.glob("bench_*.py") if p.is_file())


def accepts(script: Path, flag: str) -> bool:
    return flag in script.read_text(encoding="utf-8", errors="replace")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="", help="comma-separated names (bench_NAME.py) to run")
    ap.add_argument("--skip", default="", help="comma-separated names to skip")
    ap.add_argument("--quick", action="store_true", help="pass --quick to scripts that accept it")
    ap.add_argument("--scale", default=None, choices=["10m"],
                    help="the 10M estate: only scripts that accept --scale run, with it")
    ap.add_argument("--timeout", type=float, default=7200.0, help="per script, seconds")
    ap.add_argument("--out", type=Path, default=HERE / "results")
    ap.add_argument("--list", action="store_true", help="list the scripts and exit")
    ap.add_argument("extra", nargs="*", help="arguments passed to every script (after --)")
    args = ap.parse_args(argv)

    found = scripts()
    names = {p.stem[len("bench_"):]: p for p in found}
    if args.list:
        for name, p in names.items():
            doc = p.read_text(encoding="utf-8").split('"""')[1].strip().splitlines()[0] if '"""' in \
                p.read_text(encoding="utf-8") else ""
            print(f"{name:12s} {doc}")
        return 0
    only = {n for n in args.only.split(",") if n}
    skip = {n for n in args.skip.split(",") if n}
    unknown = (only | skip) - set(names)
    if unknown:
        print(f"unknown benchmark(s): {', '.join(sorted(unknown))}; known: {', '.join(names)}", file=sys.stderr)
        return 2
    chosen = [(n, p) for n, p in names.items() if (not only or n in only) and n not in skip]
    if args.scale:
        scaled = [(n, p) for n, p in chosen if accepts(p, "--scale")]
        for n, _p in chosen:
            if (n, _p) not in scaled:
                print(f"== {n}: skipped at --scale {args.scale} (the script has no --scale)")
        chosen = scaled

    args.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    runs: list[dict[str, Any]] = []
    summary: dict[str, object] = {"timestamp": stamp, "python": sys.version.split()[0], "cpus": os.cpu_count(),
                                  "runs": runs}
    failed = 0
    for name, path in chosen:
        cmd = [sys.executable, str(path)]
        if args.quick and accepts(path, "--quick"):
            cmd.append("--quick")
        if args.scale:
            cmd += ["--scale", args.scale]
        cmd += args.extra
        log = args.out / f"{name}-{stamp}.log"
        before = set(args.out.glob("*.json"))
        print(f"== {name}: {' '.join(cmd[1:])}", flush=True)
        t0 = time.perf_counter()
        with open(log, "w", encoding="utf-8") as fh:
            try:
                proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        cwd=HERE.parent)
                assert proc.stdout is not None
                for line in proc.stdout:
                    sys.stdout.write(line)
                    fh.write(line)
                code = proc.wait(timeout=args.timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                code = -9
        took = time.perf_counter() - t0
        written = sorted(str(p.relative_to(HERE.parent)) for p in set(args.out.glob("*.json")) - before)
        runs.append({"name": name, "command": cmd[1:], "exit_code": code, "seconds": round(took, 1),
                     "log": str(log.relative_to(HERE.parent)), "results": written})
        failed += code != 0
        print(f"== {name}: exit {code} in {took:.1f} s\n", flush=True)
    path = args.out / f"run_all-{stamp}.json"
    path.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    print(f"summary: {path}")
    for r in runs:
        print(f"  {r['name']:12s} exit {r['exit_code']:>3}  {r['seconds']:>8.1f} s  {', '.join(r['results'])}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
