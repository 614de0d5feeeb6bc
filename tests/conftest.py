"""Shared fixtures. Server fixtures (oxigraph serve, Virtuoso) live in conftest_servers.py when present.

Suite-wide socket guard: no test may open a connection (or resolve a name) anywhere but the loopback range, where
the server tests start their own servers. mlkg must never fetch a URL the user did not ask for; a test that makes
it try fails with :class:`NetworkBlocked` instead of silently reaching out.
"""

from __future__ import annotations

import ipaddress
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"

try:  # server fixtures, written by the store work
    from conftest_servers import *  # noqa: F403
except ImportError:  # pragma: no cover
    pass


class NetworkBlocked(AssertionError):
    pass


_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _is_loopback(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _check_address(sock: socket.socket, address: Any) -> None:
    if sock.family == getattr(socket, "AF_UNIX", None):
        return
    host = address[0] if isinstance(address, tuple) and address else address
    if not _is_loopback(host):
        raise NetworkBlocked(f"network access outside 127.0.0.1 attempted: {address!r}")


def _guarded_connect(self: socket.socket, address: Any) -> Any:
    _check_address(self, address)
    return _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> Any:
    _check_address(self, address)
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if host is not None and not _is_loopback(host):
        raise NetworkBlocked(f"name resolution attempted for {host!r}")
    return _real_getaddrinfo(host, *args, **kwargs)


def pytest_configure(config: pytest.Config) -> None:
    """Install the loopback-only socket guard for the whole session (collection included)."""
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _guarded_getaddrinfo  # type: ignore[assignment]
    try:
        import freezegun
    except ImportError:
        pass
    else:
        # freeze_time reads every attribute of every loaded module; on huggingface_hub that attribute access
        # imports its CLI, whose import asks huggingface.co for something (the guard refuses it): keep it out
        freezegun.configure(extend_ignore_list=["huggingface_hub"])


def pytest_unconfigure(config: pytest.Config) -> None:
    socket.socket.connect = _real_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _real_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = _real_getaddrinfo  # type: ignore[assignment]


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if anything tries to open a network connection (loopback included)."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise NetworkBlocked(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


#: The kinds of source every graph consumer (queries, lineage, diagrams, validation) must accept.
SOURCE_KINDS = ("rdflib", "memory", "oxigraph", "sparql")


@pytest.fixture(params=[pytest.param(k, marks=pytest.mark.server) if k == "sparql" else k for k in SOURCE_KINDS])
def on_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[Graph], Any]]:
    """``on_store(graph)``: the same triples as a source of one kind (the parameter): the rdflib Graph itself,
    ``open_store("memory:")``, ``open_store("oxigraph:PATH")`` on disk, or a ``sparql:`` store on a real
    ``oxigraph serve`` (union default graph) on 127.0.0.1. Each graph goes into its own named graph."""
    from mlkg.store import open_store

    kind = request.param
    opened: list[Any] = []
    graphs: list[str] = []

    def make(graph: Graph) -> Any:
        if kind == "rdflib":
            return graph
        if kind == "memory":
            store = open_store("memory:")
        elif kind == "oxigraph":
            store = open_store(f"oxigraph:{tmp_path / f'kg{len(opened)}'}")
        else:
            store = open_store(request.getfixturevalue("oxigraph_union_server").store_url)
        opened.append(store)
        name = f"urn:mlkg:test:{uuid.uuid4().hex}"
        graphs.append(name)
        store.load(graph, graph=name)
        return store

    yield make
    for store in opened:
        if kind == "sparql":
            for name in graphs:
                store.drop(name)
        store.close()


# ---------------------------------------------------------------------------------------------------------------
# The kitchen sink: one realistic estate that uses every ontology class (tests/project/test_fixtures.py checks
# it). The core pack accepts it with no result (tests/validate/test_validate.py) and HermiT finds it consistent
# (tests/ontology/test_reasoner.py); a new class goes here, once.
# ---------------------------------------------------------------------------------------------------------------


