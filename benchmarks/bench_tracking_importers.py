"""Kubeflow (MLMD) and H2O importers at scale: read + map + graph time per run / per model.

Usage: python benchmarks/bench_tracking_importers.py [COPIES] [--quick]

MLMD: the ml-metadata-written fixture (tests/importers/kubeflow/data/mlmd.sqlite: 2 pipeline runs, 5 executions,
9 artifacts) is copied COPIES times (default 500) into one SQLite store with the same schema (ids shifted, names
suffixed), which stands for a KFP deployment with 1,000 pipeline runs. H2O: the details JSON written by H2O is
imported COPIES times under different model ids. Prints seconds, entities and triples per second, and the time
per pipeline run / per model. ``--quick``: 20 copies.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from mlkg.importers import get
from mlkg.rdf.build import to_graph

ROOT = Path(__file__).resolve().parents[1]
MLMD = ROOT / "tests/importers/kubeflow/data/mlmd.sqlite"
DETAILS = ROOT / "tests/importers/h2o/data/iris_gbm.json"
OFF = 1000

#: table → (id-like columns to shift, name-like columns to suffix)
SHIFT = {
    "Artifact": (("id",), ("name",)), "ArtifactProperty": (("artifact_id",), ()),
    "Execution": (("id",), ("name",)), "ExecutionProperty": (("execution_id",), ()),
    "Event": (("id", "artifact_id", "execution_id"), ()), "EventPath": (("event_id",), ()),
    "Context": (("id",), ("name",)), "ContextProperty": (("context_id",), ()),
    "Attribution": (("id", "context_id", "artifact_id"), ()),
    "Association": (("id", "context_id", "execution_id"), ()),
    "ParentContext": (("context_id", "parent_context_id"), ()),
}


def scaled_store(copies: int, path: Path) -> None:
    shutil.copy(MLMD, path)
    con = sqlite3.connect(path)
    for table, (shift, names) in SHIFT.items():
        cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
        rows = con.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall()
        out = []
        for k in range(1, copies):
            for row in rows:
                vals = list(row)
                for i, c in enumerate(cols):
                    if c in shift and vals[i] is not None:
                        vals[i] += k * OFF
                    elif c in names and vals[i] is not None:
                        vals[i] = f"{vals[i]}-{k}"
                out.append(vals)
        con.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", out)
    con.commit()
    con.close()


def bench(label: str, make_importer: object, unit: str, n_units: int) -> None:
    t0 = time.perf_counter()
    imp = make_importer()  # type: ignore[operator]
    ents = imp.run()
    t1 = time.perf_counter()
    g = to_graph(ents)
    t2 = time.perf_counter()
    print(f"{label}: import {t1 - t0:.2f}s ({len(ents)} root entities), graph {t2 - t1:.2f}s "
          f"({len(g):,} triples, {len(g) / (t2 - t0):,.0f} triples/s overall); "
          f"{(t2 - t0) / n_units * 1000:.2f} ms per {unit}")


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--quick"]
    copies = int(args[0]) if args else (20 if "--quick" in sys.argv else 500)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "mlmd.sqlite"
        t0 = time.perf_counter()
        scaled_store(copies, db)
        print(f"MLMD store with {2 * copies} pipeline runs written in {time.perf_counter() - t0:.2f}s "
              f"({db.stat().st_size / 1e6:.1f} MB)")
        bench("kubeflow --mlmd", lambda: get("kubeflow")(mlmd=str(db)), "pipeline run", 2 * copies)
        doc = json.loads(DETAILS.read_text())
        folder = Path(tmp) / "h2o"
        folder.mkdir()
        for i in range(copies):
            doc["model_id"]["name"] = f"gbm_{i}"
            (folder / f"gbm_{i}.json").write_text(json.dumps(doc))
        bench("h2o details", lambda: get("h2o")(paths=(str(folder),)), "model", copies)


if __name__ == "__main__":
    main()
