"""Databricks Model Serving: the serving endpoints of a workspace as deployments of the registered model versions
they serve (databricks-sdk ``WorkspaceClient().serving_endpoints``).

Read when the MLflow importer runs on a Databricks workspace (``tracking_uri="databricks"``; the registry either the
workspace's or Unity Catalog's, ``registry_uri="databricks-uc"``, whose served entities name the model by its
three-level name ``catalog.schema.model``), with the same
credentials the MLflow client uses (``DATABRICKS_HOST``/``DATABRICKS_TOKEN`` or a config profile). For each
endpoint (``list``, then ``get`` for its served entities and traffic), each served entity that is a registered
model version becomes an :class:`~mlkg.model.entities.Endpoint` of the mlflow service, serving that version (by
the importer's own FQNs, so it lands on the version the registry import made): the endpoint's state
(READY → InService; an update in progress → Updating, or Creating when not yet ready; a failed update
→ Failed unless the previous config still serves), workload size and type as the
instance type, its traffic share, creation time, creator, tags (``env`` → environment) and its invocation URL. Foundation and
external models (no registered version) are skipped, with the reason.

Times: a served entity of a serving (READY) endpoint is a :class:`~mlkg.model.entities.ServingInterval` from its
``creation_timestamp`` (when that config's entity was created), open, with its traffic share; Databricks keeps no
end of an earlier config.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...model import entities as m
from ...model.base import Ref, epoch_ms_to_datetime
from ..base import SourceUnavailable, first_line, missing_sdk

ENV_KEYS = ("env", "environment", "stage")
#: States in which an endpoint's current config serves requests.
_SERVING = (m.DeploymentStatus.IN_SERVICE, m.DeploymentStatus.UPDATING)


def _value(x: Any) -> str:
    return str(getattr(x, "value", x) or "")


def status_of(state: Any) -> m.DeploymentStatus | None:
    ready, update = _value(getattr(state, "ready", None)), _value(getattr(state, "config_update", None))
    if update == "UPDATE_FAILED":  # the previous config still serves when the endpoint is ready
        return m.DeploymentStatus.IN_SERVICE if ready == "READY" else m.DeploymentStatus.FAILED
    if update == "IN_PROGRESS":
        return m.DeploymentStatus.UPDATING if ready == "READY" else m.DeploymentStatus.CREATING
    if ready == "READY":
        return m.DeploymentStatus.IN_SERVICE
    if ready == "NOT_READY":
        return m.DeploymentStatus.OUT_OF_SERVICE
    return None


def workspace_client() -> Any:
    try:
        from databricks.sdk import WorkspaceClient
    except ImportError:
        raise missing_sdk("databricks-sdk", "mlflow") from None
    try:
        return WorkspaceClient()
    except Exception as e:
        raise SourceUnavailable(f"databricks serving endpoints: {first_line(e, 200)}") from None


def endpoints(importer: Any, client: Any = None, *,
              read: set[tuple[str, str]] | None = None) -> Iterator[m.Endpoint]:
    """The serving endpoints of the workspace as deployments under ``importer``'s service (an MlflowImporter).

    ``read``: the (model name, version) pairs the registry import read; a served version not among them (a Unity
    Catalog model in a catalog the import did not read, or that the caller may not see) is warned about, and the
    deployment still names it by the FQN the registry import would give it."""
    w = client if client is not None else workspace_client()
    report = importer.report
    try:
        listed = list(w.serving_endpoints.list())
    except Exception as exc:
        raise SourceUnavailable(f"databricks serving endpoints: cannot list them: {first_line(exc, 200)}") from None
    host = str(getattr(getattr(w, "config", None), "host", "") or "").rstrip("/")
    for summary in sorted(listed, key=lambda s: str(s.name)):
        with report.guard(f"serving endpoint {summary.name}") as g:
            detail = w.serving_endpoints.get(summary.name)
        if not g.ok:
            continue
        config = getattr(detail, "config", None) or getattr(summary, "config", None)
        entities = list(getattr(config, "served_entities", None) or getattr(config, "served_models", None) or [])
        routes = {}
        for r in getattr(getattr(config, "traffic_config", None), "routes", None) or []:
            routes[str(r.served_entity_name or r.served_model_name)] = r.traffic_percentage
        tags = {str(t.key): str(t.value or "") for t in (getattr(detail, "tags", None) or [])}
        env = next((v for k in ENV_KEYS for key, v in tags.items() if key.lower() == k and v), None)
        def registered(ent: Any) -> bool:
            return bool((getattr(ent, "entity_name", None) or getattr(ent, "model_name", None))
                        and not getattr(ent, "foundation_model", None) and not getattr(ent, "external_model", None))

        for ent in entities:
            if not registered(ent):
                report.skip(f"serving endpoint {summary.name} entity {getattr(ent, 'name', '')}",
                            "a foundation or external model, not a registered model version")
        served = [ent for ent in entities if registered(ent)]
        for e in served:
            model_name = str(getattr(e, "entity_name", None) or getattr(e, "model_name", ""))
            version = getattr(e, "entity_version", None) or getattr(e, "model_version", None)
            entity_label = str(getattr(e, "name", None) or f"{model_name}-{version}")
            several = len(served) > 1
            size = " ".join(x for x in (_value(getattr(e, "workload_size", None)),
                                        _value(getattr(e, "workload_type", None))) if x) or None
            model_fqn = importer.registry.model_fqn(model_name)
            version_ref = Ref(type="modelVersion", fqn=importer.registry.version_fqn(model_name, str(version))) \
                if version is not None else None
            if read is not None and version is not None and (model_name, str(version)) not in read:
                report.warn(f"serves {model_name} version {version}, which the registry import did not read",
                            item=f"serving endpoint {summary.name} entity {entity_label}")
            status = status_of(getattr(detail, "state", None))
            share = float(routes[entity_label]) if entity_label in routes else (100.0 if not several else None)
            since = getattr(e, "creation_timestamp", None)
            serving = [m.ServingInterval(model_version=version_ref, traffic_percentage=share,
                                         started_at=epoch_ms_to_datetime(int(since)),
                                         times_from="Databricks ServedEntityOutput.creation_timestamp")] if (
                version_ref is not None and since and status in _SERVING) else []
            yield m.Endpoint(
                name=f"{summary.name}/{entity_label}" if several else str(summary.name),
                fqn=importer.fqn(str(summary.name), entity_label if several else ""),
                display_name=f"{summary.name} ({entity_label})" if several else None,
                deployment_type=m.DeploymentType.REALTIME, status=status, serving_history=serving,
                environment=env, service=importer.service_ref(),
                model=Ref(type="mlmodel", fqn=model_fqn), model_version=version_ref, instance_type=size,
                traffic_percentage=share,
                deployed_at=epoch_ms_to_datetime(int(detail.creation_timestamp))
                if getattr(detail, "creation_timestamp", None) else None,
                url=f"{host}/serving-endpoints/{summary.name}/invocations" if host else None,
                description=getattr(detail, "description", None) or None,
                owners=[Ref(type="user", fqn=str(detail.creator))] if getattr(detail, "creator", None) else [],
                tags=[m.TagLabel(tag_fqn=f"{k}.{v}" if v else k, source="Classification", label_type="Automated",
                                 state="Confirmed") for k, v in sorted(tags.items()) if k.lower() not in ENV_KEYS])
            report.count("endpoints")
