"""Full SHACL validation per engine, in one run: CPU seconds, wall seconds and the ratio to today's path, with a
check that every engine gives the same results.

    python benchmarks/bench_validate_engines.py                       # 100k and 1M, core pack
    python benchmarks/bench_validate_engines.py --sizes 10k,100k --packs core,governance --public

Engines (``mlkg.validate.engines``): ``pyshacl-focus`` is the path ``mlkg validate`` took before the engine
interface (pySHACL's shapes run by mlkg on every target), ``oxigraph`` the default for full validation now (the
shapes compiled to SPARQL on pyoxigraph find the candidates, pySHACL checks them); ``--public`` adds pySHACL's own
``validate()`` (slow: about 20x the focus path). Graphs come from :mod:`mlkg.synth` with three violations planted
in one model (as in ``bench_validate.py``). Each engine runs once after a warm-up that parses the shapes.
Incremental validation of one model is measured by ``bench_validate.py``.

Two more rows run the ``oxigraph`` engine on data that is already in pyoxigraph, so nothing is copied:
``oxigraph store`` validates a :class:`pyoxigraph.Store` holding the graph (what ``mlkg validate --store
oxigraph:PATH`` does; loading the store is not timed), ``oxigraph file`` reads the graph's N-Triples file straight
into pyoxigraph and validates it (what ``mlkg validate FILE.nt`` does; the parse is timed, and the ``rdflib
parse`` row beside it is what reading the file cost before).

Target (issue 16): full core validation at 1M triples >= 10x cheaper than today's path, identical results.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import sys
import time
from collections import Counter
from typing import Any

import pyoxigraph as ox

from mlkg import synth
from mlkg.validate import read_files, validate

sys.path.insert(0, os.path.dirname(__file__))
from bench_validate import _break_one_model, _version, parse_size


def keys(report: Any) -> Counter[tuple[Any, ...]]:
    return Counter((r.focus_node, r.result_path, r.source_shape, r.component, r.severity, r.value, r.message)
                   for r in report.results)


def measure(fn: Any) -> tuple[float, float, Any]:
    gc.collect()
    c0, w0 = time.process_time(), time.perf_counter()
    out = fn()
    return time.process_time() - c0, time.perf_counter() - w0, out


def rust(python: str, g: Any, packs: tuple[str, ...]) -> tuple[float, float, int]:
    """CPU (children's, all threads), wall and result count of the Rust ``shacl`` package on ``g``."""
    import resource
    import subprocess
    import tempfile

    from mlkg.validate import shapes_for

    with tempfile.TemporaryDirectory() as tmp:
        data, shapes = os.path.join(tmp, "data.nt"), os.path.join(tmp, "shapes.ttl")
        g.serialize(data, format="nt", encoding="utf-8")
        shapes_for(list(packs)).graph.serialize(shapes, format="turtle")
        code = ("import shacl, sys; r = shacl.Shapes.from_file(sys.argv[1]).validate_file(sys.argv[2]); "
                "print(len(r))")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        w0 = time.perf_counter()
        out = subprocess.run([python, "-c", code, shapes, data], capture_output=True, text=True, timeout=1800)
        wall = time.perf_counter() - w0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall, int(out.stdout.strip() or -1)


def _rdflib_parse(path: str) -> None:
    """What ``mlkg validate FILE.nt`` spent reading the file before it went straight into pyoxigraph."""
    from mlkg.commands.validate import load_inputs

    load_inputs([path])


def _in_place_only(path: str, packs: tuple[str, ...], baseline: float) -> bool:
    validate(ox.Store(), packs)  # warm-up: parse the shapes
    store = ox.Store()
    store.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES)
    first: Counter[tuple[Any, ...]] | None = None
    ok = True
    for label, fn in (("oxigraph store", lambda: validate(store, packs)),
                      ("oxigraph file", lambda: validate(read_files([path]), packs))):
        cpu, wall, rep = measure(fn)
        k = keys(rep)
        first = k if first is None else first
        ok = ok and k == first
        print(f"{len(store):>10,} {label:<14} {cpu:>8.2f} {wall:>8.2f} {len(rep.results):>8} "
              f"{baseline / cpu:>9.1f}x {'yes' if k == first else 'NO':>5}", flush=True)
    print(f"# CPU ratio = {baseline} s (given) / engine CPU; load average now {os.getloadavg()[0]:.1f}")
    return ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100k,1M")
    ap.add_argument("--quick", action="store_true", help="10k and 100k only")
    ap.add_argument("--packs", default="core", help="comma-separated packs (default core)")
    ap.add_argument("--public", action="store_true", help="also run pySHACL's public validate() (slow)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-stores", action="store_true", help="skip the oxigraph store and file rows")
    ap.add_argument("--engines", default="pyshacl-focus,oxigraph",
                    help="engines run on the rdflib graph, the first is the baseline (default pyshacl-focus,oxigraph)")
    ap.add_argument("--baseline-cpu", type=float, default=None, metavar="SECONDS",
                    help="ratios against this CPU figure instead of the first engine's (e.g. 75.5, issue 16's "
                         "pyshacl-focus figure at 1M, when the machine is too busy to measure it again); the "
                         "first engine still gives the results the others are compared with")
    ap.add_argument("--no-rdflib-parse", action="store_true", help="skip the rdflib parse row")
    ap.add_argument("--nt", metavar="FILE", help="only the oxigraph store and file rows, on this N-Triples file "
                    "(say one written by an earlier run: no rdflib graph is built; needs --baseline-cpu; the two "
                    "rows are compared with each other)")
    ap.add_argument("--rust-python", metavar="PYTHON", help="an interpreter with the Rust `shacl` package "
                    "(pip install shacl, in its own venv): also time it on the same N-Triples and shapes "
                    "(its time includes its own parse of the file; threads' CPU summed)")
    args = ap.parse_args(argv)
    packs = tuple(p for p in args.packs.split(",") if p)
    if args.quick:
        args.sizes = "10k,100k"
    engines = [e for e in args.engines.split(",") if e] + (["pyshacl"] if args.public else [])
    print(f"# mlkg full-validation engines — Python {platform.python_version()}, pySHACL {_version('pyshacl')}, "
          f"pyoxigraph {_version('pyoxigraph')}, rdflib {_version('rdflib')}; packs {'+'.join(packs)}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'triples':>10} {'engine':<14} {'CPU s':>8} {'wall s':>8} {'results':>8} {'CPU ratio':>10} "
          f"{'same':>5}")
    ok = True
    if args.nt:
        if args.baseline_cpu is None:
            ap.error("--nt needs --baseline-cpu")
        return 0 if _in_place_only(args.nt, packs, args.baseline_cpu) else 1
    for n in [parse_size(s) for s in args.sizes.split(",") if s.strip()]:
        g = synth.graph_of_size(n, seed=args.seed)
        _break_one_model(g, n, args.seed)
        validate(g, packs, focus=["urn:warm-up"])
        base: tuple[float, Counter[tuple[Any, ...]]] | None = None
        for eng in engines:
            cpu, wall, rep = measure(lambda g=g, eng=eng: validate(g, packs, engine=eng))
            k = keys(rep)
            if base is None:
                base = (cpu if args.baseline_cpu is None else args.baseline_cpu, k)
            same = k == base[1]
            ok = ok and same
            print(f"{len(g):>10,} {eng:<14} {cpu:>8.2f} {wall:>8.2f} {len(rep.results):>8} "
                  f"{base[0] / cpu:>9.1f}x {'yes' if same else 'NO':>5}", flush=True)
        if not args.no_stores and base is not None:
            import tempfile

            with tempfile.TemporaryDirectory() as tmp:
                path = os.path.join(tmp, "data.nt")
                g.serialize(path, format="nt", encoding="utf-8")
                store = ox.Store()
                store.bulk_load(path=path, format=ox.RdfFormat.N_TRIPLES)
                runs = [("oxigraph store", lambda: validate(store, packs)),
                        ("oxigraph file", lambda: validate(read_files([path]), packs)),
                        ("rdflib parse", lambda: _rdflib_parse(path))][:2 if args.no_rdflib_parse else 3]
                for label, fn in runs:
                    cpu, wall, rep = measure(fn)
                    if label == "rdflib parse":
                        print(f"{len(g):>10,} {label:<14} {cpu:>8.2f} {wall:>8.2f} {'':>8} {'':>10} {'':>5}",
                              flush=True)
                        continue
                    same = keys(rep) == base[1]
                    ok = ok and same
                    print(f"{len(g):>10,} {label:<14} {cpu:>8.2f} {wall:>8.2f} {len(rep.results):>8} "
                          f"{base[0] / cpu:>9.1f}x {'yes' if same else 'NO':>5}", flush=True)
                del store
        if args.rust_python and base is not None:
            cpu, wall, n_res = rust(args.rust_python, g, packs)
            print(f"{len(g):>10,} {'rust shacl':<14} {cpu:>8.2f} {wall:>8.2f} {n_res:>8} "
                  f"{base[0] / cpu:>9.1f}x {'yes' if n_res == sum(base[1].values()) else 'NO':>5}", flush=True)
        del g
    against = (f"{args.baseline_cpu} s (given)" if args.baseline_cpu is not None else f"{engines[0]} CPU")
    print(f"# CPU ratio = {against} / engine CPU (higher is faster); load average now "
          f"{os.getloadavg()[0]:.1f}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
