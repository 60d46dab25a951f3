"""IssueCertificateRequest: building, normalising the CSR, the AWS shape, botocore agreement."""

from __future__ import annotations

import base64
import inspect
import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import botocore.session
import pytest
from botocore.stub import Stubber
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acmpca_issue import (
    ApiPassthrough,
    CertificateArn,
    CertificateAuthorityArn,
    Extensions,
    GeneralName,
    InvalidRequestError,
    IssueCertificateRequest,
    SigningAlgorithm,
    Subject,
    TemplateArn,
    Validity,
    _request,
    parse_certificate_arn,
)

UTC = timezone.utc
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
PASSTHROUGH_TEMPLATE = "arn:aws:acm-pca:::template/BlankEndEntityCertificate_APIPassthrough/V1"


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every rule that depends on "now" sees NOW."""
    monkeypatch.setattr(_request, "_clock", lambda: NOW)


@pytest.fixture
def client() -> Iterator[Any]:
    """A real botocore acm-pca client (fake credentials, no network)."""
    pca = botocore.session.get_session().create_client("acm-pca", region_name="us-east-1")
    yield pca
    pca.close()


def _request_for(csr: object, ca_arn: str, **changes: Any) -> IssueCertificateRequest:
    values: dict[str, Any] = {
        "certificate_authority_arn": ca_arn,
        "csr": csr,
        "signing_algorithm": "SHA256WITHECDSA",
        "validity": Validity.days(30),
        **changes,
    }
    return IssueCertificateRequest(**values)


def _full(csr: object, ca_arn: str) -> IssueCertificateRequest:
    return _request_for(
        csr,
        ca_arn,
        validity=Validity.end_date(NOW + timedelta(days=365)),
        validity_not_before=Validity.absolute(NOW - timedelta(hours=1)),
        template_arn=PASSTHROUGH_TEMPLATE,
        api_passthrough=ApiPassthrough(
            subject=Subject(common_name="svc.example.com", country="US"),
            extensions=Extensions(subject_alternative_names=[GeneralName.dns("svc.example.com")]),
        ),
        idempotency_token="token-1",
    )


class TestBuilding:
    """What the constructor accepts and how it normalises it."""

    def test_minimal(self, csr: x509.CertificateSigningRequest, ca_arn: str) -> None:
        """Plain strings become the typed values."""
        request = _request_for(csr, ca_arn)
        assert request.certificate_authority_arn == CertificateAuthorityArn.parse(ca_arn)
        assert request.signing_algorithm is SigningAlgorithm.SHA256WITHECDSA
        assert request.template_arn is None
        assert request.csr == csr

    @pytest.mark.parametrize(
        ("ca_text", "template_text"),
        [
            (
                "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/"
                "12345678-1234-1234-1234-123456789012",
                "arn:aws:acm-pca:::template/EndEntityCertificate/V1",
            ),
            (
                "arn:aws-us-gov:acm-pca:us-gov-west-1:012345678901:certificate-authority/"
                "abcdef01-2345-6789-abcd-ef0123456789",
                "arn:aws-us-gov:acm-pca:::template/SubordinateCACertificate_PathLen0/V1",
            ),
            (
                "arn:aws-cn:acm-pca:cn-north-1:123456789012:certificate-authority/"
                "12345678-1234-1234-1234-123456789012",
                "arn:aws-cn:acm-pca:::template/CodeSigningCertificate/V1",
            ),
        ],
        ids=["aws", "aws-us-gov", "aws-cn"],
    )
    def test_arns_as_objects_or_text(
        self, ca_text: str, template_text: str, csr: x509.CertificateSigningRequest
    ) -> None:
        """The ARN fields take the ARN objects or their text, and send the same text."""
        ca, template = CertificateAuthorityArn.parse(ca_text), TemplateArn.parse(template_text)
        from_objects = _request_for(csr, ca_text, template_arn=template).evolve(
            certificate_authority_arn=ca
        )
        from_text = _request_for(csr, ca_text, template_arn=template_text)
        assert from_objects == from_text
        assert from_objects.certificate_authority_arn is ca
        assert from_objects.template_arn is template
        assert from_text.to_api()["CertificateAuthorityArn"] == ca_text
        assert from_text.to_api()["TemplateArn"] == template_text

    def test_certificate_arn_is_not_a_ca_arn(
        self, csr: x509.CertificateSigningRequest, ca_arn: str
    ) -> None:
        """A CertificateArn in the CA field is refused with a pointer to its CA."""
        certificate = CertificateArn.from_parts(ca_arn, 0x6707)
        with pytest.raises(InvalidRequestError, match="certificate_authority_arn") as error:
            _request_for(csr, ca_arn).evolve(certificate_authority_arn=certificate)  # type: ignore[arg-type]
        assert [p.path for p in error.value.problems] == ["certificate_authority_arn"]
        assert ".certificate_authority_arn" in error.value.problems[0].message

    @pytest.mark.parametrize("form", ["pem_bytes", "pem_str", "der", "new_header", "object"])
    def test_csr_forms_are_normalised(
        self, form: str, csr: x509.CertificateSigningRequest, csr_pem: bytes, ca_arn: str
    ) -> None:
        """PEM bytes/str, DER, a NEW CERTIFICATE REQUEST header and the object all agree."""
        given_csr: object = {
            "pem_bytes": csr_pem,
            "pem_str": csr_pem.decode(),
            "der": csr.public_bytes(serialization.Encoding.DER),
            "new_header": csr_pem.replace(b"CERTIFICATE REQUEST", b"NEW CERTIFICATE REQUEST"),
            "object": csr,
        }[form]
        request = _request_for(given_csr, ca_arn)
        assert request.csr == csr
        assert request.to_api()["Csr"] == csr_pem

    def test_double_base64_is_named(self, csr_pem: bytes, ca_arn: str) -> None:
        """A CSR base64-encoded once too often is refused with a message saying so."""
        with pytest.raises(InvalidRequestError, match="base64") as error:
            _request_for(base64.b64encode(csr_pem), ca_arn)
        assert [p.path for p in error.value.problems] == ["csr"]

    def test_repr_hides_the_csr(self, csr_pem: bytes, ca_arn: str) -> None:
        """The repr names the CSR's subject, SANs and key type, never its PEM."""
        text = repr(_request_for(csr_pem, ca_arn))
        assert (
            "csr=<CSR subject='CN=svc.example.com' sans='DNS:svc.example.com' key=EC_prime256v1>"
            in (text)
        )
        assert "BEGIN" not in text

    def test_full(self, csr: x509.CertificateSigningRequest, ca_arn: str) -> None:
        """Every optional member can be set together."""
        request = _full(csr, ca_arn)
        assert request.template_arn == TemplateArn.parse(PASSTHROUGH_TEMPLATE)
        assert request.validity_not_before == Validity.absolute(NOW - timedelta(hours=1))

    def test_passthrough_as_mapping(self, csr: x509.CertificateSigningRequest, ca_arn: str) -> None:
        """Nested values may be their AWS mappings."""
        request = _request_for(
            csr,
            ca_arn,
            validity={"Value": 1, "Type": "YEARS"},
            template_arn=TemplateArn.of("EndEntityCertificate_APICSRPassthrough"),
            api_passthrough={"Subject": {"CommonName": "a"}},
        )
        assert request.validity == Validity.years(1)
        assert request.api_passthrough == ApiPassthrough(subject=Subject(common_name="a"))

    def test_evolve_checks_again(self, csr: x509.CertificateSigningRequest, ca_arn: str) -> None:
        """evolve gives a checked copy; a bad change or an unknown field is refused."""
        request = _request_for(csr, ca_arn)
        longer = request.evolve(validity=Validity.days(90))
        assert longer.validity == Validity.days(90)
        assert longer.csr == request.csr
        with pytest.raises(InvalidRequestError) as error:
            request.evolve(validity=Validity.days(1), idempotency_token="x" * 37)
        assert [p.path for p in error.value.problems] == ["idempotency_token"]
        with pytest.raises(InvalidRequestError, match="is not a field") as error:
            request.evolve(validty=Validity.days(1))  # type: ignore[call-arg]
        assert [p.path for p in error.value.problems] == ["validty"]
        assert attrs.evolve(request, idempotency_token="t").idempotency_token == "t"

    def test_frozen_and_hashable(self, csr: x509.CertificateSigningRequest, ca_arn: str) -> None:
        """Instances are immutable values."""
        request = _request_for(csr, ca_arn)
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            request.idempotency_token = "x"  # type: ignore[misc]
        assert hash(request) == hash(_request_for(csr, ca_arn))

    def test_not_before_rules_use_the_clock(
        self, csr: x509.CertificateSigningRequest, ca_arn: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A relative validity's end is counted from the injected clock."""
        start = Validity.absolute(NOW + timedelta(days=10))
        request = _request_for(csr, ca_arn, validity=Validity.days(11), validity_not_before=start)
        assert request.validity_not_before == start
        with pytest.raises(InvalidRequestError, match="before the end of validity"):
            _request_for(csr, ca_arn, validity=Validity.days(10), validity_not_before=start)
        monkeypatch.setattr(_request, "_clock", lambda: NOW - timedelta(days=5))
        with pytest.raises(InvalidRequestError, match="before the end of validity"):
            _request_for(csr, ca_arn, validity=Validity.days(11), validity_not_before=start)

    def test_month_end_from_the_clock(
        self, csr: x509.CertificateSigningRequest, ca_arn: str
    ) -> None:
        """MONTHS are calendar months from now: Nov 27 + 1 month is Dec 27, 30 days later."""
        start = Validity.absolute(NOW + timedelta(days=29))
        request = _request_for(csr, ca_arn, validity=Validity.months(1), validity_not_before=start)
        assert request.validity_not_before == start
        with pytest.raises(InvalidRequestError, match="ends 2026-12-27T12:00:00"):
            _request_for(
                csr,
                ca_arn,
                validity=Validity.months(1),
                validity_not_before=Validity.absolute(NOW + timedelta(days=30)),
            )


class TestApiShape:
    """to_api / from_api / CLI JSON."""

    def test_to_api_minimal(
        self, csr: x509.CertificateSigningRequest, csr_pem: bytes, ca_arn: str
    ) -> None:
        """Only the required members, in the model's order, with AWS types."""
        api = _request_for(csr, ca_arn).to_api()
        assert api == {
            "CertificateAuthorityArn": ca_arn,
            "Csr": csr_pem,
            "SigningAlgorithm": "SHA256WITHECDSA",
            "Validity": {"Value": 30, "Type": "DAYS"},
        }
        assert list(api) == ["CertificateAuthorityArn", "Csr", "SigningAlgorithm", "Validity"]
        assert type(api["SigningAlgorithm"]) is str

    def test_to_api_full_order(self, csr: x509.CertificateSigningRequest, ca_arn: str) -> None:
        """Optional members appear when set, in the service model's member order."""
        api = _full(csr, ca_arn).to_api()
        assert list(api) == [
            "ApiPassthrough",
            "CertificateAuthorityArn",
            "Csr",
            "SigningAlgorithm",
            "TemplateArn",
            "Validity",
            "ValidityNotBefore",
            "IdempotencyToken",
        ]
        assert api["TemplateArn"] == PASSTHROUGH_TEMPLATE
        assert api["ApiPassthrough"] == {
            "Extensions": {"SubjectAlternativeNames": [{"DnsName": "svc.example.com"}]},
            "Subject": {"Country": "US", "CommonName": "svc.example.com"},
        }
        assert api["Validity"] == {"Value": 20271127120000, "Type": "END_DATE"}

    @pytest.mark.parametrize("full", [False, True])
    def test_round_trips(
        self, full: bool, csr: x509.CertificateSigningRequest, ca_arn: str
    ) -> None:
        """from_api(to_api(x)) == x and from_cli_json(to_cli_json(x)) == x."""
        request = _full(csr, ca_arn) if full else _request_for(csr, ca_arn)
        assert IssueCertificateRequest.from_api(request.to_api()) == request
        assert IssueCertificateRequest.from_cli_json(request.to_cli_json()) == request
        assert IssueCertificateRequest.from_cli_json(request.to_cli_json().encode()) == request

    def test_cli_json_has_pem_text(self, csr_pem: bytes, ca_arn: str) -> None:
        """--cli-input-json carries the CSR as PEM text under the same keys."""
        data = json.loads(_request_for(csr_pem, ca_arn).to_cli_json())
        assert data["Csr"] == csr_pem.decode()
        assert list(data) == ["CertificateAuthorityArn", "Csr", "SigningAlgorithm", "Validity"]

    @pytest.mark.parametrize(
        ("text", "match"),
        [
            ("{", "invalid JSON"),
            ("[]", "must be a mapping"),
            ("null", "must be a mapping"),
            ("[" * 50_000, "invalid JSON"),
            (b"\xff", "invalid JSON"),
        ],
    )
    def test_from_cli_json_refuses(self, text: str | bytes, match: str) -> None:
        """Text that is not a JSON object is refused."""
        with pytest.raises(InvalidRequestError, match=match):
            IssueCertificateRequest.from_cli_json(text)

    def test_from_cli_json_refuses_non_text(self) -> None:
        """A dict is not JSON text."""
        with pytest.raises(InvalidRequestError, match="must be JSON text"):
            IssueCertificateRequest.from_cli_json({})  # type: ignore[arg-type]

    def test_from_api_reports_everything(self, csr_pem: bytes) -> None:
        """Unknown keys, missing members and bad values come together."""
        with pytest.raises(InvalidRequestError) as error:
            IssueCertificateRequest.from_api(
                {"Csr": csr_pem, "Validity": {"Value": 0, "Type": "DAYS"}, "Tags": []}
            )
        assert [p.path for p in error.value.problems] == [
            "",
            "certificate_authority_arn",
            "signing_algorithm",
            "validity.value",
        ]

    @pytest.mark.parametrize("data", [None, "x", [("Csr", b"")]])
    def test_from_api_refuses_non_mapping(self, data: object) -> None:
        """Anything but a mapping is refused."""
        with pytest.raises(InvalidRequestError, match="must be a mapping"):
            IssueCertificateRequest.from_api(data)


class TestBotocore:
    """to_api is exactly what botocore's acm-pca client takes."""

    @pytest.mark.parametrize("full", [False, True])
    def test_stubbed_call(
        self, full: bool, client: Any, csr: x509.CertificateSigningRequest, ca_arn: str
    ) -> None:
        """botocore validates the parameters and the stub sees exactly to_api()."""
        request = _full(csr, ca_arn) if full else _request_for(csr, ca_arn)
        certificate_arn = f"{ca_arn}/certificate/0123456789abcdef0123456789abcdef"
        with Stubber(client) as stubber:
            stubber.add_response(
                "issue_certificate",
                {"CertificateArn": certificate_arn},
                expected_params=request.to_api(),
            )
            answer = client.issue_certificate(**request.to_api())
            stubber.assert_no_pending_responses()
        assert answer["CertificateArn"] == certificate_arn


_JSONISH = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        st.text(max_size=10),
        st.binary(max_size=10),
        st.sampled_from(
            [
                "SHA256WITHECDSA",
                "DAYS",
                "ABSOLUTE",
                PASSTHROUGH_TEMPLATE,
                "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/"
                "12345678-1234-1234-1234-123456789012",
            ]
        ),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(
            st.sampled_from(
                [
                    "ApiPassthrough",
                    "CertificateAuthorityArn",
                    "Csr",
                    "SigningAlgorithm",
                    "TemplateArn",
                    "Validity",
                    "ValidityNotBefore",
                    "IdempotencyToken",
                    "Value",
                    "Type",
                    "Subject",
                    "Extensions",
                    "CommonName",
                    "Other",
                ]
            ),
            children,
            max_size=5,
        ),
    ),
    max_leaves=15,
)


