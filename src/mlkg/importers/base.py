"""The importer contract: :class:`Importer`, its described and validated config, the shared :class:`ImportReport`.

How to add an importer
======================

1. Write a package ``mlkg/importers/<platform>/`` (or, as a third party, any importable module) with a frozen
   config dataclass and an :class:`Importer` subclass::

       from dataclasses import dataclass
       from mlkg.importers.base import Capability, Importer, ImporterConfig, option
       from mlkg.model import entities as m

       @dataclass(frozen=True)
       class ToyConfig(ImporterConfig):
           path: str = option("", "The export file to read.")
           service_name: str = option("toy", "Name of the MLModelService entity.")
           page_size: int = option(100, "Page size of listings.", minimum=1)

       class ToyImporter(Importer[ToyConfig]):
           \"\"\"Toy platform: models from an export file.\"\"\"
           name = "toy"
           platform = m.PlatformType.CUSTOM
           Config = ToyConfig
           capabilities = {Capability.REGISTRY: "Models and their versions from the export."}
           extra = "toy"                 # pip install 'mlkg[toy]' installs the SDK
           sdk = ("toy_sdk",)            # import names, imported only inside entities()
           source_option = "path"        # what ``mlkg import toy SOURCE`` fills

           def entities(self):
               self.require_sdk()
               yield self.service()
               for item in read(self.config.path):
                   with self.report.guard(f"model {item['name']}") as g:
                       model = m.MLModel(name=item["name"], fqn=self.fqn(item["name"]),
                                         service=self.service_ref())
                   if g.ok:
                       yield model

2. Register it with one entry point in ``pyproject.toml``::

       [project.entry-points."mlkg.importers"]
       toy = "mlkg.importers.toy:ToyImporter"

3. Add the extra (``[project.optional-dependencies] toy = ["toy-sdk>=1"]``) and a test folder
   ``tests/importers/toy/`` with the platform's real files and a golden Turtle file.

Nothing else: ``mlkg import toy FILE`` (options generated from ``ToyConfig``), ``mlkg import --list``, the pipeline
(file, store or Python list, provenance in the named graph) and the conformance tests pick it up.

The rules the conformance test checks: every option has a default and a one-sentence description; the config
refuses wrong types and out-of-range values when it is built; the SDK is imported only inside :meth:`entities`
(or :meth:`test_connection`), and a missing SDK raises ``pip install 'mlkg[extra]'``; :meth:`source` never shows a
secret.
"""

from __future__ import annotations

import abc
import contextlib
import dataclasses
import enum
import importlib
import importlib.util
import re
import sys
import types
import typing
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar, Generic, TypeVar, Union

from .. import ids
from ..errors import InputError, MlkgError
from ..model import entities as m
from ..model.base import Ref

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)
Token = Any


class ImportFailure(MlkgError, RuntimeError):
    """An import could not run or, in strict mode, reported warnings, failures or skipped items.

    The message is one line (the CLI prints it as is); ``report`` holds the details when there is one.
    """

    def __init__(self, message: str, *, report: ImportReport | None = None) -> None:
        super().__init__(message)
        self.report = report


class SourceUnavailable(ImportFailure):
    """The platform could not be reached or read (server down, corrupt store, missing SDK)."""


class UnknownImporter(MlkgError, ValueError):
    """No importer is registered under this name."""


def missing_sdk(package: str, extra: str | None) -> SourceUnavailable:
    how = f"pip install 'mlkg[{extra}]'" if extra else f"pip install {package}"
    return SourceUnavailable(f"this importer needs {package}: {how}")


# ---------------------------------------------------------------------------------------------------------------
# Described, validated configs
# ---------------------------------------------------------------------------------------------------------------


