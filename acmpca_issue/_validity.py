"""How long a certificate is valid: the ``Validity`` member of IssueCertificate.

Example::

    >>> from datetime import datetime, timezone
    >>> Validity.days(90).to_api()
    {'Value': 90, 'Type': 'DAYS'}
    >>> Validity.parse("Value=1,Type=MONTHS") == Validity.months(1)
    True
    >>> Validity.months(1).not_after(datetime(2025, 1, 31, tzinfo=timezone.utc))
    datetime.datetime(2025, 2, 28, 0, 0, tzinfo=datetime.timezone.utc)
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any, cast

import attrs
from typing_extensions import Self

from acmpca_issue import _clock
from acmpca_issue._display import Panel, html_panel, pretty, text_panel, validity_rows
from acmpca_issue._enums import ValidityType, coerce_enum
from acmpca_issue._problems import Problems, describe, did_you_mean, show_time
from acmpca_issue.exceptions import InvalidRequestError

__all__ = ["Validity"]

#: The last second a certificate date can name: 9999-12-31T23:59:59Z.
MAX_EPOCH_SECONDS = 253402300799
_MAX_LONG = 2**63 - 1
# The largest relative values that still end before the year 10000 counted from 1970.
_MAX_RELATIVE = {
    ValidityType.DAYS: 2932896,
    ValidityType.MONTHS: 8029 * 12,
    ValidityType.YEARS: 8029,
}
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_KEYS = ("Value", "Type")


def _as_type(value: ValidityType | str) -> ValidityType:
    # Widens the accepted type for callers; the real check is in __attrs_post_init__.
    return cast(ValidityType, value)


def _aware_utc(value: object, path: str) -> datetime:
    if not isinstance(value, datetime):
        raise InvalidRequestError(
            f"must be a timezone-aware datetime, got {type(value).__name__}", path=path
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidRequestError(
            "must be a timezone-aware datetime (naive datetimes are ambiguous); "
            "use datetime.now(timezone.utc) or .replace(tzinfo=timezone.utc)",
            path=path,
        )
    try:
        return value.astimezone(timezone.utc)
    except OverflowError:
        raise InvalidRequestError(
            f"{show_time(value)} is outside the years 1-9999 once converted to UTC",
            path=path,
        ) from None


def _end_date_value(when: datetime) -> int:
    return int(when.strftime("%Y%m%d%H%M%S"))


def _read_end_date(value: int) -> datetime | str:
    """Read an END_DATE integer; return the UTC datetime or a message saying what is wrong."""
    digits = str(value)
    if len(digits) == 11:  # UTCTime of the years 2000-2009 lost its leading zero
        digits = "0" + digits
    if len(digits) == 12:
        yy = int(digits[:2])
        digits = f"{1900 + yy if yy >= 50 else 2000 + yy}{digits[2:]}"
    elif len(digits) != 14:
        return (
            "an END_DATE must be 14-digit GeneralizedTime YYYYMMDDHHMMSS "
            f"(or 12-digit UTCTime YYMMDDHHMMSS), got {len(digits)} digits: {value}"
        )
    try:
        when = datetime.strptime(digits, "%Y%m%d%H%M%S")
    except ValueError:
        return f"END_DATE {value} is not a real date and time (YYYYMMDDHHMMSS, UTC)"
    return when.replace(tzinfo=timezone.utc)


def _add_months(start: datetime, months: int) -> datetime:
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day)


@attrs.frozen
class Validity:
    """A validity period in the AWS encoding: ``value`` read according to ``type``.

    ``DAYS``, ``MONTHS`` and ``YEARS`` count from the time of issuance; ``END_DATE`` is a
    date written as digits (always kept as 14-digit GeneralizedTime ``YYYYMMDDHHMMSS`` in
    UTC; a 12-digit UTCTime ``YYMMDDHHMMSS`` is widened with the rule YY >= 50 means 19YY);
    ``ABSOLUTE`` is seconds since the Unix epoch. Prefer the named constructors
    (:meth:`days`, :meth:`end_date`, ...) to writing the encoding by hand.

    Args:
        value: a whole number >= 1 (``bool`` and ``float`` are refused).
        type: a :class:`ValidityType` or its string.

    Raises:
        InvalidRequestError: with every problem found, at paths ``value`` and ``type``.
    """

    value: int
    type: ValidityType = attrs.field(converter=_as_type)

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        value, kind = _check(self.value, self.type, problems)
        problems.raise_if_any()
        object.__setattr__(self, "value", value)
        object.__setattr__(self, "type", kind)

    # Named constructors -------------------------------------------------------------------

    @classmethod
    def days(cls, n: int) -> Self:
        """``n`` days from issuance."""
        return cls(n, ValidityType.DAYS)

    @classmethod
    def months(cls, n: int) -> Self:
        """``n`` calendar months from issuance (see :meth:`not_after` for month ends)."""
        return cls(n, ValidityType.MONTHS)

    @classmethod
    def years(cls, n: int) -> Self:
        """``n`` calendar years from issuance (Feb 29 + 1 year is Feb 28)."""
        return cls(n, ValidityType.YEARS)

    @classmethod
    def end_date(cls, dt: datetime) -> Self:
        """Valid until ``dt``, an aware datetime; sent as 14-digit GeneralizedTime in UTC.

        Fractions of a second are dropped (the encoding has whole seconds only).

        Raises:
            InvalidRequestError: ``dt`` is not an aware datetime, or falls before the
                year 1000 in UTC (14-digit GeneralizedTime cannot hold it as an integer).
        """
        moment = _aware_utc(dt, "value")
        if moment.year < 1000:
            # As an integer, YYYYMMDDHHMMSS loses the year's leading zero and would be read
            # back as a 12- or 13-digit value: year 50 as 1950, year 1 as 2001.
            raise InvalidRequestError(
                f"an END_DATE must be in the years 1000-9999 (14 digits), got {show_time(moment)}",
                path="value",
            )
        return cls(_end_date_value(moment), ValidityType.END_DATE)

    @classmethod
    def absolute(cls, dt_or_epoch_seconds: datetime | int) -> Self:
        """Valid until ``dt_or_epoch_seconds``: an aware datetime or whole seconds since 1970.

        A datetime's fraction of a second is dropped (rounded down to the whole second).
        Floats are refused rather than rounded, and values past 9999-12-31 (epoch
        milliseconds, typically) are refused.

        Raises:
            InvalidRequestError: a naive datetime, a float, or a value out of range.
        """
        if isinstance(dt_or_epoch_seconds, datetime):
            moment = _aware_utc(dt_or_epoch_seconds, "value")
            return cls(
                (moment.replace(microsecond=0) - _EPOCH) // timedelta(seconds=1),
                ValidityType.ABSOLUTE,
            )
        return cls(dt_or_epoch_seconds, ValidityType.ABSOLUTE)

    @classmethod
    def from_timedelta(cls, td: timedelta, *, now: datetime | None = None) -> Self:
        """Valid for ``td``: whole days as ``DAYS``, anything else as ``ABSOLUTE`` now + td.

        Args:
            td: a positive duration.
            now: the issuance time to count from (an aware datetime); the current time if None.

        Raises:
            InvalidRequestError: ``td`` is not a positive timedelta, or ``now`` is naive.
        """
        if not isinstance(td, timedelta):
            raise InvalidRequestError(f"must be a timedelta, got {type(td).__name__}", path="value")
        if td <= timedelta(0):
            raise InvalidRequestError(f"must be a positive duration, got {td}", path="value")
        if td % timedelta(days=1) == timedelta(0):
            return cls(td.days, ValidityType.DAYS)
        start = _clock.now() if now is None else _aware_utc(now, "now")
        try:
            end = start + td
        except OverflowError:
            raise InvalidRequestError(
                f"{td} from now ends after the year 9999", path="value"
            ) from None
        return cls.absolute(end)

    # The AWS shape -------------------------------------------------------------------------

    def to_api(self) -> dict[str, Any]:
        """The AWS shape: ``{"Value": 365, "Type": "DAYS"}``."""
        return {"Value": self.value, "Type": self.type.value}

    @classmethod
    def from_api(cls, mapping: object) -> Self:
        """Build from the AWS shape ``{"Value": int, "Type": str}``.

        Raises:
            InvalidRequestError: not such a mapping, unknown or missing keys, or a bad value.
        """
        if not isinstance(mapping, Mapping):
            raise InvalidRequestError(
                f'must be a mapping {{"Value": int, "Type": str}}, got {type(mapping).__name__}'
            )
        problems = Problems()
        for key in mapping:
            if key not in _KEYS:
                problems.add(
                    "",
                    f"unknown key {describe(key)}; allowed: Value, Type{did_you_mean(key, _KEYS)}",
                )
        value, kind = _check(mapping.get("Value"), mapping.get("Type"), problems)
        problems.raise_if_any()
        return cls(value, kind)

    @classmethod
    def parse(cls, text: str) -> Self:
        """Parse the AWS CLI shorthand (``Value=365,Type=DAYS``) or JSON (``{"Value": ...}``).

        Raises:
            InvalidRequestError: the text is neither, or does not describe a valid Validity.
        """
        if not isinstance(text, str):
            raise InvalidRequestError(f"must be text, got {type(text).__name__}")
        stripped = text.strip()
        if stripped.startswith(("{", "[")):
            try:
                data = json.loads(stripped)
            except (ValueError, RecursionError) as error:
                raise InvalidRequestError(f"invalid JSON: {error}") from None
        else:
            from acmpca_issue._shorthand import parse_shorthand  # only needed here

            data = _shorthand_value(parse_shorthand(stripped))
        return cls.from_api(data)

    # Reading it -----------------------------------------------------------------------------

    def not_after(self, issued_at: datetime) -> datetime:
        """The aware UTC datetime the certificate expires at, if issued at ``issued_at``.

        ``MONTHS`` and ``YEARS`` follow the calendar and clamp to the end of a shorter
        month: Jan 31 + 1 month is Feb 28 (Feb 29 in a leap year), and Feb 29 + 1 year is
        Feb 28. ``END_DATE`` and ``ABSOLUTE`` ignore ``issued_at``.

        Raises:
            InvalidRequestError: ``issued_at`` is naive, or the end falls after the year 9999.
        """
        start = _aware_utc(issued_at, "issued_at")
        try:
            return _ENDS[self.type](self.value, start)
        except (OverflowError, ValueError):
            raise InvalidRequestError(
                f"{self.value} {self.type.value} from {show_time(start)} ends after 9999",
                path="value",
            ) from None

    # Display --------------------------------------------------------------------------------

    def _panel(self) -> Panel:
        return Panel("Validity", validity_rows(self, _clock.now()), "acmpca-validity")

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        pretty(printer, text_panel(self._panel()))

    def _repr_html_(self) -> str:
        return html_panel(self._panel())


_ENDS: dict[ValidityType, Callable[[int, datetime], datetime]] = {
    ValidityType.END_DATE: lambda value, _start: cast(datetime, _read_end_date(value)),
    ValidityType.ABSOLUTE: lambda value, _start: _EPOCH + timedelta(seconds=value),
    ValidityType.DAYS: lambda value, start: start + timedelta(days=value),
    ValidityType.MONTHS: lambda value, start: _add_months(start, value),
    ValidityType.YEARS: lambda value, start: _add_months(start, 12 * value),
}


def _check(value: object, kind: object, problems: Problems) -> tuple[Any, Any]:
    """Check a value and type, recording problems; return them normalised."""
    if kind is None:
        problems.add("type", "is required")
        the_type = None
    else:
        the_type = problems.check("type", coerce_enum, ValidityType, kind, "")
    if value is None:
        problems.add("value", "is required")
        return value, the_type
    if isinstance(value, bool) or not isinstance(value, int):
        hint = " (make the float an int)" if isinstance(value, float) else ""
        problems.add("value", f"must be a whole number >= 1, got {describe(value)}{hint}")
    elif value < 1:
        problems.add("value", f"must be a whole number >= 1, got {describe(value)}")
    elif value > _MAX_LONG:
        problems.add("value", f"must fit in a signed 64-bit integer, got {describe(value)}")
    elif the_type is ValidityType.END_DATE:
        read = _read_end_date(value)
        if isinstance(read, str):
            problems.add("value", read)
        else:
            value = _end_date_value(read)
    elif the_type is ValidityType.ABSOLUTE:
        if value > MAX_EPOCH_SECONDS:
            problems.add(
                "value",
                f"ABSOLUTE is seconds since 1970; {value} is after 9999-12-31 and looks "
                "like epoch milliseconds (divide by 1000)",
            )
    elif the_type is not None and value > _MAX_RELATIVE[the_type]:
        limit = _MAX_RELATIVE[the_type]
        problems.add("value", f"{value} {the_type.value} ends after the year 9999; at most {limit}")
    return value, the_type


def _shorthand_value(data: object) -> object:
    """Make a shorthand ``Value`` of digits an ``int``, as the AWS CLI does for a long."""
    if isinstance(data, dict) and isinstance(data.get("Value"), str):
        digits = data["Value"].strip()
        if re.fullmatch(r"[0-9]{1,19}", digits, re.ASCII):
            return {**data, "Value": int(digits)}
    return data
