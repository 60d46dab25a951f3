"""The AWS CLI shorthand syntax (``Value=365,Type=DAYS``), read exactly as ``aws`` v1 reads it.

:func:`parse_shorthand` is the syntax alone: it gives the same nested dicts, lists and strings
as the AWS CLI's ``ShorthandParser`` for the same text, or raises
:class:`~acmpca_issue.exceptions.InvalidRequestError` where the AWS CLI fails too.
:func:`coerce_shorthand` then applies the types of an IssueCertificate member the way the AWS CLI
does (``long`` members become ``int``, ``true``/``false`` become booleans, a single value given
for a list becomes a one-element list), and :func:`load_structure` does both, or reads JSON when
the text starts with ``{`` or ``[`` (the AWS CLI's rule).

Example::

    >>> parse_shorthand("Value=365,Type=DAYS")
    {'Value': '365', 'Type': 'DAYS'}
    >>> load_structure("Type=DAYS,Value=365", "Validity")
    {'Type': 'DAYS', 'Value': 365}
    >>> parse_shorthand("Subject={CommonName=a},Extensions={KeyUsage={DigitalSignature=true}}")
    {'Subject': {'CommonName': 'a'}, 'Extensions': {'KeyUsage': {'DigitalSignature': 'true'}}}

The grammar, as the AWS CLI implements it::

    parameter   = keyval *("," keyval)           ; a key may appear once
    keyval      = key ["@"] "=" values           ; "@=" reads file:// or fileb:// values
    values      = explicit-list / hash-literal / csv-value
    csv-value   = first-value *("," second-value)  ; "a=b,c" is {"a": ["b", "c"]}
    explicit-list = "[" [item *("," item)] "]"
    hash-literal  = "{" [key "=" item *("," key "=" item)] "}"   ; a later key wins
    item        = explicit-list / hash-literal / first-value
    first-value = 'single quoted' / "double quoted" / bare word (may hold "=", "[", "{", space)
    second-value = quoted / bare word (may not hold "=")

Whitespace around ``,``, ``=``, ``[`` and ``{`` is ignored, a bare word loses trailing space, and
``\\,`` in a bare word is a literal comma.
"""

from __future__ import annotations

import json
import os
import re
import string
from collections.abc import Callable, Mapping
from typing import Final, TypeAlias

from acmpca_issue._problems import did_you_mean
from acmpca_issue.exceptions import InvalidRequestError

__all__ = ["SHAPES", "Shape", "coerce_shorthand", "load_structure", "parse_shorthand"]

# Character classes of the AWS CLI grammar. A bare word starts with any printable character
# other than quote, comma, "=", "[" or "{" (and whitespace); a first value may then also hold
# "=", "[", "{" and whitespace, but not a quote, comma, "]" or "}"; a second value (after a
# comma) may hold "]" and "}" but not "=". Both stop at U+FFFF. The classes are written as
# negations bounded above U+FFFF: the same sets as the AWS CLI's positive ranges up to U+FFFF,
# which the re module takes some 20 ms to compile into a table, against 1-2 ms for these.
# (Below U+0021, whitespace is U+0009-U+000D and U+001C-U+0020.)
_START = r"^\x00-\x20\"',=\[{\U00010000-\U0010ffff"
_FIRST_FOLLOW = r"^\x00-\x08\x0e-\x1b\"',\]}\U00010000-\U0010ffff"
_SECOND_FOLLOW = r"^\x00-\x08\x0e-\x1b\"',=\U00010000-\U0010ffff"
_ESCAPED_COMMA = r"\\,"
_FIRST_WORD: Final = re.compile(
    f"(?:{_ESCAPED_COMMA}|[{_START}])(?:{_ESCAPED_COMMA}|[{_FIRST_FOLLOW}])*"
)
_SECOND_WORD: Final = re.compile(
    f"(?:{_ESCAPED_COMMA}|[{_START}])(?:{_ESCAPED_COMMA}|[{_SECOND_FOLLOW}])*"
)
_SINGLE_QUOTED: Final = re.compile(r"'(?:\\'|[^'])*'")
_DOUBLE_QUOTED: Final = re.compile(r'"(?:\\"|[^"])*"')
_KEY_CHARS: Final = frozenset(string.ascii_letters + string.digits + "-_.#/:")
_WHITESPACE: Final = frozenset(string.whitespace)
_SHOWN = 60  # characters of the input quoted in an error message


class _SyntaxError(Exception):
    """A point where the grammar failed; the parser may back up and try another reading."""

    def __init__(self, expected: str, index: int) -> None:
        super().__init__(expected)
        self.expected = expected
        self.index = index