def option(default: Any = None, description: str = "", *, factory: Callable[[], Any] | None = None,
           minimum: float | None = None, maximum: float | None = None, choices: Iterable[str] | None = None,
           secret: bool = False, cli: bool | tuple[str, ...] = True, cli_off: tuple[str, ...] = ()) -> Any:
    """A config field with a default and a one-sentence description.

    ``minimum``/``maximum``/``choices`` are checked when the config is built. ``secret`` values are never shown
    (reports, provenance, ``--list``). ``cli``: ``False`` keeps the option out of the command line (Python-only
    values such as an estimator object); a tuple adds flag spellings (``("--experiment",)``). ``cli_off`` are
    flags that set a boolean option to false (``("--no-runs",)``).
    """
    meta = {"description": description, "minimum": minimum, "maximum": maximum,
            "choices": tuple(choices) if choices is not None else None, "secret": secret, "cli": cli,
            "cli_off": tuple(cli_off)}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class OptionInfo:
    """One config option as :func:`describe` reports it."""

    name: str
    type: str
    default: Any
    description: str
    choices: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    secret: bool = False
    annotation: Any = None
    cli: bool | tuple[str, ...] = True
    cli_off: tuple[str, ...] = ()


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """The resolved annotations of a config class (cached: configs are built often)."""
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def type_text(tp: Any) -> str:
    """What a value of annotation ``tp`` looks like, in words (for errors and ``--help``)."""
    if tp is Any:
        return "any value"
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        text = " or ".join(type_text(a) for a in args)
        return text + " or nothing" if len(args) < len(typing.get_args(tp)) else text
    if origin is tuple:
        return f"a list of {type_text(typing.get_args(tp)[0]).removeprefix('a ').removeprefix('an ')}"
    return {bool: "true or false", int: "an integer", float: "a number", str: "a text"}.get(tp, getattr(
        tp, "__name__", str(tp)))


def _fits(value: Any, tp: Any) -> bool:
    if tp is Any:
        return True
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        return any(_fits(value, a) for a in typing.get_args(tp))
    if tp is type(None):
        return value is None
    if origin is tuple:
        args = typing.get_args(tp)
        return isinstance(value, tuple) and all(_fits(v, args[0]) for v in value)
    if tp is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if tp is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(tp, type):
        return isinstance(value, tp)
    return True


def describe(config_cls: type) -> list[OptionInfo]:
    """The options of an importer config: name, type, default, description and constraints.

    >>> from mlkg.importers.mlflow import MlflowConfig
    >>> [o.name for o in describe(MlflowConfig)][:2]
    ['tracking_uri', 'registry_uri']
    """
    hints = _hints(config_cls)
    out = []
    for f in dataclasses.fields(config_cls):
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            default = None
        md = f.metadata
        out.append(OptionInfo(f.name, type_text(hints.get(f.name, Any)), default, md.get("description", ""),
                              md.get("choices"), md.get("minimum"), md.get("maximum"), bool(md.get("secret")),
                              hints.get(f.name, Any), md.get("cli", True), md.get("cli_off", ())))
    return out


class ImporterConfig:
    """Base of importer configs (frozen dataclasses of :func:`option` fields): checks every value on construction.

    :raises InputError: naming the option, what it got and what it expects.
    """

    def __post_init__(self) -> None:
        where = f"{type(self).__name__}"
        hints = _hints(type(self))
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            tp = hints.get(f.name, Any)
            if isinstance(value, list) and typing.get_origin(tp) is tuple:
                value = tuple(value)
                object.__setattr__(self, f.name, value)
            if not _fits(value, tp):
                raise InputError(f"got {type(value).__name__} {_shown(value, f)}", source=where, path=f.name,
                                 expected=type_text(tp))
            md = f.metadata
            lo, hi, choices = md.get("minimum"), md.get("maximum"), md.get("choices")
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                if lo is not None and value < lo:
                    raise InputError(f"{value} is too small", source=where, path=f.name,
                                     expected=f"at least {lo:g}")
                if hi is not None and value > hi:
                    raise InputError(f"{value} is too large", source=where, path=f.name,
                                     expected=f"at most {hi:g}")
            if choices and value is not None and value not in choices:
                raise InputError(f"{value!r} is not a choice", source=where, path=f.name,
                                 expected="one of " + ", ".join(choices))


def _shown(value: Any, f: dataclasses.Field) -> str:
    return "(secret)" if f.metadata.get("secret") else repr(value)[:60]


