"""mlkg push datahub: proposals written with DataHub's emitter and file sink, read back by DataHub's file reader,
and sent to a loopback GMS that checks every request against DataHub's published (Avro) schemas."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

datahub = pytest.importorskip("datahub", reason="needs the datahub extra (acryl-datahub)")

from datahub.emitter.serialization_helper import post_json_transform  # noqa: E402
from datahub.metadata.schema_classes import ASPECT_NAME_MAP, MetadataChangeProposalClass  # noqa: E402

from mlkg.cli import get_app  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
FRAUD = ROOT / "examples" / "output" / "fraud_detection.ttl"
LIFECYCLE = ROOT / "examples" / "output" / "lifecycle_lineage.ttl"


@pytest.fixture(autouse=True)
def _no_telemetry(monkeypatch):
    monkeypatch.setenv("DATAHUB_TELEMETRY_ENABLED", "false")


class FakeGms(BaseHTTPRequestHandler):
    """DataHub GMS's Rest.li ingestion endpoints; each proposal is checked with DataHub's generated classes
    (MetadataChangeProposal and the aspect's own record schema), and refused with 422 when it does not fit."""

    received: list = []
    errors: list = []

    def log_message(self, *args):  # quiet
        pass

    def _json(self, code: int, obj) -> None:
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path.startswith("/config"):
            return self._json(200, {"noCode": "true", "versions": {"acryldata/datahub": {"version": "v1.2.0"}}})
        self._json(404, {})

    def do_POST(self):
        payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if self.path == "/aspects?action=ingestProposalBatch":
            proposals = payload["proposals"]
        elif self.path == "/aspects?action=ingestProposal":
            proposals = [payload["proposal"]]
        else:
            return self._json(404, {"message": f"no endpoint {self.path}"})
        for p in proposals:
            problem = self.check(p)
            if problem:
                self.errors.append(problem)
                return self._json(422, {"message": problem})
            self.received.append(p)
        self._json(200, {"value": []})

    @staticmethod
    def check(p: dict) -> str | None:
        mcp = MetadataChangeProposalClass.from_obj(post_json_transform(p))
        if not mcp.validate():
            return f"not a MetadataChangeProposal: {p}"
        cls = ASPECT_NAME_MAP.get(p["aspectName"])
        if cls is None or p["aspect"]["contentType"] != "application/json":
            return f"unknown aspect {p['aspectName']}"
        aspect = cls.from_obj(post_json_transform(json.loads(p["aspect"]["value"])))
        if not aspect.validate():
            return f"{p['aspectName']} does not fit its schema"
        if not p["entityUrn"].startswith(f"urn:li:{p['entityType']}:"):
            return f"{p['entityUrn']} is not a {p['entityType']}"
        return None


@pytest.fixture()
def gms():
    FakeGms.received, FakeGms.errors = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGms)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


#: DataHub's file reader, run in a process of its own: importing datahub.ingestion.source.file loads datahub.sdk,
#: whose module __getattr__ raises KeyError, which breaks libraries that scan sys.modules (skops, used by the MLflow
#: tests) in the same process.
READER = """
import json, sys
from datahub.ingestion.source.file import read_metadata_file
out = [{"entityUrn": i.entityUrn, "aspectName": i.aspectName, "aspect": i.aspect.to_obj()}
       for i in read_metadata_file(__import__("pathlib").Path(sys.argv[1]))]
print(json.dumps(out))
"""


