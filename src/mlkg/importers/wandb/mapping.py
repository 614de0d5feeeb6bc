"""W&B runs (as read from ``.wandb`` record files) → mlkg entities.

=====================================  ===================================================================
W&B                                    mlkg
=====================================  ===================================================================
project ``entity/project``             :class:`Experiment` ``<service>.<entity>/<project>``
run (id, name, notes, group, job        :class:`TrainingRun` ``<service>.<entity>/<project>.<run id>``: display
type, tags, start time, exit)          name, description (notes), tags (the run's tags, plus ``group.<g>``
                                       and ``job_type.<t>``), start and end (start + runtime), status
                                       (finished / failed / crashed when the file stops early), git commit
                                       and remote, program (code path), the OS user
config                                 typed hyperparameters; nested values flattened with ``.``
history rows                           :class:`Evaluation` per numeric value with its ``_step`` and
                                       ``_timestamp``
summary                                :class:`Evaluation` (no step) for keys that never appear in history
logged artifact of type ``model``      a :class:`ModelVersion` of the :class:`MLModel` named by the artifact:
                                       label = the artifact digest (W&B numbers versions ``v0``… only when the
                                       run is synced, so the offline file does not know them), aliases
                                       (``latest`` on the newest version only),
                                       description, produced by the run, metadata values that are known
                                       measures (accuracy, f1, ...) as evaluations, ``framework`` /
                                       ``algorithm`` metadata as algorithm; versions chained in run order
logged artifact of another type        :class:`Dataset` named by the artifact (digest, first reference or
(``dataset``, ...)                     ``source`` metadata as source), produced by the run
used artifact                          the run's training data (only in live or synced runs: offline mode
                                       refuses ``use_artifact``), named under the artifact's own project
live artifact version ``vN``           the version label is W&B's ``vN`` (not the digest), aliases as the
                                       server keeps them, created at the artifact's creation time; versions
                                       chained in version order
registry link (a model version         a :class:`MLModel` per registry collection ``<entity>/<registry
linked into ``model-registry/<name>``  project>.<name>`` with one version per link (its ``vN`` and aliases),
or a ``wandb-registry-*`` project)     produced by the run that logged the source version, whose
                                       ``wandb-artifact:///entity/project/name:vN`` is its source
=====================================  ===================================================================

Live runs (:mod:`.live`) arrive as the same :class:`~mlkg.importers.wandb.records.RunFile` records, with the
artifact dicts carrying ``version``, ``entity`` and ``project``; everything else maps the same way.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from ... import ids
from ...model import entities as m
from ...model.base import Ref, epoch_ms_to_datetime
from ..base import Importer
from ..mappers import MetricPoint, RunMapper
from .records import RunFile


def _flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and v and not ("value" in v and "desc" in v):
            out.update(_flatten(v, key + "."))
        elif isinstance(v, dict) and "value" in v and "desc" in v:  # config-defaults.yaml style
            out[key] = v["value"]
        else:
            out[key] = v
    return out


def _number(v: Any) -> float | int | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return None
    return v


def _when(seconds: Any) -> Any:
    n = _number(seconds)
    return epoch_ms_to_datetime(n * 1000) if n else None


def _tag(key: str, value: str | None = None) -> m.TagLabel:
    fqn = ids.fqn_join(key, value) if value else ids.quote_part(key)
    return m.TagLabel(tag_fqn=fqn, source="Classification", label_type="Automated", state="Confirmed")


def _version_index(art: dict[str, Any]) -> int:
    v = str(art.get("version") or "")
    return int(v[1:]) if v[:1] == "v" and v[1:].isdigit() else -1


def _unique_versions(arts: list[tuple[RunFile, dict[str, Any], str]]) -> list[tuple[RunFile, dict[str, Any], str]]:
    """Live versions once each, in version order (``v0``, ``v1``...); offline ones (no version) as logged."""
    if not all(a.get("version") for _, a, _ in arts):
        return arts
    seen: dict[str, tuple[RunFile, dict[str, Any], str]] = {}
    for item in arts:
        seen.setdefault(item[1]["version"], item)
    return sorted(seen.values(), key=lambda item: _version_index(item[1]))


class Mapper:
    """Turns :class:`~mlkg.importers.wandb.records.RunFile` objects into entities under the importer's service;
    config and metrics go through the shared :class:`~mlkg.importers.mappers.RunMapper`."""

    def __init__(self, importer: Importer[Any]) -> None:
        self.report = importer.report
        self.runs = RunMapper(importer)
        self.service = importer.service_fqn()
        self.service_ref = Ref(type="mlmodelService", fqn=self.service)

    def project_fqn(self, entity: str, project: str) -> str:
        return ids.fqn_child(self.service, f"{entity}/{project}" if entity else project)

    def entities(self, runs: list[RunFile]) -> Iterator[m.Entity]:
        """Projects, datasets, runs and models of ``runs`` (taken in start-time order)."""
        projects: dict[str, m.Experiment] = {}
        models: dict[str, list[tuple[RunFile, dict[str, Any], str]]] = {}
        registered: dict[str, list[tuple[RunFile, dict[str, Any], str]]] = {}
        datasets: dict[str, m.Dataset] = {}
        used: dict[str, m.Dataset] = {}
        ordered = sorted(runs, key=lambda r: ((r.run.get("start_time") or {}).get("seconds", 0), r.path))
        out_runs = []
        for rf in ordered:
            if not rf.run.get("run_id"):
                self.report.skip(rf.path, "no run record (the file stops before it); nothing to import")
                continue
            entity, project = rf.run.get("entity", ""), rf.run.get("project") or "uncategorized"
            pfqn = self.project_fqn(entity, project)
            if pfqn not in projects:
                projects[pfqn] = m.Experiment(name=f"{entity}/{project}" if entity else project, fqn=pfqn,
                                              service=self.service_ref)
            run_fqn = ids.fqn_child(pfqn, rf.run["run_id"])
            for art in rf.artifacts:
                apfqn = self.artifact_project(art, pfqn)
                if art.get("type") == "model":
                    models.setdefault(ids.fqn_child(apfqn, art.get("name", "")), []).append((rf, art, pfqn))
                    for link in art.get("links", []):
                        rfqn = ids.fqn_child(self.project_fqn(link.get("entity", ""), link.get("project", "")),
                                             link.get("name", ""))
                        registered.setdefault(rfqn, []).append((rf, {**art, **link, "source": art}, pfqn))
                else:
                    ds = self.dataset(apfqn, art, run_fqn)
                    datasets.setdefault(ds.fqn or "", ds)
            for art in rf.used_artifacts:
                if art.get("name") and art.get("type") != "model":
                    ds = self.dataset(self.artifact_project(art, pfqn), art, None)
                    used.setdefault(ds.fqn or "", ds)
            out_runs.append(self.run(rf, pfqn, run_fqn))
        for fqn, ds in used.items():  # used here, logged elsewhere (another project, or a run not imported)
            datasets.setdefault(fqn, ds)
        yield from projects.values()
        self.report.count("experiments", len(projects))
        yield from datasets.values()
        if datasets:
            self.report.count("datasets", len(datasets))
        yield from out_runs
        self.report.count("runs", len(out_runs))
        for fqn, arts in [*models.items(), *registered.items()]:
            arts = _unique_versions(arts)
            yield self.model(fqn, arts)
            self.report.count("models")
            self.report.count("versions", len(arts))
        if registered:
            self.report.count("registry collections", len(registered))

    def artifact_project(self, art: dict[str, Any], pfqn: str) -> str:
        """The FQN of the project an artifact belongs to: its own (live artifacts name it) or the run's."""
        if art.get("project"):
            return self.project_fqn(art.get("entity", ""), art["project"])
        return pfqn

    def run(self, rf: RunFile, pfqn: str, run_fqn: str) -> m.TrainingRun:
        r, env = rf.run, rf.environment
        tags = [_tag(t) for t in r.get("tags", [])]
        if r.get("run_group"):
            tags.append(_tag("group", r["run_group"]))
        if r.get("job_type"):
            tags.append(_tag("job_type", r["job_type"]))
        started = _when((r.get("start_time") or {}).get("seconds"))
        if started is not None and (r.get("start_time") or {}).get("nanos"):
            started += timedelta(microseconds=r["start_time"]["nanos"] // 1000)
        ended, status = None, rf.state
        if rf.exit is not None:
            status = status or ("finished" if not rf.exit.get("exit_code") else "failed")
            runtime = rf.exit.get("runtime")
            if started is not None and isinstance(runtime, (int, float)) and not isinstance(runtime, bool):
                ended = started + timedelta(seconds=runtime)
        elif rf.problems and not status:
            status = "crashed"
        for problem in rf.problems:
            self.report.warn(problem, item=rf.path)
        git = r.get("git") or env.get("git") or {}
        params = self.runs.params(_flatten({k: v for k, v in rf.config.items() if not k.startswith("_")}))
        points = []
        history_keys = set()
        for row in rf.history:
            step = row.get("_step")
            when = _when(row.get("_timestamp"))
            for k, v in sorted(_flatten(row).items()):
                if k.startswith("_"):
                    continue
                history_keys.add(k)
                if v is not None:
                    points.append(MetricPoint(key=k, value=v, step=step if isinstance(step, int) else None,
                                              time=when))
        for k, v in sorted(_flatten(rf.summary).items()):
            if not k.startswith("_") and k not in history_keys and v is not None:
                points.append(MetricPoint(key=k, value=v))
        metrics = self.runs.evaluations(points, where=f"run {r['run_id']}")
        used = [Ref(type="dataset", fqn=ids.fqn_child(self.artifact_project(u, pfqn),
                                                       str(u.get("name")).split(":", 1)[0]))
                for u in rf.used_artifacts if u.get("name") and u.get("type") != "model"]
        remote = git.get("remote_url")
        user = env.get("username")
        return m.TrainingRun(
            name=r["run_id"], fqn=run_fqn, display_name=r.get("display_name") or None,
            description=r.get("notes") or None, experiment=Ref(type="experiment", fqn=pfqn), tags=tags,
            status=status, started_at=started, ended_at=ended, code_commit=git.get("commit") or None,
            code_repository=remote if remote and "://" in remote else None,
            code_path=env.get("code_path") or env.get("program") or None,
            user=Ref(type="user", fqn=user) if user else None, params=params, metrics=metrics,
            training_datasets=used)

    def dataset(self, pfqn: str, art: dict[str, Any], run_fqn: str | None) -> m.Dataset:
        meta = self.metadata(art)
        refs = [e.get("ref") for e in (art.get("manifest") or {}).get("contents", []) if e.get("ref")]
        source = meta.get("source") if isinstance(meta.get("source"), str) else (refs[0] if refs else None)
        return m.Dataset(name=art.get("name", ""), fqn=ids.fqn_child(pfqn, art.get("name", "")),
                         digest=art.get("digest") or None, description=art.get("description") or None,
                         source=source, source_type=art.get("type") if art.get("type") != "dataset" else None,
                         produced_by=Ref(type="trainingRun", fqn=run_fqn) if run_fqn else None)

    def metadata(self, art: dict[str, Any]) -> dict[str, Any]:
        raw = art.get("metadata") or "{}"
        try:
            meta = json.loads(raw)
        except ValueError:
            self.report.warn("artifact metadata is not JSON; ignored", item=f"artifact {art.get('name')}")
            return {}
        return meta if isinstance(meta, dict) else {}

    def model(self, fqn: str, arts: list[tuple[RunFile, dict[str, Any], str]]) -> m.MLModel:
        versions: list[m.ModelVersion] = []
        prev = None
        for i, (rf, art, pfqn) in enumerate(arts):
            meta = self.metadata(art)
            if art.get("version"):  # live: the server's own version label and aliases
                label, aliases = art["version"], set(art.get("aliases", []))
            else:
                # each offline file calls its own version "latest"; the server keeps that alias on the newest
                aliases = {a for a in art.get("aliases", []) if a != "latest" or i == len(arts) - 1}
                label = art.get("digest") or f"{rf.run['run_id']}"
            src = art.get("source")
            source = (f"wandb-artifact:///{src.get('entity')}/{src.get('project')}/{src.get('name')}:"
                      f"{src.get('version')}") if isinstance(src, dict) else None
            created = art.get("created_at") or (rf.run.get("start_time") or {}).get("seconds")
            metrics = [m.Evaluation(name=k, value=_number(v)) for k, v in sorted(meta.items())
                       if _number(v) is not None and m.measure_for(k)]
            algorithm = meta.get("algorithm") or meta.get("framework")
            versions.append(m.ModelVersion(
                name=label, fqn=ids.fqn_child(fqn, label), aliases=sorted(aliases),
                description=art.get("description") or None, algorithm=str(algorithm) if algorithm else None,
                run=Ref(type="trainingRun", fqn=ids.fqn_child(pfqn, rf.run["run_id"])),
                previous_version=Ref(type="modelVersion", fqn=ids.fqn_child(fqn, prev)) if prev else None,
                created_at=_when(created), source=source, metrics=metrics))
            prev = label
        latest = versions[-1]
        return m.MLModel(name=arts[0][1].get("name", ""), fqn=fqn, service=self.service_ref,
                         service_type=m.PlatformType.WANDB, versions=versions, algorithm=latest.algorithm,
                         description=latest.description)