_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def coerce(tp: Any, value: Any, *, where: str, name: str) -> Any:
    """``value`` (from a recipe file or ``--set key=value``) as annotation ``tp`` wants it.

    Text is parsed (``true``/``false``, numbers, comma-separated lists); YAML lists become tuples. A value that
    does not parse raises :class:`InputError` naming ``where`` and the option.
    """
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = typing.get_args(tp)
        if value is None or (value == "" and type(None) in args):
            return None
        inner = [a for a in args if a is not type(None)]
        return coerce(inner[0], value, where=where, name=name) if len(inner) == 1 else value
    if origin is tuple:
        items = value if isinstance(value, (list, tuple)) else (
            [v.strip() for v in value.split(",") if v.strip()] if isinstance(value, str) else [value])
        return tuple(coerce(typing.get_args(tp)[0], v, where=where, name=name) for v in items)
    if not isinstance(value, str) or tp in (str, Any):
        return value
    text = value.strip()
    try:
        if tp is bool:
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise ValueError
        if tp is int:
            return int(text)
        if tp is float:
            return float(text)
    except ValueError:
        raise InputError(f"{value!r} is not {type_text(tp)}", source=where, path=name,
                         expected=type_text(tp)) from None
    return value


def config_from(config_cls: type[C], values: Mapping[str, Any], *, where: str) -> C:
    """Build ``config_cls`` from a mapping of option names to values (text or YAML values), checked.

    :raises InputError: an unknown option (the known ones listed) or a value that does not fit.
    """
    hints = _hints(config_cls)
    names = [f.name for f in dataclasses.fields(config_cls)]  # type: ignore[arg-type]
    kwargs = {}
    for key, value in values.items():
        k = str(key).replace("-", "_")
        if k not in names:
            raise InputError(f"unknown option {key!r}", source=where, path=str(key),
                             expected="one of " + ", ".join(names))
        kwargs[k] = coerce(hints.get(k, Any), value, where=where, name=k)
    try:
        return config_cls(**kwargs)
    except InputError as e:
        raise e.with_source(where) if e.source is None else InputError(
            e.message, source=where, path=e.path, expected=e.expected) from None


C = TypeVar("C", bound=ImporterConfig)


# ---------------------------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportItem:
    """One warning, failure or skipped item: what it is about and why."""

    item: str
    message: str

    def __str__(self) -> str:
        return f"{self.item}: {self.message}" if self.item else self.message


class Samples(list):
    """A list that keeps its first ``limit`` items and counts the rest (``total``), so a run over a million
    items with a recurring problem does not keep a million messages."""

    def __init__(self, limit: int = 100) -> None:
        super().__init__()
        self.limit = limit
        self.total = 0

    def append(self, item: Any) -> None:
        self.total += 1
        if len(self) < self.limit:
            super().append(item)

    @property
    def dropped(self) -> int:
        return self.total - len(self)


@dataclass
class Guard:
    """What :meth:`ImportReport.guard` yields: ``ok`` is false once the guarded block failed."""

    item: str
    ok: bool = True
    error: BaseException | None = None


