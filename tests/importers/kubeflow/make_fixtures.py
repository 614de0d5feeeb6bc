"""Write the Kubeflow fixtures with the platforms' own SDKs (run by hand; the output is checked in).

1. ``mlmd.sqlite``: an ML Metadata store written by ``ml-metadata`` (its embedded SQLite store), shaped like
   what the KFP v2 launcher records on a cluster: a ``system.Pipeline`` context and two ``system.PipelineRun``
   contexts (parent: the pipeline), ``system.ContainerExecution`` executions with the KFP custom properties
   (``display_name``, ``task_name``, ``image``, ``inputs`` as a Struct), artifacts of types ``system.Dataset``,
   ``system.Model``, ``system.Metrics`` and ``system.ClassificationMetrics`` with their metadata as custom
   properties, INPUT/OUTPUT events with their path (the artifact's input/output name), attributions and
   associations, and each run's root ``system.DAGExecution`` with the pipeline parameters. The second run's
   make-data step is CACHED: it re-publishes the first run's dataset, so one
   dataset trains two models. Plus a TFX-style ``Trainer`` execution type with declared properties.
2. ``kfp/pipeline.yaml`` and ``kfp/local_outputs/``: ``kfp`` compiles a two-step pipeline and runs it with
   ``kfp.local`` (SubprocessRunner, no cluster).
3. ``model_registry.json``: what the Model Registry client wrote through the REST API (see :func:`registry`).

    /work/venvs/mlmd/bin/python make_fixtures.py mlmd    # pip install ml-metadata==1.17.1
    /work/venvs/kfp/bin/python make_fixtures.py kfp      # pip install kfp==2.17.3
    /work/venvs/mr/bin/python make_fixtures.py registry  # pip install model-registry==0.3.18
"""

# no "from __future__ import annotations": kfp reads the component annotations at run time

import os
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).parent / "data"


