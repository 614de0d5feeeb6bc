"""Azure ML SDK v2 entities (``azure.ai.ml.entities``: what ``load_*`` returns for CLI v2 YAML, what
``Model._from_rest_object`` returns for REST JSON, what ``MLClient`` lists) → mlkg entities.

=========================================  ===================================================================
Azure ML                                   mlkg
=========================================  ===================================================================
the workspace                              :class:`MLModelService` (``service_type`` AzureML)
model (name, all versions)                 :class:`MLModel`; ``owner``/``team`` tags → owners
model version                              :class:`ModelVersion`: version, stage, description, tags,
                                           properties (a known measure with a number → :class:`Evaluation`,
                                           the rest → tags), flavors (or an ``algorithm`` tag) → algorithm,
                                           path → source and store, job name → run, created by and at
job (command, sweep, pipeline)             :class:`TrainingRun`: experiment, display name, status, literal
                                           inputs → typed params, data inputs → datasets (by input name:
                                           train → training data, validation/test → evaluation data),
                                           environment and compute → tags, code path, created by
data asset                                 :class:`Dataset` (name, version → revision, path, type)
online / batch deployment                  :class:`Endpoint` (realtime / batch): the version its ``model``
                                           names (``azureml:name:version``), instance type, provisioning state,
                                           its share of the endpoint's ``traffic``;
                                           the endpoint's ``env`` tag → environment, its scoring URI → URL
=========================================  ===================================================================
"""

from __future__ import annotations

import re
from typing import Any

from ... import ids
from ...model import entities as m
from ...model.base import Ref
from ..mappers import RegistryMapper, split_for, timestamp

OWNER_KEYS = {"owner": "user", "owners": "user", "created-by": "user", "team": "team"}
ENV_KEYS = ("env", "environment", "stage")
_STATE = {"succeeded": m.DeploymentStatus.IN_SERVICE, "creating": m.DeploymentStatus.CREATING,
          "updating": m.DeploymentStatus.UPDATING, "deleting": m.DeploymentStatus.DELETING,
          "failed": m.DeploymentStatus.FAILED, "canceled": m.DeploymentStatus.FAILED}
_ARM_MODEL = re.compile(r"/models/(?P<name>[^/]+)/versions/(?P<version>[^/]+)$", re.I)


def tags_and_owners(tags: dict[str, Any] | None, *, drop: tuple[str, ...] = ()) -> tuple[list[m.TagLabel],
                                                                                      list[Ref]]:
    labels: list[m.TagLabel] = []
    owners: list[Ref] = []
    for k, v in sorted((tags or {}).items()):
        if k in drop:
            continue
        kind = OWNER_KEYS.get(str(k).lower())
        if kind and v:
            owners.append(Ref(type=kind, fqn=str(v)))
            continue
        fqn = ids.fqn_join(str(k), str(v)) if v not in (None, "") else ids.quote_part(str(k))
        labels.append(m.TagLabel(tag_fqn=fqn, source="Classification", label_type="Automated", state="Confirmed"))
    return labels, owners


def environment_of(tags: dict[str, Any] | None) -> str | None:
    for k in ENV_KEYS:
        for key, v in (tags or {}).items():
            if str(key).lower() == k and v:
                return str(v)
    return None


def asset_ref(text: str | None) -> tuple[str, str | None] | None:
    """(name, version) of an asset reference: ``azureml:credit-risk:3``, ``credit-risk:3`` (what ``load_*``
    leaves of it), an ARM id ``.../models/credit-risk/versions/3``; ``name@label`` gives no version.

    >>> asset_ref("azureml:credit-risk:3"), asset_ref("credit-risk@latest"), asset_ref("azureml://datastores/x")
    (('credit-risk', '3'), ('credit-risk', None), None)
    """
    if not text:
        return None
    t = str(text)
    arm = _ARM_MODEL.search(t)
    if arm:
        return arm["name"], arm["version"]
    if "://" in t or t.startswith(("/", ".")):
        return None
    t = t.removeprefix("azureml:")
    if "@" in t:
        return t.split("@", 1)[0], None
    name, sep, ver = t.rpartition(":")
    return (name, ver) if sep and name and ver else (t, None)


def algorithm_of(flavors: dict[str, Any] | None, tags: dict[str, Any] | None) -> str | None:
    if tags and tags.get("algorithm"):
        return str(tags["algorithm"])
    names = sorted(k for k in (flavors or {}) if k != "python_function")
    return names[0] if names else None


def created(entity: Any) -> tuple[Ref | None, Any]:
    ctx = getattr(entity, "creation_context", None)
    who = getattr(ctx, "created_by", None)
    return (Ref(type="user", fqn=str(who)) if who else None), timestamp(getattr(ctx, "created_at", None))


def version(reg: RegistryMapper, model: Any, *, source: str | None, flavors: dict[str, Any] | None,
            run_fqn: str | None) -> m.ModelVersion:
    """One model version (the SDK's ``Model``)."""
    tags = dict(model.tags or {})
    labels, owners = tags_and_owners(tags, drop=("algorithm",))
    metrics, extra = [], []
    for k, v in sorted((model.properties or {}).items()):
        value = _number(v)
        if value is not None and m.measure_for(str(k)):
            metrics.append(m.Evaluation(name=str(k), value=value))
        else:
            extra.append(m.TagLabel(tag_fqn=ids.fqn_join(str(k), str(v)), source="Classification",
                                    label_type="Automated", state="Confirmed"))
    who, when = created(model)
    return m.ModelVersion(
        name=str(model.version or "1"), stage=reg.stage(getattr(model, "stage", None)),
        description=model.description or None, source=source, created_at=when, created_by=who,
        ml_store=m.ModelStore(storage=source) if source else None, algorithm=algorithm_of(flavors, tags),
        run=Ref(type="trainingRun", fqn=run_fqn) if run_fqn else None, metrics=metrics,
        tags=sorted([*labels, *extra], key=lambda t: t.tag_fqn), owners=owners)


