"""Importers: each turns one platform's metadata into mlkg entities, on one contract (:mod:`.base`).

An importer is an :class:`~mlkg.importers.base.Importer` subclass registered as an entry point of group
``mlkg.importers`` (:mod:`.registry`); the built-in ones are declared in mlkg's own ``pyproject.toml`` like any
plugin. The platform SDK (mlflow, huggingface_hub, scikit-learn) is imported only when an import runs, so
``import mlkg.importers`` stays light. :mod:`.pipeline` runs an importer into a file, a store or a list, with the
provenance of the import in its named graph.

>>> from mlkg.importers import registry
>>> {"huggingface", "mlflow", "openmetadata", "sklearn"} <= set(registry.names())
True

Typical use::

    from mlkg.importers import get
    importer = get("mlflow")(tracking_uri="sqlite:///mlflow.db")
    entities = importer.run()
    print(importer.report.text())
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .registry import get, names

if TYPE_CHECKING:
    from .base import (
        Capability,
        Importer,
        ImporterConfig,
        ImportFailure,
        ImportReport,
        OptionInfo,
        SourceUnavailable,
        UnknownImporter,
        describe,
        option,
        paginate,
    )

#: Names this package re-exports from :mod:`.base`, imported when first asked for: the
#: contract pulls in the model and rdflib, which ``mlkg import --list`` does without.
_LAZY = {"Capability": "base", "Importer": "base", "ImporterConfig": "base", "ImportFailure": "base",
         "ImportReport": "base", "OptionInfo": "base", "SourceUnavailable": "base", "UnknownImporter": "base",
         "describe": "base", "option": "base", "paginate": "base"}


def __getattr__(attr: str) -> Any:
    if attr in _LAZY:
        import importlib

        value = getattr(importlib.import_module(f"{__name__}.{_LAZY[attr]}"), attr)
        globals()[attr] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {attr!r}")


def run_import(name: str, config: Any = None, *, strict: bool = False,
               progress: Callable[[str], None] | None = None) -> tuple[list[Any], ImportReport]:
    """Run the importer ``name`` with ``config`` to the end and return its entities and report.

    Nothing is returned half-done: a platform error raises :class:`SourceUnavailable`, and with ``strict=True``
    any failure, warning or skipped item raises :class:`ImportFailure` after the run.
    """
    importer = get(name)(config)
    importer.report.progress = progress
    return importer.run(strict=strict), importer.report


__all__ = [
    "Capability", "ImportFailure", "ImportReport", "Importer", "ImporterConfig", "OptionInfo",
    "SourceUnavailable", "UnknownImporter", "describe", "get", "names", "option", "paginate", "run_import",
]
