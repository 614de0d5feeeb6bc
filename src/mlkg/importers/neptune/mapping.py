"""A replayed Neptune run → mlkg entities.

====================================  ====================================================================
Neptune (offline run)                  mlkg
====================================  ====================================================================
the project (``project`` option:       :class:`Experiment` (the offline folder does not record the project)
offline folders do not say it)
run (container id, ``sys/name``,       :class:`TrainingRun` named by the container id (Neptune's ``sys/id``
``sys/description``, ``sys/tags``,     such as ``IRIS-12`` is given by the server at sync): display name,
``sys/group_tags``, ``sys/failed``,    description, tags (group tags as ``group.<tag>``), status, start
``source_code/entrypoint``)            (``metadata.json`` createdAt), code path, host
values under ``parameters``,          typed hyperparameters (nested namespaces joined with ``/``)
``params``, ``config``, ``hparams``
float series (``append``/``log``)     :class:`Evaluation` per point with step and time; the first namespace
                                      gives the split (``train``, ``val``/``valid``/``validation``,
                                      ``test``) and the rest the name
other numeric single values           :class:`Evaluation` without step (same naming)
``track_files`` artifacts             :class:`Dataset` per artifact attribute (source: the tracked path);
                                      the run's evaluation data when its path says test/val/eval, else its
                                      training data
====================================  ====================================================================

``monitoring/*`` (hardware metrics), uploaded files (their content is not in the log) and string series are
left out, each with a reported skip.

Runs read from Neptune Exporter's Parquet files (:mod:`.exporter`) arrive as the same containers, named by the
exported ``run_id`` (the server's ``sys/id``) under the exported project, started at ``sys/creation_time``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from ... import ids
from ...model import entities as m
from ...model.base import Ref, epoch_ms_to_datetime
from ..base import Importer
from ..mappers import MetricPoint, RunMapper
from .oplog import Container

PARAM_NAMESPACES = ("parameters", "params", "config", "hparams", "hyperparameters")
_SPLITS = {"train": m.Split.TRAIN, "training": m.Split.TRAIN, "val": m.Split.VALIDATION,
           "valid": m.Split.VALIDATION, "validation": m.Split.VALIDATION, "dev": m.Split.VALIDATION,
           "test": m.Split.TEST, "testing": m.Split.TEST}
_SYS_MAPPED = {"name", "description", "tags", "group_tags", "failed", "hostname", "state", "id",
               "custom_run_id", "creation_time", "ping_time", "running_time", "owner", "modification_time",
               "size", "monitoring_time", "trashed", "stage", "model_id", "version"}


def _number(v: Any) -> int | float | None:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return None if isinstance(v, float) and v != v else v


def _tag(key: str, value: str | None = None) -> m.TagLabel:
    fqn = ids.fqn_join(key, value) if value else ids.quote_part(key)
    return m.TagLabel(tag_fqn=fqn, source="Classification", label_type="Automated", state="Confirmed")


def metric_name(path: tuple[str, ...]) -> tuple[str, m.Split | None]:
    """(name, split) of a metric path: ``("train", "loss")`` → ``("loss", TRAIN)``; ``("eval", "f1")`` →
    ``("eval/f1", None)``."""
    split = _SPLITS.get(path[0].lower()) if len(path) > 1 else None
    return ("/".join(path[1:]) if split else "/".join(path)), split


class Mapper:
    """Replayed runs → entities under the importer's service; parameters and metrics go through the shared
    :class:`~mlkg.importers.mappers.RunMapper`."""

    def __init__(self, importer: Importer[Any], *, project: str) -> None:
        self.report = importer.report
        self.runs = RunMapper(importer)
        self.service = importer.service_fqn()
        self.project = project
        self.project_fqn = ids.fqn_child(self.service, project) if project else None

    def experiment(self) -> m.Experiment | None:
        if not self.project_fqn:
            return None
        return m.Experiment(name=self.project, fqn=self.project_fqn,
                            service=Ref(type="mlmodelService", fqn=self.service))

    def entities(self, c: Container) -> Iterator[m.Entity]:
        for p in c.problems:
            self.report.warn(p, item=c.folder)
        if c.metadata.get("containerType", "run") != "run":
            self.report.skip(c.folder, f"a {c.metadata.get('containerType')} container (only runs are imported)")
            return
        folder = c.folder.rstrip("/").rsplit("/", 1)[-1]  # run__<container id>__<pid>__<random>
        run_id = str(c.metadata.get("containerId") or (folder.split("__")[1] if folder.count("__") >= 1
                                                      else folder))
        parent = self.project_fqn or self.service
        run_fqn = ids.fqn_child(parent, run_id)
        v = c.values
        params: dict[str, Any] = {}
        points: list[tuple[MetricPoint, str]] = []
        train: list[Ref] = []
        evaluation: list[Ref] = []
        datasets = []
        for path, value in sorted(v.items()):
            where = "/".join(path)
            if path[0] == "sys" and len(path) == 2 and path[1] in _SYS_MAPPED:
                continue
            if path[0] == "source_code" and path[1:] == ("entrypoint",):
                continue
            if path[0] == "monitoring":
                continue
            if isinstance(value, tuple) and value and value[0] == "artifact":
                fqn = ids.fqn_child(run_fqn, where)
                datasets.append(m.Dataset(name=where, fqn=fqn, source=", ".join(value[1]) or None,
                                          source_type="neptune-artifact"))
                low = where.lower()
                (evaluation if any(w in low for w in ("test", "val", "eval")) else train).append(
                    Ref(type="dataset", fqn=fqn))
            elif path[0].lower() in PARAM_NAMESPACES and len(path) > 1:
                if isinstance(value, set):
                    value = ",".join(sorted(value))
                if value is not None:
                    params["/".join(path[1:])] = value
            elif _number(value) is not None:
                name, split = metric_name(path)
                points.append((MetricPoint(key=name, value=value, split=split), path[-1]))
            else:
                self.report.skip(f"{c.folder} {where}", "a text, set or date field with no mlkg counterpart")
        for path, s in sorted(c.series.items()):
            where = "/".join(path)
            if path[0] == "monitoring":
                continue
            if s.kind != "float":
                self.report.skip(f"{c.folder} {where}", f"a {s.kind} series (only float series are imported)")
                continue
            name, split = metric_name(path)
            for step, value, ts in s.points:
                when = _number(ts)
                points.append((MetricPoint(
                    key=name, value=value, split=split,
                    step=int(step) if isinstance(step, (int, float)) and float(step).is_integer() else None,
                    time=epoch_ms_to_datetime(when * 1000) if when else None), path[-1]))
        for path in sorted(c.files):
            if path[0] not in ("source_code", "monitoring"):
                self.report.skip(f"{c.folder} {'/'.join(path)}", "an uploaded file (its content is not in the "
                                 "offline log)")
        tags = [_tag(t) for t in sorted(v.get(("sys", "tags")) or [])]
        tags += [_tag("group", g) for g in sorted(v.get(("sys", "group_tags")) or [])]
        failed = v.get(("sys", "failed"))
        created = c.metadata.get("createdAt")
        started = None
        if isinstance(created, str):
            try:
                started = datetime.fromisoformat(created)
            except ValueError:
                self.report.warn(f"metadata.json createdAt {created!r} is not a date", item=c.folder)
        # the measure comes from the last part of the path (eval/accuracy → accuracy)
        leaf = {p.key: last for p, last in points}
        metrics = [dataclasses.replace(e, measure=e.measure or m.measure_for(leaf.get(e.name, e.name)))
                   for e in self.runs.evaluations([p for p, _ in points], where=f"run {run_id}")]
        yield from datasets
        if datasets:
            self.report.count("datasets", len(datasets))
        yield m.TrainingRun(
            name=run_id, fqn=run_fqn, display_name=v.get(("sys", "name")) or None,
            description=v.get(("sys", "description")) or None, tags=tags,
            experiment=Ref(type="experiment", fqn=self.project_fqn) if self.project_fqn else None,
            status=("failed" if failed else "finished") if isinstance(failed, bool) else None,
            started_at=started, code_path=v.get(("source_code", "entrypoint")) or None,
            params=self.runs.params(params), metrics=metrics, training_datasets=train, evaluation_datasets=evaluation)
        self.report.count("runs")
