"""ML Metadata rows → mlkg entities.

========================================  ====================================================================
MLMD (as KFP v2 and TFX write it)         mlkg
========================================  ====================================================================
context ``system.Pipeline``               :class:`Experiment` (one per pipeline)
context ``system.PipelineRun``            :class:`TrainingRun` for the whole run (part of the pipeline's
                                          experiment; start = the context's creation time); its root
                                          ``system.DAGExecution`` gives the pipeline parameters and status
execution (``system.ContainerExecution``  :class:`TrainingRun` named ``<pipeline run>.<task>``: status (the
or a TFX component type)                  MLMD state), times, parameters (KFP's ``inputs`` Struct, declared and
                                          custom properties) as typed hyperparameters, input datasets (INPUT
                                          events) as training data (evaluation data when the dataset's
                                          ``split`` says test/eval), metrics of its Metrics outputs
artifact ``system.Dataset``               :class:`Dataset`: uri → source, its scheme → source type,
                                          produced by the execution that OUTPUT it
artifact ``system.Model``                 a :class:`ModelVersion` (label: the ``version`` property, else the
                                          MLMD artifact id) of the :class:`MLModel` named by the artifact's
                                          output name within its pipeline; produced by the execution that
                                          OUTPUT it; algorithm from its ``algorithm``/``framework`` metadata or
                                          the execution's; versions chained by creation time
artifact ``system.Metrics``               :class:`Evaluation` per numeric value, on the run and on the model
                                          versions the same execution produced
``system.ClassificationMetrics``          one :class:`Evaluation` ``confusionMatrix`` per cell (slice
                                          ``actual=A,predicted=B``)
========================================  ====================================================================

A model reaches its training data through the run: model → version (``hasVersion``) → trainer execution
(``producedBy``) → dataset (``usedTrainingData``), which is what ``mlkg lineage upstream`` walks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from ... import ids
from ...model import entities as m
from ...model.base import Ref, epoch_ms_to_datetime
from ..base import Importer
from ..mappers import MetricPoint, RunMapper
from .mlmd import Node, Store

#: Execution properties KFP's launcher writes for its own bookkeeping (not parameters).
KFP_BOOKKEEPING = frozenset({
    "display_name", "task_name", "image", "pod_name", "pod_uid", "namespace", "resource_name", "pipeline_root",
    "store_session_info", "cache_fingerprint", "cached_execution_id", "parent_dag_id", "iteration_index",
    "iteration_count", "total_dag_tasks", "outputs", "inputs",
})
_DATASET_TYPES = ("system.Dataset", "mlmd.Dataset", "Dataset", "Examples")
_MODEL_TYPES = ("system.Model", "mlmd.Model", "Model")
_METRICS_TYPES = ("system.Metrics", "mlmd.Metrics", "Metrics", "system.HTML", "system.Markdown")
_CM_TYPES = ("system.ClassificationMetrics", "system.SlicedClassificationMetrics")
_PIPELINE_CONTEXTS = ("system.Pipeline", "pipeline")
_RUN_CONTEXTS = ("system.PipelineRun", "pipeline_run", "run")
_DAG_EXECUTIONS = ("system.DAGExecution",)


def _ms(value: int | None) -> Any:
    return epoch_ms_to_datetime(value) if value else None


def _plain(value: Any) -> Any:
    """A Struct number that is a whole number is an integer (Struct keeps every number as a double)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


