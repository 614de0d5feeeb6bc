"""The scikit-learn importer's mapping table (:attr:`mlkg.importers.base.Importer.fills`): each field it fills and
the estimator attribute it comes from. Held equal to ``tests/importers/sklearn/expected.ttl`` by
``tests/importers/test_fills.py``."""

from __future__ import annotations

from ..model import entities as m
from .base import FieldMap

FILLS: FieldMap = {
    m.MLModelService: {"name": "the service_name option", "service_type": "Sklearn"},
    m.MLModel: {
        "name": "the name option, else the file's stem", "service": "the import's service",
        "service_type": "Sklearn", "description": "scikit-learn MODULE.CLASS of the estimator",
        "algorithm": "the class name of the final estimator (a pipeline's last step)",
        "ml_hyper_parameters": "get_params(deep=True), typed", "ml_features": "feature_names_in_",
        "target": "the target option", "versions": "the version option",
    },
    m.ModelVersion: {
        "name": "the version option", "algorithm": "the class name of the final estimator",
        "ml_hyper_parameters": "get_params(deep=True)", "features": "feature_names_in_",
    },
    m.HyperParameter: {"name": "the get_params key (step__param in a pipeline)", "value": "its value"},
    m.Feature: {
        "name": "feature_names_in_[i]", "position": "i",
        "data_type": "the ColumnTransformer step the column goes through (numerical or categorical)",
    },
}
