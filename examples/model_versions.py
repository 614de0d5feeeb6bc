"""Three versions of the churn model, each with its own algorithm, training data, accuracy and release date.

Seed, "Model Versions"::

    | Version | Algorithm           | Training Data     | Accuracy | Deployed | Date       |
    | v1.0    | Logistic Regression | customers_2024_01 | 82%      | No       | 2024-01-15 |
    | v2.0    | Random Forest       | customers_2024_03 | 88%      | No       | 2024-03-10 |
    | v3.0    | XGBoost             | customers_2024_06 | 92%      | Yes      | 2024-06-20 |

"Each version has its own metrics, training data, and deployment status." The accuracies are measured on one
held-out test split, so they compare; each version links to the one before it (``previous_version``), and the
deployed one is in the Production stage and served by an endpoint.

Run: ``python examples/model_versions.py [-o versions.ttl]``
"""

from __future__ import annotations

import sys
from datetime import date

from mlkg import ids
from mlkg.model import (
    Algorithm,
    Dataset,
    DeploymentStatus,
    DeploymentType,
    Endpoint,
    Entity,
    Evaluation,
    MLModel,
    MLModelService,
    ModelVersion,
    PlatformType,
    Ref,
    Split,
    Stage,
    Table,
)

from _common import run, table_fqn

SERVICE = "mlflow-prod"
MODEL = "customer_churn_predictor"
TEST_SPLIT = "churn_test_split"

#: (label, algorithm, family, training table, accuracy, deployed, release date): the seed's table.
VERSIONS: list[tuple[str, str, str, str, float, bool, date]] = [
    ("v1.0", "Logistic Regression", "linear", "customers_2024_01", 0.82, False, date(2024, 1, 15)),
    ("v2.0", "Random Forest", "tree ensemble", "customers_2024_03", 0.88, False, date(2024, 3, 10)),
    ("v3.0", "XGBoost", "gradient boosted trees", "customers_2024_06", 0.92, True, date(2024, 6, 20)),
]


def version_fqn(label: str) -> str:
    """FQN of a version of the model (labels with dots are quoted: ``...predictor."v1.0"``)."""
    return ids.fqn_join(SERVICE, MODEL, label)


def build() -> list[Entity]:
    """The service, the model with three versions, their algorithms and data, and the production endpoint."""
    service = MLModelService(name=SERVICE, service_type=PlatformType.MLFLOW)
    test_split = Dataset(name=TEST_SPLIT, source="snowflake://analytics/public/churn_test_split",
                         description="Fixed held-out test split every version is scored on.")
    entities: list[Entity] = [service, test_split]
    versions: list[ModelVersion] = []
    previous: Ref | None = None
    for label, algo, family, table, accuracy, deployed, released in VERSIONS:
        algorithm = Algorithm(name=algo, family=family)
        training = Table(name=table, fqn=table_fqn(table), version=table.removeprefix("customers_"))
        entities += [algorithm, training]
        versions.append(ModelVersion(
            name=label, algorithm=algo, algorithm_ref=algorithm.ref(), training_datasets=[training.ref()],
            # Not deployed in the seed means superseded here: MLflow's Archived stage.
            stage=Stage.PRODUCTION if deployed else Stage.ARCHIVED,
            release_date=released, previous_version=previous,
            metrics=[Evaluation(name="accuracy", value=accuracy, dataset=test_split.ref(), split=Split.TEST)],
        ))
        previous = Ref(type="modelVersion", fqn=version_fqn(label))
    deployed_label = next(v[0] for v in VERSIONS if v[5])
    endpoint = Endpoint(
        name="churn-predictor-prod", service=service.ref(), environment="production",
        deployment_type=DeploymentType.REALTIME, status=DeploymentStatus.IN_SERVICE,
        url="https://mlflow-serving.example.com/churn-predictor-prod/invocations",
        model_version=Ref(type="modelVersion", fqn=version_fqn(deployed_label)),
    )
    model = MLModel(name=MODEL, service=service.ref(), service_type=PlatformType.MLFLOW, algorithm="XGBoost",
                    versions=versions, deployments=[endpoint])
    return entities + [model]


def main(argv: list[str] | None = None) -> int:
    """Print the example as Turtle, or write it with ``-o PATH``."""
    return run(build, __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
