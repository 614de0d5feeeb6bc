"""mlkg's entity classes, each named after its ontology class.

The logical model (:class:`MLModel`, OpenMetadata's MlModel, MLflow's registered model) keeps every field of
OpenMetadata's JSON under the same camelCase names; :class:`ModelVersion` is the trained artifact with its own
algorithm, hyperparameters, training data, metrics, stage, aliases and deployments.

>>> m = MLModel(name="churn", service="mlflow_prod", algorithm="XGBoost",
...             ml_features=[Feature(name="recency", data_type="numerical")])
>>> m.fqn, m.ml_features[0].fqn
('mlflow_prod.churn', 'mlflow_prod.churn.recency')
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .. import ids
from ..namespaces import MLKG_IRI, SPDX_LICENSE
from ..vocab import MLKG as V
from .base import (
    ENTITY_NAME,
    NON_EMPTY,
    Entity,
    OntologyEnum,
    Ref,
    child,
    enumf,
    guess_typed,
    iri,
    jsonf,
    lexical,
    lit,
    ref,
    typed,
    typed_datatype,
)

MEASURE_NS = MLKG_IRI

# ---------------------------------------------------------------------------------------------------------------
# Enumerations (individuals of the ontology)
# ---------------------------------------------------------------------------------------------------------------


class PlatformType(OntologyEnum, json_def="mlModelServiceType"):
    """The ML platform behind a model service. The first five are OpenMetadata's ``mlModelServiceType``."""

    MLFLOW = ("Mlflow", "MLflowPlatform")
    SKLEARN = ("Sklearn", "ScikitLearnPlatform")
    CUSTOM = ("CustomMlModel", "CustomPlatform")
    SAGEMAKER = ("SageMaker", "SageMakerPlatform")
    VERTEX_AI = ("VertexAI", "VertexAIPlatform")
    AZURE_ML = ("AzureML", "AzureMLPlatform")
    DATABRICKS = ("Databricks", "DatabricksPlatform")
    KUBEFLOW = ("Kubeflow", "KubeflowPlatform")
    WANDB = ("WandB", "WeightsAndBiasesPlatform")
    NEPTUNE = ("Neptune", "NeptunePlatform")
    H2O = ("H2O", "H2OPlatform")
    HUGGING_FACE = ("HuggingFace", "HuggingFacePlatform")


class FeatureType(OntologyEnum):
    """OpenMetadata's ``featureType``."""

    NUMERICAL = ("numerical", "NumericalFeature")
    CATEGORICAL = ("categorical", "CategoricalFeature")


class SourceDataType(OntologyEnum, json_def="featureSourceDataType"):
    """OpenMetadata's ``featureSourceDataType``."""

    INTEGER = ("integer", "IntegerSource")
    NUMBER = ("number", "NumberSource")
    STRING = ("string", "StringSource")
    ARRAY = ("array", "ArraySource")
    DATE = ("date", "DateSource")
    TIMESTAMP = ("timestamp", "TimestampSource")
    OBJECT = ("object", "ObjectSource")
    BOOLEAN = ("boolean", "BooleanSource")


class Stage(OntologyEnum):
    """Lifecycle stage of a model version (MLflow's stages; aliases are kept separately)."""

    NONE = ("None", "NoStage")
    STAGING = ("Staging", "StagingStage")
    PRODUCTION = ("Production", "ProductionStage")
    ARCHIVED = ("Archived", "ArchivedStage")


class DeploymentType(OntologyEnum):
    """How a deployment serves predictions."""

    REALTIME = ("realtime", "RealtimeDeployment")
    BATCH = ("batch", "BatchDeployment")
    EDGE = ("edge", "EdgeDeployment")


class DeploymentStatus(OntologyEnum):
    """State of a deployment (the common subset of SageMaker, Vertex AI and Azure ML states)."""

    CREATING = ("Creating", "CreatingStatus")
    IN_SERVICE = ("InService", "InServiceStatus")
    UPDATING = ("Updating", "UpdatingStatus")
    OUT_OF_SERVICE = ("OutOfService", "OutOfServiceStatus")
    FAILED = ("Failed", "FailedStatus")
    DELETING = ("Deleting", "DeletingStatus")


class Split(OntologyEnum):
    """Dataset split an evaluation or a training input refers to."""

    TRAIN = ("train", "TrainSplit")
    VALIDATION = ("validation", "ValidationSplit")
    TEST = ("test", "TestSplit")


#: Known evaluation measures: lower-cased aliases → local name of the measure concept in the ontology.
MEASURES: dict[str, str] = {
    "accuracy": "Accuracy", "acc": "Accuracy",
    "precision": "Precision",
    "recall": "Recall",
    "auc": "AUC", "roc_auc": "AUC", "roc-auc": "AUC", "auroc": "AUC",
    "f1": "F1", "f1_score": "F1", "f1-score": "F1",
    "rmse": "RMSE", "mse": "MSE", "mae": "MAE", "mape": "MAPE",
    "r2": "R2", "r2_score": "R2",
    "log_loss": "LogLoss", "logloss": "LogLoss",
    "demographic_parity_difference": "DemographicParityDifference",
    "equal_opportunity_difference": "EqualOpportunityDifference",
    "psi": "PopulationStabilityIndex", "population_stability_index": "PopulationStabilityIndex",
}


def measure_for(name: str) -> str | None:
    """IRI of the known measure for a metric name (``AUC``, ``roc_auc`` → ``mlkg:AUC``), or None."""
    local = MEASURES.get(name.strip().lower().replace(" ", "_"))
    return MEASURE_NS + local if local else None


