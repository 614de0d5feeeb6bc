"""The scripts in ``examples/``: each one runs, writes RDF that reads back unchanged, and says what the seed says.

The checks run SPARQL on the file each script writes (``main(["-o", path])``), not on the entities in memory, so
they test what a user gets. ``MLKG_UPDATE_SNAPSHOTS=1 pytest tests/examples/test_examples.py`` rewrites
``examples/output/*.ttl``.
"""

from __future__ import annotations

import importlib
import os
import socket
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import rdflib.namespace as rdfns
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import RDF

from mlkg.namespaces import MLKG_IRI
from mlkg.rdf.build import to_graph
from mlkg.rdf.formats import load_graph

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SNAPSHOTS = EXAMPLES / "output"
NAMES = ["customer_churn", "model_versions", "sagemaker_recommendation", "vertex_demand_forecast",
         "fraud_detection", "lifecycle_lineage"]
PREFIXES = f"""
PREFIX mlkg: <{MLKG_IRI}>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
SF = "snowflake.analytics.public."

if str(EXAMPLES) not in sys.path:
    sys.path.insert(0, str(EXAMPLES))


def example(name: str) -> ModuleType:
    return importlib.import_module(name)


def _diff(a: Graph, b: Graph) -> str:
    _, only_a, only_b = graph_diff(to_isomorphic(a), to_isomorphic(b))
    def nt(t: tuple[Any, Any, Any]) -> str:
        return " ".join(x.n3() for x in t)

    lines = [f"- {nt(t)}" for t in sorted(only_a)[:10]] + [f"+ {nt(t)}" for t in sorted(only_b)[:10]]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def written_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each example's Turtle file, as written by its main()."""
    out = tmp_path_factory.mktemp("examples")
    files = {}
    for name in NAMES:
        files[name] = out / f"{name}.ttl"
        assert example(name).main(["-o", str(files[name])]) == 0
    return files


@pytest.fixture(scope="module")
def written(written_files: dict[str, Path]) -> dict[str, Graph]:
    """Each example's Turtle file, read back."""
    return {name: load_graph([path]) for name, path in written_files.items()}


def q(g: Graph, query: str, **bindings: Any) -> list[tuple[Any, ...]]:
    """Rows of a SELECT, with literals turned into Python values."""
    rows: Any = g.query(PREFIXES + query, initBindings=bindings)
    return [tuple(v.toPython() if isinstance(v, Literal) else v for v in row) for row in rows]


def ask(g: Graph, query: str) -> bool:
    return bool(g.query(PREFIXES + query).askAnswer)


# ---------------------------------------------------------------------------------------------------------------
# Every example: round trips, stdout, snapshots
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_turtle_written_reads_back_isomorphic(name: str, written: dict[str, Graph]) -> None:
    built = to_graph(example(name).build())
    assert len(built) > 50
    assert isomorphic(built, written[name]), _diff(built, written[name])


