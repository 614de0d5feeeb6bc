"""What a new user hit on the command line (issue 13, items 3, 7, 8, 9, 10 and 12), each as the command they typed.

The input is the graph ``examples/fraud_detection.py`` writes (``examples/output/fraud_detection.ttl``) and, for
the FQN with a dotted version label, a model built with the entity classes as an MLflow import names it.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import mlkg
import mlkg.model as m
from mlkg.cli import get_app
from mlkg.commands._output import progress
from mlkg.rdf.build import to_graph

ROOT = Path(__file__).resolve().parents[2]
FRAUD = str(ROOT / "examples" / "output" / "fraud_detection.ttl")


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(get_app(), list(args), env=env)


# -- 3. --version, and 12. -h ---------------------------------------------------------------------------------


def test_version() -> None:
    r = run("--version")
    assert r.exit_code == 0, r.output
    assert r.stdout.strip() == mlkg.__version__


@pytest.mark.parametrize("args", [["-h"], ["query", "-h"], ["lineage", "upstream", "-h"], ["import", "-h"],
                                  ["diagram", "-h"]])
def test_short_help(args: list[str]) -> None:
    r = run(*args)
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("Usage: mlkg")


# -- 12. the smaller ones ---------------------------------------------------------------------------------------


def test_unknown_query_name_has_no_input_prefix() -> None:
    r = run("query", "prodution", FRAUD)
    assert r.exit_code == 2
    assert r.stderr.startswith("mlkg: no query named 'prodution' (expected one of ")
    assert "<input>" not in r.stderr


def test_load_into_memory_is_refused_not_discarded() -> None:
    r = run("load", "--store", "memory:", FRAUD)
    assert r.exit_code == 2
    assert "memory:" in r.stderr and "discarded" in r.stderr and "oxigraph:PATH" in r.stderr
    assert "mlkg: loaded" not in r.stderr


def test_bad_output_path_names_the_file_asked_for(tmp_path: Path) -> None:
    out = tmp_path / "no-such-dir" / "fraud.jsonld"
    r = run("convert", FRAUD, "--to", "jsonld", "-o", str(out))
    assert r.exit_code == 2
    assert r.stderr.startswith(f"mlkg: {out}: cannot write: no such directory")
    assert ".fraud.jsonld." not in r.stderr  # the temporary file's name
    assert "Traceback" not in r.output and not out.parent.exists()


# -- 7. diagram arrows read as the triples -----------------------------------------------------------------------


def test_diagram_edges_read_as_sentences() -> None:
    r = run("diagram", "fraud_alert_system", FRAUD, "--direction", "up", "--depth", "3")
    assert r.exit_code == 0, r.output
    ids = {label.split("<br/>")[0]: i for i, label in re.findall(r'^\s+(n\d+)\["([^"]*)"\]', r.stdout, re.M)}
    edges = set(re.findall(r"^\s+(n\d+) -->\|(\w+)\| (n\d+)$", r.stdout, re.M))
    # "fraud_alerts alertsOn fraud_scores", "fraud_scores predictionsFrom the endpoint": subject first
    scores = "snowflake.analytics.public.fraud_scores"
    assert (ids["fraud_alert_system"], "alertsOn", ids[scores]) in edges
    assert (ids[scores], "predictionsFrom", ids["sagemaker-models.fraud-detection-prod"]) in edges
    assert r.stdout.startswith("---\ntitle: \"Lineage of fraud_alert_system. An arrow is a triple: a -- p --> b reads")


# -- 8. tables: names, the terminal width, csv/json for scripts ------------------------------------------------


def test_tables_show_names_and_fit_columns() -> None:
    r = run("query", "production", FRAUD, env={"COLUMNS": "90"})
    assert r.exit_code == 0, r.output
    assert "https://w3id.org/mlkg/id/" not in r.stdout
    assert all(len(line) <= 90 for line in r.stdout.splitlines())
    assert "Production" in r.stdout and "InService" in r.stdout and "mlflow-prod" in r.stdout
    wide = run("query", "production", FRAUD, "--iris", env={"COLUMNS": "400"})
    assert "https://w3id.org/mlkg/id/modelVersion/mlflow-prod.fraud_detection.2" in wide.stdout
    rows = list(csv.DictReader(io.StringIO(run("query", "production", FRAUD, "--format", "csv").stdout)))
    assert rows[0]["version"] == "https://w3id.org/mlkg/id/modelVersion/mlflow-prod.fraud_detection.2"
    assert rows[0]["version_label"] == "2"


# -- 9. progress on stderr for long commands, off when piped or -q ----------------------------------------------


def test_progress_only_on_a_terminal_and_never_with_quiet(tmp_path: Path) -> None:
    term = io.StringIO()
    with progress("writing 197000 triples as jsonld", console=Console(file=term, force_terminal=True)):
        pass
    assert "writing 197000 triples as jsonld" in term.getvalue()
    quiet = io.StringIO()
    with progress("writing", quiet=True, console=Console(file=quiet, force_terminal=True)):
        pass
    assert quiet.getvalue() == ""
    out = tmp_path / "fraud.nt"
    r = run("convert", FRAUD, "--to", "nt", "-o", str(out))  # stderr is not a terminal here
    assert r.exit_code == 0 and r.stderr.startswith("mlkg: wrote ") and len(r.stderr.splitlines()) == 1
    r = run("convert", FRAUD, "--to", "nt", "-o", str(out), "-q")
    assert r.exit_code == 0 and r.stderr == "" and out.stat().st_size > 0


# -- 10. FQNs: unquoted dots, did you mean, how to quote ---------------------------------------------------------


@pytest.fixture(scope="module")
def dotted(tmp_path_factory: pytest.TempPathFactory) -> str:
    model = m.MLModel(name="customer_churn_predictor", service="mlflow-prod",
                      versions=[m.ModelVersion(name="v3.0", metrics=[m.Evaluation(name="AUC", value=0.9)])])
    path = tmp_path_factory.mktemp("fqn") / "churn.ttl"
    path.write_text(to_graph(model).serialize(format="turtle"), encoding="utf-8")
    assert model.versions[0].fqn == 'mlflow-prod.customer_churn_predictor."v3.0"'
    return str(path)


def test_unquoted_fqn_with_a_dotted_part(dotted: str) -> None:
    quoted = run("query", "provenance", dotted, "-p", 'version=mlflow-prod.customer_churn_predictor."v3.0"',
                 "--format", "json")
    assert quoted.exit_code == 0, quoted.output
    r = run("query", "provenance", dotted, "-p", "version=mlflow-prod.customer_churn_predictor.v3.0",
            "--format", "json")
    assert r.exit_code == 0, r.output
    assert r.stdout == quoted.stdout


def test_a_bare_name_gets_a_suggestion_and_how_to_quote() -> None:
    r = run("impact", "fraud_detection", FRAUD)
    assert r.exit_code == 2
    assert "did you mean 'mlflow-prod.fraud_detection'?" in r.stderr
    assert "in double quotes" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_a_service_and_name_get_the_fqn_with_the_part_between(tmp_path: Path) -> None:
    """W&B FQNs hold the entity/project between the service and the model (the checked-in offline runs written
    by the wandb SDK): a user typing service.model is shown the FQN, in impact and in a query parameter."""
    src = Path(__file__).parents[1] / "importers" / "wandb" / "data" / "wandb"
    out = tmp_path / "runs.ttl"
    r = run("import", "wandb", str(src), "-q", "-o", str(out))
    assert r.exit_code == 0, r.output
    for args in (("impact", "wandb.iris-classifier", str(out)),
                 ("query", "metric_history", str(out), "-p", "model=wandb.iris-classifier", "-p", "metric=acc")):
        r = run(*args)
        assert r.exit_code == 2
        assert "did you mean 'wandb.acme/iris-demo.iris-classifier'?" in r.stderr, r.stderr