# ---------------------------------------------------------------------------------------------------------------
# Owned nodes
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class TagLabel(Entity):
    """A tag or glossary term applied to an entity (OpenMetadata's TagLabel)."""

    TYPE = "tagLabel"
    CLASS = "TagLabel"

    name: str = lit(V.name, text=ENTITY_NAME, omit_when_default=True,
                    doc="Name of the tag (the last part of tagFQN when not given).")
    tag_fqn: str = lit(V.tagFQN, json="tagFQN", required=True, text=NON_EMPTY, doc="FQN of the tag, e.g. PII.Sensitive.")
    tag: Ref | None = ref(V.tag, "tag", "glossaryTerm", json="tagRef", omit_when_default=True,
                          doc="The tag or glossary term (derived from tagFQN and source).")
    source: str | None = lit(V.tagSource, json="source", doc="Classification or Glossary.")
    label_type: str | None = lit(V.labelType, doc="Manual, Propagated, Automated, Derived or Generated.")
    state: str | None = lit(V.labelState, json="state", doc="Suggested or Confirmed.")
    reason: str | None = lit(V.labelReason, json="reason", doc="Why the tag was applied.")
    openmetadata_extra: Any = jsonf(V.openMetadataExtra,
                                    passthrough=("style", "href", "appliedAt", "appliedBy", "metadata"),
                                    doc="OpenMetadata's other TagLabel fields kept whole (style, href, appliedAt, "
                                        "appliedBy, metadata).")

    def derivations(self) -> dict[str, Any]:
        return {**super().derivations(), "name": (self.tag_fqn,), "tag": (self.tag_fqn, self.source)}

    def _rederived(self, name: str, old_source: Any, old_value: Any) -> Any:
        return "" if name == "name" else super()._rederived(name, old_source, old_value)

    def _derive(self) -> None:
        if not self.name and isinstance(self.tag_fqn, str) and self.tag_fqn:
            object.__setattr__(self, "name", ids.split_fqn(self.tag_fqn)[-1] or self.tag_fqn)
        if self.tag is None and isinstance(self.tag_fqn, str) and self.tag_fqn:
            object.__setattr__(self, "tag", self.default_value("tag"))

    def child_key(self) -> list[str]:
        return ["tag", self.tag_fqn]

    def default_value(self, field_name: str) -> Any:
        if field_name == "name":
            return ids.split_fqn(self.tag_fqn)[-1] or self.tag_fqn
        if field_name == "tag":
            return Ref(type="glossaryTerm" if self.source == "Glossary" else "tag", fqn=self.tag_fqn)
        return super().default_value(field_name)

    def _sort_lists(self) -> None:
        if self.openmetadata_extra == {}:
            object.__setattr__(self, "openmetadata_extra", None)
        super()._sort_lists()


def _tag(value: Any) -> TagLabel:
    if isinstance(value, TagLabel):
        return value
    return TagLabel(tag_fqn=value, source="Classification", label_type="Manual", state="Confirmed")


@dataclass(frozen=True, kw_only=True)
class Asset(Entity):
    """Fields every governed asset has: tags, owners, domains."""

    OPEN_DOMAIN = True

    tags: Sequence[TagLabel] = child(V.hasTagLabel, TagLabel, json="tags", doc="Tags and glossary terms.")
    owners: Sequence[Ref] = ref(V.hasOwner, "team", "user", many=True, doc="Owning users or teams.")
    domains: Sequence[Ref] = ref(V.inDomain, "domain", many=True, doc="Business domains.")

    def __post_init__(self) -> None:
        if any(not isinstance(t, TagLabel) for t in self.tags or []):
            object.__setattr__(self, "tags", [_tag(t) for t in self.tags])
        super().__post_init__()


@dataclass(frozen=True, kw_only=True)
class Column(Asset):
    """A column of a table."""

    TYPE = "column"
    CLASS = "Column"

    data_type: str | None = lit(V.columnDataType, json="dataType", doc="Column type as the database names it.")
    upstream: Sequence[Ref] = ref(V.upstream, "column", "table", "dataset", "container", many=True, doc="Columns this column is derived from.")


@dataclass(frozen=True, kw_only=True)
class FeatureSource(Entity):
    """Where a feature comes from: a column of a table (OpenMetadata's MlFeatureSource)."""

    TYPE = "featureSource"
    CLASS = "FeatureSource"
    FQN_IN_JSON = True

    data_type: SourceDataType | None = enumf(V.sourceDataType, SourceDataType, json="dataType",
                                             doc="Type of the source data.")
    data_source: Ref | None = ref(V.belongsToTable, "table", "container", "dataset", json="dataSource",
                                  doc="The table (or container) holding the source column.")
    tags: Sequence[TagLabel] = child(V.hasTagLabel, TagLabel, json="tags", doc="Tags of the source.")

    def __post_init__(self) -> None:
        if self.fqn is None and isinstance(self.data_source, (Ref, Entity, str)):
            table = self.data_source if isinstance(self.data_source, str) else (
                self.data_source.fqn if isinstance(self.data_source, (Ref, Entity)) else None)
            if table:
                object.__setattr__(self, "fqn", ids.fqn_child(table, self.name))
        super().__post_init__()

    def iri_type(self) -> str:
        # A source with a table is that table's column: one node, whoever names it.
        return "column" if self.data_source is not None else "featureSource"


@dataclass(frozen=True, kw_only=True)
class Feature(Entity):
    """An input variable of a model (OpenMetadata's MlFeature)."""

    TYPE = "mlFeature"
    CLASS = "Feature"
    FQN_IN_JSON = True

    data_type: FeatureType | None = enumf(V.featureDataType, FeatureType, json="dataType",
                                          doc="numerical or categorical.")
    feature_sources: Sequence[FeatureSource] = child(V.hasFeatureSource, FeatureSource,
                                                 doc="Columns the feature is computed from.")
    feature_algorithm: str | None = lit(V.featureAlgorithm, doc="How the feature is computed (PCA, bucketing...).")
    position: int | None = lit(V.position, datatype="integer", minimum=0,
                               doc="Position of the feature in the model's input signature (0-based).")
    tags: Sequence[TagLabel] = child(V.hasTagLabel, TagLabel, json="tags", doc="Tags of the feature.")


