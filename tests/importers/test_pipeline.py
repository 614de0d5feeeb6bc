"""The import pipeline (file, store, Python list; provenance in the named graph) and the generic CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV
from typer.testing import CliRunner

from mlkg.cli import get_app
from mlkg.errors import InputError
from mlkg.importers import ImportFailure, get
from mlkg.importers.pipeline import graph_name, run

HERE = Path(__file__).parent
CARD = HERE / "huggingface" / "all-MiniLM-L6-v2"
OM_FILE = HERE / "openmetadata" / "om_create_request.json"

PROVENANCE = """
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
SELECT ?g ?activity ?importer ?version ?started ?ended ?source WHERE {
  GRAPH ?g {
    ?g prov:wasGeneratedBy ?activity .
    ?activity prov:startedAtTime ?started ; prov:endedAtTime ?ended ; dcterms:source ?source ;
              prov:wasAssociatedWith ?agent .
    ?agent dcterms:identifier ?importer ; owl:versionInfo ?version .
  }
}"""


def invoke(*args: str):
    return CliRunner().invoke(get_app(), list(args))


def test_must_show_the_import_activity_is_queryable_in_the_store(tmp_path: Path) -> None:
    pytest.importorskip("huggingface_hub")
    from mlkg.store import open_store

    url = f"oxigraph:{tmp_path / 'kg'}"
    res = invoke("import", "huggingface", str(CARD), "--store", url)
    assert res.exit_code == 0, res.output
    with open_store(url) as st:
        rows = list(st.query(PROVENANCE))
    assert len(rows) == 1
    row = rows[0]
    values = {k: str(row[k]) for k in ("importer", "source", "started", "ended", "version")}
    assert values["importer"] == "huggingface"
    assert values["source"] == f"huggingface {CARD}"
    assert values["started"] <= values["ended"] and values["started"][:2] == "20"
    import mlkg

    assert values["version"] == mlkg.__version__
    # which import said this, and when? (a fact of the model, its graph, the activity)
    who = """PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX mlkg: <https://w3id.org/mlkg#>
    SELECT ?t WHERE { GRAPH ?g { ?m mlkg:licence|mlkg:license ?l . ?g prov:wasGeneratedBy/prov:startedAtTime ?t } }"""
    with open_store(url) as st:
        assert len(list(st.query(who))) == 1
    # re-importing the same source replaces the graph, provenance included: still one activity
    res = invoke("import", "huggingface", str(CARD), "--store", url, "-q")
    assert res.exit_code == 0, res.output
    with open_store(url) as st:
        again = list(st.query(PROVENANCE))
        assert len(again) == 1 and str(again[0]["activity"]) != str(row["activity"])
        assert len(st.graphs()) == 1


def test_pipeline_into_a_list_a_file_and_counts_in_the_provenance(tmp_path: Path) -> None:
    importer = get("openmetadata")(source=str(OM_FILE))
    ents: list = []
    out = tmp_path / "om.ttl"
    report = run(importer, output=out, into=ents, report_json=tmp_path / "r.json")
    assert [type(e).__name__ for e in ents] == ["MLModel"]
    g = Graph().parse(out)
    gname = graph_name(importer)
    assert str(gname) == report.graph and (gname, PROV.wasGeneratedBy, None) in g
    from rdflib.namespace import VOID

    assert g.value(gname, VOID.triples) == Literal(report.triples)
    parts = {str(g.value(p, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))): g.value(p, VOID.entities)
             for p in g.objects(gname, VOID.classPartition)}
    assert parts == {"models": Literal(1)}
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["counts"] == {"models": 1} and doc["graph"] == str(gname) and doc["started"] <= doc["ended"]


def test_strict_failure_writes_nothing(tmp_path: Path) -> None:
    pytest.importorskip("huggingface_hub")
    card = tmp_path / "m" / "README.md"
    card.parent.mkdir()
    card.write_text("# no metadata\n")
    out = tmp_path / "o.ttl"
    with pytest.raises(ImportFailure, match="strict mode"):
        run(get("huggingface")(path=str(card)), output=out, strict=True, report_json=tmp_path / "r.json")
    assert not out.exists() and not (tmp_path / "r.json").exists()
    with pytest.raises(InputError, match="not both"):
        run(get("huggingface")(path=str(card)), output=out, store="memory:")


def test_list_text_and_json() -> None:
    res = invoke("import", "--list")
    assert res.exit_code == 0, res.output
    for name in ("huggingface", "mlflow", "openmetadata", "sklearn"):
        assert f"\n{name}  (" in "\n" + res.output
    res = invoke("import", "--list", "--format", "json")
    items = {i["name"]: i for i in json.loads(res.output)}
    assert items["mlflow"]["extra"] == "mlflow" and items["mlflow"]["sdk"] == ["mlflow"]
    assert items["mlflow"]["sdk_installed"] is True and "runs" in items["mlflow"]["capabilities"]
    assert items["openmetadata"]["sdk"] == [] and items["sklearn"]["platform"] == "Sklearn"


def test_help_shows_the_options_generated_from_the_config() -> None:
    res = invoke("import", "mlflow", "--help")
    assert res.exit_code == 0
    text = " ".join(res.output.split())
    assert "--page-size INT Page size of search calls. [default: 1000]" in text
    assert "--no-runs Same as --no-include-runs." in text and "--latest-metrics" in text
    assert "--config" in text and "--set" in text and "--store" in text
    res = invoke("import", "openmetadata", "--help")
    assert "--from, --input-format" in res.output or "--input-format, --from" in res.output


def test_recipe_and_set(tmp_path: Path) -> None:
    recipe = tmp_path / "om.yaml"
    recipe.write_text(f"importer: openmetadata\nconfig:\n  source: {OM_FILE}\n  page_size: 7\n")
    out = tmp_path / "o.ttl"
    res = invoke("import", "openmetadata", "--config", str(recipe), "--set", "input_format=json", "-o", str(out))
    assert res.exit_code == 0, res.output
    assert "1 models" in res.output and out.exists()
    # errors name the recipe file / --set and the option
    recipe.write_text(f"source: {OM_FILE}\npage_sise: 7\n")
    res = invoke("import", "openmetadata", "--config", str(recipe))
    assert res.exit_code == 2 and f"{recipe}: page_sise: unknown option" in res.output
    assert "Traceback" not in res.output
    recipe.write_text(f"source: {OM_FILE}\npage_size: -1\n")
    res = invoke("import", "openmetadata", "--config", str(recipe))
    assert res.exit_code == 2 and f"{recipe}: page_size: -1 is too small (expected at least 1)" in res.output
    res = invoke("import", "openmetadata", str(OM_FILE), "--set", "page_size=many")
    assert res.exit_code == 2 and "--set: page_size: 'many' is not an integer" in res.output
    res = invoke("import", "openmetadata", str(OM_FILE), "--page-size", "0", "-o", str(tmp_path / "x.ttl"))
    assert res.exit_code == 2 and "page_size: 0 is too small" in res.output
    assert not (tmp_path / "x.ttl").exists()
    recipe.write_text("importer: mlflow\nconfig: {}\n")
    res = invoke("import", "openmetadata", "--config", str(recipe))
    assert res.exit_code == 2 and "for the importer 'mlflow'" in res.output


def test_old_flags_still_work_and_one_source_only(tmp_path: Path) -> None:
    res = invoke("import", "openmetadata", str(OM_FILE), "--from", "xml")
    assert res.exit_code == 2 and "input_format" in res.output and "one of auto, json, rdf" in res.output
    res = invoke("import", "openmetadata", str(OM_FILE), str(OM_FILE))
    assert res.exit_code == 2 and "takes one SOURCE" in res.output
    res = invoke("import", "nope")
    assert res.exit_code == 2 and "nope" in res.output
    res = invoke("import", "options", "mlflow")
    assert res.exit_code == 0 and "page_size = 1000  (an integer)" in res.output


def test_the_console_script_runs_an_import(tmp_path: Path) -> None:
    out = tmp_path / "om.jsonld"
    proc = subprocess.run([sys.executable, "-m", "mlkg", "import", "openmetadata", str(OM_FILE), "-o", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "1 models" in proc.stderr and json.loads(out.read_text())


def test_check_tests_the_connection_and_imports_nothing(tmp_path: Path) -> None:
    res = invoke("import", "openmetadata", str(OM_FILE), "--check")
    assert res.exit_code == 0 and f"ok: openmetadata {OM_FILE}" in res.output
    res = invoke("import", "openmetadata", str(tmp_path / "missing.json"), "--check")
    assert res.exit_code == 2 and "missing.json: no such file or directory" in res.output
    res = invoke("import", "mlflow", f"sqlite:///{tmp_path / 'nope.db'}", "--check")
    assert res.exit_code == 2 and "no such file" in res.output and not (tmp_path / "nope.db").exists()