def read_back(path: Path) -> list[dict]:
    """The records as DataHub's own MCP file reader reads (and validates) them."""
    import subprocess
    import sys

    res = subprocess.run([sys.executable, "-c", READER, str(path)], capture_output=True, text=True, timeout=300,
                         env={**__import__("os").environ, "DATAHUB_TELEMETRY_ENABLED": "false"})
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_to_file_is_read_by_datahubs_file_reader(tmp_path):
    out = tmp_path / "mcps.json"
    res = CliRunner().invoke(get_app(), ["push", "datahub", str(FRAUD), "--to-file", str(out)])
    assert res.exit_code == 0, res.output
    items = read_back(out)          # DataHub's reader validates each record
    by = {(i["entityUrn"], i["aspectName"]): i["aspect"] for i in items}
    group = "urn:li:mlModelGroup:(urn:li:dataPlatform:mlflow,mlflow-prod.fraud_detection,PROD)"
    v2 = "urn:li:mlModel:(urn:li:dataPlatform:mlflow,mlflow-prod.fraud_detection.2,PROD)"
    props = by[(v2, "mlModelProperties")]
    assert props["version"]["versionTag"] == "2" and props["groups"] == [group]
    assert {(m["name"], m["value"]) for m in props["trainingMetrics"]} == {("AUC", "0.93"), ("precision", "0.85")}
    assert props["deployments"] == [
        "urn:li:mlModelDeployment:(urn:li:dataPlatform:sagemaker,sagemaker-models.fraud-detection-prod,PROD)"]
    assert len(props["mlFeatures"]) == 4
    training = by[(v2, "mlModelTrainingData")]["trainingData"]
    assert [d["dataset"] for d in training] == [
        "urn:li:dataset:(urn:li:dataPlatform:snowflake,analytics.public.fraud_features,PROD)"]
    feature = by[("urn:li:mlFeature:(mlflow-prod.fraud_detection,merchant_category)", "mlFeatureProperties")]
    assert feature["dataType"] == "NOMINAL" and feature["sources"] == [
        "urn:li:dataset:(urn:li:dataPlatform:snowflake,analytics.public.fraud_features,PROD)"]
    dep = by[("urn:li:mlModelDeployment:(urn:li:dataPlatform:sagemaker,sagemaker-models.fraud-detection-prod,PROD)",
              "mlModelDeploymentProperties")]
    assert dep["status"] == "IN_SERVICE"
    assert by[(group, "ownership")]["owners"][0]["owner"] == "urn:li:corpGroup:data-science"


def lineage_upstreams(items: list[dict], model_urn: str) -> set[str]:
    """The datasets DataHub's lineage graph reaches upstream of a model: only the aspect fields DataHub's schemas
    mark ``isLineage`` are followed (mlModelProperties.trainingJobs, then dataProcessInstanceInput.inputEdges)."""
    import datahub.metadata.schema_classes as sc

    def is_lineage(cls, field: str) -> bool:
        for f in cls.RECORD_SCHEMA.fields:
            if f.name == field:
                rel = f.props.get("Relationship") or {}
                return any(r.get("isLineage") for r in rel.values())
        return False

    assert is_lineage(sc.MLModelPropertiesClass, "trainingJobs")
    assert is_lineage(sc.DataProcessInstanceInputClass, "inputEdges")
    assert not is_lineage(sc.DataProcessInstanceInputClass, "inputs")   # why the edges are written as well
    by = {(i["entityUrn"], i["aspectName"]): i["aspect"] for i in items}
    out = set()
    for job in by[(model_urn, "mlModelProperties")].get("trainingJobs", []):
        out |= {e["destinationUrn"] for e in by[(job, "dataProcessInstanceInput")]["inputEdges"]}
    return out


