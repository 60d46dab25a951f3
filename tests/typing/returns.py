"""What the public API gives back, as mypy sees it; NOT meant to be executed.

``mypy --strict`` checks each ``assert_type``; pytest never collects this file.
"""

from __future__ import annotations

from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from mypy_boto3_acm_pca.client import ACMPCAClient
from typing_extensions import assert_type

from acmpca_issue import (
    CertificateArn,
    CertificateAuthorityArn,
    CsrBundle,
    IssueCertificateRequest,
    IssuedCertificate,
    Issuer,
    Validity,
    build_csr,
)
from acmpca_issue.local import LocalPrivateCA
from acmpca_issue.local._http import LocalServer


def local(pca: LocalPrivateCA) -> None:
    assert_type(pca.client(), ACMPCAClient)
    assert_type(pca.issuer(), Issuer)
    assert_type(pca.issuer(wait_timeout=5, preflight=False), Issuer)
    assert_type(pca.create_root_ca(), CertificateAuthorityArn)
    server = pca.serve()
    assert_type(server, LocalServer)
    assert_type(server.environment, dict[str, str])
    assert_type(server.export_lines(), str)


def issuing(issuer: Issuer, ca: CertificateAuthorityArn, key: ec.EllipticCurvePrivateKey) -> None:
    bundle = build_csr("svc.internal", private_key=key)
    assert_type(bundle, CsrBundle)
    assert_type(Issuer.from_session(wait_timeout=5), Issuer)
    for csr in (bundle.csr, bundle.csr_pem, bundle.csr_pem.decode(), Path("csr.pem")):
        issued = issuer.issue_certificate(
            certificate_authority_arn=ca,
            csr=csr,
            validity={"Value": 1, "Type": "DAYS"},
            validity_not_before=Validity.absolute(0),
            signing_algorithm="SHA256WITHECDSA",
            template_arn="arn:aws:acm-pca:::template/EndEntityCertificate/V1",
            api_passthrough={"Subject": {"CommonName": "svc"}},
        )
        assert_type(issued, IssuedCertificate)
    arn = issuer.issue_certificate(
        certificate_authority_arn=ca, csr=bundle.csr, validity=Validity.days(1), wait=False
    )
    assert_type(arn, CertificateArn)
    issued = issuer.get_certificate(arn)
    assert_type(issued.write("out", private_key=bundle), dict[str, Path])
    assert_type(issued.write("out", private_key=key, overwrite=True), dict[str, Path])
    assert_type(issued.chain, tuple[x509.Certificate, ...])


def request_from_a_path(ca: str) -> IssueCertificateRequest:
    return IssueCertificateRequest(
        certificate_authority_arn=ca,
        csr=Path("csr.pem"),
        signing_algorithm="SHA256WITHECDSA",
        validity=Validity.days(1),
    )
