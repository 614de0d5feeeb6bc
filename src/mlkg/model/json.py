"""mlkg JSON ⇄ entities. mlkg JSON is OpenMetadata's JSON (its field names and enums) plus mlkg's additions.

Reading checks every value and raises :class:`~mlkg.errors.InputError` naming the JSON path and what was expected;
unknown fields are errors (OpenMetadata's schemas forbid additional properties too). OpenMetadata bookkeeping that
mlkg does not model (``usageSummary``, ``votes``, ``lifeCycle``, ...) is kept whole in ``openmetadata_extra`` and
written back where it came from.

Documents: a single entity, a list of entities, or ``{"services": [...], "models": [...], "tables": [...], ...}``
(see :data:`COLLECTIONS`). OpenMetadata's paged API lists (``{"data": [...], "paging": {...}}``) are accepted too.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any, assert_never

from ..errors import InputError
from ..vocab import MLKG as V
from . import entities as E
from .base import (
    Entity,
    FieldKind,
    FieldSpec,
    Ref,
    coerce_literal,
    datetime_to_epoch_ms,
    guess_typed,
    iter_fields,
    shorten_iri,
)

#: Top-level collection keys of an mlkg JSON document → entity class (each class's ``COLLECTION``).
COLLECTIONS: dict[str, type[Entity]] = {cls.COLLECTION: cls for cls in E.ROOT_TYPES}


def passthrough_spec(cls: type[Entity]) -> tuple[str, FieldSpec] | None:
    """(Python name, spec) of the field that keeps ``cls``'s OpenMetadata pass-through keys, if it has one."""
    for f, spec in iter_fields(cls):
        if spec.passthrough:
            return f.name, spec
    return None


_SECRET_WORDS = ("password", "secret", "token", "key", "credential")

#: EntityReference JSON key → Ref attribute, in OpenMetadata's order (from :class:`Ref`'s field specs).
_REF_SPECS = {f.name: spec for f, spec in iter_fields(Ref)}
_REF_KEYS: dict[str, str] = {(_REF_SPECS[f.name].json if f.name in _REF_SPECS else f.name): f.name
                             for f in dataclasses.fields(Ref)}


def _redact(value: Any) -> Any:
    """Drop secret-looking keys from a connection config before it is kept in a graph."""
    if isinstance(value, dict):
        return {k: _redact(v) for k, v in value.items()
                if not any(w in k.lower() for w in _SECRET_WORDS)}
    if isinstance(value, list):
        return [_redact(v) for v in value]
    if isinstance(value, str) and "@" in value and "://" in value:
        return _strip_userinfo(value)
    return value


