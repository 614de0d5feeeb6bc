"""Issue 13 item 5: a child appended after its parent was built never reached the graph.

``MLModel(versions=[v2])`` stores its own copy of ``v2`` (named under the model), so ``v2.metrics.append(...)``
afterwards changed a list the model did not hold, and the metric was silently lost. Entities are now immutable
values: list fields are tuples whose list methods raise, JSON values are frozen, and ``adding()`` /
``dataclasses.replace()`` build new entities. Also: the ``Decimal`` that rdflib (and so mlkg's query rows and
reader) gives for an xsd:decimal is accepted where it was refused.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
import pydoc
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

import mlkg.model as m
from mlkg import query, synth
from mlkg.errors import InputError
from mlkg.model.base import FrozenJSON, Items, iter_fields
from mlkg.model.json import document_from_json
from mlkg.rdf import build, jsonld, reader
from mlkg.vocab import MLKG as V


def _metric_names(g: Any) -> set[str]:
    return {str(n) for e in g.subjects(V.metricValue, None) for n in g.objects(e, V.name)}


def test_the_users_append_after_construction_raises_instead_of_losing_the_metric() -> None:
    # the user's code, as reported
    v2 = m.ModelVersion(name="2", metrics=[m.Evaluation(name="AUC", value=0.91)])
    model = m.MLModel(name="churn", service="mlflow-prod", versions=[v2])
    with pytest.raises(TypeError, match=r"immutable .* entity\.adding\(field=\[item, \.\.\.\]\)"):
        v2.metrics.append(m.Evaluation(name="F1", value=0.81, split="test"))
    # and through the model: the copy it holds refuses too
    with pytest.raises(TypeError, match="immutable"):
        model.versions[0].metrics.append(m.Evaluation(name="F1", value=0.81, split="test"))
    with pytest.raises(TypeError, match="immutable"):
        model.versions.append(m.ModelVersion(name="3"))
    assert _metric_names(build.to_graph(model)) == {"AUC"}  # nothing half-added


def test_the_documented_way_puts_the_metric_in_every_output() -> None:
    v2 = m.ModelVersion(name="2", metrics=[m.Evaluation(name="AUC", value=0.91)])
    v2 = v2.adding(metrics=[m.Evaluation(name="F1", value=0.81, split="test")])
    model = m.MLModel(name="churn", service="mlflow-prod", versions=[v2])
    f1 = next(e for e in model.versions[0].metrics if e.name == "F1")
    assert f1.fqn == "mlflow-prod.churn.2.metric.F1.test"
    g = build.to_graph(model)
    assert _metric_names(g) == {"AUC", "F1"}
    assert (URIRef(f1.iri()), V.metricValue, Literal("0.81", datatype=XSD.decimal)) in g
    # the N-Triples path and the JSON-LD path (pyld) agree
    nt = "".join(build.ntriples_lines([model]))
    assert f"<{f1.iri()}> <{V.metricValue}>" in nt
    assert _metric_names(jsonld.to_graph(build.to_jsonld(model))) == {"AUC", "F1"}
    # and a version already inside a model: a new version, then a new model
    model = dataclasses.replace(model, versions=[model.versions[0].adding(metrics=m.Evaluation(name="acc",
                                                                                             value=0.88))])
    assert _metric_names(build.to_graph(model)) == {"AUC", "F1", "acc"}
    assert [e.fqn for e in model.versions[0].metrics if e.name == "acc"] == ["mlflow-prod.churn.2.metric.acc"]


def test_adding_normalises_like_the_constructor() -> None:
    model = m.MLModel(name="churn", service="svc", ml_features=[m.Feature(name="recency")],
                      versions=[m.ModelVersion(name="1")])
    model = model.adding(owners="ml-team", tags=["PII.Sensitive"], versions=m.ModelVersion(name="2",
                                                                                           features=["recency"]))
    assert model.owners == [m.Ref(type="team", fqn="ml-team")]
    assert model.tags[0].tag_fqn == "PII.Sensitive" and model.tags[0].fqn == 'svc.churn.tag."PII.Sensitive"'
    assert [v.fqn for v in model.versions] == ["svc.churn.1", "svc.churn.2"]
    # a bare feature name in a new version means the model's feature, as at construction
    assert model.versions[1].features == [m.Ref(type="mlFeature", fqn="svc.churn.recency")]
    with pytest.raises(TypeError, match=r"'algorithm' is not a list field \(list fields: tags, owners"):
        model.adding(algorithm="XGBoost")
    with pytest.raises(TypeError, match="'metric' is not a list field"):
        model.adding(metric=m.Evaluation(name="auc", value=1))
    with pytest.raises(InputError, match="expected a Evaluation|metrics"):
        model.adding(metrics=["auc"])


def test_every_list_method_and_assignment_is_refused() -> None:
    v = m.ModelVersion(name="1", aliases=["champion"], metrics=[m.Evaluation(name="auc", value=0.9)])
    attempts = [
        lambda: v.aliases.append("x"), lambda: v.aliases.extend(["x"]), lambda: v.aliases.insert(0, "x"),
        lambda: v.aliases.remove("champion"), lambda: v.aliases.pop(), lambda: v.aliases.clear(),
        lambda: v.aliases.sort(), lambda: v.aliases.reverse(), lambda: v.metrics.__setitem__(0, None),
        lambda: v.metrics.__delitem__(0),
    ]
    for attempt in attempts:
        with pytest.raises(TypeError, match="immutable"):
            attempt()
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.metrics = []  # type: ignore[misc]
    with pytest.raises(TypeError):  # a tuple plus a list: an error, never a half-changed entity
        v.aliases += ["x"]  # type: ignore[misc, operator]
    assert v.aliases == ["champion"] and len(v.metrics) == 1


def test_lists_passed_in_are_copied_once_and_compare_like_lists() -> None:
    mine = [m.Evaluation(name="auc", value=0.9)]
    v = m.ModelVersion(name="1", metrics=mine)
    mine.append(m.Evaluation(name="f1", value=0.5))  # the caller's list is the caller's: documented
    assert [e.name for e in v.metrics] == ["auc"]
    assert isinstance(v.metrics, tuple) and v.metrics == [v.metrics[0]] and [v.metrics[0]] == v.metrics
    assert m.ModelVersion(name="1").metrics == [] and m.ModelVersion(name="1").metrics == ()
    assert v.aliases != ["x"] and not (v.aliases == ["x"])
    assert hash(Items([1, 2])) == hash((1, 2))


def test_json_values_are_frozen_too() -> None:
    extra = {"votes": {"upVotes": 1, "upVoters": [{"name": "ann"}]}}
    model = m.MLModel(name="churn", openmetadata_extra=extra)
    extra["votes"]["upVotes"] = 99  # the caller's dict is the caller's: the entity took a snapshot
    kept = model.openmetadata_extra
    assert isinstance(kept, FrozenJSON) and kept == {"votes": {"upVotes": 1, "upVoters": [{"name": "ann"}]}}
    for attempt in (lambda: kept.__setitem__("lifeCycle", {}), lambda: kept["votes"].update(upVotes=2),
                    lambda: kept["votes"]["upVoters"].append({}), lambda: kept.pop("votes"),
                    lambda: kept.setdefault("x", 1), lambda: kept.clear()):
        with pytest.raises(TypeError, match="immutable"):
            attempt()
    mutable = dict(kept)
    mutable["lifeCycle"] = {}
    assert "lifeCycle" not in model.openmetadata_extra
    # what reaches the graph is the snapshot
    g = build.to_graph(model)
    assert {str(o) for o in g.objects(URIRef(model.iri()), V.openMetadataExtra)} == {
        '{"votes":{"upVoters":[{"name":"ann"}],"upVotes":1}}'}
    # an empty object given for the pass-through keys is still no value (as before)
    assert m.MLModel(name="x", openmetadata_extra={}).openmetadata_extra is None


def test_copies_pickles_and_round_trips_keep_the_values() -> None:
    model = next(e for e in synth.generate(3) if isinstance(e, m.MLModel))
    model = dataclasses.replace(model, openmetadata_extra={"votes": {"upVoters": [{"name": "ann"}]}})
    for clone in (copy.copy(model), copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        assert clone == model
        assert isinstance(clone.versions, Items) and isinstance(clone.openmetadata_extra, FrozenJSON)
    assert m.MLModel.from_dict(model.to_dict()) == model
    assert reader.from_graph(build.to_graph(model)) == [model]


def _walk(e: m.Entity):
    yield e
    for f, spec in iter_fields(type(e)):
        val = getattr(e, f.name)
        for v in (val if spec.many else (val,)):
            if isinstance(v, m.Entity):
                yield from _walk(v)


def test_no_entity_anywhere_holds_a_mutable_list_or_dict() -> None:
    """Every list field of every entity of a generated estate (every entity kind, with their children) and of
    OpenMetadata's own API output (which carries pass-through JSON) is an ``Items``; every JSON value is frozen."""
    om_api = Path(__file__).parents[1] / "importers" / "openmetadata" / "om_api" / "mlmodels.json"
    roots = list(synth.generate(5)) + document_from_json(json.loads(om_api.read_text()), source=str(om_api))
    assert any(isinstance(getattr(r, "openmetadata_extra", None), FrozenJSON) for r in roots)
    seen: set[str] = set()
    for root in roots:
        for e in _walk(root):
            seen.add(type(e).__name__)
            for f, spec in iter_fields(type(e)):
                val = getattr(e, f.name)
                if spec.many:
                    assert type(val) is Items, (type(e).__name__, f.name, type(val))
                elif isinstance(val, (dict, list)):
                    assert isinstance(val, FrozenJSON), (type(e).__name__, f.name, type(val))
    assert {"MLModel", "ModelVersion", "Evaluation", "Feature", "FeatureSource", "Table", "Column"} <= seen


