"""I/O and scale benchmark (issue 16): loading, entities into a store, exports, streaming convert, CLI start-up, and
the 10-million-triple estate.

Every figure is a separate process (CPU = user + system of that process, peak RSS of that process), measured in
one run for three trees of code, so ratios compare like with like:

- ``floor``: the libraries alone (rdflib's ``Graph.parse``, pyoxigraph's ``bulk_load`` / ``dump`` / ``serialize``);
- ``before``: mlkg as it was before this work (``--baseline REV``, default the commit the work started from; the
  tree is extracted with ``git archive`` into a temporary directory);
- ``after``: mlkg from this checkout.

Cases (``--only``): ``memory`` (``memory:`` store load vs ``Graph.parse``), ``entities`` (entities into an
oxigraph store: ``to_graph`` + load vs the N-Triples emitter into the bulk loader), ``export`` (``mlkg convert
--store … --to turtle|nt`` vs pyoxigraph's dump), ``stream`` (``mlkg convert F.nt --to turtle|nt`` vs pyoxigraph's
parse + serialize), ``startup`` (``mlkg --help`` and a store-backed ``mlkg impact``, with ``-X importtime``).

``--scale 10m``: the 10M estate instead (generation by :func:`mlkg.synth.write_ntriples`, streamed; ``mlkg load``
into oxigraph vs the raw bulk load; impact / upstream; ``mlkg query production``; streamed convert). Paths that do
not fit this machine's memory or time are named in the output and skipped.

Run: ``python benchmarks/bench_io.py [--size 1M] [--quick] [--only memory,stream] [--data DIR] [--scale 10m]``.
Writes ``benchmarks/results/io-<timestamp>.json``.
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
SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000, "10M": 10_000_000}
GRAPH = "https://w3id.org/mlkg/id/graph/bench/io"
#: The commit the I/O work of issue 16 started from (``--baseline`` default).
BASELINE = "60101c9"

# A process reporting its child's CPU, peak RSS and wall time as JSON (the child is the measured command).
_WRAP = ("import json, resource, subprocess, sys, time; t = time.perf_counter(); "
         "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True); "
         "w = time.perf_counter() - t; r = resource.getrusage(resource.RUSAGE_CHILDREN); "
         "print(json.dumps({'code': p.returncode, 'cpu': r.ru_utime + r.ru_stime, 'rss_mib': r.ru_maxrss / 1024, "
         "'wall': w, 'err': p.stderr[-2000:]}))")


def measure(cmd: list[str], src: Path | None, timeout: float = 7200) -> dict[str, Any]:
    """Run ``cmd`` (``python`` is this interpreter) with ``src`` first on PYTHONPATH; its CPU, RSS and wall."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    if src is not None:
        env["PYTHONPATH"] = str(src)
    cmd = [sys.executable if c == "python" else c for c in cmd]
    try:
        p = subprocess.run([sys.executable, "-c", _WRAP, *cmd], capture_output=True, text=True, env=env,
                           timeout=timeout, cwd=ROOT)
    except subprocess.TimeoutExpired:
        return {"code": None, "timeout": timeout}
    out = json.loads(p.stdout.strip().splitlines()[-1])
    if out["code"] != 0:
        print(f"   ! failed ({out['code']}): {' '.join(cmd[1:])[:160]}\n     {out['err'].strip()[-400:]}",
              flush=True)
    return out


def py(code: str) -> list[str]:
    return ["python", "-c", code]


def mlkg(*args: str) -> list[str]:
    return ["python", "-m", "mlkg", *args]


def fmt(m: dict[str, Any] | None) -> str:
    if not m or m.get("code") != 0:
        return "failed" if m and m.get("timeout") is None else f"timeout ({m.get('timeout') if m else '?'} s)"
    return f"{m['cpu']:8.2f} s CPU {m['wall']:8.2f} s wall {m['rss_mib']:7.0f} MiB"


def ratio(a: dict[str, Any] | None, b: dict[str, Any] | None, key: str = "cpu") -> float | None:
    if not a or not b or a.get("code") != 0 or b.get("code") != 0 or not b[key]:
        return None
    return round(a[key] / b[key], 2)


