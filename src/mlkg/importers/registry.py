"""Which importers exist: the entry points of group ``mlkg.importers``, read lazily.

Every importer, built-in or third-party, is one entry point ``name = "module:ImporterClass"``. Installed
distributions are read through :mod:`importlib.metadata`; in a source checkout the ``pyproject.toml`` beside
``src/`` is read too (so a new entry point works before the package is reinstalled). Nothing is imported until
:func:`get` is called for a name.

What ``mlkg import --list`` shows (summary, platform, extra, SDK modules, capabilities) comes from :func:`info`.
For mlkg's own importers it is read from ``catalog.json`` beside this module, which the generator writes from the
importer classes (``python -m mlkg.tools.generate --only importers``; ``--check`` fails when it is stale), so
listing them imports no importer module, no mapping and no SDK. A third-party importer is loaded to be described.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import mlkg

if TYPE_CHECKING:
    from .base import Importer

GROUP = "mlkg.importers"

#: The generated description of mlkg's own importers (:func:`catalog_outputs`), read by :func:`info`.
CATALOG = Path(__file__).with_name("catalog.json")


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
    # lazy: the contract pulls in the model and rdflib; --list and name lookups do without them
    from .base import Importer, ImportFailure, UnknownImporter

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


# ---------------------------------------------------------------------------------------------------------------
# Light metadata: what --list shows, without importing the importers
# ---------------------------------------------------------------------------------------------------------------


def describe_class(cls: type[Importer]) -> dict[str, Any]:
    """What :func:`info` tells of an importer class (and the catalog keeps of the built-in ones)."""
    return {"summary": cls.summary(), "platform": cls.platform.value, "extra": cls.extra, "sdk": list(cls.sdk),
            "capabilities": {cap.name.lower(): text for cap, text in cls.capabilities.items()}}


@lru_cache(maxsize=1)
def _catalog() -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(CATALOG.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data.get("importers", {}) if isinstance(data, dict) else {}


def sdk_installed(modules: list[str] | tuple[str, ...]) -> bool:
    """Whether every SDK module can be found, without importing it."""
    try:
        return all(importlib.util.find_spec(mod) is not None for mod in modules)
    except (ImportError, ValueError):
        return False


def info(name: str) -> dict[str, Any]:
    """Summary, platform, extra, SDK modules (and whether they are installed) and capabilities of ``name``.

    mlkg's own importers are described from the generated catalog when its entry for ``name`` names the same
    target; any other importer is loaded (:func:`get`) and described from its class.

    :raises UnknownImporter: no such importer. :raises ImportFailure: a third-party importer cannot be loaded.
    """
    reg = registered().get(name)
    entry = _catalog().get(name) if reg is not None and reg.distribution == "mlkg" else None
    if reg is not None and entry is not None and entry.get("target") == reg.target:
        out = {k: v for k, v in entry.items() if k != "target"}
    else:
        out = describe_class(get(name))
    out["sdk_installed"] = sdk_installed(out["sdk"])
    return out


def catalog_outputs() -> dict[Path, str]:
    """The generator's row ``importers``: ``catalog.json`` from the classes of mlkg's own entry points."""
    builtin = _source_tree_entries() or {n: r for n, r in registered().items() if r.distribution == "mlkg"}
    body = {name: {"target": reg.target, **describe_class(get(name))} for name, reg in sorted(builtin.items())}
    text = json.dumps({"generated": "python -m mlkg.tools.generate --only importers: do not edit",
                       "importers": body}, indent=2, ensure_ascii=False) + "\n"
    return {CATALOG: text}
