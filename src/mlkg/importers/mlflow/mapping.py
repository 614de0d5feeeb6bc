"""MLflow values → mlkg values: pure functions over what the MLflow client returns (no SDK import)."""

from __future__ import annotations

import json
from typing import Any

from ... import ids
from ...model import entities as m
from ..base import ImportReport
from ..mappers import DatasetInput, looks_like_secret, split_for, timestamp


def stage_history(stage: m.Stage | None, last_updated_ms: Any) -> list[m.StageAssignment]:
    """The version's current stage as a period from ``last_updated_timestamp``: MLflow keeps no transition history,
    and a transition (or an archiving by ``archive_existing_versions``) sets that time, as does a description edit;
    so the stage held from then at the latest. No stage (``None``) is no period. Aliases have no time in MLflow
    (``registered_model_aliases`` holds name, alias and version only): when an alias moved is the history store's
    (:func:`mlkg.history.log.as_of`, the import times of the provenance records)."""
    if stage is None or stage is m.Stage.NONE or not isinstance(last_updated_ms, (int, float)):
        return []
    return [m.StageAssignment(stage=stage, started_at=timestamp(last_updated_ms),
                              times_from="MLflow ModelVersion.last_updated_timestamp")]


_NUMERIC = {"double", "float", "long", "integer", "int", "int32", "int64", "float32", "float64", "number"}
_CATEGORICAL = {"string", "boolean", "bool", "binary", "str", "object", "category"}


def feature_type(mlflow_type: str | None) -> m.FeatureType | None:
    """numerical / categorical for an MLflow column type (None when it says neither, e.g. datetime)."""
    t = (mlflow_type or "").lower()
    if t in _NUMERIC:
        return m.FeatureType.NUMERICAL
    if t in _CATEGORICAL:
        return m.FeatureType.CATEGORICAL
    return None


def tag_labels(tags: dict[str, str] | None) -> list[m.TagLabel]:
    """MLflow key/value tags as tag labels ``key.value``; MLflow's own ``mlflow.*`` tags and tags named like
    credentials (``api_token``, ...) are left out."""
    out = []
    for k, v in sorted((tags or {}).items()):
        if k.startswith("mlflow.") or not k or looks_like_secret(k):
            continue
        fqn = ids.fqn_join(k, str(v)) if v not in (None, "") else ids.quote_part(k)
        out.append(m.TagLabel(tag_fqn=fqn, source="Classification", label_type="Automated", state="Confirmed"))
    return out


def dataset_source(raw: str | None) -> str | None:
    """MLflow keeps a dataset source as JSON (``{"uri": "s3://..."}``); take the URI or the text."""
    if not raw:
        return None
    try:
        data = json.loads(raw)
    except ValueError:
        return raw
    if isinstance(data, dict):
        for key in ("uri", "url", "path", "table_name", "source"):
            if isinstance(data.get(key), str):
                return data[key]
    return raw


def parse_signature(mlmodel: dict[str, Any], where: str, report: ImportReport) -> list[tuple[str, str | None]]:
    """(name, MLflow type) of each named column of an MLmodel signature's inputs, in order."""
    sig = mlmodel.get("signature") or {}
    raw = sig.get("inputs")
    if not raw:
        return []
    try:
        inputs = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError as e:
        report.warn(f"signature inputs are not JSON ({e})", item=where)
        return []
    cols = []
    for i, spec in enumerate(inputs if isinstance(inputs, list) else []):
        if not isinstance(spec, dict) or not spec.get("name"):
            report.skip(f"{where} input {i}", "tensor or unnamed signature input (no feature name)")
            continue
        cols.append((str(spec["name"]), spec.get("type") if isinstance(spec.get("type"), str) else None))
    return cols


def alias_pairs(value: Any) -> list[tuple[str, str]]:
    """(alias, version) pairs from a registered model's aliases: a dict (OSS), a list of alias objects (Unity
    Catalog entities carry ``alias`` and ``version``), or nothing usable."""
    if isinstance(value, dict):
        return [(str(a), str(v)) for a, v in value.items()]
    out = []
    if isinstance(value, (list, tuple)):
        for item in value:
            alias = getattr(item, "alias", None)
            ver = getattr(item, "version", None) or getattr(item, "version_num", None)
            if alias and ver is not None:
                out.append((str(alias), str(ver)))
    return out


def name_filter(name: str) -> str:
    if "'" not in name:
        return f"name='{name}'"
    return 'name="' + name.replace('"', '\\"') + '"'


def model_id_from_source(source: str | None) -> str | None:
    if source and source.startswith("models:/m-"):
        return source[len("models:/"):].split("/", 1)[0]
    return None


def flavor(mlmodel: dict[str, Any] | None) -> str | None:
    flavors = sorted(k for k in ((mlmodel or {}).get("flavors") or {}) if k != "python_function")
    return flavors[0] if flavors else None


def dataset_inputs(run: Any) -> list[Any]:
    inputs = getattr(run, "inputs", None)
    return list(getattr(inputs, "dataset_inputs", None) or [])


def model_outputs(run: Any) -> list[Any]:
    outputs = getattr(run, "outputs", None)
    return list(getattr(outputs, "model_outputs", None) or [])


def context(di: Any) -> str | None:
    for t in di.tags or []:
        if t.key == "mlflow.data.context":
            return t.value or None
    return None


def dataset_input(di: Any) -> DatasetInput:
    """An MLflow ``DatasetInput`` (dataset + tags) as the shared mapper's :class:`DatasetInput`; the
    ``mlflow.data.context`` tag (training, validation, evaluation, ...) is its role."""
    ds = di.dataset
    return DatasetInput(name=ds.name, digest=ds.digest or None, source=dataset_source(ds.source),
                        source_type=ds.source_type or None, role=context(di))


def split_of(run: Any, name: str | None, digest: str | None) -> m.Split | None:
    """The split of the dataset ``name``/``digest`` in ``run``'s inputs (its context), if the run read it."""
    if run is None or not name:
        return None
    for di in dataset_inputs(run):
        if di.dataset.name == name and (digest is None or di.dataset.digest == digest):
            return split_for(context(di))
    return None
