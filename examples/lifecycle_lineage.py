"""The seed's lifecycle and lineage diagrams: raw events to features, experiment runs to registered versions,
the production version behind a predictions API, and the dashboard and alerting system reading its predictions.

Seed, "ML Model Lifecycle"::

    Training Data -Train-> Experiment -Best Model-> Registered Model -Deploy-> Production Model
      -Predictions-> Predictions Table;  Version 1.0: customers_features v1;  Model v1 - 88%, Model v2 - 92%

Seed, "ML Model Lineage"::

    Raw Events → Feature Pipeline → Features Table → ML Model Training → Registered Model v1.0, v2.0
    v2.0 → Production Model → Predictions API → Predictions Table → Dashboard, Alerting System

The diagrams name no model, so this one is ``purchase_propensity`` (the churn model's version figures in the
seed's versions table differ: 82/88/92%). Each version is produced by a training run of one experiment; each run
used the snapshot ``customers_features@v1`` of the features table (the seed's spelling, not the churn example's
``customer_features``, which is built from other tables).

Run: ``python examples/lifecycle_lineage.py [-o lifecycle.ttl]``
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone

from mlkg import ids
from mlkg.model import (
    AlertingSystem,
    Column,
    Dashboard,
    Dataset,
    DeploymentStatus,
    DeploymentType,
    Endpoint,
    Entity,
    Evaluation,
    Experiment,
    HyperParameter,
    MLModel,
    MLModelService,
    ModelVersion,
    Pipeline,
    PlatformType,
    Ref,
    Stage,
    Table,
    TrainingRun,
)

from _common import run, table_fqn

SERVICE = "mlflow-prod"
MODEL = "purchase_propensity"
EXPERIMENT = "purchase-propensity-training"

#: version label → (run id, accuracy, max_depth, training day): "Model v1 - 88% accuracy", "Model v2 - 92%".
RUNS: dict[str, tuple[str, float, int, int]] = {
    "1": ("3f9a1c27e5d84b0c", 0.88, 4, 3),
    "2": ("b7d20e4f19a6c358", 0.92, 6, 17),
}


def build() -> list[Entity]:
    """Raw events to predictions, with the experiment, runs, versions, API, dashboard and alerting system."""
    service = MLModelService(name=SERVICE, service_type=PlatformType.MLFLOW)
    raw = Table(name="raw_events", fqn=table_fqn("raw_events"), columns=[
        Column(name="event_id", data_type="VARCHAR"), Column(name="customer_id", data_type="NUMBER"),
        Column(name="event_type", data_type="VARCHAR"), Column(name="event_ts", data_type="TIMESTAMP_NTZ")])
    pipeline = Pipeline(name="feature_pipeline", fqn="airflow.feature_pipeline", display_name="Feature Pipeline",
                        inputs=[raw.ref()])
    features = Table(name="customers_features", fqn=table_fqn("customers_features"), produced_by=pipeline.ref())
    snapshot = Dataset(name="customers_features@v1", upstream=[features.ref()], revision="v1",
                       source="snowflake://analytics/public/customers_features?at=v1", source_type="snowflake")
    experiment = Experiment(name=EXPERIMENT, fqn=ids.fqn_join(SERVICE, EXPERIMENT), service=service.ref())
    runs: list[Entity] = []
    versions: list[ModelVersion] = []
    previous: Ref | None = None
    for label, (run_id, accuracy, depth, day) in RUNS.items():
        started = datetime(2024, 4, day, 8, 0, tzinfo=timezone.utc)
        training_run = TrainingRun(
            name=run_id, fqn=ids.fqn_join(SERVICE, EXPERIMENT, run_id), experiment=experiment.ref(),
            status="FINISHED", started_at=started, ended_at=started.replace(hour=9),
            training_datasets=[snapshot.ref()], params=[HyperParameter(name="max_depth", value=depth)],
            metrics=[Evaluation(name="accuracy", value=accuracy)])
        runs.append(training_run)
        versions.append(ModelVersion(
            name=label, run=training_run.ref(), training_datasets=[features.ref()],
            stage=Stage.PRODUCTION if label == "2" else Stage.ARCHIVED,
            metrics=[Evaluation(name="accuracy", value=accuracy)],
            previous_version=previous))
        previous = Ref(type="modelVersion", fqn=ids.fqn_join(SERVICE, MODEL, label))
    predictions = Table(name="propensity_scores", fqn=table_fqn("propensity_scores"), columns=[
        Column(name="customer_id", data_type="NUMBER"), Column(name="propensity", data_type="FLOAT")])
    api = Endpoint(name="purchase-propensity-api", display_name="Predictions API", service=service.ref(),
                   deployment_type=DeploymentType.REALTIME, status=DeploymentStatus.IN_SERVICE,
                   url="https://ml.example.com/purchase-propensity/invocations",
                   model_version=Ref(type="modelVersion", fqn=ids.fqn_join(SERVICE, MODEL, "2")),
                   predictions=[predictions.ref()])
    model = MLModel(name=MODEL, service=service.ref(), service_type=PlatformType.MLFLOW, algorithm="XGBoost",
                    versions=versions, deployments=[api])
    dashboard = Dashboard(name="propensity_overview", fqn="looker.propensity_overview", sources=[predictions.ref()])
    alerts = AlertingSystem(name="propensity_alerts", sources=[predictions.ref()], channel="slack:#growth-alerts")
    return [service, raw, pipeline, features, snapshot, experiment, *runs, model, predictions, dashboard, alerts]


def main(argv: list[str] | None = None) -> int:
    """Print the example as Turtle, or write it with ``-o PATH``."""
    return run(build, __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
