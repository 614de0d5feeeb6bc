"""The ``mlkg`` command line.

Data goes to stdout (or ``-o``); messages and progress go to stderr. Exit codes: 0 ok, 1 data does not conform
(validate), 2 bad input or usage, 3 not implemented. Only this module (and ``mlkg.commands``) turns exceptions
into messages; everything else raises.

Each command group lives in its own module under :mod:`mlkg.commands` with a ``register(app)`` function, imported
lazily so optional dependencies load only when used.
"""

from __future__ import annotations

import functools
import importlib
import sys
from typing import Any, Callable, TypeVar

import typer

from .errors import InputError, MlkgError, NotImplementedFeature, RemoteAccessError, StoreError

app = typer.Typer(
    name="mlkg",
    help="ML model metadata as a knowledge graph: convert, validate, query, trace lineage, import.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Print mlkg's version and exit.", is_eager=True),
) -> None:
    """ML model metadata as a knowledge graph: convert, validate, query, trace lineage, import."""
    if version:
        from . import __version__

        typer.echo(__version__)
        raise typer.Exit(0)


#: Command modules under mlkg.commands; each has register(app).
COMMAND_MODULES = ("convert", "validate", "lineage", "query", "diagram", "store", "importers", "docs", "history",
                   "link")

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = 2) -> "typer.Exit":
    """Print one line to stderr and return the Exit to raise."""
    typer.echo(f"mlkg: {message}", err=True)
    return typer.Exit(code)


def handle_errors(func: F) -> F:
    """Turn mlkg's exceptions into one line on stderr and an exit code (2 input/usage, 3 not implemented)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except NotImplementedFeature as e:
            raise fail(str(e), 3) from None
        except (InputError, RemoteAccessError, StoreError, MlkgError) as e:
            raise fail(str(e), 2) from None
        except FileNotFoundError as e:
            raise fail(f"{e.filename or e}: no such file", 2) from None
        except PermissionError as e:
            raise fail(f"{e.filename or e}: permission denied", 2) from None
        except KeyboardInterrupt:
            raise fail("interrupted", 130) from None

    return wrapper  # type: ignore[return-value]


_REGISTERED = False


def _register_all() -> None:
    global _REGISTERED
    if _REGISTERED:
        return
    _REGISTERED = True
    for name in COMMAND_MODULES:
        try:
            mod = importlib.import_module(f"mlkg.commands.{name}")
        except ModuleNotFoundError as e:
            if e.name == f"mlkg.commands.{name}":
                continue  # command group not built yet
            raise
        mod.register(app)


def get_app() -> typer.Typer:
    """The Typer app with every command group registered (for ``typer.testing.CliRunner``)."""
    _register_all()
    return app


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``mlkg`` console script."""
    _register_all()
    try:
        app(args=argv, prog_name="mlkg", standalone_mode=True)
    except SystemExit:
        # click uses exit code 2 for usage errors already; keep codes as they are.
        raise
    finally:
        sys.stdout.flush()


if __name__ == "__main__":
    main()