@dataclass
class ImportReport:
    """Counts of what an import produced, and its warnings, failures and skipped items (each with a reason).

    - a *warning* is something imported with a caveat (a value not understood, a guess made);
    - a *failure* is an item that could not be read at all (an exception in :meth:`guard`); the rest goes on;
    - a *skipped* item is one deliberately left out (not found, not convertible), with the reason.

    Each list keeps its first ``sample_limit`` entries and counts the others. ``progress`` (if set) is called
    with a short line now and then; the CLI prints it on stderr.
    """

    source: str
    counts: Counter = field(default_factory=Counter)
    progress: Callable[[str], None] | None = None
    seconds: float | None = None
    sample_limit: int = 100
    started: datetime | None = None
    ended: datetime | None = None
    extra_triples: list[tuple[Any, Any, Any]] = field(default_factory=list)
    """Triples the importer adds beyond its entities (e.g. ``owl:sameAs`` links to OpenMetadata IRIs)."""
    triples: int | None = None
    """How many triples the pipeline wrote (set by :mod:`mlkg.importers.pipeline`)."""
    graph: str | None = None
    """The named graph the pipeline wrote to, or would have in a store."""

    def __post_init__(self) -> None:
        self.warnings: Samples = Samples(self.sample_limit)
        self.failures: Samples = Samples(self.sample_limit)
        self.skipped: Samples = Samples(self.sample_limit)

    def count(self, kind: str, n: int = 1) -> None:
        self.counts[kind] += n

    def warn(self, message: str, *, item: str = "") -> None:
        self.warnings.append(ReportItem(item, message))

    def fail(self, item: str, message: str) -> None:
        self.failures.append(ReportItem(item, message))

    def skip(self, item: str, reason: str) -> None:
        self.skipped.append(ReportItem(item, reason))

    def say(self, line: str) -> None:
        if self.progress is not None:
            self.progress(line)

    @contextlib.contextmanager
    def guard(self, item: str, *, fatal: bool = False) -> Iterator[Guard]:
        """Isolate the work on one item: an exception inside is recorded as a failure of ``item`` and the import
        goes on (``g.ok`` tells the caller). With ``fatal=True`` (a whole listing, without which nothing can be
        imported) it is raised again as :class:`SourceUnavailable`. :class:`SourceUnavailable` itself (the source
        is gone) always goes through.

        >>> r = ImportReport(source="demo")
        >>> with r.guard("run 7") as g:
        ...     int("seven")
        >>> g.ok, str(r.failures[0])
        (False, "run 7: ValueError: invalid literal for int() with base 10: 'seven'")
        """
        g = Guard(item)
        try:
            yield g
        except SourceUnavailable:
            raise
        except Exception as e:
            g.ok, g.error = False, e
            if fatal:
                raise SourceUnavailable(f"cannot read {item} from {self.source}: {first_line(e)}",
                                        report=self) from None
            self.fail(item, first_line(e))

    @property
    def problems(self) -> list[ReportItem]:
        return [*self.failures, *self.warnings, *self.skipped]

    @property
    def problem_count(self) -> int:
        return self.failures.total + self.warnings.total + self.skipped.total

    def check(self, strict: bool) -> None:
        """In strict mode, fail if anything failed, was warned about or was skipped.

        :raises ImportFailure: naming the first problem and how many there are.
        """
        if strict and self.problem_count:
            first = self.problems[0]
            n = self.problem_count
            more = f" (and {n - 1} more)" if n > 1 else ""
            raise ImportFailure(f"{self.source}: strict mode: {first}{more}", report=self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "counts": dict(sorted(self.counts.items())),
            "failures": [{"item": w.item, "message": w.message} for w in self.failures],
            "warnings": [{"item": w.item, "message": w.message} for w in self.warnings],
            "skipped": [{"item": s.item, "reason": s.message} for s in self.skipped],
            "totals": {"failures": self.failures.total, "warnings": self.warnings.total,
                       "skipped": self.skipped.total},
            "started": self.started.isoformat() if self.started else None,
            "ended": self.ended.isoformat() if self.ended else None,
            "seconds": self.seconds,
            "graph": self.graph,
            "triples": self.triples,
        }

    def text(self) -> str:
        """The report for people: one line of counts, then one line per failure, warning and skipped item."""
        counts = ", ".join(f"{n} {k}" for k, n in sorted(self.counts.items())) or "nothing"
        lines = [f"{self.source}: imported {counts}"
                 + (f" in {self.seconds:.2f}s" if self.seconds is not None else "")]
        for label, items in (("failed", self.failures), ("warning", self.warnings), ("skipped", self.skipped)):
            lines += [f"  {label}: {w}" for w in items]
            if items.dropped:
                lines.append(f"  ... and {items.dropped} more ({label})")
        return "\n".join(lines)


def stderr_progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------------------------
# The importer
# ---------------------------------------------------------------------------------------------------------------


