"""Write the Azure ML REST fixtures with the SDK's own objects (azure-ai-ml ``Model._to_rest_object()``).

``rest/model_versions.json`` is a REST list response (``{"value": [...]}``) of two versions of ``credit-risk``
as the ARM API returns them: the SDK's REST body plus the fields the service adds (``id``, ``name``, ``type``,
``systemData``). Version 2 is a custom model without flavors: ``Model._from_rest_object`` crashes on that
(AttributeError), which the importer guards against. Run from the repository root:

    python tests/importers/azureml/make_fixtures.py
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")

from azure.ai.ml.entities import Model  # noqa: E402

OUT = Path(__file__).resolve().parent / "rest"
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


def main() -> None:
    OUT.mkdir(exist_ok=True)
    value = [
        version("2", flavors=None, stage="Archived", created="2026-08-02T10:00:00Z", job="credit-risk-train-0006",
                who="erin@example.com"),
        version("3", flavors={"python_function": {"loader_module": "mlflow.lightgbm"},
                              "lightgbm": {"lgb_version": "4.5.0"}},
                stage="Production", created="2026-10-05T10:00:00Z", job="credit-risk-train-0007",
                who="erin@example.com"),
    ]
    (OUT / "model_versions.json").write_text(json.dumps({"value": value}, indent=2, sort_keys=True) + "\n")
    print(f"wrote {OUT / 'model_versions.json'}")


if __name__ == "__main__":
    main()
