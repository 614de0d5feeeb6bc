"""The Vertex AI importer's mapping table (:attr:`mlkg.importers.base.Importer.fills`): each field it fills and the
Vertex AI REST resource field it comes from (``aiplatform_v1`` JSON). Held equal to
``tests/importers/vertexai/golden/rest.ttl`` by ``tests/importers/test_fills.py``."""

from __future__ import annotations

from ...model import entities as m
from ..base import FieldMap

LABELS = "labels (owner/team keys → owners)"

FILLS: FieldMap = {
    m.MLModelService: {
        "name": "the service_name option", "service_type": "VertexAI",
        "description": "the project and location options",
    },
    m.MLModel: {
        "name": "Model.displayName", "description": "the latest version's Model.description",
        "tags": "the latest version's " + LABELS, "owners": "the latest version's " + LABELS,
        "versions": "every version of the Model (ListModelVersions)", "service": "the import's service",
        "service_type": "VertexAI", "ml_features": "explanationSpec.metadata.inputs of the latest version",
        "algorithm": "the latest version's algorithm", "ml_store": "the latest version's store",
    },
    m.ModelVersion: {
        "name": "Model.versionId", "aliases": "Model.versionAliases", "description": "Model.versionDescription",
        "created_at": "Model.versionCreateTime (else createTime)", "source": "Model.artifactUri",
        "ml_store": "Model.artifactUri and containerSpec.imageUri",
        "algorithm": "the name of containerSpec.imageUri", "run": "Model.trainingPipeline",
        "previous_version": "the next lower versionId", "features": "explanationSpec.metadata.inputs",
        "metrics": "ModelEvaluation.metrics and ModelEvaluationSlice.metrics", "tags": LABELS, "owners": LABELS,
    },
    m.ModelStore: {"storage": "Model.artifactUri", "image_repository": "Model.containerSpec.imageUri"},
    m.Feature: {"name": "the explanation input's name"},
    m.Evaluation: {
        "name": "the metric's key (nested keys joined)", "value": "the metric's number",
        "slice": "ModelEvaluationSlice.slice (dimension=value)", "timestamp": "createTime of the evaluation",
    },
    m.TrainingRun: {
        "evaluation_datasets": "the validation and test inputs of the pipeline",
        "tags": "labels, and workerPoolSpecs machineType as machine_type.TYPE",
        "name": "the id of TrainingPipeline/CustomJob or the experiment run's context",
        "display_name": "displayName", "status": "state", "started_at": "startTime (createTime for experiment runs)",
        "ended_at": "endTime", "code_path": "TrainingPipeline.trainingTaskDefinition",
        "training_datasets": "inputDataConfig.datasetId", "params": "trainingTaskInputs, or the run's _params",
        "metrics": "the experiment run's _metrics", "experiment": "the experiment context of the run",
        "owners": LABELS,
    },
    m.HyperParameter: {"name": "the input's key", "value": "its value (whole doubles as integers)"},
    m.Experiment: {
        "name": "the experiment context's displayName", "description": "its description",
        "service": "the import's service",
    },
    m.Dataset: {
        "source": "inputDataConfig gcsDestination.outputUriPrefix or bigqueryDestination.outputUri",
        "produced_by": "the training pipeline that exported the splits",
        "upstream": "the managed dataset the export was made from",
        "name": "inputDataConfig.datasetId", "source_type": "vertex-dataset",
        "description": "Vertex AI managed dataset",
    },
    m.Endpoint: {
        "name": "Endpoint.displayName (/deployed model with several)", "display_name": "ENDPOINT (DEPLOYED)",
        "deployment_type": "realtime", "status": "in service (a deployed model serves)",
        "environment": "the endpoint's env/environment label", "service": "the import's service",
        "model": "DeployedModel.model", "model_version": "DeployedModel.model and modelVersionId",
        "instance_type": "DeployedModel.dedicatedResources.machineSpec.machineType",
        "traffic_percentage": "Endpoint.trafficSplit", "deployed_at": "DeployedModel.createTime",
        "url": "https://LOCATION-aiplatform.googleapis.com/v1/ENDPOINT:predict",
        "serving_history": "see ServingInterval",
    },
    m.ServingInterval: {
        "model_version": "the deployed model version", "traffic_percentage": "Endpoint.trafficSplit",
        "started_at": "DeployedModel.createTime", "times_from": "the REST field the time was read from",
    },
    m.TagLabel: {
        "tag_fqn": "the label's key and value (key.value)", "source": "Classification", "label_type": "Automated",
        "state": "Confirmed",
    },
}