@dataclass(frozen=True, kw_only=True)
class HyperParameter(Entity):
    """A hyperparameter setting. The value keeps its type; ``value_text`` is the text the platform stored."""

    TYPE = "hyperParameter"
    CLASS = "HyperParameterSetting"
    JSON_DEF = "mlHyperParameter"

    name: str = lit(V.name, required=True, text=NON_EMPTY, doc="The parameter's key, as the platform names it.")

    value: int | float | bool | str | None = typed(V.hyperParameterValue, json="value", text_term=V.valueText,
                                                   doc="Typed value (integer, double, boolean or string).")
    value_text: str | None = None
    """The original text of the value (OpenMetadata and MLflow store values as strings)."""

    def derivations(self) -> dict[str, Any]:
        return {**super().derivations(), "value_text": (self.value,)}

    def _derive(self) -> None:
        if isinstance(self.value, str) and self.value_text is None:
            object.__setattr__(self, "value_text", self.value)
            object.__setattr__(self, "value", guess_typed(self.value))
        elif self.value is not None and self.value_text is None:
            text = repr(self.value) if isinstance(self.value, float) else lexical(self.value,
                                                                                   typed_datatype(self.value))
            object.__setattr__(self, "value_text", text)


@dataclass(frozen=True, kw_only=True)
class ModelStore(Entity):
    """Where the model artifact and its serving image are stored (OpenMetadata's MlStore)."""

    TYPE = "mlStore"
    CLASS = "ModelStore"

    name: str = lit(V.name, default="store", text=ENTITY_NAME, omit_when_default=True, doc="Always 'store'.")
    storage: str | None = lit(V.storageLocation, json="storage", doc="Location of the model artifact.")
    image_repository: str | None = lit(V.imageRepository, doc="Container image repository of the model.")

    def child_key(self) -> list[str]:
        return ["store"]


@dataclass(frozen=True, kw_only=True)
class Evaluation(Entity):
    """One measured value: a measure, a typed value, on a dataset and split, maybe for a slice, at a time."""

    TYPE = "evaluation"
    CLASS = "Evaluation"

    name: str = lit(V.name, required=True, text=NON_EMPTY, doc="The metric's key, as the platform names it.")
    measure: str | None = iri(V.measure, prefix=MEASURE_NS, iri_class="Measure",
                              doc="The measure (mlkg:AUC, mlkg:Accuracy, ...); derived from the name if known.")
    value: int | float | bool | str | None = typed(V.metricValue, json="value", required=True,
                                                   doc="The measured value, typed.")
    dataset: Ref | None = ref(V.evaluationDataset, "dataset", "table", "container", doc="Dataset the value was measured on.")
    split: Split | None = enumf(V.split, Split, doc="train, validation or test.")
    slice: str | None = lit(V.slice, doc="Data slice, e.g. 'country=DE'.")
    sensitive_attribute: str | None = lit(V.sensitiveAttribute, doc="Sensitive attribute of a fairness slice.")
    group: str | None = lit(V.group, doc="Group of the sensitive attribute (e.g. 'female').")
    ci_lower: float | None = lit(V.ciLower, datatype="float", doc="Lower bound of the confidence interval.")
    ci_upper: float | None = lit(V.ciUpper, datatype="float", doc="Upper bound of the confidence interval.")
    ci_level: float | None = lit(V.ciLevel, datatype="float", minimum=0, maximum=1, exclusive=True, doc="Confidence level, e.g. 0.95.")
    timestamp: datetime | None = lit(V.measuredAt, json="measuredAt", datatype="dateTime", doc="When the value was measured.")
    step: int | None = lit(V.step, datatype="integer", minimum=0, doc="Training step of the value.")

    def derivations(self) -> dict[str, Any]:
        return {**super().derivations(), "measure": (self.name,)}

    def _derive(self) -> None:
        if self.measure is None and isinstance(self.name, str):
            m = measure_for(self.name)
            if m:
                object.__setattr__(self, "measure", m)

    def child_key(self) -> list[str]:
        parts = ["metric", self.name]
        if self.dataset is not None:
            parts.append(self.dataset.key if isinstance(self.dataset, Ref) else str(self.dataset))
        for extra in (self.split, self.slice, self.sensitive_attribute, self.group):
            if extra is not None:
                parts.append(str(extra))
        if self.timestamp is not None:
            parts.append(self.timestamp.isoformat() if isinstance(self.timestamp, datetime) else str(self.timestamp))
        if self.step is not None:
            parts.append(f"step{self.step}")
        return parts


@dataclass(frozen=True, kw_only=True)
class FairnessMetric(Evaluation):
    """An evaluation on one group of a sensitive attribute (bias detection)."""

    TYPE = "fairnessMetric"
    CLASS = "FairnessMetric"


@dataclass(frozen=True, kw_only=True)
class FeatureImportance(Entity):
    """Explainability: how much one feature contributes (SHAP, permutation, gain)."""

    TYPE = "featureImportance"
    CLASS = "FeatureImportance"

    name: str = lit(V.name, required=True, text=NON_EMPTY, doc="The feature's name, as the explainer gives it.")

    feature: Ref | None = ref(V.explainsFeature, "mlFeature", doc="The feature explained.")
    importance: float | None = lit(V.importanceValue, json="value", datatype="float", doc="Importance score.")
    method: str | None = lit(V.explanationMethod, json="method", doc="shap, permutation, gain, ...")

    def child_key(self) -> list[str]:
        return ["importance", self.name] + ([self.method] if self.method else [])


@dataclass(frozen=True, kw_only=True)
class Risk(Entity):
    """A known risk, bias or limitation of a model."""

    TYPE = "risk"
    CLASS = "Risk"

    severity: str | None = lit(V.severity, doc="low, medium or high.")
    mitigation: str | None = lit(V.mitigation, doc="How the risk is mitigated.")

    def child_key(self) -> list[str]:
        return ["risk", self.name]


