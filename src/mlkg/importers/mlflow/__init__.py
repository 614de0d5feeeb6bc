"""MLflow importer (tracking + model registry, MLflow 3); the same code reads Databricks.

What becomes what:

========================================  ====================================================================
MLflow                                    mlkg
========================================  ====================================================================
the tracking server                       :class:`MLModelService` (``service_type`` Mlflow, or Databricks)
experiment (name, tags, artifact loc.)    :class:`Experiment`
run (params, metrics, tags, user, code)   :class:`TrainingRun` with :class:`HyperParameter` (typed from the
                                          text MLflow stores) and :class:`Evaluation` (value, step, time,
                                          dataset); ``mlflow.source.git.commit`` → ``code_commit``,
                                          ``mlflow.source.name`` → ``code_path``, ``mlflow.user`` → ``user``
dataset input (name, digest, source)      :class:`Dataset`; context ``training`` → the run's training
                                          datasets, anything else (evaluation, validation, test) → its
                                          evaluation datasets
registered model                          :class:`MLModel` (description, tags, features, latest algorithm)
every model version                       :class:`ModelVersion`: stage, aliases, tags, description, source,
                                          status, run, created_at, created_by, previous version, metrics
                                          of its LoggedModel (with dataset), params, store
MLmodel signature (named columns)         :class:`Feature` with position and numerical/categorical type
========================================  ====================================================================

Databricks: ``tracking_uri="databricks"`` and ``registry_uri="databricks-uc"`` (Unity Catalog) or
``"databricks"`` (workspace registry); credentials come from ``DATABRICKS_HOST``/``DATABRICKS_TOKEN`` or a
Databricks config profile, as the MLflow client reads them. Unity Catalog has aliases and no stages.

Listings go through :func:`mlkg.importers.base.paginate`. A server that cannot be reached, a store that is not an
MLflow store, or a missing ``mlflow`` package raise :class:`SourceUnavailable`; a problem with one item (a run
that was deleted, an unreadable MLmodel file) is a warning in the report and the rest is imported.

The package: :mod:`.config` (the options), :mod:`.client` (store check, client, paged searches),
:mod:`.mapping` (MLflow values to mlkg values, pure functions) and :mod:`.importer` (the importer, built on the
shared :mod:`mlkg.importers.mappers`).
"""

from .client import check_sqlite_store, make_client, mlflow_pages
from .config import MlflowConfig
from .importer import MlflowImporter
from .mapping import feature_type, parse_signature, tag_labels

__all__ = ["MlflowConfig", "MlflowImporter", "check_sqlite_store", "feature_type", "make_client", "mlflow_pages",
           "parse_signature", "tag_labels"]