def report(title: str, rows: dict[str, dict[str, Any] | None], pairs: list[tuple[str, str]],
           results: dict[str, Any]) -> None:
    print(f"\n-- {title}", flush=True)
    for name, m in rows.items():
        print(f"   {name:28s} {fmt(m)}")
    ratios = {}
    for a, b in pairs:
        rc, rm = ratio(rows.get(a), rows.get(b)), ratio(rows.get(a), rows.get(b), "rss_mib")
        ratios[f"{a}/{b}"] = {"cpu": rc, "rss": rm}
        print(f"   {a + ' / ' + b:28s} CPU {rc if rc is not None else '-':>6}x   RSS {rm if rm is not None else '-':>6}x")
    results[title] = {"figures": rows, "ratios": ratios}


# ---------------------------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------------------------


def case_memory(nt: Path, before: Path, after: Path, results: dict[str, Any]) -> None:
    load = f"from mlkg.store import open_store; open_store('memory:').load(path={str(nt)!r}, graph={GRAPH!r})"
    rows = {
        # the same imports as the mlkg runs, so the difference is the load
        "floor Graph.parse": measure(py(f"import mlkg.store; from rdflib import Graph; "
                                        f"Graph().parse({str(nt)!r}, format='nt')"), after),
        "before memory: load": measure(py(load), before),
        "after memory: load": measure(py(load), after),
    }
    report(f"memory: load of {nt.name}", rows, [("after memory: load", "floor Graph.parse"),
                                                ("before memory: load", "after memory: load")], results)


def case_entities(n_triples: int, tmp: Path, before: Path, after: Path, results: dict[str, Any]) -> None:
    setup = (f"import time, pyoxigraph as ox; from mlkg import synth; "
             f"ents = list(synth.iter_entities(synth.models_for_triples({n_triples}))); ")
    # the entities are built outside the timed part: CPU here is the child's own clock around the load
    old = setup + (f"from mlkg.rdf.build import to_graph; from mlkg.store import open_store; "
                   f"st = open_store('oxigraph:{tmp}/e-before'); t = time.process_time(); "
                   f"st.load(to_graph(ents), graph={GRAPH!r}); print(time.process_time() - t)")
    new = setup + (f"from mlkg.store import open_store; st = open_store('oxigraph:{tmp}/e-after'); "
                   f"t = time.process_time(); st.load_entities(ents, graph={GRAPH!r}); "
                   f"print(time.process_time() - t)")
    floor = setup + (f"from mlkg.rdf.build import ntriples_lines; data = ''.join(ntriples_lines(ents)).encode(); "
                     f"s = ox.Store('{tmp}/e-floor'); t = time.process_time(); "
                     f"s.bulk_load(data, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode({GRAPH!r})); "
                     f"print(time.process_time() - t)")
    rows = {}
    for name, code, src in (("floor emitter text bulk_load", floor, after), ("before to_graph + load", old, before),
                            ("after load_entities", new, after)):
        shutil.rmtree(tmp / "e-before", ignore_errors=True)
        shutil.rmtree(tmp / "e-after", ignore_errors=True)
        shutil.rmtree(tmp / "e-floor", ignore_errors=True)
        rows[name] = _inner_cpu(code, src)
    report(f"entities into oxigraph, ~{n_triples:,} triples", rows,
           [("after load_entities", "floor emitter text bulk_load"),
            ("before to_graph + load", "after load_entities")], results)


def _inner_cpu(code: str, src: Path) -> dict[str, Any]:
    """Run ``code``, which prints the CPU seconds of its timed part; the process's RSS and wall come along."""
    env = dict(os.environ, PYTHONPATH=str(src))
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", code + "; import resource; "
                        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)"],
                       capture_output=True, text=True, env=env, cwd=ROOT)
    if p.returncode != 0:
        print(f"   ! failed: {p.stderr.strip()[-600:]}")
        return {"code": p.returncode}
    lines = p.stdout.strip().splitlines()
    return {"code": 0, "cpu": float(lines[-2]), "rss_mib": float(lines[-1]), "wall": time.perf_counter() - t}


def _store(nt: Path, tmp: Path, after: Path) -> Path:
    kg = tmp / f"kg-{nt.stem}"
    if not kg.exists():
        m = measure(mlkg("load", str(nt), "--store", f"oxigraph:{kg}", "--graph", GRAPH, "--no-progress"),
                    after)
        if m.get("code") != 0:
            raise SystemExit(f"cannot load {nt} for the export case")
    return kg


