"""The MLflow importer's mapping table (:attr:`mlkg.importers.base.Importer.fills`): each field it fills and the
MLflow value it comes from (MlflowClient entities). Held equal to ``tests/importers/mlflow/expected.ttl`` by
``tests/importers/test_fills.py``."""

from __future__ import annotations

from ...model import entities as m
from ..base import FieldMap

FILLS: FieldMap = {
    m.MLModelService: {
        "name": "the service_name option", "service_type": "Mlflow (Databricks for a databricks tracking URI)",
        "service_url": "the tracking URI (a server or Databricks)", "description": "the tracking URI",
    },
    m.Experiment: {
        "name": "Experiment.name", "artifact_location": "Experiment.artifact_location",
        "tags": "Experiment.tags", "service": "the import's service",
    },
    m.TrainingRun: {
        "name": "RunInfo.run_id", "display_name": "RunInfo.run_name", "status": "RunInfo.status",
        "started_at": "RunInfo.start_time", "ended_at": "RunInfo.end_time", "experiment": "RunInfo.experiment_id",
        "user": "RunInfo.user_id (or the mlflow.user tag)", "owners": "the owner tag",
        "code_commit": "the mlflow.source.git.commit tag", "code_path": "the mlflow.source.name tag",
        "description": "the mlflow.note.content tag", "tags": "RunData.tags (mlflow.* left out)",
        "params": "RunData.params", "metrics": "get_metric_history of each RunData.metrics key",
        "training_datasets": "RunInputs.dataset_inputs with the mlflow.data.context tag training",
        "evaluation_datasets": "RunInputs.dataset_inputs with any other context (evaluation, validation, test)",
    },
    m.HyperParameter: {"name": "the param's key", "value": "the param's text, typed (number, boolean or text)"},
    m.Evaluation: {
        "name": "Metric.key", "value": "Metric.value", "step": "Metric.step", "timestamp": "Metric.timestamp",
        "dataset": "Metric.dataset_name and dataset_digest (MLflow 3)",
        "description": "why a logged model's metric is the run's latest value",
    },
    m.Dataset: {
        "name": "Dataset.name", "digest": "Dataset.digest", "source": "Dataset.source",
        "source_type": "Dataset.source_type",
    },
    m.MLModel: {
        "name": "RegisteredModel.name", "description": "RegisteredModel.description",
        "tags": "RegisteredModel.tags", "updated_at": "RegisteredModel.last_updated_timestamp",
        "versions": "search_model_versions of the model", "service": "the import's service",
        "service_type": "the service's type", "algorithm": "the latest version's algorithm",
        "ml_features": "the latest version's MLmodel signature", "ml_store": "the latest version's store",
        "ml_hyper_parameters": "the latest version's LoggedModel params",
    },
    m.ModelVersion: {
        "name": "ModelVersion.version", "stage": "ModelVersion.current_stage", "aliases": "ModelVersion.aliases",
        "tags": "ModelVersion.tags", "description": "ModelVersion.description", "source": "ModelVersion.source",
        "status": "ModelVersion.status", "created_at": "ModelVersion.creation_timestamp",
        "run": "ModelVersion.run_id", "previous_version": "the next lower version number",
        "algorithm": "LoggedModel.model_type, else the MLmodel file's first flavor",
        "metrics": "LoggedModel.metrics (with their dataset)",
        "features": "the MLmodel signature's named inputs", "ml_store": "LoggedModel.artifact_location or source",
        "stage_history": "current_stage since last_updated_timestamp",
    },
    m.StageAssignment: {
        "stage": "ModelVersion.current_stage", "started_at": "ModelVersion.last_updated_timestamp",
        "times_from": "the MLflow field the time was read from",
    },
    m.ModelStore: {"storage": "LoggedModel.artifact_location or ModelVersion.source"},
    m.Feature: {
        "name": "the signature input's name", "position": "its position in the signature",
        "data_type": "its type: numerical, or categorical for string, boolean and binary",
    },
    m.TagLabel: {
        "tag_fqn": "the tag's key and value (key.value)", "source": "Classification", "label_type": "Automated",
        "state": "Confirmed",
    },
}