@pytest.mark.parametrize("name", NAMES)
def test_jsonld_written_offline_reads_back_isomorphic(name: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    path = tmp_path / f"{name}.jsonld"
    assert example(name).main(["-o", str(path)]) == 0
    text = path.read_text(encoding="utf-8")
    assert text.lstrip().startswith("{") and '"@context"' in text
    back = load_graph([path])
    built = to_graph(example(name).build())
    assert isomorphic(built, back), _diff(built, back)


def test_stdout_is_turtle_of_the_build(capsys: pytest.CaptureFixture[str]) -> None:
    mod = example("model_versions")
    assert mod.main([]) == 0
    out = capsys.readouterr().out
    assert "@prefix mlkg: <https://w3id.org/mlkg#>" in out
    g = Graph().parse(data=out, format="turtle")
    assert isomorphic(g, to_graph(mod.build()))


def test_unknown_suffix_and_format_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mod = example("customer_churn")
    assert mod.main(["-o", str(tmp_path / "churn.txt")]) == 2
    err = capsys.readouterr().err
    assert "churn.txt" in err and ".ttl" in err and "--format" in err
    assert not (tmp_path / "churn.txt").exists()
    assert mod.main(["-f", "yaml"]) == 2
    assert "unknown RDF format 'yaml'" in capsys.readouterr().err
    # an explicit format overrides the suffix
    assert mod.main(["-o", str(tmp_path / "churn.txt"), "-f", "nt"]) == 0
    assert len(load_graph([tmp_path / "churn.txt"], fmt="nt")) == len(to_graph(mod.build()))


def test_script_runs_standalone(tmp_path: Path) -> None:
    out = tmp_path / "fraud.ttl"
    proc = subprocess.run([sys.executable, str(EXAMPLES / "fraud_detection.py"), "-o", str(out)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""  # data goes to the file, the message to stderr
    assert "wrote" in proc.stderr
    assert isomorphic(load_graph([out]), to_graph(example("fraud_detection").build()))


def _data_triples(g: Graph) -> Graph:
    """What a snapshot pins: the examples' content, not the library's spelling of it.

    Kept: rdf:type and mlkg: triples, numbers compared by value (so 0.92 as xsd:double or xsd:decimal is the same).
    Left out: PROV/DCAT super-property triples (they follow the ontology) and mlkg:valueText (derived text).
    """
    out = Graph()
    value_text = URIRef(MLKG_IRI + "valueText")
    for s, p, o in g:
        if p != RDF.type and (not str(p).startswith(MLKG_IRI) or p == value_text):
            continue
        if isinstance(o, Literal) and o.datatype in _NUMERIC:
            o = Literal(format(Decimal(str(o.toPython())).normalize(), "f"), datatype=_NUMBER)
        out.add((s, p, o))
    return out


_NUMERIC = {rdfns.XSD.double, rdfns.XSD.decimal, rdfns.XSD.float, rdfns.XSD.integer}
_NUMBER = URIRef("urn:mlkg-test:number")


UPDATE = "MLKG_UPDATE_SNAPSHOTS=1 pytest tests/examples/test_examples.py"


@pytest.mark.parametrize("name", NAMES)
def test_snapshot(name: str, written: dict[str, Graph], written_files: dict[str, Path]) -> None:
    snap = SNAPSHOTS / f"{name}.ttl"
    if os.environ.get("MLKG_UPDATE_SNAPSHOTS"):
        SNAPSHOTS.mkdir(exist_ok=True)
        assert example(name).main(["-o", str(snap)]) == 0
    if not snap.exists():
        pytest.fail(f"missing snapshot {snap}; run {UPDATE}")
    want, got = _data_triples(load_graph([snap])), _data_triples(written[name])
    assert isomorphic(want, got), f"{name} differs from {snap} ({UPDATE} to accept):\n" + _diff(want, got)
    # the same text too: the Turtle writer is deterministic, so a changed lexical form shows up here
    assert snap.read_text(encoding="utf-8") == written_files[name].read_text(encoding="utf-8"), (
        f"{snap} holds the same triples in another form than the script writes now; run {UPDATE}")


SHAPES = ROOT / "ontology" / "shapes"


def test_all_examples_merge_into_one_catalog(written: dict[str, Graph]) -> None:
    """The examples share services and tables by FQN; merged, each is one node, and the seed's impact
    analysis ("which models break if a table changes") spans examples."""
    catalog = _catalog(written)
    services = sorted(r[0] for r in q(catalog, "SELECT ?n WHERE { ?s a mlkg:MLModelService ; mlkg:name ?n }"))
    assert services == ["mlflow-prod", "sagemaker-models", "vertex-ai"]
    churn = q(catalog, """SELECT (COUNT(DISTINCT ?f) AS ?features) (COUNT(DISTINCT ?v) AS ?versions) WHERE {
                            ?m mlkg:name "customer_churn_predictor" ; mlkg:hasFeature ?f ; mlkg:hasVersion ?v }""")
    assert churn == [(3, 3)]  # features from customer_churn.py, versions from model_versions.py
    impacted = sorted(r[0] for r in q(catalog, """
        SELECT DISTINCT ?model WHERE {
          ?t a mlkg:Table ; mlkg:fullyQualifiedName "snowflake.analytics.public.customers" .
          ?m a mlkg:MLModel ; mlkg:name ?model ;
             (prov:wasDerivedFrom|prov:used|prov:wasGeneratedBy|mlkg:belongsToTable)+ ?t .
        }"""))
    assert impacted == ["customer_churn_predictor", "fraud_detection"]


def _catalog(written: dict[str, Graph]) -> Graph:
    catalog = Graph()
    for g in written.values():
        catalog += g
    return catalog


def test_examples_conform_to_shapes(written: dict[str, Graph]) -> None:
    """All examples, merged, conform to mlkg's SHACL shapes (core and core-rules packs; warnings allowed).
    One validation of the merged graph: focus nodes in the report name the example."""
    import pyshacl

    packs = [SHAPES / p for p in ("core.ttl", "core-rules.ttl") if (SHAPES / p).exists()]
    if not packs:
        pytest.skip(f"no shapes in {SHAPES} yet")
    shapes = Graph()
    for pack in packs:
        shapes.parse(pack, format="turtle")
    conforms, report, text = pyshacl.validate(_catalog(written), shacl_graph=shapes, allow_warnings=True)
    sh_result = URIRef("http://www.w3.org/ns/shacl#ValidationResult")
    if not conforms and not (isinstance(report, Graph) and any(report.subjects(RDF.type, sh_result))):
        pytest.skip(f"pyshacl cannot run the shapes: {str(text).strip()[:200]}")  # a shapes problem, not ours
    assert conforms, text


# ---------------------------------------------------------------------------------------------------------------
# customer_churn
# ---------------------------------------------------------------------------------------------------------------


def test_churn_features_and_their_source_columns(written: dict[str, Graph]) -> None:
    rows = q(written["customer_churn"], """
        SELECT ?feature ?type ?column ?table ?srcType WHERE {
          ?m a mlkg:MLModel ; mlkg:name "customer_churn_predictor" ; mlkg:hasFeature ?f .
          ?f mlkg:name ?feature ; mlkg:featureDataType ?type ; mlkg:hasFeatureSource ?c .
          ?c mlkg:name ?column ; mlkg:belongsToTable/mlkg:fullyQualifiedName ?table ; mlkg:sourceDataType ?srcType .
        }""")
    m = MLKG_IRI
    assert sorted(rows) == [
        ("frequency", URIRef(m + "NumericalFeature"), "count_30d", SF + "orders", URIRef(m + "IntegerSource")),
        ("monetary", URIRef(m + "NumericalFeature"), "total_amount_30d", SF + "orders", URIRef(m + "NumberSource")),
        ("recency", URIRef(m + "NumericalFeature"), "last_purchase_date", SF + "customers", URIRef(m + "DateSource")),
    ]


def test_churn_hyperparameters_keep_their_types(written: dict[str, Graph]) -> None:
    g = written["customer_churn"]
    rows: Any = g.query(PREFIXES + """
        SELECT ?name ?value WHERE { ?m mlkg:name "customer_churn_predictor" ; mlkg:hasHyperParameter ?h .
                                    ?h mlkg:name ?name ; mlkg:hyperParameterValue ?value . }""")
    got = {str(n): (v.toPython(), v.datatype) for n, v in rows}
    assert set(got) == {"learning_rate", "max_depth", "n_estimators"}
    rate, rate_type = got.pop("learning_rate")
    assert float(rate) == 0.01 and rate_type in (rdfns.XSD.double, rdfns.XSD.decimal)
    assert got == {"max_depth": (6, rdfns.XSD.integer), "n_estimators": (100, rdfns.XSD.integer)}


def test_churn_metrics_are_the_hierarchy_figures(written: dict[str, Graph]) -> None:
    rows = q(written["customer_churn"], """
        SELECT ?measure ?value WHERE { ?m mlkg:name "customer_churn_predictor" ; mlkg:hasEvaluation ?e .
                                       ?e mlkg:measure ?measure ; mlkg:metricValue ?value . }""")
    got = {str(measure).removeprefix(MLKG_IRI): float(value) for measure, value in rows}
    assert got == {"Accuracy": 0.92, "Precision": 0.85, "Recall": 0.88, "AUC": 0.93}


def test_churn_training_predictions_dashboard_owner_service(written: dict[str, Graph]) -> None:
    rows = q(written["customer_churn"], """
        SELECT ?algo ?train ?scores ?dash ?owner ?service ?platform WHERE {
          ?m a mlkg:MLModel ; mlkg:name "customer_churn_predictor" ; mlkg:algorithmName ?algo ;
             mlkg:trainedOn/mlkg:fullyQualifiedName ?train ; mlkg:hasOwner/mlkg:displayName ?owner ;
             mlkg:belongsToService ?s .
          ?s mlkg:name ?service ; mlkg:platform ?platform .
          ?t mlkg:predictionsFrom ?m ; mlkg:fullyQualifiedName ?scores .
          ?d a mlkg:Dashboard ; mlkg:displays ?m ; mlkg:name ?dash .
        }""")
    assert rows == [("XGBoost", SF + "customer_features", SF + "churn_scores", "churn_model_monitoring",
                     "Data Science Team", "mlflow-prod", URIRef(MLKG_IRI + "MLflowPlatform"))]


# ---------------------------------------------------------------------------------------------------------------
# model_versions
# ---------------------------------------------------------------------------------------------------------------


def test_three_versions_in_date_order(written: dict[str, Graph]) -> None:
    rows = q(written["model_versions"], """
        SELECT ?label ?algo ?algoNode ?train ?acc ?released ?stage WHERE {
          ?m a mlkg:MLModel ; mlkg:hasVersion ?v .
          ?v mlkg:name ?label ; mlkg:algorithmName ?algo ; mlkg:implementsAlgorithm/mlkg:name ?algoNode ;
             mlkg:trainedOn/mlkg:name ?train ; mlkg:releaseDate ?released ; mlkg:stage ?stage ;
             mlkg:hasEvaluation [ mlkg:measure mlkg:Accuracy ; mlkg:metricValue ?acc ] .
        } ORDER BY ?released""")
    archived, production = URIRef(MLKG_IRI + "ArchivedStage"), URIRef(MLKG_IRI + "ProductionStage")
    rows = [(*r[:4], float(r[4]), *r[5:]) for r in rows]
    assert rows == [
        ("v1.0", "Logistic Regression", "Logistic Regression", "customers_2024_01", 0.82, date(2024, 1, 15), archived),
        ("v2.0", "Random Forest", "Random Forest", "customers_2024_03", 0.88, date(2024, 3, 10), archived),
        ("v3.0", "XGBoost", "XGBoost", "customers_2024_06", 0.92, date(2024, 6, 20), production),
    ]


def test_versions_chain_and_release_dates_are_dates(written: dict[str, Graph]) -> None:
    g = written["model_versions"]
    chain = q(g, """SELECT ?label ?prev WHERE { ?v a mlkg:ModelVersion ; mlkg:name ?label .
                    OPTIONAL { ?v mlkg:previousVersion/mlkg:name ?prev } } ORDER BY ?label""")
    assert chain == [("v1.0", None), ("v2.0", "v1.0"), ("v3.0", "v2.0")]
    assert ask(g, """ASK { ?v3 mlkg:name "v3.0" ; prov:wasRevisionOf ?v2 . ?v2 mlkg:name "v2.0" }""")
    dts = {o.datatype for o in g.objects(None, URIRef(MLKG_IRI + "releaseDate")) if isinstance(o, Literal)}
    assert dts == {rdfns.XSD.date}


def test_versions_scored_on_one_test_split(written: dict[str, Graph]) -> None:
    rows = q(written["model_versions"], """
        SELECT (COUNT(?e) AS ?n) (COUNT(DISTINCT ?ds) AS ?datasets) (SAMPLE(?dsName) AS ?name) WHERE {
          ?v a mlkg:ModelVersion ; mlkg:hasEvaluation ?e .
          ?e mlkg:evaluationDataset ?ds ; mlkg:split mlkg:TestSplit . ?ds a mlkg:Dataset ; mlkg:name ?dsName .
        }""")
    assert rows == [(3, 1, "churn_test_split")]


def test_only_the_deployed_version_is_served(written: dict[str, Graph]) -> None:
    rows = q(written["model_versions"], """
        SELECT ?label ?type ?status WHERE {
          ?ep a mlkg:Endpoint ; mlkg:servesModelVersion ?v ; mlkg:deploymentType ?type ; mlkg:deploymentStatus ?status ;
              mlkg:deploymentOf ?m .
          ?m mlkg:hasVersion ?v . ?v mlkg:name ?label ; mlkg:stage mlkg:ProductionStage .
        }""")
    assert rows == [("v3.0", URIRef(MLKG_IRI + "RealtimeDeployment"), URIRef(MLKG_IRI + "InServiceStatus"))]
    assert len(list(written["model_versions"].subjects(URIRef(MLKG_IRI + "servesModelVersion"), None))) == 1


# ---------------------------------------------------------------------------------------------------------------
# sagemaker_recommendation
# ---------------------------------------------------------------------------------------------------------------


def test_sagemaker_realtime_endpoint(written: dict[str, Graph]) -> None:
    rows = q(written["sagemaker_recommendation"], """
        SELECT ?model ?algo ?platform ?epService ?status ?url ?version WHERE {
          ?ep a mlkg:Endpoint ; mlkg:deploymentType mlkg:RealtimeDeployment ; mlkg:deploymentStatus ?status ;
              mlkg:endpointUrl ?url ; mlkg:deploymentOf ?m ; mlkg:servesModelVersion ?v ;
              mlkg:belongsToService/mlkg:name ?epService .
          ?m mlkg:name ?model ; mlkg:algorithmName ?algo ; mlkg:belongsToService/mlkg:platform ?platform ;
             mlkg:hasVersion ?v .
          ?v mlkg:name ?version .
        }""")
    assert len(rows) == 1
    model, algo, platform, ep_service, status, url, version = rows[0]
    assert (model, algo, ep_service, version) == ("product_recommendation", "Collaborative Filtering",
                                                  "sagemaker-models", "1")
    assert platform == URIRef(MLKG_IRI + "SageMakerPlatform")
    assert status == URIRef(MLKG_IRI + "InServiceStatus")
    assert url.startswith("https://runtime.sagemaker.") and url.endswith("/invocations")


def test_sagemaker_version_uses_the_models_own_features(written: dict[str, Graph]) -> None:
    g = written["sagemaker_recommendation"]
    rows = q(g, """SELECT ?name ?table WHERE { ?m a mlkg:MLModel ; mlkg:hasFeature ?f ; mlkg:hasVersion ?v .
                    ?v mlkg:usesFeature ?f . ?f mlkg:name ?name ;
                    mlkg:hasFeatureSource/mlkg:belongsToTable/mlkg:name ?table }""")
    assert sorted(rows) == [("product_views", "user_product_interactions"), ("purchases", "user_product_interactions"),
                            ("user_id", "user_product_interactions")]
    # no version points at a feature the model does not have
    assert not ask(g, "ASK { ?v mlkg:usesFeature ?f . FILTER NOT EXISTS { ?m mlkg:hasFeature ?f } }")


# ---------------------------------------------------------------------------------------------------------------
# vertex_demand_forecast
# ---------------------------------------------------------------------------------------------------------------


def test_vertex_batch_predictions_trace_back_to_sales_history(written: dict[str, Graph]) -> None:
    g = written["vertex_demand_forecast"]
    rows = q(g, """
        SELECT ?model ?algo ?platform ?out ?train WHERE {
          ?t mlkg:predictionsFrom ?job ; mlkg:name ?out .
          ?job mlkg:deploymentType mlkg:BatchDeployment ; mlkg:deploymentOf ?m .
          ?m mlkg:name ?model ; mlkg:algorithmName ?algo ; mlkg:platform ?platform ; mlkg:trainedOn/mlkg:name ?train .
        }""")
    assert rows == [("demand_forecasting", "LSTM Neural Network", URIRef(MLKG_IRI + "VertexAIPlatform"),
                     "future_demand", "sales_history")]
    assert ask(g, """ASK { ?t mlkg:name "future_demand" ; prov:wasDerivedFrom+ ?s . ?s mlkg:name "sales_history" }""")
    names = {r[0] for r in q(g, "SELECT ?n WHERE { ?m a mlkg:MLModel ; mlkg:hasFeature/mlkg:name ?n }")}
    assert names == {"historical_sales", "seasonality", "promotions"}


# ---------------------------------------------------------------------------------------------------------------
# fraud_detection
# ---------------------------------------------------------------------------------------------------------------


def test_fraud_flow_hop_by_hop_through_prov(written: dict[str, Graph]) -> None:
    """transactions/customers → Feature Pipeline → fraud_features → model version → endpoint → fraud_scores →
    alerts, walked with PROV-O only (the super-property triples to_graph writes)."""
    rows = q(written["fraud_detection"], """
        SELECT ?alert ?scores ?endpoint ?version ?model ?features ?pipeline ?source WHERE {
          ?a a mlkg:AlertingSystem ; mlkg:name ?alert ; prov:wasDerivedFrom ?t1 .
          ?t1 mlkg:name ?scores ; prov:wasDerivedFrom ?ep .
          ?ep a mlkg:Endpoint ; mlkg:name ?endpoint ; prov:wasDerivedFrom ?v .
          ?v a mlkg:ModelVersion ; mlkg:name ?version ; prov:wasDerivedFrom ?t2 .
          ?m mlkg:hasVersion ?v ; mlkg:name ?model .
          ?t2 mlkg:name ?features ; prov:wasGeneratedBy ?p .
          ?p a mlkg:Pipeline ; mlkg:displayName ?pipeline ; prov:used ?t3 .
          ?t3 a mlkg:Table ; mlkg:name ?source .
        }""")
    assert sorted(rows) == [
        ("fraud_alert_system", "fraud_scores", "fraud-detection-prod", "2", "fraud_detection", "fraud_features",
         "Feature Pipeline", src) for src in ("customers", "transactions")]


def test_fraud_feature_columns_belong_to_fraud_features(written: dict[str, Graph]) -> None:
    g = written["fraud_detection"]
    rows = q(g, """SELECT DISTINCT ?table WHERE { ?m a mlkg:MLModel ;
                    prov:wasDerivedFrom/prov:wasDerivedFrom/mlkg:belongsToTable/mlkg:name ?table }""")
    assert rows == [("fraud_features",)]
    # a longer walk from the alert system reaches both raw tables, columns included
    reached = {r[0] for r in q(g, """SELECT DISTINCT ?n WHERE { ?a a mlkg:AlertingSystem ;
                 (prov:wasDerivedFrom|prov:used|prov:wasGeneratedBy|mlkg:belongsToTable)+ ?x . ?x a mlkg:Table ;
                 mlkg:name ?n }""")}
    assert reached == {"fraud_scores", "fraud_features", "transactions", "customers"}


def test_fraud_impact_of_transactions(written: dict[str, Graph]) -> None:
    """Seed: "Know which models break if transactions table changes"."""
    rows = q(written["fraud_detection"], """
        SELECT DISTINCT ?kind ?name WHERE {
          ?t mlkg:name "transactions" .
          ?x (prov:wasDerivedFrom|prov:used|prov:wasGeneratedBy)+ ?t ; a ?kind ; mlkg:name ?name .
          FILTER(?kind IN (mlkg:MLModel, mlkg:Endpoint, mlkg:AlertingSystem))
        }""")
    got = sorted((str(k).removeprefix(MLKG_IRI), n) for k, n in rows)
    assert got == [("AlertingSystem", "fraud_alert_system"), ("Endpoint", "fraud-detection-prod"),
                   ("MLModel", "fraud_detection")]


def test_fraud_model_services_metrics_owner(written: dict[str, Graph]) -> None:
    g = written["fraud_detection"]
    rows = q(g, """
        SELECT ?algo ?modelPlatform ?epPlatform ?owner ?prodVersion WHERE {
          ?m a mlkg:MLModel ; mlkg:name "fraud_detection" ; mlkg:algorithmName ?algo ;
             mlkg:belongsToService/mlkg:platform ?modelPlatform ; mlkg:hasOwner/mlkg:displayName ?owner ;
             mlkg:hasVersion ?v .
          ?v mlkg:stage mlkg:ProductionStage ; mlkg:name ?prodVersion .
          ?ep mlkg:deploymentOf ?m ; mlkg:servesModelVersion ?v ; mlkg:belongsToService/mlkg:platform ?epPlatform .
        }""")
    m = MLKG_IRI
    assert rows == [("Random Forest", URIRef(m + "MLflowPlatform"), URIRef(m + "SageMakerPlatform"),
                     "Data Science Team", "2")]
    metrics = {str(k).removeprefix(m): float(v) for k, v in q(g, """
        SELECT ?k ?v WHERE { ?x mlkg:name "fraud_detection" ;
                                mlkg:hasEvaluation [ mlkg:measure ?k ; mlkg:metricValue ?v ] }""")}
    assert metrics == {"AUC": 0.93, "Precision": 0.85}
    trained = {r[0] for r in q(g, """SELECT ?v WHERE { ?m mlkg:name "fraud_detection" ; mlkg:hasVersion ?x .
                                     ?x mlkg:name ?v ; mlkg:trainedOn/mlkg:name "fraud_features" }""")}
    assert trained == {"1", "2"}


def test_fraud_tables_have_columns(written: dict[str, Graph]) -> None:
    rows = q(written["fraud_detection"], """
        SELECT ?table (COUNT(?c) AS ?n) WHERE { ?t a mlkg:Table ; mlkg:name ?table . ?c mlkg:belongsToTable ?t }
        GROUP BY ?table ORDER BY ?table""")
    assert rows == [("customers", 3), ("fraud_features", 5), ("fraud_scores", 3), ("transactions", 5)]


# ---------------------------------------------------------------------------------------------------------------
# lifecycle_lineage
# ---------------------------------------------------------------------------------------------------------------


def test_lineage_from_dashboard_and_alerts_back_to_raw_events(written: dict[str, Graph]) -> None:
    """Seed's lineage diagram, hop by hop in PROV-O: consumer → predictions table → predictions API → production
    version → training run → training data snapshot → features table → feature pipeline → raw events."""
    rows = q(written["lifecycle_lineage"], """
        SELECT ?consumer ?table ?api ?version ?run ?data ?features ?pipeline ?raw WHERE {
          ?c mlkg:name ?consumer ; prov:wasDerivedFrom ?t .
          ?t a mlkg:Table ; mlkg:name ?table ; prov:wasDerivedFrom ?e .
          ?e a mlkg:Endpoint ; mlkg:displayName ?api ; prov:wasDerivedFrom ?v .
          ?v a mlkg:ModelVersion ; mlkg:name ?version ; prov:wasGeneratedBy ?r .
          ?r a mlkg:TrainingRun ; mlkg:name ?run ; prov:used ?d .
          ?d a mlkg:Dataset ; mlkg:name ?data ; prov:wasDerivedFrom ?f .
          ?f mlkg:name ?features ; prov:wasGeneratedBy ?p .
          ?p mlkg:displayName ?pipeline ; prov:used/mlkg:name ?raw .
        }""")
    tail = ("propensity_scores", "Predictions API", "2", "b7d20e4f19a6c358", "customers_features@v1",
            "customers_features", "Feature Pipeline", "raw_events")
    assert sorted(rows) == [("propensity_alerts", *tail), ("propensity_overview", *tail)]


def test_lifecycle_runs_versions_and_accuracies(written: dict[str, Graph]) -> None:
    rows = q(written["lifecycle_lineage"], """
        SELECT ?version ?stage ?acc ?runAcc ?depth ?experiment WHERE {
          ?m mlkg:name "purchase_propensity" ; mlkg:hasVersion ?v .
          ?v mlkg:name ?version ; mlkg:stage ?stage ; mlkg:producedBy ?r ;
             mlkg:hasEvaluation [ mlkg:measure mlkg:Accuracy ; mlkg:metricValue ?acc ] .
          ?r mlkg:partOfExperiment/mlkg:name ?experiment ;
             mlkg:hasEvaluation [ mlkg:measure mlkg:Accuracy ; mlkg:metricValue ?runAcc ] ;
             mlkg:hasHyperParameter [ mlkg:name "max_depth" ; mlkg:hyperParameterValue ?depth ] .
        } ORDER BY ?version""")
    m = MLKG_IRI
    got = [(v, st, float(a), float(ra), d, e) for v, st, a, ra, d, e in rows]
    assert got == [("1", URIRef(m + "ArchivedStage"), 0.88, 0.88, 4, "purchase-propensity-training"),
                   ("2", URIRef(m + "ProductionStage"), 0.92, 0.92, 6, "purchase-propensity-training")]