class Mapper:
    """Turns one :class:`~mlkg.importers.kubeflow.mlmd.Store` into entities, named under the importer's service;
    parameters and metrics go through the shared :class:`~mlkg.importers.mappers.RunMapper`."""

    def __init__(self, store: Store, importer: Importer[Any]) -> None:
        self.s = store
        self.report = importer.report
        self.runs = RunMapper(importer)
        self.service = importer.service_fqn()
        self.service_ref = Ref(type="mlmodelService", fqn=self.service)
        self.run_names: dict[int, str] = {}
        self.artifact_names: dict[int, str] = {}
        self.taken: set[tuple[str, str]] = set()
        self._members: dict[int, list[int]] | None = None
        self.inputs: dict[int, list[tuple[int, str | None]]] = {}
        self.outputs: dict[int, list[tuple[int, str | None]]] = {}
        self.producer: dict[int, int] = {}
        for ev in store.events:
            if ev.artifact_id not in store.artifacts or ev.execution_id not in store.executions:
                self.report.warn(f"event between artifact {ev.artifact_id} and execution {ev.execution_id} "
                                 "points at a missing row; ignored", item=store.source)
                continue
            side = self.inputs if ev.kind == "INPUT" else self.outputs
            side.setdefault(ev.execution_id, []).append((ev.artifact_id, ev.path))
            if ev.kind == "OUTPUT":
                self.producer.setdefault(ev.artifact_id, ev.execution_id)

    # -- naming -------------------------------------------------------------------------------------------------

    def contexts_of(self, ids_: list[int], kinds: tuple[str, ...]) -> list[Node]:
        return [self.s.contexts[c] for c in ids_ if c in self.s.contexts and self.s.contexts[c].type in kinds]

    def pipeline_of_run(self, run: Node) -> Node | None:
        parents = self.contexts_of(self.s.parents.get(run.id, []), _PIPELINE_CONTEXTS)
        return parents[0] if parents else None

    def run_context(self, execution_id: int) -> Node | None:
        runs = self.contexts_of(self.s.associations.get(execution_id, []), _RUN_CONTEXTS)
        return runs[0] if runs else None

    def executions_of(self, context_id: int) -> list[int]:
        if self._members is None:
            self._members = {}
            for eid, ctxs in self.s.associations.items():
                for cid in ctxs:
                    self._members.setdefault(cid, []).append(eid)
        return [e for e in self._members.get(context_id, []) if e in self.s.executions]

    def pipeline_of_execution(self, execution_id: int) -> Node | None:
        run = self.run_context(execution_id)
        if run is not None and (p := self.pipeline_of_run(run)) is not None:
            return p
        pipes = self.contexts_of(self.s.associations.get(execution_id, []), _PIPELINE_CONTEXTS)
        return pipes[0] if pipes else None

    def execution_fqn(self, e: Node) -> str:
        if e.id not in self.run_names:
            run = self.run_context(e.id)
            parts = [run.label] if run is not None else []
            fqn = ids.fqn_child(self.service, *parts, e.label)
            if ("run", fqn) in self.taken:
                fqn = ids.fqn_child(self.service, *parts, f"{e.label}-{e.id}")
            self.taken.add(("run", fqn))
            self.run_names[e.id] = fqn
        return self.run_names[e.id]

    def artifact_fqn(self, a: Node) -> str:
        if a.id not in self.artifact_names:
            ctx = self.contexts_of(self.s.attributions.get(a.id, []), _RUN_CONTEXTS)
            parts = [ctx[0].label] if ctx else []
            fqn = ids.fqn_child(self.service, *parts, a.label)
            if ("artifact", fqn) in self.taken:
                fqn = ids.fqn_child(self.service, *parts, f"{a.label}-{a.id}")
            self.taken.add(("artifact", fqn))
            self.artifact_names[a.id] = fqn
        return self.artifact_names[a.id]

    # -- entities -----------------------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[m.Entity]:
        for where, why in self.s.problems:
            self.report.warn(why, item=where)
        for c in self.s.contexts.values():
            if c.type in _PIPELINE_CONTEXTS:
                yield m.Experiment(name=c.label, fqn=ids.fqn_child(self.service, c.label),
                                   service=self.service_ref,
                                   description=c.get("description") if isinstance(c.get("description"), str)
                                   else None)
                self.report.count("experiments")
            elif c.type in _RUN_CONTEXTS:
                pipe = self.pipeline_of_run(c)
                dags = [self.s.executions[e] for e in self.executions_of(c.id)
                        if self.s.executions[e].type in _DAG_EXECUTIONS]
                root = min(dags, key=lambda e: e.id) if dags else None
                yield m.TrainingRun(
                    name=c.label, fqn=ids.fqn_child(self.service, c.label),
                    experiment=Ref(type="experiment", fqn=ids.fqn_child(self.service, pipe.label)) if pipe else None,
                    started_at=_ms(c.created_ms), ended_at=_ms(c.updated_ms) if c.updated_ms != c.created_ms
                    else None, status=root.state if root else None, params=self.params(root) if root else [])
                self.report.count("runs")
            else:
                self.report.skip(f"context {c.label}", f"context type {c.type} is not a pipeline or pipeline run")
        datasets = {}
        for a in self.s.artifacts.values():
            if a.type in _DATASET_TYPES:
                with_scheme = urlsplit(a.uri).scheme if a.uri and "://" in a.uri else None
                producer = self.s.executions.get(self.producer.get(a.id, -1))
                datasets[a.id] = m.Dataset(
                    name=a.label, fqn=self.artifact_fqn(a), source=a.uri or None, source_type=with_scheme or None,
                    produced_by=Ref(type="trainingRun", fqn=self.execution_fqn(producer)) if producer else None)
        yield from datasets.values()
        if datasets:
            self.report.count("datasets", len(datasets))
        metrics_of = {e: self.execution_metrics(e) for e in self.s.executions}
        for e in self.s.executions.values():
            if e.type in _DAG_EXECUTIONS and self.run_context(e.id) is not None:
                continue  # folded into its pipeline run
            yield self.execution(e, metrics_of[e.id])
            self.report.count("runs")
        yield from self.models(metrics_of)
        for a in self.s.artifacts.values():
            if not (a.type in _DATASET_TYPES or a.type in _MODEL_TYPES or a.type in _METRICS_TYPES
                    or a.type in _CM_TYPES):
                self.report.skip(f"artifact {a.label} ({a.uri or a.id})", f"artifact type {a.type} is not a "
                                 "dataset, model or metrics")

    def params(self, e: Node) -> list[m.HyperParameter]:
        values: dict[str, Any] = {}
        for k, v in {**e.custom, **e.properties}.items():
            if k not in KFP_BOOKKEEPING and v is not None:
                values[k] = v
        inputs = e.custom.get("inputs")
        if isinstance(inputs, dict):
            values.update({k: v for k, v in inputs.items() if v is not None})
        return self.runs.params({k: _plain(v) for k, v in values.items()})

    def execution(self, e: Node, metrics: list[m.Evaluation]) -> m.TrainingRun:
        train: list[Ref] = []
        evaluation: list[Ref] = []
        for aid, _path in self.inputs.get(e.id, []):
            a = self.s.artifacts[aid]
            if a.type not in _DATASET_TYPES:
                continue
            split = str(a.get("split") or "").lower()
            ref = Ref(type="dataset", fqn=self.artifact_fqn(a))
            (evaluation if split.startswith(("test", "eval", "val")) else train).append(ref)
        pipe = self.pipeline_of_execution(e.id)
        return m.TrainingRun(
            name=e.name or e.label, fqn=self.execution_fqn(e), display_name=e.label,
            experiment=Ref(type="experiment", fqn=ids.fqn_child(self.service, pipe.label)) if pipe else None,
            status=e.state, started_at=_ms(e.created_ms),
            ended_at=_ms(e.updated_ms) if e.updated_ms != e.created_ms else None,
            code_path=e.custom.get("image") if isinstance(e.custom.get("image"), str) else None,
            training_datasets=_unique(train), evaluation_datasets=_unique(evaluation),
            params=self.params(e), metrics=metrics)

    def execution_metrics(self, execution_id: int) -> list[m.Evaluation]:
        e = self.s.executions[execution_id]
        return self.runs.evaluations(self.metric_points(execution_id), where=f"execution {e.label} ({e.id})")

    def metric_points(self, execution_id: int) -> list[MetricPoint]:
        out: list[MetricPoint] = []
        for aid, _path in self.outputs.get(execution_id, []):
            a = self.s.artifacts[aid]
            when = _ms(a.created_ms)
            if a.type in _METRICS_TYPES:
                for k, v in sorted(a.custom.items()):
                    if k == "display_name" or v is None:
                        continue
                    out.append(MetricPoint(key=k, value=v, time=when))
            elif a.type in _CM_TYPES:
                out.extend(self.confusion_matrix(a, when))
        return out

    def confusion_matrix(self, a: Node, when: Any) -> list[MetricPoint]:
        out = []
        for k, v in sorted(a.custom.items()):
            if k == "display_name":
                continue
            if k != "confusionMatrix" or not isinstance(v, dict):
                self.report.skip(f"{k} of {a.label} ({a.uri})", "only the confusion matrix of classification "
                                 "metrics is read")
                continue
            labels = [str(s.get("displayName", i)) if isinstance(s, dict) else str(i)
                      for i, s in enumerate(v.get("annotationSpecs") or [])]
            for i, row in enumerate(v.get("rows") or []):
                cells = row.get("row") if isinstance(row, dict) else None
                for j, cell in enumerate(cells or []):
                    actual = labels[i] if i < len(labels) else str(i)
                    predicted = labels[j] if j < len(labels) else str(j)
                    out.append(MetricPoint(key="confusionMatrix", value=cell, time=when,
                                           slice=f"actual={actual},predicted={predicted}"))
        return out

    def models(self, metrics_of: dict[int, list[m.Evaluation]]) -> Iterator[m.MLModel]:
        groups: dict[str, list[Node]] = {}
        names: dict[str, str] = {}
        for a in self.s.artifacts.values():
            if a.type not in _MODEL_TYPES:
                continue
            producer = self.producer.get(a.id)
            pipe = self.pipeline_of_execution(producer) if producer is not None else None
            fqn = ids.fqn_child(self.service, *([pipe.label] if pipe else []), a.label)
            groups.setdefault(fqn, []).append(a)
            names[fqn] = a.label
        for fqn, arts in groups.items():
            versions: list[m.ModelVersion] = []
            labels: set[str] = set()
            prev = None
            for a in sorted(arts, key=lambda x: (x.created_ms or 0, x.id)):
                label = str(a.get("version")) if a.get("version") is not None else str(a.id)
                if label in labels:
                    label = f"{label}-{a.id}"
                producer = self.producer.get(a.id)
                e = self.s.executions.get(producer) if producer is not None else None
                algorithm = a.get("algorithm") or (e.get("algorithm") if e is not None else None) or a.get(
                    "framework")
                versions.append(m.ModelVersion(
                    name=label, fqn=ids.fqn_child(fqn, label), source=a.uri or None, status=a.state,
                    created_at=_ms(a.created_ms),
                    run=Ref(type="trainingRun", fqn=self.execution_fqn(e)) if e is not None else None,
                    previous_version=Ref(type="modelVersion", fqn=ids.fqn_child(fqn, prev)) if prev else None,
                    algorithm=str(algorithm) if algorithm else None,
                    ml_hyper_parameters=self.params(e) if e is not None else [],
                    metrics=list(metrics_of.get(producer, [])) if producer is not None else [],
                    ml_store=m.ModelStore(storage=a.uri) if a.uri else None))
                if e is None:
                    self.report.warn("no execution produced this model artifact (no OUTPUT event): no lineage",
                                     item=f"model {a.label} ({a.uri or a.id})")
                prev = label
                labels.add(label)
            latest = versions[-1]
            yield m.MLModel(name=names[fqn], fqn=fqn, service=self.service_ref,
                            service_type=m.PlatformType.KUBEFLOW, versions=versions, algorithm=latest.algorithm,
                            ml_store=latest.ml_store)
            self.report.count("models")
            self.report.count("versions", len(versions))


def _unique(refs: list[Ref]) -> list[Ref]:
    seen, out = set(), []
    for r in refs:
        if r.fqn not in seen:
            seen.add(r.fqn)
            out.append(r)
    return out
