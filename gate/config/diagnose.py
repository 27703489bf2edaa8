"""Every structural problem in a config, for when msgspec has found the first.

`msgspec.convert` is the fast path of every config load and stops at the first
error. Only when it fails, this walks the parsed data along the same schema
types, read through `msgspec.inspect` (so the constraints come from one place,
the `Meta` annotations of `gate.config.schema`), and reports every problem.
It accepts exactly what `convert` accepts: tests/test_config_problems.py checks
the two agree on mutated configs. It descends only where the schema does, so
its work is bounded by the data's size whatever the data holds.

Why not validate against the generated JSON Schema with `jsonschema`: that
would add jsonschema and its Rust dependency to every install for the error
path alone; YAML and TOML dates are not JSON strings; and for a safety check
of a known `kind` it reports "not valid under any of the given schemas"
instead of the key that is wrong.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import operator
import re
from typing import Any

from msgspec import inspect as mi

from gate.config.problems import Problem, did_you_mean, key_path
from gate.config.schema import ConfigSpec

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# The Python types a scalar schema type takes (a date also as its ISO string).
_PYTHON_TYPES: dict[type[mi.Type], Any] = {
    mi.NoneType: type(None),
    mi.StrType: str,
    mi.EnumType: str,
    mi.IntType: int,
    mi.FloatType: int | float,
    mi.DateType: str | dt.date,
}
_NAMES: dict[type[mi.Type], str] = {
    mi.NoneType: "null",
    mi.BoolType: "bool",
    mi.IntType: "int",
    mi.FloatType: "float",
    mi.StrType: "str",
    mi.DateType: "date",
    mi.ListType: "array",
    mi.DictType: "object",
    mi.StructType: "object",
}


def structural_problems(data: Any) -> list[Problem]:
    """Every problem of `data` (parsed YAML or TOML) against the config schema,
    in the order of the file; empty when msgspec would accept it."""
    found: list[Problem] = []
    _check(data, _config_type(), "", found)
    return found


@functools.cache
def _config_type() -> mi.Type:
    return mi.type_info(ConfigSpec)


def _check(value: Any, kind: mi.Type, path: str, found: list[Problem]) -> None:
    """Append the problems of `value` as a `kind` at `path` to `found`."""
    while isinstance(kind, mi.Metadata):  # a description: nothing to check
        kind = kind.type
    if isinstance(kind, mi.UnionType):
        if all(isinstance(t, mi.StructType) and t.tag_field for t in kind.types):
            _tagged(value, kind.types, path, found)
            return
        member = _member_for(value, kind.types)
        if member is None:
            wanted = " | ".join(_name(t) for t in kind.types)
            found.append(Problem(path, f"expected `{wanted}`, got `{_kind(value)}`"))
            return
        kind = member
    if isinstance(kind, mi.StructType):
        _struct(value, kind, path, found)
    elif isinstance(kind, mi.ListType):
        _list(value, kind, path, found)
    elif isinstance(kind, mi.DictType):
        _dict(value, kind, path, found)
    else:
        message = _scalar(value, kind)
        if message is not None:
            found.append(Problem(path, message))


def _struct(
    value: Any, kind: mi.StructType, path: str, found: list[Problem], skip: str | None = None
) -> None:
    if not isinstance(value, dict):
        found.append(Problem(path, f"expected `object`, got `{_kind(value)}`"))
        return
    fields = {f.encode_name: f for f in kind.fields}
    for key, item in value.items():
        if skip is not None and key == skip:
            continue
        field = fields.get(key) if isinstance(key, str) else None
        if field is None:
            near = did_you_mean(key, fields) if isinstance(key, str) else ""
            found.append(Problem(key_path(path, key), f"unknown key{near}"))
        else:
            _check(item, field.type, key_path(path, key), found)
    for name, field in fields.items():
        if field.required and name not in value:
            found.append(Problem(key_path(path, name), "required key is missing"))


def _tagged(value: Any, kinds: tuple[mi.Type, ...], path: str, found: list[Problem]) -> None:
    """A member of a union told apart by a tag key (a safety check's `kind`)."""
    by_tag = {t.tag: t for t in kinds if isinstance(t, mi.StructType)}
    tag_field = next(iter(by_tag.values())).tag_field
    assert tag_field is not None
    if not isinstance(value, dict):
        found.append(Problem(path, f"expected `object`, got `{_kind(value)}`"))
        return
    where = key_path(path, tag_field)
    if tag_field not in value:
        choices = ", ".join(str(tag) for tag in by_tag)
        found.append(Problem(where, f"required key is missing; one of: {choices}"))
        return
    tag = value[tag_field]
    chosen = by_tag.get(tag) if isinstance(tag, str) else None
    if chosen is None:
        near = did_you_mean(str(tag), (str(t) for t in by_tag))
        found.append(Problem(where, f"invalid value {tag!r}{near}"))
        return
    _struct(value, chosen, path, found, skip=tag_field)


def _list(value: Any, kind: mi.ListType, path: str, found: list[Problem]) -> None:
    if not isinstance(value, list | tuple):
        found.append(Problem(path, f"expected `array`, got `{_kind(value)}`"))
        return
    length = _length("array", len(value), kind.min_length, kind.max_length)
    if length is not None:
        found.append(Problem(path, length))
        return
    for index, item in enumerate(value):
        _check(item, kind.item_type, key_path(path, index), found)


def _dict(value: Any, kind: mi.DictType, path: str, found: list[Problem]) -> None:
    if not isinstance(value, dict):
        found.append(Problem(path, f"expected `object`, got `{_kind(value)}`"))
        return
    for key, item in value.items():
        message = _scalar(key, kind.key_type)
        if message is not None:
            found.append(Problem(path, f"key {key!r}: {message}"))
        else:
            _check(item, kind.value_type, key_path(path, key), found)


def _scalar(value: Any, kind: mi.Type) -> str | None:
    """What is wrong with `value` as a scalar of `kind`, or None."""
    while isinstance(kind, mi.Metadata):
        kind = kind.type
    if not _accepts(kind, value):
        return f"expected `{_name(kind)}`, got `{_kind(value)}`"
    if isinstance(kind, mi.StrType):
        assert isinstance(value, str)
        return _string(value, kind)
    if isinstance(kind, mi.IntType | mi.FloatType):
        return _number(value, kind)
    if isinstance(kind, mi.LiteralType) and not any(
        type(v) is type(value) and v == value for v in kind.values
    ):
        return f"invalid value {value!r}; expected one of: {_choices(kind.values)}"
    if isinstance(kind, mi.EnumType):
        values = [member.value for member in kind.cls]
        if value not in values:
            return f"invalid enum value {value!r}; expected one of: {_choices(values)}"
    if isinstance(kind, mi.DateType) and isinstance(value, str):
        return None if _iso_date(value) else f"invalid date {value!r}; expected YYYY-MM-DD"
    return None


def _string(value: str, kind: mi.StrType) -> str | None:
    length = _length("str", len(value), kind.min_length, kind.max_length)
    if length is not None:
        return length
    if kind.pattern is not None and not re.search(kind.pattern, value):
        return f"expected `str` matching regex {kind.pattern!r}"
    return None


def _number(value: int | float, kind: mi.IntType | mi.FloatType) -> str | None:
    name = "int" if isinstance(kind, mi.IntType) else "float"
    try:
        number = value if name == "int" else float(value)
    except OverflowError:  # an integer literal beyond any float
        return "number out of range"
    if isinstance(number, float) and not math.isfinite(number):
        return f"expected a finite `float`, got {number}"
    for bound, holds, sign in (
        (kind.ge, operator.ge, ">="),
        (kind.gt, operator.gt, ">"),
        (kind.le, operator.le, "<="),
        (kind.lt, operator.lt, "<"),
    ):
        if bound is not None and not holds(number, bound):
            shown = float(bound) if name == "float" else bound
            return f"expected `{name}` {sign} {shown}"
    return None


def _length(name: str, n: int, least: int | None, most: int | None) -> str | None:
    if least is not None and n < least:
        return f"expected `{name}` of length >= {least}"
    if most is not None and n > most:
        return f"expected `{name}` of length <= {most}"
    return None


def _member_for(value: Any, kinds: tuple[mi.Type, ...]) -> mi.Type | None:
    """The member of a union that a value of this Python type is checked against."""
    for kind in kinds:
        while isinstance(kind, mi.Metadata):
            kind = kind.type
        if _accepts(kind, value):
            return kind
    return None


def _accepts(kind: mi.Type, value: Any) -> bool:
    """Whether `value` has the Python type `kind` takes (its constraints aside)."""
    if isinstance(value, bool):
        return isinstance(kind, mi.BoolType)
    if isinstance(kind, mi.StructType | mi.DictType):
        return isinstance(value, dict)
    if isinstance(kind, mi.ListType):
        return isinstance(value, list | tuple)
    if isinstance(kind, mi.LiteralType):
        return any(type(v) is type(value) for v in kind.values)
    wanted = _PYTHON_TYPES.get(type(kind))
    if wanted is None:
        return False
    return isinstance(value, wanted) and not isinstance(value, dt.datetime)


def _iso_date(text: str) -> bool:
    if not _DATE.match(text):
        return False
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _name(kind: mi.Type) -> str:
    """A type as msgspec's messages name it."""
    while isinstance(kind, mi.Metadata):
        kind = kind.type
    if isinstance(kind, mi.LiteralType | mi.EnumType):
        values = kind.values if isinstance(kind, mi.LiteralType) else [m.value for m in kind.cls]
        return " | ".join(repr(v) for v in values)
    return _NAMES.get(type(kind), type(kind).__name__)


def _kind(value: object) -> str:
    """The type of a parsed value, in the same words as `_name`."""
    if value is None:
        return "null"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, dt.datetime):
        return "datetime"
    if isinstance(value, dt.date):
        return "date"
    return type(value).__name__


def _choices(values: object) -> str:
    assert isinstance(values, list | tuple)
    return ", ".join(str(v) for v in values)
