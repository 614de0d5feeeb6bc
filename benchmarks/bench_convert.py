"""Conversion throughput: the compiled fast path against the pyld reference engine, same entities, same run.

Usage: python benchmarks/bench_convert.py [N_MODELS] [PYLD_SAMPLE]
Converts N_MODELS generated models (default 10,000) with the fast path, and a sample of them (default 500) with
pyld, checks on the sample that both engines give isomorphic graphs, and prints triples per second and the ratio.
"""

from __future__ import annotations

import sys
import time

from rdflib.compare import isomorphic

import mlkg.model as m
from pyld import jsonld as jsonld_mod

from mlkg.rdf import build, jsonld


def make_models(n: int) -> list[m.MLModel]:
    out = []
    for i in range(n):
        table = f"snowflake.analytics.public.features_{i % 97}"
        out.append(m.MLModel(
            name=f"model_{i}", service=f"mlflow_{i % 7}", algorithm=("XGBoost", "RandomForest", "LSTM")[i % 3],
            description=f"Model number {i}",
            ml_features=[m.Feature(name=f"f{j}", data_type="numerical" if j % 2 else "categorical",
                                   feature_sources=[m.FeatureSource(name=f"col_{j}", data_type="number",
                                                                    data_source=table)])
                         for j in range(4)],
            ml_hyper_parameters=[m.HyperParameter(name="learning_rate", value="0.01"),
                                 m.HyperParameter(name="max_depth", value=str(3 + i % 5))],
            metrics=[m.Evaluation(name="AUC", value=0.8 + (i % 10) / 100, split="test"),
                     m.Evaluation(name="accuracy", value=0.9, split="test")],
            training_datasets=[table], owners=[m.Ref(type="team", fqn="data_science")],
            tags=["Tier.Tier1"],
            versions=[m.ModelVersion(name=str(v), stage="Production" if v == 2 else "Archived",
                                     training_datasets=[table]) for v in (1, 2)],
        ))
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    sample = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    from results import Recorder  # benchmarks/results.py: the checked-in figures the docs page is made from

    rec = Recorder("convert", scale=f"{n:,} models, pyld sample {sample}")
    t0 = time.perf_counter()
    models = make_models(n)
    t_make = time.perf_counter() - t0

    # 1. the engines alone: entities -> N-Triples lines (fast path) vs entities -> JSON-LD -> pyld to_rdf
    #    (reference, its dataset dict); neither builds an rdflib Graph here
    t0 = time.perf_counter()
    lines = build.ntriples_lines(models)
    t_fast = time.perf_counter() - t0
    n_fast = len(set(lines))
    fast_tps = n_fast / t_fast

    sub = models[:sample]
    t0 = time.perf_counter()
    dataset = jsonld_mod.to_rdf(build.to_jsonld(sub), {"documentLoader": jsonld.document_loader()})
    t_pyld = time.perf_counter() - t0
    pyld_n = len(dataset["@default"])
    pyld_tps = pyld_n / t_pyld

    # 2. into an rdflib Graph (what to_graph returns), both engines
    t0 = time.perf_counter()
    g_fast = build.to_graph(sub, lineage=False)
    t_fast_g = time.perf_counter() - t0
    t0 = time.perf_counter()
    g_ref = jsonld.to_graph(build.to_jsonld(sub), lineage=False)
    t_pyld_g = time.perf_counter() - t0
    same = isomorphic(g_fast, g_ref)

    print(f"models built:              {n:,} in {t_make:.2f} s")
    print(f"fast path (engine, N-Triples): {n_fast:,} distinct triples in {t_fast:.2f} s = {fast_tps:,.0f} triples/s")
    print(f"pyld (engine), {sample} models: {pyld_n:,} triples in {t_pyld:.2f} s = {pyld_tps:,.0f} triples/s")
    print(f"ratio fast / pyld (engine): {fast_tps / pyld_tps:.1f}x (target >= 20x)")
    print(f"into an rdflib Graph, {sample} models: fast {len(g_fast) / t_fast_g:,.0f} triples/s, "
          f"pyld {len(g_ref) / t_pyld_g:,.0f} triples/s, ratio {t_pyld_g / t_fast_g:.1f}x")
    print(f"same graph on the sample:  {same}")
    if not same:
        raise SystemExit(1)
    rec.figure("fast path (engine, N-Triples)", round(fast_tps), "triples/s")
    rec.figure("pyld (engine)", round(pyld_tps), "triples/s")
    rec.figure("fast / pyld (engine)", round(fast_tps / pyld_tps, 1), "x", note="target >= 20x")
    rec.figure("into an rdflib Graph: pyld / fast time", round(t_pyld_g / t_fast_g, 1), "x")
    rec.save()


if __name__ == "__main__":
    main()
