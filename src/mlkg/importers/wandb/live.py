"""Read one W&B project through the SDK's public API (``wandb.Api()``) into the same :class:`RunFile` records the
offline reader makes, so :mod:`.mapping` gives both the same graph shape.

What is read, per run of ``entity/project`` (``api.runs(lazy=False)``: one listing with config and summary):

- the run's attributes (name, display name, notes, group, job type, tags, state, commit, creation time, user);
- its history through ``run.history(samples=N, pandas=False)`` with ``N`` the run's ``historyLineCount``: the
  server samples only when a run has more rows than asked for, so this returns every row (a server that caps the
  sample size sends fewer, which is reported as a warning);
- ``run.logged_artifacts()`` and ``run.used_artifacts()``: type, collection name, version (``v0``, ``v1``...),
  aliases, digest, description, metadata, creation time;
- for each logged model, ``artifact.linked_artifacts``: the registry collections (W&B Model Registry portfolios,
  ``<entity>/model-registry/<name>``, or ``wandb-registry-*`` projects) it is linked into, with their version
  and aliases.

The SDK is imported here only (this module is imported by the importer's ``entities()`` on the live path).
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from ..base import ImportReport, SourceUnavailable, first_line, redact_uri
from .records import RunFile

DEFAULT_URL = "https://api.wandb.ai"


def check_reachable(url: str, timeout: float) -> None:
    """Open (and close) a TCP connection to the server of ``url``: a refused or unanswered connection is one clear
    line here, where the SDK would report a busy service process after its own timeout.

    :raises SourceUnavailable: the host does not answer.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SourceUnavailable(f"wandb: --base-url {redact_uri(url)!r} is not an http(s) URL")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname, port), timeout=timeout).close()
    except OSError as e:
        raise SourceUnavailable(f"wandb: cannot reach {redact_uri(url)} ({first_line(e)})") from None


def connect(base_url: str, api_key: str, timeout: float) -> Any:
    """A ``wandb.Api`` on ``base_url`` (its login checked by the SDK).

    :raises SourceUnavailable: the SDK is missing, the server cannot be reached or refuses the key.
    """
    # The SDK reports its own errors to W&B's Sentry unless told not to; an import must not contact a service
    # the user did not name. A user's explicit setting wins.
    os.environ.setdefault("WANDB_ERROR_REPORTING", "false")
    url = base_url or os.environ.get("WANDB_BASE_URL") or DEFAULT_URL
    check_reachable(url, timeout)
    import wandb

    try:
        return wandb.Api(overrides={"base_url": url}, api_key=api_key or None, timeout=max(1, int(timeout)))
    except Exception as e:  # AuthenticationError, UsageError (no key and no prompt), CommError
        raise SourceUnavailable(f"wandb: {redact_uri(url)}: {_reason(e)}") from None


def _reason(e: BaseException) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    if "user is not logged in" in text or "401" in text or "Unauthorized" in text or "credentials" in text:
        return f"the API key was refused ({text})"
    return text


def _seconds(iso: Any) -> int | None:
    """Epoch seconds of the ISO time W&B gives (``2026-12-01T10:39:01`` or with ``Z``; UTC)."""
    if not isinstance(iso, str) or not iso:
        return None
    text = iso.replace("Z", "+00:00")
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:
        from datetime import UTC

        when = when.replace(tzinfo=UTC)
    return int(when.timestamp())


def _aliases(aliases: Any) -> list[str]:
    """The aliases people set (``latest``, ``production``), without the version aliases ``v0``, ``v1``...."""
    return [a for a in aliases if not re.fullmatch(r"v\d+", a)]


def _artifact(a: Any, *, links: bool, report: ImportReport) -> dict[str, Any]:
    """One ``wandb.Artifact`` as the dict the mapping reads (the offline record's fields, plus version and
    project)."""
    import json

    out: dict[str, Any] = {
        "type": a.type, "name": a.source_name.partition(":")[0], "version": a.source_version,
        "aliases": _aliases(a.aliases),
        "digest": a.digest, "description": a.description or "", "metadata": json.dumps(a.metadata or {}),
        "entity": a.source_entity, "project": a.source_project, "created_at": _seconds(a.created_at),
        "tags": list(getattr(a, "tags", []) or [])}
    if links and a.type == "model":
        where = f"artifact {a.source_qualified_name}"
        with report.guard(where) as g:
            linked = list(a.linked_artifacts)
        if g.ok:
            out["links"] = [{"entity": x.entity, "project": x.project, "name": x.name.partition(":")[0],
                             "version": x.version, "aliases": _aliases(x.aliases)} for x in linked]
    return out


def read_project(api: Any, entity: str, project: str, report: ImportReport, *, page_size: int,
                 registry: bool) -> Iterator[RunFile]:
    """Every run of ``entity/project`` as a :class:`RunFile` (a run that cannot be read is a failure in the
    report; a project that cannot be listed raises).

    :raises SourceUnavailable: the project does not exist or cannot be listed.
    """
    path = f"{entity}/{project}"
    try:
        runs = list(api.runs(path, per_page=page_size, lazy=False))  # (iter() of the SDK's pager restarts it)
    except Exception as e:
        raise SourceUnavailable(f"wandb: project {path}: {_reason(e)}") from None
    if not runs:
        report.skip(path, "the project has no runs")
        return
    for r in runs:
        where = f"run {path}/{r.id}"
        with report.guard(where) as g:
            rf = run_file(r, entity, project, report, page_size=page_size, registry=registry)
        if g.ok:
            yield rf


def run_file(r: Any, entity: str, project: str, report: ImportReport, *, page_size: int,
             registry: bool) -> RunFile:
    """One public-API ``Run`` as a :class:`RunFile`."""
    attrs = r._attrs  # the run's GraphQL fields as the server sent them (the SDK keeps them here)
    rf = RunFile(path=f"{entity}/{project}/{r.id}")
    started = _seconds(attrs.get("createdAt"))
    rf.run = {"run_id": r.id, "entity": entity, "project": project, "display_name": attrs.get("displayName") or "",
              "notes": attrs.get("notes") or "", "run_group": attrs.get("group") or "",
              "job_type": attrs.get("jobType") or "", "tags": list(attrs.get("tags") or []),
              "git": {"commit": attrs.get("commit") or ""}}
    if started is not None:
        rf.run["start_time"] = {"seconds": started}
    rf.config = dict(r.config)
    rf.summary = dict(r.summary_metrics)
    lines = int(attrs.get("historyLineCount") or 0)
    rf.history = list(r.history(samples=max(lines, 1), pandas=False)) if lines else []
    if len(rf.history) < lines:
        report.warn(f"the server sent {len(rf.history)} of the run's {lines} history rows (it sampled them)",
                    item=f"run {entity}/{project}/{r.id}")
    rf.state = r.state
    if r.state in ("finished", "failed"):
        runtime = rf.summary.get("_runtime")
        rf.exit = {"exit_code": 0 if r.state == "finished" else 1,
                   "runtime": runtime if isinstance(runtime, (int, float)) else None}
    user = attrs.get("user") or {}
    if user.get("username"):
        rf.environment["username"] = user["username"]
    rf.artifacts = [_artifact(a, links=registry, report=report) for a in r.logged_artifacts(per_page=page_size)]
    rf.used_artifacts = [_artifact(a, links=False, report=report) for a in r.used_artifacts(per_page=page_size)]
    return rf
