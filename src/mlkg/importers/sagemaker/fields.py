"""The SageMaker importer's mapping table (:attr:`mlkg.importers.base.Importer.fills`): each field it fills and the
SageMaker API value it comes from. Held equal to the golden graph ``tests/importers/sagemaker/golden/estate.ttl``
by ``tests/importers/test_fills.py``."""

from __future__ import annotations

from ...model import entities as m
from ..base import FieldMap

TAGS = "ListTags of the resource (owner/team keys → owners; aws: keys left out)"

FILLS: FieldMap = {
    m.MLModelService: {
        "name": "the service_name option", "service_type": "SageMaker",
        "service_url": "the endpoint URL, or https://api.sagemaker.REGION.amazonaws.com",
        "description": "the region and the account (STS GetCallerIdentity)",
    },
    m.MLModel: {
        "name": "ModelPackageGroup.ModelPackageGroupName", "service": "the import's service",
        "service_type": "SageMaker", "description": "ModelPackageGroup.ModelPackageGroupDescription",
        "versions": "ListModelPackages of the group", "tags": TAGS, "owners": TAGS,
        "algorithm": "the latest version's algorithm", "ml_hyper_parameters": "the latest version's hyperparameters",
        "ml_store": "the latest version's store",
    },
    m.ModelVersion: {
        "name": "ModelPackage.ModelPackageVersion", "status": "ModelPackage.ModelApprovalStatus",
        "stage": "ModelPackage.ModelLifeCycle.Stage, else Approved and served by an InService endpoint → Production",
        "description": "ModelPackage.ModelPackageDescription", "created_at": "ModelPackage.CreationTime",
        "created_by": "ModelPackage.CreatedBy (UserProfileName or IamIdentity.Arn)",
        "source": "InferenceSpecification.Containers[].ModelDataUrl",
        "ml_store": "InferenceSpecification.Containers[] ModelDataUrl and Image",
        "algorithm": "Containers[].Framework, SourceAlgorithms AlgorithmName or the container image's name",
        "run": "the training job behind ModelDataUrl (DescribeTrainingJob.ModelArtifacts)",
        "previous_version": "the group's previous ModelPackageVersion",
        "ml_hyper_parameters": "the training job's HyperParameters",
        "metrics": "ModelMetrics.ModelQuality.Statistics (S3 JSON) and the training job's FinalMetricDataList",
        "tags": "ListTags and CustomerMetadataProperties", "model_card": "DescribeModelCard of the package",
        "compliance": "ModelPackage.ModelApprovalStatus",
    },
    m.ComplianceRecord: {
        "name": "approval", "framework": "SageMaker model registry", "status": "ModelPackage.ModelApprovalStatus",
        "approved_by": "ModelPackage.LastModifiedBy when approved", "approved_at": "ModelPackage.LastModifiedTime "
        "when approved",
    },
    m.ModelStore: {
        "storage": "Containers[].ModelDataUrl",
        "image_repository": "Containers[].Image",
    },
    m.ModelCard: {
        "description": "model_overview.model_description",
        "intended_use": "intended_uses.intended_uses or purpose_of_model",
        "limitations": "additional_information.caveats_and_recommendations",
        "ethical_considerations": "additional_information.ethical_considerations",
        "risks": "intended_uses.risk_rating",
    },
    m.Risk: {"name": "risk_rating", "severity": "intended_uses.risk_rating"},
    m.TrainingRun: {
        "name": "TrainingJob.TrainingJobName", "status": "TrainingJob.TrainingJobStatus",
        "started_at": "TrainingJob.TrainingStartTime (else CreationTime)", "ended_at": "TrainingJob.TrainingEndTime",
        "experiment": "TrainingJob.ExperimentConfig.ExperimentName",
        "code_path": "HyperParameters.sagemaker_program",
        "code_commit": "the package's MetadataProperties.CommitId",
        "code_repository": "the package's MetadataProperties.Repository",
        "params": "TrainingJob.HyperParameters (sagemaker_* left out)",
        "metrics": "TrainingJob.FinalMetricDataList", "training_datasets": "InputDataConfig channels train (or unnamed)",
        "evaluation_datasets": "InputDataConfig channels validation and test", "tags": TAGS + " and the trial name",
        "owners": TAGS,
    },
    m.HyperParameter: {"name": "the hyperparameter's key", "value": "its text, typed (JSON-quoted strings unquoted)"},
    m.Evaluation: {
        "name": "MetricName without its split prefix (validation:auc → auc), or the ModelQuality metric's name",
        "value": "Value, or the ModelQuality metric's value", "split": "MetricName's prefix (train, validation, test)",
        "dataset": "the channel of that split", "timestamp": "FinalMetricDataList[].Timestamp",
    },
    m.Experiment: {"name": "ExperimentConfig.ExperimentName", "service": "the import's service"},
    m.Dataset: {
        "name": "the channel's S3Uri, or TransformOutput.S3OutputPath", "source": "the S3 URI",
        "source_type": "the URI's scheme (s3)", "description": "Predictions of batch transform job NAME",
    },
    m.Endpoint: {
        "name": "EndpointName (/VariantName with several variants) or TransformJobName",
        "deployment_type": "realtime for endpoints, batch for transform jobs",
        "status": "EndpointStatus or TransformJobStatus", "service": "the import's service",
        "model": "the variant's ModelName (or the transform job's)", "model_version": "the model package it serves",
        "instance_type": "ProductionVariants[].InstanceType or TransformResources.InstanceType",
        "traffic_percentage": "the variant's CurrentWeight over the sum of the weights",
        "deployed_at": "Endpoint.CreationTime or TransformStartTime",
        "url": "https://runtime.sagemaker.REGION.amazonaws.com/endpoints/NAME/invocations",
        "environment": "the env/environment/stage tag", "tags": TAGS, "owners": TAGS,
        "predictions": "TransformOutput.S3OutputPath", "serving_history": "see ServingInterval",
    },
    m.ServingInterval: {
        "model_version": "the model package served",
        "traffic_percentage": "the variant's share", "started_at": "Endpoint.LastModifiedTime or TransformStartTime",
        "ended_at": "TransformEndTime", "times_from": "the API field the times were read from",
    },
    m.TagLabel: {
        "tag_fqn": "the tag's key and value (key.value)", "source": "Classification", "label_type": "Automated",
        "state": "Confirmed",
    },
}
