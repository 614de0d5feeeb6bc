"""What the Vertex AI importer reads: REST JSON files, or a live project through the GAPIC clients."""

from __future__ import annotations

from dataclasses import dataclass

from ..base import ImporterConfig, option


@dataclass(frozen=True)
class VertexAIConfig(ImporterConfig):
    """Offline: JSON files or directories of Vertex AI REST resources (what ``gcloud ai ... --format=json`` and
    the REST API return: single resources or list responses). Live: ``project`` and ``location``, with
    credentials from Application Default Credentials."""

    paths: tuple[str, ...] = option((), "JSON files or directories of Vertex AI REST resources to read offline.")
    project: str = option("", "Google Cloud project to read live (instead of files).")
    location: str = option("us-central1", "Region of the project's Vertex AI resources.")
    api_endpoint: str = option("", "API endpoint to call instead of LOCATION-aiplatform.googleapis.com "
                                   "(a private endpoint or a loopback test server).")
    anonymous: bool = option(False, "Call without credentials (only for an emulator or a loopback server).")
    service_name: str = option("vertexai", "Name of the MLModelService entity the models belong to.")
    evaluations: bool = option(True, "Read model evaluations and their slices.")
    endpoints: bool = option(True, "Read endpoints and their deployed models.")
    training: bool = option(True, "Read training pipelines and custom jobs.")
    experiments: bool = option(True, "Read experiments and experiment runs from Vertex ML Metadata.")
    metadata_store: str = option("default", "Vertex ML Metadata store holding the experiments.")
    page_size: int = option(100, "Page size of list calls.", minimum=1, maximum=1000)
    timeout: int = option(60, "Timeout of one API call, in seconds.", minimum=1)
    max_attempts: int = option(5, "Attempts per API call when it is throttled or unavailable (exponential "
                                  "back-off).", minimum=1, maximum=20)
