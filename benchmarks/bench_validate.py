"""SHACL validation time: full validation at 10k, 100k and 1M triples, and incremental re-validation of one model
in the largest graph, with the ratio, measured in one run.

    python benchmarks/bench_validate.py                  # 10k, 100k, 1M (about 10 minutes, 1.5 GB of memory)
    python benchmarks/bench_validate.py --sizes 10k,100k # smaller

Graphs come from :mod:`mlkg.synth` (a realistic ML estate, built by ``to_graph`` with the lineage super-property
triples). Full validation runs the ``core`` pack on every target (the default engine, no inference). Incremental validation
re-checks one model and every node it owns (versions, features, metrics, deployments, ...: ``expand_focus``),
against the shapes that target those nodes only; SPARQL-based rules (lineage cycles, aliases, dates) still see the
whole graph. It also checks that incremental results equal the full results restricted to the focus nodes.

Targets: incremental <= 200 ms and >= 50x faster than full validation at 1M triples.
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import sys
import time
from typing import Any

from mlkg import synth
from mlkg.validate import expand_focus, validate


def parse_size(text: str) -> int:
    t = text.strip().lower()
    mult = 1_000_000 if t.endswith("m") else 1_000 if t.endswith("k") else 1
    return int(float(t.rstrip("mk")) * mult)


def timed(fn: Any) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def human(n: int) -> str:
    return f"{n / 1e6:g}M" if n >= 1_000_000 else f"{n / 1e3:g}k"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10k,100k,1M", help="comma-separated graph sizes (default 10k,100k,1M)")
    ap.add_argument("--repeat", type=int, default=15, help="incremental runs to take the median of (default 15)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]

    print(f"# mlkg validation benchmark — Python {platform.python_version()}, {platform.machine()}, "
          f"pySHACL {_version('pyshacl')}, rdflib {_version('rdflib')}")
    print("# full = core pack on every target; incremental = one model and the nodes it owns (focus=)")
    print()
    print(f"{'triples':>10} {'build s':>8} {'full s':>8} {'results':>8} {'nodes/s':>10}")
    full_times: dict[int, float] = {}
    last_graph = None
    for n in sizes:
        gc.collect()
        t_build, g = timed(lambda: synth.graph_of_size(n, seed=args.seed))
        if n == sizes[-1]:
            _break_one_model(g, n, args.seed)
        validate(g, focus=["urn:warm-up"])  # parse and harvest the shapes once (cached), outside the timings
        t_full, report = timed(lambda: validate(g))
        full_times[n] = t_full
        nodes = len(set(g.subjects()))
        print(f"{len(g):>10,} {t_build:>8.2f} {t_full:>8.2f} {len(report.results):>8} {nodes / t_full:>10,.0f}",
              flush=True)
        if n != sizes[-1]:
            del g, report
        else:
            last_graph, last_full = g, report

    assert last_graph is not None
    g = last_graph
    n = sizes[-1]
    model = synth.sample_iris(synth.models_for_triples(n, seed=args.seed), seed=args.seed)["model"]
    focus = expand_focus(g, [model])
    print()
    print(f"# incremental: {model}")
    print(f"#   {len(focus)} focus nodes (the model, its versions, features, metrics, deployments, ...)")

    def once(packs: tuple[str, ...]) -> tuple[list[float], Any]:
        times, rep = [], None
        validate(g, packs, focus=focus)  # warm-up
        for _ in range(args.repeat):
            t, rep = timed(lambda: validate(g, packs, focus=focus))
            times.append(t)
        return times, rep

    core_times, core_rep = once(("core",))
    gov_times, gov_rep = once(("core", "governance"))

    full_in_focus = sorted((r.focus_node, r.path, r.message) for r in last_full.results
                           if r.focus_node in {str(f) for f in focus})
    inc = sorted((r.focus_node, r.path, r.message) for r in core_rep.results)
    same = "yes" if full_in_focus == inc else "NO"

    med = statistics.median(core_times)
    ratio = full_times[n] / med
    print(f"{'packs':<18} {'median ms':>10} {'min ms':>8} {'max ms':>8} {'results':>8}")
    for name, ts, rep in (("core", core_times, core_rep), ("core+governance", gov_times, gov_rep)):
        print(f"{name:<18} {statistics.median(ts) * 1000:>10.1f} {min(ts) * 1000:>8.1f} {max(ts) * 1000:>8.1f} "
              f"{len(rep.results):>8}")
    print()
    print(f"incremental (core) at {human(n)}: {med * 1000:.1f} ms median; full: {full_times[n]:.2f} s; "
          f"ratio full/incremental: {ratio:,.0f}x")
    print(f"incremental results equal full results restricted to the focus: {same}")
    ok_time = med <= 0.200
    ok_ratio = ratio >= 50
    print(f"targets: incremental <= 200 ms: {'met' if ok_time else 'NOT met'}; "
          f">= 50x faster than full: {'met' if ok_ratio else 'NOT met'}")
    return 0 if same == "yes" else 1


def _break_one_model(g: Any, n: int, seed: int) -> None:
    """Three violations on the model the incremental run re-checks, so both runs have results to compare: a name
    with '::', an alias on two versions (SPARQL rule) and a ratio metric above 1."""
    from rdflib import Literal, URIRef

    from mlkg.namespaces import MLKG

    iris = synth.sample_iris(synth.models_for_triples(n, seed=seed), seed=seed)
    model = URIRef(iris["model"])
    g.set((model, MLKG.name, Literal("churn::model")))
    versions = sorted(g.objects(model, MLKG.hasVersion))
    for v in versions[:2]:
        g.add((v, MLKG.alias, Literal("shadow")))
    for v in versions:
        for e in g.objects(v, MLKG.hasEvaluation):
            if (e, MLKG.measure, MLKG.AUC) in g or (e, MLKG.measure, MLKG.Accuracy) in g:
                g.set((e, MLKG.metricValue, Literal(1.5)))
                return


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:  # pragma: no cover
        return "?"


if __name__ == "__main__":
    sys.exit(main())
