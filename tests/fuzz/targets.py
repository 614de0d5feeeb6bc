"""Fuzz targets: every reader of mlkg, fed a mutated file the way the CLI feeds it, and the one rule they share.

The rule: a reader either succeeds, or raises an :class:`mlkg.errors.MlkgError` (the CLI prints it as one line and
exits 2) whose text names the input file. Anything else -- a traceback -- is a crasher. Used by the bounded
hypothesis tests in this folder and by ``tools/fuzz_long.py`` (>= 100,000 cases per reader).

Seeds are the project's own inputs (examples, fixtures taken from the platforms, shapes); mutations are byte-level
(flip, cut, duplicate, splice hostile tokens) and, for JSON, structural (a value replaced by another type, a huge
number, deep nesting, a long string).
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

TOKENS = [b'"', b"{", b"}", b"[", b"]", b"<", b">", b"@", b"\\", b"\\u0000", b"\x00", b"\xff\xfe", b"\xc3",
          b"\n", b"^^", b"_:", b"@prefix", b'"@context"', b'"@id"', b'"@type"', b'"@reverse"', b'"@graph"',
          b"<!ENTITY", b"<!DOCTYPE", b"]]>", b"-1e999", b"1e309", b"NaN", b"99999999999999999999999999",
          b"null", b"true", b"\"\"\"", b"'''", b".", b";", b",", b"#", b"%", b"file:///etc/passwd",
          b"http://example.invalid/ctx", b"\xf0\x9d\x92\xb3", b"\r\n"]


@dataclass(frozen=True)
class Target:
    name: str
    suffix: str
    seeds: tuple[bytes, ...]
    run: Callable[[Path], Any]
    json_aware: bool = False
    #: what a clean error must name: the input file, or (for --param values) the option and parameter
    names: str = "file"


def _read(*parts: str) -> bytes:
    return (ROOT.joinpath(*parts)).read_bytes()


def _existing(globs: list[str]) -> list[Path]:
    out: set[Path] = set()
    for g in globs:
        out |= set(ROOT.glob(g))
    return sorted(out)


@lru_cache(maxsize=1)
def _rdf_seeds() -> dict[str, tuple[bytes, ...]]:
    from rdflib import Dataset, Graph

    # small seeds (about 60 triples of each example): a fuzz case costs what its input costs to read
    graphs = []
    for p in sorted((ROOT / "examples" / "output").glob("*.ttl"))[:3]:
        full = Graph().parse(p, format="turtle")
        small = Graph()
        for prefix, ns in full.namespaces():
            small.bind(prefix, ns)
        for t in sorted(full, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))[:60]:
            small.add(t)
        graphs.append(small)
    out = {"turtle": tuple(g.serialize(format="turtle").encode() for g in graphs)}
    out["nt"] = tuple(g.serialize(format="nt").encode() for g in graphs)
    out["rdfxml"] = tuple(g.serialize(format="xml").encode() for g in graphs)
    trig = []
    for g in graphs:
        ds = Dataset()
        gg = ds.graph("urn:g")
        for t in g:
            gg.add(t)
        trig.append(ds.serialize(format="trig").encode())
    out["trig"] = tuple(trig)
    out["nq"] = tuple(
        b"".join(l + b" <urn:g> .\n" for l in (x.rstrip(b" .\n") for x in g.serialize(format="nt").encode()
                                                 .splitlines(keepends=True)) if l) for g in graphs[:1])
    return out


def _convert(path: Path) -> Any:
    from mlkg.io import convert_files

    return convert_files([str(path)])


def _load_rdf(path: Path) -> Any:
    from mlkg.rdf.formats import load_graph

    return load_graph([str(path)])


def _pack(path: Path) -> Any:
    from rdflib import Graph

    from mlkg.validate import validate

    data = Graph().parse(ROOT / "examples" / "output" / "model_versions.ttl", format="turtle")
    return validate(data, packs=[path])


def _hf(path: Path) -> Any:
    from mlkg.importers import run_import
    from mlkg.importers.huggingface import HuggingFaceConfig

    return run_import("huggingface", HuggingFaceConfig(path=str(path)))


def _om_import(path: Path) -> Any:
    from mlkg.importers import run_import
    from mlkg.importers.openmetadata import OpenMetadataConfig

    return run_import("openmetadata", OpenMetadataConfig(source=str(path)))


def _params(path: Path) -> Any:
    """``mlkg query NAME --param k=v``: each line of the file is one ``name k=v`` (query name, parameter)."""
    from mlkg.query import convert_param, query_spec

    for line in path.read_text(encoding="utf-8", errors="replace").splitlines()[:8]:
        name, _, kv = line.partition(" ")
        k, _, v = kv.partition("=")
        spec = query_spec(name.strip() or "impact")
        p = spec.param(k) or (spec.params[0] if spec.params else None)
        if p is None:
            continue
        convert_param(spec, p.name, v)


PARAM_SEEDS = (b"impact entity=snowflake.analytics.public.orders\nfairness_gaps threshold=0.1\n"
               b"pii_models tag=PII\nmetric_history model=mlflow.churn\nresolve name=a\"b{#}\n",)


@lru_cache(maxsize=1)
def targets() -> dict[str, Target]:
    rdf = _rdf_seeds()
    om = tuple(p.read_bytes() for p in _existing(["tests/data/om_*.json", "tests/**/om_api/*.json",
                                                   "tests/fixtures/validation/om_*.json"]))
    exports: list[bytes] = []
    from rdflib import Graph

    from mlkg.rdf.formats import serialize

    for t in rdf["turtle"]:
        exports.append(serialize(Graph().parse(data=t.decode(), format="turtle"), "jsonld").encode())
    shapes = tuple(p.read_bytes() for p in sorted((ROOT / "ontology" / "shapes").glob("*.ttl")))
    hf = tuple(p.read_bytes() for p in _existing(["tests/**/all-MiniLM-L6-v2/README.md",
                                                   "tests/**/hf_*/README.md"]))[:1]
    out = [
        Target("openmetadata-json", ".json", om, _convert, json_aware=True),
        Target("openmetadata-import", ".json", om, _om_import, json_aware=True),
        Target("mlkg-jsonld", ".jsonld", tuple(exports), _convert, json_aware=True),
        Target("turtle", ".ttl", rdf["turtle"], _load_rdf),
        Target("ntriples", ".nt", rdf["nt"], _load_rdf),
        Target("nquads", ".nq", rdf["nq"], _load_rdf),
        Target("rdfxml", ".rdf", rdf["rdfxml"], _load_rdf),
        Target("trig", ".trig", rdf["trig"], _load_rdf),
        Target("shacl-pack", ".ttl", shapes, _pack),
        Target("huggingface-card", ".md", hf, _hf),
        Target("query-params", ".txt", PARAM_SEEDS, _params, names="param"),
    ]
    return {t.name: t for t in out if t.seeds}


# -- mutations ---------------------------------------------------------------------------------------------------


def mutate_bytes(data: bytes, rnd: random.Random, n: int | None = None) -> bytes:
    b = bytearray(data)
    for _ in range(n or rnd.randint(1, 4)):
        op = rnd.randrange(6)
        pos = rnd.randrange(len(b) + 1) if b else 0
        if op == 0 and b:
            b[min(pos, len(b) - 1)] ^= 1 << rnd.randrange(8)
        elif op == 1:
            b[pos:pos] = rnd.choice(TOKENS)
        elif op == 2 and b:
            del b[pos:pos + rnd.randint(1, 64)]
        elif op == 3 and b:
            end = min(len(b), pos + rnd.randint(1, 200))
            b[pos:pos] = b[pos:end] * rnd.randint(1, 4)
        elif op == 4:
            b = b[:pos]
        else:
            b[pos:pos] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 8)))
    return bytes(b)


def _values(x: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(x, dict):
        for k, v in x.items():
            out += _values(v, path + (k,))
    elif isinstance(x, list):
        for i, v in enumerate(x[:20]):
            out += _values(v, path + (i,))
    return out


HOSTILE_VALUES: list[Any] = [None, True, 0, -1, 1e308, 10 ** 30, "", "x" * 5000, [], {}, [[[[[]]]]],
                             {"@context": "http://example.invalid/ctx"}, {"@context": "file:///etc/passwd"},
                             {"@id": "file:///etc/passwd"}, "\u0000", "\ud7ff\ue000", {"type": "dashboard"},
                             {"@type": "@json"}, [None], {"@reverse": "x"}, "../../etc/passwd", "NaN",
                             "2024-13-45T99:99:99", {"@import": "http://example.invalid/c"}]


def mutate_json(data: bytes, rnd: random.Random) -> bytes:
    try:
        doc = json.loads(data)
    except ValueError:
        return mutate_bytes(data, rnd)
    for _ in range(rnd.randint(1, 3)):
        paths = _values(doc)
        p = rnd.choice(paths)
        new = copy.deepcopy(rnd.choice(HOSTILE_VALUES))  # a fresh object: never one shared (or nested in itself)
        if rnd.random() < 0.1:
            new = "__DEEP__"  # replaced in the text below: json cannot even build it
        if not p:
            doc = new
            continue
        parent = doc
        for k in p[:-1]:
            parent = parent[k]
        if rnd.random() < 0.2 and isinstance(parent, dict):
            parent.pop(p[-1], None)
        else:
            parent[p[-1]] = new
    text = json.dumps(doc)
    if '"__DEEP__"' in text:
        depth = rnd.choice([50, 500, 5000, 100000])
        text = text.replace('"__DEEP__"', "[" * depth + "]" * depth)
    return text.encode() if rnd.random() < 0.8 else mutate_bytes(text.encode(), rnd, 1)


def make_case(t: Target, rnd: random.Random) -> bytes:
    seed = rnd.choice(t.seeds)
    if t.json_aware and rnd.random() < 0.6:
        return mutate_json(seed, rnd)
    return mutate_bytes(seed, rnd)


# -- the rule ----------------------------------------------------------------------------------------------------


class Crash(Exception):
    """A reader broke the rule: the exception and the input that caused it."""


def check(t: Target, path: Path) -> str:
    """Run one case; returns "ok" or "error" (a clean mlkg error naming the file); raises :class:`Crash`."""
    from mlkg.errors import MlkgError

    try:
        t.run(path)
        return "ok"
    except MlkgError as e:
        text = str(e)
        named = ("--param" in text or "query" in text) if t.names == "param" else (
            str(path) in text or path.name in text)
        if not named:
            raise Crash(f"{t.name}: mlkg error does not name the file: {text[:300]}") from e
        if "Traceback" in text:
            raise Crash(f"{t.name}: error text holds a traceback") from e
        return "error"
    except RecursionError as e:
        raise Crash(f"{t.name}: RecursionError") from e
    except Exception as e:
        raise Crash(f"{t.name}: {type(e).__name__}: {str(e)[:300]}") from e
