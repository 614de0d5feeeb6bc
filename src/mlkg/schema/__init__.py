"""JSON Schemas (Draft 2020-12) for the JSON mlkg reads, and a checker that names the JSON path of each error.

Kinds: ``mlmodel`` (OpenMetadata's MlModel entity), ``mlmodelService``, ``createMlModel`` (OpenMetadata's create
request) and ``document`` (anything ``mlkg convert`` reads: a model, a list, a paged API list or collections).
All of them accept mlkg's additions (versions, metrics, deployments, governance); see :mod:`mlkg.schema.build`.

``null`` members are ignored, as mlkg's JSON reader ignores them (OpenMetadata writes ``"mlFeatures": null``).

>>> check_json({"name": "churn", "mlFeatures": [{"name": "age", "dataType": "integer"}]}, kind="document")
Traceback (most recent call last):
  ...
mlkg.errors.InputError: <input>: $.mlFeatures[0].dataType: 'integer' is not a valid featureType (expected one of: numerical, categorical)
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import InputError

KINDS = ("mlmodel", "mlmodelService", "createMlModel", "document")
_HERE = Path(__file__).resolve().parent

__all__ = ["KINDS", "check_json", "json_errors", "load_schema"]


@cache
def load_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of ``kind`` (a dict).

    :raises ValueError: for an unknown kind.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown schema kind {kind!r}; known: {', '.join(KINDS)}")
    return json.loads((_HERE / f"{kind}.schema.json").read_text(encoding="utf-8"))


@cache
def _validator(kind: str) -> Any:
    from jsonschema import Draft202012Validator

    schema = load_schema(kind)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def check_json(data: Any, kind: str = "mlmodel", source: str | None = None) -> None:
    """Check ``data`` against the JSON Schema of ``kind``; raise on the first error (in document order).

    :raises InputError: with the JSON path (``$.mlFeatures[0].dataType``), what was expected and ``source``.
    :raises ValueError: for an unknown kind.
    """
    errors = json_errors(data, kind, source=source, limit=1)
    if errors:
        raise errors[0]


def json_errors(data: Any, kind: str = "mlmodel", *, source: str | None = None,
                limit: int | None = None) -> list[InputError]:
    """Every schema error of ``data`` (or the first ``limit``), in document order, as :class:`InputError`."""
    validator = _validator(kind)
    clean = _strip_nulls(data)
    found = [_to_input_error(_leaf(e), clean, source) for e in validator.iter_errors(clean)]
    found.sort(key=lambda x: x[0])
    out: list[InputError] = []
    seen: set[str] = set()
    for _key, err in found:
        text = err.one_line()
        if text in seen:
            continue
        seen.add(text)
        out.append(err)
        if limit is not None and len(out) >= limit:
            break
    return out


def _strip_nulls(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _strip_nulls(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [_strip_nulls(x) for x in v]
    return v


# ---------------------------------------------------------------------------------------------------------------
# jsonschema errors → InputError
# ---------------------------------------------------------------------------------------------------------------


def _type_name(v: Any) -> str:
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, (int, float)):
        return "a number"
    return {dict: "an object", list: "a list", str: "a string", type(None): "null"}.get(type(v), type(v).__name__)


def _json_type_of(v: Any) -> set[str]:
    if isinstance(v, bool):
        return {"boolean"}
    if isinstance(v, int):
        return {"integer", "number"}
    if isinstance(v, float):
        return {"number"} | ({"integer"} if v.is_integer() else set())
    return {dict: {"object"}, list: {"array"}, str: {"string"}, type(None): {"null"}}.get(type(v), set())


def _leaf(error: Any) -> Any:
    """For anyOf/oneOf errors, the error inside the one branch whose type fits the value, when exactly one does
    (an object given for "an FQN string or an EntityReference" is reported against the EntityReference)."""
    while error.validator in ("anyOf", "oneOf") and error.context:
        kinds = _json_type_of(error.instance)
        by_branch: dict[int, list[Any]] = {}
        for sub in error.context:
            by_branch.setdefault(sub.relative_schema_path[0], []).append(sub)
        fitting = [errs for errs in by_branch.values()
                   if not any(e.validator == "type" and not e.relative_path
                              and not kinds & set(_as_list(e.validator_value)) for e in errs)]
        if len(fitting) != 1:
            return error
        error = max(fitting[0], key=lambda e: len(e.absolute_path))
    return error


def _as_list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [v]


def _path(parts: Any) -> str:
    out = "$"
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        elif isinstance(p, str) and p.replace("_", "a").replace("@", "a").isalnum():
            out += f".{p}"
        else:
            out += "[" + json.dumps(p) + "]"
    return out


def _order(data: Any, parts: Any) -> tuple:
    """Sort key: where the path sits in the document (keys in their written order)."""
    key: list[int] = []
    node = data
    for p in parts:
        if isinstance(node, dict) and p in node:
            key.append(list(node).index(p))
            node = node[p]
        elif isinstance(node, list) and isinstance(p, int) and p < len(node):
            key.append(p)
            node = node[p]
        else:
            key.append(10**9)
            node = None
    return tuple(key)


def _describe(schema: Any) -> str:
    if not isinstance(schema, dict):
        return "a valid value"
    if "description" in schema:
        d = schema["description"].split(" (")[0]
        if d.startswith(("a ", "an ", "one of", "epoch", "any ")):
            return d
    if "$ref" in schema:
        ref = schema["$ref"].rsplit("/", 1)[-1]
        if ref in _REF_WORDS:
            return _REF_WORDS[ref]
        from .build import ENUM_NAMES  # lazy: only an invalid document needs the enum names; schema.build costs ~12 ms

        for enum_cls, name in ENUM_NAMES.items():
            if name == ref:
                return "one of: " + ", ".join(m.value for m in enum_cls)
        return "a " + ref + " object"
    t = schema.get("type")
    if "enum" in schema:
        return "one of: " + ", ".join(map(str, schema["enum"]))
    if t == "array":
        return "a list"
    if isinstance(t, list):
        return " or ".join(str(_TYPE_WORDS.get(x, x)) for x in t)
    if t:
        return str(_TYPE_WORDS.get(t, t))
    return "a valid value"


_TYPE_WORDS = {"string": "a string", "integer": "an integer", "number": "a number", "boolean": "true or false",
               "object": "an object", "array": "a list", "null": "null"}
_REF_WORDS = {
    "reference": "an FQN string or an EntityReference object",
    "entityReference": "an EntityReference object with an id or a fullyQualifiedName",
    "entityName": "a name of 1 to 256 characters without '::'",
    "fullyQualifiedEntityName": "a fully qualified name of 1 to 3072 characters without '::'",
    "uuid": "a uuid string", "timestamp": "epoch milliseconds or an ISO 8601 date-time",
    "dateTime": "an ISO 8601 date-time string", "date": "an ISO 8601 date (YYYY-MM-DD)",
    "typedValue": "a string, number or boolean",
}


def _title(schema: Any) -> str:
    return schema.get("title", "object") if isinstance(schema, dict) else "object"


def _to_input_error(e: Any, data: Any, source: str | None) -> tuple[tuple, InputError]:
    parts = list(e.absolute_path)
    v = e.validator
    where = _path(parts)
    if v == "required":
        missing = [k for k in _as_list(e.validator_value) if not (isinstance(e.instance, dict) and k in e.instance)]
        name = missing[0] if missing else str(e.validator_value)
        props = e.schema.get("properties", {}) if isinstance(e.schema, dict) else {}
        expected = _describe(props.get(name)) if name in props else None
        of = f" of {_title(e.schema)}" if isinstance(e.schema, dict) and "title" in e.schema else ""
        err = InputError(f"missing required field {name!r}{of}", path=f"{where}.{name}", expected=expected,
                         source=source)
        return _order(data, parts) + (0,), err
    if v == "additionalProperties":
        allowed = list(e.schema.get("properties", {})) if isinstance(e.schema, dict) else []
        extra = [k for k in e.instance if k not in allowed] if isinstance(e.instance, dict) else []
        key = extra[0] if extra else "?"
        close = difflib.get_close_matches(key, allowed, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        err = InputError(f"unknown field {key!r} for {_title(e.schema)}{hint}", path=_path(parts + [key]),
                         expected="a field of " + _title(e.schema), source=source)
        return _order(data, parts + [key]), err
    if v == "enum":
        what = e.schema.get("description", "") if isinstance(e.schema, dict) else ""
        name = _enum_name(e)
        msg = f"{e.instance!r} is not a valid {name}" if name else f"{e.instance!r} is not allowed"
        return _order(data, parts), InputError(msg, path=where, source=source,
                                               expected=what or "one of: " + ", ".join(map(str, e.validator_value)))
    if v == "type":
        return _order(data, parts), InputError(f"wrong type: {_type_name(e.instance)}", path=where,
                                               expected=_describe(e.schema), source=source)
    if v == "not":
        return _order(data, parts), InputError(
            "field not allowed here" + (f": {e.schema['description']}" if "description" in e.schema else ""),
            path=where, source=source, expected="no such field")
    if v in ("anyOf", "oneOf"):
        return _order(data, parts), InputError(f"wrong type: {_type_name(e.instance)}", path=where,
                                               expected=_describe(e.schema), source=source)
    if v in ("pattern", "minLength", "maxLength"):
        shown = e.instance if not isinstance(e.instance, str) or len(e.instance) < 60 else e.instance[:57] + "..."
        return _order(data, parts), InputError(f"invalid value {shown!r}", path=where,
                                               expected=_describe(e.schema), source=source)
    if v in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        bound = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}[v]
        return _order(data, parts), InputError(f"{e.instance!r} is out of range", path=where, source=source,
                                               expected=f"a number {bound} {e.validator_value}")
    return _order(data, parts), InputError(e.message, path=where, source=source, expected=_describe(e.schema))


def _enum_name(e: Any) -> str | None:
    """Name of the enum definition an error comes from (``featureType``)."""
    path = list(e.schema_path)
    for i in range(len(path) - 1, 0, -1):
        if path[i - 1] == "$defs":
            return str(path[i])
    # through $ref the schema path shows "$ref"; use the definition whose enum matches
    from .build import ENUM_NAMES  # lazy: only an invalid document needs the enum names; schema.build costs ~12 ms

    for enum_cls, name in ENUM_NAMES.items():
        if [m.value for m in enum_cls] == list(e.validator_value):
            return name
    return None

