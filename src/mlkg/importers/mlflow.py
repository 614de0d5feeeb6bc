"""MLflow importer (tracking + model registry, MLflow 3); the same code reads Databricks.

What becomes what:

========================================  ====================================================================
MLflow                                    mlkg
========================================  ====================================================================
the tracking server                       :class:`MLModelService` (``service_type`` Mlflow, or Databricks)
experiment (name, tags, artifact loc.)    :class:`Experiment`
run (params, metrics, tags, user, code)   :class:`TrainingRun` with :class:`HyperParameter` (typed from the
                                          text MLflow stores) and :class:`Evaluation` (value, step, time,
                                          dataset); ``mlflow.source.git.commit`` → ``code_commit``,
                                          ``mlflow.source.name`` → ``code_path``, ``mlflow.user`` → ``user``
dataset input (name, digest, source)      :class:`Dataset`; context ``training`` → the run's training
                                          datasets, anything else (evaluation, validation, test) → its
                                          evaluation datasets
registered model                          :class:`MLModel` (description, tags, features, latest algorithm)
every model version                       :class:`ModelVersion`: stage, aliases, tags, description, source,
                                          status, run, created_at, created_by, previous version, metrics
                                          of its LoggedModel (with dataset), params, store
MLmodel signature (named columns)         :class:`Feature` with position and numerical/categorical type
========================================  ====================================================================

Databricks: ``tracking_uri="databricks"`` and ``registry_uri="databricks-uc"`` (Unity Catalog) or
``"databricks"`` (workspace registry); credentials come from ``DATABRICKS_HOST``/``DATABRICKS_TOKEN`` or a
Databricks config profile, as the MLflow client reads them. Unity Catalog has aliases and no stages.

Listings go through :func:`mlkg.importers.base.paginate`. A server that cannot be reached, a store that is not an
MLflow store, or a missing ``mlflow`` package raise :class:`SourceUnavailable`; a problem with one item (a run
that was deleted, an unreadable MLmodel file) is a warning in the report and the rest is imported.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from .. import ids
from ..model import entities as m
from ..model.base import Ref, epoch_ms_to_datetime
from .base import (
    Capability,
    Importer,
    ImporterConfig,
    ImportReport,
    SourceUnavailable,
    Token,
    enum_member,
    first_line,
    missing_sdk,
    option,
    paginate,
    redact_uri,
)


@dataclass(frozen=True)
class MlflowConfig(ImporterConfig):
    """Where to read from and what to import."""

    tracking_uri: str = option("", "Tracking URI: sqlite:///path/mlflow.db, http://host:5000, databricks "
                                   "(default: MLFLOW_TRACKING_URI).")
    registry_uri: str | None = option(None, "Model registry URI (default: the tracking URI; databricks-uc for "
                                            "Unity Catalog).")
    experiments: tuple[str, ...] = option((), "Experiment names whose runs to import (default: every active "
                                              "experiment).", cli=("--experiment",))
    models: tuple[str, ...] = option((), "Registered model names to import (default: all).", cli=("--model",))
    service_name: str = option("mlflow", "Name of the MLModelService entity the models belong to.")
    include_runs: bool = option(True, "Import experiments and runs, not only the registry.", cli_off=("--no-runs",))
    metric_history: bool = option(True, "Import every logged value of each run metric (all steps), not only "
                                        "the latest.", cli_off=("--latest-metrics",))
    signatures: bool = option(True, "Read each version's MLmodel file for its input signature (features).")
    version_details: bool = option(False, "Fetch every version with get_model_version. Search results carry "
                                          "no aliases, so this is done anyway for a model whose registry entry "
                                          "has no alias map; otherwise aliases come from the registered model "
                                          "(7x faster on 1,000 models).")
    page_size: int = option(1000, "Page size of search calls.", minimum=1)
    http_retries: int = option(2, "Retries of a failed HTTP request (MLflow's default is 7, with backoff).",
                               minimum=0)
    http_timeout: int = option(30, "Timeout of one HTTP request, in seconds.", minimum=1)


def mlflow_pages(call: Callable[..., Any], **kwargs: Any) -> Iterator[Any]:
    """Every item of an MLflow ``search_*`` call (a ``PagedList`` with ``.token``), through :func:`paginate`."""

    def fetch(token: Token | None) -> tuple[list[Any], Token | None]:
        page = call(page_token=token, **kwargs)
        return list(page), getattr(page, "token", None)

    return paginate(fetch, what=getattr(call, "__name__", "mlflow"))


def _tracking_uri(config: MlflowConfig) -> str:
    return config.tracking_uri or os.environ.get("MLFLOW_TRACKING_URI", "")


# ---------------------------------------------------------------------------------------------------------------
# Naming: one place for the FQNs of the nodes this importer creates
# ---------------------------------------------------------------------------------------------------------------


class _Names:
    def __init__(self, service: str) -> None:
        self.service = ids.quote_part(service)

    def experiment(self, name: str) -> str:
        return ids.fqn_child(self.service, name)

    def run(self, run_id: str) -> str:
        return ids.fqn_child(self.service, run_id)

    def dataset(self, name: str, digest: str | None) -> str:
        return ids.fqn_child(self.service, name, digest or "")

    def model(self, name: str) -> str:
        return ids.fqn_child(self.service, name)


# ---------------------------------------------------------------------------------------------------------------
# Mapping helpers (pure functions: MLflow values → mlkg values)
# ---------------------------------------------------------------------------------------------------------------

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


def split_for(context: str | None) -> m.Split | None:
    """The split a dataset-input context names (training → train, validation/dev, test), else None."""
    c = (context or "").lower()
    if c.startswith("train"):
        return m.Split.TRAIN
    if c.startswith("val") or c == "dev":
        return m.Split.VALIDATION
    if c.startswith("test"):
        return m.Split.TEST
    return None


def tag_labels(tags: dict[str, str] | None) -> list[m.TagLabel]:
    """MLflow key/value tags as tag labels ``key.value``; MLflow's own ``mlflow.*`` tags are left out."""
    out = []
    for k, v in sorted((tags or {}).items()):
        if k.startswith("mlflow.") or not k:
            continue
        fqn = ids.fqn_join(k, str(v)) if v not in (None, "") else ids.quote_part(k)
        out.append(m.TagLabel(tag_fqn=fqn, source="Classification", label_type="Automated", state="Confirmed"))
    return out


