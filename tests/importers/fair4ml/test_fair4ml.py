"""FAIR4ML importer: ``mlkg import fair4ml`` on FAIR4ML 0.1.0 JSON-LD (data/README.md), golden graphs, the CLI round
trip FAIR4ML → mlkg → FAIR4ML on the shipped examples (read with pyld through FAIR4ML's own context, offline), and
bad input. Golden graphs: refresh with ``MLKG_UPDATE_SNAPSHOTS=1 pytest tests/importers/fair4ml``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyld import jsonld
from rdflib import Graph, URIRef
from rdflib.compare import graph_diff, to_isomorphic
from rdflib.namespace import OWL
from typer.testing import CliRunner

from mlkg.cli import get_app
from mlkg.errors import InputError
from mlkg.importers import get
from mlkg.model import entities as m

HERE = Path(__file__).parent
DATA = HERE / "data"
ROOT = HERE.parents[2]
FAIR4ML_CONTEXT = json.loads((ROOT / "tests" / "export" / "data" / "fair4ml-0.1.0.jsonld").read_text())
#: the default run round-trips two examples, CI (-m "") all of them
EXAMPLES = [pytest.param(p, id=p.stem, marks=() if p.stem in ("fraud_detection", "model_versions")
                         else pytest.mark.slow) for p in sorted((ROOT / "examples" / "output").glob("*.ttl"))]


def offline_loader(url: str, options: dict | None = None) -> dict:
    if url == "https://w3id.org/fair4ml/0.1.0":
        return {"contextUrl": None, "documentUrl": url, "document": json.loads(json.dumps(FAIR4ML_CONTEXT))}
    raise AssertionError(f"the test would have fetched {url}")


def fair4ml_graph(path: Path) -> Graph:
    """The RDF of a FAIR4ML document, as pyld reads it with FAIR4ML's published context."""
    nq = jsonld.to_rdf(json.loads(path.read_text()), {"documentLoader": offline_loader,
                                                      "format": "application/n-quads"})
    return Graph().parse(data=nq, format="nquads")


