"""OpenMetadata 1.13's own JSON Schemas (tests/data/openmetadata-schemas-1.13), checked offline.

Every file is held in a :class:`referencing.Registry` under ``https://open-metadata.org/schema/<path>``; a
``$ref`` that is not in the folder is an error (no URL is ever fetched)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource
from referencing.jsonschema import DRAFT7

ROOT = Path(__file__).resolve().parents[1] / "data" / "openmetadata-schemas-1.13"
BASE = "https://open-metadata.org/schema/"

CREATE_MLMODEL = "api/data/createMlModel.json"
CREATE_SERVICE = "api/services/createMlModelService.json"
MLMODEL = "entity/data/mlmodel.json"
SERVICE = "entity/services/mlmodelService.json"
WORKFLOW_SOURCE = "metadataIngestion/workflow.json#/definitions/source"


def _offline(uri: str) -> Resource:
    raise NoSuchResource(ref=uri)


@cache
def registry() -> Registry:
    resources = []
    for p in sorted(ROOT.rglob("*.json")):
        uri = BASE + p.relative_to(ROOT).as_posix()
        doc = json.loads(p.read_text(encoding="utf-8"))
        doc["$id"] = uri  # OpenMetadata resolves $refs by path; 28 files' own $id differ (see the README)
        resources.append((uri, Resource.from_contents(doc, default_specification=DRAFT7)))
    return Registry(retrieve=_offline).with_resources(resources)  # type: ignore[call-arg]


def schema(name: str) -> dict[str, Any]:
    """The stored schema file ``name`` (a path under the folder, no fragment)."""
    return json.loads((ROOT / name).read_text(encoding="utf-8"))


def errors(instance: Any, name: str) -> list[str]:
    """``path: message`` of each error of ``instance`` against ``name`` (``path[#/pointer]``); [] if it is valid."""
    v = Draft7Validator({"$ref": BASE + name}, registry=registry())
    return [f"{e.json_path}: {e.message[:300]}" for e in v.iter_errors(instance)]