def _strip_userinfo(uri: str) -> str:
    """``https://user:pw@host/x`` → ``https://host/x`` (a URL's credentials are a secret too)."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(uri)
        if parts.username is None and parts.password is None:
            return uri
        host = parts.hostname or ""
        netloc = (f"[{host}]" if ":" in host else host) + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))
    except ValueError:
        return "(redacted)"


def _type_name(v: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "a number",
            float: "a number", type(None): "null"}.get(type(v), type(v).__name__)


# ---------------------------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------------------------


def ref_from_json(value: Any, spec: FieldSpec, path: str) -> Ref:
    """An EntityReference object, or an FQN string (create requests and sample data use those)."""
    if isinstance(value, str):
        if not value:
            raise InputError("empty reference", path=path, expected="an FQN string or an EntityReference")
        return Ref(type=spec.target, fqn=value)
    if not isinstance(value, dict):
        raise InputError(f"{_type_name(value)} is not a reference", path=path,
                         expected="an EntityReference object or an FQN string")
    kw: dict[str, Any] = {}
    for k, v in value.items():
        if k in Ref.JSON_IGNORED:
            continue
        if k not in _REF_KEYS:
            raise InputError(f"unknown field {k!r} in a reference", path=f"{path}.{k}",
                             expected="one of " + ", ".join(_REF_KEYS))
        if k == "deleted":
            if not isinstance(v, bool):
                raise InputError(f"{v!r} is not a boolean", path=f"{path}.{k}", expected="true or false")
        elif v is not None and not isinstance(v, str):
            raise InputError(f"{_type_name(v)} where a string belongs", path=f"{path}.{k}", expected="a string")
        kw[_REF_KEYS[k]] = v
    kw.setdefault("type", spec.target)
    try:
        return Ref(**kw)
    except InputError as e:
        e.path = f"{path}.{e.path}" if e.path else path
        e.args = (e.one_line(),)
        raise


def _value_from_json(value: Any, spec: FieldSpec, path: str, field_name: str) -> Any:
    k = spec.kind
    if k is FieldKind.LITERAL:
        if spec.datatype == "decimal" and isinstance(value, (int, float)) and not isinstance(value, bool):
            return Decimal(str(value))
        return coerce_literal(value, spec, path)
    if k is FieldKind.TYPED:
        if isinstance(value, (bool, int, float, str)):
            return value
        raise InputError(f"{_type_name(value)} is not a value", path=path,
                         expected="a string, number or boolean")
    if k is FieldKind.ENUM:
        return spec.enum.parse(value, path=path)  # type: ignore[union-attr]
    if k is FieldKind.REF:
        return ref_from_json(value, spec, path)
    if k is FieldKind.CHILD:
        return entity_from_dict(spec.target, value, path=path)
    if k is FieldKind.IRI:
        if not isinstance(value, str) or not value:
            raise InputError(f"{_type_name(value)} is not an identifier", path=path,
                             expected="a string (short name or IRI)")
        return value
    if k is FieldKind.JSON:
        return value
    assert_never(k)


def entity_from_dict(cls: type[Entity], data: Any, *, path: str = "$", source: str | None = None) -> Entity:
    """Build an entity of ``cls`` from mlkg/OpenMetadata JSON.

    :raises InputError: naming the JSON path and what was expected.
    """
    try:
        return _entity_from_dict(cls, data, path)
    except InputError as e:
        if source:
            e.with_source(source)
        raise


def _entity_from_dict(cls: type[Entity], data: Any, path: str) -> Entity:
    if not isinstance(data, dict):
        raise InputError(f"{_type_name(data)} where a {cls.__name__} object belongs", path=path,
                         expected=f"a JSON object ({cls.__name__})")
    fields = {spec.json: (f, spec) for f, spec in iter_fields(cls)}
    kept = passthrough_spec(cls)
    extra_keys = frozenset(kept[1].passthrough) if kept else frozenset()
    kw: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in data.items():
        p = f"{path}.{key}"
        if key in ("@context", "@id", "type", "@type"):
            continue
        if key in extra_keys:
            extra[key] = _redact(value) if key == "connection" else value
            continue
        if key not in fields:
            # the original text of a typed value (mlkg JSON-LD writes it as e.g. "valueText")
            texts = {s.text_prop: f for f, s in fields.values() if s.text_prop}
            if key in texts:
                if not isinstance(value, str):
                    raise InputError(f"{_type_name(value)} is not text", path=p, expected="a string")
                kw[texts[key].name + "_text"] = value
                continue
            close = difflib.get_close_matches(key, list(fields), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise InputError(f"unknown field {key!r} for {cls.__name__}{hint}", path=p,
                             expected="a field of " + cls.__name__)
        f, spec = fields[key]
        if value is None:
            continue
        if spec.many:
            if not isinstance(value, list):
                raise InputError(f"{_type_name(value)} where a list belongs", path=p, expected="a list")
            kw[f.name] = [_value_from_json(v, spec, f"{p}[{i}]", f.name) for i, v in enumerate(value)]
        else:
            kw[f.name] = _value_from_json(value, spec, p, f.name)
    if extra:
        assert kept is not None
        merged = dict(kw.get(kept[0]) or {})
        merged.update(extra)
        kw[kept[0]] = merged
    for fname, spec in ((f.name, spec) for f, spec in iter_fields(cls)):
        if fname in kw or not (spec.required or fname == "name"):
            continue
        if cls.__dataclass_fields__[fname].default is not None or spec.omit_when_default:
            continue  # a declared default, or a value derived from the other fields
        raise InputError(f"missing required field {spec.json!r} of {cls.__name__}", path=f"{path}.{spec.json}",
                         expected="a non-empty string" if fname == "name" else None)
    try:
        return cls(**kw)
    except InputError as e:
        if e.path and not e.path.startswith("$"):
            e.path = f"{path}.{_json_path(cls, e.path)}"
            e.args = (e.one_line(),)
        raise


def _json_path(cls: type[Entity], py_path: str) -> str:
    head, sep, rest = py_path.partition("[")
    for f, spec in iter_fields(cls):
        if f.name == head:
            return spec.json + (sep + rest if sep else "")
    return py_path


def document_from_json(data: Any, *, source: str | None = None,
                       default: type[Entity] = E.MLModel) -> list[Entity]:
    """Entities of a JSON document: one entity, a list, a paged API list, or a collections object."""
    try:
        return _document(data, default)
    except InputError as e:
        if source:
            e.with_source(source)
        raise


def _document(data: Any, default: type[Entity]) -> list[Entity]:
    if isinstance(data, list):
        return [_entity_from_dict(default, d, f"$[{i}]") for i, d in enumerate(data)]
    if not isinstance(data, dict):
        raise InputError(f"{_type_name(data)} at the top level", path="$",
                         expected="an entity object, a list of entities, or {\"models\": [...], ...}")
    if "data" in data and isinstance(data.get("data"), list) and set(data) <= {"data", "paging"}:
        return [_entity_from_dict(default, d, f"$.data[{i}]") for i, d in enumerate(data["data"])]
    if data and set(data) <= set(COLLECTIONS) | {"@context"}:
        out: list[Entity] = []
        for key, cls in COLLECTIONS.items():
            items = data.get(key)
            if items is None:
                continue
            if not isinstance(items, list):
                raise InputError(f"{_type_name(items)} where a list belongs", path=f"$.{key}", expected="a list")
            out.extend(_entity_from_dict(cls, d, f"$.{key}[{i}]") for i, d in enumerate(items))
        return out
    return [_entity_from_dict(default, data, "$")]


# ---------------------------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------------------------


#: A function giving the uuid of a reference's target (OpenMetadata's EntityReference requires ``id``).
RefId = Callable[[Ref], str | None]


def ref_to_json(r: Ref, *, shape: str = "api", ref_id: RefId | None = None) -> Any:
    """An EntityReference object (``shape="api"``) or an FQN string (``"create"``, ``"sample-data"``).

    ``ref_id``, for the api shape: the target's uuid when the reference has none (OpenMetadata's
    ``EntityReference`` requires ``id`` and ``type``)."""
    if shape != "api" and r.fqn:
        return r.fqn
    out: dict[str, Any] = {}
    for key, attr in _REF_KEYS.items():
        v = getattr(r, attr)
        if v is None and attr == "id" and ref_id is not None:
            v = ref_id(r)
        if v is not None:
            out[key] = v
    return out


def _literal_to_json(v: Any, spec: FieldSpec) -> Any:
    if isinstance(v, datetime):
        return datetime_to_epoch_ms(v) if spec.epoch_ms else v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, Decimal):
        return float(v)
    return v


def _omitted(e: Entity, fname: str, spec: FieldSpec, value: Any) -> bool:
    """Derived values that OpenMetadata's JSON does not carry."""
    if spec.term == V.fullyQualifiedName:
        return not e.ROOT and not e.FQN_IN_JSON
    return spec.omit_when_default and value == e.default_value(fname)


