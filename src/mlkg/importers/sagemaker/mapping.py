"""SageMaker API responses (the dicts ``describe_*`` returns) → mlkg entities. Pure functions, no boto3.

========================================  ====================================================================
SageMaker                                 mlkg
========================================  ====================================================================
the account and region                    :class:`MLModelService` (``service_type`` SageMaker)
model package group                       :class:`MLModel` (description, tags; ``owner``/``team`` tags →
                                          owners)
model package (a version of a group)      :class:`ModelVersion`: ``ModelPackageVersion`` → name,
                                          ``ModelApprovalStatus`` → status, stage (below), description,
                                          creation time, ``CreatedBy`` → created by, container
                                          ``ModelDataUrl`` → source and store (with the image), framework or
                                          image → algorithm, ``GeneratedBy`` training job → run (its
                                          hyperparameters and final metrics), model-quality report → metrics,
                                          ``CustomerMetadataProperties`` → tags, model card,
                                          approval → ``ComplianceRecord`` "approval" (by, at)
training job                              :class:`TrainingRun`: typed hyperparameters (``sagemaker_*`` ones
                                          left out, ``sagemaker_program`` → code path), ``FinalMetricDataList``
                                          → evaluations (``validation:auc`` → auc on the validation split),
                                          channels → :class:`Dataset` (train → training data, validation and
                                          test → evaluation data), experiment and trial, commit and repository
                                          from the package's ``MetadataProperties``
experiment                                :class:`Experiment`
model not built from a package            :class:`MLModel` without versions (its artifact as store)
endpoint → config → variant → model       :class:`Endpoint` (realtime): status, instance type, traffic share
                                          (variant weight over the sum of weights), environment
                                          from an ``env`` tag, the version (or model) the variant's model
                                          serves
batch transform job                       :class:`Endpoint` (batch) whose output S3 prefix is a
                                          :class:`Dataset` of predictions
model card                                :class:`ModelCard` of the version (or model) it describes
========================================  ====================================================================

Stage: ``ModelLifeCycle.Stage`` when set (Production, Staging, Archived, anything else → none); otherwise an
Approved package that an InService endpoint serves is in Production. Approval stays in ``status``.

Times (the periods of :mod:`mlkg.history.timeline`): SageMaker keeps no history of a package's stage or of an
endpoint's configs, only the time of the last change. A package's ``ModelLifeCycle`` stage is a
:class:`StageAssignment` from ``LastModifiedTime`` (the stage was set by then); a stage mlkg derives from approval
and serving has no time of its own and gets none. An InService (or Updating) endpoint variant serving a package
is a :class:`ServingInterval` from the endpoint's ``LastModifiedTime`` (its current config served from then at the
latest; ``CreationTime`` when absent), open; a batch transform job is one from ``TransformStartTime`` to
``TransformEndTime``. Earlier configs and approvals are the history store's (successive imports).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ... import ids
from ...model import entities as m
from ...model.base import Ref

OWNER_KEYS = {"owner": "user", "owners": "user", "created-by": "user", "team": "team", "owner-team": "team"}
ENV_KEYS = ("env", "environment", "stage")

_ENDPOINT_STATUS = {
    "InService": m.DeploymentStatus.IN_SERVICE, "Creating": m.DeploymentStatus.CREATING,
    "Updating": m.DeploymentStatus.UPDATING, "SystemUpdating": m.DeploymentStatus.UPDATING,
    "RollingBack": m.DeploymentStatus.UPDATING, "UpdateRollbackFailed": m.DeploymentStatus.FAILED,
    "OutOfService": m.DeploymentStatus.OUT_OF_SERVICE, "Deleting": m.DeploymentStatus.DELETING,
    "Failed": m.DeploymentStatus.FAILED,
}
#: Endpoint states in which the current config serves requests.
_SERVING = (m.DeploymentStatus.IN_SERVICE, m.DeploymentStatus.UPDATING)
_TRANSFORM_STATUS = {
    "InProgress": m.DeploymentStatus.CREATING, "Failed": m.DeploymentStatus.FAILED,
    "Stopping": m.DeploymentStatus.OUT_OF_SERVICE, "Stopped": m.DeploymentStatus.OUT_OF_SERVICE,
}


# ---------------------------------------------------------------------------------------------------------------
# Small value mappings
# ---------------------------------------------------------------------------------------------------------------


def split_for(name: str | None) -> m.Split | None:
    """The split a channel or metric prefix names: train(ing), validation/val/valid/eval, test(ing)."""
    n = (name or "").strip().lower()
    if n in ("train", "training"):
        return m.Split.TRAIN
    if n in ("validation", "val", "valid", "eval", "evaluation", "dev"):
        return m.Split.VALIDATION
    if n in ("test", "testing", "holdout"):
        return m.Split.TEST
    return None


def metric_name(name: str) -> tuple[str, m.Split | None]:
    """``validation:auc`` → (``auc``, validation); a name without a split prefix is kept whole.

    >>> metric_name("validation:auc"), metric_name("train:progress"), metric_name("loss")
    (('auc', <Split.VALIDATION: 'validation'>), ('progress', <Split.TRAIN: 'train'>), ('loss', None))
    """
    head, sep, tail = name.partition(":")
    if sep and tail:
        split = split_for(head)
        if split is not None:
            return tail, split
    return name, None


def algorithm_from_image(image: str | None) -> str | None:
    """The framework or algorithm an ECR image names: ``.../sagemaker-xgboost:1.7-1`` → ``xgboost``.

    >>> algorithm_from_image("683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1")
    'xgboost'
    >>> algorithm_from_image("763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.1-gpu-py310")
    'pytorch'
    """
    if not image:
        return None
    repo = image.rsplit("/", 1)[-1].split("@", 1)[0].split(":", 1)[0].lower()
    repo = re.sub(r"^sagemaker-", "", repo)
    repo = re.sub(r"(-(training|inference|serving|cpu|gpu|neuron|neuronx|py3\d*))+$", "", repo)
    return repo or None


def algorithm(containers: Iterable[dict[str, Any]], spec: dict[str, Any] | None = None) -> str | None:
    """Algorithm of a package or model: its container's Framework, else the algorithm name, else the image."""
    cs = list(containers)
    for c in cs:
        if c.get("Framework"):
            return str(c["Framework"]).lower()
    spec = spec or {}
    if spec.get("AlgorithmName"):
        return str(spec["AlgorithmName"]).rsplit("/", 1)[-1]
    for c in cs:
        found = algorithm_from_image(c.get("Image"))
        if found:
            return found
    return algorithm_from_image(spec.get("TrainingImage"))


