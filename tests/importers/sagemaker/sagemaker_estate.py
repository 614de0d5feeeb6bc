"""A SageMaker estate written through boto3's own API: against moto in process or a moto_server on 127.0.0.1.

The fraud flow of the seed, on SageMaker: three training jobs of one XGBoost fraud detector (train, validation
and test channels on S3, hyperparameters, an experiment and trial, an owner tag), the model package group
``fraud-detector`` with three versions (v1 Rejected, v2 Approved, v3 PendingManualApproval; each names its
training job and commit, and has a model-quality report in S3 with its AUC), a SageMaker model built from v2,
an endpoint config with one production variant, the endpoint ``fraud-scoring`` (tag env=prod) serving it, a
batch transform job writing predictions to S3, and a model card about v2.

:data:`EXPECTED` holds the values a reader must find (written by hand from what :func:`build` sends).
"""

from __future__ import annotations

import json
from typing import Any

ACCOUNT = "123456789012"
REGION = "us-east-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/SageMakerRole"
IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
BUCKET = "fraud-ml"
GROUP = "fraud-detector"
AUC = {1: 0.81, 2: 0.88, 3: 0.86}
APPROVAL = {1: "Rejected", 2: "Approved", 3: "PendingManualApproval"}
COMMITS = {1: "1a1a1a1", 2: "2b2b2b2", 3: "3c3c3c3"}
HYPER = {1: {"max_depth": "4", "eta": "0.3"}, 2: {"max_depth": "6", "eta": "0.2"},
         3: {"max_depth": "8", "eta": "0.1"}}


def quality_report(auc: float) -> dict[str, Any]:
    """A model-quality statistics report in the shape SageMaker Model Monitor and Clarify write."""
    return {"version": 0.0, "binary_classification_metrics": {
        "auc": {"value": auc, "standard_deviation": 0.004},
        "accuracy": {"value": round(auc + 0.1, 3), "standard_deviation": 0.002},
        "confusion_matrix": {"0": {"0": 900, "1": 20}, "1": {"0": 15, "1": 65}}}}


