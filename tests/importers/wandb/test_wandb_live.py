"""The W&B importer's live path: the real ``wandb.Api()`` (wandb 0.28) against a loopback server speaking W&B's
GraphQL API (``wandb_server.py``: it executes each query the SDK sends by its own selection set, over
``acme/iris-demo`` as the server holds it after syncing the two offline runs in ``data/wandb``).

Checked: the SDK accepts every answer (its pydantic models parse them; a field the world does not hold fails the
test); the golden graph ``expected_live.ttl`` plus hand-written expectations; the same run gives the same graph
shape offline and live; the errors a user meets (bad key, unreachable server, unknown project) are one line and
exit 2. The SDK starts its ``wandb-core`` service process, so the tests that talk to the server are ``slow``;
refresh the golden file with ``MLKG_UPDATE_SNAPSHOTS=1 pytest -m slow tests/importers/wandb -k golden``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("graphql")  # graphql-core parses the SDK's queries in the loopback server (via mlflow's graphene)
sys.path.insert(0, str(Path(__file__).parent))
import wandb_server as ws

from mlkg.importers import ImportFailure, SourceUnavailable, get
from mlkg.model import entities as m

HERE = Path(__file__).parent
OFFLINE = HERE / "data" / "wandb"
PROJECT = ["--entity", ws.ENTITY, "--project", ws.PROJECT]

slow = pytest.mark.slow


@pytest.fixture(scope="module")
def sdk_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The SDK's folders in a temporary directory (it writes settings and caches there), no key of the
    machine's own."""
    pytest.importorskip("wandb")
    root = tmp_path_factory.mktemp("wandb-sdk")
    env = {"WANDB_DIR": str(root), "WANDB_CONFIG_DIR": str(root / "config"), "WANDB_CACHE_DIR": str(root / "cache"),
           "WANDB_DATA_DIR": str(root / "data"), "WANDB_ERROR_REPORTING": "false", "WANDB_SILENT": "true",
           "NETRC": str(root / "netrc")}
    with pytest.MonkeyPatch.context() as mp:
        for k, v in env.items():
            mp.setenv(k, v)
        mp.delenv("WANDB_API_KEY", raising=False)
        mp.delenv("WANDB_BASE_URL", raising=False)
        yield env


@pytest.fixture(scope="module")
def live(sdk_env: dict[str, str]) -> Iterator[tuple[Any, list[m.Entity], ws.Server]]:
    """One live import of acme/iris-demo, listings paged one item at a time (so paging is exercised)."""
    with ws.serving() as server:
        imp = get("wandb")(entity=ws.ENTITY, project=ws.PROJECT, base_url=server.url, api_key=ws.API_KEY,
                           page_size=1)
        ents = imp.run(strict=True)
        yield imp, ents, server


def by_type(ents: list[m.Entity], cls: type) -> dict[str, Any]:
    return {e.fqn: e for e in ents if isinstance(e, cls)}


@slow
def test_the_sdk_asked_only_for_fields_the_server_holds_and_accepted_every_answer(live: Any) -> None:
    from wandb.sdk.artifacts import _generated as gen

    imp, ents, server = live
    assert server.unknown == []
    assert {"Viewer", "Runs", "RunFullHistory", "RunOutputArtifacts", "RunInputArtifacts",
            "FetchLinkedArtifacts"} <= set(server.queries)
    assert server.queries.count("Runs") == 2  # one run per page
    # the answers the SDK parses with its generated models, parsed again here: they are what it accepts
    checked = 0
    for name, data in server.answered:
        model = getattr(gen, name, None)
        if model is not None:
            model.model_validate(data)
            checked += 1
    assert checked >= 5
    assert not imp.report.problems


@slow
def test_live_import_matches_golden_graph(live: Any, golden: Any) -> None:
    imp, ents, server = live
    golden(imp, ents, HERE / "expected_live.ttl", {server.url: "http://wandb.test"})


