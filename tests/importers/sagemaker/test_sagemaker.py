"""SageMaker importer against boto3's own objects: moto in process (the estate of ``estate.py``), botocore's
Stubber for the fields moto drops (every canned response is checked against botocore's service model), and a
loopback server speaking SageMaker's JSON protocol for refused credentials and throttling.

The graph of the estate is compared with the golden file ``golden/estate.ttl`` (``MLKG_UPDATE_SNAPSHOTS=1``
rewrites it) and with hand-written expectations taken from what ``estate.build`` sends.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any

import pytest
import sagemaker_estate as estate
from sagemaker_fake import FakeSageMaker, aws_error, empty_estate

from mlkg.importers import SourceUnavailable, get
from mlkg.importers.sagemaker import SageMakerConfig, SageMakerImporter
from mlkg.importers.sagemaker import mapping as mp
from mlkg.model import entities as m

pytest.importorskip("boto3")


def run(config: SageMakerConfig | None = None, **kw: Any) -> tuple[list[m.Entity], Any]:
    imp = SageMakerImporter(config or SageMakerConfig(), **kw)
    return imp.run(), imp.report


def by_type(ents: list[m.Entity], cls: type) -> dict[str, Any]:
    return {e.fqn: e for e in ents if type(e) is cls}


def test_paging_reads_every_package(aws_env: None) -> None:
    """Page size 2 over 7 packages: list_model_packages follows NextToken to the end."""
    pytest.importorskip("moto")
    import boto3
    from moto import mock_aws

    with mock_aws():
        info = estate.build(boto3.client("sagemaker"), boto3.client("s3"), extra_packages=4)
        ents, report = run(SageMakerConfig(page_size=2, endpoints=False, transform_jobs=False))
    model = by_type(ents, m.MLModel)["sagemaker.fraud-detector"]
    assert [v.name for v in model.versions] == [str(i) for i in range(1, 8)]
    assert len(info["packages"]) == 3


# ---------------------------------------------------------------------------------------------------------------
# botocore Stubber: what moto drops (FinalMetricDataList values, CustomerMetadataProperties, ModelLifeCycle)
# ---------------------------------------------------------------------------------------------------------------


def test_fields_moto_drops_through_the_stubber(aws_env: None) -> None:
    import boto3
    from botocore.stub import Stubber

    sm = boto3.client("sagemaker", region_name="eu-west-1")
    t = datetime(2026, 10, 1, 9, 30, tzinfo=UTC)
    arn = "arn:aws:sagemaker:eu-west-1:111122223333"
    pkg = {
        "ModelPackageName": "churn", "ModelPackageGroupName": "churn", "ModelPackageVersion": 4,
        "ModelPackageArn": f"{arn}:model-package/churn/4", "CreationTime": t,
        "ModelPackageStatus": "Completed",
        "ModelPackageStatusDetails": {"ValidationStatuses": []},
        "ModelApprovalStatus": "Approved",
        "InferenceSpecification": {"Containers": [{
            "Image": "763104351884.dkr.ecr.eu-west-1.amazonaws.com/pytorch-inference:2.1-cpu-py310",
            "ModelDataSource": {"S3DataSource": {"S3Uri": "s3://ml/churn/4/", "S3DataType": "S3Prefix",
                                                 "CompressionType": "None"}}}],
            "SupportedContentTypes": ["application/json"], "SupportedResponseMIMETypes": ["application/json"]},
        "CustomerMetadataProperties": {"owner": "carol", "data_snapshot": "2026-09"},
        "ModelLifeCycle": {"Stage": "Staging", "StageStatus": "Approved"},
        "LastModifiedTime": datetime(2026, 10, 3, 14, 0, tzinfo=UTC),
        "CreatedBy": {"IamIdentity": {"Arn": "arn:aws:sts::111122223333:assumed-role/ml/carol"}},
        "MetadataProperties": {"GeneratedBy": f"{arn}:training-job/churn-4"},
    }
    job = {
        "TrainingJobName": "churn-4", "TrainingJobArn": f"{arn}:training-job/churn-4",
        "ModelArtifacts": {"S3ModelArtifacts": "s3://ml/churn/4/model.tar.gz"},
        "TrainingJobStatus": "Completed", "SecondaryStatus": "Completed",
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600}, "CreationTime": t,
        "HyperParameters": {"lr": "0.001", "optimizer": '"adam"', "epochs": "20"},
        "AlgorithmSpecification": {"TrainingImage": "763104351884.dkr.ecr.eu-west-1.amazonaws.com/"
                                                    "pytorch-training:2.1-gpu-py310", "TrainingInputMode": "File"},
        "InputDataConfig": [{"ChannelName": "training", "DataSource": {"S3DataSource": {
            "S3DataType": "S3Prefix", "S3Uri": "s3://ml/churn/data/train/"}}}],
        "FinalMetricDataList": [{"MetricName": "validation:auc", "Value": 0.912, "Timestamp": t},
                                {"MetricName": "train:loss", "Value": 0.21, "Timestamp": t}],
    }
    with Stubber(sm) as stub:
        stub.add_response("list_model_package_groups", {"ModelPackageGroupSummaryList": [{
            "ModelPackageGroupName": "churn", "ModelPackageGroupArn": f"{arn}:model-package-group/churn",
            "CreationTime": t, "ModelPackageGroupStatus": "Completed"}]}, {"MaxResults": 100})
        stub.add_response("list_model_packages", {"ModelPackageSummaryList": [{
            "ModelPackageName": "churn", "ModelPackageArn": pkg["ModelPackageArn"], "ModelPackageVersion": 4,
            "CreationTime": t, "ModelPackageStatus": "Completed"}]},
            {"ModelPackageGroupName": "churn", "ModelPackageType": "Versioned", "MaxResults": 100})
        stub.add_response("describe_model_package", pkg, {"ModelPackageName": pkg["ModelPackageArn"]})
        stub.add_response("describe_training_job", job, {"TrainingJobName": "churn-4"})
        ents, report = run(SageMakerConfig(endpoints=False, transform_jobs=False, model_cards=False, tags=False),
                           client=sm)
        stub.assert_no_pending_responses()
    assert not report.problems, report.text()
    v = by_type(ents, m.MLModel)["sagemaker.churn"].versions[0]
    assert v.name == "4" and v.stage is m.Stage.STAGING and v.status == "Approved"
    # the lifecycle stage is a period from the package's last change (SageMaker keeps no stage history)
    assert [(s.stage, s.started_at, s.ended_at, s.times_from) for s in v.stage_history] == [
        (m.Stage.STAGING, datetime(2026, 10, 3, 14, 0, tzinfo=UTC), None,
         "SageMaker DescribeModelPackage.LastModifiedTime (ModelLifeCycle.Stage)")]
    assert v.source == "s3://ml/churn/4/" and v.algorithm == "pytorch"
    assert v.created_by.fqn == "arn:aws:sts::111122223333:assumed-role/ml/carol"
    assert [o.fqn for o in v.owners] == ["carol"] and [t.tag_fqn for t in v.tags] == ["data_snapshot.2026-09"]
    assert {(e.name, e.split, e.value) for e in v.metrics} == {("auc", m.Split.VALIDATION, 0.912),
                                                               ("loss", m.Split.TRAIN, 0.21)}
    run_ = by_type(ents, m.TrainingRun)["sagemaker.churn-4"]
    assert {p.name: p.value for p in run_.params} == {"lr": 0.001, "optimizer": "adam", "epochs": 20}
    assert [p.value_text for p in run_.params if p.name == "optimizer"] == ['"adam"']
    assert [d.fqn for d in run_.training_datasets] == ["sagemaker.s3://ml/churn/data/train/"]


def test_the_stubber_rejects_a_response_that_is_not_the_service_shape(aws_env: None) -> None:
    """The check the fixtures above rely on: a canned response must match botocore's output shape."""
    import boto3
    from botocore.exceptions import ParamValidationError
    from botocore.stub import Stubber

    sm = boto3.client("sagemaker", region_name="eu-west-1")
    with Stubber(sm) as stub, pytest.raises(ParamValidationError, match="FinalMetricList"):
        stub.add_response("describe_training_job", {"TrainingJobName": "x", "FinalMetricList": []})


