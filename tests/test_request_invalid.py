"""Bad requests, one rule each: every one raises InvalidRequestError naming the right field."""

from __future__ import annotations

import base64
import warnings
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.x509.oid import NameOID

from acmpca_issue import InvalidRequestError, IssueCertificateRequest, Validity, _request

UTC = timezone.utc
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
CA = (
    "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/"
    "12345678-1234-1234-1234-123456789012"
)
API_TEMPLATE = "arn:aws:acm-pca:::template/EndEntityCertificate_APIPassthrough/V1"
PLAIN_TEMPLATE = "arn:aws:acm-pca:::template/EndEntityCertificate/V1"
CSR_TEMPLATE = "arn:aws:acm-pca:::template/EndEntityCertificate_CSRPassthrough/V1"
SUBJECT = {"Subject": {"CommonName": "svc"}}
GOV_CA = CA.replace("arn:aws:acm-pca:us-east-1:", "arn:aws-us-gov:acm-pca:us-gov-west-1:")


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_request, "_clock", lambda: NOW)


def _csr_with(
    key: ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey,
    names: Sequence[x509.NameAttribute[Any]],
    sans: Sequence[x509.GeneralName] | None = None,
) -> x509.CertificateSigningRequest:
    builder = x509.CertificateSigningRequestBuilder().subject_name(x509.Name(names))
    if sans is not None:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    algorithm = None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    return builder.sign(key, algorithm)


@pytest.fixture(scope="module")
def bad_csrs(ec_key: ec.EllipticCurvePrivateKey, csr_pem: bytes) -> dict[str, object]:
    """CSRs Private CA would refuse, one flaw each."""
    der = x509.load_pem_x509_csr(csr_pem).public_bytes(serialization.Encoding.DER)
    tampered = bytearray(der)
    tampered[-5] ^= 0x01  # a bit of the signature
    common_name = x509.NameAttribute(NameOID.COMMON_NAME, "svc.example.com")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # cryptography warns of the long CN
        long_common_name = _csr_with(
            ec_key, [x509.NameAttribute(NameOID.COMMON_NAME, "x" * 65, _validate=False)]
        )
    long_names = [x509.DNSName(f"{index:03d}." + "a" * 240 + ".example") for index in range(140)]
    return {
        "double_base64_pem": base64.b64encode(csr_pem),
        "double_base64_text": base64.b64encode(csr_pem).decode(),
        "double_base64_der": base64.b64encode(der),
        "tampered": bytes(tampered),
        "garbage": b"\x00\x01garbage",
        "empty": b"",
        "text_not_pem": "svc.example.com",
        "certificate_pem": b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        "no_subject_no_san": _csr_with(ec_key, []),
        "long_common_name": long_common_name,
        "ed25519": _csr_with(ed25519.Ed25519PrivateKey.generate(), [common_name]),
        "too_big": _csr_with(ec_key, [common_name], long_names),
        "integer": 12345,
    }


def _csr(name: str) -> str:
    return f"@{name}"


