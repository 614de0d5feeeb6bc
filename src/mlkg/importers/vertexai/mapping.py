"""Vertex AI REST resources (camelCase JSON dicts, as the API and ``gcloud ... --format=json`` give) → mlkg.

==========================================  ==================================================================
Vertex AI                                   mlkg
==========================================  ==================================================================
the project and location                    :class:`MLModelService` (``service_type`` VertexAI)
model (all its versions)                    :class:`MLModel`: display name, description, labels (``owner``/
                                            ``team`` → owners), explanation-spec inputs → :class:`Feature`
model version                               :class:`ModelVersion`: version id, aliases, version description
                                            and creation time, artifact URI and container image (store),
                                            prebuilt container → algorithm, training pipeline → run,
                                            features, evaluations
model evaluation (and its slices)           :class:`Evaluation` per scalar metric (``auRoc`` → AUC), slices as
                                            ``dimension=value``
endpoint and each deployed model            :class:`Endpoint` (realtime, InService): the version served,
                                            machine type, its traffic split share, ``env`` label → environment
training pipeline / custom job              :class:`TrainingRun`: state, start and end, dataset id →
                                            :class:`Dataset`, scalar task inputs and hyperparameters → params
ML Metadata ``system.Experiment``           :class:`Experiment`
ML Metadata ``system.ExperimentRun``        :class:`TrainingRun` with ``_params`` and ``_metrics``
==========================================  ==================================================================

Times (the periods of :mod:`mlkg.history.timeline`): a deployed model is a :class:`ServingInterval` of its
endpoint from its ``createTime`` (when it was deployed), open, with its current traffic share (Vertex AI keeps no
history of the split, nor an undeploy time: a model undeployed since is absent, and the history store's successive
imports close its interval). Version aliases carry no time of their own (``versionUpdateTime`` is any change of
the version), so they get no :class:`AliasAssignment`.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from ... import ids
from ...model import entities as m
from ...model.base import Ref

OWNER_KEYS = {"owner": "user", "owners": "user", "created-by": "user", "team": "team"}
ENV_KEYS = ("env", "environment", "stage")
_RESOURCE = re.compile(
    r"^projects/(?P<project>[^/]+)/locations/(?P<location>[^/]+)/"
    r"(?:(?P<kind>models|endpoints|trainingPipelines|customJobs|datasets)/(?P<id>[^/@]+)(?:@(?P<version>[^/]+))?"
    r"(?:/evaluations/(?P<evaluation>[^/]+)(?:/slices/(?P<slice>[^/]+))?)?"
    r"|metadataStores/(?P<store>[^/]+)/(?P<mdkind>contexts|artifacts|executions)/(?P<mdid>[^/]+))$")


def parse_name(name: str) -> dict[str, str | None] | None:
    """The parts of a Vertex AI resource name, or None.

    >>> p = parse_name("projects/1/locations/eu/models/7@2/evaluations/9")
    >>> p["kind"], p["id"], p["version"], p["evaluation"]
    ('models', '7', '2', '9')
    """
    match = _RESOURCE.match(name or "")
    return match.groupdict() if match else None


def kind_of(resource: dict[str, Any]) -> str | None:
    """model, evaluation, slice, endpoint, trainingPipeline, customJob, context, artifact, execution or None."""
    p = parse_name(str(resource.get("name") or ""))
    if p is None:
        return None
    if p["mdkind"]:
        return str(p["mdkind"])[:-1]
    if p["slice"]:
        return "slice"
    if p["evaluation"]:
        return "evaluation"
    return {"models": "model", "endpoints": "endpoint", "trainingPipelines": "trainingPipeline",
            "customJobs": "customJob", "datasets": "dataset"}.get(str(p["kind"]))


def when(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def labels_to_tags(labels: dict[str, str] | None) -> tuple[list[m.TagLabel], list[Ref]]:
    tags, owners = [], []
    for k, v in sorted((labels or {}).items()):
        kind = OWNER_KEYS.get(k.lower())
        if kind and v:
            owners.append(Ref(type=kind, fqn=str(v)))
            continue
        fqn = ids.fqn_join(k, str(v)) if v else ids.quote_part(k)
        tags.append(m.TagLabel(tag_fqn=fqn, source="Classification", label_type="Automated", state="Confirmed"))
    return tags, owners


def environment_of(labels: dict[str, str] | None) -> str | None:
    for k in ENV_KEYS:
        for key, v in (labels or {}).items():
            if key.lower() == k and v:
                return str(v)
    return None


def algorithm_from_image(image: str | None) -> str | None:
    """The framework of a Vertex AI prebuilt container (``.../vertex-ai/prediction/sklearn-cpu.1-3`` → sklearn,
    ``xgboost-cpu.1-7`` → xgboost, ``tf2-gpu.2-15`` → tensorflow); None for a custom image.

    >>> algorithm_from_image("europe-docker.pkg.dev/vertex-ai/prediction/sklearn-cpu.1-3:latest")
    'sklearn'
    """
    if not image or "/vertex-ai/" not in image:
        return None
    repo = image.rsplit("/", 1)[-1].split(":", 1)[0].split("@", 1)[0]
    base = re.sub(r"[.-]\d.*$", "", repo.split(".", 1)[0])
    base = re.sub(r"-(cpu|gpu|tpu)$", "", base)
    return {"tf2": "tensorflow", "tf": "tensorflow"}.get(base, base) or None


def scalar_metrics(metrics: Any, prefix: str = "") -> list[tuple[str, float]]:
    """The numeric top-level entries of a metrics Struct (nested lists such as confidenceMetrics left out)."""
    out = []
    if isinstance(metrics, dict):
        for k, v in sorted(metrics.items()):
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                out.append((prefix + k, float(v)))
    return out


def hyperparameters(values: Any) -> list[m.HyperParameter]:
    out = []
    if isinstance(values, dict):
        for k, v in sorted(values.items()):
            if isinstance(v, bool) or isinstance(v, (int, float, str)):
                if isinstance(v, float) and v.is_integer() and not isinstance(v, bool):
                    v = int(v)  # a Struct holds every number as a double
                out.append(m.HyperParameter(name=str(k), value=v))
    return out


class Names:
    def __init__(self, service: str) -> None:
        self.service = ids.quote_part(service)

    def model(self, name: str) -> str:
        return ids.fqn_child(self.service, name)

    def version(self, model: str, version: str) -> str:
        return ids.fqn_child(self.model(model), version)

    def run(self, rid: str) -> str:
        return ids.fqn_child(self.service, rid)

    def experiment(self, name: str) -> str:
        return ids.fqn_child(self.service, name)

    def dataset(self, did: str) -> str:
        return ids.fqn_child(self.service, did)

    def endpoint(self, name: str, deployed: str | None = None) -> str:
        return ids.fqn_child(self.service, name, deployed or "")


def _id(name: str) -> str:
    return str(name).rstrip("/").rsplit("/", 1)[-1]


def evaluation_metrics(evaluations: list[dict[str, Any]], slices: list[dict[str, Any]]) -> list[m.Evaluation]:
    out = []
    for ev in evaluations:
        for name, value in scalar_metrics(ev.get("metrics")):
            out.append(m.Evaluation(name=name, value=value, timestamp=when(ev.get("createTime"))))
    for sl in slices:
        s = sl.get("slice") or {}
        label = f"{s.get('dimension')}={s.get('value')}" if s.get("dimension") else None
        for name, value in scalar_metrics(sl.get("metrics")):
            out.append(m.Evaluation(name=name, value=value, slice=label, timestamp=when(sl.get("createTime"))))
    return out


def version(names: Names, model_name: str, res: dict[str, Any], *, previous: str | None,
            metrics: list[m.Evaluation], features: list[str]) -> m.ModelVersion:
    label = str(res.get("versionId") or "1")
    image = (res.get("containerSpec") or {}).get("imageUri")
    artifact = res.get("artifactUri") or None
    tags, owners = labels_to_tags(res.get("labels"))
    pipeline = res.get("trainingPipeline")
    return m.ModelVersion(
        name=label, fqn=names.version(model_name, label), aliases=sorted(res.get("versionAliases") or []),
        description=res.get("versionDescription") or None,
        created_at=when(res.get("versionCreateTime")) or when(res.get("createTime")),
        source=artifact, ml_store=m.ModelStore(storage=artifact, image_repository=image) if artifact or image
        else None,
        algorithm=algorithm_from_image(image),
        run=Ref(type="trainingRun", fqn=names.run(_id(pipeline))) if pipeline else None,
        previous_version=Ref(type="modelVersion", fqn=names.version(model_name, previous)) if previous else None,
        features=[Ref(type="mlFeature", fqn=ids.fqn_child(names.model(model_name), f)) for f in features],
        metrics=metrics, tags=tags, owners=owners)


def model(names: Names, model_name: str, versions: list[m.ModelVersion], latest: dict[str, Any],
          features: list[str]) -> m.MLModel:
    tags, owners = labels_to_tags(latest.get("labels"))
    last = versions[-1] if versions else None
    return m.MLModel(
        name=model_name, fqn=names.model(model_name), service=Ref(type="mlmodelService", fqn=names.service),
        service_type=m.PlatformType.VERTEX_AI, description=latest.get("description") or None, tags=tags,
        owners=owners, versions=versions,
        ml_features=[m.Feature(name=f, fqn=ids.fqn_child(names.model(model_name), f))
                     for f in features],
        algorithm=last.algorithm if last else None, ml_store=last.ml_store if last else None)


def features_of(res: dict[str, Any]) -> list[str]:
    inputs = ((res.get("explanationSpec") or {}).get("metadata") or {}).get("inputs") or {}
    return sorted(inputs) if isinstance(inputs, dict) else []  # a map: no order to keep


def endpoint(names: Names, res: dict[str, Any], deployed: dict[str, Any], *, several: bool,
             serves: tuple[Ref | None, Ref | None]) -> m.Endpoint:
    display = str(res.get("displayName") or _id(res["name"]))
    dep_label = str(deployed.get("displayName") or deployed.get("id") or "")
    tags, owners = labels_to_tags({k: v for k, v in (res.get("labels") or {}).items()
                                   if k.lower() not in ENV_KEYS})
    p = parse_name(str(res["name"])) or {}
    machine = (((deployed.get("dedicatedResources") or {}).get("machineSpec") or {}).get("machineType")
               or ((deployed.get("automaticResources") and "automatic") or None))
    share = float((res.get("trafficSplit") or {}).get(str(deployed.get("id")), 0)) if res.get("trafficSplit") \
        else None
    since = when(deployed.get("createTime"))
    serving = [m.ServingInterval(model_version=serves[1], traffic_percentage=share, started_at=since,
                                 times_from="Vertex AI DeployedModel.createTime")] if (
        serves[1] is not None and since is not None) else []
    return m.Endpoint(
        name=f"{display}/{dep_label}" if several else display,
        fqn=names.endpoint(display, dep_label if several else None),
        display_name=f"{display} ({dep_label})" if several else None,
        deployment_type=m.DeploymentType.REALTIME, status=m.DeploymentStatus.IN_SERVICE,
        environment=environment_of(res.get("labels")), service=Ref(type="mlmodelService", fqn=names.service),
        model=serves[0], model_version=serves[1], instance_type=machine,
        traffic_percentage=share, serving_history=serving,
        deployed_at=since or when(res.get("createTime")),
        url=f"https://{p.get('location')}-aiplatform.googleapis.com/v1/{res['name']}:predict"
        if p.get("location") else None, tags=tags, owners=owners, description=res.get("description") or None)


def _state(value: Any) -> str | None:
    text = str(value or "")
    for prefix in ("PIPELINE_STATE_", "JOB_STATE_"):
        text = text.removeprefix(prefix)
    return text or None


def training_pipeline(names: Names, res: dict[str, Any]) -> tuple[m.TrainingRun, list[m.Dataset]]:
    rid = _id(res["name"])
    inputs = res.get("trainingTaskInputs") or {}
    params = hyperparameters({k: v for k, v in inputs.items() if not isinstance(v, (dict, list))}) + \
        hyperparameters(inputs.get("hyperparameters"))
    datasets = []
    did = (res.get("inputDataConfig") or {}).get("datasetId")
    if did:
        datasets.append(m.Dataset(name=str(did), fqn=names.dataset(str(did)), source_type="vertex-dataset",
                                  description="Vertex AI managed dataset"))
    tags, owners = labels_to_tags(res.get("labels"))
    return m.TrainingRun(
        name=rid, fqn=names.run(rid), display_name=res.get("displayName") or None, status=_state(res.get("state")),
        started_at=when(res.get("startTime")), ended_at=when(res.get("endTime")),
        code_path=res.get("trainingTaskDefinition") or None,
        training_datasets=[Ref(type="dataset", fqn=d.fqn) for d in datasets], params=params, tags=tags,
        owners=owners, description=(res.get("error") or {}).get("message") or None), datasets


def custom_job(names: Names, res: dict[str, Any]) -> m.TrainingRun:
    rid = _id(res["name"])
    pools = (res.get("jobSpec") or {}).get("workerPoolSpecs") or []
    first = pools[0] if pools else {}
    code = (first.get("pythonPackageSpec") or {}).get("pythonModule") or (
        first.get("containerSpec") or {}).get("imageUri")
    tags, owners = labels_to_tags(res.get("labels"))
    return m.TrainingRun(
        name=rid, fqn=names.run(rid), display_name=res.get("displayName") or None, status=_state(res.get("state")),
        started_at=when(res.get("startTime")), ended_at=when(res.get("endTime")), code_path=code or None,
        tags=tags, owners=owners, description=(res.get("error") or {}).get("message") or None)


def experiment_run(names: Names, res: dict[str, Any], experiment: str | None) -> m.TrainingRun:
    rid = _id(res["name"])
    md = res.get("metadata") or {}
    metrics = [m.Evaluation(name=k, value=v) for k, v in scalar_metrics(md.get("_metrics"))]
    tags, owners = labels_to_tags(res.get("labels"))
    return m.TrainingRun(
        name=rid, fqn=names.run(rid), display_name=res.get("displayName") or None,
        experiment=Ref(type="experiment", fqn=names.experiment(experiment)) if experiment else None,
        status=str(md.get("_state")) if md.get("_state") else None, started_at=when(res.get("createTime")),
        params=hyperparameters(md.get("_params")), metrics=metrics, tags=tags, owners=owners,
        description=res.get("description") or None)