def test_decimal_from_the_reader_makes_the_same_graph() -> None:
    """A metric value read back from the graph (a query row gives ``Decimal`` for xsd:decimal) builds the same
    entity and the same triples: reader → entity → graph."""
    model = m.MLModel(name="churn", service="svc", versions=[m.ModelVersion(
        name="1", metrics=[m.Evaluation(name="auc", value=0.8935, ci_lower=0.87, ci_upper=0.91)])])
    g = build.to_graph(model)
    [point] = query.metric_series(g, model.versions[0].iri(), "auc")
    assert isinstance(point.value, Decimal) and point.value == Decimal("0.8935")
    row = next(iter(g.query(f"SELECT ?lo WHERE {{ ?e <{V.ciLower}> ?lo }}")))
    assert isinstance(row.lo.toPython(), Decimal)
    again = m.Evaluation(name="auc", value=point.value, ci_lower=row.lo.toPython(), ci_upper=Decimal("0.91"))
    assert again.value == 0.8935 and isinstance(again.value, float) and again.ci_lower == 0.87
    rebuilt = dataclasses.replace(model, versions=[dataclasses.replace(model.versions[0], metrics=[again])])
    assert rebuilt == model
    assert set(build.to_graph(rebuilt)) == set(g)


def test_a_decimal_no_double_holds_keeps_every_digit() -> None:
    long = Decimal("0.12345678901234567890123")
    e = m.Evaluation(name="auc", value=long, fqn="x.metric.auc")
    assert e.value == long and isinstance(e.value, Decimal)
    g = build.to_graph(e)
    assert (URIRef(e.iri()), V.metricValue, Literal("0.12345678901234567890123", datatype=XSD.decimal)) in g
    assert "".join(build.ntriples_lines([e])).count('"0.12345678901234567890123"^^') == 1
    model = m.MLModel(name="m", metrics=[m.Evaluation(name="auc", value=long)])
    assert reader.from_graph(build.to_graph(model)) == [model]
    assert m.MLModel.from_dict(model.to_dict()).metrics[0].value == float(long)  # JSON numbers are doubles
    for bad in (Decimal("NaN"), Decimal("Infinity")):
        with pytest.raises(InputError, match="finite"):
            m.Evaluation(name="auc", value=bad)
    with pytest.raises(InputError, match="not a valid float"):
        m.Evaluation(name="auc", value=0.5, ci_lower=long)  # an exact field would drop digits: refused