@dataclass(frozen=True, kw_only=True)
class ModelCard(Entity):
    """The model card: intended use, limitations, risks, environmental cost."""

    TYPE = "modelCard"
    CLASS = "ModelCard"

    name: str = lit(V.name, default="card", text=ENTITY_NAME, omit_when_default=True,
                    doc="Name of the card (defaults to 'card').")
    url: str | None = lit(V.modelCardUrl, json="url", datatype="anyURI", doc="Where the card is published.")
    intended_use: str | None = lit(V.intendedUse, doc="Intended uses.")
    out_of_scope_use: str | None = lit(V.outOfScopeUse, doc="Uses the model is not meant for.")
    limitations: str | None = lit(V.limitations, doc="Known limitations.")
    ethical_considerations: str | None = lit(V.ethicalConsiderations, doc="Ethical considerations.")
    risks: Sequence[Risk] = child(V.hasRisk, Risk, doc="Risks, biases and limitations.")
    co2e_emissions_grams: Decimal | None = lit(V.co2eEmissionsGrams, datatype="decimal", minimum=0,
                                               doc="Training emissions in grams of CO2 equivalent.")
    human_oversight: str | None = lit(V.humanOversightMeasures, json="humanOversightMeasures",
                                      doc="How people oversee the model in use (EU AI Act Art. 14).")
    risk_management_record: str | None = lit(V.riskManagementRecord, datatype="anyURI",
                                             doc="Where the risk management record is kept (EU AI Act Art. 9).")

    def child_key(self) -> list[str]:
        return ["card"]


@dataclass(frozen=True, kw_only=True)
class ComplianceRecord(Entity):
    """A compliance decision about a model (GDPR, EU AI Act, internal review)."""

    TYPE = "complianceRecord"
    CLASS = "ComplianceRecord"

    framework: str | None = lit(V.complianceFramework, json="framework", doc="GDPR, EU AI Act, SR 11-7, ...")
    status: str | None = lit(V.complianceStatus, json="status", doc="approved, pending, rejected.")
    allows_pii: bool | None = lit(V.allowsPII, json="allowsPII", datatype="boolean",
                                  doc="Training on PII-tagged data is allowed by this record.")
    approved_by: Ref | None = ref(V.approvedBy, "user", doc="Who approved.")
    approved_at: datetime | None = lit(V.approvedAt, datatype="dateTime", doc="When it was approved.")
    reference: str | None = lit(V.complianceReference, json="reference", datatype="anyURI",
                                doc="Link to the record.")

    def child_key(self) -> list[str]:
        return ["compliance", self.name]


@dataclass(frozen=True, kw_only=True)
class AuditEvent(Entity):
    """One entry of a model's audit log."""

    TYPE = "auditEvent"
    CLASS = "AuditEvent"

    timestamp: datetime | None = lit(V.eventTime, json="eventTime", datatype="dateTime", doc="When it happened.")
    actor: Ref | None = ref(V.actor, "user", doc="Who did it.")
    action: str | None = lit(V.action, doc="What was done (registered, promoted, deployed, ...).")

    def child_key(self) -> list[str]:
        stamp = self.timestamp.isoformat() if isinstance(self.timestamp, datetime) else ""
        return ["audit", stamp, self.name]


@dataclass(frozen=True, kw_only=True)
class DriftMonitor(Entity):
    """A drift monitor on a model or endpoint, with its observations over time."""

    TYPE = "driftMonitor"
    CLASS = "DriftMonitor"

    method: str | None = lit(V.driftMethod, json="method", doc="psi, ks, chi2, ...")
    threshold: float | None = lit(V.driftThreshold, json="threshold", datatype="float", minimum=0,
                                  doc="Alert above this value.")
    feature: Ref | None = ref(V.monitorsFeature, "mlFeature", doc="The feature watched, if one.")
    status: str | None = lit(V.monitorStatus, json="status", doc="ok, warning or drifting.")
    observations: Sequence[Evaluation] = child(V.hasObservation, Evaluation, doc="Measured drift over time.")

    def child_key(self) -> list[str]:
        return ["drift", self.name]


@dataclass(frozen=True, kw_only=True)
class Period(Entity):
    """Fields shared by the periods a platform records: a stage or alias assignment, a serving interval.

    ``started_at`` is the platform's own time; where the platform keeps only the time of its last change (MLflow's
    ``last_updated_timestamp``, SageMaker's ``LastModifiedTime``), the period is known to have begun by then.
    No ``ended_at`` while it lasts.
    """

    started_at: datetime | None = lit(V.startedAt, datatype="dateTime",
                                      doc="When it began, by the platform's clock (or by when, see timesFrom).")
    ended_at: datetime | None = lit(V.endedAt, datatype="dateTime", doc="When it ended; none while it lasts.")
    times_from: str | None = lit(V.timesFrom, doc="The platform and field the times were read from.")

    def _stamp(self) -> str:
        return self.started_at.isoformat() if isinstance(self.started_at, datetime) else ""


@dataclass(frozen=True, kw_only=True)
class StageAssignment(Period):
    """A period in which a model version was in a lifecycle stage (PROV-O activity; see the history docs)."""

    TYPE = "stageAssignment"
    CLASS = "StageAssignment"

    name: str = lit(V.name, default="stage", text=ENTITY_NAME, omit_when_default=True, doc="Always 'stage'.")
    stage: Stage = enumf(V.assignedStage, Stage, required=True, doc="The stage.")

    def child_key(self) -> list[str]:
        return ["stage", str(self.stage), self._stamp()]


@dataclass(frozen=True, kw_only=True)
class AliasAssignment(Period):
    """A period in which a registry alias pointed at a model version."""

    TYPE = "aliasAssignment"
    CLASS = "AliasAssignment"

    name: str = lit(V.name, default="alias", text=ENTITY_NAME, omit_when_default=True, doc="Always 'alias'.")
    alias: str = lit(V.assignedAlias, required=True, text=NON_EMPTY, doc="The alias (champion, challenger).")

    def child_key(self) -> list[str]:
        return ["alias", self.alias, self._stamp()]


