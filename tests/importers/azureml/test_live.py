"""Azure ML read live: the real ``azure.ai.ml.MLClient`` (and, from the CLI, ``DefaultAzureCredential``) against
a loopback HTTPS server speaking the ARM REST API of one workspace (``arm_fake.py``, bodies in
``live/workspace.json`` written by ``make_fixtures.py`` with the SDK's REST models).

The graph is compared with ``golden/live.ttl`` (``MLKG_UPDATE_SNAPSHOTS=1`` rewrites it) and with hand-written
expectations from ``make_fixtures.py``. The real Azure is never contacted: the SDK finds the cloud
``AzureLoopback`` at ``ARM_CLOUD_METADATA_URL`` (or in ``cloud_metadata``), and the only credentials are the
loopback server's.
"""

from __future__ import annotations

import json
import re
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from arm_fake import CLOUD, GROUP, IDENTITY_HEADER, SUB, TOKEN, WORKSPACE, FakeArm, arm_error
from rdflib import Graph
from typer.testing import CliRunner

from mlkg.cli import get_app
from mlkg.importers import SourceUnavailable
from mlkg.importers.azureml import AzureMLConfig, AzureMLImporter
from mlkg.model import entities as m
from mlkg.rdf.build import to_graph

pytest.importorskip("azure.ai.ml")
pytest.importorskip("azure.identity")
R = pytest.importorskip("azure.ai.ml._restclient.arm_ml_service.models")
model_base = pytest.importorskip("azure.ai.ml._restclient.arm_ml_service._utils.model_base")

from test_azureml import assert_golden, by_type  # noqa: E402

HERE = Path(__file__).resolve().parent
WS = {"subscription": SUB, "resource_group": GROUP, "workspace": WORKSPACE}


