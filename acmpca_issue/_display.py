"""Rich displays for notebooks: the HTML and plain-text layouts the public objects share.

Every object a notebook user looks at describes itself as a :class:`Panel`: a title and labelled
rows, and optionally a certificate chain. :func:`html_panel` renders it as an HTML table
(``_repr_html_``) and :func:`text_panel` as aligned plain text (``_repr_pretty_``). Everything
shown is escaped here, once; key material is never given to a panel.

Example::

    panel = Panel("Validity", [Row("Asked", "90 DAYS")])
    html_panel(panel)   # '<div class="acmpca-panel">...'
    text_panel(panel)   # 'Validity\\n  Asked  90 DAYS'
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from cryptography import x509

__all__ = [
    "ChainLink",
    "Panel",
    "Row",
    "chain_of",
    "csr_line",
    "csr_rows",
    "day",
    "describe_names",
    "ends_in",
    "html_panel",
    "name_or_empty",
    "not_after_text",
    "pretty",
    "span",
    "text_panel",
    "validity_rows",
    "validity_status",
]

#: What a blank subject is shown as, so an empty cell never looks like a rendering fault.
EMPTY_SUBJECT = "(empty subject)"

_FONT = "font-family:system-ui,-apple-system,sans-serif;font-size:13px;line-height:1.4"
_MUTED = "color:#777"
_CELL = "padding:2px 12px 2px 0;text-align:left;vertical-align:top;border:none"
_LABEL = _CELL + ";white-space:nowrap"
_LINK_CELL = "padding:2px 12px 2px 0;text-align:left;vertical-align:middle;border:none"
_BAR_WIDTH = 160  # pixels
_TEXT_BAR = 20  # characters


class Row(NamedTuple):
    """One labelled value; ``code`` shows it in a monospace font (ARNs, serials, PEM names)."""

    label: str
    value: str
    code: bool = False


class ChainLink(NamedTuple):
    """One certificate of a chain as drawn: its role, subject (or SANs) and validity."""

    role: str
    subject: str
    not_before: datetime
    not_after: datetime


class Panel(NamedTuple):
    """A titled table of rows, optionally followed by a certificate chain drawing."""

    title: str
    rows: Sequence[Row]
    css_class: str
    chain: Sequence[ChainLink] = ()
    now: datetime | None = None
    table_header: Sequence[str] = ()
    table: Sequence[Sequence[str]] = ()


# Text helpers --------------------------------------------------------------------------------


def name_or_empty(name: x509.Name) -> str:
    """The RFC 4514 text of ``name``, or ``(empty subject)`` when it has no attributes."""
    return name.rfc4514_string() or EMPTY_SUBJECT


def describe_names(names: Iterable[x509.GeneralName]) -> tuple[str, ...]:
    """SANs as ``DNS:name``, ``IP:addr``, ``email:addr``, ``URI:uri`` (others by type)."""
    labels = {
        x509.DNSName: "DNS",
        x509.IPAddress: "IP",
        x509.RFC822Name: "email",
        x509.UniformResourceIdentifier: "URI",
    }
    return tuple(f"{labels.get(type(n), type(n).__name__)}:{n.value}" for n in names)


def csr_rows(csr: x509.CertificateSigningRequest) -> list[Row]:
    """What a CSR asks for: its subject, SANs and key type (its key is public anyway)."""
    from acmpca_issue._csr_load import csr_key_algorithm

    try:
        sans = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        sans = x509.SubjectAlternativeName([])
    try:
        key = csr_key_algorithm(csr).value
    except ValueError:  # InvalidCsrError: load_csr and build_csr never let one through
        key = "(a key type Private CA does not sign)"
    return [
        Row("Subject", name_or_empty(csr.subject)),
        Row("SANs", ", ".join(describe_names(sans)) or "(none)"),
        Row("Key type", key),
    ]


def csr_line(csr: x509.CertificateSigningRequest) -> str:
    """The CSR's subject, SANs and key type on one line, for a repr."""
    _, sans, key = (row.value for row in csr_rows(csr))
    return f"subject={csr.subject.rfc4514_string()!r} sans={sans!r} key={key}"