def _describe(text: str, index: int, what: str) -> str:
    shown = text if len(text) <= _SHOWN else text[:_SHOWN] + "..."
    return f"{what} at position {index} in {shown!r}"


class _Parser:
    """One pass over one text; the methods follow the grammar's rules."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.index = 0
        self.read_files = False

    # Rules -----------------------------------------------------------------------------------

    def parameter(self) -> dict[str, object]:
        params: dict[str, object] = {}
        key, value = self.keyval()
        params[key] = value
        last = self.index
        while self.index < len(self.text):
            self.expect(",", skip_space=True)
            key, value = self.keyval()
            if key in params:
                raise InvalidRequestError(
                    _describe(
                        self.text,
                        last + 1,
                        f"key {key!r} is given twice (a ',' where a space was meant?)",
                    )
                )
            params[key] = value
            last = self.index
        return params

    def keyval(self) -> tuple[str, object]:
        key = self.key()
        self.at_sign()
        self.expect("=", skip_space=True)
        return key, self.values()

    def at_sign(self) -> None:
        """Read an optional ``@`` (``key@=file://...``), skipping space before it either way."""
        self.read_files = False
        self.skip_space()
        if self.current() == "@":
            self.index += 1
            self.skip_space()
            self.read_files = True

    def key(self) -> str:
        start = self.index
        while self.index < len(self.text) and self.text[self.index] in _KEY_CHARS:
            self.index += 1
        return self.text[start : self.index]

    def values(self) -> object:
        if self.at_end():
            return ""
        if self.current() == "[":
            return self.explicit_list()
        if self.current() == "{":
            return self.hash_literal()
        return self.csv_value()

    def csv_value(self) -> object:
        first = self.first_value()
        self.skip_space()
        if self.at_end() or self.text[self.index] != ",":
            return first
        self.expect(",", skip_space=True)
        items = [first]
        while True:
            try:
                item = self.second_value()
                self.skip_space()
                if self.at_end():
                    items.append(item)
                    break
                self.expect(",", skip_space=True)
                items.append(item)
            except _SyntaxError:
                if self.at_end():
                    raise
                # "a=b,c=d": what follows the comma is the next key, not a list item.
                while self.index >= 0 and self.text[self.index] != ",":
                    self.index -= 1
                break
        return first if len(items) == 1 else items

    def explicit_list(self) -> list[object]:
        self.expect("[", skip_space=True)
        items: list[object] = []
        while self.current() != "]":
            items.append(self.item())
            self.skip_space()
            if self.current() != "]":
                self.expect(",")
                self.skip_space()
        self.expect("]")
        return items

    def hash_literal(self) -> dict[str, object]:
        self.expect("{", skip_space=True)
        members: dict[str, object] = {}
        while self.current() != "}":
            key = self.key()
            self.at_sign()
            self.expect("=", skip_space=True)
            value = self.item()
            self.skip_space()
            if self.current() != "}":
                self.expect(",")
                self.skip_space()
            members[key] = value
        self.expect("}")
        return members

    def item(self) -> object:
        if self.current() == "[":
            return self.explicit_list()
        if self.current() == "{":
            return self.hash_literal()
        return self.first_value()

    def first_value(self) -> object:
        quoted = self.quoted()
        if quoted is not None:
            return self.resolve(quoted)
        match = _FIRST_WORD.match(self.text, self.index)
        if match is None:
            return ""
        self.index = match.end()
        return self.resolve(match.group().replace("\\,", ",").rstrip())

    def second_value(self) -> object:
        quoted = self.quoted()
        if quoted is not None:
            return self.resolve(quoted)
        match = _SECOND_WORD.match(self.text, self.index)
        if match is None:
            raise _SyntaxError("a value", self.index)
        self.index = match.end()
        return self.resolve(match.group().replace("\\,", ",").rstrip())

    def quoted(self) -> str | None:
        quote = self.current()
        if quote not in ("'", '"'):
            return None
        pattern = _SINGLE_QUOTED if quote == "'" else _DOUBLE_QUOTED
        match = pattern.match(self.text, self.index)
        if match is None:
            raise _SyntaxError(f"a closing {quote}", self.index)
        self.index = match.end()
        return match.group()[1:-1].replace("\\" + quote, quote).replace("\\\\", "\\")

    def resolve(self, value: str) -> object:
        """The contents of ``file://`` (text) or ``fileb://`` (bytes) after ``@=``."""
        if not self.read_files:
            return value
        for prefix, mode in (("file://", "r"), ("fileb://", "rb")):
            if value.startswith(prefix):
                path = os.path.expandvars(os.path.expanduser(value[len(prefix) :]))
                try:
                    with open(path, mode) as handle:
                        data: object = handle.read()
                except UnicodeDecodeError:
                    raise InvalidRequestError(
                        f"cannot read {value} as text; use fileb:// for a binary file"
                    ) from None
                except OSError as error:
                    raise InvalidRequestError(
                        f"cannot read {value}: {error.strerror or error}"
                    ) from None
                return data
        return value

    # Tokens ----------------------------------------------------------------------------------

    def expect(self, char: str, *, skip_space: bool = False) -> None:
        if skip_space:
            self.skip_space()
        if self.current() != char:
            raise _SyntaxError(repr(char), self.index)
        self.index += 1
        if skip_space:
            self.skip_space()

    def current(self) -> str:
        return self.text[self.index] if self.index < len(self.text) else ""

    def at_end(self) -> bool:
        return self.index >= len(self.text)

    def skip_space(self) -> None:
        while self.index < len(self.text) and self.text[self.index] in _WHITESPACE:
            self.index += 1


def parse_shorthand(text: str) -> object:
    """Parse AWS CLI shorthand syntax into dicts, lists and strings, exactly as ``aws`` does.

    Every scalar stays a string (``"365"``); :func:`coerce_shorthand` applies a member's types.
    ``key@=file://path`` reads the file as text and ``key@=fileb://path`` as bytes, as the AWS
    CLI does; nothing else touches the file system.

    Args:
        text: the option's value, such as ``Value=365,Type=DAYS``.

    Returns:
        A ``dict`` (the top level of shorthand is always a structure) whose values are ``str``,
        ``list`` or ``dict`` (``bytes`` for ``@=fileb://``).

    Raises:
        InvalidRequestError: the text is not shorthand; the message says what was expected,
            where (a 0-based position) and quotes the text.

    Example::

        >>> parse_shorthand("SubjectAlternativeNames=[{DnsName=a},{DnsName=b}]")
        {'SubjectAlternativeNames': [{'DnsName': 'a'}, {'DnsName': 'b'}]}
        >>> parse_shorthand("a=b,c,d=e")
        {'a': ['b', 'c'], 'd': 'e'}
    """
    if not isinstance(text, str):
        raise InvalidRequestError(f"shorthand must be text, got {type(text).__name__}")
    parser = _Parser(text)
    try:
        return parser.parameter()
    except _SyntaxError as error:
        found = repr(text[error.index]) if error.index < len(text) else "end of text"
        raise InvalidRequestError(
            _describe(text, error.index, f"expected {error.expected} but found {found}")
        ) from None
    except RecursionError:
        raise InvalidRequestError(_describe(text, parser.index, "nested too deeply")) from None


# Types ---------------------------------------------------------------------------------------

#: A member's type: ``"string"``, ``"long"``, ``"boolean"``, a structure (``dict`` of members)
#: or a list (a one-element ``list`` holding the member type).
Shape: TypeAlias = "str | Mapping[str, Shape] | list[Shape]"

_SUBJECT: Final[Mapping[str, Shape]] = {
    **dict.fromkeys(
        (
            "Country",
            "Organization",
            "OrganizationalUnit",
            "DistinguishedNameQualifier",
            "State",
            "CommonName",
            "SerialNumber",
            "Locality",
            "Title",
            "Surname",
            "GivenName",
            "Initials",
            "Pseudonym",
            "GenerationQualifier",
        ),
        "string",
    ),
    "CustomAttributes": [{"ObjectIdentifier": "string", "Value": "string"}],
}
_GENERAL_NAME: Final[Mapping[str, Shape]] = {
    "OtherName": {"TypeId": "string", "Value": "string"},
    "Rfc822Name": "string",
    "DnsName": "string",
    "DirectoryName": _SUBJECT,
    "EdiPartyName": {"PartyName": "string", "NameAssigner": "string"},
    "UniformResourceIdentifier": "string",
    "IpAddress": "string",
    "RegisteredId": "string",
}
_EXTENSIONS: Final[Mapping[str, Shape]] = {
    "CertificatePolicies": [
        {
            "CertPolicyId": "string",
            "PolicyQualifiers": [
                {"PolicyQualifierId": "string", "Qualifier": {"CpsUri": "string"}}
            ],
        }
    ],
    "ExtendedKeyUsage": [
        {"ExtendedKeyUsageType": "string", "ExtendedKeyUsageObjectIdentifier": "string"}
    ],
    "KeyUsage": dict.fromkeys(
        (
            "DigitalSignature",
            "NonRepudiation",
            "KeyEncipherment",
            "DataEncipherment",
            "KeyAgreement",
            "KeyCertSign",
            "CRLSign",
            "EncipherOnly",
            "DecipherOnly",
        ),
        "boolean",
    ),
    "SubjectAlternativeNames": [_GENERAL_NAME],
    "CustomExtensions": [{"ObjectIdentifier": "string", "Value": "string", "Critical": "boolean"}],
}
_VALIDITY: Final[Mapping[str, Shape]] = {"Value": "long", "Type": "string"}

#: The structure members of IssueCertificate that take shorthand, by AWS shape name.
SHAPES: Final[Mapping[str, Mapping[str, Shape]]] = {
    "Validity": _VALIDITY,
    "ApiPassthrough": {"Extensions": _EXTENSIONS, "Subject": _SUBJECT},
}


def coerce_shorthand(value: object, shape: Shape, *, path: str = "") -> object:
    """Apply a member's types to parsed shorthand, as the AWS CLI does before sending.

    ``long`` members become ``int`` (read with ``int()``, as the AWS CLI does), ``boolean``
    members take ``true``/``false`` in any case, and a single value or structure given where a
    list is expected becomes a one-element list. Unlike the AWS CLI, which sends what it cannot
    convert and lets the service reject it, every problem is reported at once.

    Args:
        value: what :func:`parse_shorthand` returned.
        shape: a name in :data:`SHAPES` (``"Validity"``, ``"ApiPassthrough"``) or a shape.
        path: the dotted name of ``value``, used in problem paths.

    Returns:
        The value with the member types applied (a new object; ``value`` is not changed).

    Raises:
        InvalidRequestError: an unknown key, a non-integer ``long``, a boolean other than
            true/false, or a list or structure where a scalar belongs; one problem each, with
            paths such as ``Validity.Value``.
    """
    resolved = shape
    if isinstance(shape, str) and shape in SHAPES:
        resolved = SHAPES[shape]
        path = path or shape
    problems: list[tuple[str, str]] = []
    result = _coerce(value, resolved, path, problems)
    if problems:
        raise InvalidRequestError(problems)
    return result


def _coerce(value: object, shape: Shape, path: str, problems: list[tuple[str, str]]) -> object:
    if isinstance(shape, Mapping):
        if not isinstance(value, dict):
            problems.append((path, f"expected a structure, got {_kind(value)}"))
            return value
        out: dict[str, object] = {}
        for key, member in value.items():
            if key not in shape:
                problems.append(
                    (
                        f"{path}.{key}",
                        f"unknown key {key!r}, must be one of: {', '.join(shape)}"
                        f"{did_you_mean(key, shape)}",
                    )
                )
                continue
            out[key] = _coerce(member, shape[key], f"{path}.{key}", problems)
        return out
    if isinstance(shape, list):
        items = value if isinstance(value, list) else [value]
        return [_coerce(item, shape[0], f"{path}[{i}]", problems) for i, item in enumerate(items)]
    if not isinstance(value, str):
        problems.append((path, f"expected a single {shape} value, got {_kind(value)}"))
        return value
    return _SCALARS.get(shape, _as_string)(value, path, problems)


def _as_string(value: str, path: str, problems: list[tuple[str, str]]) -> object:
    return value


def _as_long(value: str, path: str, problems: list[tuple[str, str]]) -> object:
    try:
        return int(value)
    except ValueError:
        problems.append((path, f"expected an integer, got {value!r}"))
        return value


def _as_boolean(value: str, path: str, problems: list[tuple[str, str]]) -> object:
    lowered = value.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    problems.append((path, f"expected true or false, got {value!r}"))
    return value


_SCALARS: Final[Mapping[str, Callable[[str, str, list[tuple[str, str]]], object]]] = {
    "long": _as_long,
    "boolean": _as_boolean,
}


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "a structure"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bytes):
        return "the bytes of a fileb:// file"
    return repr(value)


def load_structure(text: str, shape: str) -> object:
    """Read a structure option's value: JSON if it starts with ``{`` or ``[``, else shorthand.

    This is the AWS CLI's rule. JSON is taken as written (the AWS CLI converts no types in JSON);
    shorthand goes through :func:`parse_shorthand` and :func:`coerce_shorthand`.

    Args:
        text: the option's value.
        shape: ``"Validity"`` or ``"ApiPassthrough"`` (a key of :data:`SHAPES`).

    Returns:
        The member's value as botocore takes it (``{"Value": 365, "Type": "DAYS"}``).

    Raises:
        InvalidRequestError: invalid JSON or shorthand, or shorthand of the wrong types.
    """
    if not isinstance(text, str):
        raise InvalidRequestError(f"must be text, got {type(text).__name__}")
    if text.strip().startswith(("{", "[")):
        try:
            return json.loads(text)
        except RecursionError:
            raise InvalidRequestError("invalid JSON: nested too deeply") from None
        except ValueError as error:
            raise InvalidRequestError(f"invalid JSON: {error} in {_clip(text)!r}") from None
    return coerce_shorthand(parse_shorthand(text), shape)


def _clip(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "..."
