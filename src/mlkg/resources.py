"""Files that ship with mlkg (ontology, shapes, contexts, queries), found without network access."""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent
_CANDIDATES = (_PKG / "_data", _PKG.parent.parent)  # installed wheel; source checkout (src/mlkg → repo root)


def resource_path(*parts: str) -> Path:
    """Path of a bundled file, e.g. ``resource_path("ontology", "mlkg.ttl")``.

    :raises FileNotFoundError: if the file is in neither the installed package nor the source tree.
    """
    for root in _CANDIDATES:
        p = root.joinpath(*parts)
        if p.exists():
            return p
    # For writing generated files in a source checkout.
    src = _CANDIDATES[1].joinpath(*parts)
    if src.parent.is_dir():
        return src
    raise FileNotFoundError("/".join(parts) + " is not bundled with this mlkg installation")
