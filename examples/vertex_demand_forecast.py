"""Demand forecasting on Vertex AI, scored in batch into a predictions table.

Seed, "Pattern 3: Vertex AI Demand Forecasting"::

    Vertex AI Service → demand_forecasting Model → Algorithm: LSTM Neural Network
                                                  → Features: [historical_sales, seasonality, promotions]
                                                  → Training Data: sales_history table
                                                  → Predictions: future_demand table

"Time series forecasting model for inventory planning." The predictions are written by a batch prediction job,
recorded as a batch deployment (an :class:`~mlkg.model.Endpoint` with ``deployment_type=batch``).

Run: ``python examples/vertex_demand_forecast.py [-o forecast.ttl]``
"""

from __future__ import annotations

import sys

from mlkg.model import (
    Column,
    DeploymentStatus,
    DeploymentType,
    Endpoint,
    Entity,
    Feature,
    FeatureSource,
    FeatureType,
    MLModel,
    MLModelService,
    PlatformType,
    Ref,
    SourceDataType,
    Table,
)

from _common import run

SERVICE = "vertex-ai"
MODEL = "demand_forecasting"
BIGQUERY = "bigquery.retail-analytics.sales"  # Vertex AI reads BigQuery: service.project.dataset.table
SALES = Ref(type="table", fqn=f"{BIGQUERY}.sales_history")

#: feature → (feature type, source column of sales_history, column type).
FEATURES: dict[str, tuple[FeatureType, str, SourceDataType]] = {
    "historical_sales": (FeatureType.NUMERICAL, "units_sold", SourceDataType.INTEGER),
    "seasonality": (FeatureType.CATEGORICAL, "sale_date", SourceDataType.DATE),
    "promotions": (FeatureType.CATEGORICAL, "promotion_active", SourceDataType.BOOLEAN),
}


def build() -> list[Entity]:
    """The Vertex AI service, the LSTM model, sales history, the forecast table and the batch job writing it."""
    service = MLModelService(name=SERVICE, service_type=PlatformType.VERTEX_AI, description="Google Cloud Vertex AI")
    sales = Table(name="sales_history", fqn=SALES.fqn, columns=[
        Column(name="store_id", data_type="VARCHAR"), Column(name="product_id", data_type="VARCHAR"),
        Column(name="sale_date", data_type="DATE"), Column(name="units_sold", data_type="NUMBER"),
        Column(name="promotion_active", data_type="BOOLEAN")])
    forecast = Table(name="future_demand", fqn=f"{BIGQUERY}.future_demand", columns=[
        Column(name="store_id", data_type="VARCHAR"), Column(name="product_id", data_type="VARCHAR"),
        Column(name="forecast_date", data_type="DATE"), Column(name="predicted_units", data_type="FLOAT")])
    batch = Endpoint(name="demand-forecast-weekly-batch", service=service.ref(), environment="production",
                     deployment_type=DeploymentType.BATCH, status=DeploymentStatus.IN_SERVICE,
                     predictions=[forecast.ref()])
    model = MLModel(
        name=MODEL, service=service.ref(), service_type=PlatformType.VERTEX_AI, algorithm="LSTM Neural Network",
        description="Time series forecasting model for inventory planning.", target="units_sold",
        ml_features=[Feature(name=name, data_type=ftype,
                             feature_sources=[FeatureSource(name=col, data_type=ctype, data_source=SALES)])
                     for name, (ftype, col, ctype) in FEATURES.items()],
        training_datasets=[SALES],
        deployments=[batch],
    )
    return [service, sales, forecast, model]


def main(argv: list[str] | None = None) -> int:
    """Print the example as Turtle, or write it with ``-o PATH``."""
    return run(build, __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
