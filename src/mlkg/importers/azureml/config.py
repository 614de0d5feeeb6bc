"""What the Azure ML importer reads: CLI v2 YAML and REST JSON files, or a live workspace through MLClient."""

from __future__ import annotations

from dataclasses import dataclass

from ..base import ImporterConfig, option


@dataclass(frozen=True)
class AzureMLConfig(ImporterConfig):
    """Offline: YAML files of the Azure ML CLI v2 (model, job, data asset, online endpoint and deployment, batch
    endpoint and deployment) and REST JSON of model versions (``az ml model show -o json``, the ARM API). Live:
    ``subscription``, ``resource_group`` and ``workspace``, with ``DefaultAzureCredential`` (or a credential given
    to the importer by a Python caller)."""

    paths: tuple[str, ...] = option((), "YAML or JSON files, or directories of them, to read offline.")
    subscription: str = option("", "Azure subscription id of the workspace to read live.")
    resource_group: str = option("", "Resource group of the workspace.")
    workspace: str = option("", "Azure ML workspace name.")
    cloud: str = option("", "Azure cloud of the workspace: AzureCloud (the default), AzureChinaCloud, "
                            "AzureUSGovernment, or a cloud described at ARM_CLOUD_METADATA_URL.")
    retries: int = option(4, "Retries per API call when Azure throttles (429, honouring Retry-After) or is "
                             "unavailable, with exponential back-off.", minimum=0, maximum=20)
    timeout: int = option(60, "Timeout of one API call (connecting, and reading the answer), in seconds.",
                          minimum=1)
    service_name: str = option("azureml", "Name of the MLModelService entity the models belong to.")
    jobs: bool = option(True, "Read jobs (training runs) and, live, the job that produced each model version.")
    endpoints: bool = option(True, "Read online and batch endpoints and their deployments.")
    data: bool = option(True, "Read data assets.")