def artifact_of(container: dict[str, Any]) -> str | None:
    """The model artifact URI of a container: ``ModelDataUrl`` or ``ModelDataSource.S3DataSource.S3Uri``."""
    if container.get("ModelDataUrl"):
        return str(container["ModelDataUrl"])
    s3 = ((container.get("ModelDataSource") or {}).get("S3DataSource") or {})
    return str(s3["S3Uri"]) if s3.get("S3Uri") else None


def stage_of(package: dict[str, Any], *, served_in_service: bool) -> m.Stage | None:
    """The lifecycle stage of a package (see the module notes)."""
    life = (package.get("ModelLifeCycle") or {}).get("Stage")
    if life:
        s = str(life).strip().lower()
        if s.startswith("prod"):
            return m.Stage.PRODUCTION
        if s.startswith("stag"):
            return m.Stage.STAGING
        if s.startswith("archiv"):
            return m.Stage.ARCHIVED
        return None
    if package.get("ModelApprovalStatus") == "Approved" and served_in_service:
        return m.Stage.PRODUCTION
    return None


def hyperparameter(key: str, text: str) -> m.HyperParameter:
    """A typed hyperparameter; the SageMaker Python SDK JSON-encodes values, so ``"adam"`` (quoted) is adam."""
    value: Any = text
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        try:
            value = json.loads(text)
        except ValueError:
            value = text
    hp = m.HyperParameter(name=key, value=str(value))
    return hp if value == text else m.HyperParameter(name=key, value=hp.value, value_text=text)


