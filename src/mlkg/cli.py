"""The ``mlkg`` command line: this module only assembles the app from the command groups.

Data goes to stdout (or ``-o``); messages and progress go to stderr. Exit codes: 0 ok, 1 data does not conform
(validate), 2 bad input or usage, 3 not implemented. Only :mod:`mlkg.commands` turns exceptions into messages
(:mod:`mlkg.commands._errors`); everything else raises.

Each command group lives in its own module under :mod:`mlkg.commands` with a ``register(app)`` function; the
optional SDKs (MLflow, Hugging Face, ...) are imported only by the commands that use them, when they run.
"""

from __future__ import annotations

import copy
import sys
from collections.abc import Sequence

import typer

from . import __version__, limits
from .commands import convert, diagram, docs, export, history, importers, lineage, link, push, query, store, validate
from .commands._errors import fail, handle_errors  # noqa: F401 - their old home; commands import them from there
from .commands._params import install as _fast_params
from .errors import InputError

_fast_params()  # typer's parameter coercion without building pydantic adapters for plain values (start-up)

app = typer.Typer(
    name="mlkg",
    help="ML model metadata as a knowledge graph: convert, validate, query, trace lineage, import.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

def _print_version(value: bool) -> None:
    # an eager option's callback runs while the options are parsed, before click asks for a command
    if value:
        typer.echo(__version__)
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Print mlkg's version and exit.", is_eager=True,
                                 callback=_print_version),
    limit: list[str] = typer.Option([], "--limit", metavar="NAME=N",
                                    help="Raise or lower an input limit (repeatable; 0: none): "
                                         + ", ".join(f"{k} ({v.unit}, default {v.default:,})"
                                                     for k, v in limits.LIMITS.items())
                                         + ". Each also has an environment variable (MLKG_MAX_...)."),
) -> None:
    """ML model metadata as a knowledge graph: convert, validate, query, trace lineage, import."""
    try:
        limits.set_from_options(limit)
    except InputError as e:
        raise typer.BadParameter(e.message + (f" (expected {e.expected})" if e.expected else ""),
                                 param_hint="--limit") from None


#: The command groups, in the order ``mlkg --help`` lists them; each module has ``register(app)``.
COMMAND_MODULES = (convert, validate, lineage, query, diagram, store, importers, docs, history, link, export, push)

_REGISTERED = False


def _register_all() -> None:
    global _REGISTERED
    if _REGISTERED:
        return
    _REGISTERED = True
    for mod in COMMAND_MODULES:
        mod.register(app)


def get_app() -> typer.Typer:
    """The Typer app with every command group registered (for ``typer.testing.CliRunner``)."""
    _register_all()
    return app


def app_for(args: Sequence[str]) -> typer.Typer:
    """The app with only the command group that ``args`` start with (click builds every command's parameters
    before it runs one: start-up time for nothing); the whole app when the first word names none (help, version,
    a mistyped name: click then lists or suggests them all)."""
    _register_all()
    if not args or args[0].startswith("-"):
        return app
    commands = [c for c in app.registered_commands
                if (c.name or (c.callback.__name__.lower().replace("_", "-") if c.callback else None)) == args[0]]
    groups = [g for g in app.registered_groups if g.name == args[0]]
    if len(commands) + len(groups) != 1:
        return app
    one = copy.copy(app)
    one.registered_commands, one.registered_groups = commands, groups
    return one


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``mlkg`` console script."""
    try:
        app_for(sys.argv[1:] if argv is None else argv)(args=argv, prog_name="mlkg", standalone_mode=True)
    except SystemExit:
        # click uses exit code 2 for usage errors already; keep codes as they are.
        raise
    finally:
        sys.stdout.flush()


if __name__ == "__main__":
    main()