def test_help_states_the_rule() -> None:
    text = pydoc.render_doc(m.MLModel, renderer=pydoc.plaintext)
    assert "immutable" in text and "adding(" in text and "dataclasses.replace" in text
    for cls in set(m.REGISTRY.values()):
        assert "Instances are immutable" in (cls.__doc__ or ""), cls.__name__


# -- values derived at construction follow their source through replace() and adding() -------------------------


def _version_with(**children: Any) -> m.MLModel:
    return m.MLModel(name="churn", service="mlflow-prod", versions=[m.ModelVersion(name="2", **children)])


def test_replace_of_a_hyperparameter_value_reaches_every_output() -> None:
    # the user's code, as reported: value_text kept "0.01", and every round trip read back 0.01
    hp = m.HyperParameter(name="lr", value=0.01)
    hp = dataclasses.replace(hp, value=0.02)
    assert (hp.value, hp.value_text) == (0.02, "0.02")
    model = _version_with(ml_hyper_parameters=[hp])
    g = build.to_graph(model)
    assert {float(v) for v in g.objects(None, V.hyperParameterValue)} == {0.02}
    assert {str(t) for t in g.objects(None, V.valueText)} == {"0.02"}
    assert reader.from_graph(g)[0].versions[0].ml_hyper_parameters[0].value == 0.02
    assert m.MLModel.from_dict(model.to_dict()).versions[0].ml_hyper_parameters[0].value == 0.02
    # a text given with the new value is kept; the platform's own text is kept while the value is unchanged
    assert dataclasses.replace(hp, value=0.03, value_text="3e-2").value_text == "3e-2"
    assert dataclasses.replace(m.HyperParameter(name="lr", value=0.01, value_text="1e-2"), name="eta").value_text \
        == "1e-2"
    assert dataclasses.replace(hp, value="64").value == 64


