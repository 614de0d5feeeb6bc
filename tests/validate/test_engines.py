"""The SHACL engine interface: pySHACL's fast focus path is pinned, its patches are scoped to mlkg's own call,
and a fallback is logged (never a silently swallowed error)."""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path
from typing import Any

import pyshacl
import pyshacl.shape as shape_mod
import pytest
from pyshacl.helper.sparql_query_helper import SPARQLQueryHelper
from pyshacl.validator import Validator
from rdflib import Graph

import mlkg.model as m
from mlkg.namespaces import SH
from mlkg.validate import validate
from mlkg.validate.engines import ENGINES, Unsupported, get_engine, pyshacl_focus

ROOT = Path(__file__).resolve().parents[2]

USER_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://ex/> .
ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select
  "SELECT $this ?value WHERE { $this <http://ex/p> ?value . FILTER (?value > 1) }" ] .
"""
USER_DATA = """
@prefix ex: <http://ex/> .
ex:a a ex:C ; ex:p 2 . ex:b a ex:C ; ex:p 0 . ex:c a ex:C ; ex:p 5 .
"""


def bad_model() -> list[m.Entity]:
    return [m.MLModel(name="churn::x", versions=[m.ModelVersion(name="1", aliases=["a"]),
                                                  m.ModelVersion(name="2", aliases=["a"])])]


def pyshacl_state() -> tuple[Any, Any]:
    return SPARQLQueryHelper.__dict__["pre_bind_variables"], shape_mod.__dict__.get("CONSTRAINT_PARAMS")


def user_run() -> list[str]:
    _ok, report, _ = pyshacl.validate(Graph().parse(data=USER_DATA, format="turtle"),
                                      shacl_graph=Graph().parse(data=USER_SHAPES, format="turtle"))
    return sorted(str(o) for o in report.objects(None, SH.focusNode))


def test_pyshacl_is_unpatched_after_mlkg_validates() -> None:
    before_pre_bind, _ = pyshacl_state()
    report = validate(bad_model(), focus=bad_model()[0])
    assert not report.conforms and report.engine == "pyshacl-focus"
    pre_bind, params = pyshacl_state()
    assert pre_bind is before_pre_bind
    assert not getattr(pre_bind, "__wrapped__", None)
    assert not isinstance(params, pyshacl_focus._ParamList)


def test_patches_are_in_place_only_inside_the_call(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Any] = []
    original = pyshacl_focus.FocusPyShaclEngine._check

    def spy(self: Any, *a: Any, **kw: Any) -> Any:
        out = original(self, *a, **kw)
        seen.append(pyshacl_state())
        return out

    monkeypatch.setattr(pyshacl_focus.FocusPyShaclEngine, "_check", spy)
    with pyshacl_focus.patched():
        inside = pyshacl_state()
    assert getattr(inside[0], "__wrapped__", None) is not None
    assert isinstance(inside[1][0], pyshacl_focus._ParamList)
    validate(bad_model(), focus=bad_model()[0])
    assert seen and not isinstance(seen[0][1], pyshacl_focus._ParamList)


def test_a_users_own_pyshacl_validate_runs_pyshacls_code(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before, after and *during* mlkg's call (in another thread), a user's pyshacl.validate sees pySHACL's own
    pre_bind_variables (mlkg's cache is off for it) and gets the same results."""
    states: list[tuple[Any, bool]] = []
    run = Validator.run

    def spy_run(self: Any, *a: Any, **kw: Any) -> Any:
        pre_bind = SPARQLQueryHelper.__dict__["pre_bind_variables"]
        states.append((pre_bind, pyshacl_focus._ACTIVE.get()))
        return run(self, *a, **kw)

    monkeypatch.setattr(Validator, "run", spy_run)
    expected = user_run()
    assert expected == ["http://ex/a", "http://ex/c"]
    validate(bad_model(), focus=bad_model()[0])
    assert user_run() == expected

    inside, done = threading.Event(), threading.Event()

    def mlkg_call() -> None:
        with pyshacl_focus.patched():
            inside.set()
            done.wait(30)

    t = threading.Thread(target=mlkg_call)
    t.start()
    try:
        assert inside.wait(30)
        during = user_run()
    finally:
        done.set()
        t.join()
    assert during == expected
    # the user's calls never ran with mlkg's flag on, and the one during mlkg's call saw the wrapper switched off
    assert [active for _p, active in states] == [False, False, False]
    assert getattr(states[0][0], "__wrapped__", None) is None
    assert getattr(states[2][0], "__wrapped__", None) is not None  # installed, but inactive for this thread
    assert not hasattr(SPARQLQueryHelper.__dict__["pre_bind_variables"], "__wrapped__")


def test_unsupported_pyshacl_version_falls_back_with_a_warning(monkeypatch: pytest.MonkeyPatch,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    ref = validate(bad_model(), focus=bad_model()[0], engine="pyshacl")
    monkeypatch.setattr(pyshacl_focus, "supported_version", lambda version=None: False)
    with caplog.at_level(logging.WARNING, logger="mlkg.validate"):
        report = validate(bad_model(), focus=bad_model()[0])
    assert report.engine == "pyshacl"
    assert report.results == ref.results and not report.conforms
    warned = [r.getMessage() for r in caplog.records if r.name == "mlkg.validate"]
    assert len(warned) == 1 and "pyshacl-focus" in warned[0] and "outside the supported range" in warned[0]


def test_missing_internal_is_named_in_the_warning(monkeypatch: pytest.MonkeyPatch,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    # as if a pySHACL release had renamed Shape.validate to Shape.check (the public entry point is not affected)
    monkeypatch.setattr(pyshacl_focus, "NEEDED", (*pyshacl_focus.NEEDED, "Shape.check"))
    with caplog.at_level(logging.WARNING, logger="mlkg.validate"):
        report = validate(bad_model(), focus=bad_model()[0])
    assert report.engine == "pyshacl" and not report.conforms
    assert any("has no Shape.check" in r.getMessage() for r in caplog.records)


def test_a_bug_inside_the_fast_path_is_not_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*a: Any, **kw: Any) -> Any:
        raise AttributeError("'NoneType' object has no attribute 'node'")

    monkeypatch.setattr(pyshacl_focus._Parsed, "plan", broken)
    with pytest.raises(AttributeError, match="no attribute 'node'"):
        validate(bad_model(), focus=bad_model()[0])


def test_pyproject_pins_the_pyshacl_range_the_fast_path_reads() -> None:
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    line = re.search(r'"pyshacl([^"]*)"', text)
    assert line is not None
    (lo_maj, lo_min), (hi_maj, hi_min) = pyshacl_focus.SUPPORTED
    assert line.group(1) == f">={lo_maj}.{lo_min},<{hi_maj}.{hi_min}"
    assert pyshacl_focus.supported_version(pyshacl.__version__)
    assert not pyshacl_focus.supported_version(f"{hi_maj}.{hi_min}.0")
    assert not pyshacl_focus.supported_version("0.30.0")


def test_engines_are_chosen_and_named() -> None:
    assert set(ENGINES) >= {"pyshacl", "pyshacl-focus"}
    with pytest.raises(ValueError, match="unknown SHACL engine 'nope'"):
        get_engine("nope")
    with pytest.raises(ValueError, match="engine must be auto or one of"):
        validate(bad_model(), engine="nope")
    assert validate(bad_model(), inference=True).engine == "pyshacl"
    with pytest.raises(Unsupported):
        get_engine("pyshacl-focus").run(Graph(), None, inference=True)  # type: ignore[arg-type]
