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
training pipeline / custom job              :class:`TrainingRun`: state, start and end, managed dataset and
                                            its split fractions, exported split copies (datasets it produced),
                                            ``args``: ``gs://``/``bq://`` values → datasets by role, scalars →
                                            typed params; task inputs and hyperparameters → params; machine
                                            type; the model version it produced (the pipeline's
                                            ``modelToUpload``, or a version whose artifacts are in a custom
                                            job's ``AIP_MODEL_DIR``); a custom job backing a pipeline is that
                                            pipeline's run
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
from ..mappers import split_for

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
            metrics: list[m.Evaluation], features: list[str], produced_by: str | None = None) -> m.ModelVersion:
    """One model version; ``produced_by``: the run that made it when the version does not name its training
    pipeline (a custom job whose model directory holds the version's artifacts)."""
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
        run=Ref(type="trainingRun", fqn=names.run(_id(pipeline))) if pipeline else (
            Ref(type="trainingRun", fqn=produced_by) if produced_by else None),
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


_URI = re.compile(r"^(gs|bq)://\S+$")
_NUMBER = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def args_of(args: Any) -> list[tuple[str, str]]:
    """``--key=value`` and ``--key value`` pairs of a container's or Python package's ``args``.

    >>> args_of(["--train=gs://b/t.csv", "--epochs", "5", "--verbose"])
    [('train', 'gs://b/t.csv'), ('epochs', '5'), ('verbose', '')]
    """
    out: list[tuple[str, str]] = []
    items = [str(a) for a in args] if isinstance(args, list) else []
    i = 0
    while i < len(items):
        a = items[i]
        if a.startswith("--"):
            key, sep, value = a[2:].partition("=")
            if not sep and i + 1 < len(items) and not items[i + 1].startswith("--"):
                value, i = items[i + 1], i + 1
            out.append((key.replace("-", "_"), value))
        i += 1
    return out


def _typed(text: str) -> Any:
    if _NUMBER.match(text):
        number = float(text)
        return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number
    return {"true": True, "false": False}.get(text.lower(), text)


def data_uri(names: Names, uri: str) -> m.Dataset:
    """A Cloud Storage or BigQuery location a run read or wrote."""
    return m.Dataset(name=uri, fqn=names.dataset(uri), source=uri,
                     source_type="bigquery" if uri.startswith("bq://") else "gcs")


def arguments(names: Names, args: Any) -> tuple[list[m.HyperParameter], list[m.Dataset], list[m.Dataset]]:
    """Scalar ``args`` → typed params; ``gs://``/``bq://`` values → datasets, by role: training or, when the
    key names a validation or test split (``--validation_data``, ``--test-data``), evaluation."""
    params: list[m.HyperParameter] = []
    train: list[m.Dataset] = []
    evaluation: list[m.Dataset] = []
    for key, value in args_of(args):
        if _URI.match(value):
            (evaluation if split_for(key) in (m.Split.VALIDATION, m.Split.TEST) else train).append(
                data_uri(names, value))
        elif value and key:
            params.append(m.HyperParameter(name=key, value=_typed(value)))
    return params, train, evaluation


def output_dir(spec: dict[str, Any]) -> str | None:
    """``baseOutputDirectory.outputUriPrefix`` of a job spec or training task inputs, with one trailing slash."""
    prefix = str(((spec or {}).get("baseOutputDirectory") or {}).get("outputUriPrefix") or "")
    return prefix.rstrip("/") + "/" if prefix else None


def model_dir(spec: dict[str, Any]) -> str | None:
    """Where Vertex AI tells the training code to save the model: ``AIP_MODEL_DIR``, which is
    ``{baseOutputDirectory}/model/``."""
    base = output_dir(spec)
    return f"{base}model/" if base else None


def _worker_args(pools: Any) -> list[Any]:
    out: list[Any] = []
    for pool in pools if isinstance(pools, list) else []:
        spec = (pool or {}).get("containerSpec") or (pool or {}).get("pythonPackageSpec") or {}
        out.extend(spec.get("args") or [])
    return out


def _machine(pools: Any) -> str | None:
    first = pools[0] if isinstance(pools, list) and pools else {}
    return ((first or {}).get("machineSpec") or {}).get("machineType") or None


def produced_version(res: dict[str, Any]) -> tuple[str, str] | None:
    """(model resource, version id) a training pipeline uploaded: its ``modelToUpload`` once it succeeded."""
    up = res.get("modelToUpload") or {}
    name = str(up.get("name") or "")
    return (name, str(up.get("versionId") or "1")) if name else None


