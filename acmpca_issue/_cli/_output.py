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

__all__ = ["UsageError", "compile_query", "format_text", "render"]

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


def render(data: object, *, output: str, query: Query | None, text: str | None = None) -> str:
    """The text to print for ``data``.

    Args:
        data: the result, a JSON-able value.
        output: ``"json"`` (indented by 4, non-ASCII kept, as the AWS CLI prints) or ``"text"``.
        query: applied to ``data`` first.
        text: what ``--output text`` prints instead of the generic form (such as PEM), unless
            a query was given.
    """
    if query is not None:
        data = query(data)
        text = None
    if output == "text":
        shown = text if text is not None else format_text(data)
        return shown if shown.endswith("\n") or not shown else shown + "\n"
    if data == {}:
        return ""
    return json.dumps(data, indent=4, ensure_ascii=False) + "\n"


def format_text(data: object) -> str:
    """The AWS CLI's text form, kept simple and PEM-safe.

    A scalar prints as itself (``None`` as ``None``); a list of scalars as one tab-separated
    line; a structure as its scalar values in order, on one tab-separated line, or one per
    line if any holds a newline (so PEM stays PEM); nested values follow on their own lines.
    """
    lines = _text_lines(data)
    return "\n".join(lines)


def _text_lines(data: object) -> list[str]:
    if isinstance(data, Mapping):
        scalars = [_scalar(v) for v in data.values() if not _nested(v)]
        lines: list[str] = []
        if scalars:
            joiner = "\n" if any("\n" in s for s in scalars) else "\t"
            lines.append(joiner.join(s.rstrip("\n") for s in scalars))
        for value in data.values():
            if _nested(value):
                lines.extend(_text_lines(value))
        return lines
    if isinstance(data, list):
        if all(not _nested(item) for item in data):
            return ["\t".join(_scalar(item) for item in data)] if data else []
        lines = []
        for item in data:
            lines.extend(_text_lines(item))
        return lines
    return [_scalar(data)]


def _nested(value: object) -> bool:
    return isinstance(value, (Mapping, list))


def _scalar(value: Any) -> str:
    return str(value)
