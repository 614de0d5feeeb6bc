"""Cheap parameter coercion for the command line's start-up (issue 16).

Typer 0.29 coerces every parameter of the command that runs through a pydantic ``TypeAdapter`` it builds on the
spot; importing pydantic and building the adapters is about 0.1 s CPU of every store-backed ``mlkg impact`` (a
third of its start-up budget) for values that are already the strings, ints and lists the command wants.

:func:`install` puts a coercion in front of typer's: a value that is plainly of the parameter's type (a ``str``
without lone surrogates for ``str``, a tuple of such strings for ``list[str]``, an ``int`` or a plain decimal
literal for ``int``, a ``bool`` for ``bool``) is returned as typer's adapter would return it; anything else (other
types, an odd value, an invalid one) goes to typer's own adapter, built on first use, so every message and exit
code stays typer's.
``tests/cli/test_params.py`` checks the two agree on every parameter of the app. With a typer that has no
``_coercion`` module (before 0.29) nothing is installed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: Decimal integers pydantic's lax ``int`` takes from a string exactly as Python's ``int()`` does.
_PLAIN_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")

_installed = False


def _plain_str(value: Any) -> bool:
    if type(value) is not str:
        return False
    if value.isascii():
        return True
    try:  # pydantic-core refuses a str with lone surrogates (undecodable argv bytes): leave those to it
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _fast(kind: str, value: Any) -> tuple[bool, Any]:
    """``(True, coerced)`` when ``value`` is plainly of ``kind``, else ``(False, None)``."""
    if kind == "str":
        return (True, value) if _plain_str(value) else (False, None)
    if kind == "list[str]":
        if type(value) in (tuple, list) and all(_plain_str(v) for v in value):
            return True, list(value)
        return False, None
    if kind == "bool":
        return (True, value) if type(value) is bool else (False, None)
    if kind == "int":
        if type(value) is int:
            return True, value
        if type(value) is str and _PLAIN_INT.fullmatch(value):
            return True, int(value)
    return False, None


def _kind(descriptor: Any) -> str | None:
    """The parameter kinds with a fast path: plain ``str``, ``list[str]`` and ``int``, no parser, range or file."""
    info = descriptor.parameter_info
    if descriptor.file_annotation is not None or getattr(info, "parser", None) is not None:
        return None
    if descriptor.is_choice or descriptor.is_path or descriptor.is_ranged:
        return None
    ann = descriptor.annotation
    if ann is str:
        return "str"
    if ann is int:
        return "int"
    if ann is bool:
        return "bool"
    if repr(ann) == "list[str]":
        return "list[str]"
    return None


def install() -> None:
    """Route typer's parameter coercion through the fast path (idempotent; a no-op on other typer versions)."""
    global _installed
    if _installed:
        return
    _installed = True
    try:
        from typer import _coercion, core
    except ImportError:  # pragma: no cover - typer before 0.29 coerces with click types, no pydantic
        return
    found = getattr(core, "build_runtime_param", None)
    base = getattr(_coercion, "RuntimeParam", None)
    if found is None or base is None:  # pragma: no cover - another typer layout: leave it alone
        return
    original: Callable[[Any], Any] = found

    @dataclass(frozen=True)
    class FastRuntimeParam(base):  # type: ignore[misc, valid-type]
        """A plain value as is; anything else through typer's own runtime parameter (built on first use)."""

        kind: str = ""
        descriptor: Any = None
        _slow: list[Any] = field(default_factory=list, compare=False, repr=False)

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            ok, out = _fast(self.kind, value)
            if ok:
                return out
            if not self._slow:
                self._slow.append(original(self.descriptor))
            return self._slow[0]._coerce_value(value, param=param, ctx=ctx)

    def build_runtime_param(descriptor: Any) -> Any:
        kind = _kind(descriptor)
        if kind is None:
            return original(descriptor)
        return FastRuntimeParam(parameter_info=descriptor.parameter_info, annotation=descriptor.annotation,
                                kind=kind, descriptor=descriptor)

    build_runtime_param.original = original  # type: ignore[attr-defined]  # for the tests' comparison
    core.build_runtime_param = build_runtime_param
