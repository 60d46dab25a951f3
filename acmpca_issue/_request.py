"""One IssueCertificate call, checked locally against every rule of the service.

Example::

    request = IssueCertificateRequest(
        certificate_authority_arn=ca_arn,
        csr=csr_pem,
        signing_algorithm="SHA256WITHECDSA",
        validity=Validity.days(90),
    )
    client.issue_certificate(**request.to_api())

An instance is always valid to send: building an invalid one raises
:class:`~acmpca_issue.exceptions.InvalidRequestError` listing every problem, each with its
field path (``validity.value``, ``api_passthrough.subject.country``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypedDict, cast

import attrs
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from typing_extensions import Self, Unpack

from acmpca_issue._arn import CertificateAuthorityArn, TemplateArn
from acmpca_issue._clock import now as _clock_now
from acmpca_issue._csr_load import load_csr
from acmpca_issue._display import (
    Panel,
    Row,
    csr_line,
    csr_rows,
    html_panel,
    not_after_text,
    pretty,
    text_panel,
)
from acmpca_issue._enums import SigningAlgorithm, ValidityType, coerce_enum
from acmpca_issue._passthrough import ApiPassthrough
from acmpca_issue._problems import Problems, describe, did_you_mean, show_time
from acmpca_issue._validity import Validity
from acmpca_issue.exceptions import InvalidRequestError

if TYPE_CHECKING:
    import os
    from typing import TypeAlias

    from mypy_boto3_acm_pca.type_defs import IssueCertificateRequestTypeDef

    #: What ``csr`` accepts: PEM ``str``/``bytes``, DER ``bytes``, a cryptography CSR or a path.
    CsrInput: TypeAlias = "str | bytes | x509.CertificateSigningRequest | os.PathLike[str]"
    #: What ``validity`` and ``validity_not_before`` accept: a Validity or its AWS mapping.
    ValidityInput: TypeAlias = "Validity | Mapping[str, Any]"
    #: What ``api_passthrough`` accepts: an ApiPassthrough or its AWS mapping.
    PassthroughInput: TypeAlias = "ApiPassthrough | Mapping[str, Any]"

__all__ = ["IssueCertificateRequest"]

# The service model's Arn shape: length 5-200 and this pattern, anchored and ASCII-only.
_ARN = re.compile(
    r"arn:[\w+=/,.@-]+:acm-pca:[\w+=/,.@-]*:[0-9]*:[\w+=,.@-]+(/[\w+=,.@-]+)*", re.ASCII
)
_TOKEN = re.compile(r"[\t\n\r\x20-\xff]*")

#: Where "now" comes from for the rules that depend on it: the clock in force (an Issuer's
#: own while it builds a request); tests may replace it.
_clock: Callable[[], datetime] = _clock_now

# (field, AWS key, required), in the service model's member order.
_MEMBERS = (
    ("api_passthrough", "ApiPassthrough", False),
    ("certificate_authority_arn", "CertificateAuthorityArn", True),
    ("csr", "Csr", True),
    ("signing_algorithm", "SigningAlgorithm", True),
    ("template_arn", "TemplateArn", False),
    ("validity", "Validity", True),
    ("validity_not_before", "ValidityNotBefore", False),
    ("idempotency_token", "IdempotencyToken", False),
)
_FIELDS = {name for name, _, _ in _MEMBERS}


class RequestChanges(TypedDict, total=False):
    """The fields :meth:`IssueCertificateRequest.evolve` may change, with what each accepts."""

    certificate_authority_arn: CertificateAuthorityArn | str
    csr: CsrInput
    signing_algorithm: SigningAlgorithm | str
    validity: ValidityInput
    validity_not_before: ValidityInput | None
    template_arn: TemplateArn | str | None
    api_passthrough: PassthroughInput | None
    idempotency_token: str | None


# These converters only widen what callers may pass, for type checkers; the checks and the
# real conversion are in __attrs_post_init__, so that every problem is reported at once.
def _ca_arn(value: CertificateAuthorityArn | str) -> CertificateAuthorityArn:
    return cast(CertificateAuthorityArn, value)


def _csr(value: CsrInput) -> x509.CertificateSigningRequest:
    return cast(x509.CertificateSigningRequest, value)


def _algorithm(value: SigningAlgorithm | str) -> SigningAlgorithm:
    return cast(SigningAlgorithm, value)


def _validity(value: ValidityInput) -> Validity:
    return cast(Validity, value)


def _optional_validity(value: ValidityInput | None) -> Validity | None:
    return cast("Validity | None", value)


def _template(value: TemplateArn | str | None) -> TemplateArn | None:
    return cast("TemplateArn | None", value)


def _passthrough(value: PassthroughInput | None) -> ApiPassthrough | None:
    return cast("ApiPassthrough | None", value)


def _csr_repr(csr: x509.CertificateSigningRequest) -> str:
    return f"<CSR {csr_line(csr)}>"


def _check_arn(arn: object, parse: Callable[[object], Any]) -> Any:
    parsed = parse(arn)
    text = str(parsed)
    if not 5 <= len(text) <= 200 or _ARN.fullmatch(text) is None:
        raise InvalidRequestError(f"{text!r} does not match the service's ARN pattern")
    return parsed


def _check_validity(value: object) -> Validity:
    if isinstance(value, Validity):
        return value
    if isinstance(value, Mapping):
        return Validity.from_api(value)
    raise InvalidRequestError(
        f"must be a Validity (such as Validity.days(90)) or its AWS mapping, got "
        f"{type(value).__name__}"
    )


def _check_not_before(value: object) -> Validity:
    validity = _check_validity(value)
    if validity.type is not ValidityType.ABSOLUTE:
        raise InvalidRequestError(
            "must be ABSOLUTE (seconds since 1970, Validity.absolute(...)), "
            f"got {validity.type.value}",
            path="type",
        )
    return validity


def _check_passthrough(value: object) -> ApiPassthrough:
    if isinstance(value, ApiPassthrough):
        return value
    if isinstance(value, Mapping):
        return ApiPassthrough.from_api(value)
    raise InvalidRequestError(
        f"must be an ApiPassthrough or its AWS mapping, got {type(value).__name__}"
    )


def _check_token(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidRequestError(f"must be a string, got {type(value).__name__}")
    if not 1 <= len(value) <= 36:
        raise InvalidRequestError(f"must be 1-36 characters long, got {len(value)}")
    if _TOKEN.fullmatch(value) is None:
        bad = next(c for c in value if _TOKEN.fullmatch(c) is None)
        raise InvalidRequestError(
            f"may hold only tab, newline, carriage return and U+0020-U+00FF, got {bad!r}"
        )
    return value


def _partition_mismatch(ca: CertificateAuthorityArn, template: TemplateArn) -> bool:
    """Whether the template ARN is of a partition the CA cannot use.

    A template of the CA's own partition is right (the GovCloud guide writes
    ``arn:aws-us-gov:acm-pca:::template/...``). The China pages show ``arn:aws:`` template
    ARNs, and the other partitions are not documented, so an ``aws`` template is refused only
    for a GovCloud CA, where the guide is clear.
    """
    if template.partition == ca.partition:
        return False
    return template.partition != "aws" or ca.partition == "aws-us-gov"


def _partition_argument(ca: CertificateAuthorityArn | None) -> str:
    return "" if ca is None or ca.partition == "aws" else f", partition={ca.partition!r}"


def _passthrough_template(template: TemplateArn | None) -> str:
    if template is None:
        return "EndEntityCertificate_APIPassthrough"
    if template.passthrough == "CSR":
        return f"{template.family}_APICSRPassthrough"
    return f"{template.family}_APIPassthrough"


@attrs.frozen(kw_only=True)
class IssueCertificateRequest:
    """The inputs of one ``IssueCertificate`` call; an instance is always valid to send.

    Args:
        certificate_authority_arn: the issuing CA, a :class:`CertificateAuthorityArn` or text.
        csr: PEM ``str``/``bytes`` (a ``NEW CERTIFICATE REQUEST`` header is fine), DER
            ``bytes``, a ``cryptography`` CSR or the path of a CSR file (``pathlib.Path``);
            kept as the CSR object and sent as canonical PEM. Its signature is checked.
        signing_algorithm: how the CA signs; its family must fit the CA's key.
        validity: when the certificate expires (``NotAfter``), a :class:`Validity` or its
            AWS mapping.
        validity_not_before: when it starts (``NotBefore``); ``ABSOLUTE`` only, and before
            the end of ``validity``. The service's default is issuance time minus 60 minutes.
        template_arn: the template; without one the service uses ``EndEntityCertificate/V1``.
            Its partition must be the CA's (an ``aws`` template is let through outside
            GovCloud, as the China pages write template ARNs that way).
        api_passthrough: subject and extensions to set; only with a template that applies
            them (an ``_APIPassthrough`` or ``_APICSRPassthrough`` one).
        idempotency_token: 1-36 characters (tab, newline, carriage return, U+0020-U+00FF).

    Raises:
        InvalidRequestError: listing every problem found, at snake_case field paths.
    """

    certificate_authority_arn: CertificateAuthorityArn = attrs.field(converter=_ca_arn)
    csr: x509.CertificateSigningRequest = attrs.field(converter=_csr, repr=_csr_repr)
    signing_algorithm: SigningAlgorithm = attrs.field(converter=_algorithm)
    validity: Validity = attrs.field(converter=_validity)
    validity_not_before: Validity | None = attrs.field(default=None, converter=_optional_validity)
    template_arn: TemplateArn | None = attrs.field(default=None, converter=_template)
    api_passthrough: ApiPassthrough | None = attrs.field(default=None, converter=_passthrough)
    idempotency_token: str | None = None

    def __attrs_post_init__(self) -> None:
        problems = Problems()
        checks: dict[str, Callable[[object], object]] = {
            "certificate_authority_arn": lambda v: _check_arn(v, CertificateAuthorityArn.parse),
            "csr": load_csr,  # type: ignore[dict-item]
            "signing_algorithm": lambda v: coerce_enum(SigningAlgorithm, v, ""),
            "validity": _check_validity,
            "validity_not_before": _check_not_before,
            "template_arn": lambda v: _check_arn(v, TemplateArn.parse),
            "api_passthrough": _check_passthrough,
            "idempotency_token": _check_token,
        }
        checked: dict[str, object] = {}
        for name, _key, required in _MEMBERS:
            value = getattr(self, name)
            if value is None:
                if required:
                    problems.add(name, "is required")
                continue
            result = problems.check(name, checks[name], value)
            if result is not None:
                checked[name] = result
                object.__setattr__(self, name, result)
        self._check_together(checked, problems)
        problems.raise_if_any()

    @staticmethod
    def _check_together(checked: dict[str, Any], problems: Problems) -> None:
        """The rules across fields, on the fields that passed their own checks."""
        template: TemplateArn | None = checked.get("template_arn")
        ca: CertificateAuthorityArn | None = checked.get("certificate_authority_arn")
        if ca is not None and template is not None and _partition_mismatch(ca, template):
            problems.add(
                "template_arn",
                f"is in partition {template.partition!r} but the CA is in {ca.partition!r}; "
                f"use TemplateArn.of({template.name + '/' + template.version!r}, "
                f"partition={ca.partition!r})",
            )
        if "api_passthrough" in checked and (
            template is None or not template.accepts_api_passthrough
        ):
            used = (
                "the default template EndEntityCertificate/V1"
                if template is None
                else (f"template {template.name}/{template.version}")
            )
            problems.add(
                "api_passthrough",
                f"is ignored by {used}; use a passthrough template such as "
                f"TemplateArn.of({_passthrough_template(template)!r}{_partition_argument(ca)})",
            )
        validity: Validity | None = checked.get("validity")
        not_before: Validity | None = checked.get("validity_not_before")
        if validity is None:
            return
        now = _clock()
        try:
            end = validity.not_after(now)
        except InvalidRequestError as error:
            problems.absorb("validity", error)
            return
        if validity.type in (ValidityType.END_DATE, ValidityType.ABSOLUTE) and end <= now:
            problems.add(
                "validity",
                f"ends at {show_time(end)}, which is not in the future (now is {show_time(now)})",
            )
        if not_before is not None:
            start = not_before.not_after(now)
            if start >= end:
                problems.add(
                    "validity_not_before",
                    f"must be before the end of validity: starts {show_time(start)}, "
                    f"ends {show_time(end)}",
                )

    # Changing one ---------------------------------------------------------------------------

    def evolve(self, **changes: Unpack[RequestChanges]) -> Self:
        """A copy with ``changes`` applied (field names as keywords), checked again.

        Raises:
            InvalidRequestError: an unknown field name, or the copy would be invalid.
        """
        unknown = sorted(set(changes) - _FIELDS)
        if unknown:
            raise InvalidRequestError(
                [
                    (name, f"is not a field; fields: {', '.join(sorted(_FIELDS))}")
                    for name in unknown
                ]
            )
        return attrs.evolve(self, **changes)

    # Display --------------------------------------------------------------------------------

    def _panel(self) -> Panel:
        when = _clock_now()
        rows = [Row("CA", str(self.certificate_authority_arn), code=True)]
        rows.extend(
            Row(f"CSR {row.label if row.label == 'SANs' else row.label.lower()}", row.value)
            for row in csr_rows(self.csr)
        )
        rows.append(Row("Signing algorithm", self.signing_algorithm.value))
        rows.append(Row("Validity", f"Value={self.validity.value},Type={self.validity.type.value}"))
        if self.validity_not_before is None:
            rows.append(Row("NotBefore", "issuance - 60 minutes (the service's default)"))
        else:
            rows.append(Row("NotBefore", not_after_text(self.validity_not_before, when)))
        rows.append(Row("NotAfter", not_after_text(self.validity, when)))
        template = "EndEntityCertificate/V1 (the default)"
        if self.template_arn is not None:
            template = str(self.template_arn)
        rows.append(Row("Template", template, code=self.template_arn is not None))
        if self.api_passthrough is not None:
            rows.append(Row("ApiPassthrough", json.dumps(self.api_passthrough.to_api()), code=True))
        if self.idempotency_token is not None:
            rows.append(Row("Idempotency token", self.idempotency_token, code=True))
        return Panel("IssueCertificate request", rows, "acmpca-request")

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        pretty(printer, text_panel(self._panel()))

    def _repr_html_(self) -> str:
        return html_panel(self._panel())

    # The AWS shape ----------------------------------------------------------------------------

    def to_api(self) -> IssueCertificateRequestTypeDef:
        """The keyword arguments of ``client.issue_certificate(**request.to_api())``.

        Keys are in the service model's order; optional members appear only when set. ``Csr``
        is the canonical PEM (``bytes``); botocore base64-encodes it on the wire.
        """
        values: dict[str, Any] = {
            "api_passthrough": None
            if self.api_passthrough is None
            else self.api_passthrough.to_api(),
            "certificate_authority_arn": str(self.certificate_authority_arn),
            "csr": self.csr.public_bytes(serialization.Encoding.PEM),
            "signing_algorithm": self.signing_algorithm.value,
            "template_arn": None if self.template_arn is None else str(self.template_arn),
            "validity": self.validity.to_api(),
            "validity_not_before": (
                None if self.validity_not_before is None else self.validity_not_before.to_api()
            ),
            "idempotency_token": self.idempotency_token,
        }
        api = {key: values[name] for name, key, _ in _MEMBERS if values[name] is not None}
        return cast("IssueCertificateRequestTypeDef", api)

    @classmethod
    def from_api(cls, mapping: object) -> Self:
        """Build from the keyword arguments of ``issue_certificate`` (PascalCase keys).

        ``Csr`` may be PEM ``bytes`` or text, or DER. Problems are reported at the snake_case
        field paths (``api_passthrough.subject.country``), the same as for the constructor.

        Raises:
            InvalidRequestError: not a mapping, an unknown key, or anything invalid.
        """
        keys = ", ".join(key for _, key, _ in _MEMBERS)
        if not isinstance(mapping, Mapping):
            raise InvalidRequestError(
                f"must be a mapping with keys {keys}, got {type(mapping).__name__}"
            )
        by_key = {key: name for name, key, _ in _MEMBERS}
        problems = Problems()
        values: dict[str, object] = {name: None for name, _, required in _MEMBERS if required}
        for key, value in mapping.items():
            name = by_key.get(key) if isinstance(key, str) else None
            if name is None:
                problems.add(
                    "",
                    f"unknown key {describe(key)}; allowed: {keys}{did_you_mean(key, by_key)}",
                )
            else:
                values[name] = value
        request = None
        try:
            request = cast(Callable[..., Self], cls)(**values)
        except InvalidRequestError as error:
            problems.absorb("", error)
        problems.raise_if_any()
        return cast(Self, request)

    def to_cli_json(self) -> str:
        """The request as ``aws acm-pca issue-certificate --cli-input-json`` text.

        The keys are those of :meth:`to_api`; ``Csr`` is the PEM text, as the AWS CLI takes it.
        """
        api: dict[str, Any] = dict(self.to_api())
        api["Csr"] = api["Csr"].decode("ascii")
        return json.dumps(api, indent=2)

    @classmethod
    def from_cli_json(cls, text: str | bytes) -> Self:
        """Read ``--cli-input-json`` text (the inverse of :meth:`to_cli_json`).

        Raises:
            InvalidRequestError: the text is not a JSON object, or the request is invalid.
        """
        if not isinstance(text, (str, bytes)):
            raise InvalidRequestError(f"must be JSON text, got {type(text).__name__}")
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as error:
            raise InvalidRequestError(f"invalid JSON: {error}") from None
        return cls.from_api(data)
