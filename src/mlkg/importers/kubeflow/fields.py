"""The Kubeflow importer's mapping table (:attr:`mlkg.importers.base.Importer.fills`): each field it fills and the
ML Metadata (MLMD, also what KFP and ``kfp.local`` write) or Model Registry REST value it comes from. Held equal to
``tests/importers/kubeflow/expected_*.ttl`` by ``tests/importers/test_fills.py``."""

from __future__ import annotations

from ...model import entities as m
from ..base import FieldMap

FILLS: FieldMap = {
    m.MLModelService: {
        "name": "the service_name option", "service_type": "Kubeflow",
        "service_url": "the Model Registry URL or the MLMD store",
    },
    m.Experiment: {
        "name": "the system.Pipeline context's name", "description": "its description property",
        "service": "the import's service",
    },
    m.TrainingRun: {
        "name": "the execution's name", "display_name": "the execution's task name",
        "experiment": "the pipeline context", "status": "Execution.last_known_state",
        "started_at": "Execution.create_time_since_epoch", "code_path": "the execution's image property",
        "training_datasets": "INPUT events of Dataset artifacts", "params": "the execution's custom properties",
        "metrics": "system.Metrics and ClassificationMetrics artifacts it outputs",
    },
    m.HyperParameter: {"name": "the custom property's key", "value": "its value (JSON for structs)"},
    m.Evaluation: {
        "name": "the Metrics artifact's custom property (confusionMatrix for a matrix)", "value": "its number",
        "slice": "actual=LABEL,predicted=LABEL of a confusion matrix cell",
        "timestamp": "the artifact's create_time_since_epoch",
    },
    m.Dataset: {
        "name": "the artifact's display_name or output name", "source": "Artifact.uri",
        "source_type": "the URI's scheme", "produced_by": "the execution with its OUTPUT event",
    },
    m.MLModel: {
        "name": "the Model artifacts' output name, or RegisteredModel.name", "service": "the import's service",
        "service_type": "Kubeflow", "versions": "its Model artifacts, or ModelVersions",
        "owners": "RegisteredModel.owner", "updated_at": "RegisteredModel.lastUpdateTimeSinceEpoch",
        "algorithm": "the latest version's algorithm", "ml_store": "the latest version's store",
    },
    m.ModelVersion: {
        "name": "the artifact's position, or ModelVersion.name", "source": "Artifact.uri or ModelArtifact.uri",
        "status": "Artifact.state or ModelVersion.state", "created_at": "create_time_since_epoch",
        "created_by": "ModelVersion.author", "description": "ModelVersion.description",
        "run": "the execution with its OUTPUT event", "previous_version": "the version created before",
        "algorithm": "the framework property, or ModelArtifact.modelFormatName and modelFormatVersion",
        "ml_hyper_parameters": "the producing execution's properties, or the version's customProperties",
        "metrics": "Metrics artifacts of the producer, or numeric customProperties",
        "ml_store": "Artifact.uri or ModelArtifact.uri",
    },
    m.ModelStore: {"storage": "Artifact.uri or ModelArtifact.uri"},
    m.Endpoint: {
        "name": "InferenceService.name", "deployment_type": "realtime",
        "environment": "the ServingEnvironment's name", "service": "the import's service",
        "status": "InferenceService.desiredState", "model": "InferenceService.registeredModelId",
        "model_version": "InferenceService.modelVersionId", "deployed_at": "InferenceService.createTimeSinceEpoch",
        "description": "runtime InferenceService.runtime",
    },
}