@dataclass(frozen=True, kw_only=True)
class ServingInterval(Period):
    """A period in which a deployment served a model version, with its traffic share."""

    TYPE = "servingInterval"
    CLASS = "ServingInterval"

    name: str = lit(V.name, default="serving", text=ENTITY_NAME, omit_when_default=True, doc="Always 'serving'.")
    model_version: Ref | None = ref(V.servedVersion, "modelVersion", doc="The version served.")
    traffic_percentage: float | None = lit(V.trafficPercentage, datatype="float", minimum=0, maximum=100,
                                           doc="Share of the endpoint's requests it received, in %.")

    def child_key(self) -> list[str]:
        version = self.model_version.key if isinstance(self.model_version, Ref) else ""
        return ["served", version, self._stamp()]


# ---------------------------------------------------------------------------------------------------------------
# Models and versions
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class TrainedArtifact(Asset):
    """Fields shared by the logical model and its versions."""

    algorithm: str | None = lit(V.algorithmName, json="algorithm", doc="Algorithm, e.g. XGBoost.")
    ml_hyper_parameters: Sequence[HyperParameter] = child(V.hasHyperParameter, HyperParameter,
                                                      doc="Hyperparameter settings.")
    ml_store: ModelStore | None = child(V.hasStore, ModelStore, many=False, doc="Artifact and image storage.")
    metrics: Sequence[Evaluation] = child(V.hasEvaluation, Evaluation, doc="Evaluations (metric values).")
    training_datasets: Sequence[Ref] = ref(V.trainedOn, "table", "dataset", "container", many=True, doc="Data the model was trained on.")
    validation_datasets: Sequence[Ref] = ref(V.validatedOn, "table", "dataset", "container", many=True, doc="Validation data.")
    test_datasets: Sequence[Ref] = ref(V.testedOn, "table", "dataset", "container", many=True, doc="Held-out test data.")
    predictions: Sequence[Ref] = ref(V.predictionsFrom, "table", "dataset", many=True, reverse=True,
                                 doc="Tables the model's predictions are written to.")
    model_card: ModelCard | None = child(V.hasModelCard, ModelCard, many=False, doc="The model card.")
    license: str | None = iri(V.license, prefix=str(SPDX_LICENSE), doc="Licence (SPDX id or IRI).")
    fairness: Sequence[FairnessMetric] = child(V.hasFairnessMetric, FairnessMetric, doc="Fairness metrics by group.")
    feature_importance: Sequence[FeatureImportance] = child(V.hasFeatureImportance, FeatureImportance,
                                                        doc="Explainability: importance per feature.")
    compliance: Sequence[ComplianceRecord] = child(V.hasComplianceRecord, ComplianceRecord,
                                               doc="Compliance records.")

    def __post_init__(self) -> None:
        if getattr(self, "openmetadata_extra", None) == {}:
            object.__setattr__(self, "openmetadata_extra", None)
        if self.ml_store is not None and not isinstance(self.ml_store, ModelStore) and isinstance(
                self.ml_store, dict):
            object.__setattr__(self, "ml_store", ModelStore(**self.ml_store))
        super().__post_init__()


@dataclass(frozen=True, kw_only=True)
class ModelVersion(TrainedArtifact):
    """A trained artifact: one version of a model (DCAT 3 versioning)."""

    TYPE = "modelVersion"
    CLASS = "ModelVersion"

    name: str = lit(V.name, text=ENTITY_NAME, doc="Version label, e.g. '3' or 'v3.0'.")
    stage: Stage | None = enumf(V.stage, Stage, doc="Lifecycle stage.")
    aliases: Sequence[str] = lit(V.alias, json="aliases", many=True, doc="Registry aliases (champion, challenger).")
    created_at: datetime | None = lit(V.createdAt, datatype="dateTime", doc="When the version was created.")
    release_date: date | None = lit(V.releaseDate, datatype="date", doc="Date the version was released.")
    status: str | None = lit(V.versionStatus, json="status", doc="Registry status, e.g. READY.")
    source: str | None = lit(V.artifactUri, json="source", doc="Artifact URI (models:/..., s3://...).")
    run: Ref | None = ref(V.producedBy, "trainingRun", "pipeline", doc="Run that produced the version.")
    previous_version: Ref | None = ref(V.previousVersion, "modelVersion", doc="The version before this one.")
    features: Sequence[Ref] = ref(V.usesFeature, "mlFeature", many=True, doc="Features this version uses.")
    created_by: Ref | None = ref(V.createdBy, "user", doc="Who registered the version.")
    algorithm_ref: Ref | None = ref(V.implementsAlgorithm, "algorithm", doc="The algorithm, as a node.")
    stage_history: Sequence[StageAssignment] = child(V.hasStageAssignment, StageAssignment,
                                                 doc="When the version entered (and left) stages.")
    alias_history: Sequence[AliasAssignment] = child(V.hasAliasAssignment, AliasAssignment,
                                                 doc="When aliases pointed at the version.")

    def child_key(self) -> list[str]:
        return [self.name]