def case_export(nt: Path, tmp: Path, before: Path, after: Path, results: dict[str, Any]) -> None:
    kg = _store(nt, tmp, after)
    for to, oxf in (("turtle", "TURTLE"), ("nt", "N_TRIPLES")):
        out = tmp / f"export.{to}"
        raw = (f"import pyoxigraph as ox; s = ox.Store.read_only({str(kg)!r}); "
               f"s.dump({str(out)!r}, ox.RdfFormat.{oxf}, from_graph=ox.NamedNode({GRAPH!r}))")
        cli = mlkg("convert", "--store", f"oxigraph:{kg}?mode=ro", "--to", to, "-o", str(out), "-q")
        rows = {"floor pyoxigraph dump": measure(py(raw), None), f"before convert --store --to {to}":
                measure(cli, before), f"after convert --store --to {to}": measure(cli, after)}
        report(f"export {to} of {nt.name} from oxigraph", rows,
               [(f"after convert --store --to {to}", "floor pyoxigraph dump"),
                (f"before convert --store --to {to}", f"after convert --store --to {to}")], results)


def case_stream(nt: Path, tmp: Path, before: Path | None, after: Path, results: dict[str, Any],
                tos: tuple[str, ...] = ("turtle", "nt")) -> None:
    for to in tos:
        oxf = "TURTLE" if to == "turtle" else "N_TRIPLES"
        out = tmp / f"stream.{to}"
        raw = (f"import pyoxigraph as ox; ox.serialize(ox.parse(path={str(nt)!r}, format=ox.RdfFormat.N_TRIPLES), "
               f"{str(out)!r}, ox.RdfFormat.{oxf})")
        cli = mlkg("convert", str(nt), "--to", to, "-o", str(out), "-q")
        rows = {"floor pyoxigraph parse+serialize": measure(py(raw), None)}
        if before is not None:
            rows[f"before convert --to {to}"] = measure(cli, before)
        rows[f"after convert --to {to}"] = measure(cli, after)
        report(f"convert {nt.name} --to {to}", rows,
               [(f"after convert --to {to}", "floor pyoxigraph parse+serialize"),
                (f"before convert --to {to}", f"after convert --to {to}")], results)


def case_startup(tmp: Path, before: Path, after: Path, results: dict[str, Any], reps: int = 5) -> None:
    kg = tmp / "kg-startup"
    fraud = ROOT / "examples" / "output" / "fraud_detection.ttl"
    if not kg.exists():
        measure(mlkg("load", str(fraud), "--store", f"oxigraph:{kg}", "--no-progress"), after)
    entity = "snowflake.analytics.public.transactions"
    impact = mlkg("impact", entity, "--store", f"oxigraph:{kg}?mode=ro")
    # the work itself (resolve + walk + rows), measured in one process after a warm-up
    work = (f"import time; from mlkg import lineage; from mlkg.store import open_store; "
            f"s = open_store('oxigraph:{kg}?mode=ro'); lineage.impact(s, {entity!r}); ts = []\n"
            f"for _ in range(20):\n t = time.process_time(); lineage.impact(s, {entity!r}); "
            f"ts.append(time.process_time() - t)\nprint(sorted(ts)[10])")

    def median(cmd: list[str], src: Path) -> dict[str, Any]:
        runs = [measure(cmd, src) for _ in range(reps)]
        ok = [r for r in runs if r.get("code") == 0]
        if not ok:
            return runs[0]
        return {"code": 0, "cpu": statistics.median(r["cpu"] for r in ok),
                "rss_mib": statistics.median(r["rss_mib"] for r in ok),
                "wall": statistics.median(r["wall"] for r in ok)}

    rows: dict[str, Any] = {"python -c pass": median(py("pass"), None)}
    for tree, src in (("before", before), ("after", after)):
        rows[f"{tree} mlkg --help"] = median(mlkg("--help"), src)
        total = median(impact, src)
        w = _inner_cpu(work, src)
        rows[f"{tree} mlkg impact (process)"] = total
        if total.get("code") == 0 and w.get("code") == 0:
            rows[f"{tree} impact start-up"] = {"code": 0, "cpu": round(total["cpu"] - w["cpu"], 3),
                                               "rss_mib": total["rss_mib"], "wall": total["wall"],
                                               "work_cpu": w["cpu"]}
    report("CLI start-up", rows, [("after mlkg --help", "before mlkg --help"),
                                  ("after impact start-up", "before impact start-up")], results)
    # where the start-up goes: the heaviest imports of the after tree (cumulative microseconds, one run)
    env = dict(os.environ, PYTHONPATH=str(after))
    p = subprocess.run([sys.executable, "-X", "importtime", "-m", "mlkg", "impact", entity, "--store",
                        f"oxigraph:{kg}?mode=ro"], capture_output=True, text=True, env=env, cwd=ROOT)
    tops = []
    for line in p.stderr.splitlines():
        parts = line.split("|")
        if not line.startswith("import time:") or len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        name = parts[2][1:]  # nested imports are indented under the module that imported them
        if not name.startswith(" "):
            tops.append((int(parts[1]), name))
    tops.sort(reverse=True)
    print("   top-level imports (-X importtime, cumulative ms): "
          + ", ".join(f"{n} {us / 1000:.0f}" for us, n in tops[:8]))
    results["CLI start-up"]["imports_ms"] = {n: us / 1000 for us, n in tops[:15]}