# (id, changes to a valid request, the exact field paths expected)
CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    # certificate_authority_arn
    ("ca-missing", {"certificate_authority_arn": None}, ["certificate_authority_arn"]),
    ("ca-empty", {"certificate_authority_arn": ""}, ["certificate_authority_arn"]),
    ("ca-int", {"certificate_authority_arn": 5}, ["certificate_authority_arn"]),
    ("ca-not-arn", {"certificate_authority_arn": "my-ca"}, ["certificate_authority_arn"]),
    (
        "ca-wrong-service",
        {"certificate_authority_arn": CA.replace(":acm-pca:", ":acm:")},
        ["certificate_authority_arn"],
    ),
    (
        "ca-short-account",
        {"certificate_authority_arn": CA.replace("123456789012", "12345678901")},
        ["certificate_authority_arn"],
    ),
    (
        "ca-no-id",
        {"certificate_authority_arn": CA.rsplit("/", 1)[0] + "/"},
        ["certificate_authority_arn"],
    ),
    (
        "ca-is-certificate",
        {"certificate_authority_arn": CA + "/certificate/abcdef"},
        ["certificate_authority_arn"],
    ),
    (
        "ca-is-template",
        {"certificate_authority_arn": PLAIN_TEMPLATE},
        ["certificate_authority_arn"],
    ),
    (
        "ca-unicode-digits",
        {"certificate_authority_arn": CA.replace("123456789012", "١٢٣٤٥٦٧٨٩٠١٢")},
        ["certificate_authority_arn"],
    ),
    ("ca-too-long", {"certificate_authority_arn": CA + "x" * 200}, ["certificate_authority_arn"]),
    (
        "ca-trailing-newline",
        {"certificate_authority_arn": CA + "\n"},
        ["certificate_authority_arn"],
    ),
    # csr
    ("csr-missing", {"csr": None}, ["csr"]),
    ("csr-empty", {"csr": _csr("empty")}, ["csr"]),
    ("csr-int", {"csr": _csr("integer")}, ["csr"]),
    ("csr-garbage", {"csr": _csr("garbage")}, ["csr"]),
    ("csr-text-not-pem", {"csr": _csr("text_not_pem")}, ["csr"]),
    ("csr-double-base64-pem", {"csr": _csr("double_base64_pem")}, ["csr"]),
    ("csr-double-base64-text", {"csr": _csr("double_base64_text")}, ["csr"]),
    ("csr-double-base64-der", {"csr": _csr("double_base64_der")}, ["csr"]),
    ("csr-bad-signature", {"csr": _csr("tampered")}, ["csr"]),
    ("csr-certificate-pem", {"csr": _csr("certificate_pem")}, ["csr"]),
    ("csr-no-subject-no-san", {"csr": _csr("no_subject_no_san")}, ["csr"]),
    ("csr-long-common-name", {"csr": _csr("long_common_name")}, ["csr"]),
    ("csr-ed25519-key", {"csr": _csr("ed25519")}, ["csr"]),
    ("csr-over-32768-bytes", {"csr": _csr("too_big")}, ["csr"]),
    # signing_algorithm
    ("alg-missing", {"signing_algorithm": None}, ["signing_algorithm"]),
    ("alg-lowercase", {"signing_algorithm": "sha256withecdsa"}, ["signing_algorithm"]),
    ("alg-unknown", {"signing_algorithm": "SHA1WITHRSA"}, ["signing_algorithm"]),
    ("alg-empty", {"signing_algorithm": ""}, ["signing_algorithm"]),
    ("alg-int", {"signing_algorithm": 256}, ["signing_algorithm"]),
    # validity
    ("validity-missing", {"validity": None}, ["validity"]),
    ("validity-str", {"validity": "Value=1,Type=DAYS"}, ["validity"]),
    ("validity-zero", {"validity": {"Value": 0, "Type": "DAYS"}}, ["validity.value"]),
    ("validity-negative", {"validity": {"Value": -1, "Type": "DAYS"}}, ["validity.value"]),
    ("validity-bool", {"validity": {"Value": True, "Type": "DAYS"}}, ["validity.value"]),
    ("validity-float", {"validity": {"Value": 1.5, "Type": "DAYS"}}, ["validity.value"]),
    ("validity-string-value", {"validity": {"Value": "365", "Type": "DAYS"}}, ["validity.value"]),
    ("validity-no-value", {"validity": {"Type": "DAYS"}}, ["validity.value"]),
    ("validity-no-type", {"validity": {"Value": 1}}, ["validity.type"]),
    ("validity-bad-type", {"validity": {"Value": 1, "Type": "WEEKS"}}, ["validity.type"]),
    ("validity-unknown-key", {"validity": {"Value": 1, "Type": "DAYS", "Unit": "s"}}, ["validity"]),
    (
        "validity-end-date-13-digits",
        {"validity": {"Value": 2030010100000, "Type": "END_DATE"}},
        ["validity.value"],
    ),
    (
        "validity-end-date-feb-30",
        {"validity": {"Value": 20300230000000, "Type": "END_DATE"}},
        ["validity.value"],
    ),
    (
        "validity-absolute-millis",
        {"validity": {"Value": 1_900_000_000_000, "Type": "ABSOLUTE"}},
        ["validity.value"],
    ),
    (
        "validity-days-past-9999",
        {"validity": {"Value": 2_932_800, "Type": "DAYS"}},
        ["validity.value"],
    ),
    (
        "validity-end-date-past",
        {"validity": Validity.end_date(NOW - timedelta(seconds=1))},
        ["validity"],
    ),
    ("validity-absolute-now", {"validity": Validity.absolute(NOW)}, ["validity"]),
    # validity_not_before
    ("not-before-days", {"validity_not_before": Validity.days(1)}, ["validity_not_before.type"]),
    (
        "not-before-end-date",
        {"validity_not_before": Validity.end_date(NOW)},
        ["validity_not_before.type"],
    ),
    (
        "not-before-after-end",
        {"validity_not_before": Validity.absolute(NOW + timedelta(days=31))},
        ["validity_not_before"],
    ),
    (
        "not-before-equal-end",
        {"validity_not_before": Validity.absolute(NOW + timedelta(days=30))},
        ["validity_not_before"],
    ),
    (
        "not-before-zero",
        {"validity_not_before": {"Value": 0, "Type": "ABSOLUTE"}},
        ["validity_not_before.value"],
    ),
    ("not-before-list", {"validity_not_before": [1, "ABSOLUTE"]}, ["validity_not_before"]),
    # template_arn
    ("template-name-only", {"template_arn": "EndEntityCertificate/V1"}, ["template_arn"]),
    (
        "template-with-region",
        {"template_arn": PLAIN_TEMPLATE.replace(":::", ":us-east-1::")},
        ["template_arn"],
    ),
    ("template-no-version", {"template_arn": PLAIN_TEMPLATE.rsplit("/", 1)[0]}, ["template_arn"]),
    ("template-ca-arn", {"template_arn": CA}, ["template_arn"]),
    ("template-int", {"template_arn": 1}, ["template_arn"]),
    (
        "template-of-govcloud-for-aws-ca",
        {"template_arn": PLAIN_TEMPLATE.replace("arn:aws:", "arn:aws-us-gov:")},
        ["template_arn"],
    ),
    (
        "template-of-aws-for-govcloud-ca",
        {"certificate_authority_arn": GOV_CA, "template_arn": PLAIN_TEMPLATE},
        ["template_arn"],
    ),
    # api_passthrough
    ("passthrough-no-template", {"api_passthrough": SUBJECT}, ["api_passthrough"]),
    (
        "passthrough-plain-template",
        {"api_passthrough": SUBJECT, "template_arn": PLAIN_TEMPLATE},
        ["api_passthrough"],
    ),
    (
        "passthrough-csr-template",
        {"api_passthrough": SUBJECT, "template_arn": CSR_TEMPLATE},
        ["api_passthrough"],
    ),
    (
        "passthrough-str",
        {"api_passthrough": "Subject={CommonName=a}", "template_arn": API_TEMPLATE},
        ["api_passthrough"],
    ),
    (
        "passthrough-unknown-key",
        {"api_passthrough": {"Subjects": {}}, "template_arn": API_TEMPLATE},
        ["api_passthrough"],
    ),
    (
        "passthrough-country",
        {"api_passthrough": {"Subject": {"Country": "USA"}}, "template_arn": API_TEMPLATE},
        ["api_passthrough.subject.country"],
    ),
    (
        "passthrough-serial-number",
        {"api_passthrough": {"Subject": {"SerialNumber": "a*b"}}, "template_arn": API_TEMPLATE},
        ["api_passthrough.subject.serial_number"],
    ),
    (
        "passthrough-mixed-subject",
        {
            "api_passthrough": {
                "Subject": {
                    "CommonName": "a",
                    "CustomAttributes": [{"ObjectIdentifier": "2.5.4.3", "Value": "b"}],
                }
            },
            "template_arn": API_TEMPLATE,
        },
        ["api_passthrough.subject.custom_attributes"],
    ),
    (
        "passthrough-two-names-in-one",
        {
            "api_passthrough": {
                "Extensions": {
                    "SubjectAlternativeNames": [
                        {"DnsName": "a"},
                        {"DnsName": "b", "Rfc822Name": "c"},
                    ]
                }
            },
            "template_arn": API_TEMPLATE,
        },
        ["api_passthrough.extensions.subject_alternative_names[1]"],
    ),
    (
        "passthrough-bad-oid",
        {
            "api_passthrough": {
                "Extensions": {"CustomExtensions": [{"ObjectIdentifier": "1.2.x", "Value": "AA=="}]}
            },
            "template_arn": API_TEMPLATE,
        },
        ["api_passthrough.extensions.custom_extensions[0].object_identifier"],
    ),
    (
        "passthrough-bad-base64",
        {
            "api_passthrough": {
                "Extensions": {"CustomExtensions": [{"ObjectIdentifier": "1.2", "Value": "A"}]}
            },
            "template_arn": API_TEMPLATE,
        },
        ["api_passthrough.extensions.custom_extensions[0].value"],
    ),
    (
        "passthrough-empty-eku-list",
        {"api_passthrough": {"Extensions": {"ExtendedKeyUsage": []}}, "template_arn": API_TEMPLATE},
        ["api_passthrough.extensions.extended_key_usage"],
    ),
    (
        "passthrough-ip",
        {
            "api_passthrough": {
                "Extensions": {"SubjectAlternativeNames": [{"IpAddress": "256.0.0.1"}]}
            },
            "template_arn": API_TEMPLATE,
        },
        ["api_passthrough.extensions.subject_alternative_names[0].ip_address"],
    ),
    # idempotency_token
    ("token-empty", {"idempotency_token": ""}, ["idempotency_token"]),
    ("token-37-chars", {"idempotency_token": "x" * 37}, ["idempotency_token"]),
    ("token-nul", {"idempotency_token": "a\x00b"}, ["idempotency_token"]),
    ("token-beyond-latin-1", {"idempotency_token": "token-\u0100"}, ["idempotency_token"]),
    ("token-emoji", {"idempotency_token": "\U0001f600"}, ["idempotency_token"]),
    ("token-int", {"idempotency_token": 1234}, ["idempotency_token"]),
    ("token-bytes", {"idempotency_token": b"1234"}, ["idempotency_token"]),
]


