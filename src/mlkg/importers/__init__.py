"""Importers: one module per platform, each turning a platform's metadata into mlkg entities.

Each importer module has a config dataclass (fields with defaults and descriptions, see :func:`describe`), a
generator ``entities(config, report)`` and nothing heavier at import time: the platform SDK (mlflow,
huggingface_hub, scikit-learn) is imported only when the generator runs, so ``import mlkg.importers`` stays light.

>>> sorted(IMPORTERS)
['huggingface', 'mlflow', 'openmetadata', 'sklearn']

Typical use::

    from mlkg.importers import run_import
    from mlkg.importers.mlflow import MlflowConfig
    entities, report = run_import("mlflow", MlflowConfig(tracking_uri="sqlite:///mlflow.db"))
"""

from __future__ import annotations

import importlib
import time
from types import ModuleType
from typing import Any, Callable

from .base import (
    ImportFailure,
    ImportReport,
    OptionInfo,
    SourceUnavailable,
    describe,
    paginate,
)

#: Importer name → (module, config class name).
IMPORTERS: dict[str, tuple[str, str]] = {
    "mlflow": ("mlkg.importers.mlflow", "MlflowConfig"),
    "huggingface": ("mlkg.importers.huggingface", "HuggingFaceConfig"),
    "sklearn": ("mlkg.importers.sklearn", "SklearnConfig"),
    "openmetadata": ("mlkg.importers.openmetadata", "OpenMetadataConfig"),
}


def load(name: str) -> ModuleType:
    """The importer module called ``name`` (imported now, not before).

    :raises ValueError: listing the known importers.
    """
    if name not in IMPORTERS:
        raise ValueError(f"unknown importer {name!r}; known: {', '.join(sorted(IMPORTERS))}")
    return importlib.import_module(IMPORTERS[name][0])


def config_class(name: str) -> type:
    return getattr(load(name), IMPORTERS[name][1])


def run_import(name: str, config: Any, *, strict: bool = False,
               progress: Callable[[str], None] | None = None) -> tuple[list[Any], ImportReport]:
    """Run an importer to the end and return its entities and report.

    Nothing is returned half-done: a platform error raises :class:`SourceUnavailable`, and with ``strict=True``
    any warning or skipped item raises :class:`ImportFailure` after the run.
    """
    mod = load(name)
    report = ImportReport(source=getattr(mod, "describe_source", lambda c: name)(config), progress=progress)
    t0 = time.perf_counter()
    entities = list(mod.entities(config, report))
    report.seconds = time.perf_counter() - t0
    report.check(strict)
    return entities, report


__all__ = [
    "IMPORTERS", "ImportFailure", "ImportReport", "OptionInfo", "SourceUnavailable", "config_class", "describe",
    "load", "paginate", "run_import",
]