# ---------------------------------------------------------------------------------------------------------------
# 10M estate
# ---------------------------------------------------------------------------------------------------------------


def _generate(nt: Path, n_triples: int, after: Path) -> dict[str, Any]:
    """Write the estate to ``nt`` through a temporary name (a killed run leaves no half file to reuse)."""
    part = nt.with_name(nt.name + ".part")
    m = measure(py(f"from mlkg import synth; synth.write_ntriples({str(part)!r}, {n_triples})"), after)
    if m.get("code") == 0:
        part.rename(nt)
    return m


def scale_10m(data: Path, tmp: Path, after: Path, results: dict[str, Any], skip_stream: bool,
              n_triples: int = SIZES["10M"], floor: bool = True, reuse: bool = False) -> None:
    nt = data / ("synth-10M.nt" if n_triples == SIZES["10M"] else f"synth-{n_triples}.nt")
    if not nt.exists():
        gen = _generate(nt, n_triples, after)
        report("generate the 10M estate (mlkg.synth.write_ntriples, streamed)", {"write_ntriples": gen}, [],
               results)
    print(f"   file: {nt} ({nt.stat().st_size / 1e9:.2f} GB)", flush=True)
    floor_dir, kg = tmp / "floor-10M", data / "kg-10M"
    shutil.rmtree(floor_dir, ignore_errors=True)
    rows: dict[str, Any] = {}
    if floor and not (reuse and kg.exists()):
        rows["floor pyoxigraph bulk_load"] = measure(py(
            f"import pyoxigraph as ox; ox.Store({str(floor_dir)!r}).bulk_load(path={str(nt)!r}, "
            f"format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode({GRAPH!r}))"), None)
        shutil.rmtree(floor_dir, ignore_errors=True)
    else:
        print("   (the raw bulk-load floor is not run: --no-floor)")
    if reuse and kg.exists():
        print(f"   (the store {kg} is reused: --reuse-store; no load figures)")
        floor = False
    else:
        shutil.rmtree(kg, ignore_errors=True)
        rows["after mlkg load"] = measure(mlkg("load", str(nt), "--store", f"oxigraph:{kg}", "--graph", GRAPH,
                                               "--no-progress"), after)
    if rows:
        report("mlkg load of the 10M estate into oxigraph", rows,
               [("after mlkg load", "floor pyoxigraph bulk_load")], results)
        print("   target: <= 10 min wall when quiet, peak RSS <= 1 GiB; "
              f"load average now {os.getloadavg()[0]:.1f}", flush=True)

    queries_10m(kg, after, results)
    prod = measure(mlkg("query", "production", "--store", f"oxigraph:{kg}?mode=ro", "--format", "json"), after,
                   timeout=1800)
    report("mlkg query production on the 10M store (CLI process)", {"after mlkg query production": prod}, [],
           results)
    print("\n-- not run at 10M on this machine:\n"
          "   memory: load (rdflib holds ~1.25 GB per 1M triples: ~12.5 GB and ~10 min CPU at 10M)\n"
          "   global dashboard x column query (did not finish in 20 min at 10M before; see bench_store.py)",
          flush=True)
    if not skip_stream:
        case_stream(nt, tmp, None, after, results, tos=("nt",))