def _resolve(changes: dict[str, Any], bad_csrs: dict[str, object]) -> dict[str, Any]:
    return {
        key: bad_csrs[value[1:]] if isinstance(value, str) and value.startswith("@") else value
        for key, value in changes.items()
    }


def _valid(csr_pem: bytes) -> dict[str, Any]:
    return {
        "certificate_authority_arn": CA,
        "csr": csr_pem,
        "signing_algorithm": "SHA256WITHECDSA",
        "validity": Validity.days(30),
    }


def test_the_model_arn_pattern_backs_the_parser() -> None:
    """An ARN a parser let through is still held to the service model's pattern and length."""
    with pytest.raises(InvalidRequestError, match="does not match the service's ARN pattern"):
        _request._check_arn("x", lambda _: "arn:aws:acm-pca:us-east-1:1:has space")
    with pytest.raises(InvalidRequestError, match="does not match"):
        _request._check_arn("x", lambda _: "arn:aws:acm-pca:us-east-1:1:" + "a" * 200)


def test_there_are_enough_cases() -> None:
    """The table covers at least 60 rules, each once."""
    assert len(CASES) >= 60
    assert len({case_id for case_id, _, _ in CASES}) == len(CASES)


def test_the_base_request_is_valid(csr_pem: bytes) -> None:
    """Without changes the request builds, so each case fails for its own rule only."""
    assert IssueCertificateRequest(**_valid(csr_pem)).to_api()["Csr"] == csr_pem