def test_replace_of_an_evaluation_name_rederives_its_measure() -> None:
    ev = m.Evaluation(name="auc", value=0.9)
    assert ev.measure is not None and ev.measure.endswith("AUC")
    acc = dataclasses.replace(ev, name="accuracy")
    assert acc.measure is not None and acc.measure.endswith("Accuracy")
    assert dataclasses.replace(ev, name="my_score").measure is None
    g = build.to_graph(_version_with(metrics=[acc]))
    assert {str(x).rsplit("#", 1)[-1] for x in g.objects(None, V.measure)} == {"Accuracy"}
    # a measure given by the user stays while its name does not change, and when given with the new name
    own = m.Evaluation(name="score", value=0.9, measure="AUC")
    assert dataclasses.replace(own, value=0.8).measure == own.measure
    assert dataclasses.replace(ev, name="x", measure="Accuracy").measure == acc.measure


def test_replace_of_a_tag_fqn_rederives_the_tag_labels_name_and_tag() -> None:
    t = m.TagLabel(tag_fqn="PII.Sensitive", source="Classification")
    t2 = dataclasses.replace(t, tag_fqn="PII.None")
    assert (t2.name, t2.tag) == ("None", m.Ref(type="tag", fqn="PII.None"))
    g3 = dataclasses.replace(t, tag_fqn="Glossary.Churn", source="Glossary")
    assert (g3.name, g3.tag) == ("Churn", m.Ref(type="glossaryTerm", fqn="Glossary.Churn"))
    model = dataclasses.replace(m.MLModel(name="churn", service="mlflow-prod"), tags=[t2])
    back = m.MLModel.from_dict(model.to_dict())
    assert (back.tags[0].name, back.tags[0].tag) == ("None", t2.tag)
    assert reader.from_graph(build.to_graph(model))[0].tags[0].tag_fqn == "PII.None"
    # a name the user gave stays
    named = m.TagLabel(tag_fqn="PII.Sensitive", name="sensitive")
    assert dataclasses.replace(named, reason="audit").name == "sensitive"


def test_a_renamed_child_gets_the_fqn_of_its_new_name_under_the_same_parent() -> None:
    model = _version_with(metrics=[m.Evaluation(name="auc", value=0.9)])
    ev = model.versions[0].metrics[0]
    assert ev.fqn == "mlflow-prod.churn.2.metric.auc"
    assert dataclasses.replace(ev, name="acc").fqn == "mlflow-prod.churn.2.metric.acc"
    assert dataclasses.replace(ev, split="test").fqn == "mlflow-prod.churn.2.metric.auc.test"
    assert dataclasses.replace(ev, value=0.8).fqn == ev.fqn
    renamed = dataclasses.replace(model, name="churn2")
    assert renamed.fqn == "mlflow-prod.churn2"
    assert [e.fqn for e in renamed.versions[0].metrics] == ["mlflow-prod.churn2.2.metric.auc"]
    assert {e.fqn for e in reader.from_graph(build.to_graph(renamed))} == {"mlflow-prod.churn2"}
    assert dataclasses.replace(m.MLModel(name="churn", fqn="other.churn"), description="x").fqn == "other.churn"
