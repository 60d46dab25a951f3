"""``--output table``: the AWS CLI's table, character for character (without colour).

Example::

    >>> print(format_table("IssueCertificate", {"CertificateArn": "arn:x"}, width=80), end="")
    --------------------------
    |    IssueCertificate    |
    +-----------------+------+
    |  CertificateArn |  arn:x|
    +-----------------+------+

The rules, as the AWS CLI v1 applies them (``tests/cli/test_cli_output.py`` compares the two):

- A structure's scalar members become one row under a header row of their names, in sorted
  order; a structure with a single scalar member is one ``name | value`` row. Each member that
  is a structure or list follows as its own section, titled by its name and indented by one.
- A list of structures is a header row (the sorted union of their scalar members) and a row
  each; a list of scalars is a row each.
- The table is as wide as its widest section; columns share a section's width in proportion
  to their widest text plus 4. If that is wider than the terminal (80 columns when standard
  output is not one), every section with one row is turned into ``name | value`` rows.
- An empty result prints nothing; a scalar prints the title alone, as the AWS CLI does.

Only the standard library is imported here.
"""

from __future__ import annotations

import os
import sys
import unicodedata
from collections.abc import Mapping

__all__ = ["format_table", "terminal_width"]

_PADDING = 4


def _length(text: str) -> int:
    """Columns ``text`` takes: wide and ambiguous East Asian characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WFA" else 1 for char in text)


def _scalar(value: object) -> bool:
    return not isinstance(value, (list, Mapping))


class _Section:
    def __init__(self, title: str, indent: int) -> None:
        self.title = title
        self.indent = indent
        self.headers: list[str] = []
        self.rows: list[list[str]] = []
        self.widths: list[int] = []

    def _widen(self, cells: list[str]) -> None:
        lengths = [_length(cell) for cell in cells]
        if not self.widths:
            self.widths = lengths
        else:
            self.widths = [max(a, b) for a, b in zip(self.widths, lengths, strict=False)]

    def add_headers(self, headers: list[str]) -> None:
        self._widen(headers)
        self.headers = headers

    def add_row(self, row: list[object]) -> None:
        cells = [str(cell) for cell in row]
        self.rows.append(cells)
        self._widen(cells)

    def total_width(self) -> int:
        columns = sum(width + _PADDING for width in self.widths) + 2 + 2 * self.indent
        return max(_length(self.title) + 2 + 2 * self.indent, columns)

    def column_widths(self, width: int) -> list[int]:
        """The columns' widths, scaled to add up to ``width``."""
        unscaled = [w + _PADDING for w in self.widths]
        if not unscaled:
            return []
        scale = width / float(sum(unscaled))
        scaled = [round(scale * w) for w in unscaled]
        # Rounding leaves them off by at most one per column: take it from the first columns,
        # or give it to the last ones.
        off = sum(scaled) - width
        order = range(len(scaled)) if off > 0 else reversed(range(len(scaled)))
        for index in list(order)[: abs(off)]:
            scaled[index] -= 1 if off > 0 else -1
        return scaled


class _Builder:
    def __init__(self) -> None:
        self.sections: list[_Section] = []

    def build(self, title: str | None, data: object, indent: int = 0) -> bool:
        if not data:
            return False
        if title is not None:
            self.sections.append(_Section(title, indent))
        if isinstance(data, list):
            if isinstance(data[0], Mapping):
                self._from_list(data, indent, title or "")
            else:
                for item in data:
                    if _scalar(item):
                        self.sections[-1].add_row([item])
                    elif all(_scalar(element) for element in item):
                        self.sections[-1].add_row(list(item))
                    else:
                        self.build(None, item)
        if isinstance(data, Mapping):
            self._from_mapping(data, indent)
        return True

    def _from_mapping(self, data: Mapping[str, object], indent: int) -> None:
        headers = sorted(key for key, value in data.items() if _scalar(value))
        more = sorted(key for key, value in data.items() if not _scalar(value))
        if len(headers) == 1:
            self.sections[-1].add_row([headers[0], data[headers[0]]])
        elif headers:
            self.sections[-1].add_headers(headers)
            self.sections[-1].add_row([data[key] for key in headers])
        for key in more:
            self.build(key, data[key], indent + 1)

    def _from_list(self, items: list[Mapping[str, object]], indent: int, title: str) -> None:
        headers = sorted({k for item in items for k, v in item.items() if _scalar(v)})
        more = sorted({k for item in items for k, v in item.items() if not _scalar(v)})
        self.sections[-1].add_headers(headers)
        for index, item in enumerate(items):
            if index and more:
                self.sections.append(_Section(title, indent))
                self.sections[-1].add_headers(headers)
            self.sections[-1].add_row([item.get(header, "") for header in headers])
            for key in more:
                if key in item:
                    self.build(key, item[key], indent + 1)


def _centred(text: str, width: int, left: str = "|", right: str = "|") -> str:
    start = width // 2 - _length(text) // 2 - 1
    so_far = len(left) + start + _length(text)
    return left + " " * start + text + " " * (width - len(right) - so_far) + right


def _left(text: str, width: int, left: str, right: str = "|") -> str:
    padding = 2 if width - (_length(text) + 2 + len(left) + len(right)) >= 0 else 0
    spaces = width - len(left) - padding - _length(text) - len(right)
    return left + " " * padding + text + " " * spaces + right


def _line(widths: list[int]) -> str:
    return "".join(
        f"+{'-' * (w - 2)}+" if index == 0 else f"{'-' * (w - 1)}+"
        for index, w in enumerate(widths)
    )


def _render(section: _Section, width: int) -> list[str]:
    lines: list[str] = []
    if section.title:
        lines.append(_centred(section.title, width))
        if not section.headers and not section.rows:
            lines.append(f"+{'-' * (width - 2)}+")
    if section.headers:
        widths = section.column_widths(width)
        lines.append(_line(widths))
        lines.append(
            "".join(
                _centred(header, w, "|" if index == 0 else "")
                for index, (w, header) in enumerate(zip(widths, section.headers, strict=False))
            )
        )
    widths = section.column_widths(width)
    if section.rows and widths:
        lines.append(_line(widths))
        for row in section.rows:
            lines.append(
                "".join(
                    _left(cell, w, "|" if index == 0 else "")
                    for index, (w, cell) in enumerate(zip(widths, row, strict=False))
                )
            )
        lines.append(_line(widths))
    edge = "|" * section.indent
    return [f"{edge}{line}{edge}" for line in lines]


def terminal_width(default: int = 80) -> int:
    """The width of the terminal on standard output, or ``default`` when it is not one."""
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return default


def format_table(title: str, data: object, *, width: int) -> str:
    """``data`` as the AWS CLI's table titled ``title``, for a terminal ``width`` wide."""
    builder = _Builder()
    if not builder.build(title, data):
        return ""
    sections = builder.sections
    widest = max(section.total_width() for section in sections)
    if widest > width:
        for index, section in enumerate(sections):
            if len(section.rows) == 1 and section.headers:
                vertical = _Section(section.title, section.indent)
                for header, cell in zip(section.headers, section.rows[0], strict=False):
                    vertical.add_row([header, cell])
                sections[index] = vertical
        widest = max(section.total_width() for section in sections)
    lines = ["-" * widest]
    for section in sections:
        lines.extend(_render(section, widest - 2 * section.indent))
    return "\n".join(lines) + "\n"
