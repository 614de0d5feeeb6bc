"""KFP files: compiled pipeline YAML (the IR ``PipelineSpec``) and the ``executor_output.json`` of local runs.

``kfp.local`` runs a pipeline without a cluster and writes ``<pipeline_root>/<run>/<task>/executor_output.json``
(each output artifact's name, uri and metadata); the compiled YAML says which component each task runs, the
artifact type of each output (``system.Model``, ``system.Dataset``, ...) and which task's output each input is.
Together they hold what MLMD would: this module builds the same :class:`~.mlmd.Store` from them (a pipeline
context, a run context per run folder, an execution per task, artifacts and INPUT/OUTPUT events), so one mapping
(:mod:`.mapping`) serves both.

Not in these files: the parameter values a run was started with (only constants written into the YAML are
known; pipeline inputs are not recorded by ``kfp.local``) and the times.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from ... import limits
from ...errors import InputError
from ...model import entities as m
from ..base import Importer, ImportReport, SourceUnavailable
from .mapping import Mapper
from .mlmd import Event, Node, Store


def _load_yaml(path: Path) -> Any:
    try:
        limits.check_size(path)
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise InputError(f"not YAML ({getattr(e, 'problem', None) or e})", source=str(path),
                         line=mark.line + 1 if mark else None) from None
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text ({e.reason})", source=str(path)) from None
    limits.check_tree(data, str(path))
    return data


def is_pipeline_spec(doc: Any) -> bool:
    return isinstance(doc, dict) and isinstance(doc.get("pipelineInfo"), dict) and isinstance(doc.get("root"),
                                                                                               dict)


class _Builder:
    def __init__(self, report: ImportReport) -> None:
        self.report = report
        self.store = Store(source="kfp files", schema_version=0, artifacts={}, executions={}, contexts={},
                           events=[], attributions={}, associations={}, parents={})
        self.pipelines: dict[str, dict[str, Any]] = {}
        self.pipeline_ctx: dict[str, int] = {}
        self.next_id = 1

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def add_pipeline(self, spec: dict[str, Any], where: str) -> None:
        name = str(spec["pipelineInfo"].get("name") or Path(where).stem)
        self.pipelines[name] = spec
        cid = self.new_id()
        self.pipeline_ctx[name] = cid
        info = spec["pipelineInfo"]
        self.store.contexts[cid] = Node(id=cid, type="system.Pipeline", name=name,
                                        custom={"description": info.get("description")} if info.get(
                                            "description") else {})

    def pipeline_for(self, run_name: str) -> str | None:
        """The pipeline a kfp.local run folder belongs to: its name is ``<pipeline>-<timestamp>``."""
        best = None
        for name in self.pipelines:
            if run_name.startswith(name + "-") and (best is None or len(name) > len(best)):
                best = name
        return best

    def add_run(self, run_dir: Path, outputs: dict[str, dict[str, Any]]) -> None:
        """One run folder: ``outputs`` maps task name → its executor_output.json document."""
        run_name = run_dir.name
        pipe = self.pipeline_for(run_name)
        spec = self.pipelines.get(pipe or "")
        if spec is None:
            self.report.skip(str(run_dir), "no compiled pipeline YAML given for this run (its artifact types and "
                             "task inputs are in the YAML): pass the pipeline.yaml too")
            return
        run_id = self.new_id()
        self.store.contexts[run_id] = Node(id=run_id, type="system.PipelineRun", name=run_name)
        self.store.parents[run_id] = [self.pipeline_ctx[pipe or ""]]
        tasks = ((spec.get("root") or {}).get("dag") or {}).get("tasks") or {}
        components = spec.get("components") or {}
        produced: dict[tuple[str, str], int] = {}
        exec_ids: dict[str, int] = {}
        for task, doc in sorted(outputs.items()):
            tspec = tasks.get(task)
            if not isinstance(tspec, dict):
                self.report.skip(f"{run_dir / task}", f"task {task} is not in pipeline {pipe}")
                continue
            comp = components.get((tspec.get("componentRef") or {}).get("name", ""), {})
            out_types = {k: ((v.get("artifactType") or {}).get("schemaTitle"))
                         for k, v in ((comp.get("outputDefinitions") or {}).get("artifacts") or {}).items()}
            params = {k: v["runtimeValue"].get("constant") for k, v in
                      ((tspec.get("inputs") or {}).get("parameters") or {}).items()
                      if isinstance(v, dict) and isinstance(v.get("runtimeValue"), dict)
                      and "constant" in v["runtimeValue"]}
            eid = self.new_id()
            exec_ids[task] = eid
            label = str((tspec.get("taskInfo") or {}).get("name") or task)
            custom: dict[str, Any] = {"display_name": label, "task_name": label}
            if params:
                custom["inputs"] = params
            self.store.executions[eid] = Node(id=eid, type="system.ContainerExecution", name=None,
                                              state="COMPLETE", custom=custom)
            self.store.associations[eid] = [run_id]
            for key, entry in sorted(((doc or {}).get("artifacts") or {}).items()):
                for art in (entry or {}).get("artifacts") or []:
                    if not isinstance(art, dict):
                        continue
                    aid = self.new_id()
                    a_custom = {k: v for k, v in (art.get("metadata") or {}).items() if v is not None}
                    a_custom["display_name"] = str(art.get("name") or key)
                    self.store.artifacts[aid] = Node(id=aid, type=out_types.get(key) or "system.Artifact",
                                                     name=None, uri=art.get("uri"), state="LIVE", custom=a_custom)
                    self.store.attributions[aid] = [run_id]
                    self.store.events.append(Event(aid, eid, "OUTPUT", key))
                    produced[(task, key)] = aid
        for task, eid in exec_ids.items():
            arts = ((tasks[task].get("inputs") or {}).get("artifacts") or {})
            for key, src in sorted(arts.items()):
                toa = (src or {}).get("taskOutputArtifact") if isinstance(src, dict) else None
                if not isinstance(toa, dict):
                    continue
                src_id = produced.get((str(toa.get("producerTask")), str(toa.get("outputArtifactKey"))))
                if src_id is None:
                    self.report.warn(f"input {key} comes from {toa.get('producerTask')}."
                                     f"{toa.get('outputArtifactKey')}, which has no executor output in this run",
                                     item=f"{run_dir / task}")
                    continue
                self.store.events.append(Event(src_id, eid, "INPUT", key))


def _executor_outputs(paths: list[Path]) -> dict[Path, dict[str, Path]]:
    """Run folder → task name → executor_output.json, for every such file under ``paths``."""
    runs: dict[Path, dict[str, Path]] = {}
    for p in paths:
        files = [p] if p.is_file() else sorted(p.rglob("executor_output.json"))
        for f in files:
            runs.setdefault(f.parent.parent, {})[f.parent.name] = f
    return runs


def read(paths: tuple[str, ...], report: ImportReport) -> Store:
    """The :class:`Store` that the given YAML files and executor outputs describe.

    :raises SourceUnavailable: a path does not exist.
    :raises InputError: a YAML or JSON file is malformed (file and line named).
    """
    b = _Builder(report)
    outputs: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if not p.exists():
            raise SourceUnavailable(f"{p}: no such file or folder")
        if p.is_dir():
            for y in sorted([*p.rglob("*.yaml"), *p.rglob("*.yml")]):
                doc = _load_yaml(y)
                if is_pipeline_spec(doc):
                    b.add_pipeline(doc, str(y))
            outputs.append(p)
        elif p.name == "executor_output.json":
            outputs.append(p)
        elif p.suffix.lower() in (".yaml", ".yml", ".json"):
            doc = _load_yaml(p)
            if is_pipeline_spec(doc):
                b.add_pipeline(doc, str(p))
            else:
                report.skip(str(p), "not a compiled KFP pipeline (no pipelineInfo and root)")
        else:
            report.skip(str(p), "not a KFP file (expected pipeline YAML, executor_output.json or a folder)")
    for run_dir, tasks in sorted(_executor_outputs(outputs).items()):
        docs = {}
        for task, f in tasks.items():
            try:
                docs[task] = json.loads(f.read_text(encoding="utf-8"))
            except ValueError as e:
                raise InputError(f"not JSON ({e})", source=str(f)) from None
        b.add_run(run_dir, docs)
    return b.store


def entities(paths: tuple[str, ...], importer: Importer[Any]) -> Iterator[m.Entity]:
    yield from Mapper(read(paths, importer.report), importer)
