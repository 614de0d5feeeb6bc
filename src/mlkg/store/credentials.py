"""Credentials and endpoint settings for remote SPARQL stores.

Where they come from, first match wins:

1. Environment: ``MLKG_STORE_TOKEN`` (bearer), or ``MLKG_STORE_USER`` and ``MLKG_STORE_PASSWORD`` (basic).
2. A config file: ``MLKG_STORE_CONFIG`` or ``~/.config/mlkg/stores.ini``, one section per server, named by the
   query URL or a prefix of it::

       [http://graphdb.internal:7200/repositories/mlkg]
       user = mlkg
       password_env = GRAPHDB_PASSWORD     ; or: password = ..., token = ..., token_env = ...
       update = /repositories/mlkg/statements
       gsp = /repositories/mlkg/rdf-graphs/service

Secrets are kept in a :class:`Credentials` object whose ``repr`` hides them; they are sent only in the
``Authorization`` header and never appear in URLs, logs, graphs or error messages.
"""

from __future__ import annotations

import base64
import configparser
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError


@dataclass(frozen=True)
class Credentials:
    """Basic or bearer credentials. ``repr`` and ``str`` never show the secret."""

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)

    def header(self) -> str | None:
        """The value of the ``Authorization`` header, or None."""
        if self.token:
            return "Bearer " + self.token
        if self.user is not None:
            raw = f"{self.user}:{self.password or ''}".encode()
            return "Basic " + base64.b64encode(raw).decode("ascii")
        return None

    @property
    def kind(self) -> str:
        return "bearer" if self.token else ("basic" if self.user is not None else "none")

    def __str__(self) -> str:
        return f"<credentials {self.kind}{' for ' + self.user if self.user else ''}>"


def config_path() -> Path:
    env = os.environ.get("MLKG_STORE_CONFIG")
    if env:
        return Path(env)
    return Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / "mlkg" / "stores.ini"


def _section(url: str) -> dict[str, str]:
    p = config_path()
    if not p.exists():
        return {}
    cp = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=(";",))
    try:
        cp.read(p, encoding="utf-8")
    except configparser.Error as e:
        raise InputError(f"cannot read the store config: {e.message.splitlines()[0]}", source=str(p)) from None
    best = ""
    for name in cp.sections():
        if url.startswith(name.rstrip("/")) and len(name) > len(best):
            best = name
    return dict(cp[best]) if best else {}


def settings_for(url: str) -> dict[str, str]:
    """The config-file settings (endpoints, options) for a query URL, secrets removed."""
    return {k: v for k, v in _section(url).items() if k not in ("password", "token", "password_env", "token_env")}


def credentials_for(url: str) -> Credentials:
    """Credentials for a server, from the environment or the config file (see the module docs)."""
    env = os.environ
    if env.get("MLKG_STORE_TOKEN"):
        return Credentials(token=env["MLKG_STORE_TOKEN"])
    if env.get("MLKG_STORE_USER"):
        return Credentials(user=env["MLKG_STORE_USER"], password=env.get("MLKG_STORE_PASSWORD", ""))
    sec = _section(url)
    token = sec.get("token") or (env.get(sec["token_env"]) if sec.get("token_env") else None)
    if token:
        return Credentials(token=token)
    if sec.get("user"):
        pw = sec.get("password")
        if pw is None and sec.get("password_env"):
            pw = env.get(sec["password_env"], "")
        return Credentials(user=sec["user"], password=pw or "")
    return Credentials()
