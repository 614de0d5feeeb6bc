"""Write the Vertex AI fixtures with the SDK's own types (google-cloud-aiplatform ``aiplatform_v1``).

Each resource is built as an ``aiplatform_v1`` proto-plus object and written with ``type(obj).to_json(obj)``:
the camelCase REST JSON that the Vertex API and ``gcloud ai ... --format=json`` return. List files are the REST
list responses (``{"models": [...]}``). Run from the repository root:

    python tests/importers/vertexai/make_fixtures.py      # rewrites tests/importers/vertexai/rest/*.json

Fields at their default are left out and enums are written by name, as the REST API returns them.
"""

from __future__ import annotations

import json
from pathlib import Path

from google.cloud import aiplatform_v1 as v
from google.protobuf import struct_pb2

OUT = Path(__file__).resolve().parent / "rest"
P = "projects/123456/locations/europe-west4"
MODEL = f"{P}/models/7001"
IMAGE = "europe-docker.pkg.dev/vertex-ai/prediction/sklearn-cpu.1-3:latest"


def struct(d: dict) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(d)
    return s


def version(ver: str, aliases: list[str], created: str, c: float, pipeline: str) -> v.Model:
    m = v.Model(
        name=MODEL, version_id=ver, version_aliases=aliases, display_name="churn-classifier",
        description="Predicts customer churn from 90 days of activity", version_description=f"C={c}",
        labels={"team": "growth-ml", "owner": "dana", "framework": "sklearn"},
        artifact_uri=f"gs://acme-ml/models/churn/{ver}/",
        container_spec=v.ModelContainerSpec(image_uri=IMAGE),
        training_pipeline=f"{P}/trainingPipelines/{pipeline}",
        explanation_spec=v.ExplanationSpec(metadata=v.ExplanationMetadata(
            inputs={"tenure_months": v.ExplanationMetadata.InputMetadata(input_tensor_name="tenure_months"),
                    "monthly_spend": v.ExplanationMetadata.InputMetadata(input_tensor_name="monthly_spend"),
                    "support_tickets": v.ExplanationMetadata.InputMetadata(input_tensor_name="support_tickets")},
            outputs={"churned": v.ExplanationMetadata.OutputMetadata(output_tensor_name="churned")})),
        model_source_info=v.ModelSourceInfo(source_type=v.ModelSourceInfo.ModelSourceType.CUSTOM),
    )
    m.create_time = "2026-09-01T08:00:00Z"
    m.version_create_time = created
    return m


