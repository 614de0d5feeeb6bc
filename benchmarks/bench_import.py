"""Benchmark: importing an MLflow registry of 1,000 registered models × 3 versions.

The store is written with MlflowClient's registry API directly (``create_registered_model``,
``create_model_version``, aliases and tags; no ``log_model``, so the setup stays feasible). Each version's source
is a directory holding an MLmodel file with a 12-column signature, so the importer reads features too.

Prints, from one run: setup time, import time and models/versions per second for the default configuration
(aliases from the registered model's alias map) and for ``version_details=True`` (``get_model_version`` per
version), the graph build time, and their ratios.

Usage: python benchmarks/bench_import.py [--models 1000] [--versions 3] [--workdir DIR]
(without --workdir the store goes to a temporary directory, on /dev/shm when it exists, removed at the end)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

MLMODEL = """artifact_path: {path}
flavors:
  python_function:
    loader_module: mlflow.sklearn
    python_version: 3.11.7
  sklearn:
    serialization_format: skops
    sklearn_version: 1.9.1
mlflow_version: 3.17.2
model_uuid: bench-{i}
signature:
  inputs: '{inputs}'
  outputs: '[{{"type": "tensor", "tensor-spec": {{"dtype": "int64", "shape": [-1]}}}}]'
utc_time_created: '2026-11-27 00:00:00.000000'
"""


def build(work: Path, n_models: int, n_versions: int) -> str:
    from mlflow import MlflowClient

    uri = f"sqlite:///{work}/mlflow.db"
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    sources = []
    cols = [{"type": "double" if c % 3 else "string", "name": f"f{c}", "required": True} for c in range(12)]
    for v in range(n_versions):
        d = work / "models" / f"v{v + 1}"
        d.mkdir(parents=True, exist_ok=True)
        (d / "MLmodel").write_text(MLMODEL.format(path=d.as_uri(), i=v, inputs=json.dumps(cols[: 8 + v])))
        sources.append(d.as_uri())
    for i in range(n_models):
        name = f"model-{i:04d}"
        client.create_registered_model(name, tags={"team": f"team-{i % 7}"}, description=f"benchmark model {i}")
        for v in range(n_versions):
            client.create_model_version(name, sources[v], tags={"ci": "passed"} if v else {})
        client.set_registered_model_alias(name, "champion", str(n_versions))
        if i % 100 == 0:
            print(f"  setup: {i}/{n_models} models", file=sys.stderr, flush=True)
    return uri


def run(uri: str, **kw: object) -> tuple[float, int, int, list]:
    from mlkg.importers import run_import
    from mlkg.importers.mlflow import MlflowConfig

    t0 = time.perf_counter()
    ents, report = run_import("mlflow", MlflowConfig(tracking_uri=uri, **kw))
    dt = time.perf_counter() - t0
    assert not report.problems, report.text()
    return dt, report.counts["models"], report.counts["versions"], ents


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", type=int, default=1000)
    ap.add_argument("--versions", type=int, default=3)
    ap.add_argument("--workdir", default=None)
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    import logging

    logging.getLogger("mlflow").setLevel(logging.ERROR)
    # tmpfs when there is one: SQLite's fsync per registry call otherwise dominates the setup (4x here)
    shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    work = Path(args.workdir or tempfile.mkdtemp(prefix="mlkg-bench-import-", dir=shm))
    work.mkdir(parents=True, exist_ok=True)
    try:
        _bench(args, work)
    finally:
        if not args.workdir:
            import shutil

            shutil.rmtree(work, ignore_errors=True)


def _bench(args: argparse.Namespace, work: Path) -> None:
    t0 = time.perf_counter()
    import mlflow  # noqa: F401 - import time is measured apart from the setup

    t_import_sdk = time.perf_counter() - t0
    t0 = time.perf_counter()
    uri = build(work, args.models, args.versions)
    t_setup = time.perf_counter() - t0

    t_fast, n_models, n_versions, ents = run(uri)
    t_full, n2, _, _ = run(uri, version_details=True)
    assert n2 == n_models == args.models and n_versions == args.models * args.versions
    from mlkg.rdf.build import to_graph

    t0 = time.perf_counter()
    g = to_graph(ents)
    t_graph = time.perf_counter() - t0

    print(f"MLflow store: {args.models} registered models x {args.versions} versions "
          f"(mlflow {mlflow.__version__}, SQLite at {work})")
    print(f"  import mlflow (SDK):                 {t_import_sdk:7.2f} s")
    print(f"  setup via MlflowClient registry API: {t_setup:7.2f} s")
    print(f"  import (default: aliases from the registered model): {t_fast:7.2f} s  "
          f"{n_models / t_fast:8.1f} models/s  {n_versions / t_fast:8.1f} versions/s")
    print(f"  import with get_model_version per version:          {t_full:7.2f} s  "
          f"{n_models / t_full:8.1f} models/s  {n_versions / t_full:8.1f} versions/s")
    print(f"  ratio (per-version fetch / default): {t_full / t_fast:.2f}x")
    print(f"  to_graph: {len(g)} triples in {t_graph:.2f} s ({len(g) / t_graph:,.0f} triples/s); "
          f"import + graph = {n_models / (t_fast + t_graph):.1f} models/s")


if __name__ == "__main__":
    main()
