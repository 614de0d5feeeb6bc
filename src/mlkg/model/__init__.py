"""mlkg entity classes (see :mod:`mlkg.model.entities`)."""

import inspect

from .base import REGISTRY, Entity, FieldSpec, OntologyEnum, Ref, iter_fields
from .entities import *
from .entities import ROOT_TYPES


def _document_fields() -> None:
    """Append each entity class's field reference (from its field specs) to its docstring, so ``help(MLModel)``
    shows what every field means, its JSON key and its ontology property."""
    for cls in sorted(set(REGISTRY.values()), key=lambda c: c.__name__):
        if "Fields (generated from the field specs)" in (cls.__doc__ or ""):
            continue
        lines = ["", "", "Instances are immutable: list fields are tuples and JSON values are frozen; make a changed copy",
                 "with .adding(field=[...]) or dataclasses.replace(entity, field=...) (see help(mlkg.model.Entity)).",
                 "", "Fields (generated from the field specs):", ""]
        for f, spec in iter_fields(cls):
            prop = str(spec.prop).rsplit("#", 1)[-1]
            lines.append(f"    {f.name} (JSON {spec.json!r}, mlkg:{prop}{', required' if spec.required else ''})")
            if spec.doc:
                lines.append(f"        {spec.doc}")
        # cleandoc first: the appended lines have no indent, which would leave the class's own lines indented
        cls.__doc__ = inspect.cleandoc(cls.__doc__ or cls.__name__) + "\n".join(lines) + "\n"


_document_fields()

__all__ = [
    "REGISTRY", "ROOT_TYPES", "Entity", "FieldSpec", "OntologyEnum", "Ref", "iter_fields",
    "AlertingSystem", "Algorithm", "Asset", "AuditEvent", "Column", "ComplianceRecord", "Container",
    "Dashboard", "DataProduct", "Dataset", "DeploymentStatus", "DeploymentType", "Domain", "DriftMonitor",
    "Endpoint", "Evaluation", "Experiment", "FairnessMetric", "Feature", "FeatureImportance", "FeatureSource",
    "FeatureType", "GlossaryTerm", "HyperParameter", "MLModel", "MLModelService", "ModelCard", "ModelStore",
    "ModelVersion", "Pipeline", "PlatformType", "Risk", "SourceDataType", "Split", "Stage", "Table", "Tag",
    "TagLabel", "Team", "TrainedArtifact", "TrainingRun", "User", "get_version", "measure_for",
]
