"""One model across platforms: MLflow trains, SageMaker serves, ``mlkg link`` joins them in a store.

The end-to-end test is the seed's fraud flow with the user's commands: a real MLflow SQLite store (a run that
logged its training table as a dataset input, and a registered version whose artifact is on S3), a SageMaker
estate on moto (in process) whose model package is that artifact (``.../model.tar.gz``) and is served by an
InService endpoint; ``mlkg import mlflow --store``, ``mlkg import sagemaker --store``, ``mlkg link --store``,
then ``mlkg impact TABLE --store`` reaches the endpoint.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import PROV
from typer.testing import CliRunner

from mlkg.cli import get_app
from mlkg.importers.linking import find_links, link_store, normalize_uri

MLKG = "https://w3id.org/mlkg#"


# -- the rules ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("uri,key", [
    ("s3://fraud-ml/mlflow/1/artifacts/model", "s3://fraud-ml/mlflow/1/artifacts/model"),
    ("s3://fraud-ml/mlflow/1/artifacts/model/", "s3://fraud-ml/mlflow/1/artifacts/model"),
    ("s3://fraud-ml/mlflow/1/artifacts/model/model.tar.gz", "s3://fraud-ml/mlflow/1/artifacts/model"),
    ("s3a://Fraud-ML/x/y", "s3://fraud-ml/x/y"),
    ("gs://bucket/models/iris/2/", "gs://bucket/models/iris/2"),
    ("models:/m-0123", None), ("runs:/abc/model", None), ("s3://bucket/", None), ("not a uri", None),
    ("https://example.org/model", None),
])
def test_normalize_uri(uri: str, key: str | None) -> None:
    assert normalize_uri(uri) == key


def row(node: str, uri: str, service: str, created: str | None = None, run: str | None = None) -> dict[str, Any]:
    return {"node": URIRef(node), "uri": Literal(uri), "service": URIRef(service),
            "created": Literal(created) if created else None, "run": URIRef(run) if run else None}


def test_the_registration_with_a_run_is_the_origin() -> None:
    rows = [row("urn:sm/v1", "s3://b/m/1/model.tar.gz", "urn:sagemaker", created="2026-01-01T00:00:00Z"),
            row("urn:mlflow/v3", "s3://b/m/1", "urn:mlflow", created="2026-02-01T00:00:00Z", run="urn:run")]
    rep = find_links(rows)
    assert rep.links == [("urn:sm/v1", "urn:mlflow/v3", "s3://b/m/1")] and not rep.guessed


def test_without_runs_the_earlier_registration_is_the_origin_and_a_tie_is_reported() -> None:
    rows = [row("urn:a", "gs://b/m", "urn:vertex", created="2026-03-01T00:00:00Z"),
            row("urn:b", "gs://b/m/", "urn:azure", created="2026-01-01T00:00:00Z")]
    assert find_links(rows).links == [("urn:a", "urn:b", "gs://b/m")]
    rep = find_links([row("urn:a", "gs://b/m", "urn:vertex"), row("urn:b", "gs://b/m", "urn:azure")])
    assert rep.links == [("urn:b", "urn:a", "gs://b/m")] and rep.guessed == rep.links
    assert "guessed direction" in rep.text()


def test_one_platforms_own_registrations_are_not_linked() -> None:
    rows = [row("urn:v1", "s3://b/m", "urn:mlflow", run="urn:r1"), row("urn:v2", "s3://b/m", "urn:mlflow")]
    assert find_links(rows).links == []


def test_link_store_replaces_its_graph(tmp_path: Path) -> None:
    from rdflib import Graph

    from mlkg.importers.linking import link_graph
    from mlkg.store import open_store

    def version(fqn: str, uri: str, service: str, run: bool) -> Graph:
        g = Graph()
        v, model = URIRef(f"urn:x:{fqn}"), URIRef(f"urn:x:{fqn}:model")
        g.add((v, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), URIRef(MLKG + "ModelVersion")))
        g.add((model, URIRef(MLKG + "hasVersion"), v))
        g.add((model, URIRef(MLKG + "belongsToService"), URIRef(f"urn:x:{service}")))
        g.add((v, URIRef(MLKG + "artifactUri"), Literal(uri)))
        if run:
            g.add((v, URIRef(MLKG + "producedBy"), URIRef("urn:x:run")))
        return g

    with open_store(f"oxigraph:{tmp_path / 'kg'}") as st:
        st.load(version("mlflow.churn.3", "s3://b/churn/3", "mlflow", True), graph="urn:g:mlflow", replace=True)
        st.load(version("sm.churn.1", "s3://b/churn/3/model.tar.gz", "sm", False), graph="urn:g:sm", replace=True)
        rep = link_store(st)
        assert rep.links == [("urn:x:sm.churn.1", "urn:x:mlflow.churn.3", "s3://b/churn/3")]
        links = st.to_graph(link_graph())
        assert (URIRef("urn:x:sm.churn.1"), PROV.wasDerivedFrom, URIRef("urn:x:mlflow.churn.3")) in links
        assert len(links) == 3
        # the SageMaker package is re-imported pointing elsewhere: the link goes away
        st.load(version("sm.churn.1", "s3://b/other/model.tar.gz", "sm", False), graph="urn:g:sm", replace=True)
        assert link_store(st).links == [] and link_graph() not in set(st.graphs())


# -- the fraud flow, end to end --------------------------------------------------------------------------------------


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    pytest.importorskip("moto")
    import os

    for k in list(os.environ):
        if k.startswith("AWS_"):
            monkeypatch.delenv(k)
    for k, v in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                 "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true",
                 "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"), "AWS_CONFIG_FILE": str(tmp_path / "none")
                 }.items():
        monkeypatch.setenv(k, v)
    from moto import mock_aws

    with mock_aws():
        yield


ARTIFACT = "s3://fraud-ml/mlflow/1/fraud-detector/artifacts/model"
TABLE = "s3://fraud-ml/transactions/2026-11/train.parquet"


def mlflow_store(path: Path) -> str:
    """A real MLflow store: one run that logged its training table and one registered version on S3."""
    mlflow = pytest.importorskip("mlflow")
    pd = pytest.importorskip("pandas")
    from mlflow import MlflowClient

    uri = f"sqlite:///{path}"
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    exp = client.create_experiment("fraud", artifact_location="s3://fraud-ml/mlflow/1")
    mlflow.set_tracking_uri(uri)
    with mlflow.start_run(experiment_id=exp, run_name="xgb") as run:
        mlflow.log_params({"max_depth": 6, "eta": 0.2})
        df = pd.DataFrame({"amount": [1.0, 2.0], "is_fraud": [0, 1]})
        mlflow.log_input(mlflow.data.from_pandas(df, source=TABLE, name="transactions", targets="is_fraud"),
                         context="training")
        mlflow.log_metric("auc", 0.91)
    client.create_registered_model("fraud-detector")
    client.create_model_version("fraud-detector", ARTIFACT, run_id=run.info.run_id)
    mlflow.set_tracking_uri(None)
    return uri


def sagemaker_estate() -> None:
    import boto3

    sm = boto3.client("sagemaker")
    sm.create_model_package_group(ModelPackageGroupName="fraud-detector")
    arn = sm.create_model_package(
        ModelPackageGroupName="fraud-detector", ModelApprovalStatus="Approved",
        InferenceSpecification={"Containers": [{
            "Image": "763104351884.dkr.ecr.us-east-1.amazonaws.com/mlflow-pyfunc:3.17",
            "ModelDataUrl": ARTIFACT + "/model.tar.gz"}],
            "SupportedContentTypes": ["application/json"], "SupportedResponseMIMETypes": ["application/json"]},
    )["ModelPackageArn"]
    sm.create_model(ModelName="fraud-v1", ExecutionRoleArn="arn:aws:iam::123456789012:role/sm",
                    PrimaryContainer={"ModelPackageName": arn})
    sm.create_endpoint_config(EndpointConfigName="fraud-cfg", ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": "fraud-v1", "InitialInstanceCount": 1,
        "InstanceType": "ml.m5.large"}])
    sm.create_endpoint(EndpointName="fraud-scoring", EndpointConfigName="fraud-cfg")


@pytest.mark.slow
def test_impact_of_the_mlflow_training_table_reaches_the_sagemaker_endpoint(aws: Any, tmp_path: Path) -> None:
    uri = mlflow_store(tmp_path / "mlflow.db")
    sagemaker_estate()
    store = f"oxigraph:{tmp_path / 'kg'}"
    cli = CliRunner()
    app = get_app()
    res = cli.invoke(app, ["import", "mlflow", "--tracking-uri", uri, "--no-signatures", "--store", store])
    assert res.exit_code == 0, res.output
    res = cli.invoke(app, ["import", "sagemaker", "--store", store])
    assert res.exit_code == 0, res.output
    assert "1 cross-platform links" in res.output  # the import into the store ran the linking step
    res = cli.invoke(app, ["link", "--store", store, "--format", "json"])
    assert res.exit_code == 0, res.output
    links = json.loads(res.stdout)["links"]
    assert [(x["copy"].rsplit("/", 1)[-1], x["origin"].rsplit("/", 1)[-1]) for x in links] == [
        ("sagemaker.fraud-detector.1", "mlflow.fraud-detector.1")]
    # the training table MLflow logged, by its FQN in the mlflow service
    from mlkg.store import open_store

    with open_store(store) as st:
        rows = st.select('PREFIX mlkg: <https://w3id.org/mlkg#> SELECT ?fqn WHERE { ?d a mlkg:Dataset ; '
                         f'mlkg:datasetSource "{TABLE}" ; mlkg:fullyQualifiedName ?fqn }}')
    (table,) = [str(r["fqn"]) for r in rows]
    res = cli.invoke(app, ["impact", table, "--store", store, "--format", "json"])
    assert res.exit_code == 0, res.output
    reached = res.stdout
    assert "sagemaker.fraud-scoring" in reached, reached
    assert "sagemaker.fraud-detector.1" in reached and "mlflow.fraud-detector.1" in reached
