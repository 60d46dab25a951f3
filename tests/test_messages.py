"""Error messages a newcomer reads: every problem at once, a "did you mean", times to the second.

A function that checks its input collects every problem before it raises, as the request
model does; an unknown enum value or key suggests the closest valid one; no message prints
microseconds.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from acmpca_issue import (
    InvalidRequestError,
    IssueCertificateRequest,
    SigningAlgorithm,
    Validity,
    build_csr,
)
from acmpca_issue._problems import did_you_mean, show_time
from acmpca_issue.local import LocalPrivateCA

MICROSECONDS = re.compile(r"\d\d:\d\d:\d\d\.\d+")


def _problems(error: pytest.ExceptionInfo[InvalidRequestError]) -> dict[str, str]:
    return {problem.path: problem.message for problem in error.value.problems}


@pytest.fixture(scope="module")
def pca() -> LocalPrivateCA:
    return LocalPrivateCA()


class TestEveryProblem:
    """Functions that validate report every problem, each at its path."""

    def test_build_csr_reports_all_three(self) -> None:
        """The reported call: two bad identities and a long common name, all listed."""
        with pytest.raises(InvalidRequestError) as raised:
            build_csr("bad..name", "999.1.1.1", common_name="x" * 70)
        assert list(_problems(raised)) == ["identities[0]", "identities[1]", "common_name"]
        assert str(raised.value).startswith("3 problems:")

    def test_build_csr_reports_every_argument(self) -> None:
        """Subject keys, key usages, extended key usages and the key algorithm together."""
        with pytest.raises(InvalidRequestError) as raised:
            build_csr(
                "svc.internal",
                12345,  # type: ignore[arg-type]
                subject={"orgnization": "x", "C": "United States", "O": 5},  # type: ignore[dict-item]
                key_usage=["digital_signatur", "teleport"],
                extended_key_usage=["SERVER"],
                key_algorithm="RSA_1",
            )
        messages = [(p.path, p.message) for p in raised.value.problems]
        assert [path for path, _ in messages] == [
            "identities[1]",
            "subject.orgnization",
            "subject.C",
            "subject.O",
            "key_usage",
            "key_usage",
            "extended_key_usage",
            "key_algorithm",
        ]

    def test_create_root_ca_reports_every_argument(self, pca: LocalPrivateCA) -> None:
        with pytest.raises(InvalidRequestError) as raised:
            pca.create_root_ca(key_algorithm="RSA_1", usage_mode="FOREVER", signing_algorithm="MD5")
        assert list(_problems(raised)) == ["key_algorithm", "signing_algorithm", "usage_mode"]

    def test_create_subordinate_ca_reports_every_argument(self, pca: LocalPrivateCA) -> None:
        with pytest.raises(InvalidRequestError) as raised:
            pca.create_subordinate_ca(
                "arn:aws:nope", path_length=9, usage_mode="short", key_algorithm="EC"
            )
        assert list(_problems(raised)) == [
            "parent_arn",
            "path_length",
            "usage_mode",
            "key_algorithm",
        ]


class TestDidYouMean:
    """An unknown enum value or key suggests the closest valid one."""

    @pytest.mark.parametrize(
        ("call", "suggestion"),
        [
            (lambda: Validity(1, "DAY"), "DAYS"),
            (lambda: Validity(1, "months"), "MONTHS"),
            (lambda: Validity.parse("Value=1,Type=DAY"), "DAYS"),
            (lambda: Validity.from_api({"Value": 1, "Typ": "DAYS"}), "Type"),
            (lambda: build_csr("a.example", key_algorithm="EC_prime256"), "EC_prime256v1"),
            (lambda: build_csr("a.example", extended_key_usage=["SERVER"]), "SERVER_AUTH"),
            (lambda: build_csr("a.example", key_usage=["key_encipherement"]), "key_encipherment"),
            (lambda: build_csr("a.example", subject={"organisation": "x"}), "organization"),
            (
                lambda: IssueCertificateRequest.from_api({"CertificateAuthorityARN": "x"}),
                "CertificateAuthorityArn",
            ),
            (
                lambda: LocalPrivateCA().create_root_ca(usage_mode="SHORT_LIVED"),
                "SHORT_LIVED_CERTIFICATE",
            ),
            (lambda: LocalPrivateCA().create_root_ca(key_algorithm="RSA-2048"), "RSA_2048"),
        ],
    )
    def test_suggests(self, call: Any, suggestion: str) -> None:
        with pytest.raises(InvalidRequestError) as raised:
            call()
        assert f"did you mean {suggestion!r}?" in str(raised.value)

    def test_request_signing_algorithm(self, ca_arn: str, csr_pem: bytes) -> None:
        with pytest.raises(InvalidRequestError) as raised:
            IssueCertificateRequest(
                certificate_authority_arn=ca_arn,
                csr=csr_pem,
                signing_algorithm="SHA256WITHECDS",
                validity=Validity.days(1),
            )
        assert _problems(raised)["signing_algorithm"].endswith(
            f"did you mean {SigningAlgorithm.SHA256WITHECDSA.value!r}?"
        )

    def test_nothing_close_suggests_nothing(self) -> None:
        assert did_you_mean("QUARTERS", ["DAYS", "MONTHS", "YEARS"]) == ""
        assert did_you_mean(5, ["DAYS"]) == ""
        assert did_you_mean("", ["DAYS"]) == ""


class TestSm2Locally:
    """SM2 is a Private CA key type the local Private CA cannot make; it says so."""

    def test_create_root_ca_refuses_sm2_before_anything(self, pca: LocalPrivateCA) -> None:
        with pytest.raises(InvalidRequestError) as raised:
            pca.create_root_ca(key_algorithm="SM2")
        (problem,) = raised.value.problems
        assert problem.path == "key_algorithm"
        assert "SM2 is not supported by the local Private CA" in problem.message
        valid = problem.message.split("use one of ")[1]
        assert "SM2" not in valid
        assert "RSA_2048" in valid
        assert "signing algorithm" not in str(raised.value)

    def test_an_unknown_key_algorithm_does_not_offer_sm2(self, pca: LocalPrivateCA) -> None:
        with pytest.raises(InvalidRequestError) as raised:
            pca.create_subordinate_ca(pca.create_root_ca(), key_algorithm="DSA")
        assert "SM2" not in str(raised.value)


class TestTimesToTheSecond:
    """No message prints microseconds."""

    def test_show_time(self) -> None:
        when = datetime(2030, 1, 2, 3, 4, 5, 678901, tzinfo=timezone.utc)
        assert show_time(when) == "2030-01-02T03:04:05+00:00"

    def test_request_validity_messages(self, ca_arn: str, csr_pem: bytes) -> None:
        past = datetime.now(timezone.utc).replace(microsecond=123456) - timedelta(days=2)
        with pytest.raises(InvalidRequestError) as raised:
            IssueCertificateRequest(
                certificate_authority_arn=ca_arn,
                csr=csr_pem,
                signing_algorithm="SHA256WITHECDSA",
                validity=Validity.absolute(past),
                validity_not_before=Validity.absolute(past + timedelta(days=1)),
            )
        assert list(_problems(raised)) == ["validity", "validity_not_before"]
        assert not MICROSECONDS.search(str(raised.value)), str(raised.value)

    def test_validity_range_message(self) -> None:
        with pytest.raises(InvalidRequestError) as raised:
            Validity.end_date(datetime(999, 1, 1, 0, 0, 0, 5, tzinfo=timezone.utc))
        assert "0999-01-01T00:00:00+00:00" in str(raised.value)
        assert not MICROSECONDS.search(str(raised.value))

    def test_preflight_message(self) -> None:
        """The CA-ends-first refusal names both times to the second."""
        pca = LocalPrivateCA()
        ca_arn = pca.create_root_ca()
        end = pca.issuer().describe(ca_arn).not_after
        assert end is not None
        with pytest.raises(InvalidRequestError) as raised:
            pca.issuer().issue_certificate(
                certificate_authority_arn=ca_arn,
                csr=build_csr("svc.internal").csr,
                validity=Validity.end_date((end + timedelta(days=30)).replace(microsecond=999)),
            )
        assert "after the CA's own NotAfter" in str(raised.value)
        assert not MICROSECONDS.search(str(raised.value)), str(raised.value)