def build(sm: Any, s3: Any, *, extra_packages: int = 0) -> dict[str, Any]:
    """Write the estate with the boto3 clients ``sm`` (SageMaker) and ``s3``; return the ARNs it got back."""
    s3.create_bucket(Bucket=BUCKET)
    sm.create_experiment(ExperimentName="fraud-detection")
    jobs = {}
    for v in (1, 2, 3):
        name = f"fraud-xgb-{v}"
        sm.create_training_job(
            TrainingJobName=name,
            HyperParameters={**HYPER[v], "num_round": "100", "objective": "binary:logistic",
                             "sagemaker_program": '"train.py"'},
            AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
            RoleArn=ROLE,
            InputDataConfig=[
                {"ChannelName": ch, "ContentType": "text/csv", "DataSource": {"S3DataSource": {
                    "S3DataType": "S3Prefix", "S3Uri": f"s3://{BUCKET}/transactions/{ch}/",
                    "S3DataDistributionType": "FullyReplicated"}}}
                for ch in ("train", "validation", "test")],
            OutputDataConfig={"S3OutputPath": f"s3://{BUCKET}/output/"},
            ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 10},
            StoppingCondition={"MaxRuntimeInSeconds": 3600},
            ExperimentConfig={"ExperimentName": "fraud-detection", "TrialName": f"trial-{v}"},
            Tags=[{"Key": "owner", "Value": "alice"}, {"Key": "project", "Value": "fraud"}])
        jobs[v] = sm.describe_training_job(TrainingJobName=name)
    group_arn = sm.create_model_package_group(
        ModelPackageGroupName=GROUP, ModelPackageGroupDescription="Card-fraud detector (XGBoost)",
        Tags=[{"Key": "team", "Value": "risk-ml"}, {"Key": "owner", "Value": "alice"},
              {"Key": "domain", "Value": "payments"}])["ModelPackageGroupArn"]
    packages = {}
    for v in (1, 2, 3):
        report = f"s3://{BUCKET}/evaluation/v{v}/statistics.json"
        s3.put_object(Bucket=BUCKET, Key=f"evaluation/v{v}/statistics.json",
                      Body=json.dumps(quality_report(AUC[v])).encode())
        packages[v] = sm.create_model_package(
            ModelPackageGroupName=GROUP, ModelPackageDescription=f"XGBoost fraud model, run {v}",
            InferenceSpecification={"Containers": [{
                "Image": IMAGE, "ModelDataUrl": jobs[v]["ModelArtifacts"]["S3ModelArtifacts"],
                "Framework": "XGBOOST", "FrameworkVersion": "1.7"}],
                "SupportedContentTypes": ["text/csv"], "SupportedResponseMIMETypes": ["text/csv"]},
            ModelApprovalStatus="PendingManualApproval",
            MetadataProperties={"CommitId": COMMITS[v], "Repository": "https://git.example.org/risk/fraud",
                                "GeneratedBy": jobs[v]["TrainingJobArn"]},
            ModelMetrics={"ModelQuality": {"Statistics": {"ContentType": "application/json", "S3Uri": report}}},
            CustomerMetadataProperties={"dataset_version": f"2026-0{v}"},
            Domain="MACHINE_LEARNING", Task="CLASSIFICATION")["ModelPackageArn"]
    for v in (1, 2):
        sm.update_model_package(ModelPackageArn=packages[v], ModelApprovalStatus=APPROVAL[v],
                                ApprovalDescription="passed review" if v == 2 else "AUC below 0.85")
    for i in range(extra_packages):  # the benchmark's bulk registry
        sm.create_model_package(
            ModelPackageGroupName=GROUP, ModelPackageDescription=f"bulk {i}",
            InferenceSpecification={"Containers": [{"Image": IMAGE,
                                                    "ModelDataUrl": f"s3://{BUCKET}/bulk/{i}/model.tar.gz"}],
                                    "SupportedContentTypes": ["text/csv"],
                                    "SupportedResponseMIMETypes": ["text/csv"]},
            ModelApprovalStatus="PendingManualApproval")
    model_arn = sm.create_model(ModelName="fraud-detector-v2", ExecutionRoleArn=ROLE,
                                PrimaryContainer={"ModelPackageName": packages[2]})["ModelArn"]
    sm.create_endpoint_config(EndpointConfigName="fraud-scoring-cfg", ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": "fraud-detector-v2", "InitialInstanceCount": 2,
        "InstanceType": "ml.m5.large", "InitialVariantWeight": 1.0}])
    endpoint_arn = sm.create_endpoint(
        EndpointName="fraud-scoring", EndpointConfigName="fraud-scoring-cfg",
        Tags=[{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "risk-ml"}])["EndpointArn"]
    sm.create_transform_job(
        TransformJobName="fraud-nightly-2026-11-30", ModelName="fraud-detector-v2",
        TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
                                                        "S3Uri": f"s3://{BUCKET}/transactions/daily/"}},
                        "ContentType": "text/csv"},
        TransformOutput={"S3OutputPath": f"s3://{BUCKET}/predictions/nightly/"},
        TransformResources={"InstanceType": "ml.m5.large", "InstanceCount": 1},
        Tags=[{"Key": "env", "Value": "prod"}, {"Key": "owner", "Value": "bob"}])
    card = {"model_overview": {"model_description": "Scores card transactions for fraud.",
                               "model_owner": "risk-ml", "problem_type": "Binary Classification",
                               "algorithm_type": "XGBoost"},
            "intended_uses": {"intended_uses": "Flag card transactions for review before settlement.",
                              "risk_rating": "High"},
            "additional_information": {"ethical_considerations": "Check false-positive rates per region.",
                                       "caveats_and_recommendations": "Not for account-opening fraud."},
            "model_package_details": {"model_package_arn": packages[2]}}
    sm.create_model_card(ModelCardName="fraud-detector-card", Content=json.dumps(card),
                         ModelCardStatus="Approved")
    return {"jobs": {v: j["TrainingJobArn"] for v, j in jobs.items()},
            "artifacts": {v: j["ModelArtifacts"]["S3ModelArtifacts"] for v, j in jobs.items()},
            "group": group_arn, "packages": packages, "model": model_arn, "endpoint": endpoint_arn}


EXPECTED = {
    "model": "sagemaker.fraud-detector",
    "versions": {"1": {"status": "Rejected"}, "2": {"status": "Approved", "stage": "Production"},
                 "3": {"status": "PendingManualApproval"}},
    "endpoint": "sagemaker.fraud-scoring",
    "auc": AUC,
}
