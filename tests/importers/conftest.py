"""Golden graphs for the importer tests.

Each platform folder has ``expected*.ttl``: the graph its importer writes for the folder's real input files,
compared by graph isomorphism (provenance left out, since its times change on every run). After a deliberate
change of an importer's output, refresh them with::

    MLKG_UPDATE_SNAPSHOTS=1 pytest tests/importers

and review the diff of the ``.ttl`` files like any other change. Values that differ from one build of a fixture
to the next (run ids MLflow generates, temporary directories, clock times) are replaced by stable placeholders
before the comparison; the hand-written tests check those values.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

UPDATE = bool(os.environ.get("MLKG_UPDATE_SNAPSHOTS"))
_ENCODED_TIME = re.compile(r"%22\d{4}-\d\d-\d\dT[0-9%A-F.:]+%22")
_PLAIN_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?")
# with unquote_times: a time inside an FQN is quoted ("...") only when it has a fractional part (a dot), so a
# fixture whose clock times vary (MLflow's) normalises both spellings, quotes included, to one
_ANY_ENCODED_TIME = re.compile(r"(%22)?\d{4}-\d\d-\d\dT\d\d%3A\d\d%3A\d\d(\.\d+)?(%2B00%3A00|Z)?(%22)?")
_ANY_PLAIN_TIME = re.compile(r'"?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?"?')
_TIME = "2000-01-01T00:00:00+00:00"


def normalize(g: Graph, subs: Mapping[str, str] | None = None, *, unquote_times: bool = False,
              literals: Mapping[str, str] | None = None) -> Graph:
    """``g`` with ``subs`` applied to every IRI and literal text and every dateTime replaced by one fixed time
    (``unquote_times``: also times written without quotes, the quotes dropped). ``literals`` replaces whole
    literal values only (for values as short as ``-c`` that also occur inside other text)."""
    from rdflib.namespace import XSD

    subs = dict(subs or {})
    whole = dict(literals or {})

    def text(s: str) -> str:
        for old, new in sorted(subs.items(), key=lambda kv: -len(kv[0])):  # longest first
            s = s.replace(old, new)
        return s

    def term(t: Any) -> Any:
        if isinstance(t, URIRef):
            return URIRef((_ANY_ENCODED_TIME if unquote_times else _ENCODED_TIME).sub("TIME", text(str(t))))
        if isinstance(t, Literal):
            if str(t) in whole:
                return Literal(whole[str(t)], datatype=t.datatype, lang=t.language)
            if t.datatype == XSD.dateTime:
                return Literal(_TIME, datatype=XSD.dateTime)
            plain = _ANY_PLAIN_TIME if unquote_times else _PLAIN_TIME
            return Literal(plain.sub("TIME", text(str(t))), datatype=t.datatype, lang=t.language)
        return t

    out = Graph()
    for prefix, ns in g.namespaces():
        out.bind(prefix, ns)
    for s, p, o in g:
        out.add((term(s), term(p), term(o)))
    return out


def assert_golden(g: Graph, path: Path, subs: Mapping[str, str] | None = None, *,
                  unquote_times: bool = False, literals: Mapping[str, str] | None = None) -> None:
    got = normalize(g, subs, unquote_times=unquote_times, literals=literals)
    if UPDATE:
        path.write_text(got.serialize(format="turtle"), encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"missing golden file {path}; run MLKG_UPDATE_SNAPSHOTS=1 pytest tests/importers")
    want = Graph().parse(path)
    if not isomorphic(want, got):
        _, only_want, only_got = graph_diff(to_isomorphic(want), to_isomorphic(got))
        lines = sorted(only_want.serialize(format="nt").splitlines())[:10]
        more = sorted(only_got.serialize(format="nt").splitlines())[:10]
        pytest.fail(f"the import differs from {path} (MLKG_UPDATE_SNAPSHOTS=1 to accept a deliberate change)\n"
                    "missing:\n  " + "\n  ".join(lines) + "\nunexpected:\n  " + "\n  ".join(more))


@pytest.fixture
def golden() -> Callable[..., None]:
    """``golden(importer, entities, path, subs=None)``: compare the import's graph with a golden Turtle file."""
    from mlkg.importers.pipeline import entity_graph

    def check(importer: Any, entities: list[Any], path: Path, subs: Mapping[str, str] | None = None, *,
              unquote_times: bool = False, literals: Mapping[str, str] | None = None) -> None:
        assert_golden(entity_graph(importer, entities), path, subs, unquote_times=unquote_times,
                      literals=literals)

    return check