@dataclass(frozen=True, kw_only=True)
class Endpoint(Asset):
    """A deployment: a real-time endpoint, a batch scoring job or an edge package serving a model version."""

    TYPE = "endpoint"
    CLASS = "Endpoint"
    COLLECTION = "endpoints"

    deployment_type: DeploymentType | None = enumf(V.deploymentType, DeploymentType,
                                                   doc="realtime, batch or edge.")
    url: str | None = lit(V.endpointUrl, json="url", datatype="anyURI", doc="Serving URL.")
    status: DeploymentStatus | None = enumf(V.deploymentStatus, DeploymentStatus, json="status",
                                            doc="Deployment state.")
    environment: str | None = lit(V.environment, doc="production, staging, ...")
    service: Ref | None = ref(V.belongsToService, "mlmodelService", doc="Platform hosting the endpoint.")
    model_version: Ref | None = ref(V.servesModelVersion, "modelVersion", doc="The version served.")
    model: Ref | None = ref(V.servesModel, "mlmodel", doc="The model served.")
    instance_type: str | None = lit(V.instanceType, doc="Machine type.")
    traffic_percentage: float | None = lit(V.trafficPercentage, datatype="float", minimum=0, maximum=100,
                                           doc="Share of the endpoint's requests this deployment receives, in %.")
    deployed_at: datetime | None = lit(V.deployedAt, datatype="dateTime", doc="When it was deployed.")
    predictions: Sequence[Ref] = ref(V.predictionsFrom, "table", "dataset", many=True, reverse=True,
                                 doc="Tables the endpoint writes predictions to.")
    metrics: Sequence[Evaluation] = child(V.hasEvaluation, Evaluation, doc="Online metrics.")
    drift_monitors: Sequence[DriftMonitor] = child(V.hasDriftMonitor, DriftMonitor, doc="Drift monitors.")
    serving_history: Sequence[ServingInterval] = child(V.hasServingInterval, ServingInterval,
                                                   doc="When the deployment served which version.")

    def default_fqn(self) -> str:
        if isinstance(self.service, Ref) and self.service.fqn:
            return ids.fqn_child(self.service.fqn, self.name)
        return ids.quote_part(self.name)


@dataclass(frozen=True, kw_only=True)
class MLModel(TrainedArtifact):
    """A logical ML model (OpenMetadata's MlModel, MLflow's registered model).

    Like every entity, a model is an immutable value. Its constructor stores its own copies of the children it
    is given (versions, features, metrics, ...), each named under the model (``svc.churn.2`` for version
    ``2``), and every list field is a tuple: ``model.versions[0].metrics.append(...)`` raises ``TypeError``
    rather than adding a metric that would never reach the graph. Build the children first, or make new
    entities with :meth:`~mlkg.model.Entity.adding` and :func:`dataclasses.replace`:

    >>> v2 = ModelVersion(name="2").adding(metrics=[Evaluation(name="F1", value=0.81, split="test")])
    >>> model = MLModel(name="churn", service="mlflow_prod", versions=[v2])
    >>> model.versions[0].metrics[0].fqn
    'mlflow_prod.churn.2.metric.F1.test'
    >>> model = dataclasses.replace(model, versions=[model.versions[0].adding(metrics=Evaluation(name="AUC",
    ...                                                                                       value=0.91))])
    >>> ", ".join(e.name for e in model.versions[0].metrics)
    'AUC, F1'
    """

    TYPE = "mlmodel"
    CLASS = "MLModel"
    COLLECTION = "models"
    ALWAYS_DESCRIBED = True

    ml_features: Sequence[Feature] = child(V.hasFeature, Feature, doc="Features (inputs) of the model.")
    target: str | None = lit(V.target, doc="What a supervised model estimates.")
    dashboard: Ref | None = ref(V.displays, "dashboard", reverse=True, doc="Performance dashboard.")
    server: str | None = lit(V.serverUrl, json="server", datatype="anyURI", doc="Serving endpoint URL.")
    service: Ref | None = ref(V.belongsToService, "mlmodelService", doc="Service (platform) holding the model.")
    service_type: PlatformType | None = enumf(V.platform, PlatformType, json="serviceType", server_set=True,
                                              doc="Platform type of the service.")
    followers: Sequence[Ref] = ref(V.follower, "user", many=True, server_set=True, doc="Users following the model.")
    data_products: Sequence[Ref] = ref(V.partOfDataProduct, "dataProduct", many=True, doc="Data products.")
    href: str | None = lit(V.href, datatype="anyURI", server_set=True, doc="API link of the entity.")
    version: float | None = lit(V.metadataVersion, json="version", datatype="float", minimum=0.1, server_set=True,
                                doc="OpenMetadata's metadata version (not the model version).")
    updated_at: datetime | None = lit(V.updatedAt, datatype="dateTime", epoch_ms=True, server_set=True,
                                      doc="Last update; JSON holds epoch milliseconds.")
    updated_by: str | None = lit(V.updatedBy, server_set=True, doc="User who last updated the entity.")
    deleted: bool | None = lit(V.deleted, datatype="boolean", server_set=True, doc="Soft-deleted in OpenMetadata.")
    source_url: str | None = lit(V.sourceUrl, datatype="anyURI", doc="The model in its platform's UI.")
    source_hash: str | None = lit(V.sourceHash, doc="Hash of the source entity.")
    entity_status: str | None = lit(V.entityStatus, server_set=True,
                                    doc="OpenMetadata entity status (Draft, Approved, ...).")
    openmetadata_extra: Any = jsonf(V.openMetadataExtra,
                                    passthrough=("usageSummary", "changeDescription", "incrementalChangeDescription",
                                                 "extension", "votes", "lifeCycle", "certification", "dataContract",
                                                 "impersonatedBy"),
                                    passthrough_server_set=("usageSummary", "changeDescription",
                                                            "incrementalChangeDescription", "impersonatedBy", "votes",
                                                            "certification"),
                                    doc="OpenMetadata bookkeeping kept whole (usageSummary, votes, lifeCycle, "
                                        "certification, changeDescription, extension, dataContract, ...).")
    # mlkg additions
    versions: Sequence[ModelVersion] = child(V.hasVersion, ModelVersion, doc="Versions (trained artifacts).")
    deployments: Sequence[Endpoint] = child(V.deploymentOf, Endpoint, reverse=True, doc="Deployments.")
    base_model: Ref | None = ref(V.derivedFromModel, "mlmodel", doc="Base model this one derives from.")
    base_model_relation: str | None = lit(V.baseModelRelation, doc="finetune, adapter, quantized or merge.")
    task: str | None = lit(V.mlTask, json="task", doc="ML task, e.g. text-classification.")
    audit_log: Sequence[AuditEvent] = child(V.hasAuditEvent, AuditEvent, doc="Audit trail.")
    drift_monitors: Sequence[DriftMonitor] = child(V.hasDriftMonitor, DriftMonitor, doc="Drift monitors.")

    def default_fqn(self) -> str:
        if isinstance(self.service, Ref) and self.service.fqn:
            return ids.fqn_child(self.service.fqn, self.name)
        return ids.quote_part(self.name)

    def _adopt(self, c: Entity) -> Entity:
        # A deployment with no service of its own is named under the model.
        if isinstance(c, Endpoint) and c.service is None and c.fqn == ids.quote_part(c.name):
            return dataclasses.replace(c, fqn=ids.fqn_child(self.fqn or "", c.name))
        c = super()._adopt(c)
        return self._resolve_feature_refs(c)

    def _resolve_feature_refs(self, c: Entity) -> Entity:
        """A bare feature name in a version, importance or drift monitor means this model's feature."""
        own = {f.name: f.fqn or ids.fqn_child(self.fqn or "", *f.child_key()) for f in self.ml_features}
        if not own:
            return c
        changes: dict[str, Any] = {}
        for attr in ("features", "feature"):
            val = getattr(c, attr, None)
            if isinstance(val, tuple):
                new = tuple(Ref(type=r.type, fqn=own[r.fqn]) if isinstance(r, Ref) and r.type == "mlFeature"
                       and r.fqn in own and r.fqn != own[r.fqn] else r for r in val)
                if new != val:
                    changes[attr] = new
            elif isinstance(val, Ref) and val.type == "mlFeature" and val.fqn in own and val.fqn != own[val.fqn]:
                changes[attr] = Ref(type=val.type, fqn=own[val.fqn])
        return dataclasses.replace(c, **changes) if changes else c


