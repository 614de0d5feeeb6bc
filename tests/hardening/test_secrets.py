"""Planted secrets never leave: unique values in the environment, in OpenMetadata service connection configs
(password, token, awsSecretAccessKey), in MLflow params and tags named like credentials, and in store URLs with
user:password. Each command a user types runs for real; every graph it writes, every line on stdout/stderr, every
error and every ``--report-json`` is scanned for every planted value."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TAG = uuid.uuid4().hex[:10]
SECRETS = {
    "env_jwt": f"envjwt{TAG}", "env_aws": f"envaws{TAG}", "env_mlflow": f"envmlflowpw{TAG}",
    "om_password": f"ompassword{TAG}", "om_token": f"omtoken{TAG}", "om_aws": f"omawssecret{TAG}",
    "mlflow_param": f"mlflowparam{TAG}", "mlflow_tag": f"mlflowtag{TAG}",
    "url_password": f"urlpassword{TAG}",
}


def mlkg(args: list[str], tmp: Path) -> tuple[int, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
               OPENMETADATA_JWT_TOKEN=SECRETS["env_jwt"], AWS_SECRET_ACCESS_KEY=SECRETS["env_aws"],
               MLFLOW_TRACKING_PASSWORD=SECRETS["env_mlflow"], MLFLOW_TRACKING_USERNAME="admin")
    p = subprocess.run([sys.executable, "-c", "import sys; from mlkg.cli import main; sys.argv[0]='mlkg'; main()",
                        *args], capture_output=True, text=True, timeout=600, env=env, cwd=tmp)
    return p.returncode, p.stdout + p.stderr


def leaks(*texts: str) -> list[str]:
    return [k for k, v in SECRETS.items() for t in texts if v in t]


def scan_dir(d: Path) -> list[str]:
    found = []
    for p in d.rglob("*"):
        if p.is_file() and p.stat().st_size < 50_000_000:
            data = p.read_bytes()
            found += [f"{p.name}: {k}" for k, v in SECRETS.items() if v.encode() in data]
    return found


@pytest.fixture
def om_service(tmp_path: Path) -> Path:
    svc = json.loads((ROOT / "tests" / "data" / "om_mlflow_service.json").read_text(encoding="utf-8"))
    cfg = svc.setdefault("connection", {}).setdefault("config", {})
    cfg.update({"password": SECRETS["om_password"], "token": SECRETS["om_token"],
                "awsConfig": {"awsAccessKeyId": "AKIA" + TAG, "awsSecretAccessKey": SECRETS["om_aws"]},
                "trackingUri": f"https://admin:{SECRETS['url_password']}@mlflow.example.org"})
    p = tmp_path / "service.json"
    p.write_text(json.dumps(svc), encoding="utf-8")
    return p


def test_openmetadata_service_secrets_stay_out(tmp_path: Path, om_service: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    model = ROOT / "tests" / "data" / "om_mlmodel_api.json"
    runs = [
        mlkg(["convert", str(om_service), "--to", "turtle", "-o", str(out / "svc.ttl")], tmp_path),
        mlkg(["convert", str(model), "--service", str(om_service), "--to", "jsonld", "-o", str(out / "m.jsonld")],
             tmp_path),
        mlkg(["import", "openmetadata", str(model), "--service", str(om_service), "-o", str(out / "imp.nt"),
              "--report-json", str(out / "report.json")], tmp_path),
        mlkg(["import", "openmetadata", str(model), "--service", str(om_service), "--store",
              f"oxigraph:{out / 'store'}", "--report-json", str(out / "report2.json")], tmp_path),
        mlkg(["validate", str(om_service)], tmp_path),
    ]
    texts = [t for _c, t in runs]
    assert any((out / f).exists() for f in ("svc.ttl", "m.jsonld", "imp.nt")), texts
    assert not leaks(*texts), (leaks(*texts), texts)
    dump = mlkg(["query", "resolve", "--param", "name=mlflow_prod", "--store", f"oxigraph:{out / 'store'}"],
                tmp_path)[1]
    assert not leaks(dump)
    assert not scan_dir(out)


def test_store_url_password_stays_out_of_errors(tmp_path: Path) -> None:
    from mlkg.store.server import free_port

    port = free_port()  # nothing listens there
    url = f"sparql:http://admin:{SECRETS['url_password']}@127.0.0.1:{port}/query"
    src = ROOT / "examples" / "output" / "customer_churn.ttl"
    texts = [mlkg(["load", str(src), "--store", url], tmp_path)[1],
             mlkg(["query", "production", "--store", url], tmp_path)[1],
             mlkg(["impact", "snowflake.analytics.public.customers", "--store", url], tmp_path)[1],
             mlkg(["import", "openmetadata", str(ROOT / "tests" / "data" / "om_mlmodel_api.json"), "--store", url,
                   "--report-json", str(tmp_path / "r.json")], tmp_path)[1]]
    assert all(t.strip() for t in texts), "each command must say why it failed"
    assert not leaks(*texts), texts
    assert not scan_dir(tmp_path)


@pytest.mark.slow
def test_mlflow_credential_params_and_tags_stay_out(tmp_path: Path) -> None:
    mlflow = pytest.importorskip("mlflow")
    from mlflow.tracking import MlflowClient

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    exp = client.create_experiment("secrets", artifact_location=(tmp_path / "art").as_uri())
    run = client.create_run(exp, run_name="r")
    client.log_param(run.info.run_id, "db_password", SECRETS["mlflow_param"])
    client.log_param(run.info.run_id, "learning_rate", "0.1")
    client.set_tag(run.info.run_id, "api_token", SECRETS["mlflow_tag"])
    client.set_tag(run.info.run_id, "aws_secret_access_key", SECRETS["mlflow_tag"])
    client.log_metric(run.info.run_id, "accuracy", 0.9)
    client.set_terminated(run.info.run_id)
    client.create_registered_model("m")
    client.create_model_version("m", source=(tmp_path / "art").as_uri(), run_id=run.info.run_id)
    del mlflow
    out = tmp_path / "out"
    out.mkdir()
    code, text = mlkg(["import", "mlflow", "--tracking-uri", uri, "-o", str(out / "g.ttl"),
                       "--report-json", str(out / "report.json")], tmp_path)
    assert code == 0, text
    graph = (out / "g.ttl").read_text(encoding="utf-8")
    assert "learning_rate" in graph, "the import ran and kept ordinary params"
    assert not leaks(text, graph), (leaks(text, graph), text[-500:])
    assert not scan_dir(out)
