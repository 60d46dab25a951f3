"""Frozen attrs classes checked against a shape of the acm-pca service model.

Each class lists its members as :class:`Member` rows: the snake_case name, the AWS key, and a
check. :class:`Model` runs every check after ``__init__``, converts what it may (a mapping to
the nested class, a list to a tuple), raises one :class:`InvalidRequestError` listing every
problem with its field path, and gives ``to_api`` and ``from_api``.

Example::

    @attrs.frozen(kw_only=True, repr=False)
    class Qualifier(Model):
        cps_uri: str

        _MEMBERS = (Member("cps_uri", "CpsUri", text(256), required=True),)
"""

from __future__ import annotations

import enum
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, cast

import attrs
from typing_extensions import Self

from acmpca_issue._enums import coerce_enum
from acmpca_issue._problems import Problems, describe, did_you_mean
from acmpca_issue.exceptions import InvalidRequestError

__all__ = [
    "MISSING",
    "Check",
    "Member",
    "Model",
    "count_set",
    "encodable",
    "enum_member",
    "flag",
    "items",
    "kind",
    "nested",
    "text",
    "wire",
]


class Missing(enum.Enum):
    """A required member left out of a mapping given to ``from_api`` (told apart from None)."""

    MISSING = enum.auto()


MISSING = Missing.MISSING

Check = Callable[[object, str, Problems], object]
"""Checks ``value`` at ``path``, records what is wrong in ``problems``, returns it converted."""


@attrs.frozen
class Member:
    """One field of a model: its snake_case name, its AWS key, and how it is checked."""

    name: str
    key: str
    check: Check
    required: bool = False


def encodable(value: str) -> bool:
    """Whether ``value`` can be sent as UTF-8 (a lone surrogate such as ``\\ud800`` cannot)."""
    if value.isascii():
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def text(
    max_len: int,
    *,
    min_len: int = 0,
    pattern: re.Pattern[str] | None = None,
    allowed: str = "",
) -> Check:
    """A string of ``min_len``-``max_len`` characters, matching ``pattern`` if given."""

    def check(value: object, path: str, problems: Problems) -> object:
        if not isinstance(value, str):
            problems.add(path, f"must be a string, got {type(value).__name__}")
        elif not encodable(value):
            problems.add(
                path, f"must be Unicode text without lone surrogates, got {describe(value)}"
            )
        elif not min_len <= len(value) <= max_len:
            size = (
                f"exactly {max_len}"
                if min_len == max_len
                else f"{min_len}-{max_len}"
                if min_len
                else f"at most {max_len}"
            )
            problems.add(path, f"must be {size} characters long, got {len(value)}")
        elif pattern is not None and pattern.fullmatch(value) is None:
            problems.add(path, f"must be {allowed}, got {describe(value)}")
        return value

    return check


def flag(value: object, path: str, problems: Problems) -> object:
    """A ``bool`` (not an int or the text "true")."""
    if not isinstance(value, bool):
        problems.add(path, f"must be true or false, got {describe(value)}")
    return value


def enum_member(enum_type: type[Any]) -> Check:
    """A member of ``enum_type`` or its AWS string, converted to the member."""

    def check(value: object, path: str, problems: Problems) -> object:
        return problems.check(path, coerce_enum, enum_type, value, "") or value

    return check


def nested(model: type[Model]) -> Check:
    """An instance of ``model`` or its AWS mapping, converted to the instance."""

    def check(value: object, path: str, problems: Problems) -> object:
        if isinstance(value, model):
            return value
        if isinstance(value, Mapping):
            return problems.check(path, model.from_api, value) or value
        problems.add(path, f"must be a {model.__name__} or its AWS mapping, got {kind(value)}")
        return value

    return check


def items(model: type[Model], max_len: int) -> Check:
    """A sequence of 1-``max_len`` ``model`` items (or their mappings), kept as a tuple."""

    check_item = nested(model)

    def check(value: object, path: str, problems: Problems) -> object:
        if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
            problems.add(path, f"must be a list of {model.__name__}, got {kind(value)}")
            return value
        try:
            size = len(value)
        except OverflowError:  # a range with more items than an index can count
            size = sys.maxsize + 1
        if not 1 <= size <= max_len:
            # The items of a list refused for its size are not checked one by one.
            got = size if size <= sys.maxsize else f"more than {sys.maxsize}"
            problems.add(path, f"must hold 1-{max_len} items (or be left out), got {got}")
            return value
        return tuple(
            check_item(item, f"{path}[{index}]", problems) for index, item in enumerate(value)
        )

    return check


def kind(value: object) -> str:
    """The type name of ``value`` for a message (``None`` for None)."""
    return "None" if value is None else type(value).__name__


def wire(value: object) -> object:
    """A member's value in the AWS shape: nested models as mappings, tuples as lists."""
    if isinstance(value, Model):
        return value.to_api()
    if isinstance(value, tuple):
        return [wire(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    return value


class Model:
    """What every checked class shares: checking, ``to_api`` and ``from_api``."""

    __slots__ = ()
    _MEMBERS: ClassVar[tuple[Member, ...]]

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        for member in self._MEMBERS:
            value = getattr(self, member.name)
            if value is None or value is MISSING:
                if member.required:
                    problems.add(member.name, "is required")
                continue
            object.__setattr__(self, member.name, member.check(value, member.name, problems))
        self._check_whole(problems)
        problems.raise_if_any()

    def _check_whole(self, problems: Problems) -> None:
        """Rules across fields; the default has none."""

    def __repr__(self) -> str:
        """The members that differ from their defaults, so a GeneralName shows its one name."""
        defaults = attrs.fields_dict(type(self))  # type: ignore[arg-type]
        shown = ", ".join(
            f"{member.name}={getattr(self, member.name)!r}"
            for member in self._MEMBERS
            if getattr(self, member.name) is not defaults[member.name].default
        )
        return f"{type(self).__name__}({shown})"

    def to_api(self) -> dict[str, Any]:
        """The AWS shape (PascalCase keys), with only the members that are set."""
        return {
            member.key: wire(getattr(self, member.name))
            for member in self._MEMBERS
            if getattr(self, member.name) is not None
        }

    @classmethod
    def from_api(cls, mapping: object) -> Self:
        """Build from the AWS shape (PascalCase keys, as botocore takes it).

        Problems are reported at the snake_case field paths (``subject.country``).

        Raises:
            InvalidRequestError: not a mapping, an unknown key, or any invalid value.
        """
        keys = ", ".join(member.key for member in cls._MEMBERS)
        if not isinstance(mapping, Mapping):
            raise InvalidRequestError(f"must be a mapping with keys {keys}, got {kind(mapping)}")
        by_key = {member.key: member for member in cls._MEMBERS}
        problems = Problems()
        values: dict[str, object] = {m.name: MISSING for m in cls._MEMBERS if m.required}
        for key, value in mapping.items():
            member = by_key.get(key) if isinstance(key, str) else None
            if member is None:
                problems.add(
                    "",
                    f"unknown key {describe(key)}; allowed: {keys}{did_you_mean(key, by_key)}",
                )
            else:
                values[member.name] = value
        built = None
        try:
            built = cast(Callable[..., Self], cls)(**values)
        except InvalidRequestError as error:
            problems.absorb("", error)
        problems.raise_if_any()
        return cast(Self, built)


def count_set(model: Model) -> list[str]:
    """The names of the members of ``model`` that are set (not None)."""
    return [m.name for m in model._MEMBERS if getattr(model, m.name) is not None]
