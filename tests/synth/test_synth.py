"""Tests of the synthetic data generator (mlkg.synth)."""

from __future__ import annotations

import io

from rdflib import RDF, Graph, URIRef

from mlkg import model as m
from mlkg import synth
from mlkg.namespaces import MLKG
from mlkg.rdf.build import to_graph


def test_generate_is_deterministic_and_seed_dependent() -> None:
    a = synth.generate(7, seed=3)
    assert a == synth.generate(7, seed=3)
    assert a != synth.generate(7, seed=4)
    assert sum(isinstance(e, m.MLModel) for e in a) == 7


def test_generated_entities_have_every_kind() -> None:
    kinds = {type(e).__name__ for e in synth.generate(5)}
    assert {"MLModelService", "MLModel", "Table", "Pipeline", "Dashboard", "AlertingSystem", "Team", "User",
            "Tag"} <= kinds
    model = next(e for e in synth.generate(5) if isinstance(e, m.MLModel))
    assert model.ml_features and model.ml_features[0].feature_sources
    assert [v.stage for v in model.versions] == [m.Stage.ARCHIVED, m.Stage.STAGING, m.Stage.PRODUCTION]
    assert model.versions[-1].aliases == ["champion"] and model.versions[-1].metrics
    assert model.deployments and model.deployments[0].model_version is not None


def test_graph_of_size_is_close_to_the_target() -> None:
    g = synth.graph_of_size(5000)
    assert 4500 <= len(g) <= 5500


def test_streamed_ntriples_equal_the_graph() -> None:
    buf = io.StringIO()
    n = synth.write_ntriples(buf, 3000, seed=2)
    g = Graph().parse(data=buf.getvalue(), format="nt")
    assert n == len(g)
    assert set(g) == set(synth.graph_of_size(3000, seed=2))


def test_estate_stream_dedupes_across_domains_without_a_global_set() -> None:
    # 10 domains: every team, service and tag is referenced from several domains; the stream dedupes per domain
    # and remembers only the lines about shared entities, and still writes each triple exactly once
    n_models = 10 * synth.MODELS_PER_DOMAIN
    import pyoxigraph as ox

    def triples(lines: list[str]) -> list[str]:  # parsed by pyoxigraph: the same triple, the same text
        return [str(q.triple) for q in ox.parse("".join(lines).encode(), format=ox.RdfFormat.N_TRIPLES)]

    streamed = triples(list(synth.estate_lines(n_models, seed=3)))
    assert len(streamed) == len(set(streamed))
    assert set(streamed) == set(triples(list(synth.ntriples_lines(synth.iter_entities(n_models, seed=3)))))


def test_pii_column_reaches_a_model_through_lineage() -> None:
    g = to_graph(synth.generate(5))
    iris = synth.sample_iris(5)
    col = URIRef(iris["raw_column"])
    assert (col, MLKG.hasTagLabel, None) in g
    q = f"""SELECT DISTINCT ?m WHERE {{
      ?stg mlkg:upstream <{col}> . ?fc mlkg:upstream ?stg . ?f mlkg:hasFeatureSource ?fc . ?m mlkg:hasFeature ?f }}"""
    models = {r.m for r in g.query(q, initNs={"mlkg": MLKG})}  # type: ignore[union-attr]
    assert models, "the PII email column should feed at least one model"
    assert all((mm, RDF.type, MLKG.MLModel) in g for mm in models)