class TestFuzz:
    """Only InvalidRequestError may come out of the parsers."""

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(_JSONISH)
    def test_from_api(self, data: object) -> None:
        """Arbitrary JSON-like data never raises anything but InvalidRequestError."""
        try:
            IssueCertificateRequest.from_api(data)
        except InvalidRequestError:
            return

    @settings(max_examples=100, deadline=None)
    @given(st.dictionaries(st.sampled_from(["Csr", "Validity", "SigningAlgorithm"]), _JSONISH))
    def test_from_api_with_valid_rest(self, changes: dict[str, object]) -> None:
        """Junk in some members is always reported, and the junk CSR always among it."""
        base = {
            "CertificateAuthorityArn": "arn:aws:acm-pca:us-east-1:123456789012:"
            "certificate-authority/12345678-1234-1234-1234-123456789012",
            "Csr": b"",
            "SigningAlgorithm": "SHA256WITHECDSA",
            "Validity": {"Value": 1, "Type": "DAYS"},
        }
        with pytest.raises(InvalidRequestError) as error:
            IssueCertificateRequest.from_api({**base, **changes})
        assert any(problem.path.startswith("csr") for problem in error.value.problems)

    @settings(max_examples=150, deadline=None)
    @given(st.one_of(st.text(), st.binary()))
    def test_from_cli_json(self, text: str | bytes) -> None:
        """Arbitrary text never raises anything but InvalidRequestError."""
        try:
            IssueCertificateRequest.from_cli_json(text)
        except InvalidRequestError:
            return


