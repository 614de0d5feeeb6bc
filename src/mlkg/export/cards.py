"""Writing framed cards as files: Model Card Toolkit JSON, Hugging Face README.md.

The card's content comes from the profile's CONSTRUCT and frame; this module only serializes it. For the Hugging
Face card, keys starting with ``_`` are the README body's sections (``hf-card.md`` gives their headings); the rest
is the YAML front matter.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

PROFILE_DIR = Path(__file__).parent / "profiles"


def _sorted_lists(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _sorted_lists(v) for k, v in obj.items()}
    if isinstance(obj, list):
        items = [_sorted_lists(v) for v in obj]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    return obj


def _body_sections() -> list[tuple[str, str]]:
    """(key, markdown block with ``{value}``) from ``hf-card.md``: blocks separated by lines ``<!-- key -->``."""
    out: list[tuple[str, str]] = []
    key = None
    lines: list[str] = []
    for line in (PROFILE_DIR / "hf-card.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("<!-- ") and line.endswith(" -->"):
            if key is not None:
                out.append((key, "\n".join(lines).strip()))
            key, lines = line[5:-4].strip(), []
        else:
            lines.append(line)
    if key is not None:
        out.append((key, "\n".join(lines).strip()))
    return out


def _one(value: Any) -> Any:
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def render(kind: str, stem: str, obj: dict[str, Any]) -> tuple[str, str, Any]:
    """(relative file name, text, the card object) of one framed card."""
    if kind == "mct":
        card = _sorted_lists(obj)
        return f"{stem}.model_card.json", json.dumps(card, indent=2, ensure_ascii=False) + "\n", card
    if kind == "hf":
        return _render_hf(stem, obj)
    raise ValueError(f"unknown card kind {kind!r}")


#: Front-matter keys whose value is a list in Hugging Face's card metadata.
_HF_LISTS = ("tags", "datasets", "language", "model-index")


def _render_hf(stem: str, obj: dict[str, Any]) -> tuple[str, str, Any]:
    body_vals = {k[1:]: _one(v) for k, v in obj.items() if k.startswith("_")}
    meta = {k: v for k, v in obj.items() if not k.startswith("_")}
    for k, v in list(meta.items()):
        if k in _HF_LISTS:
            meta[k] = sorted(v, key=lambda x: json.dumps(x, sort_keys=True)) if isinstance(v, list) else [v]
        else:
            meta[k] = _one(v)
    for entry in meta.get("model-index", []):
        results = entry.get("results", [])
        entry["results"] = sorted(results if isinstance(results, list) else [results],
                                  key=lambda r: json.dumps(r, sort_keys=True))
        for r in entry["results"]:
            for key in ("task", "dataset"):
                if isinstance(r.get(key), list):
                    r[key] = r[key][0]
            if not isinstance(r.get("metrics"), list):
                r["metrics"] = [r["metrics"]]
    order = ["language", "license", "license_link", "library_name", "tags", "datasets", "pipeline_tag",
             "base_model", "base_model_relation", "co2_eq_emissions", "model-index"]
    meta = {k: meta[k] for k in sorted(meta, key=lambda k: (order.index(k) if k in order else len(order), k))}
    blocks = []
    for key, block in _body_sections():
        if key == "title" or body_vals.get(key):
            blocks.append(block.format(value=body_vals.get(key, ""), name=body_vals.get("title", stem)))
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, default_flow_style=False)
    text = f"---\n{front}---\n\n" + "\n\n".join(blocks) + "\n"
    return f"{stem}/README.md", text, meta
