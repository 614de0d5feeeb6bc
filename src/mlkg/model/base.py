"""The machinery behind every entity class: field specs, references, typed values and normalisation.

Each entity is a frozen, keyword-only dataclass. Each field carries a :class:`FieldSpec` in its metadata that says
which ontology property it maps to, under which JSON key (OpenMetadata's camelCase name where one exists), and how
its value becomes RDF. The JSON-LD context, the fast RDF path, the reader and the JSON codec are all driven by these
specs, so there is one mapping.
"""

from __future__ import annotations

import dataclasses
import enum
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Self, assert_never

from rdflib import URIRef

from .. import ids
from ..errors import InputError
from ..namespaces import MLKG_IRI
from ..vocab import MLKG as V

# ---------------------------------------------------------------------------------------------------------------
# Immutable collections
# ---------------------------------------------------------------------------------------------------------------

_IMMUTABLE = ("mlkg entities are immutable values and so are their lists: build the entity with all its items, "
              "or make a new one with entity.adding(field=[item, ...]) or dataclasses.replace(entity, field=[...]), "
              "then build its parent from the new one (see help(mlkg.model.Entity))")


class Items(tuple):  # the element type is the field's annotation
    """The tuple an entity holds for a list field (``MLModel.versions``, ``ModelVersion.metrics``, ...).

    A plain tuple that also compares equal to a list of the same items, and whose list methods (``append``,
    ``extend``, ``insert``, ``remove``, ``pop``, ``clear``, ``sort``, ``reverse``, item assignment) raise a
    :class:`TypeError` saying how to build a new entity instead, so an item can never be added where it
    would not reach the graph.

    >>> Items([1, 2]) == [1, 2], Items([1, 2]) == (1, 2)
    (True, True)
    """

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, list):
            return tuple.__eq__(self, tuple(other))
        return tuple.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = tuple.__hash__

    def _refuse(self, *_args: Any, **_kw: Any) -> Any:
        raise TypeError(_IMMUTABLE)

    append = extend = insert = remove = pop = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = _refuse


NO_ITEMS = Items()
"""The empty list field (one object, shared: it cannot change)."""


def _no_items() -> Items:
    return NO_ITEMS


class FrozenJSON(dict):
    """An opaque JSON object an entity keeps whole (``openmetadata_extra``): a dict that refuses changes, with
    its arrays held as :class:`Items` and its objects as ``FrozenJSON``. ``dict(value)`` gives a mutable copy."""

    def _refuse(self, *_args: Any, **_kw: Any) -> Any:
        raise TypeError(_IMMUTABLE.replace("their lists", "their JSON values"))

    __setitem__ = __delitem__ = setdefault = update = pop = popitem = clear = __ior__ = _refuse

    def __reduce__(self) -> tuple[Any, ...]:  # copy, deepcopy and pickle rebuild it without item assignment
        return (FrozenJSON, (dict(self),))


