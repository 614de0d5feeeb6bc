"""The MLflow importer: reads the registry and the tracking store through the client, maps with the shared
:class:`~mlkg.importers.mappers.RunMapper` and :class:`~mlkg.importers.mappers.RegistryMapper`.

A whole listing that fails (registered models, experiments, runs) means the source is unusable
(:class:`SourceUnavailable`); one item that fails (a run, a logged model, a version) is a failure in the report
and the rest is imported.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from ... import ids
from ...model import entities as m
from ...model.base import Ref
from ..base import Capability, Importer, first_line, redact_uri
from ..mappers import MetricPoint, RegistryMapper, RunMapper, timestamp
from .client import http_settings, make_client, mlflow_pages
from .config import MlflowConfig, tracking_uri
from .mapping import (
    alias_pairs,
    dataset_input,
    dataset_inputs,
    feature_type,
    flavor,
    model_id_from_source,
    model_outputs,
    name_filter,
    parse_signature,
    split_of,
    stage_history,
    tag_labels,
)
from .serving import endpoints


def _not_found(e: Exception) -> bool:
    return "RESOURCE_DOES_NOT_EXIST" in str(getattr(e, "error_code", "")) or "not found" in str(e).lower()


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
    from .fields import FILLS as fills  # the mapping table: field → MLflow source

    def __init__(self, config: MlflowConfig | None = None, report: Any = None, **options: Any) -> None:
        super().__init__(config, report, **options)
        self.uri = tracking_uri(self.config)
        self.client: Any = None
        self.runs_mapper = RunMapper(self)
        self.registry = RegistryMapper(self)
        self.mlmodel_cache: dict[str, dict[str, Any] | None] = {}
        self.logged_models: dict[str, Any] = {}
        self.runs: dict[str, Any] = {}
        self.experiments: dict[str, Any] = {}
        self.run_points: dict[str, list[MetricPoint]] = {}
        self.version_params: dict[str, list[m.HyperParameter]] = {}

    # -- the contract ---------------------------------------------------------------------------------------------

    def source(self) -> str:
        return f"mlflow {redact_uri(tracking_uri(self.config))}"

    def graph_key(self) -> str:
        return self.config.service_name

    def test_connection(self) -> None:
        make_client(self.config)

    def service(self) -> m.MLModelService:
        url = redact_uri(self.uri)
        platform = m.PlatformType.DATABRICKS if self.uri.startswith("databricks") else m.PlatformType.MLFLOW
        return m.MLModelService(
            name=self.service_name, service_type=platform,
            service_url=url if "://" in url or url.startswith("databricks") else None,
            description=f"MLflow tracking server {url}" + (
                f", registry {redact_uri(self.config.registry_uri)}" if self.config.registry_uri else ""))

    def entities(self) -> Iterator[m.Entity]:
        """Yield the service, experiments, datasets, runs and registered models of an MLflow server.

        :raises SourceUnavailable: the server cannot be reached, the store is not an MLflow store, or mlflow is
            not installed.
        """
        with http_settings(self.config):
            yield from self._entities()

    def _entities(self) -> Iterator[m.Entity]:
        c, report = self.config, self.report
        self.client = make_client(c)
        svc = self.service()
        yield svc
        report.count("services")
        models = self.read_registry()
        if c.include_runs:
            self.read_experiments()
            for _rm, versions in models:  # runs the registry points at, wherever they are
                for mv in versions:
                    if mv.run_id and mv.run_id not in self.runs:
                        with report.guard(f"run {mv.run_id}") as g:
                            run = self.client.get_run(mv.run_id)
                        if g.ok:
                            self.runs[run.info.run_id] = run
            yield from self.emit_experiments_and_runs()
        for rm, versions in models:
            with report.guard(f"registered model {rm.name}") as g:
                model = self.model(rm, versions)
            if g.ok:
                yield model
                if report.counts["models"] % 100 == 0:
                    report.say(f"mlflow: {report.counts['models']} models")
        if c.serving_endpoints and self.uri.startswith("databricks"):  # Databricks Model Serving
            yield from endpoints(self, read={(str(rm.name), str(mv.version)) for rm, vs in models for mv in vs})

    def _lookup(self, call: Any, *args: Any) -> Any:
        """``call(*args)``, or None when MLflow says the item does not exist."""
        try:
            return call(*args)
        except Exception as e:
            if _not_found(e):
                return None
            raise

    # -- registry -------------------------------------------------------------------------------------------------

    def read_registry(self) -> list[tuple[Any, list[Any]]]:
        c, cl, report = self.config, self.client, self.report
        rms: list[Any] = []
        if c.models:
            for name in c.models:
                with report.guard(f"registered model {name}") as g:
                    rm = self._lookup(cl.get_registered_model, name)
                if g.ok and rm is None:
                    report.skip(f"registered model {name}", "not found in the registry")
                elif g.ok:
                    rms.append(rm)
        else:
            with report.guard("registered models", fatal=True):
                rms = list(mlflow_pages(cl.search_registered_models, max_results=min(c.page_size, 1000)))
        # Unity Catalog search results carry no tags or aliases (they raise when asked): fetch each model
        full = []
        for rm in rms:
            if callable(getattr(rm, "tags", None)) or callable(getattr(rm, "aliases", None)):
                with report.guard(f"registered model {rm.name}") as g:
                    got = cl.get_registered_model(rm.name)
                rm = got if g.ok else rm
            full.append(rm)
        rms = full
        report.say(f"mlflow: {len(rms)} registered models")
        by_name: dict[str, list[Any]] = {rm.name: [] for rm in rms}
        if c.models or len(rms) <= 5:
            for rm in rms:
                with report.guard(f"versions of {rm.name}", fatal=True):
                    by_name[rm.name] = list(mlflow_pages(cl.search_model_versions, filter_string=name_filter(rm.name),
                                                         max_results=c.page_size))
        elif rms:
            with report.guard("model versions", fatal=True):
                for mv in mlflow_pages(cl.search_model_versions, max_results=c.page_size):
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
                    with report.guard(f"version {rm.name}/{mv.version}") as g:
                        got = cl.get_model_version(rm.name, str(mv.version))
                    detailed.append(got if g.ok else mv)
                versions = detailed
            out.append((rm, sorted(versions, key=lambda v: int(v.version))))
        return out

    def model(self, rm: Any, versions: list[Any]) -> m.MLModel:
        model_fqn = self.registry.model_fqn(rm.name)
        alias_map: dict[str, list[str]] = {}
        for alias, ver in alias_pairs(getattr(rm, "aliases", None)):
            alias_map.setdefault(str(ver), []).append(alias)
        features: dict[str, m.Feature] = {}
        mv_entities = []
        for mv in versions:
            v, feats = self.map_version(rm, mv, model_fqn, alias_map)
            for f in feats:
                features[f.name] = f  # later versions win
            mv_entities.append(v)
        source_url = None
        if self.uri.startswith(("http://", "https://")):
            source_url = redact_uri(self.uri).rstrip("/") + "/#/models/" + quote(rm.name, safe="")
        latest = max(mv_entities, key=lambda v: int(v.name), default=None)
        return self.registry.model(
            rm.name, mv_entities, service_type=self.service().service_type, description=rm.description or None,
            ml_hyper_parameters=self.version_params.get(latest.fqn or latest.name, []) if latest else [],
            tags=tag_labels(rm.tags if isinstance(getattr(rm, "tags", None), dict) else {}),
            ml_features=sorted(features.values(), key=lambda f: f.position or 0), source_url=source_url,
            updated_at=timestamp(getattr(rm, "last_updated_timestamp", None)))

    def logged_model(self, model_id: str, where: str) -> Any:
        """The LoggedModel ``model_id`` (cached; a failure is reported once and gives None)."""
        if model_id not in self.logged_models:
            self.logged_models[model_id] = None
            with self.report.guard(f"logged model {model_id}{where}"):
                self.logged_models[model_id] = self.client.get_logged_model(model_id)
        return self.logged_models[model_id]

    def map_version(self, rm: Any, mv: Any, model_fqn: str,
                alias_map: dict[str, list[str]]) -> tuple[m.ModelVersion, list[m.Feature]]:
        label = str(mv.version)
        where = f"{rm.name}/{label}"
        own = getattr(mv, "aliases", None)
        own = [a if isinstance(a, str) else getattr(a, "alias", None) for a in own] if isinstance(
            own, (list, tuple)) or (own is not None and not callable(own) and hasattr(own, "__iter__")) else []
        aliases = sorted({a for a in own if a} | set(alias_map.get(label, [])))
        model_id = getattr(mv, "model_id", None) or model_id_from_source(mv.source)
        lm = self.logged_model(model_id, f" of {where}") if model_id else None
        run = self.runs.get(mv.run_id) if mv.run_id else None
        params: dict[str, str] = dict(getattr(lm, "params", None) or {}) or (
            dict(run.data.params) if run is not None else {})
        # what the run records already is said once, on the run (the version reaches it through producedBy)
        run_params = dict(run.data.params or {}) if run is not None else {}
        own = {k: v for k, v in params.items() if run_params.get(k) != v}
        metrics = self.logged_model_metrics(lm) if lm is not None else []
        location = getattr(lm, "artifact_location", None) or mv.source
        mlmodel = self.mlmodel(location, where) if self.config.signatures and location else None
        features = []
        if mlmodel:
            for pos, (name, typ) in enumerate(parse_signature(mlmodel, where, self.report)):
                features.append(m.Feature(name=name, position=pos, data_type=feature_type(typ),
                                          fqn=ids.fqn_child(model_fqn, name)))
        user = getattr(mv, "user_id", None)
        stage = self.registry.stage(mv.current_stage)
        v = m.ModelVersion(
            name=label, fqn=ids.fqn_child(model_fqn, label), stage=stage,
            stage_history=stage_history(stage, getattr(mv, "last_updated_timestamp", None)),
            aliases=aliases, tags=tag_labels(mv.tags if isinstance(getattr(mv, "tags", None), dict) else {}),
            description=mv.description or None, source=mv.source or None, status=mv.status or None,
            created_at=timestamp(mv.creation_timestamp),
            run=self.runs_mapper.run_ref(mv.run_id) if mv.run_id else None,
            created_by=Ref(type="user", fqn=user) if user else None,
            algorithm=getattr(lm, "model_type", None) or flavor(mlmodel),
            ml_hyper_parameters=RunMapper.params(own), metrics=metrics,
            ml_store=m.ModelStore(storage=location) if location else None,
            features=[Ref(type="mlFeature", fqn=f.fqn) for f in features])
        if self.config.include_runs and mv.run_id and run is None:
            self.report.warn(f"run {mv.run_id} not found; the version keeps a reference to it", item=where)
        self.version_params[v.fqn or label] = RunMapper.params(params)
        return v, features

    def logged_model_metrics(self, lm: Any) -> list[m.Evaluation]:
        """The version's metrics: those its LoggedModel holds.

        MLflow ties a metric to the model explicitly (``log_metric(..., model_id=..., dataset=...)``: the version's
        own value, kept as is) or implicitly, for every metric the run logs while the model is active; for those
        the LoggedModel keeps only the first value (step 0 of a training curve). Such a value is replaced by the
        run's latest one (highest step, then latest time), saying so in the evaluation's description; the run keeps
        the whole history with steps.
        """
        points = []
        for met in getattr(lm, "metrics", None) or []:
            ds = self.runs_mapper.dataset_ref(met.dataset_name, met.dataset_digest) if getattr(
                met, "dataset_name", None) else None
            latest = None if ds is not None else self.latest_point(met.run_id, met.key)
            if latest is not None and (latest.step, latest.time) != (met.step, met.timestamp):
                points.append(dataclasses.replace(latest, description=(
                    f"latest value of run {met.run_id} (step {latest.step}); the logged model kept "
                    f"{met.value:g} (step {met.step})")))
                continue
            points.append(MetricPoint(met.key, float(met.value), met.step, met.timestamp, ds, split_of(
                self.runs.get(met.run_id or ""), met.dataset_name, met.dataset_digest)))
        return self.runs_mapper.evaluations(points, where=f"logged model {getattr(lm, 'model_id', '')}")

    def latest_point(self, run_id: str | None, key: str) -> MetricPoint | None:
        """The last value the run logged for ``key`` (None when the run or its history was not read)."""
        pts = [p for p in self.run_points.get(run_id or "", []) if p.key == key]

        def order(p: MetricPoint) -> tuple[int, float]:
            t = timestamp(p.time)
            return p.step or 0, t.timestamp() if t is not None else 0.0

        return max(pts, key=order, default=None)

    def mlmodel(self, location: str, where: str) -> dict[str, Any] | None:
        """The MLmodel file under an artifact location, as YAML (cached: versions often share one)."""
        if location in self.mlmodel_cache:
            return self.mlmodel_cache[location]
        import yaml

        text = None
        try:
            if location.startswith(("file://", "/")):
                path = Path(unquote(urlsplit(location).path) if location.startswith("file:") else location)
                text = (path / "MLmodel").read_text(encoding="utf-8")
            else:
                from mlflow.artifacts import download_artifacts

                local = download_artifacts(artifact_uri=location.rstrip("/") + "/MLmodel", tracking_uri=self.uri)
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

    # -- tracking -------------------------------------------------------------------------------------------------

    def read_experiments(self) -> None:
        c, cl, report = self.config, self.client, self.report
        exps: list[Any] = []
        if c.experiments:
            for name in c.experiments:
                with report.guard(f"experiment {name}") as g:
                    e = self._lookup(cl.get_experiment_by_name, name)
                if g.ok and e is None:
                    report.skip(f"experiment {name}", "not found")
                elif g.ok:
                    exps.append(e)
        else:
            with report.guard("experiments", fatal=True):
                exps = list(mlflow_pages(cl.search_experiments, max_results=min(c.page_size, 50000)))
        for e in exps:
            self.experiments[e.experiment_id] = e
        if not exps:
            return
        ids_ = [e.experiment_id for e in exps]
        for i in range(0, len(ids_), 100):
            with report.guard("runs", fatal=True):
                for run in mlflow_pages(cl.search_runs, experiment_ids=ids_[i:i + 100], max_results=c.page_size):
                    self.runs[run.info.run_id] = run
        report.say(f"mlflow: {len(exps)} experiments, {len(self.runs)} runs")

    def emit_experiments_and_runs(self) -> Iterator[m.Entity]:
        needed = {r.info.experiment_id for r in self.runs.values()}
        for exp_id in sorted(needed - set(self.experiments)):
            with self.report.guard(f"experiment {exp_id}") as g:
                e = self.client.get_experiment(exp_id)
            if g.ok:
                self.experiments[exp_id] = e
        for e in sorted(self.experiments.values(), key=lambda e: e.name):
            tags = dict(e.tags or {})
            yield self.runs_mapper.experiment(e.name, artifact_location=e.artifact_location or None,
                                              description=tags.get("mlflow.note.content") or None,
                                              tags=tag_labels(tags))
        for run in sorted(self.runs.values(), key=lambda r: (r.info.start_time or 0, r.info.run_id)):
            with self.report.guard(f"run {run.info.run_id}") as g:
                ents = self.map_run(run)
            if g.ok:
                yield from ents

    def map_run(self, run: Any) -> list[m.Entity]:
        info, data = run.info, run.data
        tags = dict(data.tags or {})
        exp = self.experiments.get(info.experiment_id)
        owner = tags.get("owner")
        repo = tags.get("mlflow.source.git.repoURL")
        return self.runs_mapper.run(
            info.run_id, experiment=exp.name if exp is not None else None, params=dict(data.params or {}),
            metrics=self.run_metrics(run), inputs=[dataset_input(di) for di in dataset_inputs(run)],
            user=info.user_id or tags.get("mlflow.user"), owners=[owner] if owner else [],
            display_name=info.run_name or None, status=info.status or None, started_at=info.start_time,
            ended_at=info.end_time, code_commit=tags.get("mlflow.source.git.commit"),
            code_path=tags.get("mlflow.source.name"), code_repository=redact_uri(repo) if repo and "://" in repo else None,
            description=tags.get("mlflow.note.content") or None, tags=tag_labels(tags))

    def run_metrics(self, run: Any) -> list[MetricPoint]:
        """Every logged value (or only the latest) of each metric, with the dataset MLflow 3 linked it to."""
        info = run.info
        linked: dict[tuple[Any, Any, Any], tuple[str, str | None]] = {}
        for out in model_outputs(run):
            lm = self.logged_model(out.model_id, "")
            for met in getattr(lm, "metrics", None) or []:
                if met.dataset_name and met.run_id == info.run_id:
                    linked[(met.key, met.step, met.timestamp)] = (met.dataset_name, met.dataset_digest)
        raw: list[tuple[Any, Any, Any, Any]] = []
        latest = list(getattr(run.data, "_metric_objs", None) or [])
        if not latest:
            raw = [(k, v, None, None) for k, v in (run.data.metrics or {}).items()]
        elif not self.config.metric_history:
            raw = [(x.key, x.value, x.step, x.timestamp) for x in latest]
        else:
            for x in latest:
                with self.report.guard(f"metric {x.key} of run {info.run_id}") as g:
                    hist = self.client.get_metric_history(info.run_id, x.key)
                for h in hist if g.ok else [x]:
                    raw.append((h.key, h.value, h.step, h.timestamp))
        points = []
        for key, value, step, ts in raw:
            ds = linked.get((key, step, ts))
            points.append(MetricPoint(key, float(value), step, ts,
                                      self.runs_mapper.dataset_ref(*ds) if ds else None,
                                      split_of(run, *ds) if ds else None))
        self.run_points[info.run_id] = points
        return points
