"""CLI start-up benchmark (issue 16): ``mlkg --help`` and a store-backed ``mlkg impact``, before and after, against
the libraries' own import floor.

Every figure is a whole process (CPU = user + system of the process and what it waited for, from ``wait4``), run
in turn with the others, round after round (A B C ... A B C ...), so a ratio is taken between runs that saw the
same machine: each ratio printed is the median of the per-round ratios. Commands:

- ``python -c pass``: the interpreter alone;
- ``floor``: ``import typer, rich.console, rich.table, pyoxigraph, rdflib`` (what the command cannot do without:
  its CLI framework, its table renderer, the store and the RDF term library);
- ``before`` / ``after``: ``mlkg --help`` and ``mlkg impact ENTITY --store oxigraph:KG?mode=ro`` (a store with the
  fraud-detection example) with mlkg from ``--baseline REV`` (``git archive``) and from this checkout.

"impact start-up" is the impact process's CPU minus the CPU of the impact itself (resolve, walk, rows) measured in
one warm process: what mlkg spends before and around the answer. Bytecode is compiled for both trees first (an
installed package has it; a checkout run with ``PYTHONDONTWRITEBYTECODE`` would otherwise recompile every module on
every run). The heaviest top-level imports of the after tree come from ``python -X importtime``.

Target (issue 16): ``mlkg --help`` and a store-backed ``mlkg impact`` <= 0.3 s CPU of mlkg's start-up.

Run: ``python benchmarks/bench_startup.py [--rounds 9] [--baseline REV] [--quick]``.
Writes ``benchmarks/results/startup-<timestamp>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
#: The commit the start-up work of this round started from (``--baseline`` default).
BASELINE = "56570fe"
ENTITY = "snowflake.analytics.public.transactions"
FLOOR = "import typer, rich.console, rich.table, pyoxigraph, rdflib"
TARGET_CPU = 0.3


def run_once(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    """One process: its CPU seconds (user + system), peak RSS (MiB) and wall seconds; it must exit 0."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t
    err = p.stderr.read().decode("utf-8", "replace") if p.stderr else ""
    if p.stderr:
        p.stderr.close()
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit(f"failed ({p.returncode}): {' '.join(cmd)}\n{err[-800:]}")
    return {"cpu": ru.ru_utime + ru.ru_stime, "rss_mib": ru.ru_maxrss / 1024, "wall": wall}