def freeze_json(value: Any) -> Any:
    """A JSON value that cannot be changed in place: objects as :class:`FrozenJSON`, arrays as :class:`Items`."""
    if isinstance(value, FrozenJSON):
        return value
    if isinstance(value, dict):
        return FrozenJSON({k: freeze_json(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return Items(freeze_json(v) for v in value)
    return value


# ---------------------------------------------------------------------------------------------------------------
# Field specs
# ---------------------------------------------------------------------------------------------------------------


class FieldKind(str, enum.Enum):
    """How a field's value becomes RDF. Every switch over it ends in :func:`typing.assert_never`, so a new kind
    is a type error wherever it is not handled."""

    LITERAL = "literal"
    """One fixed XSD datatype."""
    TYPED = "typed"
    """The datatype follows the Python type (int, float, bool, str)."""
    ENUM = "enum"
    """An individual of the ontology."""
    REF = "ref"
    """A link to another entity (by type and FQN or uuid)."""
    CHILD = "child"
    """A node owned by this one, with an IRI minted under this one's FQN."""
    IRI = "iri"
    """A plain IRI."""
    JSON = "json"
    """An opaque JSON value kept as an rdf:JSON literal."""


DATATYPES = ("string", "anyURI", "dateTime", "date", "double", "integer", "boolean", "decimal", "float")
"""``float`` is a Python float written as an exact xsd:decimal (measured values: metrics, intervals,
thresholds), so no digit is lost; ``double`` is xsd:double in its canonical lexical form."""


@dataclass(frozen=True)
class TextRule:
    """A named rule for string values (OpenMetadata's ``entityName``, ...), rendered by the shape and JSON Schema
    generators."""

    name: str
    """JSON Schema definition name (OpenMetadata's type name); empty: written inline."""
    description: str
    """What the rule asks for, in plain words ("a name of 1 to 256 characters without '::'")."""
    min_length: int | None = None
    max_length: int | None = None
    json_pattern: str = ""
    """The pattern in JSON Schema's (ECMA 262) dialect."""
    xpath_pattern: str = ""
    """The same pattern in SHACL's (XPath) dialect, which has no look-ahead."""
    json_format: str = ""
    forbidden: str = ""
    """A substring the patterns forbid (``::``), for messages."""

    def words(self) -> str:
        """The rule in plain words, as SHACL messages give it ("a string of 1 to 256 characters without '::'")."""
        if not self.max_length:
            return self.description
        out = f"a string of {self.min_length or 0} to {self.max_length} characters"
        return out + (f" without '{self.forbidden}'" if self.forbidden else "")


#: OpenMetadata's ``entityName``: 1 to 256 characters without "::".
ENTITY_NAME = TextRule("entityName", "a name of 1 to 256 characters without '::' (OpenMetadata's entityName)", 1, 256,
                       "^((?!::).)*$", "^([^:]|:[^:])*:?$", forbidden="::")
#: OpenMetadata's ``fullyQualifiedEntityName``: 1 to 3072 characters without "::".
FQN_NAME = TextRule("fullyQualifiedEntityName", "a fully qualified name of 1 to 3072 characters without '::'", 1,
                    3072, "^((?!::).)*$", "^([^:]|:[^:])*:?$", forbidden="::")
#: A free key from a platform (MLflow metric or parameter keys): any non-empty string.
NON_EMPTY = TextRule("", "a non-empty string", 1)
#: OpenMetadata's uuid.
UUID = TextRule("uuid", "a uuid", json_format="uuid")


@dataclass(frozen=True)
class FieldSpec:
    """How one entity field maps to RDF and JSON: every fact about the field is here."""

    kind: FieldKind
    term: URIRef
    """The mlkg property, a term of the closed vocabulary :class:`mlkg.vocab.MLKG`."""
    json: str = ""
    """JSON key (OpenMetadata's name where it has one); filled from the Python name when empty."""
    many: bool = False
    datatype: str = "string"
    enum: type[OntologyEnum] | None = None
    target: Any = None
    """For ``ref``: the default entity type (``table``); for ``child``: the entity class."""
    targets: tuple[str, ...] = ()
    """For ``ref``: every entity type the reference may point to (the default first). For a reverse reference,
    the types of the nodes the triple starts from."""
    iri_class: str = ""
    """For ``iri``: the ontology class of the values (``Measure``), if they have one."""
    reverse: bool = False
    """The triple points from the value to this entity (``<value> prop <this>``)."""
    required: bool = False
    iri_prefix: str = ""
    """For ``iri``: a namespace that short values (``Apache-2.0``) are placed under."""
    epoch_ms: bool = False
    """JSON holds epoch milliseconds (OpenMetadata's timestamps); RDF holds xsd:dateTime."""
    text_term: URIRef | None = None
    """For ``typed``: property holding the original text when it differs from the literal's lexical form."""
    minimum: int | float | None = None
    maximum: int | float | None = None
    exclusive: bool = False
    """The bounds themselves are excluded (``0 < ci_level < 1``)."""
    text: TextRule | None = None
    """For string literals: a rule on the text (length, pattern)."""
    lang: bool = False
    """For string literals: a language-tagged string is accepted too."""
    omit_when_default: bool = False
    """mlkg JSON leaves the field out when it holds the value derived from the other fields
    (:meth:`Entity.default_value`)."""
    server_set: bool = False
    """Set by the OpenMetadata server: not part of a create request."""
    passthrough: tuple[str, ...] = ()
    """For ``json``: OpenMetadata keys kept whole in this field (not modelled by mlkg)."""
    passthrough_server_set: tuple[str, ...] = ()
    """The pass-through keys the server sets (not part of a create request)."""
    doc: str = ""

    @property
    def prop(self) -> str:
        """Local name of the mlkg property (``https://w3id.org/mlkg#<prop>``)."""
        return self.term[len(MLKG_IRI):]

    @property
    def text_prop(self) -> str:
        """Local name of :attr:`text_term` (also its JSON key), or ``""``."""
        return self.text_term[len(MLKG_IRI):] if self.text_term is not None else ""


def _f(spec: FieldSpec, default: Any = None, *, compare: bool = True) -> Any:
    if spec.kind is FieldKind.REF and spec.target is None and spec.targets:
        spec = dataclasses.replace(spec, target=spec.targets[0])
    if spec.many:
        return field(default_factory=_no_items, metadata={"mlkg": spec})
    return field(default=default, metadata={"mlkg": spec}, compare=compare)


def lit(term: URIRef, *, json: str = "", datatype: str = "string", many: bool = False, required: bool = False,
        epoch_ms: bool = False, default: Any = None, minimum: int | float | None = None,
        maximum: int | float | None = None, exclusive: bool = False, text: TextRule | None = None,
        lang: bool = False, omit_when_default: bool = False, server_set: bool = False, compare: bool = True,
        doc: str = "") -> Any:
    """A literal field of one XSD datatype."""
    assert datatype in DATATYPES, datatype
    spec = FieldSpec(FieldKind.LITERAL, term, json, many, datatype, required=required, epoch_ms=epoch_ms,
                     minimum=minimum, maximum=maximum, exclusive=exclusive, text=text, lang=lang,
                     omit_when_default=omit_when_default, server_set=server_set, doc=doc)
    return _f(spec, default, compare=compare)


def typed(term: URIRef, *, json: str = "", text_term: URIRef | None = None, required: bool = False,
          doc: str = "") -> Any:
    """A literal whose XSD datatype follows the value (int → integer, float → double, bool → boolean, str)."""
    return _f(FieldSpec(FieldKind.TYPED, term, json, False, "", required=required, text_term=text_term, doc=doc))


def enumf(term: URIRef, enum_cls: type, *, json: str = "", many: bool = False, required: bool = False,
          server_set: bool = False, doc: str = "") -> Any:
    """A field whose values are ontology individuals, written in JSON as OpenMetadata's enum strings."""
    return _f(FieldSpec(FieldKind.ENUM, term, json, many, enum=enum_cls, required=required, server_set=server_set,
                        doc=doc))


def ref(term: URIRef, *targets: str, json: str = "", many: bool = False, reverse: bool = False,
        required: bool = False, omit_when_default: bool = False, server_set: bool = False, doc: str = "") -> Any:
    """A link to another entity, given as a :class:`Ref`, an entity, or an FQN string.

    ``targets``: the entity types it may point to, the default (for a bare FQN) first.
    """
    assert targets, "a reference names at least one target type"
    return _f(FieldSpec(FieldKind.REF, term, json, many, target=targets[0], targets=targets, reverse=reverse,
                        required=required, omit_when_default=omit_when_default, server_set=server_set, doc=doc))


def child(term: URIRef, cls: Any, *, json: str = "", many: bool = True, reverse: bool = False, doc: str = "") -> Any:
    """Nodes owned by this entity (features, hyperparameters, metrics, ...)."""
    return _f(FieldSpec(FieldKind.CHILD, term, json, many, target=cls, reverse=reverse, doc=doc))


def iri(term: URIRef, *, json: str = "", prefix: str = "", many: bool = False, iri_class: str = "",
        omit_when_default: bool = False, doc: str = "") -> Any:
    """A plain IRI (licence, measure); short values are placed under ``prefix``."""
    return _f(FieldSpec(FieldKind.IRI, term, json, many, iri_prefix=prefix, iri_class=iri_class,
                        omit_when_default=omit_when_default, doc=doc))


def jsonf(term: URIRef, *, json: str = "", passthrough: tuple[str, ...] = (),
          passthrough_server_set: tuple[str, ...] = (), doc: str = "") -> Any:
    """An opaque JSON value kept whole (OpenMetadata bookkeeping such as ``votes`` or ``lifeCycle``).

    ``passthrough``: the OpenMetadata keys that mlkg JSON reads into this field and writes back at the top level.
    """
    return _f(FieldSpec(FieldKind.JSON, term, json, passthrough=passthrough,
                        passthrough_server_set=passthrough_server_set, doc=doc))


# ---------------------------------------------------------------------------------------------------------------
# Enumerations
# ---------------------------------------------------------------------------------------------------------------


class OntologyEnum(str, enum.Enum):
    """An enum whose members are individuals of the ontology.

    The member value is the JSON spelling (OpenMetadata's where it has one); ``iri_name`` is the local name of
    the individual in the mlkg namespace.
    """

    iri_name: str
    JSON_DEF: ClassVar[str]
    """Name of the enum's JSON Schema definition (OpenMetadata's, e.g. ``mlModelServiceType``); the ontology
    class of the individuals is the enum's class name."""

    def __init_subclass__(cls, *, json_def: str = "", **kw: Any) -> None:
        super().__init_subclass__(**kw)
        cls.JSON_DEF = json_def or cls.__name__[:1].lower() + cls.__name__[1:]

    def __new__(cls, value: str, iri_name: str) -> OntologyEnum:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.iri_name = iri_name
        return obj

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, value: Any, *, path: str = "$") -> OntologyEnum:
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            for m in cls:
                if m.value == value:
                    return m
        allowed = ", ".join(m.value for m in cls)
        raise InputError(f"{value!r} is not a valid {cls.__name__}", path=path, expected=f"one of: {allowed}")


# ---------------------------------------------------------------------------------------------------------------
# References
# ---------------------------------------------------------------------------------------------------------------

#: OpenMetadata entity types (and mlkg's additions) that references may point to.
REF_TYPES: dict[str, str] = {}
"""Filled by the entity modules: reference type → ontology class local name."""


@dataclass(frozen=True, kw_only=True)
class Ref:
    """A reference to an entity: OpenMetadata's EntityReference, identified by ``type`` and FQN (or uuid).

    The mapped fields (:func:`iter_fields` of ``Ref``) are the few facts a reference carries about its target;
    the RDF writers, the reader, the JSON codec and the JSON Schema all read them from here. Fields are in the
    order OpenMetadata writes an EntityReference.

    >>> Ref(type="table", fqn="snowflake.db.public.customers").iri(base="https://example.org/")
    'https://example.org/table/snowflake.db.public.customers'
    """

    JSON_IGNORED: ClassVar[frozenset[str]] = frozenset({"inherited"})
    """EntityReference keys OpenMetadata writes that mlkg reads and drops."""

    id: str | None = lit(V.entityId, json="id", text=UUID,
                         doc="OpenMetadata uuid; used for the IRI only when there is no FQN.")
    type: str
    """Entity type in OpenMetadata's spelling (``table``, ``dashboard``, ``user``, ``mlmodel``, ...)."""
    # What a reference points at is its type and FQN (or uuid); the rest describes the target and does not
    # take part in equality.
    name: str | None = lit(V.name, compare=False, doc="Name of the target.")
    fqn: str | None = lit(V.fullyQualifiedName, json="fullyQualifiedName", text=NON_EMPTY,
                          doc="Fully qualified name; the IRI is minted from it.")
    display_name: str | None = lit(V.displayName, compare=False, doc="Display name of the target.")
    description: str | None = lit(V.description, compare=False, doc="Description of the target.")
    deleted: bool | None = lit(V.deleted, datatype="boolean", compare=False, doc="The target is soft-deleted.")
    href: str | None = lit(V.href, datatype="anyURI", compare=False, doc="API link of the target.")

    def __post_init__(self) -> None:
        if self.type not in REF_TYPES:
            raise InputError(f"unknown entity type {self.type!r}", path="type",
                             expected="one of: " + ", ".join(sorted(REF_TYPES)))
        if not self.fqn and not self.id:
            raise InputError("a reference needs a fullyQualifiedName or an id", path="fullyQualifiedName")

    def iri(self, *, base: str | None = None) -> str:
        if self.fqn:
            return ids.mint(self.type, self.fqn, base=base)
        assert self.id
        return ids.mint_uuid(self.type, self.id, base=base)

    @property
    def key(self) -> str:
        return self.fqn or self.id or ""



# ---------------------------------------------------------------------------------------------------------------
# Literals
# ---------------------------------------------------------------------------------------------------------------

_INT = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$")


def guess_typed(text: str) -> int | float | bool | str:
    """Type a value that a platform stored as text (MLflow params, OpenMetadata hyperparameters).

    >>> guess_typed("0.01"), guess_typed("100"), guess_typed("True"), guess_typed("adam")
    (0.01, 100, True, 'adam')
    """
    t = text.strip()
    if _INT.match(t):
        return int(t)
    if _FLOAT.match(t):
        return float(t)
    if t.lower() in ("true", "false"):
        return t.lower() == "true"
    return text


def typed_decimal(value: Decimal, path: str = "value") -> float | Decimal:
    """A :class:`~decimal.Decimal` given for a typed value (rdflib, and so mlkg's readers and query rows, give
    ``Decimal`` for an xsd:decimal literal): the float it equals when a double holds it exactly in its written
    form (``Decimal("0.8935")`` → ``0.8935``, so the graph read back gives an equal entity), else the
    ``Decimal`` itself, every digit kept and written as an xsd:decimal.

    >>> typed_decimal(Decimal("0.8935")), typed_decimal(Decimal("0.12345678901234567890123"))
    (0.8935, Decimal('0.12345678901234567890123'))
    """
    if not value.is_finite():
        raise InputError(f"{value!r} is not a finite number", path=path, expected="a finite decimal")
    f = float(value)
    return f if not math.isinf(f) and Decimal(repr(f)) == value else value


def typed_datatype(value: Any, *, exact: bool = False) -> str:
    """XSD datatype of a typed value; with ``exact`` floats are written as xsd:decimal (measured values)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float" if exact else "double"
    if isinstance(value, Decimal):
        return "decimal"
    return "string"


def lexical(value: Any, datatype: str) -> str:
    """The XSD lexical form mlkg writes for ``value``; both RDF engines use it."""
    if datatype == "boolean":
        return "true" if value else "false"
    if datatype == "integer":
        return str(int(value))
    if datatype == "double":
        v = float(value)
        if math.isnan(v):
            return "NaN"
        if math.isinf(v):
            return "INF" if v > 0 else "-INF"
        # canonical xsd:double form (as JSON-LD processors write it): 1.0E-2
        return re.sub(r"(\d)0*E\+?(-)?0*(\d)", r"\1E\2\3", f"{v:1.15E}")
    if datatype == "float":
        v = float(value)
        if math.isnan(v) or math.isinf(v):
            raise ValueError(f"{v} cannot be written as an exact decimal")
        s = format(Decimal(repr(v)), "f")
        return s if "." in s else s + ".0"
    if datatype == "decimal":
        d = Decimal(str(value))
        s = format(d, "f")
        return s if "." in s else s + ".0"
    if datatype == "dateTime":
        assert isinstance(value, datetime)
        return value.isoformat()
    if datatype == "date":
        return value.isoformat()
    return str(value)


def epoch_ms_to_datetime(ms: int | float) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def datetime_to_epoch_ms(dt: datetime) -> int:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return int(round(dt.timestamp() * 1000))


def coerce_literal(value: Any, spec: FieldSpec, path: str) -> Any:
    """Check and convert one JSON or Python value for a ``literal`` field."""
    dt = spec.datatype

    def bad() -> InputError:  # built only when raised: the happy path allocates no exception
        return InputError(f"{value!r} is not a valid {dt}", path=path, expected=_EXPECTED[dt])

    if dt in ("string", "anyURI"):
        if not isinstance(value, str):
            raise bad()
        return value
    if dt == "boolean":
        if not isinstance(value, bool):
            raise bad()
        return value
    if dt == "integer":
        if isinstance(value, bool) or not isinstance(value, int):
            raise bad()
        return value
    if dt in ("double", "float"):
        if isinstance(value, Decimal):  # what rdflib gives for an xsd:decimal (mlkg writes "float" fields so)
            if not value.is_finite() or (dt == "float" and not isinstance(typed_decimal(value), float)):
                raise bad()  # an exact field keeps no digit a double would drop
            return float(value)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad()
        v = float(value)
        if dt == "float" and (math.isnan(v) or math.isinf(v)):
            raise bad()
        return v
    if dt == "decimal":
        if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
            raise bad()
        try:
            return Decimal(str(value))
        except InvalidOperation:
            raise bad() from None
    if dt == "dateTime":
        if isinstance(value, datetime):
            if spec.epoch_ms and value.microsecond % 1000:
                # OpenMetadata keeps milliseconds: hold the value at the precision it can be written back in
                return value.replace(microsecond=value.microsecond // 1000 * 1000)
            return value
        if spec.epoch_ms and isinstance(value, (int, float)) and not isinstance(value, bool):
            try:
                return epoch_ms_to_datetime(value)
            except (OverflowError, OSError, ValueError):  # beyond year 1..9999, or NaN
                raise bad() from None
        if isinstance(value, str):
            try:
                return datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                raise bad() from None
        raise bad()
    if dt == "date":
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise bad() from None
        raise bad()
    raise AssertionError(dt)


_EXPECTED = {
    "string": "a string",
    "anyURI": "a URI string",
    "boolean": "true or false",
    "integer": "an integer",
    "double": "a number",
    "float": "a finite number",
    "decimal": "a decimal number",
    "dateTime": "an ISO 8601 date-time or epoch milliseconds",
    "date": "an ISO 8601 date (YYYY-MM-DD)",
}


# ---------------------------------------------------------------------------------------------------------------
# Entities
# ---------------------------------------------------------------------------------------------------------------

#: All entity classes by their JSON-LD type term (``mlmodel``, ``mlFeature``, ...).
REGISTRY: dict[str, type[Entity]] = {}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


@dataclass(frozen=True, kw_only=True)
class Entity:
    """Base of every mlkg entity.

    Subclasses set ``TYPE`` (the JSON-LD type term and reference type, OpenMetadata's spelling where it has one)
    and ``CLASS`` (the local name of the ontology class).

    **Entities are immutable values.** The constructor checks and normalises its arguments once: strings become
    references and enum members, list fields become tuples (:class:`Items`) in a canonical order, JSON values are
    frozen, and each child (version, metric, feature, ...) is stored as a copy named under its parent (its FQN
    and IRI come from the parent's). So a parent holds its own copies: the child objects and lists you passed
    in are not the ones it keeps, and changing them later would not reach the graph. Nothing can be changed in
    place instead: assigning a field raises :class:`dataclasses.FrozenInstanceError`, and ``append``,
    ``extend``, item assignment and the other list methods raise :class:`TypeError`.

    Build children first, then their parent; to change an entity, make a new one and rebuild its parent::

        v2 = ModelVersion(name="2", metrics=[Evaluation(name="auc", value=0.91)])
        v2 = v2.adding(metrics=[Evaluation(name="f1", value=0.81, split="test")])   # a new version
        model = MLModel(name="churn", service="mlflow_prod", versions=[v2])
        model = dataclasses.replace(model, description="Churn model")                # a new model

    :meth:`adding` appends items to list fields; :func:`dataclasses.replace` sets any field. Both run the
    constructor's checks again, so new children are named under the parent and new strings become references.
    Derived values follow what they derive from: an entity remembers what its FQN, a hyperparameter's
    ``value_text``, an evaluation's ``measure`` and a tag label's ``name`` and ``tag`` were derived from
    (:meth:`derivations`), so a copy whose source changed while the derived value was carried over unchanged
    derives it again (``replace(hp, value=0.02)`` has ``value_text`` "0.02"; a renamed metric gets its new FQN
    under the same parent, and its children are renamed with it). A derived value given together with the
    changed source is kept. References by FQN follow a rename: those inside the renamed entity (a version's
    ``features`` naming its model's features) are rebuilt with it, and those from other entities of the same
    estate are rebuilt by :func:`follow_renames`, which the graph builders run (:func:`mlkg.rdf.build.to_graph`,
    :func:`~mlkg.rdf.build.ntriples_lines`).
    """

    TYPE: ClassVar[str] = ""
    CLASS: ClassVar[str] = ""
    COLLECTION: ClassVar[str] = ""
    """Key of the class's list in an mlkg JSON document (``models``); empty for owned nodes (features, ...),
    which cannot stand alone."""
    ROOT: ClassVar[bool] = False
    """Whether the entity can stand alone in a document: set from :attr:`COLLECTION`."""
    JSON_DEF: ClassVar[str] = ""
    """Name of the class's JSON Schema definition (OpenMetadata's where it has one); ``TYPE`` when empty."""
    FQN_IN_JSON: ClassVar[bool] = False
    """An owned node whose JSON carries its FQN (OpenMetadata's features and feature sources do); other owned
    nodes' FQNs are derived from their parent and left out."""
    ALWAYS_DESCRIBED: ClassVar[bool] = False
    """The reader takes every node of this class for an entity, even one that says no more than a reference."""
    OPEN_DOMAIN: ClassVar[bool] = False
    """Properties of the fields declared on this (abstract) class have no ``rdfs:domain`` in the ontology: every
    subclass has them."""

    name: str = lit(V.name, required=True, text=ENTITY_NAME, doc="Name of the entity, unique within its parent.")
    fqn: str | None = lit(V.fullyQualifiedName, json="fullyQualifiedName", text=FQN_NAME, server_set=True,
                          doc="Fully qualified name: the parent's FQN and this name, joined with dots.")
    display_name: str | None = lit(V.displayName, lang=True, doc="Name shown to people.")
    description: str | None = lit(V.description, lang=True, doc="Description (Markdown).")
    id: str | None = lit(V.entityId, json="id", text=UUID, server_set=True, doc="OpenMetadata uuid of the entity.")
    _renamed: Any = field(default=(), compare=False, repr=False)
    """The renames this entity and its descendants went through since they were first built (``((type, old FQN,
    new FQN, new name), ...)``), so references by FQN to them can follow (:func:`follow_renames`)."""
    _derived: Any = field(default=None, compare=False, repr=False)
    """What the derived fields held and were derived from when this entity was built (``{field: (source,
    value)}``, from :meth:`derivations`). ``dataclasses.replace`` copies it, so the copy can tell a stale
    derived value from one given anew."""

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        cls.ROOT = bool(cls.COLLECTION)
        if cls.TYPE and "TYPE" in cls.__dict__:
            REGISTRY[cls.TYPE] = cls
            REF_TYPES[cls.TYPE] = cls.CLASS
            if not cls.JSON_DEF or "JSON_DEF" not in cls.__dict__:
                cls.JSON_DEF = cls.TYPE

    def default_value(self, field_name: str) -> Any:
        """The value a field holds when nobody set it: derived from the other fields, or the declared default.
        mlkg JSON leaves out a field with ``omit_when_default`` that holds this value."""
        f = self.__dataclass_fields__[field_name]
        return None if f.default is dataclasses.MISSING else f.default

    # -- normalisation ------------------------------------------------------------------------------------------

    def derivations(self) -> dict[str, Any]:
        """Each derived field and what it is derived from now (compared by type and value)."""
        return {"fqn": (self.default_fqn() if self.ROOT and isinstance(self.name, str) else None,
                        tuple(self.child_key()))}

    def _rederived(self, name: str, old_source: Any, old_value: Any) -> Any:
        """The value a stale derived field starts from again (``None``: derive it as when nobody set it)."""
        if name != "fqn" or not isinstance(old_value, str):
            return None
        old_default, old_key = old_source
        if self.ROOT and old_value == old_default:
            return None
        suffix = ids.fqn_child("", *old_key)  # ".metric.auc": the part the old key added to the parent's FQN
        if len(old_value) > len(suffix) and old_value.endswith(suffix):
            return ids.fqn_child(old_value[:-len(suffix)], *self.child_key())
        return None

    def _derive(self) -> None:
        """Fill derived fields nobody set (subclasses); runs before the arguments are checked."""

    def __post_init__(self) -> None:
        before = self._derived["fqn"][1] if self._derived and "fqn" in self._derived else None
        if self._derived:
            for name, source in self.derivations().items():
                if name not in self._derived:
                    continue
                old_source, old_value = self._derived[name]
                if _same(getattr(self, name), old_value) and not _same(source, old_source):
                    object.__setattr__(self, name, self._rederived(name, old_source, old_value))
        self._derive()
        if not isinstance(self.name, str) or not self.name:
            raise InputError(f"{type(self).__name__} needs a non-empty name", path="name", expected="a string")
        for f, spec in iter_fields(type(self)):
            val = getattr(self, f.name)
            new = _coerce_field(val, spec, f.name)
            if new is not val:
                object.__setattr__(self, f.name, new)
        if self.fqn is None and self.ROOT:
            object.__setattr__(self, "fqn", self.default_fqn())
        self._note_renames(before, self._normalize_children())
        self._sort_lists()
        object.__setattr__(self, "_derived", {name: (source, getattr(self, name))
                                              for name, source in self.derivations().items()})

    def _sort_lists(self) -> None:
        """Lists are sets in RDF: keep them in one canonical order so round trips compare equal."""
        for f, spec in iter_fields(type(self)):
            if not spec.many:
                continue
            val = getattr(self, f.name)
            if len(val) < 2:
                continue
            new = sorted(val, key=_sort_key)
            if any(a is not b for a, b in zip(new, val)):
                object.__setattr__(self, f.name, Items(new))

    def default_fqn(self) -> str:
        return ids.quote_part(self.name)

    def child_key(self) -> list[str]:
        """Parts appended to the parent's FQN to name this node (owned nodes only)."""
        return [self.name]

    def iri_type(self) -> str:
        """The type segment of this entity's IRI."""
        return self.TYPE

    def _normalize_children(self) -> list[Any]:
        """Name the children under this entity; returns the rename records the children carry."""
        below: list[Any] = []
        if not self.fqn:
            return below
        for name, many in _child_fields(type(self)):
            val = getattr(self, name)
            if val is None:
                continue
            if many:
                new = [self._adopt(c) for c in val]
                if any(a is not b for a, b in zip(new, val)):
                    object.__setattr__(self, name, Items(new))
                below.extend(c._renamed for c in new if c._renamed)
            else:
                new1 = self._adopt(val)
                if new1 is not val:
                    object.__setattr__(self, name, new1)
                if new1._renamed:
                    below.append(new1._renamed)
        return below

    def _adopt(self, c: Entity) -> Entity:
        old = self._derived["fqn"][1] if self._derived and "fqn" in self._derived else None
        if old and c.fqn and old != self.fqn and c.fqn.startswith(old + "."):  # this entity was renamed
            assert self.fqn is not None
            return dataclasses.replace(c, fqn=self.fqn + c.fqn[len(old):])
        if c.fqn is not None:
            return c
        assert self.fqn is not None
        return dataclasses.replace(c, fqn=ids.fqn_child(self.fqn, *c.child_key()))

    def _note_renames(self, before: str | None, below: list[Any]) -> None:
        """Record this entity's rename (its FQN changed since the entity it was copied from) and its children's,
        and point references inside it at the renamed descendants (see the class docstring)."""
        moved = bool(before and self.fqn and before != self.fqn)
        if not (moved or below or self._renamed):  # the common case: nothing renamed, nothing recorded
            return
        renamed: dict[tuple[str, str], tuple[str, str, str, str]] = {}
        if self._renamed:
            renamed.update(((r[0], r[1]), r) for r in self._renamed)
        if moved:
            assert before is not None and self.fqn is not None
            renamed[(self.TYPE, before)] = (self.TYPE, before, self.fqn, self.name)
        fresh: dict[tuple[str, str], tuple[str, str, str, str]] = {}
        for entries in below:
            for r in entries:
                if (r[0], r[1]) not in renamed:
                    fresh[(r[0], r[1])] = r
        if moved:
            fresh[(self.TYPE, before)] = renamed[(self.TYPE, before)]  # type: ignore[index]
        renamed.update(fresh)
        object.__setattr__(self, "_renamed", tuple(renamed.values()))
        if fresh:  # references inside this entity to what was just renamed follow it
            target = {k: (r[2], r[3]) for k, r in fresh.items()}
            for f, spec in iter_fields(type(self)):
                if spec.kind is FieldKind.CHILD:
                    val = getattr(self, f.name)
                    if spec.many:
                        new = [_retarget(c, target) for c in val]
                        if any(a is not b for a, b in zip(new, val)):
                            object.__setattr__(self, f.name, Items(new))
                    elif val is not None:
                        new1 = _retarget(val, target)
                        if new1 is not val:
                            object.__setattr__(self, f.name, new1)
            changes = _ref_changes(self, target)
            for name, value in changes.items():
                object.__setattr__(self, name, value)

    # -- builders -----------------------------------------------------------------------------------------------

    def adding(self, **items: Any) -> Self:
        """A new entity: this one with ``items`` appended to its list fields (a list, a tuple or one item per
        field), checked and normalised as the constructor does (children named under this entity).

        >>> from mlkg.model import Evaluation, ModelVersion
        >>> v = ModelVersion(name="2", fqn="svc.churn.2").adding(metrics=[Evaluation(name="auc", value=0.9)])
        >>> [e.fqn for e in v.metrics]
        ['svc.churn.2.metric.auc']

        :raises TypeError: when a name is not a list field of this class.
        """
        changes: dict[str, Any] = {}
        for name, new in items.items():
            f = self.__dataclass_fields__.get(name)
            spec = f.metadata.get("mlkg") if f is not None else None
            if spec is None or not spec.many:
                many = ", ".join(fl.name for fl, sp in iter_fields(type(self)) if sp.many)
                raise TypeError(f"{type(self).__name__}.adding(): {name!r} is not a list field "
                                f"(list fields: {many}); use dataclasses.replace() to set other fields")
            changes[name] = (*getattr(self, name), *(new if isinstance(new, (list, tuple)) else (new,)))
        return dataclasses.replace(self, **changes)

    # -- identity -----------------------------------------------------------------------------------------------

    def iri(self, *, base: str | None = None) -> str:
        """Deterministic IRI of this entity (see :mod:`mlkg.ids`)."""
        if not self.fqn:
            raise ValueError(f"{type(self).__name__} {self.name!r} has no fully qualified name yet")
        return ids.mint(self.iri_type(), self.fqn, base=base)

    def ref(self) -> Ref:
        """A reference to this entity."""
        return Ref(type=self.TYPE, fqn=self.fqn, id=self.id, name=self.name)

    # -- JSON ---------------------------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """This entity as mlkg JSON: OpenMetadata's field names, mlkg's additions, no ``None`` values."""
        from .json import entity_to_dict  # lazy: a cycle, model.json builds on this module

        return entity_to_dict(self)

    @classmethod
    def from_dict(cls, data: Any, *, path: str = "$") -> Entity:
        """Build an entity from mlkg/OpenMetadata JSON.

        :raises InputError: naming the JSON path and what was expected, for any wrong type, unknown field,
            unknown enum value or missing name.
        """
        from .json import entity_from_dict  # lazy: a cycle, model.json builds on this module

        return entity_from_dict(cls, data, path=path)


def _same(a: Any, b: Any) -> bool:
    """Equal in type and value (``1``, ``1.0`` and ``True`` differ), element by element for tuples."""
    if a is b:
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, tuple):
        return len(a) == len(b) and all(map(_same, a, b))
    return bool(a == b)


def _sort_key(v: Any) -> tuple:
    if isinstance(v, Entity):
        pos = getattr(v, "position", None)
        return (0 if pos is None else -1, pos if pos is not None else 0, v.fqn or "", v.name)
    if isinstance(v, Ref):
        return (0, 0, v.type, v.key)
    return (0, 0, str(v), "")


_CHILD_FIELDS: dict[type, list[tuple[str, bool]]] = {}


def _child_fields(cls: type) -> list[tuple[str, bool]]:
    """(name, many) of the child fields of an entity class."""
    out = _CHILD_FIELDS.get(cls)
    if out is None:
        out = _CHILD_FIELDS[cls] = [(f.name, spec.many) for f, spec in iter_fields(cls)
                                    if spec.kind is FieldKind.CHILD]
    return out


def _moved(r: Any, target: Mapping[tuple[str, str], tuple[str, str]]) -> Any:
    if isinstance(r, Ref) and r.fqn is not None:
        hit = target.get((r.type, r.fqn))
        if hit is not None:
            return dataclasses.replace(r, fqn=hit[0], name=hit[1] if r.name is not None else None)
    return r


def _ref_changes(e: Entity, target: Mapping[tuple[str, str], tuple[str, str]]) -> dict[str, Any]:
    """The reference fields of ``e`` (not its children) with references in ``target`` pointed at the new FQN."""
    out: dict[str, Any] = {}
    for f, spec in iter_fields(type(e)):
        if spec.kind is not FieldKind.REF:
            continue
        val = getattr(e, f.name)
        if val is None:
            continue
        if spec.many:
            new = [_moved(r, target) for r in val]
            if any(a is not b for a, b in zip(new, val)):
                out[f.name] = Items(new)
        else:
            new1 = _moved(val, target)
            if new1 is not val:
                out[f.name] = new1
    return out


def _retarget(e: Entity, target: Mapping[tuple[str, str], tuple[str, str]]) -> Entity:
    """``e`` rebuilt with its references (and its descendants') in ``target`` pointed at their new FQN; ``e``
    itself when none is."""
    changes = _ref_changes(e, target)
    for f, spec in iter_fields(type(e)):
        if spec.kind is not FieldKind.CHILD:
            continue
        val = getattr(e, f.name)
        if val is None:
            continue
        if spec.many:
            new = [_retarget(c, target) for c in val]
            if any(a is not b for a, b in zip(new, val)):
                changes[f.name] = new
        else:
            new1 = _retarget(val, target)
            if new1 is not val:
                changes[f.name] = new1
    return dataclasses.replace(e, **changes) if changes else e


def _fqns(e: Entity, out: set[tuple[str, str]]) -> None:
    if e.fqn:
        out.add((e.TYPE, e.fqn))
    for f, spec in iter_fields(type(e)):
        if spec.kind is FieldKind.CHILD:
            val = getattr(e, f.name)
            for c in (val if spec.many else (val,) if val is not None else ()):
                _fqns(c, out)


def follow_renames(entities: Iterable[Entity]) -> list[Entity]:
    """The estate ``entities`` with references by FQN to a renamed entity of it pointed at the new FQN.

    An entity renamed with :func:`dataclasses.replace` or :meth:`Entity.adding` (its own name or FQN, or an
    ancestor's) remembers its old FQN; a reference elsewhere in the estate that still names the old FQN follows
    to the new one, unless an entity of the estate still has the old FQN. Entities that need no change are
    returned as they are (the common case costs one look at each root).

    >>> from mlkg.model import Endpoint, MLModel, MLModelService, ModelVersion
    >>> model = MLModel(name="churn", service="svc", versions=[ModelVersion(name="2")])
    >>> ep = Endpoint(name="ep", service="svc", model_version=Ref(type="modelVersion", fqn="svc.churn.2"))
    >>> model = dataclasses.replace(model, name="churn_v2")
    >>> [e.model_version.fqn for e in follow_renames([model, ep]) if isinstance(e, Endpoint)]
    ['svc.churn_v2.2']
    """
    roots = list(entities)
    entries = [r for e in roots if isinstance(e, Entity) for r in e._renamed]
    if not entries:
        return roots
    present: set[tuple[str, str]] = set()
    for e in roots:
        if isinstance(e, Entity):
            _fqns(e, present)
    moves = {(t, old): (new, name) for t, old, new, name in entries if (t, old) not in present}
    for _ in range(len(moves)):  # a rename of a rename: follow the chain to its end
        chained = {k: moves.get((k[0], v[0]), v) for k, v in moves.items()}
        if chained == moves:
            break
        moves = chained
    target = {k: v for k, v in moves.items() if (k[0], v[0]) in present}
    if not target:
        return roots
    return [_retarget(e, target) if isinstance(e, Entity) else e for e in roots]


def iter_fields(cls: type) -> Iterator[tuple[dataclasses.Field, FieldSpec]]:
    """The mapped fields of an entity class, in declaration order."""
    cached = _FIELD_CACHE.get(cls)
    if cached is None:
        cached = []
        for f in dataclasses.fields(cls):
            spec = f.metadata.get("mlkg")
            if spec is None:
                continue
            if not spec.json:
                spec = dataclasses.replace(spec, json=_camel(f.name))
            cached.append((f, spec))
        _FIELD_CACHE[cls] = cached
    return iter(cached)


_FIELD_CACHE: dict[type, list[tuple[dataclasses.Field, FieldSpec]]] = {}


def _coerce_field(val: Any, spec: FieldSpec, name: str) -> Any:
    """Friendly Python inputs: FQN strings for refs, plain strings for enums, entities for refs."""
    if val is None:
        return None
    if spec.many:
        if type(val) is Items and not val:
            return val
        if not isinstance(val, (list, tuple)):
            raise InputError(f"{name} must be a list", path=name, expected="a list or tuple")
        if not val:
            return NO_ITEMS
        out = [_coerce_one(v, spec, f"{name}[{i}]") for i, v in enumerate(val)]
        if type(val) is Items and all(a is b for a, b in zip(out, val)):
            return val
        return Items(out)
    return _coerce_one(val, spec, name)


def _coerce_one(v: Any, spec: FieldSpec, path: str) -> Any:
    k = spec.kind
    if k is FieldKind.REF:
        if isinstance(v, Ref):
            return v
        if isinstance(v, Entity):
            return v.ref()
        if isinstance(v, str):
            return Ref(type=spec.target, fqn=v)
        raise InputError(f"{v!r} is not a reference", path=path, expected="a Ref, an entity or an FQN string")
    if k is FieldKind.ENUM:
        assert spec.enum is not None
        return spec.enum.parse(v, path=path)
    if k is FieldKind.LITERAL:
        return coerce_literal(v, spec, path)
    if k is FieldKind.TYPED:
        if isinstance(v, Decimal):
            return typed_decimal(v, path)
        if not isinstance(v, (int, float, bool, str)):
            raise InputError(f"{v!r} is not a scalar", path=path, expected="a number, boolean or string")
        return v
    if k is FieldKind.CHILD:
        if not isinstance(v, spec.target):
            raise InputError(f"expected a {spec.target.__name__}", path=path, expected=spec.target.__name__)
        return v
    if k is FieldKind.IRI:
        if not isinstance(v, str) or not v:
            raise InputError(f"{v!r} is not an IRI or name", path=path, expected="a string")
        return expand_iri(v, spec)
    if k is FieldKind.JSON:
        return freeze_json(v)
    assert_never(k)


def expand_iri(value: str, spec: FieldSpec) -> str:
    """Full IRI for an ``iri`` field value (short names go under the field's prefix)."""
    if "://" in value or value.startswith("urn:"):
        return value
    return spec.iri_prefix + ids.encode(value)


def shorten_iri(value: str, spec: FieldSpec) -> str:
    from urllib.parse import unquote

    if spec.iri_prefix and value.startswith(spec.iri_prefix):
        return unquote(value[len(spec.iri_prefix):])
    return value