def test_every_version_has_lineage_to_its_training_data_and_a_version_set(tmp_path):
    out = tmp_path / "mcps.json"
    res = CliRunner().invoke(get_app(), ["push", "datahub", str(FRAUD), "--to-file", str(out)])
    assert res.exit_code == 0, res.output
    items = read_back(out)
    table = "urn:li:dataset:(urn:li:dataPlatform:snowflake,analytics.public.fraud_features,PROD)"
    versions = [f"urn:li:mlModel:(urn:li:dataPlatform:mlflow,mlflow-prod.fraud_detection.{n},PROD)" for n in (1, 2)]
    by = {(i["entityUrn"], i["aspectName"]): i["aspect"] for i in items}
    for v in versions:
        # the fraud example records no runs: each version's training becomes a data process instance of its own
        assert lineage_upstreams(items, v) == {table}, v
        (job,) = by[(v, "mlModelProperties")]["trainingJobs"]
        assert by[(job, "dataProcessInstanceOutput")]["outputEdges"] == [{"destinationUrn": v}]
        assert by[(job, "subTypes")]["typeNames"] == ["ML Training Run"]
    sets = {by[(v, "versionProperties")]["versionSet"] for v in versions}
    assert len(sets) == 1 and next(iter(sets)).startswith("urn:li:versionSet:(") and sets.pop().endswith(",mlModel)")
    assert [by[(v, "versionProperties")]["version"]["versionTag"] for v in versions] == ["1", "2"]
    assert [by[(v, "versionProperties")]["sortId"] for v in versions] == ["0000000001", "0000000002"]


@pytest.mark.slow
def test_training_runs_become_data_process_instances(tmp_path):
    out = tmp_path / "mcps.json"
    res = CliRunner().invoke(get_app(), ["push", "datahub", str(LIFECYCLE), "--to-file", str(out)])
    assert res.exit_code == 0, res.output
    items = read_back(out)
    runs = [i for i in items if i["entityUrn"].startswith("urn:li:dataProcessInstance:")]
    outputs = [i["aspect"]["outputs"] for i in runs if i["aspectName"] == "dataProcessInstanceOutput"]
    assert sorted(o[0] for o in outputs) == [
        "urn:li:mlModel:(urn:li:dataPlatform:mlflow,mlflow-prod.purchase_propensity.1,PROD)",
        "urn:li:mlModel:(urn:li:dataPlatform:mlflow,mlflow-prod.purchase_propensity.2,PROD)"]
    created = [i["aspect"]["created"]["time"] for i in runs if i["aspectName"] == "dataProcessInstanceProperties"]
    assert all(t > 1_700_000_000_000 for t in created)
    # lineage: the runs' own inputs and the tables the versions they produced were trained on
    for n in (1, 2):
        assert lineage_upstreams(items, f"urn:li:mlModel:(urn:li:dataPlatform:mlflow,mlflow-prod.purchase_propensity.{n},PROD)") == {
            "urn:li:dataset:(urn:li:dataPlatform:mlkg,customers_features@v1,PROD)",
            "urn:li:dataset:(urn:li:dataPlatform:snowflake,analytics.public.customers_features,PROD)"}


@pytest.mark.server
def test_push_to_loopback_gms_sends_what_the_file_holds(tmp_path, gms):
    res = CliRunner().invoke(get_app(), ["push", "datahub", str(FRAUD), "--server", gms, "--token", "t0k"])
    assert res.exit_code == 0, res.output
    assert not FakeGms.errors
    out = tmp_path / "mcps.json"
    CliRunner().invoke(get_app(), ["push", "datahub", str(FRAUD), "--to-file", str(out)])
    sent = {(p["entityUrn"], p["aspectName"]) for p in FakeGms.received}
    assert sent == {(i["entityUrn"], i["aspectName"]) for i in read_back(out)}
    assert len(sent) == 22


@pytest.mark.slow  # DataHub's emitter retries with back-off before it gives up (~30 s)
def test_unreachable_server_is_a_clear_error(tmp_path):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()          # nothing listens there now
    res = CliRunner().invoke(get_app(), ["push", "datahub", str(FRAUD), "--server", f"http://127.0.0.1:{port}"])
    assert res.exit_code == 2
    assert f"DataHub at http://127.0.0.1:{port}" in res.output and "Traceback" not in res.output


def test_push_needs_one_destination():
    res = CliRunner().invoke(get_app(), ["push", "datahub", str(FRAUD)])
    assert res.exit_code == 2 and "exactly one of --server URL and --to-file FILE" in res.output
