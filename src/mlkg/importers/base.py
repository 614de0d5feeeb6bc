"""What every importer shares: described configs, the import report, one pagination function, errors.

An importer is a module with a config dataclass (every field has a default and a description), a generator
``entities(config, report)`` that yields mlkg entities, and nothing else. The platform SDK is imported inside the
generator, so importing :mod:`mlkg.importers` never imports mlflow, huggingface_hub or scikit-learn.
"""

from __future__ import annotations

import dataclasses
import enum
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, TypeVar

from ..errors import MlkgError

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)
Token = Any


class ImportFailure(MlkgError, RuntimeError):
    """An import could not run or, in strict mode, reported warnings or skipped items.

    The message is one line (the CLI prints it as is); ``report`` holds the details when there is one.
    """

    def __init__(self, message: str, *, report: "ImportReport | None" = None) -> None:
        super().__init__(message)
        self.report = report


class SourceUnavailable(ImportFailure):
    """The platform could not be reached or read (server down, corrupt store, missing SDK)."""


def missing_sdk(package: str, extra: str) -> SourceUnavailable:
    return SourceUnavailable(f"this importer needs {package}: pip install 'mlkg[{extra}]'")


# ---------------------------------------------------------------------------------------------------------------
# Described configs
# ---------------------------------------------------------------------------------------------------------------


def option(default: Any = None, description: str = "", *, factory: Callable[[], Any] | None = None) -> Any:
    """A config field with a default and a one-line description (shown by ``describe``)."""
    meta = {"description": description}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class OptionInfo:
    name: str
    type: str
    default: Any
    description: str


def describe(config_cls: type) -> list[OptionInfo]:
    """The fields of an importer config: name, type, default and description.

    >>> from mlkg.importers.mlflow import MlflowConfig
    >>> [o.name for o in describe(MlflowConfig)][:2]
    ['tracking_uri', 'registry_uri']
    """
    out = []
    for f in dataclasses.fields(config_cls):
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
            default = f.default_factory()  # type: ignore[misc]
        else:  # pragma: no cover - every config field has a default
            default = None
        out.append(OptionInfo(f.name, str(f.type), default, f.metadata.get("description", "")))
    return out


# ---------------------------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportItem:
    """One warning or skipped item: what it is about and why."""

    item: str
    message: str

    def __str__(self) -> str:
        return f"{self.item}: {self.message}" if self.item else self.message


@dataclass
class ImportReport:
    """Counts of what an import produced, and the warnings and skipped items (each with a reason).

    ``progress`` (if set) is called with a short line now and then; the CLI prints it on stderr.
    """

    source: str
    counts: Counter = field(default_factory=Counter)
    warnings: list[ReportItem] = field(default_factory=list)
    skipped: list[ReportItem] = field(default_factory=list)
    progress: Callable[[str], None] | None = None
    seconds: float | None = None
    extra_triples: list[tuple[Any, Any, Any]] = field(default_factory=list)
    """Triples the importer adds beyond its entities (e.g. ``owl:sameAs`` links to OpenMetadata IRIs)."""

    def count(self, kind: str, n: int = 1) -> None:
        self.counts[kind] += n

    def warn(self, message: str, *, item: str = "") -> None:
        self.warnings.append(ReportItem(item, message))

    def skip(self, item: str, reason: str) -> None:
        self.skipped.append(ReportItem(item, reason))

    def say(self, line: str) -> None:
        if self.progress is not None:
            self.progress(line)

    @property
    def problems(self) -> list[ReportItem]:
        return [*self.warnings, *self.skipped]

    def check(self, strict: bool) -> None:
        """In strict mode, fail if anything was warned about or skipped.

        :raises ImportFailure: naming the first problem and how many there are.
        """
        if strict and self.problems:
            first = self.problems[0]
            n = len(self.problems)
            more = f" (and {n - 1} more)" if n > 1 else ""
            raise ImportFailure(f"{self.source}: strict mode: {first}{more}", report=self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "counts": dict(sorted(self.counts.items())),
            "warnings": [{"item": w.item, "message": w.message} for w in self.warnings],
            "skipped": [{"item": s.item, "reason": s.message} for s in self.skipped],
            "seconds": self.seconds,
        }

    def text(self) -> str:
        """The report for people: one line of counts, then one line per warning and skipped item."""
        counts = ", ".join(f"{n} {k}" for k, n in sorted(self.counts.items())) or "nothing"
        lines = [f"{self.source}: imported {counts}"
                 + (f" in {self.seconds:.2f}s" if self.seconds is not None else "")]
        lines += [f"  warning: {w}" for w in self.warnings]
        lines += [f"  skipped: {s}" for s in self.skipped]
        return "\n".join(lines)


def stderr_progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------------------
# Pagination
# ---------------------------------------------------------------------------------------------------------------


def paginate(fetch: Callable[[Token | None], tuple[Iterable[T], Token | None]], *,
             what: str = "pages", max_pages: int = 1_000_000) -> Iterator[T]:
    """Yield every item of a paged listing.

    ``fetch(token)`` returns ``(items, next_token)``; the first call gets ``None`` and the listing ends when the
    next token is empty. Used for MLflow's ``PagedList`` (``.token``) and OpenMetadata's ``paging.after``.

    :raises ImportFailure: if the server hands back a token it already gave (it would loop forever).

    >>> pages = {None: ([1, 2], "a"), "a": ([3], "b"), "b": ([], None)}
    >>> list(paginate(lambda t: pages[t]))
    [1, 2, 3]
    """
    token: Token | None = None
    seen: set[Any] = set()
    for _ in range(max_pages):
        items, nxt = fetch(token)
        yield from items
        if not nxt:
            return
        key = nxt if isinstance(nxt, (str, bytes, int)) else repr(nxt)
        if key in seen:
            raise ImportFailure(f"{what}: the server returned the page token {str(nxt)[:40]!r} twice")
        seen.add(key)
        token = nxt
    raise ImportFailure(f"{what}: more than {max_pages} pages")


def mlflow_pages(call: Callable[..., Any], **kwargs: Any) -> Iterator[Any]:
    """Every item of an MLflow ``search_*`` call (a ``PagedList`` with ``.token``), through :func:`paginate`."""

    def fetch(token: Token | None) -> tuple[Iterable[Any], Token | None]:
        page = call(page_token=token, **kwargs)
        return list(page), getattr(page, "token", None)

    return paginate(fetch, what=getattr(call, "__name__", "mlflow"))


# ---------------------------------------------------------------------------------------------------------------
# Small helpers shared by importers
# ---------------------------------------------------------------------------------------------------------------


def enum_member(cls: type[E], value: str) -> E:
    """The member of an mlkg enum whose JSON value is ``value``.

    :raises ValueError: if there is none.

    >>> from mlkg.model.entities import Split
    >>> enum_member(Split, "test").name
    'TEST'
    """
    for member in cls:
        if member.value == value:
            return member
    raise ValueError(f"{value!r} is not a {cls.__name__}")


def redact_uri(uri: str) -> str:
    """A URI with any user:password part removed (credentials never reach graphs, logs or errors).

    >>> redact_uri("https://token:secret@example.org/mlflow")
    'https://example.org/mlflow'
    """
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(uri)
    except ValueError:
        return uri
    if parts.username is None and parts.password is None:
        return uri
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def first_line(exc: BaseException, limit: int = 300) -> str:
    """``ClassName: first line of the message`` with any credentials in URLs removed."""
    import re

    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = re.sub(r"(\w+://)[^/\s:@]+:[^/\s@]+@", r"\1", text)
    text = text[:limit]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
