"""scikit-learn importer: a fitted estimator or pipeline → an :class:`MLModel`.

- ``algorithm``: the estimator's class name; for a pipeline, the class of its final step.
- hyperparameters: ``get_params(deep=False)`` of the estimator, typed (int, float, bool, str); the steps of a
  ``Pipeline``, ``FeatureUnion`` or ``ColumnTransformer`` are walked and their parameters prefixed with the step
  name, as scikit-learn itself names them (``clf__C``). Nested estimators are recorded by class name.
- features: ``feature_names_in_`` in order (``position``). Columns a ``ColumnTransformer`` sends to an encoder
  (OneHotEncoder, OrdinalEncoder, TargetEncoder) are ``categorical``; columns sent to a scaler or other numeric
  transformer are ``numerical``; otherwise the type is left open.

From Python pass the estimator itself (``SklearnConfig(estimator=clf)``); the command line loads a pickle or
joblib file, which runs code from that file: only load files you trust.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import ids
from ..errors import InputError
from ..model import entities as m
from ..model.base import Ref
from .base import Capability, Importer, ImporterConfig, SourceUnavailable, enum_member, first_line, option, redact_uri

_CATEGORICAL_ENCODERS = ("OneHotEncoder", "OrdinalEncoder", "TargetEncoder", "LabelEncoder", "LabelBinarizer")
_COMPOSITES = ("steps", "transformer_list", "transformers", "estimators")


@dataclass(frozen=True)
class SklearnConfig(ImporterConfig):
    """Which estimator and how to name it."""

    estimator: Any = option(None, "A fitted scikit-learn estimator or pipeline (Python use).", cli=False)
    path: str = option("", "A pickle or joblib file holding a fitted estimator (trusted files only).")
    name: str = option("", "Model name (default: the file name without suffix, or the class name).")
    service_name: str = option("sklearn", "Name of the MLModelService entity the model belongs to.")
    version: str = option("", "Version label; when given the model gets one version holding the same facts.",
                          cli=("--version-label",))
    target: str = option("", "What the model estimates (OpenMetadata's target).")


def _load(path: str) -> Any:
    p = Path(path)
    if not p.is_file():
        raise InputError("no such file", source=path)
    try:
        import joblib

        return joblib.load(p)
    except ImportError:
        pass
    except Exception as e:
        raise InputError(f"cannot load a scikit-learn model from this file ({first_line(e, 160)})",
                         source=path, expected="a pickle or joblib file written by scikit-learn") from None
    import pickle

    try:
        with open(p, "rb") as fh:
            return pickle.load(fh)
    except Exception as e:
        raise InputError(f"cannot load a scikit-learn model from this file ({first_line(e, 160)})",
                         source=path, expected="a pickle or joblib file written by scikit-learn") from None


def _scalar(value: Any) -> int | float | bool | str:
    """A parameter value as a typed scalar; other values by their class name or text."""
    try:
        import numpy as np

        if isinstance(value, np.generic):
            value = value.item()
    except ImportError:  # pragma: no cover - scikit-learn needs numpy
        pass
    if isinstance(value, (bool, int, float, str)):
        return value
    if value is None:
        return "None"
    if hasattr(value, "get_params"):
        return type(value).__name__
    if callable(value):
        return getattr(value, "__name__", type(value).__name__)
    return repr(value)


def hyperparameters(est: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """(name, value) of every parameter of ``est`` and of the steps of composite estimators, prefixed."""
    out: list[tuple[str, Any]] = []
    params = est.get_params(deep=False)
    for key in sorted(params):
        value = params[key]
        full = f"{prefix}{key}"
        if key in _COMPOSITES and isinstance(value, (list, tuple)):
            for item in value:
                if isinstance(item, tuple) and len(item) >= 2 and isinstance(item[0], str):
                    step_name, step = item[0], item[1]
                    out.append((f"{prefix}{step_name}", _scalar(step)))
                    if hasattr(step, "get_params"):
                        out.extend(hyperparameters(step, f"{prefix}{step_name}__"))
            continue
        if hasattr(value, "get_params") and not isinstance(value, type):
            out.append((full, type(value).__name__))
            out.extend(hyperparameters(value, f"{full}__"))
            continue
        out.append((full, _scalar(value)))
    return out


def final_estimator(est: Any) -> Any:
    steps = getattr(est, "steps", None)
    if isinstance(steps, list) and steps:
        last = steps[-1][1]
        if last not in (None, "passthrough"):
            return final_estimator(last)
    return est


def column_types(est: Any) -> dict[str, str]:
    """numerical/categorical of the columns a ColumnTransformer routes to encoders or numeric transformers."""
    out: dict[str, str] = {}
    stack = [est]
    while stack:
        e = stack.pop()
        for step in getattr(e, "steps", None) or []:
            stack.append(step[1])
        for entry in getattr(e, "transformers", None) or []:
            if not (isinstance(entry, tuple) and len(entry) >= 3):
                continue
            _, trans, cols = entry[:3]
            if trans in ("drop", "passthrough") or not isinstance(cols, (list, tuple)):
                continue
            names = {type(trans).__name__}
            for sub in getattr(trans, "steps", None) or []:
                names.add(type(sub[1]).__name__)
            kind = "categorical" if names & set(_CATEGORICAL_ENCODERS) else "numerical"
            for c in cols:
                if isinstance(c, str):
                    out.setdefault(c, kind)
    return out


class SklearnImporter(Importer[SklearnConfig]):
    """scikit-learn: a fitted estimator or pipeline from a pickle or joblib file (trusted files only)."""

    name = "sklearn"
    platform = m.PlatformType.SKLEARN
    Config = SklearnConfig
    capabilities = {
        Capability.REGISTRY: "One model (and optionally one version) per estimator file; the algorithm is the "
                             "class of the final step.",
        Capability.RUNS: "Hyperparameters from get_params, typed, pipeline steps prefixed as scikit-learn "
                         "names them; no runs or metrics (an estimator does not keep them).",
        Capability.FEATURES: "feature_names_in_ in order; numerical or categorical from the ColumnTransformer "
                             "step each column goes through.",
    }
    extra = "sklearn"
    sdk = ("sklearn",)
    source_option = "path"
    examples = ("mlkg import sklearn model.joblib --name churn -o churn.ttl",)
    from .sklearn_fields import FILLS as fills  # the mapping table: field → scikit-learn source

    def source(self) -> str:
        c = self.config
        return f"sklearn {redact_uri(c.path) if c.path else type(c.estimator).__name__}"

    def graph_key(self) -> str:
        c = self.config
        return f"{c.service_name}/{c.name or Path(redact_uri(c.path)).stem}"

    def entities(self) -> Iterator[m.Entity]:
        """Yield the service and the model.

        :raises InputError: the file cannot be loaded, or the object is not a scikit-learn estimator.
        """
        config, report = self.config, self.report
        self.require_sdk()
        est = config.estimator if config.estimator is not None else (_load(config.path) if config.path else None)
        if est is None:
            raise InputError("give a fitted estimator or a pickle/joblib file", source="sklearn")
        if not hasattr(est, "get_params"):
            raise InputError(f"{type(est).__name__} is not a scikit-learn estimator (no get_params)",
                             source=config.path or "sklearn", expected="a fitted estimator or pipeline")
        from sklearn.exceptions import NotFittedError
        from sklearn.utils.validation import check_is_fitted

        try:
            check_is_fitted(est)
        except (NotFittedError, TypeError) as e:  # TypeError: estimators the check does not understand
            report.warn(f"the estimator may not be fitted ({first_line(e, 120)})", item=type(est).__name__)
        yield self.service()
        report.count("services")
        name = config.name or (Path(config.path).stem if config.path else type(est).__name__)
        model_fqn = self.fqn(name)
        try:
            params = hyperparameters(est)
        except Exception as e:
            raise SourceUnavailable(f"{type(est).__name__}.get_params failed: {first_line(e, 160)}") from None
        hps = [m.HyperParameter(name=k, value=v) for k, v in params]
        kinds = column_types(est)
        names = getattr(est, "feature_names_in_", None)
        if names is None:
            names = getattr(final_estimator(est), "feature_names_in_", None)
        features = []
        if names is None:
            report.warn("no feature_names_in_ (fitted on an array without column names); no features",
                        item=type(est).__name__)
        else:
            for pos, fname in enumerate(list(names)):
                kind = kinds.get(str(fname))
                features.append(m.Feature(name=str(fname), position=pos,
                                          data_type=enum_member(m.FeatureType, kind) if kind else None))
        algorithm = type(final_estimator(est)).__name__
        versions = []
        if config.version:
            versions.append(m.ModelVersion(
                name=config.version, algorithm=algorithm, ml_hyper_parameters=hps,
                features=[Ref(type="mlFeature", fqn=ids.fqn_child(model_fqn, f.name)) for f in features]))
        yield m.MLModel(name=name, fqn=model_fqn, service=self.service_ref(),
                        service_type=m.PlatformType.SKLEARN, algorithm=algorithm, ml_hyper_parameters=hps,
                        ml_features=features, target=config.target or None, versions=versions,
                        description=f"scikit-learn {type(est).__module__}.{type(est).__name__}")
        report.count("models")
        report.count("hyperparameters", len(hps))
        report.count("features", len(features))
