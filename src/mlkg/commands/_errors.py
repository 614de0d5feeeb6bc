"""How the command line reports failures: one line on stderr (``mlkg: ...``) and an exit code.

Exit codes: 0 ok, 1 data does not conform (validate), 2 bad input or usage, 3 not implemented, 130 interrupted.
The library raises :mod:`mlkg.errors` exceptions; only the commands (through :func:`handle_errors`) turn them into
messages.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import typer

from ..errors import InputError, MlkgError, NotImplementedFeature

F = TypeVar("F", bound=Callable[..., Any])


def fail(message: str, code: int = 2) -> typer.Exit:
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
        except MlkgError as e:  # InputError, RemoteAccessError, StoreError and the rest
            raise fail(str(e), 2) from None
        except FileNotFoundError as e:
            raise fail(f"{e.filename or e}: no such file", 2) from None
        except PermissionError as e:
            raise fail(f"{e.filename or e}: permission denied", 2) from None
        except KeyboardInterrupt:
            raise fail("interrupted", 130) from None

    return wrapper  # type: ignore[return-value]


@contextmanager
def naming(source: Sequence[str] | str | None) -> Iterator[None]:
    """Name where the input came from (the files, or an option such as ``--param``) in an
    :class:`~mlkg.errors.InputError` that names no source (an unknown entity, a bad parameter)."""
    try:
        yield
    except InputError as e:
        where = source if isinstance(source, str) else ", ".join(source or [])
        if e.source is None and where:
            e.with_source(where)
        raise


__all__ = ["fail", "handle_errors", "naming"]