# ``version`` is OpenMetadata's field name (the metadata version), so this helper lives outside the class.
def get_version(model: MLModel, label: str) -> ModelVersion:
    """The version of ``model`` labelled ``label``.

    :raises KeyError: if there is none.
    """
    for v in model.versions:
        if v.name == label:
            return v
    raise KeyError(f"{model.fqn} has no version {label!r}")


# ---------------------------------------------------------------------------------------------------------------
# Services, runs, data and consumers
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MLModelService(Asset):
    """An ML platform instance that holds models (OpenMetadata's MlModelService)."""

    TYPE = "mlmodelService"
    CLASS = "MLModelService"
    COLLECTION = "services"

    service_type: PlatformType | None = enumf(V.platform, PlatformType, json="serviceType", required=True,
                                              doc="Platform type.")
    service_url: str | None = lit(V.serviceUrl, datatype="anyURI", doc="Tracking or registry URI.")
    href: str | None = lit(V.href, datatype="anyURI", doc="API link of the entity.")
    version: float | None = lit(V.metadataVersion, json="version", datatype="float", minimum=0.1,
                                doc="OpenMetadata's metadata version.")
    updated_at: datetime | None = lit(V.updatedAt, datatype="dateTime", epoch_ms=True, doc="Last update.")
    updated_by: str | None = lit(V.updatedBy, doc="User who last updated the entity.")
    deleted: bool | None = lit(V.deleted, datatype="boolean", doc="Soft-deleted in OpenMetadata.")
    openmetadata_extra: Any = jsonf(V.openMetadataExtra,
                                    passthrough=("connection", "pipelines", "testConnectionResult",
                                                 "changeDescription", "incrementalChangeDescription",
                                                 "impersonatedBy", "ingestionRunner", "entityStatus", "dataProducts",
                                                 "followers", "dataContract"),
                                    doc="OpenMetadata bookkeeping kept whole (the "
                                    "connection with secrets removed, pipelines, changeDescription, ...).")


@dataclass(frozen=True, kw_only=True)
class Experiment(Asset):
    """An experiment grouping training runs."""

    TYPE = "experiment"
    CLASS = "Experiment"
    COLLECTION = "experiments"

    artifact_location: str | None = lit(V.artifactLocation, doc="Where the experiment's artifacts live.")
    service: Ref | None = ref(V.belongsToService, "mlmodelService", doc="Platform holding the experiment.")


@dataclass(frozen=True, kw_only=True)
class TrainingRun(Asset):
    """A training (or evaluation) run: a PROV activity that used data and produced a model version."""

    TYPE = "trainingRun"
    CLASS = "TrainingRun"
    COLLECTION = "runs"

    owners: Sequence[Ref] = ref(V.operatedBy, "team", "user", many=True,
                            doc="Users or teams that own the run (an activity, so PROV association).")
    experiment: Ref | None = ref(V.partOfExperiment, "experiment", doc="Experiment of the run.")
    user: Ref | None = ref(V.startedBy, "user", json="startedBy", doc="Who ran it.")
    status: str | None = lit(V.runStatus, json="status", doc="FINISHED, FAILED, ...")
    started_at: datetime | None = lit(V.startedAt, datatype="dateTime", doc="Start time.")
    ended_at: datetime | None = lit(V.endedAt, datatype="dateTime", doc="End time.")
    code_repository: str | None = lit(V.codeRepository, datatype="anyURI", doc="Source repository.")
    code_commit: str | None = lit(V.codeCommit, doc="Commit of the code.")
    code_path: str | None = lit(V.codePath, doc="Entry point or notebook.")
    training_datasets: Sequence[Ref] = ref(V.usedTrainingData, "dataset", "table", "container", many=True, doc="Training inputs.")
    evaluation_datasets: Sequence[Ref] = ref(V.usedEvaluationData, "dataset", "table", "container", many=True, doc="Evaluation inputs.")
    params: Sequence[HyperParameter] = child(V.hasHyperParameter, HyperParameter, doc="Parameters of the run.")
    metrics: Sequence[Evaluation] = child(V.hasEvaluation, Evaluation, doc="Metrics of the run.")