def mlmd() -> None:
    from google.protobuf import struct_pb2
    from ml_metadata import __version__
    from ml_metadata.metadata_store import metadata_store
    from ml_metadata.proto import metadata_store_pb2 as pb

    path = HERE / "mlmd.sqlite"
    path.unlink(missing_ok=True)
    cfg = pb.ConnectionConfig()
    cfg.sqlite.filename_uri = str(path)
    cfg.sqlite.connection_mode = pb.SqliteMetadataSourceConfig.READWRITE_OPENCREATE
    store = metadata_store.MetadataStore(cfg)

    def atype(name: str, **props: int) -> int:
        t = pb.ArtifactType(name=name)
        t.properties.update(props)
        return store.put_artifact_type(t)

    ds_t = atype("system.Dataset")
    model_t = atype("system.Model")
    metrics_t = atype("system.Metrics")
    cm_t = atype("system.ClassificationMetrics")
    exec_t = store.put_execution_type(pb.ExecutionType(name="system.ContainerExecution"))
    tfx_t = pb.ExecutionType(name="Trainer")
    tfx_t.properties["algorithm"] = pb.STRING
    tfx_t = store.put_execution_type(tfx_t)
    pipe_t = store.put_context_type(pb.ContextType(name="system.Pipeline"))
    run_t = store.put_context_type(pb.ContextType(name="system.PipelineRun"))

    def struct(d: dict) -> struct_pb2.Struct:
        s = struct_pb2.Struct()
        s.update(d)
        return s

    def artifact(type_id: int, name: str, uri: str, metadata: dict) -> pb.Artifact:
        a = pb.Artifact(type_id=type_id, uri=uri, state=pb.Artifact.LIVE)
        a.custom_properties["display_name"].string_value = name
        for k, v in metadata.items():
            if isinstance(v, bool):
                a.custom_properties[k].bool_value = v
            elif isinstance(v, int):
                a.custom_properties[k].int_value = v
            elif isinstance(v, float):
                a.custom_properties[k].double_value = v
            elif isinstance(v, str):
                a.custom_properties[k].string_value = v
            else:
                a.custom_properties[k].struct_value.CopyFrom(struct(v))
        return a

    def execution(task: str, inputs: dict, state: int, type_id: int = exec_t) -> pb.Execution:
        e = pb.Execution(type_id=type_id, last_known_state=state)
        e.custom_properties["display_name"].string_value = task
        e.custom_properties["task_name"].string_value = task
        e.custom_properties["image"].string_value = "python:3.11"
        if inputs:
            e.custom_properties["inputs"].struct_value.CopyFrom(struct(inputs))
        return e

    def event(aid: int, eid: int, kind: int, key: str) -> pb.Event:
        ev = pb.Event(artifact_id=aid, execution_id=eid, type=kind)
        ev.path.steps.add().key = key
        return ev

    [pipe_id] = store.put_contexts([pb.Context(type_id=pipe_t, name="iris-train")])
    root = "minio://mlpipeline/v2/artifacts/iris-train"
    dataset_id = None
    for run, n_estimators, acc, cells in (("iris-train-run-1", 50, 0.93, [[5, 1], [0, 4]]),
                                          ("iris-train-run-2", 100, 0.95, [[6, 0], [0, 4]])):
        ctx = pb.Context(type_id=run_t, name=run)
        ctx.custom_properties["namespace"].string_value = "kubeflow-user"
        ctx.custom_properties["pipeline_root"].string_value = f"{root}/{run}"
        [run_id] = store.put_contexts([ctx])
        store.put_parent_contexts([pb.ParentContext(child_id=run_id, parent_id=pipe_id)])
        arts: list[int] = []
        if dataset_id is None:
            [dataset_id] = store.put_artifacts([artifact(ds_t, "data", f"{root}/{run}/make-data/data",
                                                         {"rows": 150, "source": "synthetic"})])
            make = execution("make-data", {}, pb.Execution.COMPLETE)
        else:
            make = execution("make-data", {}, pb.Execution.CACHED)
            make.custom_properties["cached_execution_id"].string_value = "1"
        [make_id] = store.put_executions([make])
        store.put_events([event(dataset_id, make_id, pb.Event.OUTPUT, "data")])
        model_id, met_id, cm_id = store.put_artifacts([
            artifact(model_t, "model", f"{root}/{run}/train/model",
                     {"framework": "sklearn", "algorithm": "RandomForestClassifier",
                      "n_estimators": n_estimators}),
            artifact(metrics_t, "metrics", f"{root}/{run}/train/metrics", {"accuracy": acc, "f1": acc - 0.02}),
            artifact(cm_t, "cm", f"{root}/{run}/train/cm", {"confusionMatrix": {
                "annotationSpecs": [{"displayName": "setosa"}, {"displayName": "versicolor"}],
                "rows": [{"row": r} for r in cells]}}),
        ])
        [train_id] = store.put_executions([execution("train", {"n_estimators": n_estimators, "criterion": "gini",
                                                                "bootstrap": True}, pb.Execution.COMPLETE)])
        store.put_events([event(dataset_id, train_id, pb.Event.INPUT, "data"),
                          event(model_id, train_id, pb.Event.OUTPUT, "model"),
                          event(met_id, train_id, pb.Event.OUTPUT, "metrics"),
                          event(cm_id, train_id, pb.Event.OUTPUT, "cm")])
        arts = [dataset_id, model_id, met_id, cm_id]
        store.put_attributions_and_associations(
            [pb.Attribution(artifact_id=a, context_id=run_id) for a in arts],
            [pb.Association(execution_id=e, context_id=run_id) for e in (make_id, train_id)])
    # The root DAG execution of each run, as KFP's driver records it: type system.DAGExecution, the pipeline's
    # input parameters in "inputs" (written last so that the ids above stay those of the first fixture).
    dag_t = store.put_execution_type(pb.ExecutionType(name="system.DAGExecution"))
    for run_name, n_estimators in (("iris-train-run-1", 50), ("iris-train-run-2", 100)):
        [run_ctx] = [c for c in store.get_contexts_by_type("system.PipelineRun") if c.name == run_name]
        dag = execution(f"run/{run_name}", {"n_estimators": n_estimators}, pb.Execution.COMPLETE, type_id=dag_t)
        [dag_id] = store.put_executions([dag])
        store.put_attributions_and_associations([], [pb.Association(execution_id=dag_id, context_id=run_ctx.id)])
    # A TFX-style trainer: declared (non-custom) properties on its type, artifact names set by the SDK.
    tfx_model = pb.Artifact(type_id=model_t, uri="gs://bucket/models/churn/1", name="churn-model",
                            state=pb.Artifact.LIVE)
    tfx_model.custom_properties["version"].int_value = 1
    [tfx_model_id] = store.put_artifacts([tfx_model])
    tfx_data = pb.Artifact(type_id=ds_t, uri="gs://bucket/churn/train.csv", name="churn-train",
                           state=pb.Artifact.LIVE)
    tfx_data.custom_properties["split"].string_value = "train"
    [tfx_data_id] = store.put_artifacts([tfx_data])
    ex = pb.Execution(type_id=tfx_t, name="train-churn", last_known_state=pb.Execution.COMPLETE)
    ex.properties["algorithm"].string_value = "XGBoost"
    ex.custom_properties["max_depth"].int_value = 6
    ex.custom_properties["learning_rate"].double_value = 0.1
    [ex_id] = store.put_executions([ex])
    store.put_events([pb.Event(artifact_id=tfx_data_id, execution_id=ex_id, type=pb.Event.INPUT),
                      pb.Event(artifact_id=tfx_model_id, execution_id=ex_id, type=pb.Event.OUTPUT)])
    print(f"wrote {path} with ml-metadata {__version__}")