def env_for(src: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    return env


def baseline_tree(rev: str, tmp: Path) -> Path:
    """The tree of commit ``rev`` extracted into ``tmp`` (resources beside ``src``); returns its ``src``."""
    dest = tmp / f"baseline-{rev}"
    dest.mkdir(parents=True, exist_ok=True)
    arch = subprocess.run(["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(dest)], input=arch.stdout, check=True)
    return dest / "src"


def compile_tree(src: Path) -> None:
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(src)], check=True, stdout=subprocess.DEVNULL,
                   env=dict(env_for(None), PYTHONDONTWRITEBYTECODE=""))


def work_cpu(src: Path, store: str) -> float:
    """CPU seconds of the impact itself (resolve + walk + rows), median of 20 in a warm process."""
    code = (f"import time; from mlkg import lineage; from mlkg.store import open_store\n"
            f"s = open_store({store!r}); lineage.impact(s, {ENTITY!r}); ts = []\n"
            f"for _ in range(20):\n t = time.process_time(); lineage.impact(s, {ENTITY!r}); "
            f"ts.append(time.process_time() - t)\nprint(sorted(ts)[10])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env_for(src), cwd=ROOT,
                         check=True)
    return float(out.stdout.strip().splitlines()[-1])


def top_imports(src: Path, store: str, n: int = 10) -> list[tuple[str, float]]:
    p = subprocess.run([sys.executable, "-X", "importtime", "-m", "mlkg", "impact", ENTITY, "--store", store],
                       capture_output=True, text=True, env=env_for(src), cwd=ROOT)
    tops = []
    for line in p.stderr.splitlines():
        parts = line.split("|")
        if line.startswith("import time:") and len(parts) == 3 and parts[1].strip().isdigit():
            name = parts[2][1:]
            if not name.startswith(" "):  # nested imports are indented under the module that imported them
                tops.append((name, int(parts[1]) / 1000))
    return sorted(tops, key=lambda t: -t[1])[:n]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--baseline", default=BASELINE, help="git revision of the 'before' tree")
    ap.add_argument("--no-before", action="store_true", help="only this checkout and the floors")
    ap.add_argument("--quick", action="store_true", help="3 rounds")
    args = ap.parse_args(argv)
    rounds = 3 if args.quick else args.rounds
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]

    tmp = Path(tempfile.mkdtemp(prefix="mlkg-bench-startup-"))
    results: dict[str, Any] = {"loadavg_start": os.getloadavg(), "cpus": os.cpu_count(), "rounds": rounds}
    try:
        after = ROOT / "src"
        trees = {"after": after}
        if not args.no_before:
            trees = {"before": baseline_tree(args.baseline, tmp), "after": after}
            results["baseline"] = args.baseline
        for src in trees.values():
            compile_tree(src)
        kg = tmp / "kg"
        fraud = ROOT / "examples" / "output" / "fraud_detection.ttl"
        subprocess.run([sys.executable, "-m", "mlkg", "load", str(fraud), "--store", f"oxigraph:{kg}",
                        "--no-progress"], check=True, env=env_for(after), cwd=ROOT, capture_output=True)
        store = f"oxigraph:{kg}?mode=ro"
        py = sys.executable
        cmds: dict[str, tuple[list[str], Path | None]] = {
            "python -c pass": ([py, "-c", "pass"], None),
            "floor (typer, rich, pyoxigraph, rdflib)": ([py, "-c", FLOOR], None),
        }
        for tree, src in trees.items():
            cmds[f"{tree} mlkg --help"] = ([py, "-m", "mlkg", "--help"], src)
            cmds[f"{tree} mlkg impact --store"] = ([py, "-m", "mlkg", "impact", ENTITY, "--store", store], src)
        for cmd, src in cmds.values():  # warm-up: page cache, bytecode
            run_once(cmd, env_for(src))
        runs: dict[str, list[dict[str, float]]] = {k: [] for k in cmds}
        for _ in range(rounds):
            for k, (cmd, src) in cmds.items():
                runs[k].append(run_once(cmd, env_for(src)))

        def med(k: str, key: str = "cpu") -> float:
            return statistics.median(r[key] for r in runs[k])

        def paired(a: str, b: str) -> float:
            return statistics.median(x["cpu"] / y["cpu"] for x, y in zip(runs[a], runs[b], strict=True))

        print(f"\n-- CLI start-up: {rounds} rounds, medians (load average {results['loadavg_start'][0]:.1f} at start)")
        figures = {}
        for k in cmds:
            figures[k] = {"cpu": round(med(k), 3), "wall": round(med(k, "wall"), 3),
                          "rss_mib": round(med(k, "rss_mib"), 1)}
            print(f"   {k:44s} {figures[k]['cpu']:6.3f} s CPU {figures[k]['wall']:7.3f} s wall "
                  f"{figures[k]['rss_mib']:6.1f} MiB")
        ratios = {}
        floor = "floor (typer, rich, pyoxigraph, rdflib)"
        pairs = [(f"{t} mlkg impact --store", floor) for t in trees] + [(f"{t} mlkg --help", floor) for t in trees]
        if "before" in trees:
            pairs += [("after mlkg impact --store", "before mlkg impact --store"),
                      ("after mlkg --help", "before mlkg --help")]
        for a, b in pairs:
            ratios[f"{a} / {b}"] = round(paired(a, b), 3)
            print(f"   {a + ' / ' + b:76s} {ratios[f'{a} / {b}']:6.3f}x (median of per-round ratios)")
        startup = {}
        for tree, src in trees.items():
            w = work_cpu(src, store)
            startup[tree] = {"work_cpu": round(w, 4), "startup_cpu": round(med(f"{tree} mlkg impact --store") - w, 3)}
            print(f"   {tree} impact start-up (process - the impact's own {w * 1000:.1f} ms CPU): "
                  f"{startup[tree]['startup_cpu']:.3f} s CPU   target <= {TARGET_CPU} s")
        tops = top_imports(after, store)
        print("   after: heaviest top-level imports (-X importtime, cumulative ms, one run): "
              + ", ".join(f"{n} {ms:.0f}" for n, ms in tops))
        results.update(figures=figures, ratios=ratios, impact_startup=startup, imports_ms=dict(tops),
                       target_cpu=TARGET_CPU, loadavg_end=os.getloadavg())
        print(f"   load average at end {results['loadavg_end'][0]:.1f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        out = HERE / "results"
        out.mkdir(exist_ok=True)
        path = out / f"startup-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
        path.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
        print(f"\nfigures: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
