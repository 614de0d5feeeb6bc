"""Mappers shared by the importers of the two platform families.

- **tracking** (runs, params, metrics, dataset inputs): MLflow, W&B, Neptune, Kubeflow, Vertex AI experiments,
  Azure ML jobs. :class:`RunMapper` turns a run's params into typed :class:`HyperParameter` s (keeping the text the
  platform stored), its metric history into :class:`Evaluation` s (step, time, dataset, split) and its dataset
  inputs into :class:`Dataset` entities and the run's training or evaluation data, by role.
- **registry and serving** (models, versions, stages, aliases, approval, endpoints): MLflow, SageMaker, Vertex
  AI, Azure ML, H2O. :class:`RegistryMapper` chains versions by ``previous_version``, parses stages, records an
  approval state as a :class:`ComplianceRecord`, builds :class:`Endpoint` s and the model from its versions.

Both name nodes under the importer's service (``service.run_id``, ``service.dataset.digest``, ``service.model``)
so the same source always gives the same IRIs. Platform objects never reach the mappers: an importer reads its
SDK's objects and passes plain values, so the mappers stay testable without any SDK.

>>> from mlkg.importers import get
>>> runs = RunMapper(get("sklearn")())
>>> [(h.name, h.value, h.value_text) for h in runs.params({"C": "0.5", "penalty": "l2", "fit": "true"})]
[('C', 0.5, '0.5'), ('fit', True, 'true'), ('penalty', 'l2', 'l2')]
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .. import ids
from ..model import entities as m
from ..model.base import Ref, epoch_ms_to_datetime

if TYPE_CHECKING:
    from .base import Importer, ImportReport

# ---------------------------------------------------------------------------------------------------------------
# Small value mappings
# ---------------------------------------------------------------------------------------------------------------

_SPLIT_PREFIXES = (("train", m.Split.TRAIN), ("valid", m.Split.VALIDATION), ("val", m.Split.VALIDATION),
                   ("dev", m.Split.VALIDATION), ("test", m.Split.TEST), ("holdout", m.Split.TEST))


#: Words that mark a key as a credential (``db_password``, ``api_token``, ``aws_secret_access_key``): such params
#: and tags never reach the graph. Whole words only, so ``max_tokens`` or ``tokenizer`` stay.
SECRET_WORDS = frozenset({"password", "passwd", "pwd", "secret", "token", "apikey", "credential", "credentials",
                          "passphrase"})
_SECRET_PAIRS = ("api_key", "access_key", "secret_key", "private_key", "auth_token", "client_secret")


def looks_like_secret(key: str) -> bool:
    """Whether a param or tag key names a credential (its value is then left out of the graph).

    >>> [looks_like_secret(k) for k in ("db_password", "api_token", "AWS_SECRET_ACCESS_KEY", "max_tokens", "lr")]
    [True, True, True, False, False]
    """
    low = key.lower()
    words = set(re.split(r"[^a-z0-9]+", low))
    flat = re.sub(r"[^a-z0-9]+", "_", low)
    return bool(words & SECRET_WORDS) or any(pair in flat for pair in _SECRET_PAIRS)


def split_for(text: str | None) -> m.Split | None:
    """The split a name or role stands for: ``training``/``train_2024`` → train, ``validation``/``val``/``dev`` →
    validation, ``test``/``holdout`` → test; anything else (``evaluation``, ``raw``) → None.

    >>> [split_for(t) for t in ("training", "VAL", "test_matched", "evaluation", None)]
    [<Split.TRAIN: 'train'>, <Split.VALIDATION: 'validation'>, <Split.TEST: 'test'>, None, None]
    """
    t = (text or "").strip().lower()
    for prefix, split in _SPLIT_PREFIXES:
        if t.startswith(prefix):
            return split
    return None


def timestamp(value: Any) -> datetime | None:
    """A platform time as a datetime: a datetime as is, epoch milliseconds (0 and unreadable values: None)."""
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, bool) or value == 0:
        return None
    try:
        return epoch_ms_to_datetime(int(value))
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _sort_ms(t: datetime | None) -> float:
    return t.timestamp() if t is not None else 0.0


# ---------------------------------------------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricPoint:
    """One logged value of a metric: key, value, and when known the step, time (datetime or epoch ms), dataset
    (a :class:`Ref`), split, slice and a description (where the value comes from, when that needs saying)."""

    key: str
    value: Any
    step: int | None = None
    time: datetime | int | None = None
    dataset: Ref | None = None
    split: m.Split | None = None
    slice: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class DatasetInput:
    """A dataset a run read: its name and, when the platform has them, digest, source URI, source type, display
    name, revision, and the role it played (``training``, ``validation``, ``test``, ``evaluation``; None when the
    platform does not say)."""

    name: str
    digest: str | None = None
    source: str | None = None
    source_type: str | None = None
    role: str | None = None
    display_name: str | None = None
    revision: str | None = None


class RunMapper:
    """Experiments, runs and their datasets, named under ``importer``'s service; datasets are emitted once."""

    def __init__(self, importer: Importer[Any], report: ImportReport | None = None) -> None:
        self.importer = importer
        self.report = report if report is not None else importer.report
        self.datasets: dict[str, m.Dataset] = {}

    # -- names ----------------------------------------------------------------------------------------------------

    def run_fqn(self, run_id: str) -> str:
        return self.importer.fqn(run_id)

    def experiment_fqn(self, name: str) -> str:
        return self.importer.fqn(name)

    def dataset_fqn(self, name: str, digest: str | None = None) -> str:
        return self.importer.fqn(name, digest or "")

    def run_ref(self, run_id: str) -> Ref:
        return Ref(type="trainingRun", fqn=self.run_fqn(run_id))

    def dataset_ref(self, name: str, digest: str | None = None) -> Ref:
        return Ref(type="dataset", fqn=self.dataset_fqn(name, digest))

    # -- values ---------------------------------------------------------------------------------------------------

    @staticmethod
    def params(params: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> list[m.HyperParameter]:
        """Typed hyperparameters, sorted by name. Text is typed (``"0.5"`` → 0.5, ``"true"`` → True) and kept as
        ``value_text``; lists and mappings are kept as their JSON text; ``None`` values and params named like
        credentials (:func:`looks_like_secret`) are left out."""
        items = params.items() if isinstance(params, Mapping) else params
        out = []
        for k, v in sorted(((str(k), v) for k, v in items), key=lambda kv: kv[0]):
            if v is None or looks_like_secret(k):
                continue
            if isinstance(v, (list, tuple, dict)):
                v = json.dumps(v, sort_keys=True, default=str)
            elif not isinstance(v, (str, int, float, bool)):
                v = str(v)
            out.append(m.HyperParameter(name=k, value=v))
        return out

    def evaluations(self, points: Iterable[MetricPoint], *, where: str = "") -> list[m.Evaluation]:
        """One :class:`Evaluation` per point, sorted by key, step and time; repeated points (same key, step, time
        and dataset) once; a value that is not a number is skipped and reported (NaN and infinities are kept:
        a diverged loss is a fact)."""
        out, seen = [], set()
        rows = []
        for p in points:
            t = timestamp(p.time)
            rows.append((p, t))
        for p, t in sorted(rows, key=lambda r: (r[0].key, r[0].step or 0, _sort_ms(r[1]))):
            if isinstance(p.value, bool) or not isinstance(p.value, (int, float)):
                self.report.skip(f"{where} metric {p.key}".strip(), f"the value {p.value!r} is not a number")
                continue
            k = (p.key, p.step, t, p.dataset.fqn if p.dataset else None, p.slice)
            if k in seen:
                continue
            seen.add(k)
            out.append(m.Evaluation(name=p.key, value=float(p.value), step=p.step, timestamp=t, dataset=p.dataset,
                                    split=p.split, slice=p.slice, description=p.description))
        return out

    # -- entities -------------------------------------------------------------------------------------------------

    def dataset(self, di: DatasetInput) -> tuple[Ref, m.Dataset | None]:
        """The reference to ``di`` and, the first time it is seen, its :class:`Dataset` entity."""
        fqn = self.dataset_fqn(di.name, di.digest)
        ref = Ref(type="dataset", fqn=fqn)
        if fqn in self.datasets:
            return ref, None
        ent = m.Dataset(name=di.name, fqn=fqn, digest=di.digest or None, source=di.source or None,
                        source_type=di.source_type or None, display_name=di.display_name or None,
                        revision=di.revision or None)
        self.datasets[fqn] = ent
        self.report.count("datasets")
        return ref, ent

    def experiment(self, name: str, **fields: Any) -> m.Experiment:
        """An :class:`Experiment` under the service (``fields``: artifact_location, description, tags, ...)."""
        self.report.count("experiments")
        return m.Experiment(name=name, fqn=self.experiment_fqn(name), service=self.importer.service_ref(), **fields)

    def run(self, run_id: str, *, experiment: str | None = None, params: Any = (),
            metrics: Iterable[MetricPoint] = (), inputs: Sequence[DatasetInput] = (), user: str | None = None,
            owners: Sequence[str] = (), **fields: Any) -> list[m.Entity]:
        """The datasets first seen in this run, then the :class:`TrainingRun`.

        Inputs whose role is training (or not given: reported, and taken as training data) become the run's
        training data; validation, test and evaluation inputs its evaluation data. ``fields`` are other
        :class:`TrainingRun` fields (display_name, status, started_at, ended_at, code_commit, code_path,
        code_repository, description, tags); times may be epoch milliseconds.
        """
        where = f"run {run_id}"
        out: list[m.Entity] = []
        train: list[Ref] = []
        evaluation: list[Ref] = []
        for di in inputs:
            ref, ent = self.dataset(di)
            if ent is not None:
                out.append(ent)
            if di.role is None:
                self.report.warn(f"dataset input {di.name} has no context; taken as training data", item=where)
            target = train if di.role is None or split_for(di.role) is m.Split.TRAIN else evaluation
            if ref.fqn not in {r.fqn for r in target}:
                target.append(ref)
        for key in ("started_at", "ended_at"):
            if key in fields:
                fields[key] = timestamp(fields[key])
        out.append(m.TrainingRun(
            name=run_id, fqn=self.run_fqn(run_id),
            experiment=Ref(type="experiment", fqn=self.experiment_fqn(experiment)) if experiment else None,
            user=Ref(type="user", fqn=user) if user else None, owners=[Ref(type="user", fqn=o) for o in owners],
            training_datasets=train, evaluation_datasets=evaluation, params=self.params(params),
            metrics=self.evaluations(metrics, where=where), **fields))
        self.report.count("runs")
        return out


# ---------------------------------------------------------------------------------------------------------------
# Registries and serving
# ---------------------------------------------------------------------------------------------------------------

_STAGES = {s.value.lower(): s for s in m.Stage}
_APPROVAL = (("approved", "approved"), ("reject", "rejected"), ("pending", "pending"), ("review", "pending"))
_DEPLOYMENT_STATUS = {re.sub(r"[^a-z]", "", s.value.lower()): s for s in m.DeploymentStatus}


def version_key(label: str) -> tuple[Any, ...]:
    """Sort key of version labels: numeric parts as numbers (``2`` < ``10``, ``v1.2`` < ``v1.10``).

    >>> sorted(["10", "2", "v1.10", "v1.2"], key=version_key)
    ['2', '10', 'v1.2', 'v1.10']
    """
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", str(label)) if p)


class RegistryMapper:
    """Models, versions, approval and endpoints, named under ``importer``'s service."""

    def __init__(self, importer: Importer[Any], report: ImportReport | None = None) -> None:
        self.importer = importer
        self.report = report if report is not None else importer.report

    def model_fqn(self, name: str) -> str:
        return self.importer.fqn(name)

    def version_fqn(self, model: str, label: str) -> str:
        return ids.fqn_child(self.model_fqn(model), str(label))

    @staticmethod
    def stage(text: str | None) -> m.Stage | None:
        """MLflow-style stages, any case (``production`` → Production); unknown text → None."""
        return _STAGES.get((text or "").strip().lower())

    def approval(self, status: str | None, *, by: str | None = None, at: Any = None,
                 framework: str | None = None) -> m.ComplianceRecord | None:
        """A registry approval state (SageMaker's ``Approved``/``Rejected``/``PendingManualApproval``, Azure ML's
        and Vertex AI's equivalents) as a :class:`ComplianceRecord` named ``approval`` with status approved,
        rejected or pending; None for no status; an unknown status is kept lower-cased and reported."""
        if not status:
            return None
        low = status.strip().lower()
        norm = next((v for key, v in _APPROVAL if key in low), None)
        if norm is None:
            self.report.warn(f"approval status {status!r} is not approved, rejected or pending; kept as is")
            norm = low
        return m.ComplianceRecord(name="approval", framework=framework or f"{self.importer.platform.value} "
                                  "model registry", status=norm,
                                  approved_by=Ref(type="user", fqn=by) if by and norm == "approved" else None,
                                  approved_at=timestamp(at) if norm == "approved" else None)

    def chain(self, model: str, versions: Iterable[m.ModelVersion]) -> list[m.ModelVersion]:
        """``versions`` sorted by label (numeric-aware), each with its FQN under the model and ``previous_version``
        pointing at the one before (unless the platform already said which)."""
        out: list[m.ModelVersion] = []
        prev: m.ModelVersion | None = None
        for v in sorted(versions, key=lambda v: version_key(v.name)):
            changes: dict[str, Any] = {}
            if not v.fqn:
                changes["fqn"] = self.version_fqn(model, v.name)
            if v.previous_version is None and prev is not None:
                changes["previous_version"] = Ref(type="modelVersion", fqn=prev.fqn)
            v = dataclasses.replace(v, **changes) if changes else v
            out.append(v)
            prev = v
        return out

    def endpoint(self, name: str, *, model: str | None = None, version: str | None = None,
                 status: str | None = None, **fields: Any) -> m.Endpoint:
        """An :class:`Endpoint` of the service serving ``model`` (and ``version``); ``status`` text is matched to
        :class:`DeploymentStatus` ignoring case and punctuation (``InService``, ``in_service``), else reported."""
        st = None
        if status:
            st = _DEPLOYMENT_STATUS.get(re.sub(r"[^a-z]", "", status.lower()))
            if st is None:
                self.report.warn(f"deployment status {status!r} is not one of "
                                 + ", ".join(s.value for s in m.DeploymentStatus), item=f"endpoint {name}")
        if "deployed_at" in fields:
            fields["deployed_at"] = timestamp(fields["deployed_at"])
        self.report.count("endpoints")
        return m.Endpoint(
            name=name, fqn=self.importer.fqn(name), service=self.importer.service_ref(), status=st,
            model=Ref(type="mlmodel", fqn=self.model_fqn(model)) if model else None,
            model_version=Ref(type="modelVersion", fqn=self.version_fqn(model, version)) if model and version
            else None, **fields)

    def model(self, name: str, versions: Sequence[m.ModelVersion], **fields: Any) -> m.MLModel:
        """The :class:`MLModel` holding ``versions`` (chained); the algorithm, hyperparameters and store of the
        latest version are the model's unless ``fields`` give them."""
        chained = self.chain(name, versions)
        latest = chained[-1] if chained else None
        if latest is not None:
            fields.setdefault("algorithm", latest.algorithm)
            fields.setdefault("ml_hyper_parameters", list(latest.ml_hyper_parameters))
            fields.setdefault("ml_store", latest.ml_store)
        fields.setdefault("service_type", self.importer.platform)
        self.report.count("models")
        self.report.count("versions", len(chained))
        return m.MLModel(name=name, fqn=self.model_fqn(name), service=self.importer.service_ref(),
                         versions=chained, **fields)