#: Run in one process on the loaded 10M store: lineage medians, the production query (raw and mlkg's), and
#: incremental validation of one model after a small change (a copy of the store would not fit: the change is made
#: in the store and undone afterwards).
_QUERIES_10M = """
import json, statistics, sys, time
import pyoxigraph as ox
from mlkg import lineage, synth
from mlkg.query import production
from mlkg.query.catalog import load_query
from mlkg.store import open_store
from mlkg.validate import expand_focus, validate
from mlkg.validate.engines.oxview import OxData
kg, reps = sys.argv[1], int(sys.argv[2])

def med(f, n=reps):
    f()  # warm-up
    cpu, wall = [], []
    for _ in range(n):
        c, w = time.process_time(), time.perf_counter()
        r = f()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return {"cpu_ms": round(statistics.median(cpu) * 1000, 1), "wall_ms": round(statistics.median(wall) * 1000, 1),
            "rows": len(r), "runs": n}

class Out(dict):
    def __setitem__(self, k, v):  # each figure as it comes (a step that never ends still leaves the others)
        super().__setitem__(k, v)
        print(json.dumps({k: v}), flush=True)

out = Out()
s = open_store(f"oxigraph:{kg}")
iris = synth.sample_iris(1)
out["impact"] = med(lambda: lineage.impact(s, iris["raw_column"]))
out["upstream"] = med(lambda: lineage.upstream(s, iris["dashboard"]))
out["impact, hand SPARQL on the raw store (floor)"] = med(lambda: list(s.ox.query(
    "SELECT DISTINCT ?n WHERE { ?n (<http://www.w3.org/ns/prov#wasDerivedFrom>|<http://www.w3.org/ns/prov#used>|"
    "<http://www.w3.org/ns/prov#wasGeneratedBy>|<https://w3id.org/mlkg#hasVersion>|"
    "<https://w3id.org/mlkg#belongsToTable>)+ <" + iris["raw_column"] + "> }", use_default_graph_as_union=True)))
q = load_query("production")
out["production, raw pyoxigraph"] = med(lambda: list(s.ox.query(q, use_default_graph_as_union=True)), 1)
out["production, mlkg.query.production"] = med(lambda: production(s), 1)
# incremental validation of one model after a small change: a second description is added, then the model and
# everything it owns (expand_focus) is validated; the change is undone at the end
model = iris["model"]
desc = "<https://w3id.org/mlkg#description>"
graph = next(iter(s.ox.named_graphs()))
old = list(s.ox.quads_for_pattern(ox.NamedNode(model), ox.NamedNode(desc[1:-1]), None, graph))
s.ox.update(f"INSERT DATA {{ GRAPH <{graph.value}> {{ <{model}> {desc} \\"changed by the benchmark\\" }} }}")
try:
    t = time.process_time()
    focus = expand_focus(OxData(s.ox).graph(), [model])
    out["expand_focus"] = {"cpu_ms": round((time.process_time() - t) * 1000, 1), "rows": len(focus), "runs": 1}
    validate(s, focus=["urn:warm-up"])  # the shapes parsed once, as in bench_validate.py
    out["incremental validation (core, one model)"] = med(lambda: validate(s, focus=focus).results, reps)
finally:
    s.ox.update(f"DELETE DATA {{ GRAPH <{graph.value}> {{ <{model}> {desc} \\"changed by the benchmark\\" }} }}")
    s.ox.flush()
    assert list(s.ox.quads_for_pattern(ox.NamedNode(model), ox.NamedNode(desc[1:-1]), None, graph)) == old
"""


