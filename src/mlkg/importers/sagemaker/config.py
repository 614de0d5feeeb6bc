"""What the SageMaker importer reads and how it reaches the service."""

from __future__ import annotations

from dataclasses import dataclass

from ..base import ImporterConfig, option


@dataclass(frozen=True)
class SageMakerConfig(ImporterConfig):
    """Where to read from and what to import. Credentials come from the standard AWS chain (environment,
    ``~/.aws/credentials``, a profile, an instance role); none are ever part of the config or the graph."""

    region: str = option("", "AWS region, e.g. eu-west-1 (default: AWS_REGION / AWS_DEFAULT_REGION / the profile).")
    profile: str = option("", "Named profile of ~/.aws/config to take credentials and region from.")
    endpoint_url: str = option("", "SageMaker API endpoint to call instead of AWS's (a VPC endpoint, moto_server); "
                                   "default: AWS_ENDPOINT_URL_SAGEMAKER / AWS_ENDPOINT_URL.")
    service_name: str = option("sagemaker", "Name of the MLModelService entity the models belong to.")
    model_package_groups: tuple[str, ...] = option((), "Model package groups to import (default: all).")
    training_jobs: bool = option(True, "Import the training jobs that produced the packages and models.")
    all_training_jobs: bool = option(False, "Import every training job of the account, not only those a model "
                                            "package or model refers to.")
    endpoints: bool = option(True, "Import endpoints (real-time deployments) and their production variants.")
    transform_jobs: bool = option(True, "Import batch transform jobs (batch deployments and their predictions).")
    model_cards: bool = option(True, "Import SageMaker model cards.")
    tags: bool = option(True, "Read the tags of every resource (one list_tags call each); owner and team tags "
                              "become owners.")
    version_tags: bool = option(False, "Also read the tags of every model package (one call per version; groups "
                                       "usually carry the tags).")
    metric_reports: bool = option(True, "Read the model-quality JSON reports that a package's ModelMetrics "
                                        "names in S3 (with the same credentials) for its metric values.")
    page_size: int = option(100, "MaxResults of each list call.", minimum=1, maximum=100)
    max_attempts: int = option(5, "Attempts per API call; throttled or failed calls are retried with "
                                  "exponential back-off (botocore's standard retry mode).", minimum=1, maximum=20)
    timeout: int = option(30, "Connect and read timeout of one API call, in seconds.", minimum=1)
