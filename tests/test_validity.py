"""Validity: named constructors, the AWS shape, parsing, and when a certificate expires."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from acmpca_issue import InvalidRequestError, Validity, ValidityType

UTC = timezone.utc


def _paths(error: pytest.ExceptionInfo[InvalidRequestError]) -> list[str]:
    return [problem.path for problem in error.value.problems]


class TestConstructors:
    """The named constructors build the AWS encoding."""

    def test_relative(self) -> None:
        """days, months and years keep the count and the type."""
        assert Validity.days(90).to_api() == {"Value": 90, "Type": "DAYS"}
        assert Validity.months(2) == Validity(2, ValidityType.MONTHS)
        assert Validity.years(1) == Validity(1, "YEARS")
        assert Validity.years(1).type is ValidityType.YEARS

    def test_end_date_is_utc_generalized_time(self) -> None:
        """An aware datetime becomes 14-digit GeneralizedTime in UTC, seconds truncated."""
        plus_two = timezone(timedelta(hours=2))
        when = datetime(2030, 1, 1, 1, 30, 15, 999_999, tzinfo=plus_two)
        assert Validity.end_date(when) == Validity(20291231233015, ValidityType.END_DATE)

    def test_end_date_refuses_naive(self) -> None:
        """A naive datetime is ambiguous and refused."""
        with pytest.raises(InvalidRequestError, match="timezone-aware") as error:
            Validity.end_date(datetime(2030, 1, 1))
        assert _paths(error) == ["value"]

    @pytest.mark.parametrize("year", [1, 50, 99, 999])
    def test_end_date_refuses_years_before_1000(self, year: int) -> None:
        """A year that 14 digits cannot hold is refused, not read back as 19YY or 20YY."""
        with pytest.raises(InvalidRequestError, match="years 1000-9999") as error:
            Validity.end_date(datetime(year, 6, 1, tzinfo=UTC))
        assert _paths(error) == ["value"]
        assert Validity.end_date(datetime(1000, 1, 1, tzinfo=UTC)).value == 10000101000000

    @pytest.mark.parametrize(
        "when",
        [
            datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5))),
            datetime(1, 1, 1, 1, tzinfo=timezone(timedelta(hours=5))),
        ],
        ids=["after-9999-in-utc", "before-year-1-in-utc"],
    )
    def test_datetimes_outside_the_utc_range(self, when: datetime) -> None:
        """A datetime that leaves years 1-9999 in UTC is refused, not an OverflowError."""
        for build in (Validity.end_date, Validity.absolute):
            with pytest.raises(InvalidRequestError, match="outside the years 1-9999") as error:
                build(when)
            assert _paths(error) == ["value"]
        with pytest.raises(InvalidRequestError, match="outside the years 1-9999") as error:
            Validity.days(1).not_after(when)
        assert _paths(error) == ["issued_at"]
        with pytest.raises(InvalidRequestError, match="outside the years 1-9999") as error:
            Validity.from_timedelta(timedelta(hours=1), now=when)
        assert _paths(error) == ["now"]

    def test_end_date_refuses_non_datetime(self) -> None:
        """Something else than a datetime is refused, not a TypeError."""
        with pytest.raises(InvalidRequestError, match="got str"):
            Validity.end_date("2030-01-01")  # type: ignore[arg-type]

    def test_absolute_from_datetime_and_seconds(self) -> None:
        """ABSOLUTE takes whole epoch seconds or an aware datetime (fraction dropped)."""
        when = datetime(2050, 1, 1, 0, 0, 0, 500_000, tzinfo=UTC)
        assert Validity.absolute(when) == Validity(2524608000, ValidityType.ABSOLUTE)
        assert Validity.absolute(2524608000).value == 2524608000

    def test_absolute_refuses_float(self) -> None:
        """A float such as time.time() is refused, with a hint."""
        with pytest.raises(InvalidRequestError, match="make the float an int") as error:
            Validity.absolute(1.7e9)  # type: ignore[arg-type]
        assert _paths(error) == ["value"]

    def test_absolute_refuses_milliseconds(self) -> None:
        """A value only epoch milliseconds can be is refused as such."""
        with pytest.raises(InvalidRequestError, match="epoch milliseconds"):
            Validity.absolute(1_700_000_000_000)
        assert Validity.absolute(253402300799).value == 253402300799

    def test_from_timedelta_whole_days(self) -> None:
        """Whole days become DAYS."""
        assert Validity.from_timedelta(timedelta(days=30)) == Validity.days(30)

    def test_from_timedelta_partial_days(self) -> None:
        """Anything else becomes ABSOLUTE now + delta."""
        now = datetime(2026, 1, 1, tzinfo=UTC)
        got = Validity.from_timedelta(timedelta(hours=5), now=now)
        assert got == Validity.absolute(now + timedelta(hours=5))

    def test_from_timedelta_uses_the_clock(self) -> None:
        """Without ``now`` it counts from the current time."""
        before = datetime.now(UTC).replace(microsecond=0)
        got = Validity.from_timedelta(timedelta(hours=1))
        assert got.type is ValidityType.ABSOLUTE
        assert got.not_after(before) >= before + timedelta(hours=1)

    @pytest.mark.parametrize(
        ("delta", "match"),
        [
            (timedelta(0), "positive"),
            (timedelta(hours=-1), "positive"),
            (5, "must be a timedelta"),
            (timedelta.max, "after the year 9999"),
        ],
    )
    def test_from_timedelta_refuses(self, delta: object, match: str) -> None:
        """Zero, negative, non-timedelta and overflowing durations are refused."""
        with pytest.raises(InvalidRequestError, match=match):
            Validity.from_timedelta(delta, now=datetime(2026, 1, 1, tzinfo=UTC))  # type: ignore[arg-type]

    def test_from_timedelta_refuses_naive_now(self) -> None:
        """``now`` must be aware."""
        with pytest.raises(InvalidRequestError) as error:
            Validity.from_timedelta(timedelta(hours=1), now=datetime(2026, 1, 1))
        assert _paths(error) == ["now"]


class TestValues:
    """The constructor refuses what the service refuses."""

    @pytest.mark.parametrize(
        ("value", "kind", "match"),
        [
            (0, "DAYS", r"whole number >= 1, got 0"),
            (-5, "DAYS", "whole number >= 1"),
            (True, "DAYS", "got True"),
            (1.5, "DAYS", r"got 1\.5"),
            ("365", "DAYS", "got '365'"),
            (2**63, "DAYS", "64-bit"),
            (2932897, "DAYS", "after the year 9999"),
            (8030, "YEARS", "after the year 9999"),
            (8030 * 12, "MONTHS", "after the year 9999"),
            (2025023000000, "END_DATE", "13 digits"),
            (123, "END_DATE", "3 digits"),
            (20250230000000, "END_DATE", "not a real date"),
            (20251301000000, "END_DATE", "not a real date"),
            (20250101246000, "END_DATE", "not a real date"),
            (202501010000000, "END_DATE", "15 digits"),
            (253402300800, "ABSOLUTE", "epoch milliseconds"),
        ],
    )
    def test_refused(self, value: object, kind: str, match: str) -> None:
        """Each bad value is refused at path ``value`` with a friendly message."""
        with pytest.raises(InvalidRequestError, match=match) as error:
            Validity(value, kind)  # type: ignore[arg-type]
        assert _paths(error) == ["value"]

    @pytest.mark.parametrize(
        ("value", "kind", "paths"),
        [
            (None, "DAYS", ["value"]),
            (1, None, ["type"]),
            (None, None, ["type", "value"]),
            (None, "WEEKS", ["type", "value"]),
        ],
    )
    def test_value_and_type_are_required(
        self, value: object, kind: object, paths: list[str]
    ) -> None:
        """None is refused for either member, so every instance can be sent and read."""
        with pytest.raises(InvalidRequestError) as error:
            Validity(value, kind)  # type: ignore[arg-type]
        assert sorted(_paths(error)) == paths
        assert any(p.message == "is required" for p in error.value.problems)

    def test_absolute_refuses_none(self) -> None:
        """Validity.absolute(None) is refused, not an ABSOLUTE without a value."""
        with pytest.raises(InvalidRequestError, match="is required") as error:
            Validity.absolute(None)  # type: ignore[arg-type]
        assert _paths(error) == ["value"]

    def test_bad_type_and_value_together(self) -> None:
        """Both problems are reported."""
        with pytest.raises(InvalidRequestError) as error:
            Validity(0, "WEEKS")
        assert sorted(_paths(error)) == ["type", "value"]

    @pytest.mark.parametrize(
        ("given", "expected"),
        [
            (491231235959, 20491231235959),  # the service's own example
            (500101000000, 19500101000000),  # YY >= 50 -> 19YY
            (991231235959, 19991231235959),
            (50101000000, 20050101000000),  # 2005, its leading zero lost as an integer
            (20300101000000, 20300101000000),
        ],
    )
    def test_utctime_is_widened(self, given: int, expected: int) -> None:
        """A 12-digit (or 11-digit) UTCTime END_DATE is kept as 14-digit GeneralizedTime."""
        assert Validity(given, ValidityType.END_DATE).value == expected


class TestApiShape:
    """to_api / from_api / parse."""

    def test_round_trip(self) -> None:
        """from_api inverts to_api."""
        for validity in (Validity.days(1), Validity.end_date(datetime(2040, 5, 6, tzinfo=UTC))):
            assert Validity.from_api(validity.to_api()) == validity

    def test_from_api_reports_every_problem(self) -> None:
        """Unknown keys and missing keys are all named."""
        with pytest.raises(InvalidRequestError) as error:
            Validity.from_api({"value": 1, "Extra": 2})
        messages = [str(p) for p in error.value.problems]
        assert "unknown key 'value'; allowed: Value, Type; did you mean 'Value'?" in messages
        assert "value: is required" in messages
        assert "type: is required" in messages

    def test_from_api_checks_present_fields(self) -> None:
        """A present but bad value is reported next to a missing type."""
        with pytest.raises(InvalidRequestError) as error:
            Validity.from_api({"Value": 0})
        assert sorted(_paths(error)) == ["type", "value"]

    def test_from_api_refuses_non_mapping(self) -> None:
        """A list is not a Validity."""
        with pytest.raises(InvalidRequestError, match="must be a mapping"):
            Validity.from_api([365, "DAYS"])

    @pytest.mark.parametrize(
        "text",
        [
            "Value=365,Type=DAYS",
            "Type=DAYS,Value=365",
            'Value="365",Type="DAYS"',
            "Value=365, Type=DAYS",
            '{"Value": 365, "Type": "DAYS"}',
            '  {"Type": "DAYS", "Value": 365}  ',
        ],
    )
    def test_parse(self, text: str) -> None:
        """Shorthand and JSON both parse."""
        assert Validity.parse(text) == Validity.days(365)

    @pytest.mark.parametrize(
        ("text", "match"),
        [
            ("", "expected"),
            ("365", "expected"),
            ("Value=1y,Type=DAYS", "whole number >= 1, got '1y'"),
            ("Value=1.5,Type=DAYS", r"got '1\.5'"),
            ('{"Value": 1.5, "Type": "DAYS"}', r"got 1\.5"),
            ("value=365,type=DAYS", "unknown key 'value'"),
            ("{'Value': 1}", "invalid JSON"),
            ("[1, 2]", "must be a mapping"),
            ("Value=365", "type: is required"),
            ("Value=365,Type=days", "must be one of"),
            ("[" * 100_000, "invalid JSON"),
        ],
    )
    def test_parse_refuses(self, text: str, match: str) -> None:
        """Bad text gives InvalidRequestError saying what is wrong."""
        with pytest.raises(InvalidRequestError, match=match):
            Validity.parse(text)

    def test_parse_refuses_non_text(self) -> None:
        """Bytes are not text."""
        with pytest.raises(InvalidRequestError, match="must be text"):
            Validity.parse(b"Value=1,Type=DAYS")  # type: ignore[arg-type]

    @settings(max_examples=200)
    @given(st.text())
    def test_parse_fuzz(self, text: str) -> None:
        """Arbitrary text gives a Validity or InvalidRequestError, nothing else."""
        with contextlib.suppress(InvalidRequestError):
            Validity.parse(text)

    @settings(max_examples=200)
    @given(
        st.dictionaries(
            st.sampled_from(["Value", "Type", "Other"]),
            st.one_of(
                st.none(),
                st.booleans(),
                st.integers(),
                st.floats(),
                st.text(max_size=5),
                st.sampled_from(list(ValidityType)),
                st.lists(st.integers(), max_size=2),
            ),
        )
    )
    def test_from_api_fuzz(self, data: dict[str, object]) -> None:
        """Arbitrary mappings give a Validity or InvalidRequestError, nothing else."""
        try:
            validity = Validity.from_api(data)
        except InvalidRequestError:
            return
        assert Validity.from_api(validity.to_api()) == validity


class TestNotAfter:
    """When a certificate issued at a given time expires."""

    issued = datetime(2025, 1, 31, 12, 0, tzinfo=UTC)

    def test_days(self) -> None:
        """DAYS adds whole days."""
        assert Validity.days(90).not_after(self.issued) == self.issued + timedelta(days=90)

    def test_month_end_clamps(self) -> None:
        """Jan 31 + 1 month is Feb 28 (29 in a leap year)."""
        assert Validity.months(1).not_after(self.issued) == datetime(2025, 2, 28, 12, tzinfo=UTC)
        leap = datetime(2024, 1, 31, tzinfo=UTC)
        assert Validity.months(1).not_after(leap) == datetime(2024, 2, 29, tzinfo=UTC)
        assert Validity.months(13).not_after(self.issued) == datetime(2026, 2, 28, 12, tzinfo=UTC)

    def test_years(self) -> None:
        """Feb 29 + 1 year is Feb 28; other dates keep their day."""
        assert Validity.years(1).not_after(datetime(2024, 2, 29, tzinfo=UTC)) == datetime(
            2025, 2, 28, tzinfo=UTC
        )
        assert Validity.years(2).not_after(self.issued) == datetime(2027, 1, 31, 12, tzinfo=UTC)

    def test_converts_to_utc(self) -> None:
        """An aware issuance time in another zone gives a UTC answer."""
        local = datetime(2025, 1, 1, 2, 0, tzinfo=timezone(timedelta(hours=2)))
        got = Validity.days(1).not_after(local)
        assert got == datetime(2025, 1, 2, 0, 0, tzinfo=UTC)
        assert got.tzinfo is UTC

    def test_end_date_and_absolute_ignore_issuance(self) -> None:
        """END_DATE and ABSOLUTE name the moment itself."""
        assert Validity(491231235959, "END_DATE").not_after(self.issued) == datetime(
            2049, 12, 31, 23, 59, 59, tzinfo=UTC
        )
        assert Validity.absolute(2524608000).not_after(self.issued) == datetime(
            2050, 1, 1, tzinfo=UTC
        )

    def test_naive_refused(self) -> None:
        """A naive issuance time is refused."""
        with pytest.raises(InvalidRequestError) as error:
            Validity.days(1).not_after(datetime(2025, 1, 1))
        assert _paths(error) == ["issued_at"]

    def test_overflow(self) -> None:
        """An end after the year 9999 is an InvalidRequestError, not an OverflowError."""
        with pytest.raises(InvalidRequestError, match="ends after 9999"):
            Validity.years(8000).not_after(datetime(9000, 1, 1, tzinfo=UTC))
        with pytest.raises(InvalidRequestError, match="ends after 9999"):
            Validity.days(2932896).not_after(datetime(2025, 1, 1, tzinfo=UTC))