def _to_json(e: Entity, fname: str, spec: FieldSpec, v: Any, shape: str, ref_id: RefId | None) -> Any:
    k = spec.kind
    if k is FieldKind.LITERAL:
        return _literal_to_json(v, spec)
    if k is FieldKind.TYPED:
        if spec.text_term is not None:
            txt = getattr(e, fname + "_text", None)
            return txt if txt is not None else v
        return float(v) if isinstance(v, Decimal) else v  # JSON numbers are read as doubles
    if k is FieldKind.ENUM:
        return v.value
    if k is FieldKind.REF:
        return ref_to_json(v, shape=shape, ref_id=ref_id)
    if k is FieldKind.CHILD:
        return entity_to_dict(v, shape=shape, ref_id=ref_id)
    if k is FieldKind.IRI:
        return shorten_iri(v, spec)
    if k is FieldKind.JSON:
        return v
    assert_never(k)


def entity_to_dict(e: Entity, *, shape: str = "api", ref_id: RefId | None = None) -> dict[str, Any]:
    """``e`` as mlkg JSON. ``shape``: ``api`` (EntityReference objects) or ``create``/``sample-data`` (FQN strings
    for references, as OpenMetadata's create requests and sample-data files have them). ``ref_id`` gives the
    uuid of a referenced entity whose reference carries none (see :func:`ref_to_json`)."""
    out: dict[str, Any] = {}
    extra: Any = None
    for f, spec in iter_fields(type(e)):
        val = getattr(e, f.name)
        if val is None or (spec.many and not val):
            continue
        if spec.kind is FieldKind.JSON:
            if spec.passthrough:
                extra = val  # written back at the top level, where it came from
            continue
        if _omitted(e, f.name, spec, val):
            continue
        out[spec.json] = [_to_json(e, f.name, spec, v, shape, ref_id) for v in val] if spec.many else _to_json(
            e, f.name, spec, val, shape, ref_id)
    if isinstance(extra, dict):
        for key, v in extra.items():
            out.setdefault(key, v)
    return out


def document_to_json(entities: list[Entity], *, shape: str = "api") -> dict[str, Any]:
    """Entities as an mlkg JSON document grouped by collection (``{"models": [...], ...}``)."""
    by_cls: dict[type, str] = {cls: key for key, cls in COLLECTIONS.items()}
    out: dict[str, list[Any]] = {}
    for e in entities:
        key = by_cls.get(type(e))
        if key is None:
            raise ValueError(f"{type(e).__name__} cannot stand alone in a document")
        out.setdefault(key, []).append(entity_to_dict(e, shape=shape))
    return out


__all__ = [
    "COLLECTIONS", "document_from_json", "document_to_json", "entity_from_dict", "entity_to_dict",
    "guess_typed", "ref_from_json", "ref_to_json",
]
