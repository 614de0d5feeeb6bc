"""The Azure ML importer's mapping table (:attr:`mlkg.importers.base.Importer.fills`): each field it fills and the
Azure ML value it comes from (the SDK's entities, from CLI v2 YAML or REST JSON). Held equal to
``tests/importers/azureml/golden/cli_and_rest.ttl`` by ``tests/importers/test_fills.py``."""

from __future__ import annotations

from ...model import entities as m
from ..base import FieldMap

TAGS = "tags (owner/team keys → owners)"

FILLS: FieldMap = {
    m.MLModelService: {
        "name": "the service_name option", "service_type": "AzureML", "description": "the workspace option",
    },
    m.MLModel: {
        "name": "Model.name", "description": "the latest version's Model.description",
        "owners": "the latest version's " + TAGS, "versions": "every Model version of the name",
        "service": "the import's service", "service_type": "AzureML",
        "algorithm": "the latest version's algorithm", "ml_store": "the latest version's store",
    },
    m.ModelVersion: {
        "name": "Model.version", "stage": "Model.stage", "description": "Model.description", "source": "Model.path",
        "created_at": "Model.creation_context.created_at", "created_by": "Model.creation_context.created_by",
        "ml_store": "Model.path", "algorithm": "the algorithm tag, else the MLmodel flavors",
        "run": "the job of an azureml://jobs/NAME path", "metrics": "numeric Model.properties named as a metric",
        "owners": TAGS, "previous_version": "the next lower Model.version",
    },
    m.ModelStore: {"storage": "Model.path"},
    m.Evaluation: {"name": "the property's key", "value": "the property's value"},
    m.TrainingRun: {
        "status": "Job.status",
        "started_at": "Job.creation_context.created_at",
        "user": "Job.creation_context.created_by",
        "name": "Job.name", "display_name": "Job.display_name", "experiment": "Job.experiment_name",
        "description": "Job.description", "code_path": "Job.code",
        "params": "Job.inputs of literal values", "training_datasets": "Job.inputs of data (train or unnamed)",
        "evaluation_datasets": "Job.inputs of data named validation or test",
        "tags": "Job.tags, Job.environment and Job.compute", "owners": TAGS,
    },
    m.HyperParameter: {"name": "the input's name", "value": "the input's literal value"},
    m.Experiment: {"name": "Job.experiment_name", "service": "the import's service"},
    m.Dataset: {
        "name": "Data.name, or an input's path", "revision": "Data.version", "source": "Data.path",
        "source_type": "Data.type", "description": "Data.description", "tags": "Data.tags",
    },
    m.Endpoint: {
        "status": "Deployment.provisioning_state (else the endpoint's)",
        "url": "Endpoint.scoring_uri",
        "description": "Deployment.description",
        "name": "the deployment's endpoint name (/deployment name with several)",
        "display_name": "ENDPOINT (DEPLOYMENT)", "deployment_type": "realtime for online, batch for batch deployments",
        "environment": "the endpoint's env/environment tag", "service": "the import's service",
        "model": "Deployment.model (azureml:NAME:VERSION)", "model_version": "Deployment.model's version",
        "instance_type": "Deployment.instance_type (or compute)", "traffic_percentage": "Endpoint.traffic",
        "owners": TAGS,
    },
    m.TagLabel: {
        "tag_fqn": "the tag's or property's key and value (key.value)", "source": "Classification",
        "label_type": "Automated", "state": "Confirmed",
    },
}
