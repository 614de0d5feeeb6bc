"""The OpenMetadata importer's mapping table (:attr:`mlkg.importers.base.Importer.fills`): each field it fills and
the OpenMetadata value it comes from. mlkg's entities are OpenMetadata's (same JSON keys), so most fields come
from the JSON key of the same name (``MlModel.mlFeatures``); in ``om:`` RDF from the ``om:`` property of that name;
the lineage fields only from ``om:upstream``/``om:downstream``. Held equal to the golden graphs
``tests/importers/openmetadata/expected_*.ttl`` by ``tests/importers/test_fills.py``."""

from __future__ import annotations

from ..model import entities as m
from ..model.base import iter_fields
from .base import FieldMap

#: The fields read under their own JSON key, by class, with the OpenMetadata entity they are read from.
SAME_KEY: dict[type[m.Entity], tuple[str, tuple[str, ...]]] = {
    m.MLModelService: ("MlModelService", ("id", "name", "description", "service_type", "service_url", "deleted")),
    m.MLModel: ("MlModel", (
        "id", "name", "display_name", "description", "algorithm", "dashboard", "deleted", "followers", "href",
        "ml_features", "ml_hyper_parameters", "ml_store", "owners", "server", "service", "service_type",
        "source_url", "tags", "target", "updated_at", "updated_by", "version", "domains")),
    m.Feature: ("MlFeature", ("name", "description", "data_type", "feature_algorithm", "feature_sources")),
    m.FeatureSource: ("FeatureSource", ("name", "data_type", "data_source", "tags")),
    m.HyperParameter: ("MlHyperParameter", ("name", "value", "description")),
    m.ModelStore: ("MlStore", ("storage", "image_repository")),
    m.Dashboard: ("EntityReference to a Dashboard", ("id", "name")),
    m.Domain: ("EntityReference to a Domain", ("id", "name")),
    m.Table: ("EntityReference to a Table (om: RDF: om:Table)", ("id", "name", "columns")),
    m.User: ("EntityReference to a User", ("id", "name")),
    m.Team: ("EntityReference to a Team", ("id", "name")),
    m.TagLabel: ("TagLabel", ("tag_fqn", "source", "label_type", "state")),
}


def _same_key(cls: type[m.Entity], entity: str, names: tuple[str, ...]) -> dict[str, str]:
    keys = {f.name: spec.json for f, spec in iter_fields(cls)}
    return {n: f"{entity}.{keys[n]}" for n in names}


_TABLE: dict[type[m.Entity], dict[str, str]] = {
    cls: _same_key(cls, entity, names) for cls, (entity, names) in SAME_KEY.items()}
_TABLE[m.MLModel] |= {
    "openmetadata_extra": "MlModel's other keys, kept whole",
    "training_datasets": "om: RDF: model om:upstream table",
    "predictions": "om: RDF: table om:upstream model, or model om:downstream table",
}
_TABLE[m.MLModelService] |= {"openmetadata_extra": "MlModelService's other keys, kept whole"}
_TABLE[m.Dashboard] |= {"sources": "MlModel.dashboard: the model it shows"}
_TABLE[m.Table] |= {"upstream": "om: RDF: table om:upstream table"}

FILLS: FieldMap = _TABLE
