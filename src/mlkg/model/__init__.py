"""mlkg entity classes (see :mod:`mlkg.model.entities`)."""

from .base import REGISTRY, Entity, FieldSpec, OntologyEnum, Ref, iter_fields
from .entities import *  # noqa: F401,F403
from .entities import ROOT_TYPES

__all__ = [
    "REGISTRY", "ROOT_TYPES", "Entity", "FieldSpec", "OntologyEnum", "Ref", "iter_fields",
    "AlertingSystem", "Algorithm", "Asset", "AuditEvent", "Column", "ComplianceRecord", "Container",
    "Dashboard", "DataProduct", "Dataset", "DeploymentStatus", "DeploymentType", "Domain", "DriftMonitor",
    "Endpoint", "Evaluation", "Experiment", "FairnessMetric", "Feature", "FeatureImportance", "FeatureSource",
    "FeatureType", "GlossaryTerm", "HyperParameter", "MLModel", "MLModelService", "ModelCard", "ModelStore",
    "ModelVersion", "Pipeline", "PlatformType", "Risk", "SourceDataType", "Split", "Stage", "Table", "Tag",
    "TagLabel", "Team", "TrainedArtifact", "TrainingRun", "User", "get_version", "measure_for",
]