def mlkg(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(get_app(), list(args))
    return res.exit_code, res.output


@pytest.mark.parametrize("name", ["fraud_detection.jsonld", "hand_written.jsonld"])
def test_golden_graphs(golden, name: str) -> None:
    imp = get("fair4ml")(paths=(str(DATA / name),))
    ents = imp.run()
    assert not imp.report.problems
    golden(imp, ents, HERE / f"expected_{Path(name).stem}.ttl")


def test_fraud_detection_entities() -> None:
    imp = get("fair4ml")(paths=(str(DATA / "fraud_detection.jsonld"),))
    ents = imp.run()
    (model,) = [e for e in ents if isinstance(e, m.MLModel)]
    assert model.fqn == "mlflow-prod.fraud_detection" and [v.name for v in model.versions] == ["1", "2"]
    v2 = model.versions[1]
    assert {(e.name, e.value) for e in v2.metrics} == {("AUC", 0.93), ("precision", 0.85)}
    assert imp.report.counts["models"] == 1 and imp.report.counts["versions"] == 2


def test_a_document_without_identifiers_is_named_under_the_service() -> None:
    imp = get("fair4ml")(paths=(str(DATA / "hand_written.jsonld"),), service_name="reviews-hub")
    ents = imp.run()
    (model,) = [e for e in ents if isinstance(e, m.MLModel)]
    assert model.fqn == "reviews-hub.sentiment-base" and model.service and model.service.fqn == "reviews-hub"
    assert [(r.type, r.fqn) for r in model.training_datasets] == [("dataset", "reviews-hub.reviews-2025")]
    (ev,) = model.metrics
    assert (ev.value, ev.ci_lower, ev.ci_upper, ev.split) == (0.87, 0.85, 0.89, m.Split.TEST)
    assert model.model_card and model.model_card.intended_use == "Ranking product reviews by sentiment."
    same = {(str(s), str(o)) for s, p, o in imp.report.extra_triples if p == OWL.sameAs}
    assert ("https://w3id.org/mlkg/id/mlmodel/reviews-hub.sentiment-base",
            "https://example.org/models/sentiment-base") in same


@pytest.mark.parametrize("example", EXAMPLES)
def test_cli_round_trip_gives_the_same_fair4ml_graph(tmp_path: Path, example: Path) -> None:
    first, kg, second = tmp_path / "first.jsonld", tmp_path / "kg.ttl", tmp_path / "second.jsonld"
    assert mlkg("export", str(example), "--profile", "fair4ml", "-o", str(first), "-q")[0] == 0
    code, out = mlkg("import", "fair4ml", str(first), "-o", str(kg))
    assert code == 0, out
    assert mlkg("export", str(kg), "--profile", "fair4ml", "-o", str(second), "-q")[0] == 0
    a, b = fair4ml_graph(first), fair4ml_graph(second)
    assert len(a) > 5
    _, only_first, only_second = graph_diff(to_isomorphic(a), to_isomorphic(b))
    assert not list(only_first) and not list(only_second), (sorted(only_first)[:5], sorted(only_second)[:5])


def test_import_to_a_store_keeps_the_graph(tmp_path: Path) -> None:
    store = f"oxigraph:{tmp_path / 'kg'}"
    code, out = mlkg("import", "fair4ml", str(DATA / "fraud_detection.jsonld"), "--store", store)
    assert code == 0, out
    code, out = mlkg("export", "--store", store, "--profile", "fair4ml", "-o", str(tmp_path / "back.jsonld"), "-q")
    assert code == 0, out
    a, b = fair4ml_graph(DATA / "fraud_detection.jsonld"), fair4ml_graph(tmp_path / "back.jsonld")
    _, only_first, only_second = graph_diff(to_isomorphic(a), to_isomorphic(b))
    assert not list(only_first) and not list(only_second)


@pytest.mark.parametrize("text, expected", [
    ("{not json", "bad.jsonld: not JSON"),
    ('{"@context": "https://example.org/other", "name": "x"}', "bad.jsonld: not JSON-LD that FAIR4ML's context"),
    ('{"@context": "https://w3id.org/fair4ml/0.1.0", "@type": "schema:Dataset", "name": "d"}',
     "bad.jsonld: no fair4ml:MLModel in the document"),
    ('{"@context": "https://w3id.org/fair4ml/0.1.0", "@type": "fair4ml:MLModel", "description": "d"}',
     "bad.jsonld: a fair4ml:MLModel has neither schema:identifier nor schema:name"),
])
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path: Path, text: str, expected: str) -> None:
    bad, out = tmp_path / "bad.jsonld", tmp_path / "out.ttl"
    bad.write_text(text)
    # a good file first: a bad one later still writes nothing
    code, output = mlkg("import", "fair4ml", str(DATA / "fraud_detection.jsonld"), str(bad), "-o", str(out))
    assert code == 2
    lines = output.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0] and "Traceback" not in output, output
    assert not out.exists()


def test_a_missing_file_is_named() -> None:
    with pytest.raises(InputError, match="nope.jsonld: no such file"):
        get("fair4ml")(paths=("nope.jsonld",)).run()


def test_the_same_model_in_two_files_is_imported_once() -> None:
    path = str(DATA / "fraud_detection.jsonld")
    imp = get("fair4ml")(paths=(path, path))
    ents = imp.run()
    assert sum(isinstance(e, m.MLModel) for e in ents) == 1
    assert any("already read" in str(s) for s in imp.report.skipped)


def test_same_as_links_reach_the_graph(tmp_path: Path) -> None:
    out = tmp_path / "kg.ttl"
    assert mlkg("import", "fair4ml", str(DATA / "hand_written.jsonld"), "-o", str(out))[0] == 0
    g = Graph().parse(out)
    assert (URIRef("https://w3id.org/mlkg/id/dataset/fair4ml.reviews-2025"), OWL.sameAs,
            URIRef("https://example.org/data/reviews-2025")) in g