def user_of(ctx: dict[str, Any] | None) -> Ref | None:
    """Who a ``UserContext`` names: the Studio user profile, else the IAM identity ARN."""
    ctx = ctx or {}
    name = ctx.get("UserProfileName") or (ctx.get("IamIdentity") or {}).get("Arn")
    return Ref(type="user", fqn=str(name)) if name else None


def tags_and_owners(tags: dict[str, str], extra: dict[str, str] | None = None) -> tuple[list[m.TagLabel],
                                                                                         list[Ref]]:
    """Resource tags → (tag labels ``key.value``, owners). ``owner``/``team`` keys are owners; ``aws:`` tags
    (set by AWS itself) are left out."""
    labels: list[m.TagLabel] = []
    owners: list[Ref] = []
    for k, v in sorted({**(extra or {}), **tags}.items()):
        if not k or k.startswith("aws:"):
            continue
        kind = OWNER_KEYS.get(k.lower())
        if kind and v:
            owners.extend(Ref(type=kind, fqn=o.strip()) for o in v.split(",") if o.strip())
            continue
        fqn = ids.fqn_join(k, v) if v else ids.quote_part(k)
        labels.append(m.TagLabel(tag_fqn=fqn, source="Classification", label_type="Automated", state="Confirmed"))
    return labels, owners


def environment_of(tags: dict[str, str]) -> str | None:
    for k in ENV_KEYS:
        for key, v in tags.items():
            if key.lower() == k and v:
                return v
    return None


def quality_metrics(report: Any) -> list[tuple[str, float, float | None]]:
    """(name, value, standard deviation) of each scalar metric of a model-quality statistics report
    (``binary_classification_metrics``, ``multiclass_classification_metrics``, ``regression_metrics``)."""
    out: list[tuple[str, float, float | None]] = []
    if not isinstance(report, dict):
        return out
    for section, metrics in sorted(report.items()):
        if not section.endswith("_metrics") or not isinstance(metrics, dict):
            continue
        for name, val in sorted(metrics.items()):
            if isinstance(val, dict) and isinstance(val.get("value"), (int, float)) and not isinstance(
                    val.get("value"), bool):
                sd = val.get("standard_deviation")
                out.append((name, float(val["value"]), float(sd) if isinstance(sd, (int, float)) else None))
    return out


def model_card(content: Any, *, url: str | None = None) -> m.ModelCard | None:
    """A SageMaker model card's JSON content (its published schema) → :class:`ModelCard`."""
    if isinstance(content, str):
        content = json.loads(content)
    if not isinstance(content, dict):
        return None
    uses = content.get("intended_uses") or {}
    info = content.get("additional_information") or {}
    risks = []
    if uses.get("risk_rating"):
        risks.append(m.Risk(name="risk_rating", severity=str(uses["risk_rating"]).lower(),
                            description=uses.get("explanations_for_risk_rating") or None))
    return m.ModelCard(
        url=url, intended_use=uses.get("intended_uses") or uses.get("purpose_of_model") or None,
        limitations=info.get("caveats_and_recommendations") or None,
        ethical_considerations=info.get("ethical_considerations") or None,
        description=(content.get("model_overview") or {}).get("model_description") or None,
        risks=risks)


def card_targets(content: Any) -> tuple[str | None, str | None]:
    """(model package ARN, model id/ARN) a model card's content says it describes."""
    if isinstance(content, str):
        try:
            content = json.loads(content)
        except ValueError:
            return None, None
    if not isinstance(content, dict):
        return None, None
    pkg = (content.get("model_package_details") or {}).get("model_package_arn")
    model = (content.get("model_overview") or {}).get("model_id")
    return (str(pkg) if pkg else None), (str(model) if model else None)


def when(value: Any) -> datetime | None:
    return value if isinstance(value, datetime) else None


# ---------------------------------------------------------------------------------------------------------------
# Names: one place for the FQNs of the nodes this importer creates
# ---------------------------------------------------------------------------------------------------------------