@dataclass(frozen=True, kw_only=True)
class Table(Asset):
    """A table (training data, feature table, predictions table)."""

    TYPE = "table"
    CLASS = "Table"
    COLLECTION = "tables"

    columns: Sequence[Column] = child(V.belongsToTable, Column, reverse=True, doc="Columns of the table.")
    upstream: Sequence[Ref] = ref(V.upstream, "table", "dataset", "container", "column", many=True, doc="Tables this one is derived from.")
    produced_by: Ref | None = ref(V.producedBy, "pipeline", "trainingRun", doc="Pipeline that writes the table.")
    version: str | None = lit(V.dataVersion, json="version", doc="Version or snapshot of the data.")


@dataclass(frozen=True, kw_only=True)
class Dataset(Asset):
    """A dataset that is not a table: files, a Hugging Face dataset, an MLflow dataset input."""

    TYPE = "dataset"
    CLASS = "Dataset"
    COLLECTION = "datasets"

    digest: str | None = lit(V.digest, doc="Content digest.")
    source: str | None = lit(V.datasetSource, json="source", doc="Where the data lives (URI).")
    source_type: str | None = lit(V.sourceType, doc="s3, delta_table, hf, ...")
    revision: str | None = lit(V.revision, doc="Revision (Hugging Face commit, table version).")
    upstream: Sequence[Ref] = ref(V.upstream, "table", "dataset", "container", "column", many=True, doc="Data this dataset is derived from.")
    produced_by: Ref | None = ref(V.producedBy, "pipeline", "trainingRun", doc="Pipeline that writes the dataset.")


@dataclass(frozen=True, kw_only=True)
class Pipeline(Asset):
    """A data pipeline (feature engineering, batch scoring) that reads tables and writes others."""

    TYPE = "pipeline"
    CLASS = "Pipeline"
    COLLECTION = "pipelines"

    owners: Sequence[Ref] = ref(V.operatedBy, "team", "user", many=True,
                            doc="Users or teams that own and run the pipeline (an activity, so PROV association).")
    inputs: Sequence[Ref] = ref(V.readsFrom, "table", "dataset", "container", many=True, doc="Tables the pipeline reads.")
    outputs: Sequence[Ref] = ref(V.producedBy, "table", many=True, reverse=True, doc="Tables the pipeline writes.")
    schedule: str | None = lit(V.schedule, doc="Schedule (cron).")


@dataclass(frozen=True, kw_only=True)
class Dashboard(Asset):
    """A dashboard showing tables or model performance."""

    TYPE = "dashboard"
    CLASS = "Dashboard"
    COLLECTION = "dashboards"

    sources: Sequence[Ref] = ref(V.displays, "table", "dataset", "mlmodel", "modelVersion", "endpoint", many=True, doc="What the dashboard shows.")
    url: str | None = lit(V.dashboardUrl, json="url", datatype="anyURI", doc="Where the dashboard is.")


@dataclass(frozen=True, kw_only=True)
class AlertingSystem(Asset):
    """A system that raises alerts from predictions (fraud alerts, on-call pages)."""

    TYPE = "alertingSystem"
    CLASS = "AlertingSystem"
    COLLECTION = "alertingSystems"

    sources: Sequence[Ref] = ref(V.alertsOn, "table", "dataset", "mlmodel", "modelVersion", "endpoint", many=True, doc="What the alerts are computed from.")
    channel: str | None = lit(V.alertChannel, json="channel", doc="Where alerts go (pager, Slack, ...).")


@dataclass(frozen=True, kw_only=True)
class User(Entity):
    """A person."""

    TYPE = "user"
    CLASS = "User"
    COLLECTION = "users"

    email: str | None = lit(V.email, doc="E-mail address.")
    teams: Sequence[Ref] = ref(V.memberOf, "team", many=True, doc="Teams of the user.")


@dataclass(frozen=True, kw_only=True)
class Team(Entity):
    """A team."""

    TYPE = "team"
    CLASS = "Team"
    COLLECTION = "teams"

    email: str | None = lit(V.email, doc="E-mail address.")


@dataclass(frozen=True, kw_only=True)
class Domain(Entity):
    """A business domain."""

    TYPE = "domain"
    CLASS = "Domain"
    COLLECTION = "domains"


@dataclass(frozen=True, kw_only=True)
class DataProduct(Asset):
    """A data product."""

    TYPE = "dataProduct"
    CLASS = "DataProduct"
    COLLECTION = "dataProducts"


@dataclass(frozen=True, kw_only=True)
class Tag(Entity):
    """A classification tag (PII.Sensitive, Tier.Tier1)."""

    TYPE = "tag"
    CLASS = "Tag"
    COLLECTION = "tags"

    broader: Ref | None = ref(V.broaderTag, "tag", "glossaryTerm", doc="Parent tag or classification.")


@dataclass(frozen=True, kw_only=True)
class GlossaryTerm(Entity):
    """A business glossary term."""

    TYPE = "glossaryTerm"
    CLASS = "GlossaryTerm"
    COLLECTION = "glossaryTerms"

    broader: Ref | None = ref(V.broaderTag, "glossaryTerm", "tag", doc="Parent term.")


@dataclass(frozen=True, kw_only=True)
class Algorithm(Entity):
    """A learning algorithm (XGBoost, Random Forest, LSTM)."""

    TYPE = "algorithm"
    CLASS = "Algorithm"
    COLLECTION = "algorithms"

    family: str | None = lit(V.algorithmFamily, json="family", doc="tree ensemble, linear, neural network, ...")


@dataclass(frozen=True, kw_only=True)
class Container(Asset):
    """A storage container (bucket, folder) used as a data source."""

    TYPE = "container"
    CLASS = "Container"
    COLLECTION = "containers"


ROOT_TYPES: list[type[Entity]] = [
    MLModelService, MLModel, Endpoint, Experiment, TrainingRun, Table, Dataset, Pipeline, Dashboard,
    AlertingSystem, User, Team, Domain, DataProduct, Tag, GlossaryTerm, Algorithm, Container,
]