def main() -> None:
    OUT.mkdir(exist_ok=True)
    v1 = version("1", ["challenger"], "2026-09-01T08:00:00Z", 0.5, "8001")
    v2 = version("2", ["default", "champion"], "2026-10-15T08:00:00Z", 1.0, "8002")
    v2.deployed_models = [v.DeployedModelRef(endpoint=f"{P}/endpoints/9001", deployed_model_id="111")]
    evals = []
    for ver, auc, loss in (("1", 0.861, 0.41), ("2", 0.903, 0.33)):
        evals.append(v.ModelEvaluation(
            name=f"{MODEL}@{ver}/evaluations/{ver}00", display_name=f"eval-v{ver}",
            metrics_schema_uri="gs://google-cloud-aiplatform/schema/modelevaluation/classification_metrics_1.0.0.yaml",
            metrics=struct({"auRoc": auc, "logLoss": loss,
                            "confidenceMetrics": [{"confidenceThreshold": 0.5, "f1Score": auc - 0.1}]}),
            slice_dimensions=["country"]))
        evals[-1].create_time = "2026-10-16T00:00:00Z"
    slice_ = v.ModelEvaluationSlice(
        name=f"{MODEL}@2/evaluations/200/slices/1",
        slice_=v.ModelEvaluationSlice.Slice(dimension="country", value="DE"),
        metrics_schema_uri="gs://google-cloud-aiplatform/schema/modelevaluation/classification_metrics_1.0.0.yaml",
        metrics=struct({"auRoc": 0.871}))
    endpoint = v.Endpoint(
        name=f"{P}/endpoints/9001", display_name="churn-prod", labels={"env": "prod"},
        traffic_split={"111": 90, "112": 10},
        deployed_models=[
            v.DeployedModel(id="111", model=MODEL, model_version_id="2", display_name="churn-v2",
                            dedicated_resources=v.DedicatedResources(
                                machine_spec=v.MachineSpec(machine_type="n1-standard-4"), min_replica_count=2)),
            v.DeployedModel(id="112", model=MODEL, model_version_id="1", display_name="churn-v1",
                            dedicated_resources=v.DedicatedResources(
                                machine_spec=v.MachineSpec(machine_type="n1-standard-2"), min_replica_count=1))])
    endpoint.create_time = "2026-10-20T10:00:00Z"
    # when each model was deployed (DeployedModel.createTime): version 1 with the endpoint, version 2 two days later
    endpoint.deployed_models[0].create_time = "2026-10-22T09:00:00Z"
    endpoint.deployed_models[1].create_time = "2026-10-20T10:00:00Z"
    pipelines = []
    for pid, ver, c in (("8001", "1", 0.5), ("8002", "2", 1.0)):
        out = f"gs://acme-ml/pipelines/{pid}/"
        tp = v.TrainingPipeline(
            name=f"{P}/trainingPipelines/{pid}", display_name=f"churn-train-{ver}", model_id="7001",
            input_data_config=v.InputDataConfig(
                dataset_id="5001", fraction_split=v.FractionSplit(training_fraction=0.8, validation_fraction=0.1,
                                                                  test_fraction=0.1),
                gcs_destination=v.GcsDestination(output_uri_prefix=f"gs://acme-ml/splits/{pid}/")),
            training_task_definition="gs://google-cloud-aiplatform/schema/trainingjob/definition/"
                                     "custom_task_1.0.0.yaml",
            training_task_inputs=struct({
                "workerPoolSpecs": [{"machineSpec": {"machineType": "n1-standard-8"}, "replicaCount": "1",
                                     "containerSpec": {"imageUri": IMAGE, "args": [
                                         "--holdout-data=bq://acme-analytics.churn.holdout_2026",
                                         "--class-weight", "balanced"]}}],
                "baseOutputDirectory": {"outputUriPrefix": out},
                "hyperparameters": {"C": c, "max_iter": 300}}),
            model_to_upload=v.Model(name=MODEL, version_id=ver, display_name="churn-classifier"),
            state=v.PipelineState.PIPELINE_STATE_SUCCEEDED, labels={"owner": "dana"})
        if ver == "2":
            tp.parent_model = MODEL  # a new version of the model pipeline 8001 created
            # the custom job Vertex ran for this pipeline (trainingTaskMetadata is a Struct)
            tp.training_task_metadata = struct_pb2.Value(struct_value=struct({"backingCustomJob":
                                                                              f"{P}/customJobs/6002"}))
        tp.start_time = f"2026-{8 + int(ver):02d}-01T07:00:00Z"
        tp.end_time = f"2026-{8 + int(ver):02d}-01T07:40:00Z"
        pipelines.append(tp)
    # custom jobs: the one behind pipeline 8002, and one run on its own (aiplatform.CustomPythonPackageTrainingJob
    # style worker pool) whose model directory (AIP_MODEL_DIR = baseOutputDirectory/model/) holds churn-xgb 1
    backing = v.CustomJob(
        name=f"{P}/customJobs/6002", display_name="churn-train-2-custom-job", state=v.JobState.JOB_STATE_SUCCEEDED,
        job_spec=v.CustomJobSpec(
            worker_pool_specs=[v.WorkerPoolSpec(machine_spec=v.MachineSpec(machine_type="n1-standard-8"),
                                                replica_count=1, container_spec=v.ContainerSpec(image_uri=IMAGE))],
            base_output_directory=v.GcsDestination(output_uri_prefix="gs://acme-ml/pipelines/8002/")),
        labels={"owner": "dana"})
    xgb_job = v.CustomJob(
        name=f"{P}/customJobs/6101", display_name="churn-xgb-train", state=v.JobState.JOB_STATE_SUCCEEDED,
        job_spec=v.CustomJobSpec(
            worker_pool_specs=[v.WorkerPoolSpec(
                machine_spec=v.MachineSpec(machine_type="n1-highmem-16"), replica_count=1,
                python_package_spec=v.PythonPackageSpec(
                    executor_image_uri="europe-docker.pkg.dev/vertex-ai/training/xgboost-cpu.2-1:latest",
                    package_uris=["gs://acme-ml/packages/churn_trainer-0.4.0.tar.gz"], python_module="trainer.task",
                    args=["--training_data=bq://acme-analytics.churn.features_2026q4",
                          "--validation_data=gs://acme-ml/data/churn/validation.csv",
                          "--learning_rate=0.05", "--max_depth", "6", "--early_stopping=true"]))],
            base_output_directory=v.GcsDestination(output_uri_prefix="gs://acme-ml/jobs/6101")),
        labels={"owner": "dana", "team": "growth-ml"})
    xgb_job.start_time = "2026-11-02T06:00:00Z"
    xgb_job.end_time = "2026-11-02T06:55:00Z"
    xgb = v.Model(name=f"{P}/models/7002", version_id="1", version_aliases=["default"], display_name="churn-xgb",
                  description="Gradient-boosted churn model", labels={"team": "growth-ml"},
                  artifact_uri="gs://acme-ml/jobs/6101/model",
                  container_spec=v.ModelContainerSpec(
                      image_uri="europe-docker.pkg.dev/vertex-ai/prediction/xgboost-cpu.2-1:latest"))
    xgb.create_time = xgb.version_create_time = "2026-11-02T07:10:00Z"
    store = f"{P}/metadataStores/default"
    experiment = v.Context(name=f"{store}/contexts/churn-exp", display_name="churn-exp",
                           schema_title="system.Experiment", description="Churn experiments")
    run = v.Context(name=f"{store}/contexts/churn-exp-run-7", display_name="run-7",
                    schema_title="system.ExperimentRun", parent_contexts=[experiment.name])
    run.metadata = {"_params": {"C": 1.0, "penalty": "l2"}, "_metrics": {"accuracy": 0.912, "auc": 0.903},
                    "_state": "COMPLETE"}
    run.create_time = "2026-10-14T09:00:00Z"
    files = {
        "models.json": v.ListModelVersionsResponse(models=[v1, v2, xgb]),
        "evaluations.json": v.ListModelEvaluationsResponse(model_evaluations=evals),
        "evaluation_slices.json": v.ListModelEvaluationSlicesResponse(model_evaluation_slices=[slice_]),
        "endpoint.json": endpoint,
        "training_pipelines.json": v.ListTrainingPipelinesResponse(training_pipelines=pipelines),
        "custom_jobs.json": v.ListCustomJobsResponse(custom_jobs=[backing, xgb_job]),
        "contexts.json": v.ListContextsResponse(contexts=[experiment, run]),
    }
    for name, obj in files.items():
        text = type(obj).to_json(obj, always_print_fields_with_no_presence=False, use_integers_for_enums=False)
        (OUT / name).write_text(json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(files)} files to {OUT}")


if __name__ == "__main__":
    main()
