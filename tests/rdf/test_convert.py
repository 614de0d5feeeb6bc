"""Issue 2: OpenMetadata JSON ⇄ RDF, the CLI's convert command, bad input, formats and no network."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from mlkg import ids
from mlkg.model.json import document_from_json, document_to_json
from mlkg.rdf.formats import parse_text, serialize
from mlkg.rdf.reader import from_graph

DATA = Path(__file__).resolve().parents[1] / "data"
MLKG = [sys.executable, "-m", "mlkg"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*MLKG, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def _subset(original: object, produced: object, path: str = "$") -> list[str]:
    """Paths where ``produced`` loses or changes something ``original`` has (lists compared as sets)."""
    if isinstance(original, dict):
        if not isinstance(produced, dict):
            return [path]
        out = []
        for k, v in original.items():
            if v == [] and k not in produced:
                continue  # an empty list is no triple: RDF has no empty sets (documented)
            if k not in produced:
                out.append(f"{path}.{k} missing")
            else:
                out += _subset(v, produced[k], f"{path}.{k}")
        return out
    if isinstance(original, list):
        if not isinstance(produced, list) or len(original) != len(produced):
            return [f"{path} length"]
        remaining = list(produced)
        out = []
        for i, item in enumerate(original):
            match = next((p for p in remaining if not _subset(item, p)), None)
            if match is None:
                out.append(f"{path}[{i}] has no match")
            else:
                remaining.remove(match)
        return out
    return [] if original == produced else [f"{path}: {original!r} != {produced!r}"]


def test_api_shape_to_turtle_and_back_keeps_every_field(tmp_path: Path) -> None:
    src = json.loads((DATA / "om_mlmodel_api.json").read_text())
    ttl = tmp_path / "model.ttl"
    r = run("convert", str(DATA / "om_mlmodel_api.json"), "--to", "turtle", "-o", str(ttl))
    assert r.returncode == 0, r.stderr
    back = run("convert", str(ttl), "--to", "openmetadata")
    assert back.returncode == 0, back.stderr
    (model,) = json.loads(back.stdout)["models"]
    assert _subset(src, model) == []
    # numbers and timestamps keep OpenMetadata's forms
    assert model["updatedAt"] == 1718870400000 and model["version"] == 0.3
    assert {h["name"]: h["value"] for h in model["mlHyperParameters"]}["use_label_encoder"] == "False"


def test_sample_data_shape_with_service_file(tmp_path: Path) -> None:
    src = json.loads((DATA / "om_sample_models.json").read_text())
    out = tmp_path / "models.ttl"
    r = run("convert", str(DATA / "om_sample_models.json"), "--service", str(DATA / "om_mlflow_service.json"),
            "-o", str(out))
    assert r.returncode == 0, r.stderr
    g = Graph().parse(out)
    ents = from_graph(g)
    models = {e.name: e for e in ents if type(e).__name__ == "MLModel"}
    assert set(models) == {"eta_predictions", "forecast_sales"}
    assert models["eta_predictions"].fqn == "mlflow_svc.eta_predictions"
    assert "never-stored" not in out.read_text()  # secrets in the connection are dropped
    back = run("convert", str(out), "--to", "openmetadata", "--shape", "sample-data", "-o", str(tmp_path / "sd"))
    assert back.returncode == 0, back.stderr
    produced = {m["name"]: m for m in json.loads((tmp_path / "sd" / "models.json").read_text())}
    for original in src["models"]:
        assert _subset(original, produced[original["name"]]) == []


def test_feature_source_column_table_path_is_one_property_path() -> None:
    ents = document_from_json(json.loads((DATA / "om_mlmodel_api.json").read_text()))
    from mlkg.rdf.build import to_graph

    g = to_graph(ents)
    q = """PREFIX mlkg: <https://w3id.org/mlkg#>
    SELECT ?feature ?table WHERE {
      ?model mlkg:hasFeature ?f . ?f mlkg:name ?feature .
      ?f mlkg:hasFeatureSource/mlkg:belongsToTable/mlkg:fullyQualifiedName ?table }"""
    rows = {(str(a), str(b)) for a, b in g.query(q)}
    assert rows == {("recency", "snowflake_prod.analytics.public.customers"),
                    ("frequency", "snowflake_prod.analytics.public.orders")}


@pytest.mark.parametrize("content, needle", [
    ("{not json", "not JSON"),
    (json.dumps({"name": "m", "mlFeatures": [{"name": "f", "dataType": "integer"}]}),
     "$.mlFeatures[0].dataType"),
    (json.dumps({"name": "m", "mlFeatures": "recency"}), "$.mlFeatures"),
    (json.dumps({"algorithm": "XGBoost"}), "$.name"),
    (json.dumps({"name": "m", "mlHyperParameters": [{"name": "lr", "value": {"x": 1}}]}),
     "$.mlHyperParameters[0].value"),
])
def test_bad_input_exits_2_with_one_line_and_no_output(tmp_path: Path, content: str, needle: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    out = tmp_path / "out.ttl"
    r = run("convert", str(bad), "-o", str(out))
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert str(bad) in lines[0] and needle in lines[0]
    assert "expected" in lines[0]
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [bad]  # no temp file left behind either


def test_unknown_enum_names_the_allowed_values() -> None:
    from mlkg.errors import InputError

    with pytest.raises(InputError) as e:
        document_from_json({"name": "m", "mlFeatures": [{"name": "f", "dataType": "integer"}]}, source="x.json")
    assert "numerical, categorical" in str(e.value) and "x.json" in str(e.value)


@pytest.mark.parametrize("fmt", ["turtle", "jsonld", "nt", "nq", "rdfxml", "trig"])
def test_every_output_format_parses_back_to_the_same_graph(fmt: str) -> None:
    from mlkg.rdf.build import to_graph

    g = to_graph(document_from_json(json.loads((DATA / "om_mlmodel_api.json").read_text())))
    text = serialize(g, fmt)
    again = parse_text(text, fmt)
    assert isomorphic(g, again)


def test_malformed_turtle_reports_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix mlkg: <https://w3id.org/mlkg#> .\n<a> mlkg:name \"x\" .\n<b> mlkg:name \"y\" \n<c> .\n")
    r = run("convert", str(bad))
    assert r.returncode == 2
    assert f"{bad}:" in r.stderr and "invalid turtle" in r.stderr
    line = r.stderr.split(f"{bad}:")[1].split(":")[0]
    assert line.isdigit() and int(line) in (3, 4)


def test_iris_are_safe_for_any_name() -> None:
    from rdflib import URIRef

    for name in ['a b', 'x/y', 'h#1', 'q"uote', "é😀", "line\nbreak", "{brace}", "<tag>"]:
        iri = ids.mint("mlmodel", f"svc.{name}")
        assert " " not in iri and "#" not in iri[len(ids.default_base()):] and '"' not in iri
        URIRef(iri).n3()  # rdflib accepts it as an IRI
        assert ids.parse(iri) == ("mlmodel", f"svc.{name}")


def test_no_network_during_conversion(no_network: None, tmp_path: Path) -> None:
    from mlkg.io import convert_files

    g = convert_files([str(DATA / "om_mlmodel_api.json")], engine="pyld")
    assert len(g) > 100
    g2 = convert_files([str(DATA / "om_sample_models.json")], service=str(DATA / "om_mlflow_service.json"))
    assert len(g2) > 20
    # JSON-LD naming mlkg's context by IRI is served from the bundled file
    doc = tmp_path / "doc.jsonld"
    doc.write_text(serialize(g, "jsonld"))
    g3 = convert_files([str(doc)])
    assert isomorphic(g3, g)


def test_remote_context_is_refused(no_network: None, tmp_path: Path) -> None:
    from mlkg.errors import RemoteAccessError
    from mlkg.rdf.formats import load_graph

    doc = tmp_path / "remote.jsonld"
    doc.write_text(json.dumps({"@context": "https://example.org/ctx.jsonld", "name": "x"}))
    with pytest.raises(RemoteAccessError):
        load_graph([doc])


def test_roundtrip_through_entities_matches_json_document() -> None:
    data = json.loads((DATA / "om_mlmodel_api.json").read_text())
    ents = document_from_json(data)
    assert document_from_json(document_to_json(ents)) == ents


def test_create_shape_is_a_create_request(tmp_path: Path) -> None:
    ttl = tmp_path / "m.ttl"
    assert run("convert", str(DATA / "om_mlmodel_api.json"), "-o", str(ttl)).returncode == 0
    r = run("convert", str(ttl), "--to", "openmetadata", "--shape", "create")
    assert r.returncode == 0, r.stderr
    (req,) = [json.loads(line) for line in r.stdout.splitlines() if '"algorithm"' in line]  # JSON Lines
    assert req["service"] == "mlflow_prod" and req["dashboard"] == "superset_prod.churn_performance"
    assert "id" not in req and "updatedAt" not in req  # server-side fields are not part of a create request
    assert {f["name"] for f in req["mlFeatures"]} == {"recency", "frequency", "segment"}


def test_openmetadata_tag_label_extras_are_kept() -> None:
    tag = {"tagFQN": "PII.Sensitive", "source": "Classification", "labelType": "Manual", "state": "Confirmed",
           "style": {"color": "#ff0000"}, "appliedBy": "admin", "appliedAt": "2024-06-01T00:00:00Z"}
    ents = document_from_json({"name": "m", "tags": [tag]})
    from mlkg.rdf.build import to_graph

    (back,) = from_graph(to_graph(ents))
    (out,) = document_to_json([back])["models"]
    assert out["tags"] == [tag]
