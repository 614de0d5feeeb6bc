"""Issue 2: one mapping, two engines; entity → RDF → entity is lossless (property-based)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

import mlkg.model as m
from mlkg.rdf import build, jsonld, reader
from mlkg.rdf.context import load_context

# Any name: spaces, slashes, '#', quotes, braces, non-ASCII, newlines (no surrogates or NUL).
names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=12
)
fqns = st.lists(names, min_size=1, max_size=3).map(lambda parts: ".".join(p.replace(".", "_") for p in parts))
finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
when = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                    timezones=st.sampled_from([UTC]))
scalars = st.one_of(st.integers(-10**12, 10**12), finite, st.booleans(), names)


def unique(strategy, **kw):
    return st.lists(strategy, unique_by=lambda e: e.name, **kw)


tables = fqns.map(lambda f: m.Ref(type="table", fqn="db." + f))
sources = st.builds(m.FeatureSource, name=names, data_type=st.sampled_from(list(m.SourceDataType)),
                    data_source=tables)
features = st.builds(
    m.Feature, name=names, data_type=st.none() | st.sampled_from(list(m.FeatureType)),
    description=st.none() | names, feature_algorithm=st.none() | names,
    feature_sources=st.lists(sources, max_size=2, unique_by=lambda s: (s.data_source.fqn, s.name)),
    position=st.none() | st.integers(0, 50),
)
hparams = st.builds(m.HyperParameter, name=names, value=scalars, description=st.none() | names)
metrics = st.builds(m.Evaluation, name=names, value=st.one_of(finite, st.integers(-1000, 1000)),
                    split=st.none() | st.sampled_from(list(m.Split)), ci_lower=st.none() | finite,
                    timestamp=st.none() | when, step=st.none() | st.integers(0, 10**6), slice=st.none() | names)
versions = st.builds(m.ModelVersion, name=names, stage=st.none() | st.sampled_from(list(m.Stage)),
                     aliases=st.lists(names, max_size=2, unique=True), algorithm=st.none() | names,
                     training_datasets=st.lists(tables, max_size=2, unique=True),
                     ml_hyper_parameters=unique(hparams, max_size=2), created_at=st.none() | when)
tags = st.builds(m.TagLabel, tag_fqn=fqns, source=st.sampled_from(["Classification", "Glossary"]),
                 label_type=st.just("Manual"), state=st.just("Confirmed"))
models = st.builds(
    m.MLModel, name=names, service=st.none() | fqns.map(lambda f: m.Ref(type="mlmodelService", fqn=f)),
    algorithm=st.none() | names, description=st.none() | names, target=st.none() | names,
    service_type=st.none() | st.sampled_from(list(m.PlatformType)),
    ml_features=unique(features, max_size=3), ml_hyper_parameters=unique(hparams, max_size=3),
    metrics=st.lists(metrics, max_size=3, unique_by=lambda e: e.fqn), versions=unique(versions, max_size=2),
    tags=st.lists(tags, max_size=2, unique_by=lambda t: t.tag_fqn),
    owners=st.lists(names.map(lambda n: m.Ref(type="team", fqn=n)), max_size=2, unique=True),
    server=st.none() | st.just("https://ml.example.com/x"), updated_at=st.none() | when,
    version=st.none() | st.floats(0.1, 99, allow_nan=False), deleted=st.none() | st.booleans(),
    license=st.none() | st.sampled_from(["Apache-2.0", "MIT"]),
    openmetadata_extra=st.none() | st.dictionaries(st.sampled_from(["votes", "lifeCycle"]),
                                                   st.dictionaries(names, st.integers(0, 9), max_size=2)),
)

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _diff(a: Graph, b: Graph) -> str:
    _, only_a, only_b = graph_diff(to_isomorphic(a), to_isomorphic(b))
    return ("only in first:\n" + only_a.serialize(format="nt") + "\nonly in second:\n"
            + only_b.serialize(format="nt"))


@FAST
@given(models)
def test_fast_path_and_pyld_make_the_same_graph(model: m.MLModel) -> None:
    fast = build.to_graph(model, lineage=False)
    ref = jsonld.to_graph(build.to_jsonld(model), lineage=False)
    assert isomorphic(fast, ref), _diff(fast, ref)


@FAST
@given(models)
def test_entity_to_rdf_to_entity_is_lossless(model: m.MLModel) -> None:
    g = build.to_graph(model)
    back = reader.from_graph(g, strict=True)
    assert back == [model]


@FAST
@given(models)
def test_json_roundtrip_is_lossless(model: m.MLModel) -> None:
    from mlkg.model.json import document_from_json, document_to_json

    text = json.dumps(document_to_json([model]))
    assert document_from_json(json.loads(text)) == [model]


def test_rdflib_jsonld_parser_agrees_with_pyld_and_the_fast_path() -> None:
    model = m.MLModel(
        name="churn", service="mlflow_prod", algorithm="XGBoost", dashboard="superset.churn",
        ml_features=[m.Feature(name="recency", data_type="numerical", feature_sources=[
            m.FeatureSource(name="last_purchase_date", data_type="date", data_source="sf.db.public.customers")])],
        ml_hyper_parameters=[m.HyperParameter(name="lr", value="1e-2")],
        metrics=[m.Evaluation(name="AUC", value=0.93, split="test")],
        versions=[m.ModelVersion(name="3", stage="Production", predictions=["sf.db.public.churn_scores"])],
        deployments=[m.Endpoint(name="prod", deployment_type="realtime", status="InService")],
        openmetadata_extra={"votes": {"upVotes": 1}}, updated_at=1704240000000, version=0.1,
    )
    fast = build.to_graph(model, lineage=False)
    doc = build.to_jsonld(model)
    doc["@context"] = load_context()["@context"]
    via_rdflib = Graph().parse(data=json.dumps(doc), format="json-ld")
    via_pyld = jsonld.to_graph(doc, lineage=False)
    assert len(fast) > 50
    assert isomorphic(fast, via_rdflib), _diff(fast, via_rdflib)
    assert isomorphic(fast, via_pyld), _diff(fast, via_pyld)


def test_hyperparameter_values_keep_their_type_and_text() -> None:
    from rdflib.namespace import XSD

    from mlkg.namespaces import MLKG

    model = m.MLModel(name="m", ml_hyper_parameters=[
        m.HyperParameter(name="lr", value="1e-2"), m.HyperParameter(name="depth", value="6"),
        m.HyperParameter(name="shuffle", value="True"), m.HyperParameter(name="opt", value="adam")])
    g = build.to_graph(model)
    typed = {str(g.value(s, MLKG.name)): o for s, o in g.subject_objects(MLKG.hyperParameterValue)}
    assert typed["lr"].datatype == XSD.double and typed["lr"].toPython() == 0.01
    assert typed["depth"].datatype == XSD.integer and typed["depth"].toPython() == 6
    assert typed["shuffle"].datatype == XSD.boolean and typed["shuffle"].toPython() is True
    assert typed["opt"].datatype is None and str(typed["opt"]) == "adam"
    # the platform's text survives a Turtle round trip
    g2 = Graph().parse(data=g.serialize(format="turtle"), format="turtle")
    (back,) = reader.from_graph(g2)
    texts = {h.name: h.value_text for h in back.ml_hyper_parameters}
    assert texts == {"lr": "1e-2", "depth": "6", "shuffle": "True", "opt": "adam"}


@FAST
@given(models)
def test_ntriples_emitter_matches_the_graph_emitter(model: m.MLModel) -> None:
    text = "".join(build.ntriples_lines([model]))
    from_text = Graph().parse(data=text, format="nt")
    assert isomorphic(from_text, build.to_graph(model, lineage=False)), _diff(from_text, build.to_graph(model, lineage=False))
