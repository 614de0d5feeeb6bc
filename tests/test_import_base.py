"""What every importer shares: lazy SDK imports, described configs, the report and strict mode, pagination."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from mlkg.importers import IMPORTERS, config_class, describe, load
from mlkg.importers.base import ImportFailure, ImportReport, paginate, redact_uri


def test_importing_the_package_imports_no_platform_sdk() -> None:
    code = ("import sys, mlkg.importers, mlkg.importers.base, mlkg.commands.importers, mlkg.cli; "
            "bad = [m for m in ('mlflow', 'huggingface_hub', 'sklearn', 'mlkg.importers.mlflow') if m in sys.modules]; "
            "print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_importer_modules_import_without_their_sdk_loaded() -> None:
    # loading an importer module (to read its config) still must not pull in the SDK
    code = ("import sys; from mlkg.importers import config_class; "
            "[config_class(n) for n in ('mlflow', 'huggingface', 'sklearn', 'openmetadata')]; "
            "print(','.join(m for m in ('mlflow', 'huggingface_hub', 'sklearn') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("name", sorted(IMPORTERS))
def test_every_config_field_has_a_default_and_a_description(name: str) -> None:
    cls = config_class(name)
    assert dataclasses.is_dataclass(cls)
    infos = describe(cls)
    assert infos
    for info in infos:
        assert info.description and info.description.endswith("."), (name, info.name)
    cls()  # every field has a default
    mod = load(name)
    assert callable(mod.entities) and callable(mod.describe_source)


def test_unknown_importer_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="known: huggingface, mlflow"):
        load("nope")


def test_paginate_follows_tokens_and_stops_on_empty() -> None:
    calls = []
    pages = {None: ([1, 2], "t1"), "t1": ([3], "t2"), "t2": ([4], "")}

    def fetch(tok):
        calls.append(tok)
        return pages[tok]

    assert list(paginate(fetch)) == [1, 2, 3, 4]
    assert calls == [None, "t1", "t2"]


def test_paginate_refuses_a_repeated_token() -> None:
    pages = {None: ([1], "a"), "a": ([2], "b"), "b": ([3], "a")}
    with pytest.raises(ImportFailure, match="twice"):
        list(paginate(lambda t: pages[t], what="loop"))


def test_report_counts_warnings_and_strict_mode() -> None:
    r = ImportReport(source="test")
    r.count("models")
    r.count("versions", 3)
    r.check(strict=True)  # nothing to complain about
    r.warn("odd value", item="model a")
    r.skip("model b", "no name")
    assert "3 versions" in r.text() and "warning: model a: odd value" in r.text()
    assert r.to_dict()["skipped"] == [{"item": "model b", "reason": "no name"}]
    r.check(strict=False)
    with pytest.raises(ImportFailure, match=r"strict mode: model a: odd value \(and 1 more\)"):
        r.check(strict=True)


def test_progress_lines_go_to_the_callback() -> None:
    lines: list[str] = []
    r = ImportReport(source="x", progress=lines.append)
    r.say("halfway")
    assert lines == ["halfway"]


def test_credentials_are_removed_from_uris() -> None:
    assert redact_uri("https://u:p@host:5000/x") == "https://host:5000/x"
    assert redact_uri("sqlite:///a.db") == "sqlite:///a.db"
