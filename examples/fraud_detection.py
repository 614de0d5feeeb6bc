"""The seed's real-world fraud detection flow, from Snowflake tables to the fraud alert system.

Seed, "Real-World Example" (its Mermaid diagram, redrawn)::

    Snowflake transactions ─┐
                            ├─> Feature Pipeline ─> fraud_features Table ─Train─> MLflow fraud_detection Model
    Snowflake customers ────┘                                                     │ Algorithm: Random Forest
                                                                                  │ Metrics: AUC 0.93, Precision 0.85
                                                                                  │ Owner: Data Science Team
                                          SageMaker Production Endpoint <─Deploy──┘
                                            └─Predictions─> fraud_scores Table ─Alert─> Fraud Alert System

Flow: features from transactions and customers; trained on fraud_features; registered in MLflow with metrics;
deployed to a SageMaker endpoint; real-time predictions written to fraud_scores; alerts for high fraud scores.

Run: ``python examples/fraud_detection.py [-o fraud.ttl]``
"""

from __future__ import annotations

import sys
from datetime import date

from mlkg import ids
from mlkg.model import (
    AlertingSystem,
    Column,
    DeploymentStatus,
    DeploymentType,
    Endpoint,
    Entity,
    Evaluation,
    Feature,
    FeatureSource,
    FeatureType,
    MLModel,
    MLModelService,
    ModelVersion,
    PlatformType,
    Pipeline,
    Ref,
    SourceDataType,
    Stage,
    Table,
    Team,
)

from _common import run, table_fqn

MLFLOW = "mlflow-prod"
SAGEMAKER = "sagemaker-models"
MODEL = "fraud_detection"
PRODUCTION_VERSION = "2"


def _table(name: str, columns: dict[str, str], produced_by: Ref | None = None) -> Table:
    return Table(name=name, fqn=table_fqn(name), produced_by=produced_by,
                 columns=[Column(name=c, data_type=t) for c, t in columns.items()])


def build() -> list[Entity]:
    """Tables, feature pipeline, both services, the model with two versions, the endpoint and the alert system."""
    team = Team(name="data-science", display_name="Data Science Team")
    mlflow = MLModelService(name=MLFLOW, service_type=PlatformType.MLFLOW, owners=[team.ref()])
    sagemaker = MLModelService(name=SAGEMAKER, service_type=PlatformType.SAGEMAKER, owners=[team.ref()])
    transactions = _table("transactions", {"transaction_id": "VARCHAR", "customer_id": "NUMBER",
                                           "amount": "NUMBER(12,2)", "merchant_category": "VARCHAR",
                                           "transaction_ts": "TIMESTAMP_NTZ"})
    customers = _table("customers", {"customer_id": "NUMBER", "account_age_days": "NUMBER", "country": "VARCHAR"})
    pipeline = Pipeline(name="fraud_feature_pipeline", fqn="airflow.fraud_feature_pipeline",
                        display_name="Feature Pipeline", inputs=[transactions.ref(), customers.ref()],
                        schedule="*/15 * * * *")
    features_table = _table("fraud_features", {"transaction_id": "VARCHAR", "amount_zscore": "FLOAT",
                                               "txn_count_24h": "NUMBER", "account_age_days": "NUMBER",
                                               "merchant_category": "VARCHAR"},
                            produced_by=pipeline.ref())
    scores = _table("fraud_scores", {"transaction_id": "VARCHAR", "fraud_score": "FLOAT",
                                     "scored_at": "TIMESTAMP_NTZ"})
    endpoint = Endpoint(
        name="fraud-detection-prod", display_name="SageMaker Production Endpoint", service=sagemaker.ref(),
        environment="production", deployment_type=DeploymentType.REALTIME, status=DeploymentStatus.IN_SERVICE,
        url="https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/fraud-detection-prod/invocations",
        model_version=Ref(type="modelVersion", fqn=ids.fqn_join(MLFLOW, MODEL, PRODUCTION_VERSION)),
        predictions=[scores.ref()], owners=[team.ref()],
    )
    features = [
        Feature(name=name, data_type=ftype, feature_sources=[
            FeatureSource(name=name, data_type=stype, data_source=features_table.ref())])
        for name, ftype, stype in [
            ("amount_zscore", FeatureType.NUMERICAL, SourceDataType.NUMBER),
            ("txn_count_24h", FeatureType.NUMERICAL, SourceDataType.INTEGER),
            ("account_age_days", FeatureType.NUMERICAL, SourceDataType.INTEGER),
            ("merchant_category", FeatureType.CATEGORICAL, SourceDataType.STRING),
        ]]
    metrics = [Evaluation(name="AUC", value=0.93), Evaluation(name="precision", value=0.85)]
    model = MLModel(
        name=MODEL, service=mlflow.ref(), service_type=PlatformType.MLFLOW, algorithm="Random Forest",
        description="Identifies fraudulent transactions.", target="is_fraud",
        ml_features=features, metrics=metrics, training_datasets=[features_table.ref()], owners=[team.ref()],
        versions=[
            ModelVersion(name="1", algorithm="Random Forest", stage=Stage.ARCHIVED, release_date=date(2024, 2, 1),
                         training_datasets=[features_table.ref()]),
            ModelVersion(name=PRODUCTION_VERSION, algorithm="Random Forest", stage=Stage.PRODUCTION,
                         release_date=date(2024, 5, 6), training_datasets=[features_table.ref()], metrics=metrics,
                         previous_version=Ref(type="modelVersion", fqn=ids.fqn_join(MLFLOW, MODEL, "1"))),
        ],
        deployments=[endpoint],
    )
    alerts = AlertingSystem(name="fraud_alert_system", display_name="Fraud Alert System", sources=[scores.ref()],
                            channel="pagerduty:fraud-operations",
                            description="Raises an alert for every transaction scored above 0.9.")
    return [team, mlflow, sagemaker, transactions, customers, pipeline, features_table, model, scores, alerts]


def main(argv: list[str] | None = None) -> int:
    """Print the example as Turtle, or write it with ``-o PATH``."""
    return run(build, __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
