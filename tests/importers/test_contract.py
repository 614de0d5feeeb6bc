"""The importer contract, checked over every registered importer (conformance), and the shared report."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from mlkg.errors import InputError
from mlkg.importers import Capability, Importer, ImporterConfig, get, names
from mlkg.importers.base import (
    ImportFailure,
    ImportReport,
    SourceUnavailable,
    check_fills,
    describe,
    paginate,
    redact_uri,
)
from mlkg.importers.registry import registered
from mlkg.model.entities import PlatformType

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
BUILTIN = sorted(PYPROJECT["project"]["entry-points"]["mlkg.importers"])


def test_the_builtin_importers_are_registered_as_entry_points() -> None:
    assert {"huggingface", "mlflow", "openmetadata", "sklearn"} <= set(BUILTIN)
    assert set(BUILTIN) <= set(names())


def test_importing_the_package_imports_no_platform_sdk() -> None:
    code = ("import sys, mlkg.importers, mlkg.importers.base, mlkg.importers.pipeline, mlkg.commands.importers, "
            "mlkg.cli; bad = [m for m in ('mlflow', 'huggingface_hub', 'sklearn', 'mlkg.importers.mlflow') "
            "if m in sys.modules]; print(','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_loading_every_importer_class_imports_no_sdk() -> None:
    code = ("import sys; from mlkg.importers import get, names; classes = [get(n) for n in names()]; "
            "sdks = {m for c in classes for m in c.sdk}; print(','.join(sorted(m for m in sdks if m in sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("name", BUILTIN)
def test_conformance(name: str) -> None:
    cls = get(name)
    assert issubclass(cls, Importer) and cls.name == name
    assert isinstance(cls.platform, PlatformType)
    # the contract's class attributes are not shadowed by a subclass's helper of the same name
    assert cls.version is None or isinstance(cls.version, str), (name, "version")
    assert cls.extra is None or isinstance(cls.extra, str), (name, "extra")
    assert isinstance(cls.sdk, tuple) and all(isinstance(x, str) for x in cls.sdk), (name, "sdk")
    assert isinstance(cls.examples, tuple) and all(isinstance(x, str) for x in cls.examples), (name, "examples")
    assert cls.summary() and cls.summary().endswith(".")
    # config: a frozen dataclass deriving from ImporterConfig, every option described, defaults build
    Config = cls.Config
    assert dataclasses.is_dataclass(Config) and issubclass(Config, ImporterConfig)
    assert Config.__dataclass_params__.frozen  # type: ignore[attr-defined]
    infos = describe(Config)
    assert infos
    for info in infos:
        assert info.description and info.description.endswith("."), (name, info.name)
    config = Config()
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(config, infos[0].name, infos[0].default)
    # capabilities: each with one sentence
    assert cls.capabilities
    for cap, sentence in cls.capabilities.items():
        assert isinstance(cap, Capability) and sentence.endswith("."), (name, cap)
    # the mapping table: each entity class it yields, the fields it fills and their platform source (held equal to
    # the golden graphs by test_fills.py)
    assert cls.fills, (name, "declares no mapping table (Importer.fills)")
    assert not check_fills(cls.fills), (name, check_fills(cls.fills))
    # the extra is declared, and a missing SDK names it
    if cls.sdk:
        assert cls.extra in PYPROJECT["project"]["optional-dependencies"], (name, cls.extra)
    # the source option and the service exist
    if cls.source_option:
        assert cls.source_option in {i.name for i in infos}
    # the contract's own methods keep their signatures (a subclass's helper must not shadow run() or source())
    import inspect

    for meth in ("run", "entities", "source", "graph_key", "service", "test_connection", "fqn"):
        def params(f):
            return [(p.name, p.kind) for p in inspect.signature(f).parameters.values()]

        assert params(getattr(cls, meth)) == params(getattr(Importer, meth)), (name, meth)
    importer = cls(config)
    assert importer.report.source == importer.source()
    assert importer.graph_key()
    # its command line builds from the config (no flag taken twice, none clashing with the common ones)
    from mlkg.commands.importers import importer_command

    cmd = importer_command(cls)
    flags = {opt for p in cmd.params for opt in (*p.opts, *p.secondary_opts)}
    for info in infos:
        if info.cli is not False:
            assert "--" + info.name.replace("_", "-") in flags, (name, info.name)


@pytest.mark.parametrize("name", [n for n in BUILTIN if get(n).sdk])
def test_a_missing_sdk_names_the_extra(name: str) -> None:
    cls = get(name)
    code = (f"import sys; sys.modules.update({{m: None for m in {list(cls.sdk)!r}}}); "
            f"from mlkg.importers import get; imp = get({name!r})()\n"
            "try:\n    imp.require_sdk()\nexcept Exception as e:\n    print(type(e).__name__, e)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("SourceUnavailable") and f"pip install 'mlkg[{cls.extra}]'" in out.stdout


@pytest.mark.parametrize("name", [n for n in BUILTIN if get(n).source_option])
def test_source_and_graph_key_redact_credentials(name: str) -> None:
    cls = get(name)
    opt = {i.name: i for i in describe(cls.Config)}[cls.source_option]
    if "text" not in opt.type:
        pytest.skip("the source option is not text")
    url = "https://alice:s3cret@example.org/api"
    importer = cls(**{cls.source_option: (url,) if opt.type.startswith("a list") else url})
    assert "s3cret" not in importer.source() and "alice" not in importer.source()
    assert "s3cret" not in importer.graph_key()


def test_configs_are_checked_when_built() -> None:
    Config = get("mlflow").Config
    with pytest.raises(InputError, match=r"MlflowConfig: page_size: -5 is too small \(expected at least 1\)"):
        Config(page_size=-5)
    with pytest.raises(InputError, match=r"models: got str 'churn' \(expected a list of text\)"):
        Config(models="churn")
    with pytest.raises(InputError, match="include_runs.*expected true or false"):
        Config(include_runs="no")
    assert Config(models=["a", "b"]).models == ("a", "b")  # a list is taken as the tuple it stands for
    with pytest.raises(InputError, match="input_format.*one of auto, json, rdf"):
        get("openmetadata").Config(input_format="xml")


def test_unknown_importer_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="known: .*huggingface, .*mlflow"):
        get("nope")


def test_registrations_name_their_distribution() -> None:
    reg = registered()["mlflow"]
    assert reg.target == "mlkg.importers.mlflow:MlflowImporter" and reg.distribution == "mlkg" and reg.version


# -- the report ------------------------------------------------------------------------------------------------


def test_guard_isolates_one_item_and_keeps_failures_apart_from_warnings() -> None:
    r = ImportReport(source="test")
    done = []
    for item in ["1", "x", "3"]:
        with r.guard(f"run {item}") as g:
            done.append(int(item))
        assert g.ok is (item != "x")
    assert done == [1, 3]
    assert [str(f) for f in r.failures] == ["run x: ValueError: invalid literal for int() with base 10: 'x'"]
    assert not r.warnings
    with pytest.raises(ImportFailure, match="strict mode: run x"):
        r.check(strict=True)


def test_fatal_guard_and_source_unavailable_stop_the_import() -> None:
    r = ImportReport(source="demo")
    with pytest.raises(SourceUnavailable, match="cannot read models from demo: KeyError"):
        with r.guard("models", fatal=True):
            {}["x"]
    with pytest.raises(SourceUnavailable, match="server down"):
        with r.guard("run 1"):
            raise SourceUnavailable("server down")
    assert not r.failures


def test_report_lists_are_bounded_but_counted() -> None:
    r = ImportReport(source="big", sample_limit=3)
    for i in range(10):
        r.warn("odd", item=f"run {i}")
    assert len(r.warnings) == 3 and r.warnings.total == 10
    assert "... and 7 more (warning)" in r.text()
    assert r.to_dict()["totals"]["warnings"] == 10
    with pytest.raises(ImportFailure, match=r"\(and 9 more\)"):
        r.check(strict=True)


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


# -- helpers ---------------------------------------------------------------------------------------------------


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


def test_credentials_are_removed_from_uris() -> None:
    assert redact_uri("https://u:p@host:5000/x") == "https://host:5000/x"
    assert redact_uri("sqlite:///a.db") == "sqlite:///a.db"


def test_secret_options_are_never_shown(tmp_path) -> None:
    from dataclasses import dataclass

    from mlkg.importers.base import option

    @dataclass(frozen=True)
    class SecretConfig(ImporterConfig):
        url: str = option("", "Server URL.")
        api_key: str = option("", "API key.", secret=True)

    with pytest.raises(InputError) as err:
        SecretConfig(api_key=12345)  # type: ignore[arg-type]
    assert "12345" not in str(err.value) and "(secret)" in str(err.value)
    (info,) = [i for i in describe(SecretConfig) if i.name == "api_key"]
    assert info.secret


# -- the light description --list reads ------------------------------------------------------------------------


@pytest.mark.parametrize("name", BUILTIN)
def test_the_catalog_describes_each_builtin_importer_as_its_class_does(name: str) -> None:
    from mlkg.importers import registry

    entry = registry._catalog().get(name)
    assert entry is not None, f"{name} is not in catalog.json: run python -m mlkg.tools.generate --only importers"
    assert entry["target"] == registered()[name].target
    assert {k: v for k, v in entry.items() if k != "target"} == registry.describe_class(get(name))
    assert registry.info(name)["sdk_installed"] is get(name).sdk_installed()


def test_listing_the_importers_loads_no_importer_module_nor_the_model() -> None:
    code = ("import sys; from mlkg.cli import main\ntry:\n    main(['import', '--list', '--format', 'json'])\n"
            "except SystemExit:\n    pass\n"
            "bad = sorted(m for m in sys.modules if m.startswith(('mlkg.importers.', 'mlkg.model', 'rdflib')) "
            "and m != 'mlkg.importers.registry')\nprint('LOADED', ','.join(bad))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert '"name": "sagemaker"' in out.stdout and '"sdk_installed"' in out.stdout
    assert out.stdout.strip().splitlines()[-1] == "LOADED"


def test_a_stale_catalog_entry_is_not_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    from mlkg.importers import registry

    stale = {k: dict(v) for k, v in registry._catalog().items()}
    stale["h2o"]["target"] = "mlkg.importers.h2o:OldName"
    stale["h2o"]["summary"] = "stale"
    monkeypatch.setattr(registry, "_catalog", lambda: stale)
    assert registry.info("h2o")["summary"] == get("h2o").summary()  # the class is loaded and described instead
