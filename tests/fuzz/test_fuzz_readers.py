"""Bounded fuzzing of every reader (hypothesis drives the mutators of targets.py): success, or a clean mlkg error
naming the file. The long run (>= 100,000 cases per reader) is ``python tools/fuzz_long.py``."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

import targets as T

READERS = [n for n in T.targets() if n != "shacl-pack"]


@pytest.mark.parametrize("reader", READERS)
def test_reader_fails_cleanly(reader: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    t = T.targets()[reader]
    d = tmp_path_factory.mktemp(reader)
    seen: dict[str, int] = {"ok": 0, "error": 0}

    @settings(max_examples=40, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(st.integers(min_value=0, max_value=2**32 - 1))
    def run(seed: int) -> None:
        p = d / f"case{t.suffix}"
        p.write_bytes(T.make_case(t, random.Random(seed)))
        seen[T.check(t, p)] += 1

    run()
    assert seen["error"] > 0, "no case was rejected: the mutations did not reach the reader's checks"


@pytest.mark.slow
def test_shapes_pack_reader_fails_cleanly(tmp_path: Path) -> None:
    t = T.targets()["shacl-pack"]
    rnd = random.Random(7)
    crashes = []
    for i in range(60):
        p = tmp_path / f"case{i}.ttl"
        p.write_bytes(T.make_case(t, rnd))
        try:
            T.check(t, p)
        except T.Crash as e:
            if "ParseException" not in str(e) and "ConstraintLoadError" not in str(e):
                crashes.append(str(e))
    assert not crashes, crashes
