"""The W&B importer's mapping table (:attr:`mlkg.importers.base.Importer.fills`): each field it fills and the
offline ``.wandb`` record it comes from. Held equal to ``tests/importers/wandb/expected.ttl`` by
``tests/importers/test_fills.py``."""

from __future__ import annotations

from ...model import entities as m
from ..base import FieldMap

FILLS: FieldMap = {
    m.MLModelService: {
        "name": "the service_name option", "service_type": "Wandb", "service_url": "the base_url option (live)",
    },
    m.Experiment: {"name": "RunRecord.entity/project", "service": "the import's service"},
    m.TrainingRun: {
        "ended_at": "start_time plus ExitRecord.runtime", "user": "the environment's username",
        "training_datasets": "the artifacts the run used (live)",
        "name": "RunRecord.run_id", "display_name": "RunRecord.display_name", "description": "RunRecord.notes",
        "experiment": "RunRecord.project", "status": "ExitRecord.exit_code (finished or failed)",
        "started_at": "RunRecord.start_time", "code_commit": "RunRecord.git.commit",
        "code_path": "the environment's code_path or program", "params": "ConfigRecord (nested keys joined)",
        "metrics": "HistoryRecord rows and SummaryRecord values", "tags": "RunRecord.tags, run_group, job_type",
    },
    m.HyperParameter: {"name": "the config key", "value": "its value, typed"},
    m.Evaluation: {
        "name": "the history or summary key", "value": "its number", "step": "the history row's _step",
        "timestamp": "the history row's _timestamp",
    },
    m.Dataset: {
        "name": "ArtifactRecord.name", "digest": "ArtifactRecord.digest", "description": "ArtifactRecord.description",
        "source": "the artifact metadata's source, else its first reference", "produced_by": "the run that logged it",
    },
    m.MLModel: {
        "name": "the model artifact's name", "service": "the import's service", "service_type": "Wandb",
        "versions": "one version per logged digest", "algorithm": "the latest version's algorithm",
        "description": "the latest version's description",
    },
    m.ModelVersion: {
        "source": "the artifact's source entity/project/name (wandb-artifact:///...)",
        "name": "ArtifactRecord.digest", "aliases": "ArtifactRecord.aliases", "description": "ArtifactRecord.description",
        "algorithm": "the artifact metadata's algorithm or framework", "run": "the run that logged it",
        "previous_version": "the digest logged before", "created_at": "the run's start_time",
        "metrics": "the artifact metadata's numbers named as metrics",
    },
    m.TagLabel: {
        "tag_fqn": "the tag, or group.NAME and job_type.NAME", "source": "Classification", "label_type": "Automated",
        "state": "Confirmed",
    },
}
