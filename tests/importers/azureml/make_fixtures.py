"""Write the Azure ML REST fixtures with the SDK's own objects (azure-ai-ml ``Model._to_rest_object()`` and the
generated ARM REST models of ``azure.ai.ml._restclient.arm_ml_service.models``).

``rest/model_versions.json`` is a REST list response (``{"value": [...]}``) of two versions of ``credit-risk``
as the ARM API returns them: the SDK's REST body plus the fields the service adds (``id``, ``name``, ``type``,
``systemData``). Version 2 is a custom model without flavors: ``Model._from_rest_object`` crashes on that
(AttributeError), which the importer guards against.

``live/workspace.json`` is the workspace ``credit-ws`` as the ARM API answers the GET requests ``MLClient`` sends
(path under ``.../workspaces/credit-ws`` → response body; list responses as ``{"value": [...], "nextLink": ...}``):
model containers and versions (the versions in two pages), data containers and versions, the jobs the versions
name, online endpoints and their deployments, batch endpoints and their deployments, and the workspace itself.
Every body is written by the REST models (``as_dict()``) plus the read-only fields the service fills in (``id``,
``name``, ``type``, ``systemData``, ``provisioningState``, ``scoringUri``, ``status``). Run from the repository
root:

    python tests/importers/azureml/make_fixtures.py
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")

from azure.ai.ml import load_online_deployment, load_online_endpoint  # noqa: E402
from azure.ai.ml._restclient.arm_ml_service import models as R  # noqa: E402
from azure.ai.ml.entities import Model  # noqa: E402

HERE = Path(__file__).resolve().parent
OUT = HERE / "rest"
WS = ("/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/ml-rg/providers/"
      "Microsoft.MachineLearningServices/workspaces/credit-ws")


def version(ver: str, *, flavors: dict | None, stage: str, created: str, job: str, who: str) -> dict:
    m = Model(name="credit-risk", version=ver, type="mlflow_model" if flavors else "custom_model",
              path=f"azureml://subscriptions/00000000-1111-2222-3333-444444444444/resourcegroups/ml-rg/workspaces/"
                   f"credit-ws/datastores/workspaceblobstore/paths/credit-risk/{ver}/model",
              description="Probability of default on consumer loans", stage=stage,
              tags={"owner": "erin", "team": "credit-ml"}, properties={"auc": "0.87" + ver})
    if flavors:
        m.flavors = flavors
    body = m._to_rest_object().as_dict()
    if not flavors:
        body["properties"].pop("flavors", None)
    body["properties"]["jobName"] = job
    body.update({"id": f"{WS}/models/credit-risk/versions/{ver}", "name": ver,
                 "type": "Microsoft.MachineLearningServices/workspaces/models/versions",
                 "systemData": {"createdBy": who, "createdByType": "User", "createdAt": created,
                                "lastModifiedAt": created}})
    return body


SUB = "00000000-1111-2222-3333-444444444444"
TYPE = "Microsoft.MachineLearningServices/workspaces"


def system(who: str, when: str) -> R.SystemData:
    return R.SystemData(created_by=who, created_by_type="User", created_at=when, last_modified_at=when)


def arm(body: dict, path: str, name: str, kind: str, who: str, when: str) -> dict:
    """A REST body as the service returns it: with its ARM id, name, type and systemData."""
    return {"id": f"{WS}/{path}", "name": name, "type": f"{TYPE}/{kind}", **body,
            "systemData": system(who, when).as_dict()}


def model_versions() -> list[dict]:
    return [
        version("2", flavors=None, stage="Archived", created="2026-08-02T10:00:00Z", job="credit-risk-train-0006",
                who="erin@example.com"),
        version("3", flavors={"python_function": {"loader_module": "mlflow.lightgbm"},
                              "lightgbm": {"lgb_version": "4.5.0"}},
                stage="Production", created="2026-10-05T10:00:00Z", job="credit-risk-train-0007",
                who="erin@example.com"),
    ]


def job(name: str, *, data_version: str, lr: str, status: str, when: str) -> dict:
    props = R.CommandJob(
        display_name="credit-risk-train", experiment_name="credit-risk", status=status,
        description="LightGBM on the loan book", tags={"owner": "erin"},
        command="python train.py --learning_rate ${{inputs.learning_rate}} --train ${{inputs.train}}",
        environment_id=f"{WS}/environments/lightgbm-env/versions/4",
        compute_id=f"{WS}/computes/cpu-cluster",
        inputs={"learning_rate": R.LiteralJobInput(value=lr),
                "train": R.UriFolderJobInput(uri=f"azureml:loans-train:{data_version}"),
                "validation": R.UriFileJobInput(uri="azureml://datastores/workspaceblobstore/paths/loans/"
                                                    "2026-q3/validation.parquet")},
        outputs={"model": R.MLFlowModelJobOutput(uri=f"azureml://datastores/workspaceartifactstore/"
                                                     f"ExperimentRun/dcid.{name}/model")})
    return arm(R.JobBase(properties=props).as_dict(), f"jobs/{name}", name, "jobs", "erin@example.com", when)


def data_version(ver: str, when: str) -> dict:
    props = R.UriFolderDataVersion(data_uri=f"azureml://datastores/workspaceblobstore/paths/loans/{ver}/train/",
                                   description="Consumer loans, training split", tags={"pii": "false"})
    return arm(R.DataVersionBase(properties=props).as_dict(), f"data/loans-train/versions/{ver}", ver,
               "data/versions", "erin@example.com", when)


def online_deployment(yml: str) -> dict:
    """A deployment of ``cli/{yml}`` as the SDK sends it, with what the service fills in: the model's ARM id (the
    SDK resolves ``azureml:name:version`` to it), default scale, request and probe settings, the state."""
    dep = load_online_deployment(HERE / "cli" / yml)
    body = dep._to_rest_object("westeurope").as_dict()
    props = body["properties"]
    name, ver = str(dep.model).removeprefix("azureml:").split(":")
    probe = R.ProbeSettings(failure_threshold=30, success_threshold=1, timeout="PT2S", period="PT10S",
                            initial_delay="PT10S").as_dict()
    props.update(model=f"{WS}/models/{name}/versions/{ver}", scaleSettings=R.DefaultScaleSettings().as_dict(),
                 requestSettings=R.OnlineRequestSettings(request_timeout="PT5S", max_concurrent_requests_per_instance=1,
                                                         max_queue_wait="PT0.5S").as_dict(),
                 livenessProbe=probe, readinessProbe=probe, egressPublicNetworkAccess="Enabled",
                 provisioningState="Succeeded")
    return arm(body, f"onlineEndpoints/{dep.endpoint_name}/deployments/{dep.name}", str(dep.name),
               "onlineEndpoints/deployments", "erin@example.com", "2026-10-06T09:00:00Z")


def workspace() -> dict[str, dict]:
    """``{path under the workspace: response body}`` for the GET requests of ``MLClient``'s list and get calls."""
    v2, v3 = model_versions()
    when = "2026-10-06T09:00:00Z"
    containers = [arm(R.ModelContainer(properties=R.ModelContainerProperties(
        description="Probability of default on consumer loans", tags={"owner": "erin", "team": "credit-ml"},
        latest_version="3")).as_dict(), "models/credit-risk", "credit-risk", "models", "erin@example.com",
        "2026-08-02T10:00:00Z")]
    data = [arm(R.DataContainer(properties=R.DataContainerProperties(data_type="uri_folder", latest_version="2"))
                .as_dict(), "data/loans-train", "loans-train", "data", "erin@example.com", "2026-07-01T08:00:00Z")]
    endpoint = load_online_endpoint(HERE / "cli" / "endpoint.yml")._to_rest_online_endpoint("westeurope").as_dict()
    endpoint["properties"].update(provisioningState="Succeeded",
                                  scoringUri="https://credit-risk-prod.westeurope.inference.ml.azure.com/score")
    batch = R.BatchEndpoint(location="westeurope", tags={"env": "prod"},
                            properties=R.BatchEndpointProperties(auth_mode="AADToken", properties={}, defaults=R.BatchEndpointDefaults(
                                deployment_name="nightly"))).as_dict()
    batch["properties"].update(provisioningState="Succeeded",
                               scoringUri="https://credit-risk-batch.westeurope.inference.ml.azure.com/jobs")
    nightly = R.BatchDeployment(location="westeurope", properties=R.BatchDeploymentProperties(
        model=R.IdAssetReference(asset_id=f"{WS}/models/credit-risk/versions/3"),
        compute=f"{WS}/computes/cpu-cluster", output_file_name="predictions.csv",
        description="Nightly scoring of the loan book", properties={})).as_dict()
    nightly["properties"]["provisioningState"] = "Succeeded"
    ws = R.Workspace(location="westeurope", properties=R.WorkspaceProperties(
        friendly_name="credit-ws", discovery_url="https://westeurope.api.azureml.ms/discovery",
        workspace_id="5b7c0e8a-0000-4000-8000-000000000001")).as_dict()
    return {
        "": arm(ws, "", "credit-ws", "", "erin@example.com", "2026-07-01T08:00:00Z") | {
            "id": WS, "type": TYPE},
        "/models": {"value": containers},
        # two pages: the first answer links to the second (the test server puts its own address before it)
        "/models/credit-risk/versions": {"value": [v2], "nextLink": "/models/credit-risk/versions?$skipToken=2"},
        "/models/credit-risk/versions?$skipToken=2": {"value": [v3]},
        "/jobs/credit-risk-train-0006": job("credit-risk-train-0006", data_version="1", lr="0.1",
                                            status="Completed", when="2026-08-02T09:00:00Z"),
        "/jobs/credit-risk-train-0007": job("credit-risk-train-0007", data_version="2", lr="0.05",
                                            status="Completed", when="2026-10-05T09:00:00Z"),
        "/data": {"value": data},
        "/data/loans-train/versions": {"value": [data_version("1", "2026-07-01T08:00:00Z"),
                                                 data_version("2", "2026-10-01T08:00:00Z")]},
        "/onlineEndpoints": {"value": [arm(endpoint, "onlineEndpoints/credit-risk-prod", "credit-risk-prod",
                                           "onlineEndpoints", "erin@example.com", when)]},
        "/onlineEndpoints/credit-risk-prod/deployments": {"value": [
            online_deployment("blue.yml"), online_deployment("green.yml")]},
        "/batchEndpoints": {"value": [arm(batch, "batchEndpoints/credit-risk-batch", "credit-risk-batch",
                                          "batchEndpoints", "erin@example.com", when)]},
        "/batchEndpoints/credit-risk-batch/deployments": {"value": [arm(
            nightly, "batchEndpoints/credit-risk-batch/deployments/nightly", "nightly", "batchEndpoints/deployments",
            "erin@example.com", when)]},
    }


def main() -> None:
    OUT.mkdir(exist_ok=True)
    (OUT / "model_versions.json").write_text(json.dumps({"value": model_versions()}, indent=2, sort_keys=True)
                                             + "\n")
    print(f"wrote {OUT / 'model_versions.json'}")
    live = OUT.parent / "live"
    live.mkdir(exist_ok=True)
    (live / "workspace.json").write_text(json.dumps(workspace(), indent=2, sort_keys=True) + "\n")
    print(f"wrote {live / 'workspace.json'}")


if __name__ == "__main__":
    main()
