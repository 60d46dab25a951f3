"""An issued certificate with its chain: parsed, checked, written to files.

Example::

    issued = issuer.issue(request)  # an IssuedCertificate, already verified
    print(issued)                   # subject, serial, validity, ARN on one line
    issued.write("out", private_key=bundle)  # cert.pem chain.pem fullchain.pem key.pem (0600)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization

from acmpca_issue import _clock as clock
from acmpca_issue._arn import CertificateArn
from acmpca_issue._display import (
    EMPTY_SUBJECT,
    Panel,
    Row,
    chain_of,
    describe_names,
    html_panel,
    pretty,
    text_panel,
)
from acmpca_issue._files import write_files
from acmpca_issue._keys import public_key_der
from acmpca_issue._problems import show_time
from acmpca_issue.exceptions import InvalidRequestError, VerificationError

if TYPE_CHECKING:
    from acmpca_issue._csr import CsrBundle
    from acmpca_issue._keys import PrivateKey
    from acmpca_issue._request import IssueCertificateRequest

__all__ = ["BACKDATE", "RENEW_AT", "IssuedCertificate", "Renewal"]

#: The fraction of a certificate's lifetime after which it is due for renewal (cert-manager's
#: default: renew when a third of the lifetime is left).
RENEW_AT = 2 / 3

#: How far AWS Private CA backdates NotBefore when no ValidityNotBefore is given.
BACKDATE = timedelta(minutes=60)
# Slack when comparing the validity asked for with the validity received: the service's clock
# and ours differ, and a relative validity counts from an issuance time we only estimate.
_SLACK = timedelta(minutes=5)
_PEM = serialization.Encoding.PEM


def _as_tuple(certificates: Iterable[x509.Certificate]) -> tuple[x509.Certificate, ...]:
    return tuple(certificates)


def _split_pem(text: str, what: str) -> tuple[x509.Certificate, ...]:
    try:
        return tuple(x509.load_pem_x509_certificates(text.encode("ascii")))
    except (ValueError, UnicodeEncodeError) as error:
        raise VerificationError(f"the {what} is not PEM certificates: {error}") from None


def _pem(certificate: x509.Certificate) -> str:
    return certificate.public_bytes(_PEM).decode("ascii")


def _names(certificate: x509.Certificate) -> tuple[str, ...]:
    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return ()
    return describe_names(san.value)


# SigningAlgorithm -> (signature algorithm OID, hash name where the OID does not fix it).
_RSA_PSS = "1.2.840.113549.1.1.10"
_SIGNATURE_OIDS: dict[str, tuple[str, str | None]] = {
    "SHA256WITHECDSA": ("1.2.840.10045.4.3.2", None),
    "SHA384WITHECDSA": ("1.2.840.10045.4.3.3", None),
    "SHA512WITHECDSA": ("1.2.840.10045.4.3.4", None),
    "SHA256WITHRSA": ("1.2.840.113549.1.1.11", None),
    "SHA384WITHRSA": ("1.2.840.113549.1.1.12", None),
    "SHA512WITHRSA": ("1.2.840.113549.1.1.13", None),
    "SHA256WITHRSA_PSS": (_RSA_PSS, "sha256"),
    "SHA384WITHRSA_PSS": (_RSA_PSS, "sha384"),
    "SHA512WITHRSA_PSS": (_RSA_PSS, "sha512"),
    "SM3WITHSM2": ("1.2.156.10197.1.501", None),
    "ML_DSA_44": ("2.16.840.1.101.3.4.3.17", None),
    "ML_DSA_65": ("2.16.840.1.101.3.4.3.18", None),
    "ML_DSA_87": ("2.16.840.1.101.3.4.3.19", None),
}


def _signing_algorithm_of(certificate: x509.Certificate) -> tuple[str, str | None]:
    """The certificate's signature algorithm OID, with the hash for RSA-PSS (else None)."""
    oid = certificate.signature_algorithm_oid.dotted_string
    if oid != _RSA_PSS:
        return oid, None
    try:
        digest = certificate.signature_hash_algorithm
    except UnsupportedAlgorithm:
        return oid, None
    return oid, digest.name if digest is not None else None


def _signed_by(child: x509.Certificate, parent: x509.Certificate) -> str | None:
    """None if ``parent`` issued ``child``, else what is wrong."""
    try:
        child.verify_directly_issued_by(parent)
    except InvalidSignature:
        return "the signature does not verify with the issuer's key"
    except (ValueError, TypeError) as error:
        return str(error)
    return None