def build_kitchen_sink(*, owned_activities: bool = False) -> list[Any]:
    """Entities that together use every mlkg class and most properties.

    With ``owned_activities`` the pipeline and the run get owners too (``mlkg:operatedBy``).
    """
    from datetime import UTC, date, datetime
    from decimal import Decimal

    import mlkg.model as m
    from mlkg.model.base import Ref

    t0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
    wh = "snowflake_prod.analytics.public"
    alice, bob = Ref(type="user", fqn="alice"), Ref(type="user", fqn="bob")
    team = Ref(type="team", fqn="data-science")
    extra: dict[str, Any] = {"owners": [team]} if owned_activities else {}
    pii = m.TagLabel(tag_fqn="PII.Sensitive", source="Classification", label_type="Manual", state="Confirmed")
    holdout = Ref(type="dataset", fqn="s3.churn_holdout")
    recency = Ref(type="mlFeature", fqn="mlflow_prod.churn.recency")
    customers = m.Table(
        name="customers", fqn=f"{wh}.customers", tags=[pii], owners=[Ref(type="team", fqn="data-eng")],
        columns=[m.Column(name="email", data_type="VARCHAR", tags=[pii]),
                 m.Column(name="last_purchase_date", data_type="DATE",
                          upstream=[Ref(type="column", fqn="snowflake_prod.raw.public.orders.ts")])],
        upstream=["snowflake_prod.raw.public.orders"], produced_by="airflow.ingest_customers", version="2025-03-01")
    features = m.Table(name="customer_features", fqn=f"{wh}.customer_features", upstream=[f"{wh}.customers"],
                       produced_by="airflow.build_features", version="2025-03-01")
    scores = m.Table(name="churn_scores", fqn=f"{wh}.churn_scores")
    card = m.ModelCard(intended_use="Rank customers by churn risk", out_of_scope_use="credit decisions",
                       limitations="EU only", ethical_considerations="uses purchase history",
                       co2e_emissions_grams=Decimal("1200.5"), url="https://example.org/card",
                       risks=[m.Risk(name="drift", severity="medium", mitigation="weekly retrain")])
    version = m.ModelVersion(
        name="3", stage="Production", aliases=["champion"], created_at=t0, release_date=date(2025, 3, 2),
        status="READY", source="models:/churn/3", algorithm="XGBoost", license="Apache-2.0",
        run=Ref(type="trainingRun", fqn="mlflow_prod.run_42"), previous_version="mlflow_prod.churn.2",
        features=[recency], created_by=alice, algorithm_ref=Ref(type="algorithm", fqn="xgboost"),
        training_datasets=[f"{wh}.customer_features"], validation_datasets=["s3.churn_validation"],
        test_datasets=[holdout], predictions=[f"{wh}.churn_scores"],
        ml_hyper_parameters=[m.HyperParameter(name="max_depth", value="6"), m.HyperParameter(name="eta", value=0.1)],
        ml_store=m.ModelStore(storage="s3://models/churn/3", image_repository="ecr/churn"),
        metrics=[m.Evaluation(name="auc", measure="AUC", value=0.91, split="test", slice="country=DE",
                              ci_lower=0.89, ci_upper=0.93, ci_level=0.95, dataset=holdout, timestamp=t0),
                 m.Evaluation(name="rmse", value=3.2, split="validation", step=10)],
        fairness=[m.FairnessMetric(name="dpd", measure="DemographicParityDifference", value=0.03,
                                   sensitive_attribute="gender", group="female")],
        feature_importance=[m.FeatureImportance(name="recency", feature=recency, importance=0.4, method="shap")],
        model_card=card,
        compliance=[m.ComplianceRecord(name="gdpr", framework="GDPR", status="approved", allows_pii=False,
                                       approved_by=bob, approved_at=t0, reference="https://example.org/gdpr/1")],
        owners=[alice], tags=["Tier.Tier1"], domains=[Ref(type="domain", fqn="customer")],
        stage_history=[m.StageAssignment(stage="Production", started_at=t0, times_from="MLflow")],
        alias_history=[m.AliasAssignment(alias="champion", started_at=t0)])
    v2 = m.ModelVersion(name="2", stage="Archived", created_at=datetime(2025, 1, 1, tzinfo=UTC))
    endpoint = m.Endpoint(
        name="churn-endpoint", deployment_type="realtime", status="InService", url="https://serving.example.com/churn",
        environment="production", model_version="mlflow_prod.churn.3", instance_type="ml.m5.large", deployed_at=t0,
        serving_history=[m.ServingInterval(model_version="mlflow_prod.churn.3", started_at=t0,
                                           ended_at=datetime(2025, 4, 1, tzinfo=UTC), traffic_percentage=100.0)],
        predictions=[f"{wh}.online_scores"],
        drift_monitors=[m.DriftMonitor(name="psi", method="psi", threshold=0.2, status="ok", feature=recency,
                                       observations=[m.Evaluation(name="psi", value=0.05, timestamp=t0)])])
    model = m.MLModel(
        name="churn", service="mlflow_prod", service_type="Mlflow", algorithm="XGBoost", target="churned",
        description="Churn model", display_name="Churn", owners=[team, alice], tags=[pii],
        domains=["customer"], data_products=[Ref(type="dataProduct", fqn="customer-360")], followers=[bob],
        ml_features=[m.Feature(name="recency", data_type="numerical", position=0, feature_algorithm="days since",
                               feature_sources=[m.FeatureSource(name="last_purchase_date", data_type="date",
                                                                data_source=f"{wh}.customers")],
                               tags=[m.TagLabel(tag_fqn="Tier.Tier1")])],
        dashboard="looker.churn_monitoring", server="https://serving.example.com/churn",
        source_url="https://mlflow.example.com/#/models/churn", version=0.2, updated_at=t0, updated_by="alice",
        deleted=False, task="binary-classification", versions=[version, v2], deployments=[endpoint],
        audit_log=[m.AuditEvent(name="promoted", timestamp=t0, actor=alice, action="promoted to Production")],
        base_model=Ref(type="mlmodel", fqn="hf_hub.base_tabular"), base_model_relation="finetune")
    return [
        m.MLModelService(name="mlflow_prod", service_type="Mlflow", service_url="https://mlflow.example.com"),
        model, customers, features, scores,
        m.Experiment(name="churn-exp", fqn="mlflow_prod.churn-exp", artifact_location="s3://mlflow/1",
                     service="mlflow_prod", owners=[team]),
        m.TrainingRun(name="run_42", fqn="mlflow_prod.run_42", experiment="mlflow_prod.churn-exp", user=alice,
                      status="FINISHED", started_at=t0, ended_at=t0, code_repository="https://git.example.com/churn",
                      code_commit="abc123", code_path="train.py", training_datasets=["s3.churn_train"],
                      evaluation_datasets=[holdout], params=[m.HyperParameter(name="max_depth", value="6")],
                      metrics=[m.Evaluation(name="accuracy", value=0.88, split="train")], **extra),
        m.Dataset(name="churn_holdout", fqn="s3.churn_holdout", digest="sha256:1", source="s3://data/holdout",
                  source_type="s3", revision="v1", upstream=[f"{wh}.customer_features",
                                                             Ref(type="container", fqn="s3.raw")]),
        m.Container(name="raw", fqn="s3.raw"),
        m.Pipeline(name="build_features", fqn="airflow.build_features", inputs=[f"{wh}.customers"],
                   outputs=[f"{wh}.customer_features"], schedule="0 3 * * *", **extra),
        m.Dashboard(name="churn_monitoring", fqn="looker.churn_monitoring", sources=[f"{wh}.churn_scores"],
                    url="https://looker.example.com/d/1", owners=[alice]),
        m.AlertingSystem(name="churn_alerts", fqn="pagerduty.churn_alerts", sources=[f"{wh}.churn_scores"],
                         channel="pager"),
        m.User(name="alice", email="alice@example.com", teams=[team]),
        m.Team(name="data-science", email="ds@example.com"),
        m.Domain(name="customer"), m.DataProduct(name="customer-360", owners=[team]),
        m.Tag(name="Sensitive", fqn="PII.Sensitive", broader=Ref(type="tag", fqn="PII")),
        m.GlossaryTerm(name="Churn", fqn="Business.Churn", broader=Ref(type="glossaryTerm", fqn="Business")),
        m.Algorithm(name="xgboost", family="tree ensemble"),
    ]


@pytest.fixture(scope="session")
def kitchen_sink() -> Callable[..., list[Any]]:
    """``kitchen_sink(owned_activities=False)``: a fresh list of the entities of :func:`build_kitchen_sink`."""
    return build_kitchen_sink
