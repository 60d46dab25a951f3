"""Checks of a request against its CA, made before the billed IssueCertificate call.

The CA comes from one DescribeCertificateAuthority answer (:class:`CaInfo`); the checks are
pure and need no botocore.

Example::

    ca = CaInfo.from_api(client.describe_certificate_authority(CertificateAuthorityArn=arn))
    check_request(request, ca, now=datetime.now(timezone.utc))  # InvalidRequestError if not
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs

from acmpca_issue import _clock as clock
from acmpca_issue._display import Panel, Row, day, ends_in, html_panel, pretty, text_panel
from acmpca_issue._enums import KeyAlgorithm, SigningAlgorithm
from acmpca_issue._problems import Problems, show_time
from acmpca_issue.exceptions import InvalidRequestError

__all__ = ["SHORT_LIVED_MAX", "CaInfo", "check_request"]

#: The longest validity a SHORT_LIVED_CERTIFICATE CA issues.
SHORT_LIVED_MAX = timedelta(days=7)


def _utc(value: Any) -> datetime | None:
    """botocore parses timestamps as aware datetimes in the local zone; make them UTC."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=timezone.utc)
    return None


def _iso(value: datetime | None) -> str:
    return "None" if value is None else value.isoformat()


def _revocation(configuration: Any) -> tuple[str, ...]:
    """The enabled methods of a RevocationConfiguration (``CRL``, ``OCSP``)."""
    if not isinstance(configuration, Mapping):
        return ()
    methods = (("CRL", "CrlConfiguration"), ("OCSP", "OcspConfiguration"))
    return tuple(
        name
        for name, key in methods
        if isinstance(configuration.get(key), Mapping) and configuration[key].get("Enabled")
    )


@attrs.frozen
class CaInfo:
    """What the checks need from a DescribeCertificateAuthority answer.

    Attributes:
        arn: the CA's ARN as text.
        status: ``ACTIVE``, ``DISABLED``, ...
        key_algorithm: the CA key's algorithm (``EC_prime256v1``), as the service names it.
        signing_algorithm: the CA's configured signing algorithm.
        not_after: the end of the CA certificate's validity (aware UTC), when known.
        usage_mode: ``GENERAL_PURPOSE`` or ``SHORT_LIVED_CERTIFICATE``.
        revocation: the revocation methods enabled, ``"CRL"`` and/or ``"OCSP"``.
    """

    arn: str
    status: str
    key_algorithm: str
    signing_algorithm: str
    not_after: datetime | None = attrs.field(default=None, repr=_iso)
    usage_mode: str = "GENERAL_PURPOSE"
    revocation: tuple[str, ...] = ()

    def _panel(self) -> Panel:
        end = "unknown" if self.not_after is None else day(self.not_after)
        if self.not_after is not None:
            end += f" ({ends_in(self.not_after, clock.now())})"
        return Panel(
            "Certificate authority",
            [
                Row("ARN", self.arn, code=True),
                Row("Status", self.status),
                Row("Key algorithm", self.key_algorithm),
                Row("Signing algorithm", self.signing_algorithm),
                Row("Usage mode", self.usage_mode),
                Row("NotAfter", end),
            ],
            "acmpca-ca-info",
        )

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        pretty(printer, text_panel(self._panel()))

    def _repr_html_(self) -> str:
        return html_panel(self._panel())

    @classmethod
    def from_api(cls, response: Mapping[str, Any]) -> CaInfo:
        """Read a DescribeCertificateAuthority response (the whole response mapping)."""
        ca = response.get("CertificateAuthority") or {}
        config = ca.get("CertificateAuthorityConfiguration") or {}
        return cls(
            arn=str(ca.get("Arn", "")),
            status=str(ca.get("Status", "")),
            key_algorithm=str(config.get("KeyAlgorithm", "")),
            signing_algorithm=str(config.get("SigningAlgorithm", "")),
            not_after=_utc(ca.get("NotAfter")),
            usage_mode=str(ca.get("UsageMode") or "GENERAL_PURPOSE"),
            revocation=_revocation(ca.get("RevocationConfiguration")),
        )

    def allowed_signing_algorithms(self) -> tuple[str, ...] | None:
        """The signing algorithms that fit the CA's key, or None for a key type not known here."""
        try:
            key = KeyAlgorithm(self.key_algorithm)
        except ValueError:
            return None
        return tuple(algorithm.value for algorithm in key.signing_algorithms())

    def default_signing_algorithm(self) -> SigningAlgorithm:
        """The CA's configured signing algorithm, for a request that does not name one.

        Raises:
            InvalidRequestError: the CA reports no signing algorithm this library knows.
        """
        try:
            return SigningAlgorithm(self.signing_algorithm)
        except ValueError:
            raise InvalidRequestError(
                f"the CA's configured signing algorithm {self.signing_algorithm!r} is not one "
                "this library knows; pass signing_algorithm explicitly",
                path="signing_algorithm",
            ) from None


def check_request(request: Any, ca: CaInfo, *, now: datetime) -> None:
    """Check an IssueCertificateRequest against its CA.

    The CA must be ACTIVE; the signing algorithm must fit the CA's key family; the requested
    NotAfter must not be after the CA's; a SHORT_LIVED_CERTIFICATE CA issues at most 7 days;
    ``api_passthrough`` needs an APIPassthrough or APICSRPassthrough template.

    Args:
        request: the request (an ``IssueCertificateRequest``).
        ca: the CA it is sent to.
        now: the current time (aware), the issuance time relative validities count from.

    Raises:
        InvalidRequestError: every problem found, at the request's field paths.
    """
    problems = Problems()
    if ca.status != "ACTIVE":
        problems.add(
            "certificate_authority_arn",
            f"the CA is {ca.status or 'in an unknown state'}, not ACTIVE, so it cannot issue",
        )
    allowed = ca.allowed_signing_algorithms()
    algorithm = str(request.signing_algorithm)
    if allowed is not None and algorithm not in allowed:
        problems.add(
            "signing_algorithm",
            f"{algorithm} cannot be used with the CA's {ca.key_algorithm} key; "
            f"use one of {', '.join(allowed)}",
        )
    not_after = problems.check("validity", request.validity.not_after, now)
    if not_after is not None:
        if ca.not_after is not None and not_after > ca.not_after:
            problems.add(
                "validity",
                f"the certificate would end {show_time(not_after)}, after the CA's own "
                f"NotAfter {show_time(ca.not_after)}; ask for a shorter validity",
            )
        if ca.usage_mode == "SHORT_LIVED_CERTIFICATE" and not_after - now > SHORT_LIVED_MAX:
            problems.add(
                "validity",
                f"the CA is SHORT_LIVED_CERTIFICATE and issues at most 7 days; the request "
                f"asks until {show_time(not_after)}",
            )
    template = getattr(request, "template_arn", None)
    if getattr(request, "api_passthrough", None) is not None and (
        template is None or not template.accepts_api_passthrough
    ):
        problems.add(
            "api_passthrough",
            "is ignored by the service unless template_arn is an _APIPassthrough or "
            f"_APICSRPassthrough template; got {template or 'the default EndEntityCertificate/V1'}",
        )
    problems.raise_if_any()