class Capability(enum.Enum):
    """What an importer can bring over (the value is the column heading of ``mlkg import --list``)."""

    REGISTRY = "models and versions"
    RUNS = "runs, params, metrics"
    DATASETS = "dataset lineage"
    FEATURES = "features"
    DEPLOYMENTS = "deployments"
    GOVERNANCE = "governance"


FieldMap = Mapping[type[m.Entity], Mapping[str, str]]
"""An importer's mapping table (:attr:`Importer.fills`): entity class → field name → where the value comes from."""

DERIVED_BY_MLKG = "derived by mlkg"
"""Why a field needs no row in a mapping table: mlkg derives it (an entity's ``fqn``, a tag label's ``name`` and
``tag``, a hyperparameter's ``value_text``, an evaluation's ``measure``: what :meth:`Entity.derivations` lists)."""


def check_fills(fills: FieldMap) -> list[str]:
    """What is wrong with a mapping table: a key that is not an entity class, a field the class does not have,
    a source that is not a non-empty text.

    >>> check_fills({m.MLModel: {"name": "the model's name", "colour": "x", "algorithm": ""}})
    ["MLModel has no field 'colour'", 'MLModel.algorithm: the source is empty']
    """
    problems = []
    for cls, table in fills.items():
        if not (isinstance(cls, type) and issubclass(cls, m.Entity)):
            problems.append(f"{cls!r} is not an entity class")
            continue
        names = {f.name for f in dataclasses.fields(cls)}
        for fname, source in table.items():
            if fname not in names:
                problems.append(f"{cls.__name__} has no field {fname!r}")
            elif not isinstance(source, str) or not source.strip():
                problems.append(f"{cls.__name__}.{fname}: the source is empty")
    return problems