def _ms(value: Any) -> Any:
    if value is None or value == 0:
        return None
    try:
        return epoch_ms_to_datetime(int(value))
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _dataset_source(raw: str | None) -> str | None:
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


# ---------------------------------------------------------------------------------------------------------------
# The store check (never let MLflow create or migrate a database the user pointed at by mistake)
# ---------------------------------------------------------------------------------------------------------------


def check_sqlite_store(uri: str) -> None:
    """For ``sqlite:///path``: the file exists, is SQLite and holds MLflow's tables.

    MLflow would otherwise create a new store at a mistyped path, or add its tables to some other database.

    :raises SourceUnavailable: saying which of the three is wrong.
    """
    if not uri.startswith("sqlite:"):
        return
    path = unquote(urlsplit(uri).path)
    if uri.startswith("sqlite:////"):
        path = "/" + path.lstrip("/")
    elif uri.startswith("sqlite:///"):
        path = path[1:] if path.startswith("/") else path
    path = path.split("?", 1)[0]
    if path in ("", ":memory:"):
        raise SourceUnavailable(f"{uri}: an in-memory SQLite store holds no MLflow data")
    p = Path(path)
    if not p.is_file():
        raise SourceUnavailable(f"{uri}: no such file {p}")
    with open(p, "rb") as fh:
        head = fh.read(16)
    if head != b"SQLite format 3\x00":
        raise SourceUnavailable(f"{uri}: {p} is not an SQLite database (corrupt or another kind of file)")
    try:
        con = sqlite3.connect(f"file:{quote(str(p.resolve()))}?mode=ro", uri=True)
        try:
            names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            con.close()
    except sqlite3.DatabaseError as e:
        raise SourceUnavailable(f"{uri}: {p} cannot be read as SQLite ({e})") from None
    missing = {"experiments", "runs", "registered_models", "model_versions"} - names
    if missing:
        raise SourceUnavailable(f"{uri}: {p} is not an MLflow store (no table {sorted(missing)[0]!r})")