# ---------------------------------------------------------------------------------------------------------------
# Errors: one clear line, nothing written
# ---------------------------------------------------------------------------------------------------------------


def test_refused_credentials_are_one_line(aws_env: None) -> None:
    def refuse(op: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return aws_error("UnrecognizedClientException", "The security token included in the request is invalid.")

    with FakeSageMaker(refuse) as url:
        with pytest.raises(SourceUnavailable) as e:
            run(SageMakerConfig(endpoint_url=url, max_attempts=2))
    msg = str(e.value)
    assert "AWS refused the credentials (UnrecognizedClientException: The security token included" in msg
    assert "\n" not in msg and "testing" not in msg


def test_no_credentials_at_all(aws_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with FakeSageMaker(empty_estate) as url:
        with pytest.raises(SourceUnavailable, match="no usable AWS credentials"):
            run(SageMakerConfig(endpoint_url=url))


def test_unknown_profile(aws_env: None) -> None:
    with pytest.raises(SourceUnavailable, match="The config profile \\(nope\\) could not be found"):
        run(SageMakerConfig(profile="nope"))


def test_unreachable_endpoint(aws_env: None) -> None:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    with pytest.raises(SourceUnavailable, match=r"cannot reach the SageMaker endpoint after 2 attempts"):
        run(SageMakerConfig(endpoint_url=f"http://127.0.0.1:{port}", max_attempts=2, timeout=2))


def test_not_an_endpoint_url(aws_env: None) -> None:
    with pytest.raises(SourceUnavailable, match="is not an http"):
        run(SageMakerConfig(endpoint_url="127.0.0.1:5000"))


def test_throttling_is_retried_with_back_off(aws_env: None) -> None:
    seen = {"n": 0}

    def throttle_twice(op: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if op == "ListModelPackageGroups" and seen["n"] < 2:
            seen["n"] += 1
            return aws_error("ThrottlingException", "Rate exceeded")
        return empty_estate(op, body)

    fake = FakeSageMaker(throttle_twice)
    with fake as url:
        ents, report = run(SageMakerConfig(endpoint_url=url, max_attempts=3))
    assert fake.calls[:3] == ["ListModelPackageGroups"] * 3  # two throttled, the third answered
    assert [type(e) for e in ents] == [m.MLModelService] and not report.problems


@pytest.mark.slow
def test_throttling_that_outlasts_the_retries(aws_env: None) -> None:
    def always(op: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        return aws_error("ThrottlingException", "Rate exceeded")

    fake = FakeSageMaker(always)
    with fake as url, pytest.raises(SourceUnavailable, match="still throttled after 2 attempts with back-off"):
        run(SageMakerConfig(endpoint_url=url, max_attempts=2))
    assert fake.calls == ["ListModelPackageGroups"] * 2


def test_one_failing_item_is_isolated(aws_env: None) -> None:
    """A package that fails to describe is a failure of that item; the rest is imported."""
    t = "2026-01-01T00:00:00Z"

    def handler(op: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if op == "ListModelPackageGroups":
            return 200, {"ModelPackageGroupSummaryList": [{
                "ModelPackageGroupName": "g", "ModelPackageGroupArn": "arn:aws:sagemaker:us-east-1:1:"
                "model-package-group/g", "CreationTime": t, "ModelPackageGroupStatus": "Completed"}]}
        if op == "ListModelPackages":
            return 200, {"ModelPackageSummaryList": [
                {"ModelPackageArn": f"arn:aws:sagemaker:us-east-1:1:model-package/g/{v}", "ModelPackageName": "g",
                 "ModelPackageVersion": v, "CreationTime": t, "ModelPackageStatus": "Completed"} for v in (1, 2)]}
        if op == "DescribeModelPackage":
            if body["ModelPackageName"].endswith("/1"):
                return aws_error("ValidationException", "Model package g/1 does not exist.")
            return 200, {"ModelPackageName": "g", "ModelPackageGroupName": "g", "ModelPackageVersion": 2,
                         "ModelPackageArn": body["ModelPackageName"], "CreationTime": t,
                         "ModelPackageStatus": "Completed", "ModelPackageStatusDetails": {}}
        return empty_estate(op, body)

    with FakeSageMaker(handler) as url:
        ents, report = run(SageMakerConfig(endpoint_url=url, tags=False))
    assert [v.name for v in by_type(ents, m.MLModel)["sagemaker.g"].versions] == ["2"]
    assert [f.item for f in report.failures] == ["model package g/1"]
    assert "ValidationException" in report.failures[0].message


def test_a_missing_sdk_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)
    with pytest.raises(SourceUnavailable, match=r"pip install 'mlkg\[sagemaker\]'"):
        run()


def test_config_is_checked() -> None:
    from mlkg.errors import InputError

    with pytest.raises(InputError, match="page_size: 500 is too large"):
        SageMakerConfig(page_size=500)
    assert get("sagemaker") is SageMakerImporter


# ---------------------------------------------------------------------------------------------------------------
# Pure mappings
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("image,algo", [
    ("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1", "xgboost"),
    ("763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1-gpu-py310", "pytorch"),
    ("246618743249.dkr.ecr.us-west-2.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3", "scikit-learn"),
    ("123.dkr.ecr.eu-west-1.amazonaws.com/my-model@sha256:abc", "my-model"),
])
def test_algorithm_from_image(image: str, algo: str) -> None:
    assert mp.algorithm_from_image(image) == algo


def test_stage_mapping() -> None:
    assert mp.stage_of({"ModelLifeCycle": {"Stage": "Production"}}, served_in_service=False) is m.Stage.PRODUCTION
    assert mp.stage_of({"ModelLifeCycle": {"Stage": "Development"}, "ModelApprovalStatus": "Approved"},
                       served_in_service=True) is None
    assert mp.stage_of({"ModelApprovalStatus": "Approved"}, served_in_service=True) is m.Stage.PRODUCTION
    assert mp.stage_of({"ModelApprovalStatus": "Approved"}, served_in_service=False) is None
    assert mp.stage_of({"ModelApprovalStatus": "Rejected"}, served_in_service=True) is None


def test_quality_report_keeps_scalar_metrics_only() -> None:
    assert mp.quality_metrics(estate.quality_report(0.9)) == [("accuracy", 1.0, 0.002), ("auc", 0.9, 0.004)]
    assert mp.quality_metrics(["not", "a", "report"]) == []