def training_pipeline(names: Names, res: dict[str, Any]) -> tuple[m.TrainingRun, list[m.Dataset]]:
    """A training pipeline and the data it read and wrote: the managed dataset (with its split fractions as
    params), the copies of its splits Vertex exported (``gcsDestination``/``bigqueryDestination``, datasets the
    run produced from the managed one), and the ``gs://``/``bq://`` values of the training code's ``args``."""
    rid = _id(res["name"])
    run_fqn = names.run(rid)
    inputs = res.get("trainingTaskInputs") or {}
    params = hyperparameters({k: v for k, v in inputs.items() if not isinstance(v, (dict, list))}) + \
        hyperparameters(inputs.get("hyperparameters"))
    arg_params, train, evaluation = arguments(names, _worker_args(inputs.get("workerPoolSpecs")) +
                                              list(inputs.get("args") or []))
    params += arg_params
    datasets: list[m.Dataset] = []
    config = res.get("inputDataConfig") or {}
    did = config.get("datasetId")
    managed: m.Dataset | None = None
    if did:
        managed = m.Dataset(name=str(did), fqn=names.dataset(str(did)), source_type="vertex-dataset",
                            description="Vertex AI managed dataset")
        datasets.append(managed)
        train.insert(0, managed)
    split = config.get("fractionSplit") or {}
    params += [m.HyperParameter(name=f"split.{k}", value=v) for k, v in sorted(split.items())
               if isinstance(v, (int, float)) and not isinstance(v, bool)]
    exported = ((config.get("gcsDestination") or {}).get("outputUriPrefix")
                or (config.get("bigqueryDestination") or {}).get("outputUri"))
    if exported:
        uri = str(exported)
        datasets.append(m.Dataset(
            name=uri, fqn=names.dataset(uri), source=uri, source_type="bigquery" if uri.startswith("bq://") else "gcs",
            description="the dataset's splits as Vertex AI exported them for the training code",
            produced_by=Ref(type="trainingRun", fqn=run_fqn),
            upstream=[Ref(type="dataset", fqn=managed.fqn)] if managed else []))
    datasets += [d for d in train + evaluation if d is not managed]
    tags, owners = labels_to_tags(res.get("labels"))
    machine = _machine(inputs.get("workerPoolSpecs"))
    if machine:
        tags.append(m.TagLabel(tag_fqn=ids.fqn_join("machine_type", machine), source="Classification",
                               label_type="Automated", state="Confirmed"))
    return m.TrainingRun(
        name=rid, fqn=run_fqn, display_name=res.get("displayName") or None, status=_state(res.get("state")),
        started_at=when(res.get("startTime")), ended_at=when(res.get("endTime")),
        code_path=res.get("trainingTaskDefinition") or None,
        training_datasets=_refs(train), evaluation_datasets=_refs(evaluation), params=params,
        tags=sorted(tags, key=lambda t: t.tag_fqn), owners=owners,
        description=(res.get("error") or {}).get("message") or None), datasets


def _refs(datasets: list[m.Dataset]) -> list[Ref]:
    seen: dict[str, Ref] = {}
    for d in datasets:
        seen.setdefault(str(d.fqn), Ref(type="dataset", fqn=d.fqn))
    return list(seen.values())


def custom_job(names: Names, res: dict[str, Any]) -> tuple[m.TrainingRun, list[m.Dataset]]:
    """A custom job: its worker pools' code (Python module or container image), machine type, ``args`` (typed
    params and ``gs://``/``bq://`` datasets by role)."""
    rid = _id(res["name"])
    spec = res.get("jobSpec") or {}
    pools = spec.get("workerPoolSpecs") or []
    first = pools[0] if pools else {}
    code = (first.get("pythonPackageSpec") or {}).get("pythonModule") or (
        first.get("containerSpec") or {}).get("imageUri")
    params, train, evaluation = arguments(names, _worker_args(pools))
    tags, owners = labels_to_tags(res.get("labels"))
    machine = _machine(pools)
    if machine:
        tags.append(m.TagLabel(tag_fqn=ids.fqn_join("machine_type", machine), source="Classification",
                               label_type="Automated", state="Confirmed"))
    image = (first.get("pythonPackageSpec") or {}).get("executorImageUri")
    if image:
        tags.append(m.TagLabel(tag_fqn=ids.fqn_join("executor_image", image), source="Classification",
                               label_type="Automated", state="Confirmed"))
    return m.TrainingRun(
        name=rid, fqn=names.run(rid), display_name=res.get("displayName") or None, status=_state(res.get("state")),
        started_at=when(res.get("startTime")), ended_at=when(res.get("endTime")), code_path=code or None,
        training_datasets=_refs(train), evaluation_datasets=_refs(evaluation), params=params,
        tags=sorted(tags, key=lambda t: t.tag_fqn), owners=owners,
        description=(res.get("error") or {}).get("message") or None), train + evaluation


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