@pytest.mark.parametrize(("changes", "paths"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_invalid_request(
    changes: dict[str, Any], paths: list[str], csr_pem: bytes, bad_csrs: dict[str, object]
) -> None:
    """The constructor raises InvalidRequestError naming exactly the broken field."""
    with pytest.raises(InvalidRequestError) as error:
        IssueCertificateRequest(**{**_valid(csr_pem), **_resolve(changes, bad_csrs)})
    assert [problem.path for problem in error.value.problems] == paths
    assert all(problem.message for problem in error.value.problems)


def test_double_base64_message(csr_pem: bytes, bad_csrs: dict[str, object]) -> None:
    """A CSR base64-encoded once too often says so."""
    with pytest.raises(InvalidRequestError, match="base64") as error:
        IssueCertificateRequest(**{**_valid(csr_pem), "csr": bad_csrs["double_base64_pem"]})
    assert "once too often" in str(error.value) or "twice" in str(error.value)


def test_passthrough_message_names_a_template(csr_pem: bytes) -> None:
    """Refusing ApiPassthrough suggests the passthrough variant of the template in use."""
    for template, suggestion in (
        (None, "EndEntityCertificate_APIPassthrough"),
        (PLAIN_TEMPLATE, "EndEntityCertificate_APIPassthrough"),
        (CSR_TEMPLATE, "EndEntityCertificate_APICSRPassthrough"),
    ):
        with pytest.raises(InvalidRequestError, match=suggestion):
            IssueCertificateRequest(
                **{**_valid(csr_pem), "api_passthrough": SUBJECT, "template_arn": template}
            )


@pytest.mark.parametrize(
    ("ca", "template_partition"),
    [
        (CA, "aws"),
        (GOV_CA, "aws-us-gov"),
        (CA.replace(":aws:acm-pca:us-east-1:", ":aws-cn:acm-pca:cn-north-1:"), "aws-cn"),
        # The China pages write template ARNs as arn:aws:, so that is let through.
        (CA.replace(":aws:acm-pca:us-east-1:", ":aws-cn:acm-pca:cn-north-1:"), "aws"),
        (CA.replace(":aws:acm-pca:us-east-1:", ":aws-iso:acm-pca:us-iso-east-1:"), "aws"),
    ],
    ids=["aws", "aws-us-gov", "aws-cn", "aws-cn-with-aws-template", "aws-iso-with-aws-template"],
)
def test_template_partitions_accepted(ca: str, template_partition: str, csr_pem: bytes) -> None:
    """A template of the CA's partition, or an aws one outside GovCloud, is accepted."""
    template = PLAIN_TEMPLATE.replace("arn:aws:", f"arn:{template_partition}:")
    request = IssueCertificateRequest(
        **{**_valid(csr_pem), "certificate_authority_arn": ca, "template_arn": template}
    )
    assert request.to_api()["TemplateArn"] == template


def test_template_partition_message_names_the_fix(csr_pem: bytes) -> None:
    """A GovCloud CA with an aws template is told the template ARN to use instead."""
    with pytest.raises(InvalidRequestError) as error:
        IssueCertificateRequest(
            **{**_valid(csr_pem), "certificate_authority_arn": GOV_CA, "template_arn": API_TEMPLATE}
        )
    (problem,) = error.value.problems
    assert problem.message == (
        "is in partition 'aws' but the CA is in 'aws-us-gov'; use "
        "TemplateArn.of('EndEntityCertificate_APIPassthrough/V1', partition='aws-us-gov')"
    )


def test_passthrough_hint_keeps_the_partition(csr_pem: bytes) -> None:
    """The suggested passthrough template is in the CA's partition."""
    with pytest.raises(InvalidRequestError, match=r"partition='aws-us-gov'\)"):
        IssueCertificateRequest(
            **{**_valid(csr_pem), "certificate_authority_arn": GOV_CA, "api_passthrough": SUBJECT}
        )


def test_every_problem_at_once(csr_pem: bytes) -> None:
    """Many broken rules are all listed, not only the first."""
    with pytest.raises(InvalidRequestError) as error:
        IssueCertificateRequest(
            certificate_authority_arn="nope",
            csr=b"",
            signing_algorithm="MD5",
            validity={"Value": 0, "Type": "DAYS"},
            validity_not_before=Validity.days(1),
            template_arn="x",
            api_passthrough={"Subject": {"Country": "USA"}},
            idempotency_token="",
        )
    assert [problem.path for problem in error.value.problems] == [
        "api_passthrough.subject.country",
        "certificate_authority_arn",
        "csr",
        "signing_algorithm",
        "template_arn",
        "validity.value",
        "validity_not_before.type",
        "idempotency_token",
    ]


@pytest.mark.parametrize(("changes", "paths"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_invalid_from_api(
    changes: dict[str, Any], paths: list[str], csr_pem: bytes, bad_csrs: dict[str, object]
) -> None:
    """from_api reports the same snake_case paths for the PascalCase input."""
    valid = IssueCertificateRequest(**_valid(csr_pem))
    data: dict[str, Any] = dict(valid.to_api())
    keys = {name: key for name, key, _ in _request._MEMBERS}
    for name, value in _resolve(changes, bad_csrs).items():
        if value is None:
            data.pop(keys[name], None)
        else:
            data[keys[name]] = value.to_api() if isinstance(value, Validity) else value
    with pytest.raises(InvalidRequestError) as error:
        IssueCertificateRequest.from_api(data)
    assert [problem.path for problem in error.value.problems] == paths
