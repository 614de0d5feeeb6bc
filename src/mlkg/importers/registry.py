"""Which importers exist: the entry points of group ``mlkg.importers``, read lazily.

Every importer, built-in or third-party, is one entry point ``name = "module:ImporterClass"``. Installed
distributions are read through :mod:`importlib.metadata`; in a source checkout the ``pyproject.toml`` beside
``src/`` is read too (so a new entry point works before the package is reinstalled). Nothing is imported until
:func:`get` is called for a name.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import mlkg

from .base import Importer, ImportFailure, UnknownImporter

GROUP = "mlkg.importers"


@dataclass(frozen=True)
class Registration:
    """One registered importer: its name, ``module:Class`` target and the distribution that declared it."""

    name: str
    target: str
    distribution: str
    version: str


def _source_tree_entries() -> dict[str, Registration]:
    """Entry points declared in the pyproject.toml of a source checkout (``src/mlkg`` → repo root), if any."""
    import tomllib

    pyproject = Path(mlkg.__file__).resolve().parent.parent.parent / "pyproject.toml"
    if not pyproject.is_file():
        return {}
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    project = data.get("project") or {}
    if project.get("name") != "mlkg":
        return {}
    table = (project.get("entry-points") or {}).get(GROUP) or {}
    return {name: Registration(name, target, "mlkg", mlkg.__version__) for name, target in table.items()}


@lru_cache(maxsize=1)
def registered() -> dict[str, Registration]:
    """Every registered importer by name (installed entry points, then a source checkout's own)."""
    from importlib.metadata import entry_points

    out: dict[str, Registration] = {}
    for ep in entry_points(group=GROUP):
        dist = getattr(ep, "dist", None)
        out[ep.name] = Registration(ep.name, ep.value, getattr(dist, "name", "") or "",
                                    getattr(dist, "version", "") or "")
    out.update(_source_tree_entries())
    return dict(sorted(out.items()))


def names() -> list[str]:
    return list(registered())


def get(name: str) -> type[Importer]:
    """The importer class registered as ``name`` (its module is imported now; its SDK is not).

    :raises UnknownImporter: listing the known names.
    :raises ImportFailure: the entry point cannot be loaded or is not an :class:`Importer`.
    """
    reg = registered().get(name)
    if reg is None:
        raise UnknownImporter(f"unknown importer {name!r}; known: {', '.join(registered())}")
    module, _, attr = reg.target.partition(":")
    try:
        obj = importlib.import_module(module)
        for part in attr.split(".") if attr else []:
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as e:
        raise ImportFailure(f"importer {name!r} ({reg.target}, from {reg.distribution or 'unknown'}) cannot be "
                            f"loaded: {type(e).__name__}: {e}") from None
    if not (isinstance(obj, type) and issubclass(obj, Importer)):
        raise ImportFailure(f"importer {name!r} ({reg.target}) is not an mlkg.importers.base.Importer subclass")
    return obj


def version_of(name: str) -> str:
    """The importer's version: its own ``version`` attribute, else its distribution's version."""
    cls = get(name)
    return cls.version or registered()[name].version or ""