@contextmanager
def _http_settings(config: MlflowConfig) -> Iterator[None]:
    keys = {
        "MLFLOW_HTTP_REQUEST_MAX_RETRIES": str(config.http_retries),
        "MLFLOW_HTTP_REQUEST_TIMEOUT": str(config.http_timeout),
        "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
        "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false",
    }
    old = {k: os.environ.get(k) for k in keys}
    for k, v in keys.items():
        if k not in os.environ or k in ("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "MLFLOW_HTTP_REQUEST_TIMEOUT"):
            os.environ[k] = v
    try:
        yield
    finally:
        for k, prev in old.items():
            if prev is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = prev


def make_client(config: MlflowConfig) -> Any:
    """The ``MlflowClient`` for ``config`` (tracking and registry URIs as given)."""
    uri = _tracking_uri(config)
    if not uri:
        raise SourceUnavailable("no MLflow tracking URI: pass --tracking-uri or set MLFLOW_TRACKING_URI")
    check_sqlite_store(uri)
    if config.registry_uri:
        check_sqlite_store(config.registry_uri)
    try:
        import logging

        from mlflow import MlflowClient
        logging.getLogger("mlflow").setLevel(logging.ERROR)
        logging.getLogger("alembic").setLevel(logging.ERROR)
    except ImportError:
        raise missing_sdk("mlflow", "mlflow") from None
    try:
        return MlflowClient(tracking_uri=uri, registry_uri=config.registry_uri or uri)
    except Exception as e:
        raise SourceUnavailable(f"cannot open MLflow at {redact_uri(uri)}: {first_line(e)}") from None


# ---------------------------------------------------------------------------------------------------------------
# The importer
# ---------------------------------------------------------------------------------------------------------------


class _Importer:
    def __init__(self, config: MlflowConfig, report: ImportReport) -> None:
        self.config = config
        self.report = report
        self.uri = _tracking_uri(config)
        self.names = _Names(config.service_name)
        self.client: Any = None
        self.mlmodel_cache: dict[str, dict[str, Any] | None] = {}
        self.logged_models: dict[str, Any] = {}
        self.runs: dict[str, Any] = {}
        self.experiments: dict[str, Any] = {}
        self.dataset_entities: dict[str, m.Dataset] = {}

    # -- calling the SDK ----------------------------------------------------------------------------------------

    def listing(self, what: str, fn: Callable[[], Iterator[Any]]) -> list[Any]:
        """A whole listing; failing here means the source is unusable."""
        try:
            return list(fn())
        except SourceUnavailable:
            raise
        except Exception as e:
            raise SourceUnavailable(f"cannot read {what} from MLflow at {redact_uri(self.uri)}: "
                                    f"{first_line(e)}") from None

    def one(self, what: str, fn: Callable[[], Any]) -> Any:
        """One item; a failure is a warning and the item is skipped."""
        try:
            return fn()
        except Exception as e:
            self.report.warn(f"could not be read: {first_line(e)}", item=what)
            return None

    # -- the run ------------------------------------------------------------------------------------------------

    def platform(self) -> m.PlatformType:
        return m.PlatformType.DATABRICKS if self.uri.startswith("databricks") else m.PlatformType.MLFLOW

    def service(self) -> m.MLModelService:
        url = redact_uri(self.uri)
        return m.MLModelService(
            name=self.config.service_name, service_type=self.platform(),
            service_url=url if "://" in url or url.startswith("databricks") else None,
            description=f"MLflow tracking server {url}" + (
                f", registry {redact_uri(self.config.registry_uri)}" if self.config.registry_uri else ""))

    def __iter__(self) -> Iterator[m.Entity]:
        c = self.config
        self.client = make_client(c)
        svc = self.service()
        yield svc
        self.report.count("services")

        models = self.read_registry()
        if c.include_runs:
            self.read_experiments()
        # runs the registry points at, wherever they are
        for rm, versions in models:
            for mv in versions:
                if c.include_runs and mv.run_id and mv.run_id not in self.runs:
                    run = self.one(f"run {mv.run_id}", lambda: self.client.get_run(mv.run_id))
                    if run is not None:
                        self.runs[run.info.run_id] = run

        if c.include_runs:
            yield from self.emit_experiments_and_runs()
        for rm, versions in models:
            model = self.one(f"registered model {rm.name}", lambda: self.model(rm, versions))
            if model is not None:
                yield model
                self.report.count("models")
                self.report.count("versions", len(model.versions))
                if self.report.counts["models"] % 100 == 0:
                    self.report.say(f"mlflow: {self.report.counts['models']} models")

    # -- registry -----------------------------------------------------------------------------------------------

    def read_registry(self) -> list[tuple[Any, list[Any]]]:
        c, cl = self.config, self.client
        if c.models:
            rms = []
            for name in c.models:
                rm = self.one(f"registered model {name}", lambda: cl.get_registered_model(name))
                if rm is None:
                    self.report.skip(f"registered model {name}", "not found in the registry")
                else:
                    rms.append(rm)
        else:
            rms = self.listing("registered models", lambda: mlflow_pages(
                cl.search_registered_models, max_results=min(c.page_size, 1000)))
        # Unity Catalog search results carry no tags or aliases (they raise when asked): fetch each model
        full = []
        for rm in rms:
            if callable(getattr(rm, "tags", None)) or callable(getattr(rm, "aliases", None)):
                got = self.one(f"registered model {rm.name}", lambda: cl.get_registered_model(rm.name))
                rm = got if got is not None else rm
            full.append(rm)
        rms = full
        self.report.say(f"mlflow: {len(rms)} registered models")
        by_name: dict[str, list[Any]] = {rm.name: [] for rm in rms}
        if c.models or len(rms) <= 5:
            for rm in rms:
                flt = _name_filter(rm.name)
                by_name[rm.name] = self.listing(f"versions of {rm.name}", lambda: mlflow_pages(
                    cl.search_model_versions, filter_string=flt, max_results=c.page_size))
        elif rms:
            for mv in self.listing("model versions", lambda: mlflow_pages(
                    cl.search_model_versions, max_results=c.page_size)):
                if mv.name in by_name:
                    by_name[mv.name].append(mv)
        out = []
        for rm in rms:
            versions = by_name[rm.name]
            has_alias_map = isinstance(getattr(rm, "aliases", None), (dict, list, tuple))
            # Unity Catalog search results raise on .tags/.aliases: those versions must be fetched one by one
            partial = any(callable(getattr(mv, "tags", None)) for mv in versions)
            if c.version_details or not has_alias_map or partial:
                detailed = []
                for mv in versions:
                    full = self.one(f"version {rm.name}/{mv.version}",
                                    lambda: cl.get_model_version(rm.name, str(mv.version)))
                    detailed.append(full if full is not None else mv)
                versions = detailed
            out.append((rm, sorted(versions, key=lambda v: int(v.version))))
        return out

    def model(self, rm: Any, versions: list[Any]) -> m.MLModel:
        names = self.names
        model_fqn = names.model(rm.name)
        alias_map: dict[str, list[str]] = {}
        for alias, ver in _alias_pairs(getattr(rm, "aliases", None)):
            alias_map.setdefault(str(ver), []).append(alias)
        features: dict[str, m.Feature] = {}
        mv_entities = []
        prev: str | None = None
        latest_version = None
        for mv in versions:
            v, feats = self.version(rm, mv, model_fqn, alias_map, prev)
            for f in feats:
                features[f.name] = f  # later versions win
            mv_entities.append(v)
            prev = v.name
            latest_version = v
        source_url = None
        if self.uri.startswith(("http://", "https://")):
            source_url = redact_uri(self.uri).rstrip("/") + "/#/models/" + quote(rm.name, safe="")
        latest = latest_version
        return m.MLModel(
            name=rm.name, fqn=model_fqn, service=Ref(type="mlmodelService", fqn=names.service),
            service_type=self.platform(), description=rm.description or None,
            tags=tag_labels(rm.tags if isinstance(getattr(rm, "tags", None), dict) else {}),
            versions=mv_entities, ml_features=sorted(features.values(), key=lambda f: f.position or 0),
            algorithm=latest.algorithm if latest else None,
            ml_hyper_parameters=list(latest.ml_hyper_parameters) if latest else [],
            ml_store=latest.ml_store if latest else None,
            source_url=source_url, updated_at=_ms(getattr(rm, "last_updated_timestamp", None)))

    def version(self, rm: Any, mv: Any, model_fqn: str, alias_map: dict[str, list[str]],
                prev: str | None) -> tuple[m.ModelVersion, list[m.Feature]]:
        label = str(mv.version)
        where = f"{rm.name}/{label}"
        own = getattr(mv, "aliases", None)
        own = [a if isinstance(a, str) else getattr(a, "alias", None) for a in own] if isinstance(
            own, (list, tuple)) or (own is not None and not callable(own) and hasattr(own, "__iter__")) else []
        aliases = sorted({a for a in own if a} | set(alias_map.get(label, [])))
        model_id = getattr(mv, "model_id", None) or _model_id_from_source(mv.source)
        lm = None
        if model_id:
            lm = self.logged_models.get(model_id)
            if lm is None and model_id not in self.logged_models:
                lm = self.one(f"logged model {model_id} of {where}",
                              lambda: self.client.get_logged_model(model_id))
                self.logged_models[model_id] = lm
        run = self.runs.get(mv.run_id) if mv.run_id else None
        params: dict[str, str] = dict(getattr(lm, "params", None) or {}) or (
            dict(run.data.params) if run is not None else {})
        metrics = self.logged_model_metrics(lm) if lm is not None else []
        location = getattr(lm, "artifact_location", None) or mv.source
        mlmodel = self.mlmodel(location, where) if self.config.signatures and location else None
        features = []
        if mlmodel:
            for pos, (name, typ) in enumerate(parse_signature(mlmodel, where, self.report)):
                features.append(m.Feature(name=name, position=pos, data_type=feature_type(typ),
                                          fqn=ids.fqn_child(model_fqn, name)))
        algorithm = getattr(lm, "model_type", None) or _flavor(mlmodel)
        stage = enum_member(m.Stage, mv.current_stage) if mv.current_stage in ("None", "Staging", "Production",
                                                                           "Archived") else None
        user = getattr(mv, "user_id", None)
        v = m.ModelVersion(
            name=label, fqn=ids.fqn_child(model_fqn, label), stage=stage, aliases=aliases,
            tags=tag_labels(mv.tags if isinstance(getattr(mv, "tags", None), dict) else {}),
            description=mv.description or None, source=mv.source or None,
            status=mv.status or None, created_at=_ms(mv.creation_timestamp),
            run=Ref(type="trainingRun", fqn=self.names.run(mv.run_id)) if mv.run_id else None,
            previous_version=Ref(type="modelVersion", fqn=ids.fqn_child(model_fqn, prev)) if prev else None,
            created_by=Ref(type="user", fqn=user) if user else None,
            algorithm=algorithm,
            ml_hyper_parameters=[m.HyperParameter(name=k, value=str(val)) for k, val in sorted(params.items())],
            metrics=metrics,
            ml_store=m.ModelStore(storage=location) if location else None,
            features=[Ref(type="mlFeature", fqn=f.fqn) for f in features])
        if self.config.include_runs and mv.run_id and run is None:
            self.report.warn(f"run {mv.run_id} not found; the version keeps a reference to it", item=where)
        return v, features

    def logged_model_metrics(self, lm: Any) -> list[m.Evaluation]:
        out = []
        for met in getattr(lm, "metrics", None) or []:
            ds = None
            if getattr(met, "dataset_name", None):
                ds = Ref(type="dataset", fqn=self.names.dataset(met.dataset_name, met.dataset_digest))
            out.append(m.Evaluation(name=met.key, value=float(met.value), dataset=ds,
                                    split=self.split_of(met.run_id, met.dataset_name, met.dataset_digest),
                                    timestamp=_ms(met.timestamp), step=met.step))
        return out

    def split_of(self, run_id: str | None, name: str | None, digest: str | None) -> m.Split | None:
        run = self.runs.get(run_id or "")
        if run is None or not name:
            return None
        for di in _dataset_inputs(run):
            if di.dataset.name == name and (digest is None or di.dataset.digest == digest):
                return split_for(_context(di))
        return None

    def mlmodel(self, location: str, where: str) -> dict[str, Any] | None:
        """The MLmodel file under an artifact location, as YAML (cached: versions often share one)."""
        if location in self.mlmodel_cache:
            return self.mlmodel_cache[location]
        import yaml

        text = None
        try:
            if location.startswith("file://") or location.startswith("/"):
                path = Path(unquote(urlsplit(location).path) if location.startswith("file:") else location)
                text = (path / "MLmodel").read_text(encoding="utf-8")
            else:
                from mlflow.artifacts import download_artifacts

                local = download_artifacts(artifact_uri=location.rstrip("/") + "/MLmodel",
                                           tracking_uri=self.uri)
                text = Path(local).read_text(encoding="utf-8")
        except Exception as e:
            self.report.warn(f"no readable MLmodel at {redact_uri(location)} ({first_line(e, 120)}); "
                             "no features for this version", item=where)
        data = None
        if text is not None:
            try:
                loaded = yaml.safe_load(text)
                data = loaded if isinstance(loaded, dict) else None
            except yaml.YAMLError as e:
                self.report.warn(f"MLmodel at {redact_uri(location)} is not YAML ({first_line(e, 120)})",
                                 item=where)
        self.mlmodel_cache[location] = data
        return data

    # -- tracking -----------------------------------------------------------------------------------------------

    def read_experiments(self) -> None:
        c, cl = self.config, self.client
        if c.experiments:
            exps = []
            for name in c.experiments:
                e = self.one(f"experiment {name}", lambda: cl.get_experiment_by_name(name))
                if e is None:
                    self.report.skip(f"experiment {name}", "not found")
                else:
                    exps.append(e)
        else:
            exps = self.listing("experiments", lambda: mlflow_pages(
                cl.search_experiments, max_results=min(c.page_size, 50000)))
        for e in exps:
            self.experiments[e.experiment_id] = e
        if not exps:
            return
        ids_ = [e.experiment_id for e in exps]
        for i in range(0, len(ids_), 100):
            chunk = ids_[i:i + 100]
            for run in self.listing("runs", lambda: mlflow_pages(
                    cl.search_runs, experiment_ids=chunk, max_results=c.page_size)):
                self.runs[run.info.run_id] = run
        self.report.say(f"mlflow: {len(exps)} experiments, {len(self.runs)} runs")

    def emit_experiments_and_runs(self) -> Iterator[m.Entity]:
        needed = {r.info.experiment_id for r in self.runs.values()}
        for exp_id in sorted(needed - set(self.experiments)):
            e = self.one(f"experiment {exp_id}", lambda: self.client.get_experiment(exp_id))
            if e is not None:
                self.experiments[exp_id] = e
        for e in sorted(self.experiments.values(), key=lambda e: e.name):
            tags = dict(e.tags or {})
            yield m.Experiment(name=e.name, fqn=self.names.experiment(e.name),
                               service=Ref(type="mlmodelService", fqn=self.names.service),
                               artifact_location=e.artifact_location or None,
                               description=tags.get("mlflow.note.content") or None, tags=tag_labels(tags))
            self.report.count("experiments")
        for run in sorted(self.runs.values(), key=lambda r: (r.info.start_time or 0, r.info.run_id)):
            ents = self.one(f"run {run.info.run_id}", lambda: self.run(run))
            if ents:
                yield from ents

    def run(self, run: Any) -> list[m.Entity]:
        info, data = run.info, run.data
        tags = dict(data.tags or {})
        exp = self.experiments.get(info.experiment_id)
        out: list[m.Entity] = []
        train: list[Ref] = []
        evaluation: list[Ref] = []
        for di in _dataset_inputs(run):
            ds = di.dataset
            fqn = self.names.dataset(ds.name, ds.digest)
            if fqn not in self.dataset_entities:
                ent = m.Dataset(name=ds.name, fqn=fqn, digest=ds.digest or None,
                                source=_dataset_source(ds.source), source_type=ds.source_type or None)
                self.dataset_entities[fqn] = ent
                out.append(ent)
                self.report.count("datasets")
            context = _context(di)
            if context is None:
                self.report.warn(f"dataset input {ds.name} has no context; taken as training data",
                                 item=f"run {info.run_id}")
            ref = Ref(type="dataset", fqn=fqn)
            (train if context is None or context.lower().startswith("train") else evaluation).append(ref)
        metrics = self.run_metrics(run)
        owner = tags.get("owner")
        user = info.user_id or tags.get("mlflow.user")
        repo = tags.get("mlflow.source.git.repoURL")
        out.append(m.TrainingRun(
            name=info.run_id, fqn=self.names.run(info.run_id), display_name=info.run_name or None,
            experiment=Ref(type="experiment", fqn=self.names.experiment(exp.name)) if exp is not None else None,
            user=Ref(type="user", fqn=user) if user else None,
            owners=[Ref(type="user", fqn=owner)] if owner else [],
            status=info.status or None, started_at=_ms(info.start_time), ended_at=_ms(info.end_time),
            code_commit=tags.get("mlflow.source.git.commit"), code_path=tags.get("mlflow.source.name"),
            code_repository=repo if repo and "://" in repo else None,
            description=tags.get("mlflow.note.content") or None,
            training_datasets=_unique(train), evaluation_datasets=_unique(evaluation),
            params=[m.HyperParameter(name=k, value=str(v)) for k, v in sorted((data.params or {}).items())],
            metrics=metrics, tags=tag_labels(tags)))
        self.report.count("runs")
        return out

    def run_metrics(self, run: Any) -> list[m.Evaluation]:
        """Every logged value (or only the latest) of each metric, with the dataset MLflow 3 linked it to."""
        info = run.info
        linked: dict[tuple[Any, Any, Any], tuple[str, str | None]] = {}
        for out in _model_outputs(run):
            lm = self.logged_models.get(out.model_id)
            if lm is None and out.model_id not in self.logged_models:
                lm = self.one(f"logged model {out.model_id}", lambda: self.client.get_logged_model(out.model_id))
                self.logged_models[out.model_id] = lm
            for met in getattr(lm, "metrics", None) or []:
                if met.dataset_name and met.run_id == info.run_id:
                    linked[(met.key, met.step, met.timestamp)] = (met.dataset_name, met.dataset_digest)
        points: list[tuple[Any, Any, Any, Any]] = []
        latest = list(getattr(run.data, "_metric_objs", None) or [])
        if not latest:
            points = [(k, v, None, None) for k, v in (run.data.metrics or {}).items()]
        elif not self.config.metric_history:
            points = [(x.key, x.value, x.step, x.timestamp) for x in latest]
        else:
            for x in latest:
                hist = self.one(f"metric {x.key} of run {info.run_id}",
                                lambda: self.client.get_metric_history(info.run_id, x.key))
                for h in hist if hist is not None else [x]:
                    points.append((h.key, h.value, h.step, h.timestamp))
        out_e = []
        seen = set()
        for key, value, step, ts in sorted(points, key=lambda p: (p[0], p[2] or 0, p[3] or 0)):
            ds = linked.get((key, step, ts))
            e = m.Evaluation(name=key, value=float(value), step=step, timestamp=_ms(ts),
                             dataset=Ref(type="dataset", fqn=self.names.dataset(*ds)) if ds else None,
                             split=self.split_of(info.run_id, *ds) if ds else None)
            k = (key, step, ts, ds)
            if k in seen:
                continue
            seen.add(k)
            out_e.append(e)
        return out_e


# ---------------------------------------------------------------------------------------------------------------
# Small MLflow-shape helpers
# ---------------------------------------------------------------------------------------------------------------


def _alias_pairs(value: Any) -> list[tuple[str, str]]:
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


def _name_filter(name: str) -> str:
    if "'" not in name:
        return f"name='{name}'"
    return 'name="' + name.replace('"', '\\"') + '"'


def _model_id_from_source(source: str | None) -> str | None:
    if source and source.startswith("models:/m-"):
        return source[len("models:/"):].split("/", 1)[0]
    return None


def _flavor(mlmodel: dict[str, Any] | None) -> str | None:
    flavors = sorted(k for k in ((mlmodel or {}).get("flavors") or {}) if k != "python_function")
    return flavors[0] if flavors else None


def _dataset_inputs(run: Any) -> list[Any]:
    inputs = getattr(run, "inputs", None)
    return list(getattr(inputs, "dataset_inputs", None) or [])


def _model_outputs(run: Any) -> list[Any]:
    outputs = getattr(run, "outputs", None)
    return list(getattr(outputs, "model_outputs", None) or [])


def _context(di: Any) -> str | None:
    for t in di.tags or []:
        if t.key == "mlflow.data.context":
            return t.value or None
    return None


def _unique(refs: list[Ref]) -> list[Ref]:
    seen, out = set(), []
    for r in refs:
        if r.fqn not in seen:
            seen.add(r.fqn)
            out.append(r)
    return out


class MlflowImporter(Importer[MlflowConfig]):
    """MLflow (and Databricks): experiments, runs, datasets, registered models and every version."""

    name = "mlflow"
    platform = m.PlatformType.MLFLOW
    Config = MlflowConfig
    capabilities = {
        Capability.REGISTRY: "Registered models and every version: stage, aliases, tags, status, source, the "
                             "run and the previous version; Unity Catalog on Databricks.",
        Capability.RUNS: "Experiments and runs: params typed from their text, every step of each metric with "
                         "its time and the dataset MLflow 3 tied it to, user, code commit and path.",
        Capability.DATASETS: "Dataset inputs (name, digest, source) with their context as the split: training "
                             "data or evaluation data.",
        Capability.FEATURES: "The named columns of each version's MLmodel signature, numerical or categorical.",
    }
    extra = "mlflow"
    sdk = ("mlflow",)
    source_option = "tracking_uri"
    examples = (
        "mlkg import mlflow --tracking-uri sqlite:///mlflow.db -o mlflow.ttl",
        "mlkg import mlflow --tracking-uri http://127.0.0.1:5000 --model churn --no-runs",
        "DATABRICKS_HOST=... DATABRICKS_TOKEN=... mlkg import mlflow --tracking-uri databricks "
        "--registry-uri databricks-uc -o uc.ttl",
    )

    def source(self) -> str:
        return f"mlflow {redact_uri(_tracking_uri(self.config))}"

    def graph_key(self) -> str:
        return self.config.service_name

    def test_connection(self) -> None:
        make_client(self.config)

    def entities(self) -> Iterator[m.Entity]:
        """Yield the service, experiments, datasets, runs and registered models of an MLflow server.

        :raises SourceUnavailable: the server cannot be reached, the store is not an MLflow store, or mlflow is
            not installed.
        """
        with _http_settings(self.config):
            yield from _Importer(self.config, self.report)