def not_after_text(validity: Any, now: datetime) -> str:
    """When a certificate asked with ``validity`` expires: exact, or counted from issuance."""
    try:
        end = day(validity.not_after(now))
    except ValueError:  # InvalidRequestError: the end falls after the year 9999
        end = "after the year 9999"
    kind = validity.type.value
    if kind in ("END_DATE", "ABSOLUTE"):
        return end
    unit = kind.lower() if validity.value != 1 else kind.lower()[:-1]
    return f"issuance + {validity.value} {unit} ({end} if issued now)"


def validity_rows(validity: Any, now: datetime) -> list[Row]:
    """What a Validity asks the service for and the NotAfter that results."""
    return [
        Row("Asked", f"Value={validity.value},Type={validity.type.value}", code=True),
        Row("NotAfter", not_after_text(validity, now)),
    ]


def span(delta: timedelta) -> str:
    """A duration in the largest whole unit that reads naturally: ``3 days``, ``5 hours``."""
    seconds = abs(int(delta.total_seconds()))
    for unit, size in (("year", 365 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size * (2 if unit == "year" else 1):
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def ends_in(not_after: datetime, now: datetime) -> str:
    """``5 years left`` or ``expired 2 days ago``."""
    if now >= not_after:
        return f"expired {span(now - not_after)} ago"
    return f"{span(not_after - now)} left"


def validity_status(not_before: datetime, not_after: datetime, now: datetime) -> str:
    """Where ``now`` falls in a validity: ``valid, 29 days left``, ``expired 2 days ago``..."""
    if now < not_before:
        return f"not yet valid (starts in {span(not_before - now)})"
    if now >= not_after:
        return ends_in(not_after, now)
    return f"valid, {ends_in(not_after, now)}"


def _elapsed(not_before: datetime, not_after: datetime, now: datetime) -> float:
    """The share of the validity that has passed at ``now``, clamped to 0..1."""
    total = (not_after - not_before).total_seconds()
    if total <= 0:
        return 1.0
    return min(1.0, max(0.0, (now - not_before).total_seconds() / total))


def chain_of(
    leaf: x509.Certificate, leaf_subject: str, chain: Sequence[x509.Certificate]
) -> list[ChainLink]:
    """The chain to draw: the leaf, the intermediates (issuer first), then the root."""
    links = [ChainLink("Leaf", leaf_subject, leaf.not_valid_before_utc, leaf.not_valid_after_utc)]
    for index, ca in enumerate(chain):
        role = "Root" if index == len(chain) - 1 else "Intermediate"
        links.append(
            ChainLink(
                role, name_or_empty(ca.subject), ca.not_valid_before_utc, ca.not_valid_after_utc
            )
        )
    return links


def day(when: datetime) -> str:
    return when.strftime("%Y-%m-%d %H:%M UTC")


# Plain text ----------------------------------------------------------------------------------


def _text_bar(link: ChainLink, now: datetime) -> str:
    filled = round(_elapsed(link.not_before, link.not_after, now) * _TEXT_BAR)
    return "[" + "#" * filled + "-" * (_TEXT_BAR - filled) + "]"


def text_panel(panel: Panel) -> str:
    """The panel as aligned plain text: the title, then ``label  value`` lines."""
    width = max((len(row.label) for row in panel.rows), default=0)
    lines = [panel.title]
    lines.extend(f"  {row.label.ljust(width)}  {row.value}" for row in panel.rows)
    if panel.table:
        widths = [
            max(len(str(cell)) for cell in column)
            for column in zip(panel.table_header, *panel.table, strict=False)
        ]
        for cells in (panel.table_header, *panel.table):
            lines.append(
                "  " + "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=False)).rstrip()
            )
    if panel.chain and panel.now is not None:
        lines.append("  Chain (leaf first, each issued by the next):")
        role_width = max(len(link.role) for link in panel.chain)
        for index, link in enumerate(panel.chain):
            if index:
                lines.append(f"    {'':{role_width}}  \u2193 issued by")
            lines.append(f"    {link.role.ljust(role_width)}  {link.subject}")
            lines.append(
                f"    {'':{role_width}}  {_text_bar(link, panel.now)} "
                f"{link.not_before:%Y-%m-%d} .. {link.not_after:%Y-%m-%d}  "
                f"{validity_status(link.not_before, link.not_after, panel.now)}"
            )
    return "\n".join(lines)


def pretty(printer: Any, text: str) -> None:
    """Write ``text`` to an IPython pretty printer, one line at a time."""
    for index, line in enumerate(text.split("\n")):
        if index:
            printer.break_()
        printer.text(line)


# HTML ----------------------------------------------------------------------------------------


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _bar(link: ChainLink, now: datetime) -> str:
    """A validity as a horizontal bar: the part already elapsed filled, ``now`` marked."""
    share = _elapsed(link.not_before, link.not_after, now)
    if now >= link.not_after:
        colour = "#c0392b"
    elif now < link.not_before:
        colour = "#999"
    elif share > 2 / 3:
        colour = "#e1a100"
    else:
        colour = "#2e9d5b"
    status = validity_status(link.not_before, link.not_after, now)
    marker = (
        f"<div class='acmpca-now' style='position:absolute;left:{share * 100:.1f}%;top:-3px;"
        "bottom:-3px;width:2px;background:currentColor'></div>"
        if link.not_before <= now < link.not_after
        else ""
    )
    return (
        f"<div class='acmpca-bar' role='img' aria-label='{_esc(status)}' "
        f"title='{_esc(day(link.not_before))} to {_esc(day(link.not_after))}' "
        f"style='position:relative;display:inline-block;width:{_BAR_WIDTH}px;height:10px;"
        "background:rgba(127,127,127,.22);border-radius:3px;vertical-align:middle'>"
        f"<div class='acmpca-elapsed' style='width:{share * 100:.1f}%;height:100%;"
        f"background:{colour};border-radius:3px'></div>{marker}</div>"
    )


def _chain(panel: Panel, now: datetime) -> str:
    rows: list[str] = []
    for index, link in enumerate(panel.chain):
        if index:
            rows.append(
                f"<tr class='acmpca-issued-by'><td style='{_CELL};{_MUTED}'></td>"
                f"<td colspan='3' style='{_CELL};{_MUTED}'>&#8595; issued by</td></tr>"
            )
        rows.append(
            f"<tr class='acmpca-link'><th style='{_LINK_CELL};white-space:nowrap'>"
            f"{_esc(link.role)}</th>"
            f"<td style='{_LINK_CELL}'><code>{_esc(link.subject)}</code></td>"
            f"<td style='{_LINK_CELL}'>{_bar(link, now)}</td>"
            f"<td style='{_LINK_CELL}'>"
            f"{_esc(validity_status(link.not_before, link.not_after, now))}"
            f"<br><span style='{_MUTED}'>{_esc(day(link.not_before))} &ndash; "
            f"{_esc(day(link.not_after))}</span></td></tr>"
        )
    return (
        f"<div style='margin-top:6px;font-weight:600'>Chain</div>"
        f"<table class='acmpca-chain' style='border-collapse:collapse'>{''.join(rows)}</table>"
    )


def _table(panel: Panel) -> str:
    head = "".join(f"<th style='{_LABEL}'>{_esc(cell)}</th>" for cell in panel.table_header)
    body = "".join(
        "<tr>" + "".join(f"<td style='{_CELL}'>{_esc(cell)}</td>" for cell in cells) + "</tr>"
        for cells in panel.table
    )
    return (
        "<table class='acmpca-rows' style='border-collapse:collapse;margin-top:4px'>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def html_panel(panel: Panel) -> str:
    """The panel as an HTML fragment: a title, a two-column table, a table, then the chain."""
    rows = "".join(
        f"<tr><th style='{_LABEL}'>{_esc(row.label)}</th><td style='{_CELL}'>"
        + (
            f"<code style='word-break:break-all'>{_esc(row.value)}</code>"
            if row.code
            else _esc(row.value)
        )
        + "</td></tr>"
        for row in panel.rows
    )
    parts = [
        f"<div class='acmpca-panel {_esc(panel.css_class)}' style='{_FONT}'>",
        f"<div class='acmpca-title' style='font-weight:600;margin-bottom:4px'>"
        f"{_esc(panel.title)}</div>",
    ]
    if rows:
        parts.append(
            f"<table class='acmpca-fields' style='border-collapse:collapse'>{rows}</table>"
        )
    if panel.table:
        parts.append(_table(panel))
    if panel.chain and panel.now is not None:
        parts.append(_chain(panel, panel.now))
    parts.append("</div>")
    return "".join(parts)
