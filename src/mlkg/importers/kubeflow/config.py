"""What the Kubeflow importer reads."""

from __future__ import annotations

from dataclasses import dataclass

from ..base import ImporterConfig, option


@dataclass(frozen=True)
class KubeflowConfig(ImporterConfig):
    """An ML Metadata store, KFP files, a Model Registry server (any of them, together)."""

    paths: tuple[str, ...] = option((), "KFP files: compiled pipeline YAML, executor_output.json files, or the "
                                        "pipeline_root folder of kfp.local runs.")
    mlmd: str = option("", "ML Metadata store to read with SQL: sqlite:///PATH (or a path) of the SQLite file "
                           "ml-metadata writes.")
    model_registry: str = option("", "Kubeflow Model Registry REST base URL, e.g. http://127.0.0.1:8080 (its API "
                                     "is under /api/model_registry/v1).")
    token: str = option("", "Bearer token for the Model Registry (default: none; user:password in the URL is sent "
                            "as basic authentication).", secret=True)
    service_name: str = option("kubeflow", "Name of the MLModelService entity everything belongs to.")
    timeout: float = option(30.0, "Timeout of one Model Registry request, in seconds.", minimum=0.1)
    page_size: int = option(100, "Page size of Model Registry listings.", minimum=1, maximum=10000)
