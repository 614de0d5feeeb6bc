"""The Neptune importer's mapping table (:attr:`mlkg.importers.base.Importer.fills`): each field it fills and the
field path of the offline operation log it comes from. Held equal to ``tests/importers/neptune/expected.ttl`` by
``tests/importers/test_fills.py``."""

from __future__ import annotations

from ...model import entities as m
from ..base import FieldMap

FILLS: FieldMap = {
    m.MLModelService: {"name": "the service_name option", "service_type": "Neptune"},
    m.Experiment: {"name": "the project option (or sys/project)", "service": "the import's service"},
    m.TrainingRun: {
        "name": "sys/id", "display_name": "sys/name", "description": "sys/description",
        "tags": "sys/tags and sys/group_tags", "experiment": "the project", "status": "sys/failed",
        "started_at": "sys/creation_time", "code_path": "source_code/entrypoint",
        "params": "the parameters namespace (and other atoms)", "metrics": "float series and numeric atoms",
        "training_datasets": "track_files artifacts",
    },
    m.HyperParameter: {"name": "the field path", "value": "its value, typed"},
    m.Evaluation: {
        "name": "the series' field path", "value": "the point's value", "step": "the point's step",
        "timestamp": "the point's timestamp", "split": "the path's train/val/test part",
    },
    m.Dataset: {
        "name": "the artifact's field path", "source": "the tracked files", "source_type": "neptune-artifact",
    },
    m.TagLabel: {
        "tag_fqn": "the tag, or group.NAME", "source": "Classification", "label_type": "Automated",
        "state": "Confirmed",
    },
}