class StaticToken:
    """A ``TokenCredential`` with one fixed token (what a Python caller may inject instead of
    ``DefaultAzureCredential``)."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.scopes: list[tuple[str, ...]] = []

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        self.scopes.append(scopes)
        return AccessToken(self.token, int(time.time()) + 3600)


@pytest.fixture(scope="module")
def arm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeArm]:
    """One server (and one certificate) for the module."""
    with FakeArm(tmp_path_factory.mktemp("arm")) as fake:
        yield fake


@pytest.fixture
def env(arm: FakeArm, monkeypatch: pytest.MonkeyPatch) -> FakeArm:
    """The environment of a machine that reaches the loopback cloud: its metadata URL, its certificate, and an
    App Service managed identity (what ``DefaultAzureCredential`` finds first when nothing else is set)."""
    from azure.ai.ml import _azure_environments as envs

    for var in ("AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH",
                "AZURE_USERNAME", "AZURE_FEDERATED_TOKEN_FILE", "MSI_ENDPOINT", "AZURE_TOKEN_CREDENTIALS"):
        monkeypatch.delenv(var, raising=False)
    # MLClient writes the cloud it uses into AZUREML_CURRENT_CLOUD and its table of clouds: both put back after
    monkeypatch.setenv("AZUREML_CURRENT_CLOUD", CLOUD)
    monkeypatch.setattr(envs, "_environments", dict(envs._environments))
    monkeypatch.setenv("ARM_CLOUD_METADATA_URL", arm.metadata_url)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(arm.cert))
    monkeypatch.setenv("IDENTITY_ENDPOINT", f"{arm.url}/msi/token")
    monkeypatch.setenv("IDENTITY_HEADER", IDENTITY_HEADER)
    arm.before = None
    arm.requests.clear()
    arm.times.clear()
    return arm


def live(credential: Any = None, client_options: dict[str, Any] | None = None, **options: Any) -> tuple[
        list[m.Entity], Any]:
    imp = AzureMLImporter(AzureMLConfig(**{**WS, "cloud": CLOUD, **options}),
                          credential=credential if credential is not None else StaticToken(),
                          client_options=client_options)
    return imp.run(), imp.report


@pytest.fixture
def imported(env: FakeArm) -> tuple[list[m.Entity], Any]:
    return live()


def test_live_workspace_matches_the_golden_graph(imported: Any, env: FakeArm) -> None:
    ents, report = imported
    assert not report.problems, report.text()
    assert_golden(to_graph(ents), HERE / "golden" / "live.ttl")
    # what MLClient asked for, the second page of versions through ARM's nextLink
    assert env.requests == [
        "/models", "/models/credit-risk/versions", "/models/credit-risk/versions?$skipToken=2",
        "/jobs/credit-risk-train-0006", "/jobs/credit-risk-train-0007", "/data", "/data/loans-train/versions",
        "/onlineEndpoints", "/onlineEndpoints/credit-risk-prod/deployments", "/batchEndpoints",
        "/batchEndpoints/credit-risk-batch/deployments"]


def test_versions_jobs_and_data_read_live(imported: Any) -> None:
    ents, _ = imported
    model = by_type(ents, m.MLModel)["azureml.credit-risk"]
    v2, v3 = model.versions
    # v2 has no flavors: the SDK's own list crashes on it (AttributeError); the importer reads it anyway
    assert (v2.name, v2.stage, v2.algorithm) == ("2", m.Stage.ARCHIVED, None)
    assert (v3.name, v3.stage, v3.algorithm) == ("3", m.Stage.PRODUCTION, "lightgbm")
    assert (v2.run.fqn, v3.run.fqn) == ("azureml.credit-risk-train-0006", "azureml.credit-risk-train-0007")
    assert v3.created_by.fqn == "erin@example.com" and v3.created_at.isoformat().startswith("2026-10-05T10:00")
    assert {o.fqn for o in model.owners} == {"erin", "credit-ml"}
    runs = by_type(ents, m.TrainingRun)
    r6, r7 = runs["azureml.credit-risk-train-0006"], runs["azureml.credit-risk-train-0007"]
    assert [d.fqn for d in r6.training_datasets] == ["azureml.loans-train.1"]
    assert [d.fqn for d in r7.training_datasets] == ["azureml.loans-train.2"]
    assert [(p.name, p.value) for p in r7.params] == [("learning_rate", 0.05)]
    assert r7.experiment.fqn == "azureml.credit-risk" and str(r7.status) == "Completed"
    assert {t.tag_fqn for t in r7.tags} >= {"compute.cpu-cluster"}
    data = by_type(ents, m.Dataset)
    assert data["azureml.loans-train.2"].source == "azureml://datastores/workspaceblobstore/paths/loans/2/train/"
    assert data["azureml.loans-train.1"].revision == "1"


def test_online_and_batch_deployments_read_live(imported: Any) -> None:
    ents, _ = imported
    eps = by_type(ents, m.Endpoint)
    assert sorted(eps) == ["azureml.credit-risk-batch.nightly", "azureml.credit-risk-prod.blue",
                           "azureml.credit-risk-prod.green"]
    blue, green = eps["azureml.credit-risk-prod.blue"], eps["azureml.credit-risk-prod.green"]
    assert (blue.model_version.fqn, blue.traffic_percentage, blue.instance_type) == (
        "azureml.credit-risk.3", 90.0, "Standard_DS3_v2")
    assert (green.model_version.fqn, green.traffic_percentage) == ("azureml.credit-risk.2", 10.0)
    assert blue.status is m.DeploymentStatus.IN_SERVICE and blue.environment == "prod"
    assert blue.url == "https://credit-risk-prod.westeurope.inference.ml.azure.com/score"
    nightly = eps["azureml.credit-risk-batch.nightly"]
    assert nightly.deployment_type is m.DeploymentType.BATCH and nightly.model_version.fqn == "azureml.credit-risk.3"
    assert nightly.instance_type == "cpu-cluster"  # the compute cluster, not its ARM id


# -- the responses are what the ARM API returns: every key known to the SDK's REST model of the resource ---------


def unknown_keys(obj: Any, body: Any, where: str) -> list[str]:
    """Keys of ``body`` that the REST model ``obj`` (deserialised from it) has no field for, recursively."""
    if not isinstance(obj, model_base.Model) or not isinstance(body, dict):
        return []
    fields = {rf._rest_name: attr for attr, rf in type(obj)._attr_to_rest_field.items()}
    out = [f"{where}.{k}" for k in body if k not in fields]
    for key, attr in fields.items():
        if key not in body:
            continue
        value, raw = getattr(obj, attr), body[key]
        if isinstance(value, list) and isinstance(raw, list):
            out += [k for i, (v, r) in enumerate(zip(value, raw, strict=True)) for k in unknown_keys(v, r,
                                                                                                     f"{where}.{key}[{i}]")]
        elif isinstance(value, dict) and isinstance(raw, dict) and not isinstance(value, model_base.Model):
            out += [k for n in raw for k in unknown_keys(value.get(n), raw[n], f"{where}.{key}.{n}")]
        else:
            out += unknown_keys(value, raw, f"{where}.{key}")
    return out


REST_TYPES = [("", "Workspace"), ("/models", "ModelContainer"), ("/models/credit-risk/versions", "ModelVersion"),
              ("/jobs/", "JobBase"), ("/data", "DataContainer"), ("/data/loans-train/versions", "DataVersionBase"),
              ("/onlineEndpoints", "OnlineEndpoint"), ("/onlineEndpoints/credit-risk-prod/deployments",
                                                       "OnlineDeployment"),
              ("/batchEndpoints", "BatchEndpoint"), ("/batchEndpoints/credit-risk-batch/deployments",
                                                     "BatchDeployment")]


def test_fixture_bodies_are_the_rest_models_of_azure_ai_ml(arm: FakeArm) -> None:
    checked = 0
    for path, body in arm.routes.items():
        kind = next(t for p, t in reversed(REST_TYPES) if (path.startswith(p) if p.endswith("/") else
                                                           path.split("?")[0] == p))
        for item in body.get("value", [body]) if "value" in body else [body]:
            obj = model_base._deserialize(getattr(R, kind), item)
            assert not unknown_keys(obj, item, f"{path}:{kind}"), unknown_keys(obj, item, path)
            assert obj.id.startswith(f"/subscriptions/{SUB}/resourceGroups/{GROUP}/") and obj.system_data.created_at
            checked += 1
    assert checked == 14
    job = model_base._deserialize(R.JobBase, arm.routes["/jobs/credit-risk-train-0007"])
    assert isinstance(job.properties, R.CommandJob) and isinstance(job.properties.inputs["train"],
                                                                   R.UriFolderJobInput)
    dep = model_base._deserialize(R.OnlineDeployment, arm.routes["/onlineEndpoints/credit-risk-prod/deployments"]
                                  ["value"][0])
    assert isinstance(dep.properties, R.ManagedOnlineDeployment) and dep.sku.capacity == 2
    batch = model_base._deserialize(R.BatchDeployment, arm.routes["/batchEndpoints/credit-risk-batch/deployments"]
                                    ["value"][0])
    assert isinstance(batch.properties.model, R.IdAssetReference)


def test_the_checker_finds_a_misspelt_field(arm: FakeArm) -> None:
    body = json.loads(json.dumps(arm.routes["/onlineEndpoints/credit-risk-prod/deployments"]["value"][0]))
    body["properties"]["instance_type"] = body["properties"].pop("instanceType")
    obj = model_base._deserialize(R.OnlineDeployment, body)
    assert unknown_keys(obj, body, "dep") == ["dep.properties.instance_type"]


# -- the CLI: DefaultAzureCredential, the cloud from ARM_CLOUD_METADATA_URL --------------------------------------


def cli(*args: str) -> Any:
    return CliRunner().invoke(get_app(), ["import", "azureml", "--subscription", SUB, "--resource-group", GROUP,
                                          "--workspace", WORKSPACE, "--cloud", CLOUD, *args])


@pytest.mark.slow  # the whole CLI twice (import, query): 2-5 s
def test_the_cli_reads_the_workspace_with_default_azure_credential(env: FakeArm, tmp_path: Path) -> None:
    out = tmp_path / "ws.ttl"
    res = cli("-o", str(out))
    assert res.exit_code == 0, res.output
    g = Graph().parse(out)
    assert len(g) > 100
    rows = json.loads(CliRunner().invoke(get_app(), ["query", "production", str(out), "-f", "json"]).stdout)
    assert {(r["version_label"], r["endpoint_name"]) for r in rows} >= {
        ("3", "azureml.credit-risk-prod.blue"), ("2", "azureml.credit-risk-prod.green")}


def test_a_refused_managed_identity_is_one_line_exit_2(env: FakeArm, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IDENTITY_HEADER", "not-the-secret")
    out = tmp_path / "ws.ttl"
    res = cli("-o", str(out))
    assert res.exit_code == 2, res.output
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Azure refused or found no credentials" in lines[0], lines
    assert "Traceback" not in res.output and not out.exists()
    assert env.requests == []  # no token, so ARM was never called


def test_a_token_arm_refuses_is_one_error(env: FakeArm) -> None:
    with pytest.raises(SourceUnavailable, match=r"credit-ws: Azure refused or found no credentials "
                                                r"\(.*InvalidAuthenticationToken"):
        live(credential=StaticToken("expired"))
    assert env.requests == ["/models"]


@pytest.mark.parametrize("status,code,says", [
    (403, "AuthorizationFailed", "Azure refused access (403: the identity has no role on the workspace"),
    (503, "ServiceUnavailable", "Azure ML answered 503")])
def test_refused_or_failing_service_is_one_error(env: FakeArm, status: int, code: str, says: str) -> None:
    env.before = lambda p: arm_error(status, code, f"{code} for {p}")
    with pytest.raises(SourceUnavailable, match=re.escape(says)):
        live(retries=0)
    assert env.requests == ["/models"]


def test_throttling_is_retried_with_the_servers_retry_after(env: FakeArm) -> None:
    throttled: list[str] = []

    def twice(path: str) -> Any:
        if path == "/models" and len(throttled) < 2:
            throttled.append(path)
            # ARM's Retry-After counts seconds; azure-core also honours the milliseconds of retry-after-ms
            return arm_error(429, "TooManyRequests", "Rate limit exceeded", **{"retry-after-ms": "40"})
        return None

    env.before = twice
    ents, report = live()
    assert not report.problems and by_type(ents, m.MLModel)
    assert env.requests[:4] == ["/models", "/models", "/models", "/models/credit-risk/versions"]
    first, second, third = env.times[:3]
    assert second - first >= 0.04 and third - second >= 0.04  # the SDK waited as the server asked


def test_throttling_that_outlasts_the_retries_is_one_line(env: FakeArm, tmp_path: Path) -> None:
    env.before = lambda p: arm_error(429, "TooManyRequests", "Rate limit exceeded", **{"retry-after-ms": "5"})
    out = tmp_path / "ws.ttl"
    res = cli("--retries", "2", "-o", str(out))
    assert res.exit_code == 2, res.output
    assert "throttled by Azure (429) after 2 retries" in res.output and not out.exists()
    assert env.requests == ["/models"] * 3


def test_an_unreachable_resource_manager_is_one_error(env: FakeArm) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    closed = f"https://127.0.0.1:{port}/"
    meta = {"azure_portal": "https://portal.loopback.example/", "resource_manager": closed,
            "active_directory": closed, "aml_resource_id": "https://ml.loopback.example/",
            "storage_endpoint": "core.loopback.example", "registry_discovery_endpoint": closed}
    with pytest.raises(SourceUnavailable, match=r"credit-ws: cannot reach Azure ML \(ServiceRequestError"):
        live(client_options={"cloud": f"Closed{port}", "cloud_metadata": meta}, retries=0)


def test_an_unknown_cloud_is_one_error(env: FakeArm) -> None:
    with pytest.raises(SourceUnavailable, match=r"credit-ws: .*Unknown cloud environment"):
        live(cloud="AzureNowhere")


def test_a_missing_azure_identity_names_the_extra(env: FakeArm, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "azure.identity", None)
    imp = AzureMLImporter(AzureMLConfig(**WS, cloud=CLOUD))  # no credential given: DefaultAzureCredential
    with pytest.raises(SourceUnavailable, match=r"azure-identity.*pip install 'mlkg\[azureml\]'"):
        imp.run()
    assert env.requests == []


def test_a_missing_job_is_a_failed_item_not_the_end(env: FakeArm) -> None:
    env.before = lambda p: arm_error(404, "UserError", "Could not find job") if p.endswith("-0006") else None
    ents, report = live()
    assert [f.item for f in report.failures] == ["job credit-risk-train-0006"]
    assert "not found in the workspace" in report.failures[0].message
    assert "azureml.credit-risk-train-0007" in by_type(ents, m.TrainingRun)
