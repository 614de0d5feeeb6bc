"""The FAIR4ML importer's mapping table (:attr:`mlkg.importers.base.Importer.fills`): each field it fills and the
FAIR4ML 0.1.0 / schema.org term it comes from (read by ``mlkg/export/profiles/fair4ml-read.rq``). Held equal to
``tests/importers/fair4ml/expected_*.ttl`` by ``tests/importers/test_fills.py``."""

from __future__ import annotations

from ...model import entities as m
from ..base import FieldMap

FILLS: FieldMap = {
    m.MLModelService: {"name": "the service_name option", "service_type": "Custom"},
    m.MLModel: {
        "name": "schema:name", "description": "schema:description", "algorithm": "fair4ml:modelCategory",
        "task": "fair4ml:mlTask", "license": "schema:license", "tags": "schema:keywords",
        "owners": "schema:maintainer (schema:name or schema:email)", "model_card": "fair4ml:intendedUse, "
        "fair4ml:modelRisksBiasLimitations, fair4ml:ethicalSocial", "metrics": "fair4ml:hasEvaluation",
        "training_datasets": "fair4ml:trainedOn", "test_datasets": "fair4ml:testedOn",
        "versions": "the fair4ml:MLModel nodes whose schema:exampleOfWork is this model",
        "service": "the service of schema:identifier (the FQN), else the import's",
    },
    m.ModelVersion: {
        "name": "schema:version", "algorithm": "fair4ml:modelCategory", "release_date": "schema:datePublished",
        "metrics": "fair4ml:hasEvaluation", "training_datasets": "fair4ml:trainedOn",
    },
    m.ModelCard: {"intended_use": "fair4ml:intendedUse"},
    m.Evaluation: {
        "name": "fair4ml:evaluationMetrics (schema:name)", "value": "fair4ml:evaluationResults schema:value",
        "ci_lower": "schema:minValue", "ci_upper": "schema:maxValue", "dataset": "fair4ml:evaluationDataset",
        "split": "the dataset's role (testedOn, validatedOn, evaluatedOn)",
    },
    m.Dataset: {"name": "schema:name", "revision": "schema:version"},
    m.Table: {"name": "schema:name of a dataset whose IRI is an mlkg table IRI"},
    m.Team: {"name": "schema:maintainer of a team"},
    m.TagLabel: {"tag_fqn": "schema:keywords"},
}