@attrs.frozen
class IssuedCertificate:
    """A certificate AWS Private CA issued, with the chain that signed it.

    Attributes:
        arn: the certificate's ARN.
        certificate: the certificate.
        chain: the CA certificates, the issuer first and the root last.
        request: the request it was issued for, when an Issuer issued it (``None`` when it was
            fetched or loaded); :meth:`Issuer.renew` reuses its template, passthrough and
            signing algorithm. Not part of equality.
    """

    arn: CertificateArn
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = attrs.field(converter=_as_tuple)
    request: IssueCertificateRequest | None = attrs.field(
        default=None, eq=False, repr=False, kw_only=True
    )

    @classmethod
    def from_pem(
        cls, arn: CertificateArn | str, certificate: str, chain: str | None = None
    ) -> IssuedCertificate:
        """Build from the ``Certificate`` and ``CertificateChain`` PEM texts of GetCertificate.

        Raises:
            VerificationError: the texts are not PEM certificates, or there is not exactly
                one certificate in ``certificate``.
        """
        leaf = _split_pem(certificate, "certificate")
        if len(leaf) != 1:
            raise VerificationError(
                f"the certificate must be exactly one PEM certificate, got {len(leaf)}"
            )
        cas = _split_pem(chain, "certificate chain") if chain and chain.strip() else ()
        return cls(CertificateArn.parse(arn), leaf[0], cas)

    @classmethod
    def from_api(cls, arn: CertificateArn | str, response: Mapping[str, Any]) -> IssuedCertificate:
        """Build from a GetCertificate response mapping."""
        certificate = response.get("Certificate")
        if not isinstance(certificate, str):
            raise VerificationError("the GetCertificate response has no Certificate")
        return cls.from_pem(arn, certificate, response.get("CertificateChain"))

    # Views ---------------------------------------------------------------------------------

    @property
    def certificate_pem(self) -> str:
        """The certificate as PEM text."""
        return _pem(self.certificate)

    @property
    def chain_pem(self) -> str:
        """The chain as PEM text, the issuer first."""
        return "".join(_pem(ca) for ca in self.chain)

    @property
    def fullchain_pem(self) -> str:
        """The certificate followed by its chain, as a TLS server presents it."""
        return self.certificate_pem + self.chain_pem

    @property
    def not_before(self) -> datetime:
        """The start of validity, an aware UTC datetime."""
        return self.certificate.not_valid_before_utc

    @property
    def not_after(self) -> datetime:
        """The end of validity, an aware UTC datetime."""
        return self.certificate.not_valid_after_utc

    @property
    def serial(self) -> int:
        """The certificate's serial number."""
        return self.certificate.serial_number

    @property
    def subject(self) -> str:
        """The subject as an RFC 4514 string."""
        return self.certificate.subject.rfc4514_string()

    @property
    def issuer(self) -> str:
        """The issuer as an RFC 4514 string."""
        return self.certificate.issuer.rfc4514_string()

    @property
    def subject_alternative_names(self) -> tuple[str, ...]:
        """The SANs, each as ``DNS:name``, ``IP:addr``, ``email:addr`` or ``URI:uri``."""
        return _names(self.certificate)

    @property
    def fingerprint_sha256(self) -> str:
        """The SHA-256 fingerprint, colon-separated uppercase hex."""
        return self.certificate.fingerprint(hashes.SHA256()).hex(":").upper()

    @property
    def lifetime(self) -> timedelta:
        """NotAfter minus NotBefore (a certificate the service backdated has 60 min more)."""
        return self.not_after - self.not_before

    def remaining(self, now: datetime | None = None) -> timedelta:
        """How long until NotAfter (negative once expired).

        Args:
            now: the time to judge at, an aware datetime (default: the clock in force, the
                Issuer's ``now`` inside its calls, else the system's).
        """
        return self.not_after - _at(now)

    def renewal_due(self, at: float = RENEW_AT, *, now: datetime | None = None) -> bool:
        """Whether ``at`` of the lifetime has passed: cert-manager's rule, 2/3 by default.

        A 90-day certificate (plus the 60-minute backdate) is due 60 days and 40 minutes
        after NotBefore, when a third of its lifetime is left; an expired one is always due.

        Args:
            at: the fraction of the lifetime, more than 0 and at most 1.
            now: the time to judge at (as for :meth:`remaining`).

        Raises:
            InvalidRequestError: ``at`` is not a number in (0, 1].
        """
        value: object = at
        if type(value) not in (int, float) or not 0 < at <= 1:
            raise InvalidRequestError(
                f"must be a fraction of the lifetime in (0, 1], such as 2/3; got {at!r}",
                path="at",
            )
        return _at(now) >= self.not_before + self.lifetime * at

    def to_der(self) -> bytes:
        """The certificate as DER bytes."""
        return self.certificate.public_bytes(serialization.Encoding.DER)

    # Files ---------------------------------------------------------------------------------

    def write(
        self,
        directory: str | os.PathLike[str],
        private_key: PrivateKey | CsrBundle | None = None,
        overwrite: bool = False,
    ) -> dict[str, Path]:
        """Write ``cert.pem``, ``chain.pem``, ``fullchain.pem`` and, given a key, ``key.pem``.

        Each file is written atomically; ``key.pem`` is mode 0600 from its first byte, the
        others 0644. The directory is created (mode 0700) if it does not exist.

        Args:
            directory: where to write.
            private_key: a cryptography private key or a ``CsrBundle``; written as unencrypted
                PKCS#8 PEM to ``key.pem``.
            overwrite: replace existing files; otherwise an existing file raises
                ``FileExistsError`` and nothing is written.

        Returns:
            The paths written, by file name.

        Raises:
            FileExistsError: a file exists and ``overwrite`` is false; nothing was written.
            OSError: the directory cannot be created or written (the error names it).
        """
        contents: dict[str, tuple[bytes, bool]] = {
            "cert.pem": (self.certificate_pem.encode("ascii"), False),
            "chain.pem": (self.chain_pem.encode("ascii"), False),
            "fullchain.pem": (self.fullchain_pem.encode("ascii"), False),
        }
        if private_key is not None:
            contents["key.pem"] = (_key_pem(private_key), True)
        return write_files(directory, contents, overwrite=overwrite)

    # Verification --------------------------------------------------------------------------

    def verify(
        self,
        csr: x509.CertificateSigningRequest | None = None,
        request: IssueCertificateRequest | None = None,
        *,
        now: datetime | None = None,
    ) -> None:
        """Check the certificate against its chain, its ARN and what was asked for.

        Checks: the ARN's serial is the certificate's; the first chain certificate signed it;
        each chain certificate is signed by the next and the last is a self-signed root; the
        public key is the CSR's (``csr`` or ``request.csr``); and the validity is the one
        requested (``request.validity``, counting from the issuance time, which is NotBefore
        plus the service's 60-minute backdate, give or take a few minutes; an explicit
        ``request.validity_not_before`` must match NotBefore).

        Args:
            csr: the CSR the certificate was requested with.
            request: the request it was issued for (its CSR is used when ``csr`` is None).
            now: the time to treat as now when NotBefore was set explicitly (default: now).

        Raises:
            VerificationError: every mismatch found, one per line.
        """
        problems: list[str] = []
        if self.arn.serial != self.serial:
            problems.append(
                f"the ARN's serial {self.arn.serial:x} is not the certificate's {self.serial:x}"
            )
        problems.extend(self._chain_problems())
        if csr is None and request is not None:
            csr = request.csr
        if csr is not None and public_key_der(csr.public_key()) != public_key_der(
            self.certificate.public_key()
        ):
            problems.append("the certificate's public key is not the CSR's")
        if request is not None:
            problems.extend(self._algorithm_problems(request))
            problems.extend(self._validity_problems(request, now))
        if problems:
            raise VerificationError("; ".join(problems))

    def _algorithm_problems(self, request: IssueCertificateRequest) -> list[str]:
        """The certificate is signed with the algorithm the request named."""
        asked = str(request.signing_algorithm)
        expected = _SIGNATURE_OIDS.get(asked)
        used = _signing_algorithm_of(self.certificate)
        if expected is None or used == expected:  # None: newer than this table, not judged
            return []
        named = next((name for name, value in _SIGNATURE_OIDS.items() if value == used), None)
        shown = named or f"the algorithm {used[0]}"
        return [f"the certificate is signed with {shown}, not the requested {asked}"]

    def _chain_problems(self) -> list[str]:
        if not self.chain:
            return ["the certificate chain is empty, so the signature cannot be checked"]
        problems: list[str] = []
        wrong = _signed_by(self.certificate, self.chain[0])
        if wrong:
            problems.append(
                f"the certificate was not issued by the first chain certificate: {wrong}"
            )
        for index, (child, parent) in enumerate(zip(self.chain, self.chain[1:], strict=False)):
            wrong = _signed_by(child, parent)
            if wrong:
                problems.append(f"chain certificate {index} is not issued by {index + 1}: {wrong}")
        root = self.chain[-1]
        wrong = _signed_by(root, root)
        if wrong:
            problems.append(f"the last chain certificate is not a self-signed root: {wrong}")
        return problems

    def _validity_problems(
        self, request: IssueCertificateRequest, now: datetime | None
    ) -> list[str]:
        problems: list[str] = []
        not_before_asked = getattr(request, "validity_not_before", None)
        if not_before_asked is None:
            issued_at = self.not_before + BACKDATE
        else:
            expected_start = not_before_asked.not_after(self.not_before)
            if abs(self.not_before - expected_start) > timedelta(seconds=1):
                problems.append(
                    f"NotBefore is {show_time(self.not_before)}, "
                    f"requested {show_time(expected_start)}"
                )
            issued_at = now.astimezone(timezone.utc) if now else clock.now()
        expected_end = request.validity.not_after(issued_at)
        exact = request.validity.type.value in ("END_DATE", "ABSOLUTE")
        slack = timedelta(seconds=1) if exact else _SLACK
        if not_before_asked is not None and not exact:
            slack += timedelta(minutes=10)
        if abs(self.not_after - expected_end) > slack:
            problems.append(
                f"NotAfter is {show_time(self.not_after)}, the requested validity "
                f"{request.validity.value} {request.validity.type.value} gives "
                f"{show_time(expected_end)}"
            )
        return problems

    # Display -------------------------------------------------------------------------------

    def summary(self) -> dict[str, str]:
        """What identifies the certificate, as labelled text (no key material)."""
        return {
            "Subject": self.subject,
            "SANs": ", ".join(self.subject_alternative_names) or "(none)",
            "Issuer": self.issuer,
            "Not before": self.not_before.isoformat(timespec="seconds"),
            "Not after": self.not_after.isoformat(timespec="seconds"),
            "Serial": f"{self.serial:x}",
            "SHA-256": self.fingerprint_sha256,
            "ARN": str(self.arn),
        }

    def __repr__(self) -> str:
        sans = ", ".join(self.subject_alternative_names)
        names = f" sans={sans!r}" if sans and not self.subject else ""
        return (
            f"<IssuedCertificate subject={self.subject!r}{names} serial={self.serial:x} "
            f"not_after={show_time(self.not_after)} arn={str(self.arn)!r}>"
        )

    def _shown_subject(self) -> str:
        """The subject, or for an empty one the SANs, so the certificate is recognisable."""
        if self.subject:
            return self.subject
        sans = ", ".join(self.subject_alternative_names)
        return f"{EMPTY_SUBJECT}; SANs {sans}" if sans else EMPTY_SUBJECT

    def _panel(self) -> Panel:
        rows = [
            Row(label, value, code=label in ("Serial", "SHA-256", "ARN"))
            for label, value in self.summary().items()
        ]
        rows[0] = Row("Subject", self.subject or EMPTY_SUBJECT)
        return Panel(
            "Issued certificate",
            rows,
            "acmpca-issued-certificate",
            chain=chain_of(self.certificate, self._shown_subject(), self.chain),
            now=clock.now(),
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        pretty(printer, text_panel(self._panel()))

    def _repr_html_(self) -> str:
        return html_panel(self._panel())


def _at(now: datetime | None) -> datetime:
    if now is None:
        from acmpca_issue._clock import now as clock_now

        return clock_now()
    if now.tzinfo is None:
        raise InvalidRequestError("must be an aware datetime (with a tzinfo)", path="now")
    return now.astimezone(timezone.utc)


@attrs.frozen
class Renewal:
    """What :meth:`Issuer.renew` returns: the new certificate and the key it certifies.

    The repr shows the certificate, never the key.

    Attributes:
        certificate: the new certificate, issued and verified.
        private_key: its private key (new unless one was passed to ``renew``).
    """

    certificate: IssuedCertificate
    private_key: Any = attrs.field(repr=False)

    def write(self, directory: str | os.PathLike[str], overwrite: bool = False) -> dict[str, Path]:
        """Write the certificate files and ``key.pem`` (0600), as ``IssuedCertificate.write``."""
        return self.certificate.write(directory, self.private_key, overwrite=overwrite)

    def __repr__(self) -> str:
        return f"<Renewal certificate={self.certificate!r}>"


def _key_pem(private_key: Any) -> bytes:
    key = getattr(private_key, "private_key", private_key)
    if not hasattr(key, "private_bytes"):
        raise TypeError(
            "private_key must be a cryptography private key or a CsrBundle, "
            f"got {type(private_key).__name__}"
        )
    return bytes(
        key.private_bytes(_PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