class Names:
    def __init__(self, service: str) -> None:
        self.service = ids.quote_part(service)

    def model(self, name: str) -> str:
        return ids.fqn_child(self.service, name)

    def version(self, group: str, version: int | str) -> str:
        return ids.fqn_child(self.model(group), str(version))

    def run(self, job: str) -> str:
        return ids.fqn_child(self.service, job)

    def experiment(self, name: str) -> str:
        return ids.fqn_child(self.service, name)

    def dataset(self, uri: str) -> str:
        return ids.fqn_child(self.service, uri)

    def endpoint(self, name: str, variant: str | None = None) -> str:
        return ids.fqn_child(self.service, name, variant or "")


def dataset(names: Names, uri: str, *, description: str | None = None) -> m.Dataset:
    return m.Dataset(name=uri, fqn=names.dataset(uri), source=uri,
                     source_type=uri.split("://", 1)[0] if "://" in uri else None, description=description)


# ---------------------------------------------------------------------------------------------------------------
# Entities
# ---------------------------------------------------------------------------------------------------------------


def training_run(names: Names, job: dict[str, Any], *, tags: dict[str, str],
                 code: dict[str, Any] | None = None) -> tuple[m.TrainingRun, list[m.Dataset]]:
    """A training job and the datasets of its S3 channels."""
    name = str(job["TrainingJobName"])
    datasets: list[m.Dataset] = []
    train: list[Ref] = []
    evaluation: list[Ref] = []
    by_split: dict[m.Split, Ref] = {}
    for ch in job.get("InputDataConfig") or []:
        uri = ((ch.get("DataSource") or {}).get("S3DataSource") or {}).get("S3Uri")
        if not uri:
            continue
        ds = dataset(names, str(uri))
        datasets.append(ds)
        ref = Ref(type="dataset", fqn=ds.fqn)
        split = split_for(ch.get("ChannelName"))
        if split is not None:
            by_split.setdefault(split, ref)
        (train if split in (None, m.Split.TRAIN) else evaluation).append(ref)
    metrics = []
    for md in job.get("FinalMetricDataList") or []:
        if not isinstance(md.get("Value"), (int, float)) or not md.get("MetricName"):
            continue
        mname, split = metric_name(str(md["MetricName"]))
        metrics.append(m.Evaluation(name=mname, value=float(md["Value"]), split=split,
                                    dataset=by_split.get(split) if split else None,
                                    timestamp=when(md.get("Timestamp"))))
    hp = job.get("HyperParameters") or {}
    program = hp.get("sagemaker_program")
    exp = job.get("ExperimentConfig") or {}
    extra = {"trial": exp["TrialName"]} if exp.get("TrialName") else {}
    labels, owners = tags_and_owners(tags, extra)
    code = code or {}
    repo = code.get("Repository")
    run = m.TrainingRun(
        name=name, fqn=names.run(name),
        experiment=Ref(type="experiment", fqn=names.experiment(exp["ExperimentName"]))
        if exp.get("ExperimentName") else None,
        status=job.get("TrainingJobStatus") or None,
        started_at=when(job.get("TrainingStartTime")) or when(job.get("CreationTime")),
        ended_at=when(job.get("TrainingEndTime")),
        code_path=str(hyperparameter("sagemaker_program", program).value) if program else None,
        code_commit=code.get("CommitId") or None,
        code_repository=repo if repo and "://" in str(repo) else None,
        description=job.get("FailureReason") or None,
        training_datasets=train, evaluation_datasets=evaluation,
        params=[hyperparameter(k, str(v)) for k, v in sorted(hp.items()) if not k.startswith("sagemaker_")],
        metrics=metrics, tags=labels, owners=owners)
    return run, datasets


