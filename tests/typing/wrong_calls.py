"""Calls mypy must refuse; NOT meant to be executed.

``mypy --strict`` (CI runs it on ``tests/``) checks this file with ``warn_unused_ignores``: each
line below carries the error code it must raise, so a signature that loosens until the line
type-checks makes the ignore unused, and mypy fails. pytest never collects it.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec

from acmpca_issue import (
    IssueCertificateRequest,
    IssuedCertificate,
    Issuer,
    Validity,
    build_csr,
)
from acmpca_issue.local import LocalPrivateCA


def wrong_issue_certificate(issuer: Issuer, a: str) -> None:
    # issue_certificate is overloaded (on wait), so mypy reports a wrong argument as
    # call-overload, at the call's first line: each call is one line.
    v = Validity.days(1)
    put = issuer.issue_certificate
    put(certificate_authority_arn=a, csr=12345, validity=v)  # type: ignore[call-overload]
    put(certificate_authority_arn=a, csr=b"", validity="90 days")  # type: ignore[call-overload]
    put(certificate_authority_arn=1, csr=b"", validity=v)  # type: ignore[call-overload]
    put(certificate_authority_arn=a, csr=b"", validity=v, signing_algorithm=256)  # type: ignore[call-overload]
    put(certificate_authority_arn=a, csr=b"", validity=v, validity_not_before="now")  # type: ignore[call-overload]
    put(certificate_authority_arn=a, csr=b"", validity=v, template_arn=1)  # type: ignore[call-overload]
    put(certificate_authority_arn=a, csr=b"", validity=v, api_passthrough="CN=x")  # type: ignore[call-overload]
    put(certificate_authority_arn=a, csr=b"", validity=v, wiat=False)  # type: ignore[call-overload]
    put(certificate_authority_arn=a, csr=b"", validity=v, idempotency_token=7)  # type: ignore[call-overload]
    issuer.issue(b"request")  # type: ignore[call-overload]
    issuer.get_certificate(12345)  # type: ignore[arg-type]


def wrong_options(pca: LocalPrivateCA) -> None:
    Issuer.from_session(wait_timeot=5)  # type: ignore[call-arg]
    Issuer.from_session(wait_timeout="5")  # type: ignore[arg-type]
    pca.issuer(wait_timeot=5)  # type: ignore[call-arg]
    Issuer(12345)  # type: ignore[arg-type]
    Issuer("acm-pca")  # type: ignore[arg-type]


def wrong_client_calls(pca: LocalPrivateCA) -> None:
    client = pca.client()
    client.issue_certificate(CertificateAuthorityArn="arn")  # type: ignore[call-arg]
    client.issue_cert()  # type: ignore[attr-defined]


def wrong_request(ca: str) -> None:
    IssueCertificateRequest(
        certificate_authority_arn=ca,
        csr=12345,  # type: ignore[arg-type]
        signing_algorithm="SHA256WITHECDSA",
        validity=Validity.days(1),
    )
    IssueCertificateRequest(
        certificate_authority_arn=ca,
        csr=Path("csr.pem"),
        signing_algorithm="SHA256WITHECDSA",
        validity=("90", "DAYS"),  # type: ignore[arg-type]
    )


def wrong_evolve(request: IssueCertificateRequest) -> None:
    request.evolve(validty=Validity.days(1))  # type: ignore[call-arg]
    request.evolve(validity="90 days")  # type: ignore[arg-type]
    request.evolve(csr=12345)  # type: ignore[arg-type]


def wrong_write(issued: IssuedCertificate, key: ec.EllipticCurvePrivateKey) -> None:
    issued.write("out", private_key="-----BEGIN PRIVATE KEY-----")  # type: ignore[arg-type]
    issued.write("out", private_key=key.public_key())  # type: ignore[arg-type]
    build_csr("svc.internal").write(5)  # type: ignore[arg-type]


def wrong_renew(issuer: Issuer, issued: IssuedCertificate) -> None:
    issuer.renew(issued, private_key="-----BEGIN PRIVATE KEY-----")  # type: ignore[arg-type]
    issuer.renew(issued, validity="90 days")  # type: ignore[arg-type]