def _number(v: Any) -> float | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    try:
        return float(str(v))
    except ValueError:
        return None


def job_run(importer: Any, job: Any, *, name: str, datasets: dict[str, m.Dataset]) -> m.TrainingRun:
    """A job and (into ``datasets``) the data it read."""
    train: list[Ref] = []
    evaluation: list[Ref] = []
    params: dict[str, Any] = {}
    for key, inp in sorted((getattr(job, "inputs", None) or {}).items()):
        data = getattr(inp, "_data", inp)
        path = getattr(data, "path", None) if not isinstance(data, (int, float, str, bool)) else None
        if path is None:
            if isinstance(data, (int, float, str, bool)):
                params[key] = data
            continue
        ref = asset_ref(str(path))
        if ref and ref[1]:
            fqn = importer.fqn(ref[0], ref[1])
        else:
            fqn = importer.fqn(str(path))
            datasets.setdefault(fqn, m.Dataset(name=str(path), fqn=fqn, source=str(path),
                                               source_type=getattr(data, "type", None) or None))
        r = Ref(type="dataset", fqn=fqn)
        (evaluation if split_for(key) in (m.Split.VALIDATION, m.Split.TEST) else train).append(r)
    tags = dict(getattr(job, "tags", None) or {})
    for attr in ("environment", "compute"):
        value = getattr(job, attr, None)
        if isinstance(value, str) and value:
            tags[attr] = value
    labels, owners = tags_and_owners(tags)
    who, when = created(job)
    exp = getattr(job, "experiment_name", None)
    code = getattr(job, "code", None)
    return m.TrainingRun(
        name=name, fqn=importer.fqn(name), display_name=getattr(job, "display_name", None) or None,
        experiment=Ref(type="experiment", fqn=importer.fqn(exp)) if exp else None,
        status=_text(getattr(job, "status", None)) or None, description=getattr(job, "description", None) or None,
        user=who, started_at=when, code_path=code if isinstance(code, str) and code else None,
        training_datasets=train, evaluation_datasets=evaluation,
        params=[m.HyperParameter(name=k, value=v) for k, v in sorted(params.items())], tags=labels, owners=owners)


def compute_name(text: Any) -> str | None:
    """A compute target by name: ``cpu-cluster`` for ``azureml:cpu-cluster`` or the cluster's ARM id.

    >>> compute_name("/subscriptions/s/resourceGroups/g/providers/Microsoft.MachineLearningServices/workspaces/w/"
    ...              "computes/cpu-cluster"), compute_name("azureml:cpu-cluster")
    ('cpu-cluster', 'cpu-cluster')
    """
    if not text or not isinstance(text, str):
        return None
    if "/computes/" in text:
        return text.rsplit("/computes/", 1)[1].strip("/") or None
    return text.removeprefix("azureml:") or None


def _text(value: Any) -> str:
    """An SDK enum (``DeploymentProvisioningState.SUCCEEDED``) or a string as its text (``Succeeded``)."""
    return str(getattr(value, "value", value) or "")


def data_asset(importer: Any, data: Any) -> m.Dataset:
    labels, owners = tags_and_owners(getattr(data, "tags", None))
    ver = str(getattr(data, "version", "") or "")
    return m.Dataset(name=str(data.name), fqn=importer.fqn(str(data.name), ver), revision=ver or None,
                     source=str(data.path) if getattr(data, "path", None) else None,
                     source_type=str(getattr(data, "type", "") or "") or None,
                     description=getattr(data, "description", None) or None, tags=labels, owners=owners)


def deployment(importer: Any, dep: Any, endpoint: Any | None, *, batch: bool, several: bool) -> m.Endpoint:
    ep_name = str(getattr(dep, "endpoint_name", None) or getattr(endpoint, "name", "") or "")
    ep_tags = dict(getattr(endpoint, "tags", None) or {})
    labels, owners = tags_and_owners({**{k: v for k, v in ep_tags.items() if str(k).lower() not in ENV_KEYS},
                                      **(getattr(dep, "tags", None) or {})})
    model_text = dep.model if isinstance(getattr(dep, "model", None), str) else (
        f"{dep.model.name}:{dep.model.version}" if getattr(dep, "model", None) is not None else None)
    ref = asset_ref(model_text)
    state = _text(getattr(dep, "provisioning_state", None) or getattr(endpoint, "provisioning_state", None))
    name = f"{ep_name}/{dep.name}" if several or batch else ep_name
    return m.Endpoint(
        name=name, fqn=importer.fqn(ep_name, str(dep.name)) if several or batch else importer.fqn(ep_name),
        display_name=f"{ep_name} ({dep.name})" if several or batch else None,
        deployment_type=m.DeploymentType.BATCH if batch else m.DeploymentType.REALTIME,
        status=_STATE.get(state.lower()), environment=environment_of(ep_tags),
        service=importer.service_ref(),
        model=Ref(type="mlmodel", fqn=importer.fqn(ref[0])) if ref else None,
        model_version=Ref(type="modelVersion", fqn=importer.fqn(ref[0], ref[1])) if ref and ref[1] else None,
        instance_type=getattr(dep, "instance_type", None) or compute_name(getattr(dep, "compute", None)),
        traffic_percentage=float((getattr(endpoint, "traffic", None) or {}).get(str(dep.name), 0))
        if getattr(endpoint, "traffic", None) else None,
        url=getattr(endpoint, "scoring_uri", None) or None, tags=labels, owners=owners,
        description=getattr(dep, "description", None) or None)
