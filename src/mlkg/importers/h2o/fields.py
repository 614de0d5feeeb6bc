"""The H2O importer's mapping table (:attr:`mlkg.importers.base.Importer.fills`): each field it fills and the H2O-3
model details value it comes from (``/3/Models`` JSON, the same in a MOJO's ``experimental/modelDetails.json``).
Held equal to ``tests/importers/h2o/expected_*.ttl`` by ``tests/importers/test_fills.py``."""

from __future__ import annotations

from ...model import entities as m
from ..base import FieldMap

FILLS: FieldMap = {
    m.MLModelService: {"name": "the service_name option", "service_type": "H2O"},
    m.MLModel: {
        "name": "model_id.name", "service": "the import's service", "service_type": "H2O",
        "algorithm": "algo_full_name (or algo)", "target": "response_column_name",
        "task": "output.model_category", "ml_features": "output.names and column_types (the response left out)",
        "versions": "one version per model", "ml_hyper_parameters": "parameters[].actual_value",
        "metrics": "output.training_metrics, validation_metrics, cross_validation_metrics",
        "feature_importance": "output.variable_importances", "ml_store": "the version's store",
    },
    m.ModelVersion: {
        "name": "1 (H2O has no versions)", "algorithm": "algo_full_name (or algo)",
        "created_at": "timestamp", "run": "the model build", "source": "the MOJO file or the model's URL",
        "ml_store": "the MOJO file or the model's URL", "ml_hyper_parameters": "parameters[].actual_value",
        "metrics": "output.*_metrics", "features": "output.names", "feature_importance": "output.variable_importances",
    },
    m.ModelStore: {"storage": "the MOJO file or the model's URL"},
    m.TrainingRun: {
        "name": "model_id.name", "display_name": "ALGO build of NAME",
        "started_at": "output.start_time", "ended_at": "output.end_time",
        "training_datasets": "parameters.training_frame", "evaluation_datasets": "parameters.validation_frame",
        "params": "parameters[].actual_value", "metrics": "output.*_metrics",
    },
    m.HyperParameter: {
        "name": "parameters[].name", "value": "parameters[].actual_value, typed by parameters[].type",
        "description": "parameters[].default_value when it differs",
    },
    m.Evaluation: {
        "name": "the metric's key (MSE, AUC, logloss, ...)", "value": "its value",
        "split": "train, validation (cross-validation metrics: train)", "slice": "cross-validation",
        "dataset": "the frame the metrics were computed on", "timestamp": "*_metrics.scoring_time",
    },
    m.Dataset: {
        "name": "the frame's key", "digest": "*_metrics.frame_checksum", "source_type": "h2o-frame",
    },
    m.Feature: {
        "name": "output.names", "position": "its index", "data_type": "output.column_types (Numeric, Enum)",
        "description": "output.domains: the levels of an Enum column",
    },
    m.FeatureImportance: {
        "name": "variable_importances.variable", "importance": "variable_importances.scaled_importance",
        "method": "gain for tree models, coefficients for linear ones", "feature": "the column",
    },
}