def queries_10m(kg: Path, after: Path, results: dict[str, Any], reps: int = 5) -> None:
    """Lineage, the production query and incremental validation on the loaded 10M store, in one process."""
    env = dict(os.environ, PYTHONPATH=str(after))
    load0 = os.getloadavg()[0]
    print(f"\n-- on the 10M store (embedded; medians of {reps} after a warm-up, one run for the production query; "
          f"load average {load0:.1f} at start)", flush=True)
    q: dict[str, Any] = {}
    results["10M queries"] = q
    p = subprocess.Popen([sys.executable, "-c", _QUERIES_10M, str(kg), str(reps)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    assert p.stdout is not None and p.stderr is not None
    for line in p.stdout:
        for k, m in json.loads(line).items():
            q[k] = m
            print(f"   {k:46s} {m['cpu_ms']:10.1f} ms CPU {m.get('wall_ms', m['cpu_ms']):10.1f} ms wall  "
                  f"{m['rows']} rows   (load average {os.getloadavg()[0]:.1f})", flush=True)
    if p.wait() != 0:
        print(f"   ! failed: {p.stderr.read().strip()[-1500:]}")
    print("   targets: impact <= 10 ms, upstream <= 50 ms median; incremental validation of one model <= 200 ms")


# ---------------------------------------------------------------------------------------------------------------


def baseline_tree(rev: str, tmp: Path) -> Path:
    """The tree of commit ``rev`` extracted into ``tmp`` (``git archive``; the bundled ontology, contexts and
    shapes are found beside ``src``); returns its ``src``."""
    dest = tmp / f"baseline-{rev}"
    if not (dest / "src").exists():
        dest.mkdir(parents=True, exist_ok=True)
        arch = subprocess.run(["git", "-C", str(ROOT), "archive", rev], capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(dest)], input=arch.stdout, check=True)
    return dest / "src"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="1M", choices=[k for k in SIZES if k != "10M"])
    ap.add_argument("--quick", action="store_true", help="100k instead of 1M, fewer repeats")
    ap.add_argument("--only", default="memory,entities,export,stream,startup")
    ap.add_argument("--baseline", default=BASELINE, help="git revision of the 'before' tree")
    ap.add_argument("--data", type=Path, default=None, help="keep generated files here between runs")
    ap.add_argument("--scale", default=None, choices=["10m"], help="the 10M estate instead of the cases")
    ap.add_argument("--no-stream", action="store_true", help="with --scale 10m: skip the streamed convert")
    ap.add_argument("--no-before", action="store_true", help="stream case: skip the before tree (slow at 1M)")
    ap.add_argument("--no-floor", action="store_true", help="with --scale 10m: skip the raw bulk-load floor")
    ap.add_argument("--reuse-store", action="store_true",
                    help="with --scale 10m and --data: keep the store a previous run loaded (no load figures)")
    ap.add_argument("--scale-triples", type=int, default=SIZES["10M"], help=argparse.SUPPRESS)  # a dry run
    args = ap.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[attr-defined]  # figures appear as they come

    size = "100k" if args.quick and args.size == "1M" else args.size
    tmp = Path(tempfile.mkdtemp(prefix="mlkg-bench-io-"))
    data = args.data or tmp
    data.mkdir(parents=True, exist_ok=True)
    after = ROOT / "src"
    results: dict[str, Any] = {"size": args.scale or size, "loadavg_start": os.getloadavg(), "cpus": os.cpu_count()}
    try:
        if args.scale == "10m":
            scale_10m(data, tmp, after, results, args.no_stream, args.scale_triples, floor=not args.no_floor,
                      reuse=args.reuse_store)
        else:
            before = baseline_tree(args.baseline, tmp)
            results["baseline"] = args.baseline
            nt = data / f"synth-{size}.nt"
            if not nt.exists():
                _generate(nt, SIZES[size], after)
            only = set(args.only.split(","))
            if "memory" in only:
                case_memory(nt, before, after, results)
            if "entities" in only:
                case_entities(SIZES[size], tmp, before, after, results)
            if "export" in only:
                case_export(nt, tmp, before, after, results)
            if "stream" in only:
                case_stream(nt, tmp, None if args.no_before else before, after, results)
            if "startup" in only:
                case_startup(tmp, before, after, results, reps=3 if args.quick else 5)
    finally:
        results["loadavg_end"] = os.getloadavg()
        out = HERE / "results"
        out.mkdir(exist_ok=True)
        path = out / f"io-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}.json"
        path.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
        print(f"\nfigures: {path}")
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
