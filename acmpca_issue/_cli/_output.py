"""How ``acmpca-issue`` prints: JSON like the AWS CLI, or text; ``--query`` first; errors.

Example::

    >>> render({"CertificateArn": "arn:..."}, output="json", query=None)
    '{\\n    "CertificateArn": "arn:..."\\n}\\n'
    >>> render({"CertificateArn": "arn:..."}, output="text", query=None)
    'arn:...\\n'

Only the standard library is imported here; ``jmespath`` (a botocore dependency) is imported
when a ``--query`` is given.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

__all__ = [
    "OUTPUTS",
    "UsageError",
    "compile_query",
    "format_text",
    "render",
    "resolve_output",
    "title_of",
]

#: The output formats, as the AWS CLI v1 names them.
OUTPUTS = ("json", "text", "table")

Query = Callable[[object], object]


class UsageError(Exception):
    """Bad usage or input found by the command itself: one line, exit status 2, nothing sent.

    Args:
        message: what is wrong, naming the option and the offending text.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def compile_query(text: str | None) -> Query | None:
    """Compile a ``--query`` JMESPath expression, before anything is sent.

    Raises:
        UsageError: the expression does not compile.
    """
    if text is None:
        return None
    import jmespath
    import jmespath.exceptions

    try:
        compiled = jmespath.compile(text)
    except jmespath.exceptions.JMESPathError as error:
        detail = " ".join(str(error).split())
        from acmpca_issue._cli._redact import quote

        raise UsageError(f"--query: invalid JMESPath expression {quote(text)}: {detail}") from None
    search: Query = compiled.search
    return search


def title_of(args: Any) -> str:
    """The title of a ``--output table``: the subcommand as an operation name
    (``issue-certificate`` is ``IssueCertificate``, as the AWS CLI titles it)."""
    words = [str(args.command), str(getattr(args, "local_command", ""))]
    return "".join(part.capitalize() for word in words for part in word.split("-"))


def resolve_output(args: Any) -> str:
    """The output format, found as the AWS CLI finds it: ``--output``, else the
    ``AWS_DEFAULT_OUTPUT`` environment variable, else the ``output`` setting of the profile
    (``--profile``, else ``AWS_PROFILE``, else ``AWS_DEFAULT_PROFILE``, else ``default``) in
    the AWS config file (``AWS_CONFIG_FILE``, else ``~/.aws/config``), else ``json``.

    Raises:
        UsageError: the environment variable or the config file names a format that is not
            one of :data:`OUTPUTS`, or the config file cannot be parsed.
    """
    import os

    given: str | None = getattr(args, "output", None)
    if given is not None:
        return given
    value = os.environ.get("AWS_DEFAULT_OUTPUT")
    where = "AWS_DEFAULT_OUTPUT"
    if not value:
        profile = (
            getattr(args, "profile", None)
            or os.environ.get("AWS_PROFILE")
            or os.environ.get("AWS_DEFAULT_PROFILE")
            or "default"
        )
        path = os.path.expanduser(os.environ.get("AWS_CONFIG_FILE") or "~/.aws/config")
        value = _configured_output(path, profile)
        where = f"output in profile {profile!r} of {path}"
    if not value:
        return "json"
    if value not in OUTPUTS:
        raise UsageError(
            f"{where}: {value!r} is not an output format; use one of {', '.join(OUTPUTS)}"
        )
    return value


def _configured_output(path: str, profile: str) -> str | None:
    """The ``output`` setting of ``profile`` in the config file at ``path``, if any."""
    import configparser

    parser = configparser.RawConfigParser()
    try:
        read = parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as error:
        raise UsageError(
            f"cannot read the AWS config file {path}: {type(error).__name__}"
        ) from None
    if not read:
        return None
    sections = [f"profile {profile}", *(["default"] if profile == "default" else [])]
    for section in sections:
        if parser.has_option(section, "output"):
            return parser.get(section, "output").strip() or None
    return None


def render(
    data: object,
    *,
    output: str,
    query: Query | None,
    text: str | None = None,
    title: str = "",
) -> str:
    """The text to print for ``data``.

    Args:
        data: the result, a JSON-able value.
        output: ``"json"`` (indented by 4, non-ASCII kept, as the AWS CLI prints), ``"text"``
            or ``"table"`` (the AWS CLI's table, titled ``title``).
        query: applied to ``data`` first.
        text: what ``--output text`` prints instead of the generic form (such as PEM), unless
            a query was given.
        title: the table's title, the operation's name (``IssueCertificate``).
    """
    if query is not None:
        data = query(data)
        text = None
    if output == "table":
        from acmpca_issue._cli._table import format_table, terminal_width

        return format_table(title, data, width=terminal_width())
    if output == "text":
        shown = text if text is not None else format_text(data)
        return shown if shown.endswith("\n") or not shown else shown + "\n"
    if data == {}:
        return ""
    return json.dumps(data, indent=4, ensure_ascii=False) + "\n"


def format_text(data: object) -> str:
    """The AWS CLI's text form, with one change that keeps PEM usable.

    As the AWS CLI prints it: a scalar as itself (``None`` as ``None``); a list of scalars as
    one tab-separated line; a structure as its scalar values in the order of their names, on
    one tab-separated line, then each nested member on its own lines, led by the member's
    name in capitals where it holds a scalar list or structure; a list of structures as one
    line each, with the columns of all their scalar members. The change: the scalars of a
    structure go one per line if any holds a newline, so PEM stays PEM.
    """
    return "\n".join(_text_lines(data))


def _text_lines(
    data: object, identifier: str | None = None, columns: list[str] | None = None
) -> list[str]:
    if isinstance(data, Mapping):
        return _mapping_lines(data, identifier, columns)
    if isinstance(data, list):
        return _list_lines(data, identifier)
    return [_scalar(data)]


def _mapping_lines(
    data: Mapping[str, object], identifier: str | None, columns: list[str] | None
) -> list[str]:
    if columns is None:
        scalars = [_scalar(v) for _, v in sorted(data.items()) if not _nested(v)]
        nested = [(k, v) for k, v in sorted(data.items()) if _nested(v)]
    else:
        scalars = [_scalar(data.get(key, "")) for key in columns]
        nested = [(key, data[key]) for key in sorted(set(data) - set(columns))]
    lines: list[str] = []
    if scalars:
        if identifier is not None:
            scalars.insert(0, identifier.upper())
        joiner = "\n" if any("\n" in s for s in scalars) else "\t"
        lines.append(joiner.join(s.rstrip("\n") for s in scalars))
    for key, value in nested:
        lines.extend(_text_lines(value, key))
    return lines


def _list_lines(data: list[object], identifier: str | None) -> list[str]:
    if any(isinstance(item, Mapping) for item in data):
        columns = sorted(
            {
                k
                for item in data
                if isinstance(item, Mapping)
                for k, v in item.items()
                if not _nested(v)
            }
        )
        return [line for item in data for line in _text_lines(item, identifier, columns)]
    scalars = [item for item in data if not _nested(item)]
    lines = _scalar_list(scalars, identifier) if scalars else []
    for item in data:
        if _nested(item):
            lines.extend(_text_lines(item, identifier))
    return lines


def _scalar_list(items: list[object], identifier: str | None) -> list[str]:
    if identifier is not None:
        return [f"{identifier.upper()}\t{_scalar(item)}" for item in items]
    return ["\t".join(_scalar(item) for item in items)]


def _nested(value: object) -> bool:
    return isinstance(value, (Mapping, list))


def _scalar(value: Any) -> str:
    return str(value)
