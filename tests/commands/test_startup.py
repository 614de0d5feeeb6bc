"""What the command line does to start fast (issue 16) changes nothing a user sees: the cheap parameter coercion
(mlkg.commands._params) gives what typer's own pydantic-based coercion gives, for every parameter of the app (the
same value, or the same error message), and the app built with only the command being run
(:func:`mlkg.cli.app_for`) prints what the whole app prints."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main
from typer.testing import CliRunner

from mlkg.cli import app_for, get_app
from mlkg.commands import _params

ROOT = Path(__file__).resolve().parents[2]

core = pytest.importorskip("typer.core")
if not hasattr(core.build_runtime_param, "original"):  # pragma: no cover - a typer without _coercion
    pytest.skip("this typer coerces without pydantic; nothing is installed", allow_module_level=True)

#: Values a shell or a test hands click for a parameter: plain, odd (whitespace, signs, leading zeros, big,
#: undecodable bytes as surrogates) and of other types.
SAMPLES: list[Any] = [
    "abc", "", " x ", "é", "\udcff", "0", "7", "-3", "007", "+5", " 5", "1_000", "9" * 30, "5.0", "true", "no",
    3, 0, -1, True, False, 2.5, ("a", "b"), (), ["x"], ("a", "\udcff"), (1, 2), b"bytes",
]


def _params_of_app() -> list[Any]:
    out: list[Any] = []

    def walk(cmd: Any) -> None:
        out.extend(p for p in cmd.params if hasattr(p, "type_descriptor"))
        for sub in getattr(cmd, "commands", {}).values():
            walk(sub)

    walk(typer.main.get_command(get_app()))
    return out


def _outcome(runtime: Any, value: Any, param: Any, ctx: Any) -> tuple[str, Any]:
    try:
        got = runtime.coerce(value, param=param, ctx=ctx)
    except Exception as e:  # the comparison is of whatever either side raises
        return "error", (type(e).__name__, str(e))
    return "value", (type(got).__name__, got)


def test_fast_coercion_matches_typer_on_every_parameter() -> None:
    params = _params_of_app()
    kinds = {_params._kind(p.type_descriptor) for p in params}
    assert {"str", "int", "bool", "list[str]"} <= kinds, kinds  # the app has parameters of every fast kind
    original = core.build_runtime_param.original
    ctx = typer.main.get_command(get_app()).make_context("mlkg", ["--version"], resilient_parsing=True)
    checked = 0
    for p in params:
        fast, slow = core.build_runtime_param(p.type_descriptor), original(p.type_descriptor)
        for v in SAMPLES:
            assert _outcome(fast, v, p, ctx) == _outcome(slow, v, p, ctx), (p.name, repr(v))
            checked += 1
    assert checked >= 100 * len(SAMPLES) // 10


def test_plain_values_do_not_build_pydantic_adapters(tmp_path: Path) -> None:
    """A store-backed command with plain options does not import pydantic (that is the point of the fast path),
    and bad values still get typer's messages and exit code 2."""
    code = ("import sys; from mlkg.cli import main; sys.argv[0] = 'mlkg'\n"
            "try:\n main()\nexcept SystemExit as e:\n print('exit', e.code, 'pydantic' in sys.modules)")
    store = f"oxigraph:{tmp_path / 'kg'}"
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    ok = subprocess.run([sys.executable, "-c", code, "lineage", "upstream", "x", "--store", store, "-d", "2",
                         "--format", "json"], capture_output=True, text=True, env=env, timeout=60)
    assert ok.stdout.strip().splitlines()[-1] == "exit 2 False", ok.stdout + ok.stderr  # x names nothing
    assert "x" in ok.stderr
    bad = subprocess.run([sys.executable, "-c", code, "lineage", "upstream", "x", "--store", store, "-d", "two"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert bad.stdout.strip().splitlines()[-1].startswith("exit 2"), bad.stdout + bad.stderr
    # typer's own message (its pydantic adapter, built only now)
    assert "Invalid value for '--depth' / '-d': Input should be a valid integer" in bad.stderr


def _names() -> list[str]:
    app = get_app()
    return sorted([c.name or c.callback.__name__.replace("_", "-") for c in app.registered_commands if c.callback]
                  + [g.name for g in app.registered_groups if g.name])


def test_app_for_one_command_prints_what_the_whole_app_prints() -> None:
    names = _names()
    assert {"impact", "lineage", "query", "load", "import", "validate"} <= set(names)
    runner = CliRunner()
    for name in names:
        one = app_for([name])
        assert one is not get_app()
        assert len(one.registered_commands) + len(one.registered_groups) == 1
        # help, and a usage error (caught before the command runs; for a group: an unknown subcommand)
        group = any(g.name == name for g in get_app().registered_groups)
        for args in ([name, "--help"], [name, "no-such-sub"] if group else [name, "--no-such-option"]):
            a = runner.invoke(get_app(), args, prog_name="mlkg")
            b = runner.invoke(one, args, prog_name="mlkg")
            assert (a.exit_code, a.output) == (b.exit_code, b.output), args


def test_app_for_keeps_the_whole_app_for_help_version_and_typos() -> None:
    for args in ([], ["--help"], ["--version"], ["--limit", "triples=5", "impact"], ["impcat", "x"]):
        assert app_for(args) is get_app(), args
