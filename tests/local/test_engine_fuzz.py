"""Fuzzing the engine's readers: whatever arrives, the answer is a result or a service error."""

from __future__ import annotations

from typing import Any

from cryptography import x509
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from acmpca_issue.local import LocalPrivateCA
from acmpca_issue.local._protocol import LocalServiceError
from tests.local._support import issue_params, template

_PCA = LocalPrivateCA()
_CA = str(_PCA.create_root_ca())
_SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _answer(operation: str, params: dict[str, Any]) -> str:
    try:
        _PCA.engine.handle(operation, params)
    except LocalServiceError as error:
        return error.code if error.message else "no message"
    return "ok"


@_SETTINGS
@given(st.text(max_size=128))
def test_revoke_serial(text: str) -> None:
    """Any serial text is read as hex or refused with a service error."""
    code = _answer(
        "RevokeCertificate",
        {
            "CertificateAuthorityArn": _CA,
            "CertificateSerial": text,
            "RevocationReason": "UNSPECIFIED",
        },
    )
    assert code in {"InvalidArgsException", "ResourceNotFoundException"}


@_SETTINGS
@given(st.binary(max_size=512))
def test_csr_bytes(data: bytes) -> None:
    """Any CSR bytes that are not a CSR are MalformedCSRException."""
    assert _answer("IssueCertificate", issue_params(_CA, Csr=data)) == "MalformedCSRException"


_SUBJECT_KEYS = ["CommonName", "Organization", "Locality", "Title", "Pseudonym", "Country"]
_NAME_KEYS = ["DnsName", "Rfc822Name", "UniformResourceIdentifier", "IpAddress", "RegisteredId"]


@_SETTINGS
@given(
    subject=st.dictionaries(st.sampled_from(_SUBJECT_KEYS), st.text(max_size=70), max_size=4),
    names=st.lists(
        st.dictionaries(st.sampled_from(_NAME_KEYS), st.text(max_size=40), min_size=1, max_size=2),
        max_size=3,
    ),
)
def test_api_passthrough(subject: dict[str, str], names: list[dict[str, str]]) -> None:
    """Arbitrary ApiPassthrough gives a certificate or InvalidArgsException, never a crash."""
    api: dict[str, Any] = {"Subject": subject}
    if names:
        api["Extensions"] = {"SubjectAlternativeNames": names}
    params = issue_params(
        _CA, TemplateArn=template("BlankEndEntityCertificate_APIPassthrough"), ApiPassthrough=api
    )
    try:
        arn = _PCA.engine.handle("IssueCertificate", params)["CertificateArn"]
    except LocalServiceError as error:
        code = error.code
    else:
        code = "ok"
    if code != "ok":
        assert code == "InvalidArgsException"
        return
    got = _PCA.engine.handle(
        "GetCertificate", {"CertificateAuthorityArn": _CA, "CertificateArn": arn}
    )
    x509.load_pem_x509_certificate(got["Certificate"].encode())