def version(names: Names, group: str, package: dict[str, Any], *, previous: str | None, stage: m.Stage | None,
            run: m.TrainingRun | None, run_name: str | None, metrics: list[m.Evaluation], tags: dict[str, str],
            card: m.ModelCard | None, approval: m.ComplianceRecord | None = None) -> m.ModelVersion:
    """A versioned model package."""
    label = str(package["ModelPackageVersion"])
    containers = list((package.get("InferenceSpecification") or {}).get("Containers") or [])
    artifact = next((a for a in (artifact_of(c) for c in containers) if a), None)
    image = next((c.get("Image") for c in containers if c.get("Image")), None)
    labels, owners = tags_and_owners(tags, {k: str(v) for k, v in (package.get(
        "CustomerMetadataProperties") or {}).items()})
    # the platform's own stage, from its last change (see the module notes)
    life = (package.get("ModelLifeCycle") or {}).get("Stage")
    changed = when(package.get("LastModifiedTime"))
    stages = [m.StageAssignment(stage=stage, started_at=changed,
                                times_from="SageMaker DescribeModelPackage.LastModifiedTime (ModelLifeCycle.Stage)")
              ] if life and stage is not None and changed is not None else []
    # the training job's final metrics and hyperparameters are the version's too (as nodes of the version)
    run_metrics = [dataclasses.replace(e, fqn=None) for e in run.metrics] if run is not None else []
    run_params = [dataclasses.replace(h, fqn=None) for h in run.params] if run is not None else []
    return m.ModelVersion(
        name=label, fqn=names.version(group, label), stage=stage,
        status=package.get("ModelApprovalStatus") or None,
        description=package.get("ModelPackageDescription") or None,
        created_at=when(package.get("CreationTime")), created_by=user_of(package.get("CreatedBy")),
        source=artifact, ml_store=m.ModelStore(storage=artifact, image_repository=image)
        if artifact or image else None,
        algorithm=algorithm(containers, package.get("SourceAlgorithmSpecification", {}).get(
            "SourceAlgorithms", [{}])[0] if package.get("SourceAlgorithmSpecification") else None),
        run=Ref(type="trainingRun", fqn=names.run(run_name)) if run_name else None,
        previous_version=Ref(type="modelVersion", fqn=names.version(group, previous)) if previous else None,
        ml_hyper_parameters=run_params, metrics=[*metrics, *run_metrics], tags=labels, owners=owners, model_card=card,
        compliance=[approval] if approval is not None else [], stage_history=stages)


def model(names: Names, group: dict[str, Any], versions: list[m.ModelVersion], *,
          tags: dict[str, str]) -> m.MLModel:
    """A model package group with its versions."""
    labels, owners = tags_and_owners(tags)
    latest = versions[-1] if versions else None
    name = str(group["ModelPackageGroupName"])
    return m.MLModel(
        name=name, fqn=names.model(name), service=Ref(type="mlmodelService", fqn=names.service),
        service_type=m.PlatformType.SAGEMAKER, description=group.get("ModelPackageGroupDescription") or None,
        versions=versions, tags=labels, owners=owners,
        algorithm=latest.algorithm if latest else None,
        ml_hyper_parameters=list(latest.ml_hyper_parameters) if latest else [],
        ml_store=latest.ml_store if latest else None)


def plain_model(names: Names, desc: dict[str, Any], *, tags: dict[str, str],
                card: m.ModelCard | None = None) -> m.MLModel:
    """A SageMaker model that is not built from a model package."""
    containers = [c for c in [desc.get("PrimaryContainer") or {}, *(desc.get("Containers") or [])] if c]
    artifact = next((a for a in (artifact_of(c) for c in containers) if a), None)
    image = next((c.get("Image") for c in containers if c.get("Image")), None)
    labels, owners = tags_and_owners(tags)
    name = str(desc["ModelName"])
    return m.MLModel(
        name=name, fqn=names.model(name), service=Ref(type="mlmodelService", fqn=names.service),
        service_type=m.PlatformType.SAGEMAKER, algorithm=algorithm(containers), tags=labels, owners=owners,
        ml_store=m.ModelStore(storage=artifact, image_repository=image) if artifact or image else None,
        model_card=card)


