"""What the MLflow importer reads, and how (every option described; checked when built)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..base import ImporterConfig, option


@dataclass(frozen=True)
class MlflowConfig(ImporterConfig):
    """Where to read from and what to import."""

    tracking_uri: str = option("", "Tracking URI: sqlite:///path/mlflow.db, http://host:5000, databricks "
                                   "(default: MLFLOW_TRACKING_URI).")
    registry_uri: str | None = option(None, "Model registry URI (default: the tracking URI; databricks-uc for "
                                            "Unity Catalog).")
    experiments: tuple[str, ...] = option((), "Experiment names whose runs to import (default: every active "
                                              "experiment).", cli=("--experiment",))
    models: tuple[str, ...] = option((), "Registered model names to import (default: all).", cli=("--model",))
    service_name: str = option("mlflow", "Name of the MLModelService entity the models belong to.")
    include_runs: bool = option(True, "Import experiments and runs, not only the registry.", cli_off=("--no-runs",))
    metric_history: bool = option(True, "Import every logged value of each run metric (all steps), not only "
                                        "the latest.", cli_off=("--latest-metrics",))
    signatures: bool = option(True, "Read each version's MLmodel file for its input signature (features).")
    version_details: bool = option(False, "Fetch every version with get_model_version. Search results carry "
                                          "no aliases, so this is done anyway for a model whose registry entry "
                                          "has no alias map; otherwise aliases come from the registered model "
                                          "(7x faster on 1,000 models).")
    serving_endpoints: bool = option(True, "On a Databricks workspace, also read its model serving endpoints "
                                           "(databricks-sdk) as deployments of the versions they serve.")
    page_size: int = option(1000, "Page size of search calls.", minimum=1)
    http_retries: int = option(2, "Retries of a failed HTTP request (MLflow's default is 7, with backoff).",
                               minimum=0)
    http_timeout: int = option(30, "Timeout of one HTTP request, in seconds.", minimum=1)


def tracking_uri(config: MlflowConfig) -> str:
    return config.tracking_uri or os.environ.get("MLFLOW_TRACKING_URI", "")
