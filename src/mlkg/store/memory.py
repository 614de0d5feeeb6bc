"""``memory:`` — an rdflib Dataset in this process (the default store; nothing is kept after exit).

The class lives in :mod:`mlkg.dataset.memory` (the query layer uses it to wrap rdflib graphs); this module is the
backend entry point.
"""

from __future__ import annotations

from ..dataset.memory import GraphStore, MemoryStore

__all__ = ["GraphStore", "MemoryStore"]


def _open(rest: str, url: str) -> MemoryStore:
    """``memory:`` (anything after the colon is ignored)."""
    return MemoryStore(url="memory:")