def _parameters(function: object) -> list[str]:
    return [
        f"{p.name}={p.default!r}" if p.default is not inspect.Parameter.empty else p.name
        for p in inspect.signature(function).parameters.values()  # type: ignore[arg-type]
    ]


@pytest.mark.parametrize(
    ("function", "expected"),
    [
        (Validity, ["value", "type"]),
        (Validity.days, ["n"]),
        (Validity.months, ["n"]),
        (Validity.years, ["n"]),
        (Validity.end_date, ["dt"]),
        (Validity.absolute, ["dt_or_epoch_seconds"]),
        (Validity.from_timedelta, ["td", "now=None"]),
        (Validity.from_api, ["mapping"]),
        (Validity.parse, ["text"]),
        (Validity.not_after, ["self", "issued_at"]),
        (
            IssueCertificateRequest,
            [
                "certificate_authority_arn",
                "csr",
                "signing_algorithm",
                "validity",
                "validity_not_before=None",
                "template_arn=None",
                "api_passthrough=None",
                "idempotency_token=None",
            ],
        ),
        (IssueCertificateRequest.from_api, ["mapping"]),
        (IssueCertificateRequest.from_cli_json, ["text"]),
        (ApiPassthrough, ["extensions=None", "subject=None"]),
        (ApiPassthrough.from_api, ["mapping"]),
        (CertificateAuthorityArn.parse, ["text"]),
        (CertificateArn.parse, ["text"]),
        (CertificateArn.from_parts, ["ca_arn", "serial"]),
        (parse_certificate_arn, ["text"]),
        (TemplateArn.parse, ["text"]),
        (TemplateArn.of, ["name", "partition='aws'"]),
    ],
    ids=lambda value: getattr(value, "__qualname__", None),
)
def test_signatures_match_the_contract(function: object, expected: list[str]) -> None:
    """Parameter names, order and defaults are those API.md fixes, so keywords keep working."""
    assert _parameters(function) == expected
