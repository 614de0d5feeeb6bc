"""Every engine gives pySHACL's public ``validate()`` results: same focus node, result path, source shape,
constraint component, severity, value and message, on every fixture, every example's output and synthetic
estates with planted violations, for every pack, in full and in focus (incremental) mode."""

from __future__ import annotations

from collections import Counter
from functools import cache
from typing import Any

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from mlkg.namespaces import MLKG
from mlkg.validate import ENGINES, ValidationReport, expand_focus, validate

from .corpus import PACK_SETS, corpus  # type: ignore[import-not-found]

GRAPHS = dict(corpus())
FAST = [e for e in ENGINES if e != "pyshacl"]


@cache
def graph(name: str) -> Graph:
    return GRAPHS[name]()


def keys(report: ValidationReport) -> Counter[tuple[Any, ...]]:
    return Counter((r.focus_node, r.result_path, r.source_shape, r.component, r.severity, r.value, r.message)
                   for r in report.results)


@cache
def reference(name: str, packs: tuple[str, ...], focus: frozenset[URIRef] | None = None) -> ValidationReport:
    return validate(graph(name), packs, engine="pyshacl", focus=focus)


def _cases() -> list[Any]:
    """Every graph × pack set; the synthetic estates (pySHACL's public engine takes seconds to tens of seconds
    there) run with ``-m slow`` (CI runs them), the examples and fixtures by default."""
    out = []
    for name in GRAPHS:
        for packs in PACK_SETS:
            slow = name.startswith("synth")
            out.append(pytest.param(name, packs, id=f"{name}-{_pid(packs)}",
                                    marks=[pytest.mark.slow] if slow else []))
    return out


def _pid(packs: tuple[str, ...]) -> str:
    return "+".join(x.rsplit("/", 1)[-1] for x in packs)


@pytest.mark.parametrize("engine", FAST)
@pytest.mark.parametrize("name,packs", _cases())
def test_full_validation_equals_pyshacl(name: str, packs: tuple[str, ...], engine: str) -> None:
    ref = reference(name, packs)
    got = validate(graph(name), packs, engine=engine)
    assert got.engine == engine
    assert keys(got) == keys(ref)
    assert got.conforms == ref.conforms and got.w3c_conforms == ref.w3c_conforms


@pytest.mark.parametrize("name,packs", [p for p in _cases() if p.values[0] in
                                        ("synth-planted", "customer_churn.ttl", "model_versions.ttl")])
def test_focus_validation_equals_pyshacl_full_restricted_to_the_focus(name: str, packs: tuple[str, ...]) -> None:
    """Incremental validation of a model gives exactly the public engine's full results on the model and the
    nodes it owns (not pySHACL's own ``focus_nodes`` results: see the next test)."""
    g = graph(name)
    full = keys(reference(name, packs))
    models = sorted(s for s in g.subjects(RDF.type, MLKG.MLModel) if isinstance(s, URIRef))
    assert models
    for model in models[:4]:
        focus = expand_focus(g, [model])
        got = validate(g, packs, focus=focus)
        assert got.engine == "pyshacl-focus"
        assert keys(got) == Counter({k: n for k, n in full.items() if URIRef(k[0]) in focus}), model


def test_pyshacl_focus_nodes_skips_nested_node_shapes() -> None:
    """Why the focus comparison above is against full results: pySHACL 0.40's ``focus_nodes`` also restricts the
    value nodes of ``sh:node`` to the focus set, so a blank-node owner (not a Team or User) of a focused model
    goes unreported; mlkg's focus engine reports it, as full validation does."""
    g = graph("synth-planted")
    (model,) = [s for s, o in g.subject_objects(MLKG.hasOwner) if not isinstance(o, URIRef)]
    focus = frozenset(expand_focus(g, [model]))
    key = (str(model), "mlkg:hasOwner", "mlkgsh:MLModelShape-owners", "sh:NodeConstraintComponent")
    def has(rep: ValidationReport) -> bool:
        return any(k[:4] == key for k in keys(rep))
    assert has(reference("synth-planted", ("core", "governance")))
    assert has(validate(g, focus=focus))
    assert not has(reference("synth-planted", ("core",), focus))


def test_the_corpus_exercises_every_kind_of_result() -> None:
    """The planted graph has results from every shape file and the main constraint components, so agreement
    above is not agreement on nothing."""
    rep = reference("synth-planted", ("core", "governance"))
    comps = {r.component for r in rep.results}
    assert {"sh:PatternConstraintComponent", "sh:MaxCountConstraintComponent", "sh:MinCountConstraintComponent",
            "sh:DatatypeConstraintComponent", "sh:InConstraintComponent", "sh:SPARQLConstraintComponent",
            "sh:NodeKindConstraintComponent", "sh:ClassConstraintComponent", "sh:OrConstraintComponent",
            } <= comps, comps
    shapes = {r.shape.split("-")[0] for r in rep.results}
    assert {"mlkgsh:VersionRulesShape", "mlkgsh:MetricRangeShape", "mlkgsh:LineageShape", "mlkgsh:DeploymentRulesShape",
            "mlkgsh:ProductionOwnerRule"} <= shapes, shapes
