"""Product recommendations on SageMaker, served by a real-time endpoint.

Seed, "Pattern 2: SageMaker Recommendation Engine"::

    SageMaker Service → product_recommendation Model → Algorithm: Collaborative Filtering
                                                      → Features: [user_id, product_views, purchases]
                                                      → Training Data: user_product_interactions
                                                      → Deployment: Real-time endpoint

"Recommendation model served via API."

Run: ``python examples/sagemaker_recommendation.py [-o recommendation.ttl]``
"""

from __future__ import annotations

import sys
from mlkg import ids
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
    ModelStore,
    ModelVersion,
    PlatformType,
    Ref,
    SourceDataType,
    Stage,
    Table,
)

from _common import run, table_fqn

SERVICE = "sagemaker-models"
MODEL = "product_recommendation"
TRAINING = Ref(type="table", fqn=table_fqn("user_product_interactions"))

#: feature name → (feature type, source column type). user_id is an identifier, so categorical.
FEATURES: dict[str, tuple[FeatureType, SourceDataType]] = {
    "user_id": (FeatureType.CATEGORICAL, SourceDataType.STRING),
    "product_views": (FeatureType.NUMERICAL, SourceDataType.INTEGER),
    "purchases": (FeatureType.NUMERICAL, SourceDataType.INTEGER),
}


def build() -> list[Entity]:
    """The SageMaker service, the model and its version, the interactions table and the real-time endpoint."""
    service = MLModelService(name=SERVICE, service_type=PlatformType.SAGEMAKER,
                             description="AWS SageMaker model registry")
    interactions = Table(name="user_product_interactions", fqn=TRAINING.fqn, columns=[
        Column(name="user_id", data_type="VARCHAR"), Column(name="product_id", data_type="VARCHAR"),
        Column(name="product_views", data_type="NUMBER"), Column(name="purchases", data_type="NUMBER")])
    features = [Feature(name=name, data_type=ftype, feature_sources=[
        FeatureSource(name=name, data_type=stype, data_source=TRAINING)]) for name, (ftype, stype) in FEATURES.items()]
    endpoint = Endpoint(
        name="product-recommendation-endpoint", service=service.ref(), environment="production",
        deployment_type=DeploymentType.REALTIME, status=DeploymentStatus.IN_SERVICE,
        url="https://runtime.sagemaker.us-east-1.amazonaws.com/endpoints/product-recommendation-endpoint/invocations",
        instance_type="ml.m5.large",
        model_version=Ref(type="modelVersion", fqn=ids.fqn_join(SERVICE, MODEL, "1")),
    )
    model = MLModel(
        name=MODEL, service=service.ref(), service_type=PlatformType.SAGEMAKER, algorithm="Collaborative Filtering",
        description="Recommendation model served via API.", ml_features=features,
        training_datasets=[TRAINING],
        ml_store=ModelStore(storage="s3://ml-models/product_recommendation/1/model.tar.gz",
                            image_repository="123456789012.dkr.ecr.us-east-1.amazonaws.com/recommender"),
        versions=[ModelVersion(name="1", stage=Stage.PRODUCTION, algorithm="Collaborative Filtering",
                               training_datasets=[TRAINING],
                               features=[Ref(type="mlFeature", fqn=ids.fqn_join(SERVICE, MODEL, name))
                                         for name in FEATURES])],
        deployments=[endpoint],
    )
    return [service, interactions, model]


def main(argv: list[str] | None = None) -> int:
    """Print the example as Turtle, or write it with ``-o PATH``."""
    return run(build, __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
