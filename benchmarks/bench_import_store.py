"""Benchmark: ``mlkg import kubeflow --mlmd DB --store oxigraph:PATH``, CPU seconds and peak RSS of the command.

The MLMD store is the ml-metadata-written fixture copied COPIES times (``bench_tracking_importers.scaled_store``;
default 500 copies = 1,000 pipeline runs). The exact command a user types runs three times in a child process
against one oxigraph store: the first import (a new graph, bulk-loaded), the same import again (nothing changed:
the change log computes an empty delta), and an import after one artifact's uri changed (a small delta).
For each, the child's user+system CPU and its peak RSS (``wait4``'s ``ru_maxrss``) are printed.

``--src DIR`` runs another checkout's ``src`` (to compare before and after a change); the default is this tree's.

Usage: python benchmarks/bench_import_store.py [COPIES] [--src DIR] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_tracking_importers import scaled_store

ROOT = Path(__file__).resolve().parents[1]


def run(cmd: list[str], src: Path) -> tuple[float, float, str]:
    """CPU seconds (user + system) and peak RSS (MiB) of one child process, and its output."""
    env = dict(os.environ, PYTHONPATH=str(src))
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    err = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, err


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("copies", nargs="?", type=int, default=500)
    ap.add_argument("--src", type=Path, default=ROOT / "src")
    ap.add_argument("--workdir", type=Path)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(dir=args.workdir))
    try:
        db = work / "mlmd.sqlite"
        scaled_store(args.copies, db)
        store = work / "kg"
        mlkg = [sys.executable, "-m", "mlkg", "import", "kubeflow", "--mlmd", f"sqlite:///{db}", "--store", f"oxigraph:{store}",
                "-q"]
        print(f"src: {args.src}; MLMD store: {2 * args.copies} pipeline runs")
        for label in ("first import", "same again", "one artifact moved"):
            if label == "one artifact moved":
                con = sqlite3.connect(db)
                con.execute("UPDATE Artifact SET uri = uri || '-moved' WHERE id = (SELECT MIN(id) FROM Artifact)")
                con.commit()
                con.close()
            cpu, rss, _ = run(mlkg, args.src)
            print(f"{label:22s} CPU {cpu:6.2f} s   peak RSS {rss:7.1f} MiB")
        cpu, rss, out = run([sys.executable, "-m", "mlkg", "history", "--store", f"oxigraph:{store}"], args.src)
        print(f"{'mlkg history':22s} CPU {cpu:6.2f} s   peak RSS {rss:7.1f} MiB")
        print(out.strip() if out.strip() else "")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