class Importer(abc.ABC, Generic[C]):
    """One platform's importer: a config, a report, and :meth:`entities` yielding mlkg entities.

    Subclasses set the class attributes below; everything else has a default built from them. Build one with a
    config (``MlflowImporter(MlflowConfig(...))``) or with options (``MlflowImporter(tracking_uri=...)``).
    """

    name: ClassVar[str]
    """Registry name (``mlkg import NAME``)."""
    platform: ClassVar[m.PlatformType]
    """The platform, as the service entity's ``service_type``."""
    Config: ClassVar[type[ImporterConfig]]
    """A frozen dataclass of :func:`option` fields deriving from :class:`ImporterConfig`."""
    capabilities: ClassVar[Mapping[Capability, str]] = {}
    """Each capability with one sentence on what the platform gives."""
    extra: ClassVar[str | None] = None
    """The pip extra installing the SDK (named by the missing-SDK error)."""
    sdk: ClassVar[tuple[str, ...]] = ()
    """Import names of the SDK modules; imported only by :meth:`require_sdk`."""
    source_option: ClassVar[str | None] = None
    """The config option that ``mlkg import NAME SOURCE...`` fills (a tuple option takes several)."""
    version: ClassVar[str | None] = None
    """The importer's version for provenance (default: the version of the package that registered it)."""
    examples: ClassVar[tuple[str, ...]] = ()
    """Command lines shown by ``mlkg import NAME --help``."""
    fills: ClassVar[FieldMap] = {}
    """The mapping table: for each entity class the importer yields, each field it fills and the platform source
    of the value (``{m.ModelVersion: {"stage": "ModelPackage.ModelLifeCycle.Stage", ...}}``). The fields mlkg
    derives itself (:data:`DERIVED_BY_MLKG`) are left out. The spec pages' integration tables are generated from
    it, and a test holds it equal to what the importer's golden graphs show."""

    def __init__(self, config: C | None = None, report: ImportReport | None = None, **options: Any) -> None:
        if config is None:
            config = self.Config(**options)  # type: ignore[assignment]
        elif options:
            config = dataclasses.replace(config, **options)  # type: ignore[type-var]
        if not isinstance(config, self.Config):
            raise TypeError(f"{type(self).__name__} needs a {self.Config.__name__}, not {type(config).__name__}")
        self.config: C = config
        self.report = report if report is not None else ImportReport(source=self.source())

    # -- description ---------------------------------------------------------------------------------------------

    @classmethod
    def summary(cls) -> str:
        """The first paragraph of the class docstring, on one line."""
        return " ".join((cls.__doc__ or cls.name).strip().split("\n\n")[0].split())

    @classmethod
    def sdk_installed(cls) -> bool:
        """Whether every SDK module can be found (without importing it)."""
        return all(importlib.util.find_spec(mod) is not None for mod in cls.sdk)

    def require_sdk(self) -> None:
        """Import the SDK modules now.

        :raises SourceUnavailable: ``pip install 'mlkg[extra]'`` when one is missing.
        """
        for mod in self.sdk:
            try:
                importlib.import_module(mod)
            except ImportError:
                raise missing_sdk(mod.split(".")[0], self.extra) from None

    def source(self) -> str:
        """What is imported, for reports and provenance, with secrets and URL credentials removed."""
        value = getattr(self.config, self.source_option, "") if self.source_option else ""
        if isinstance(value, tuple):
            value = " ".join(str(v) for v in value)
        return f"{self.name} {redact_uri(str(value))}".strip() if value else self.name

    @property
    def service_name(self) -> str:
        return str(getattr(self.config, "service_name", "") or self.name)

    def graph_key(self) -> str:
        """The key of this import's named graph: re-importing the same source replaces the same graph."""
        value = getattr(self.config, self.source_option, "") if self.source_option else ""
        value = " ".join(map(str, value)) if isinstance(value, tuple) else str(value or "")
        return f"{self.service_name}/{redact_uri(value)}" if value else self.service_name

    @classmethod
    def cli_values(cls, values: dict[str, Any]) -> dict[str, Any]:
        """Adjust the option values the command line gathered before the config is built (default: as given)."""
        return values

    # -- building entities -------------------------------------------------------------------------------------------

    def service_url(self) -> str | None:
        """The platform URL recorded on the service entity (none by default)."""
        return None

    def service_description(self) -> str | None:
        return None

    def service(self) -> m.MLModelService:
        """The service entity every model of this import belongs to."""
        return m.MLModelService(name=self.service_name, service_type=self.platform, service_url=self.service_url(),
                                description=self.service_description())

    def service_fqn(self) -> str:
        return ids.quote_part(self.service_name)

    def service_ref(self) -> Ref:
        return Ref(type="mlmodelService", fqn=self.service_fqn())

    def fqn(self, *parts: str) -> str:
        """The FQN of a node under the service (``fqn("churn", "3")`` → ``mlflow.churn.3``)."""
        return ids.fqn_child(self.service_fqn(), *parts)

    def test_connection(self) -> None:
        """Check that the source can be read (SDK installed, server or file there) without importing anything.

        The default checks the SDK and, when the source option names local files, that they exist; importers that
        talk to a server override it to reach the server.

        :raises SourceUnavailable: saying what is wrong.
        """
        from pathlib import Path

        self.require_sdk()
        value = getattr(self.config, self.source_option, "") if self.source_option else ""
        for v in value if isinstance(value, tuple) else (value,):
            if isinstance(v, str) and v and "://" not in v and not Path(v).exists():
                raise SourceUnavailable(f"{v}: no such file or directory")

    @abc.abstractmethod
    def entities(self) -> Iterator[m.Entity]:
        """Yield the service and every entity of the source; problems with one item go to ``self.report``."""

    def run(self, *, strict: bool = False) -> list[m.Entity]:
        """Every entity, timed into the report.

        :raises ImportFailure: with ``strict=True``, after the run, on any failure, warning or skipped item.
        """
        import time

        self.report.started = datetime.now(UTC)
        t0 = time.perf_counter()
        out = list(self.entities())
        self.report.seconds = time.perf_counter() - t0
        self.report.ended = datetime.now(UTC)
        self.report.check(strict)
        return out


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
    parse = getattr(cls, "parse", None)
    if parse is not None:
        return parse(value)
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
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = re.sub(r"(\w+://)[^/\s:@]+:[^/\s@]+@", r"\1", text)
    text = text[:limit]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