@slow
def test_live_hand_expectations(live: Any) -> None:
    imp, ents, _ = live
    assert dict(imp.report.counts) == {"services": 1, "experiments": 1, "datasets": 1, "runs": 2, "models": 2,
                                       "versions": 3, "registry collections": 1}
    runs = by_type(ents, m.TrainingRun)
    first, second = runs["wandb.acme/iris-demo.is9jkh0w"], runs["wandb.acme/iris-demo.l92j8b89"]
    assert first.display_name == "logreg-C1" and first.description == "C sweep, C=1"
    assert first.status == "finished" and first.user.fqn == "alice"
    assert first.code_commit == ws.COMMIT
    assert {t.tag_fqn for t in first.tags} == {"baseline", "sklearn", "group.sweep-1", "job_type.train"}
    assert {p.name: p.value for p in first.params} == {
        "C": 1.0, "max_iter": 200, "algorithm": "LogisticRegression", "optimizer.name": "lbfgs",
        "optimizer.tol": 0.0001}
    assert sorted((e.step, e.value) for e in first.metrics if e.name == "train_loss") == [
        (0, 1), (1, 0.5), (2, 0.3333), (3, 0.25), (4, 0.2)]
    assert {e.name: e.value for e in first.metrics if e.step is None} == {"best_accuracy": 0.92}
    # lineage: dataset -> run -> model version
    (ds,) = by_type(ents, m.Dataset).values()
    assert ds.fqn == "wandb.acme/iris-demo.iris-train" and ds.produced_by.fqn == first.fqn
    assert ds.source == "s3://demo-bucket/iris/train.csv" and ds.digest == "4d69c1ede451a34324bcde17c9dd4aff"
    assert [r.fqn for r in second.training_datasets] == [ds.fqn] and not first.training_datasets
    models = by_type(ents, m.MLModel)
    classifier = models["wandb.acme/iris-demo.iris-classifier"]
    v0, v1 = classifier.versions
    assert (v0.name, v0.aliases, v0.run.fqn) == ("v0", ("champion",), first.fqn)
    assert (v1.name, v1.aliases, v1.run.fqn) == ("v1", ("candidate", "latest"), second.fqn)
    assert v1.previous_version.fqn == v0.fqn and v0.previous_version is None
    assert [(e.name, e.value) for e in v1.metrics] == [("accuracy", 0.94)]
    # the registry collection: v1 linked as the portfolio's v0, with the registry's own aliases
    registered = models["wandb.acme/model-registry.Iris Classifier"]
    (rv,) = registered.versions
    assert (rv.name, rv.aliases) == ("v0", ("latest", "production"))
    assert rv.source == "wandb-artifact:///acme/iris-demo/iris-classifier:v1" and rv.run.fqn == second.fqn


@slow
def test_offline_and_live_give_the_same_run(live: Any) -> None:
    """The same run read from its .wandb file and from the server (after sync): same node, same
    hyperparameters, metric series, tags and texts. What differs is what only one side knows: the server's
    creation time has whole seconds, the file holds the program path, the server the user and used artifacts."""
    _, ents, _ = live
    offline = by_type(get("wandb")(paths=(str(OFFLINE),)).run(), m.TrainingRun)
    online = by_type(ents, m.TrainingRun)
    assert offline.keys() == online.keys()
    for fqn, off in offline.items():
        on = online[fqn]
        for field in ("name", "display_name", "description", "experiment", "tags", "status", "params", "metrics",
                      "code_commit"):
            assert getattr(on, field) == getattr(off, field), (fqn, field)
        assert abs((on.started_at - off.started_at).total_seconds()) < 1


