"""pkilint's RFC 5280 linters as the lint tests use them: a certificate, or an issuer/subject pair.

The certificate linter is the one ``lint_pkix_cert`` runs (decoding, issuer, validity, subject,
extensions and key checks of RFC 5280); the chain linter is the one
``lint_pkix_signer_signee_cert_chain`` runs (names and key identifiers that chain, policies, and
the subject's signature under the issuer's key). The CA/Browser Forum linters are not used: they
are for publicly trusted server certificates, not a private CA.

Example::

    findings = lint_certificate(certificate)
    codes = {finding.code for finding in findings}
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pkilint import loader
from pkilint.bin import lint_pkix_signer_signee_cert_chain as chain_linter
from pkilint.pkix import certificate as pkix_certificate
from pkilint.pkix import extension, name

__all__ = ["Finding", "lint_certificate", "lint_chain"]


class Finding(NamedTuple):
    """One pkilint finding: its code (``pkix.…``), severity name and message, if any."""

    code: str
    severity: str
    message: str | None

    def __str__(self) -> str:
        return f"{self.code} ({self.severity}){': ' + self.message if self.message else ''}"


@functools.cache
def _certificate_validator() -> Any:
    return pkix_certificate.create_pkix_certificate_validator_container(
        pkix_certificate.create_decoding_validators(
            name.ATTRIBUTE_TYPE_MAPPINGS, extension.EXTENSION_MAPPINGS
        ),
        [
            pkix_certificate.create_issuer_validator_container([]),
            pkix_certificate.create_validity_validator_container(),
            pkix_certificate.create_subject_validator_container([]),
            pkix_certificate.create_extensions_validator_container([]),
            pkix_certificate.create_spki_validator_container([]),
        ],
    )


@functools.cache
def _chain_validators() -> tuple[Any, Any, Any]:
    return (
        chain_linter.create_decoder_validation_container(),
        chain_linter.create_issuer_validation_container(),
        chain_linter.create_subject_validation_container(),
    )


def _findings(results: Any) -> frozenset[Finding]:
    return frozenset(
        Finding(found.finding.code, found.finding.severity.name, found.message)
        for result in results
        for found in result.finding_descriptions
    )


def _pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def lint_certificate(certificate: x509.Certificate) -> frozenset[Finding]:
    """Every finding of pkilint's RFC 5280 certificate linter, at every severity."""
    document = loader.load_pem_certificate(_pem(certificate), "certificate")
    return _findings(_certificate_validator().validate(document.root))


def lint_chain(issuer: x509.Certificate, subject: x509.Certificate) -> frozenset[Finding]:
    """Every finding of pkilint's issuer/subject chain linter for ``subject`` under ``issuer``."""
    decoding, issuer_checks, subject_checks = _chain_validators()
    documents: dict[str, Any] = {}
    documents["issuer"] = loader.load_pem_certificate(_pem(issuer), "issuer", "issuer", documents)
    documents["subject"] = loader.load_pem_certificate(
        _pem(subject), "subject", "subject", documents
    )
    results = decoding.validate(documents["issuer"].root)
    results += decoding.validate(documents["subject"].root)
    results += issuer_checks.validate(documents["issuer"].root)
    results += subject_checks.validate(documents["subject"].root)
    return _findings(results)