def kfp() -> None:
    import kfp as kfp_pkg
    from kfp import compiler, dsl, local
    from kfp.dsl import ClassificationMetrics, Dataset, Input, Metrics, Model, Output

    @dsl.component(base_image="python:3.11")
    def make_data(data: Output[Dataset]):
        with open(data.path, "w") as f:
            f.write("x,y\n1,0\n2,1\n")
        data.metadata["rows"] = 2
        data.metadata["source"] = "synthetic"

    @dsl.component(base_image="python:3.11")
    def train(data: Input[Dataset], n_estimators: int, model: Output[Model],
              metrics: Output[Metrics], cm: Output[ClassificationMetrics]):
        with open(model.path, "w") as f:
            f.write("fake-model")
        model.metadata["framework"] = "sklearn"
        model.metadata["algorithm"] = "RandomForestClassifier"
        model.metadata["n_estimators"] = n_estimators
        metrics.log_metric("accuracy", 0.93)
        metrics.log_metric("f1", 0.91)
        cm.log_confusion_matrix(["setosa", "versicolor"], [[5, 1], [0, 4]])

    @dsl.pipeline(name="iris-train", description="Train an iris classifier")
    def pipe(n_estimators: int = 50):
        d = make_data()
        train(data=d.outputs["data"], n_estimators=n_estimators)

    out = HERE / "kfp"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    compiler.Compiler().compile(pipe, str(out / "pipeline.yaml"))
    os.chdir(out)
    local.init(runner=local.SubprocessRunner(use_venv=False), pipeline_root="local_outputs")
    pipe(n_estimators=7)
    for p in out.rglob("*"):        # keep only what the importer reads; the artifact bodies are fake
        if p.is_file() and p.name not in ("pipeline.yaml", "executor_output.json"):
            p.unlink()
    print(f"wrote {out} with kfp {kfp_pkg.__version__}")


def registry() -> None:
    """``model_registry.json``: the Kubeflow Model Registry client (model-registry 0.3.18) registers two versions
    of a model and one of another, a serving environment and an inference service, against the loopback fake
    (registry_fake.py) speaking the REST API; the fake's state is saved, and read back with the client."""
    import asyncio
    import json

    from model_registry import ModelRegistry
    from model_registry import __version__ as mr_version
    from mr_openapi import (
        ApiClient,
        Configuration,
        InferenceServiceCreate,
        ModelRegistryServiceApi,
        ServingEnvironmentCreate,
    )

    sys.path.insert(0, str(Path(__file__).parent))
    import registry_fake

    server, reg, url = registry_fake.serve()
    host, port = url.rsplit(":", 1)
    client = ModelRegistry(host, int(port), author="alice", is_secure=False)
    v1 = client.register_model("iris-classifier", "s3://models/iris/1", version="1.0.0",
                               model_format_name="sklearn", model_format_version="1.5",
                               version_description="logistic regression, C=1", author="alice",
                               metadata={"accuracy": 0.93, "framework": "sklearn", "n_estimators": 50})
    client.register_model("iris-classifier", "s3://models/iris/2", version="2.0.0", model_format_name="sklearn",
                          model_format_version="1.5", version_description="logistic regression, C=2", author="bob",
                          metadata={"accuracy": 0.95}, owner="ml-team")
    client.register_model("churn", "oci://registry.example/churn:3", version="3", model_format_name="onnx",
                          model_format_version="1", storage_key="aws-conn", storage_path="models/churn")
    rm = client.get_registered_model("iris-classifier")
    mv2 = client.get_model_version("iris-classifier", "2.0.0")

    async def deploy() -> None:
        async with ApiClient(Configuration(host=url)) as api_client:
            api = ModelRegistryServiceApi(api_client)
            env = await api.create_serving_environment(ServingEnvironmentCreate(name="kubeflow-user",
                                                                                description="team namespace"))
            await api.create_inference_service(InferenceServiceCreate(
                name="iris-predictor", registeredModelId=rm.id, modelVersionId=mv2.id, runtime="kserve-sklearn",
                servingEnvironmentId=env.id, desiredState="DEPLOYED"))

    asyncio.run(deploy())
    state = reg.dump()
    back = [(m.name, [v.name for v in client.get_model_versions(m.name)]) for m in client.get_registered_models()]
    server.shutdown()
    (HERE / "model_registry.json").write_text(json.dumps(state, indent=1, sort_keys=True) + "\n")
    print(f"wrote model_registry.json with model-registry {mr_version}; read back {back}; v1 {v1.name}",
          file=sys.stderr)


if __name__ == "__main__":
    {"mlmd": mlmd, "kfp": kfp, "registry": registry}[sys.argv[1]]()