def traffic(desc: dict[str, Any], config: dict[str, Any]) -> dict[str, float]:
    """Each production variant's share of the endpoint's traffic in percent: its weight (the endpoint's
    ``CurrentWeight``, else the config's ``InitialVariantWeight``) over the sum of the weights."""
    weights: dict[str, float] = {}
    current = {v.get("VariantName"): v.get("CurrentWeight") for v in desc.get("ProductionVariants") or []}
    for v in config.get("ProductionVariants") or []:
        name = v.get("VariantName")
        w = current.get(name) if isinstance(current.get(name), (int, float)) else v.get("InitialVariantWeight", 1.0)
        weights[str(name)] = float(w) if isinstance(w, (int, float)) else 1.0
    total = sum(weights.values())
    return {k: round(100 * w / total, 4) for k, w in weights.items()} if total > 0 else {}


def endpoint(names: Names, desc: dict[str, Any], variant: dict[str, Any], *, several: bool,
             serves: tuple[Ref | None, Ref | None], tags: dict[str, str], region: str,
             share: float | None = None) -> m.Endpoint:
    """One production variant of an endpoint (the endpoint itself when it has one variant)."""
    ep_name = str(desc["EndpointName"])
    vname = str(variant.get("VariantName") or "")
    labels, owners = tags_and_owners(tags)
    model_ref, version_ref = serves
    url = (f"https://runtime.sagemaker.{region}.amazonaws.com/endpoints/{ep_name}/invocations"
           if region else None)
    status = _ENDPOINT_STATUS.get(str(desc.get("EndpointStatus")))
    since, stamp = (when(desc.get("LastModifiedTime")), "LastModifiedTime") if desc.get("LastModifiedTime") else (
        when(desc.get("CreationTime")), "CreationTime")
    serving = [m.ServingInterval(model_version=version_ref, traffic_percentage=share, started_at=since,
                                 times_from=f"SageMaker DescribeEndpoint.{stamp}")] if (
        version_ref is not None and since is not None and status in _SERVING) else []
    return m.Endpoint(
        name=f"{ep_name}/{vname}" if several else ep_name,
        fqn=names.endpoint(ep_name, vname if several else None),
        display_name=f"{ep_name} ({vname})" if several else None,
        deployment_type=m.DeploymentType.REALTIME, status=status, serving_history=serving,
        environment=environment_of(tags), service=Ref(type="mlmodelService", fqn=names.service),
        model=model_ref, model_version=version_ref, instance_type=variant.get("InstanceType") or None,
        traffic_percentage=share, deployed_at=when(desc.get("CreationTime")), url=url, tags=labels, owners=owners,
        description=desc.get("FailureReason") or None)


def batch_deployment(names: Names, job: dict[str, Any], *, serves: tuple[Ref | None, Ref | None],
                     tags: dict[str, str]) -> tuple[m.Endpoint, list[m.Dataset]]:
    """A batch transform job and the dataset of the predictions it wrote."""
    name = str(job["TransformJobName"])
    out_uri = (job.get("TransformOutput") or {}).get("S3OutputPath")
    datasets = [dataset(names, str(out_uri), description=f"Predictions of batch transform job {name}")] \
        if out_uri else []
    labels, owners = tags_and_owners(tags)
    model_ref, version_ref = serves
    start, end = when(job.get("TransformStartTime")), when(job.get("TransformEndTime"))
    serving = [m.ServingInterval(model_version=version_ref, started_at=start, ended_at=end,
                                 times_from="SageMaker DescribeTransformJob.TransformStartTime/TransformEndTime")
               ] if version_ref is not None and start is not None and job.get("TransformJobStatus") != "Failed" else []
    return m.Endpoint(
        name=name, fqn=names.endpoint(name), deployment_type=m.DeploymentType.BATCH, serving_history=serving,
        status=_TRANSFORM_STATUS.get(str(job.get("TransformJobStatus"))),
        environment=environment_of(tags), service=Ref(type="mlmodelService", fqn=names.service),
        model=model_ref, model_version=version_ref,
        instance_type=(job.get("TransformResources") or {}).get("InstanceType") or None,
        deployed_at=when(job.get("TransformStartTime")) or when(job.get("CreationTime")),
        predictions=[Ref(type="dataset", fqn=d.fqn) for d in datasets], tags=labels, owners=owners,
        description=job.get("FailureReason") or None), datasets
