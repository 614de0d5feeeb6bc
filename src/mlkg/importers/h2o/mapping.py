"""H2O-3 model details → mlkg entities.

=======================================  =====================================================================
H2O                                      mlkg
=======================================  =====================================================================
model (``model_id``, ``algo_full_name``) :class:`MLModel` with its algorithm, features, importances and the
                                         latest (only) version's hyperparameters and metrics
the trained model                        one :class:`ModelVersion` named by H2O's model checksum (the MOJO's
                                         ``uuid``): created at ``timestamp``, artifact = the MOJO or REST URL
model build                              :class:`TrainingRun` ``<model_id>``: ``start_time``/``end_time``,
                                         every parameter with a value (typed by H2O's declared type: int/long
                                         → integer, double/float → double, boolean, enum/string → text, keys →
                                         the key's name, arrays → JSON text; a value that differs from H2O's
                                         default says the default in its description), training frame as
                                         training data, validation frame as evaluation data
``training_frame`` / ``validation_frame``  :class:`Dataset` named by the frame key (digest: the frame checksum)
training / validation / CV metrics       :class:`Evaluation` per number (MSE, RMSE, logloss, AUC, r2,
                                         mean_per_class_error, ...) with split train / validation, CV with
                                         slice ``cross-validation``; measured at ``scoring_time``
``names`` / ``column_types`` /           :class:`Feature` per input column (not the response): position,
``domains``                              Numeric → numerical, Enum → categorical; an enum's levels are listed
                                         in the feature's description
``response_column_name``                 the model's ``target``
``variable_importances``                 :class:`FeatureImportance` per feature: the scaled importance
                                         (1.0 for the most important), method ``gain`` for tree models
                                         (H2O's squared-error reduction), ``coefficients`` for GLM (whose
                                         importances are per level of an enum column: the feature gets the
                                         largest of its levels')
=======================================  =====================================================================

H2O has no registry: no versions (beyond the one trained artifact), stages, owners or deployments.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

from ... import ids
from ...model import entities as m
from ...model.base import Ref, epoch_ms_to_datetime
from ..base import Importer
from ..mappers import MetricPoint, RunMapper
from .reader import H2OModel

#: Metric keys of H2O's ModelMetrics that are bookkeeping, not measures.
_NOT_METRICS = frozenset({"model_checksum", "frame_checksum", "scoring_time", "nobs", "custom_metric_value",
                          "loglikelihood", "AIC", "duration_in_ms", "model_category", "description",
                          "predictions", "custom_metric_name", "null_degrees_of_freedom",
                          "residual_degrees_of_freedom"})
#: Parameters mapped to something other than a hyperparameter.
_MAPPED = frozenset({"model_id", "training_frame", "validation_frame", "response_column"})
_TREE_ALGOS = frozenset({"gbm", "drf", "xgboost", "isolationforest", "extendedisolationforest", "upliftdrf"})
_LINEAR_ALGOS = frozenset({"glm", "gam", "coxph", "modelselection"})
_FEATURE_TYPES = {"Numeric": m.FeatureType.NUMERICAL, "Enum": m.FeatureType.CATEGORICAL,
                  "Int": m.FeatureType.NUMERICAL, "Real": m.FeatureType.NUMERICAL}


def _key(value: Any) -> str | None:
    """The name of an H2O key (``{"name": "iris_gbm", "type": "Key<Model>", ...}``) or a plain string."""
    if isinstance(value, dict):
        name = value.get("name") or value.get("column_name")
        return str(name) if name else None
    return str(value) if isinstance(value, str) and value else None


def _number(value: Any) -> float | int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and not math.isfinite(value) else value
    return None


def _ms(value: Any) -> Any:
    n = _number(value)
    return epoch_ms_to_datetime(n) if n else None


def typed_param(ptype: str, value: Any) -> Any:
    """A parameter value as its declared H2O type says (see the module table)."""
    t = (ptype or "").lower()
    if value is None:
        return None
    if t.startswith("key<") or t == "vecspecifier":
        return _key(value)
    if t.endswith("[]") or isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=True)
    if t in ("int", "long", "short", "byte"):
        return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
    if t in ("double", "float"):
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
    if t == "boolean":
        return bool(value)
    return str(value)


class Mapper:
    """One :class:`~mlkg.importers.h2o.reader.H2OModel` → dataset(s), training run and model; metrics go through
    the shared :class:`~mlkg.importers.mappers.RunMapper` (parameters are typed here, from H2O's declared types)."""

    def __init__(self, importer: Importer[Any]) -> None:
        self.report = importer.report
        self.runs = RunMapper(importer)
        self.service = importer.service_fqn()
        self.service_ref = Ref(type="mlmodelService", fqn=self.service)
        self.datasets: set[str] = set()

    def entities(self, h: H2OModel) -> Iterator[m.Entity]:
        if h.details is not None:
            yield from self.from_details(h)
        else:
            yield self.from_ini(h)

    # -- model.ini only ----------------------------------------------------------------------------------------

    def from_ini(self, h: H2OModel) -> m.MLModel:
        info, columns, domains = h.ini.get("info", {}), h.ini.get("columns", []), h.ini.get("domains", {})
        supervised = info.get("supervised", "true") == "true"
        name = info.get("model_id") or (h.artifact or h.where).rsplit("/", 1)[-1].removesuffix(".zip")
        fqn = ids.fqn_child(self.service, name)
        inputs = columns[:-1] if supervised and columns else columns
        features = [self.feature(fqn, i, col, "Enum" if i in domains else "Numeric", domains.get(i))
                    for i, col in enumerate(inputs)]
        label = info.get("uuid") or "1"
        version = m.ModelVersion(name=label, fqn=ids.fqn_child(fqn, label),
                                 algorithm=info.get("algorithm") or info.get("algo"), source=h.artifact,
                                 ml_store=m.ModelStore(storage=h.artifact) if h.artifact else None,
                                 features=[Ref(type="mlFeature", fqn=f.fqn) for f in features])
        self.report.count("models")
        self.report.count("versions")
        return m.MLModel(name=name, fqn=fqn, service=self.service_ref, service_type=m.PlatformType.H2O,
                         algorithm=version.algorithm, target=columns[-1] if supervised and columns else None,
                         ml_features=features, versions=[version], ml_store=version.ml_store)

    # -- full details ------------------------------------------------------------------------------------------

    def from_details(self, h: H2OModel) -> Iterator[m.Entity]:
        d = h.details or {}
        out = d.get("output") or {}
        name = _key(d.get("model_id")) or h.where.rsplit("/", 1)[-1]
        fqn = ids.fqn_child(self.service, name)
        params: dict[str, dict[str, Any]] = {str(p["name"]): p for p in d.get("parameters") or []
                                             if isinstance(p, dict) and p.get("name")}
        train_frame = _key((params.get("training_frame") or {}).get("actual_value")) or _key(d.get("data_frame"))
        valid_frame = _key((params.get("validation_frame") or {}).get("actual_value"))
        frames = {}
        for frame, metrics_key in ((train_frame, "training_metrics"), (valid_frame, "validation_metrics")):
            if frame:
                digest = (out.get(metrics_key) or {}).get("frame_checksum")
                frames[frame] = ids.fqn_child(self.service, frame)
                if frames[frame] not in self.datasets:
                    self.datasets.add(frames[frame])
                    self.report.count("datasets")
                    yield m.Dataset(name=frame, fqn=frames[frame], digest=str(digest) if digest is not None
                                    else None, source_type="h2o-frame")
        train_ref = [Ref(type="dataset", fqn=frames[train_frame])] if train_frame else []
        valid_ref = [Ref(type="dataset", fqn=frames[valid_frame])] if valid_frame else []
        hyper = self.hyperparameters(params, h.where)
        points: list[MetricPoint] = []
        for key, split, slice_, frame in (("training_metrics", m.Split.TRAIN, None, train_frame),
                                          ("validation_metrics", m.Split.VALIDATION, None, valid_frame),
                                          ("cross_validation_metrics", m.Split.TRAIN, "cross-validation",
                                           train_frame)):
            points += self.metrics(out.get(key), split, slice_, frames.get(frame) if frame else None)
        metrics = self.runs.evaluations(points, where=f"model {name}")
        response = d.get("response_column_name") or _key((params.get("response_column") or {}).get(
            "actual_value"))
        features = self.features(fqn, out, response, h.where)
        importances = self.importances(fqn, out, d.get("algo"), {f.name for f in features}, h.where)
        run_fqn = ids.fqn_child(self.service, name)
        start, end = _number(out.get("start_time")), _number(out.get("end_time"))
        yield m.TrainingRun(
            name=name, fqn=run_fqn, display_name=f"{d.get('algo_full_name') or d.get('algo')} build of {name}",
            status=str(out["status"]) if isinstance(out.get("status"), str) else None,
            started_at=epoch_ms_to_datetime(start) if start else None,
            ended_at=epoch_ms_to_datetime(end) if end else None,
            training_datasets=train_ref, evaluation_datasets=valid_ref, params=hyper, metrics=metrics)
        self.report.count("runs")
        checksum = (out.get("training_metrics") or {}).get("model_checksum")
        label = str(checksum) if checksum is not None else "1"
        algorithm = d.get("algo_full_name") or d.get("algo")
        artifact = h.artifact
        version = m.ModelVersion(
            name=label, fqn=ids.fqn_child(fqn, label), algorithm=algorithm,
            created_at=_ms(d.get("timestamp")),
            run=Ref(type="trainingRun", fqn=run_fqn), source=artifact,
            ml_store=m.ModelStore(storage=artifact) if artifact else None,
            ml_hyper_parameters=hyper, metrics=metrics, features=[Ref(type="mlFeature", fqn=f.fqn)
                                                                  for f in features],
            feature_importance=importances)
        self.report.count("models")
        self.report.count("versions")
        yield m.MLModel(
            name=name, fqn=fqn, service=self.service_ref, service_type=m.PlatformType.H2O, algorithm=algorithm,
            target=response, ml_features=features, versions=[version], ml_hyper_parameters=hyper, metrics=metrics,
            feature_importance=importances, ml_store=version.ml_store,
            task=str(out["model_category"]) if out.get("model_category") else None)

    def hyperparameters(self, params: dict[str, dict[str, Any]], where: str) -> list[m.HyperParameter]:
        out = []
        for name, p in sorted(params.items()):
            if name in _MAPPED:
                continue
            try:
                value = typed_param(str(p.get("type") or ""), p.get("actual_value"))
                if value is None:
                    continue
                default = typed_param(str(p.get("type") or ""), p.get("default_value"))
            except (TypeError, ValueError) as e:
                self.report.warn(f"parameter {name}: value {p.get('actual_value')!r} does not fit its type "
                                 f"{p.get('type')} ({e}); skipped", item=where)
                continue
            note = None if default == value else (
                f"H2O default: {default}" if default is not None else "H2O default: none")
            out.append(m.HyperParameter(name=name, value=value, description=note))
        return out

    def metrics(self, mm: Any, split: m.Split, slice_: str | None, dataset: str | None) -> list[MetricPoint]:
        if not isinstance(mm, dict):
            return []
        when = _ms(mm.get("scoring_time"))
        ds = Ref(type="dataset", fqn=dataset) if dataset else None
        out = []
        for k, v in sorted(mm.items()):
            if k in _NOT_METRICS or k.startswith("__") or _number(v) is None:  # 'NaN' text: not computed
                continue
            out.append(MetricPoint(key=k, value=v, split=split, slice=slice_, dataset=ds, time=when))
        if mm.get("custom_metric_name") and _number(mm.get("custom_metric_value")) is not None:
            out.append(MetricPoint(key=str(mm["custom_metric_name"]), value=mm["custom_metric_value"], split=split,
                                   slice=slice_, dataset=ds, time=when))
        return out

    def feature(self, model_fqn: str, pos: int, name: str, ctype: str | None, domain: Any) -> m.Feature:
        levels = [str(x) for x in domain] if isinstance(domain, list) else []
        return m.Feature(name=name, fqn=ids.fqn_child(model_fqn, name), position=pos,
                         data_type=_FEATURE_TYPES.get(ctype or ""),
                         description=f"{ctype} column with levels: {', '.join(levels)}" if levels else
                         (f"{ctype} column" if ctype else None))

    def features(self, model_fqn: str, out: dict[str, Any], response: str | None, where: str) -> list[m.Feature]:
        names = out.get("names") or []
        types = out.get("column_types") or []
        domains = out.get("domains") or []
        if not isinstance(names, list):
            self.report.warn("output.names is not a list: no features", item=where)
            return []
        feats: list[m.Feature] = []
        for i, col in enumerate(names):
            if col == response:
                continue
            ctype = types[i] if i < len(types) else None
            if ctype is not None and ctype not in _FEATURE_TYPES:
                self.report.warn(f"column {col} has type {ctype} (neither numerical nor categorical)", item=where)
            feats.append(self.feature(model_fqn, len(feats), str(col), ctype, domains[i] if i < len(domains)
                                      else None))
        return feats

    def importances(self, model_fqn: str, out: dict[str, Any], algo: Any, features: set[str],
                    where: str) -> list[m.FeatureImportance]:
        vi = out.get("variable_importances")
        if not isinstance(vi, dict):
            return []
        cols = [c.get("name") for c in vi.get("columns") or [] if isinstance(c, dict)]
        data = vi.get("data") or []
        if "variable" not in cols or "scaled_importance" not in cols or len(data) < len(cols):
            self.report.warn("variable_importances has no variable / scaled_importance columns", item=where)
            return []
        names, scaled = data[cols.index("variable")], data[cols.index("scaled_importance")]
        method = "gain" if algo in _TREE_ALGOS else "coefficients" if algo in _LINEAR_ALGOS else str(algo)
        best: dict[str, float] = {}
        for raw, value in zip(names, scaled, strict=False):
            n = _number(value)
            if n is None:
                continue
            var = str(raw)
            if var not in features:  # GLM reports each level of an enum column: region.north, region.south
                base = next((f for f in sorted(features) if var.startswith(f + ".")), None)
                if base is None:
                    self.report.warn(f"importance of {var}, which is not a feature column; skipped", item=where)
                    continue
                var = base
            best[var] = max(best.get(var, float(n)), float(n))
        return [m.FeatureImportance(name=var, importance=v, method=method,
                                    feature=Ref(type="mlFeature", fqn=ids.fqn_child(model_fqn, var)))
                for var, v in best.items()]
