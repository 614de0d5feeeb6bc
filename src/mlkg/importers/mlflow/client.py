"""Talking to MLflow: the store check, HTTP settings, the client and paged searches.

Nothing here imports ``mlflow`` at module level; :func:`make_client` does, when an import runs.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from ..base import SourceUnavailable, Token, first_line, missing_sdk, paginate, redact_uri
from .config import MlflowConfig, tracking_uri


def mlflow_pages(call: Callable[..., Any], **kwargs: Any) -> Iterator[Any]:
    """Every item of an MLflow ``search_*`` call (a ``PagedList`` with ``.token``), through :func:`paginate`."""

    def fetch(token: Token | None) -> tuple[list[Any], Token | None]:
        page = call(page_token=token, **kwargs)
        return list(page), getattr(page, "token", None)

    return paginate(fetch, what=getattr(call, "__name__", "mlflow"))


def check_sqlite_store(uri: str) -> None:
    """For ``sqlite:///path``: the file exists, is SQLite and holds MLflow's tables.

    MLflow would otherwise create a new store at a mistyped path, or add its tables to some other database.

    :raises SourceUnavailable: saying which of the three is wrong.
    """
    if not uri.startswith("sqlite:"):
        return
    path = unquote(urlsplit(uri).path)
    if uri.startswith("sqlite:////"):
        path = "/" + path.lstrip("/")
    elif uri.startswith("sqlite:///"):
        path = path[1:] if path.startswith("/") else path
    path = path.split("?", 1)[0]
    if path in ("", ":memory:"):
        raise SourceUnavailable(f"{uri}: an in-memory SQLite store holds no MLflow data")
    p = Path(path)
    if not p.is_file():
        raise SourceUnavailable(f"{uri}: no such file {p}")
    with open(p, "rb") as fh:
        head = fh.read(16)
    if head != b"SQLite format 3\x00":
        raise SourceUnavailable(f"{uri}: {p} is not an SQLite database (corrupt or another kind of file)")
    try:
        con = sqlite3.connect(f"file:{quote(str(p.resolve()))}?mode=ro", uri=True)
        try:
            names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            con.close()
    except sqlite3.DatabaseError as e:
        raise SourceUnavailable(f"{uri}: {p} cannot be read as SQLite ({e})") from None
    missing = {"experiments", "runs", "registered_models", "model_versions"} - names
    if missing:
        raise SourceUnavailable(f"{uri}: {p} is not an MLflow store (no table {sorted(missing)[0]!r})")


@contextmanager
def http_settings(config: MlflowConfig) -> Iterator[None]:
    keys = {
        "MLFLOW_HTTP_REQUEST_MAX_RETRIES": str(config.http_retries),
        "MLFLOW_HTTP_REQUEST_TIMEOUT": str(config.http_timeout),
        "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
        "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false",
    }
    old = {k: os.environ.get(k) for k in keys}
    for k, v in keys.items():
        if k not in os.environ or k in ("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "MLFLOW_HTTP_REQUEST_TIMEOUT"):
            os.environ[k] = v
    try:
        yield
    finally:
        for k, prev in old.items():
            if prev is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = prev


def make_client(config: MlflowConfig) -> Any:
    """The ``MlflowClient`` for ``config`` (tracking and registry URIs as given)."""
    uri = tracking_uri(config)
    if not uri:
        raise SourceUnavailable("no MLflow tracking URI: pass --tracking-uri or set MLFLOW_TRACKING_URI")
    check_sqlite_store(uri)
    if config.registry_uri:
        check_sqlite_store(config.registry_uri)
    try:
        import logging

        from mlflow import MlflowClient
        logging.getLogger("mlflow").setLevel(logging.ERROR)
        logging.getLogger("alembic").setLevel(logging.ERROR)
    except ImportError:
        raise missing_sdk("mlflow", "mlflow") from None
    try:
        return MlflowClient(tracking_uri=uri, registry_uri=config.registry_uri or uri)
    except Exception as e:
        raise SourceUnavailable(f"cannot open MLflow at {redact_uri(uri)}: {first_line(e)}") from None