@slow
def test_cli_live_import_and_its_errors(sdk_env: dict[str, str], tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from mlkg.cli import get_app

    runner, app, out = CliRunner(), get_app(), tmp_path / "iris.ttl"
    with ws.serving() as server:
        env = {"WANDB_API_KEY": ws.API_KEY}
        res = runner.invoke(app, ["import", "wandb", *PROJECT, "--base-url", server.url, "-o", str(out)], env=env)
        assert res.exit_code == 0, res.output
        assert "2 runs" in res.output and "1 registry collections" in res.output
        from rdflib import Graph

        assert len(Graph().parse(out)) > 100
        # lineage from the registry collection: version -> the run that logged it -> its training dataset
        res = runner.invoke(app, ["lineage", "upstream", "wandb.acme/model-registry.Iris Classifier", str(out),
                                  "-f", "json"])
        import json

        reached = {(row["kind"], row["name"]) for row in json.loads(res.output)}
        assert {("TrainingRun", "wandb.acme/iris-demo.l92j8b89"), ("Dataset", "wandb.acme/iris-demo.iris-train")} \
            <= reached, res.output
        # a bad key: the server answers 401
        bad = tmp_path / "bad.ttl"
        res = runner.invoke(app, ["import", "wandb", *PROJECT, "--base-url", server.url, "--api-key", "b" * 40,
                                  "-o", str(bad)])
        assert res.exit_code == 2 and "Traceback" not in res.output and not bad.exists()
        assert "API key was refused" in res.output and len(res.output.strip().splitlines()) == 1
        # an unknown project
        res = runner.invoke(app, ["import", "wandb", "--entity", "acme", "--project", "nope", "--base-url",
                                  server.url, "-o", str(bad)], env=env)
        assert res.exit_code == 2 and "Traceback" not in res.output and not bad.exists()
        assert "project acme/nope: Could not find project nope" in res.output
    # a project without runs is a skipped item; --strict fails on it
    with ws.serving(ws.world(runs_present=False)) as server:
        args = ["import", "wandb", *PROJECT, "--base-url", server.url, "-o", str(bad)]
        res = runner.invoke(app, args, env=env)
        assert res.exit_code == 0 and "skipped: acme/iris-demo: the project has no runs" in res.output
        bad.unlink()
        res = runner.invoke(app, [*args, "--strict"], env=env)
        assert res.exit_code == 2 and "strict mode" in res.output and not bad.exists()


@slow
def test_a_server_that_samples_history_is_a_warning(sdk_env: dict[str, str]) -> None:
    with ws.serving(ws.world(max_samples=2)) as server:  # it sends every 2nd row: 3 of 5
        imp = get("wandb")(entity=ws.ENTITY, project=ws.PROJECT, base_url=server.url, api_key=ws.API_KEY)
        ents = imp.run()
        with pytest.raises(ImportFailure, match="strict mode: run acme/iris-demo/.*: the server sent 3 of"):
            get("wandb")(entity=ws.ENTITY, project=ws.PROJECT, base_url=server.url, api_key=ws.API_KEY).run(
                strict=True)
    assert [str(w) for w in imp.report.warnings] == [
        f"run acme/iris-demo/{rid}: the server sent 3 of the run's 5 history rows (it sampled them)"
        for rid in ("is9jkh0w", "l92j8b89")]
    first = by_type(ents, m.TrainingRun)["wandb.acme/iris-demo.is9jkh0w"]
    assert sorted(e.step for e in first.metrics if e.name == "train_loss") == [0, 2, 4]


def test_an_unreachable_server_is_one_line_without_starting_the_sdk(tmp_path: Path) -> None:
    import socket

    from typer.testing import CliRunner

    from mlkg.cli import get_app

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = tmp_path / "x.ttl"
    res = CliRunner().invoke(get_app(), ["import", "wandb", *PROJECT, "--base-url", f"http://127.0.0.1:{port}",
                                         "-o", str(out)])
    assert res.exit_code == 2 and "Traceback" not in res.output and not out.exists()
    assert f"wandb: cannot reach http://127.0.0.1:{port} (ConnectionRefusedError" in res.output
    with pytest.raises(SourceUnavailable, match="needs both --entity and --project"):
        get("wandb")(project="iris-demo").run()
    with pytest.raises(SourceUnavailable, match="is not an http"):
        get("wandb")(entity="a", project="b", base_url="ftp://example.org").run()
    with pytest.raises(ImportFailure, match="nothing to import"):
        get("wandb")().run()


def test_live_source_and_graph_key_hide_credentials() -> None:
    imp = get("wandb")(entity="acme", project="iris-demo", base_url="https://u:secret@wandb.example.org",
                       api_key="k" * 40)
    assert imp.source() == "wandb --entity acme --project iris-demo --base-url https://wandb.example.org"
    assert "secret" not in imp.graph_key() and "k" * 40 not in imp.graph_key() + imp.source()
