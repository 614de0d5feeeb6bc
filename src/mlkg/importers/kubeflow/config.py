"""What the Kubeflow importer reads."""

from __future__ import annotations

from dataclasses import dataclass

from ..base import ImporterConfig, option


@dataclass(frozen=True)
class KubeflowConfig(ImporterConfig):
    """An ML Metadata store and/or KFP files."""

    paths: tuple[str, ...] = option((), "KFP files: compiled pipeline YAML, executor_output.json files, or the "
                                        "pipeline_root folder of kfp.local runs.")
    mlmd: str = option("", "ML Metadata store to read with SQL: sqlite:///PATH (or a path) of the SQLite file "
                           "ml-metadata writes.")
    service_name: str = option("kubeflow", "Name of the MLModelService entity everything belongs to.")
