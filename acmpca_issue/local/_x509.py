"""X.509 for the local Private CA: subjects, ApiPassthrough extensions and template profiles.

The AWS shapes arrive already checked (as :mod:`acmpca_issue._passthrough` objects); this
module only turns them into :mod:`cryptography.x509` objects, and assembles the extensions of a
certificate by the documented priority: template definition over ApiPassthrough over the CSR.

Example::

    extensions = certificate_extensions(
        TemplateArn.of("EndEntityCertificate"), csr, api=None,
        subject_key=csr.public_key(), issuer_certificate=ca_certificate,
        issuer_key=ca_public_key, empty_subject=False,
    )
"""

from __future__ import annotations

import base64
import ipaddress
from collections.abc import Iterable, Sequence
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPublicKeyTypes,
    CertificatePublicKeyTypes,
)
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID, NameOID, ObjectIdentifier

from acmpca_issue._arn import TemplateArn
from acmpca_issue._csr import breaks_printable_string
from acmpca_issue._enums import ExtendedKeyUsageType
from acmpca_issue._passthrough import Extensions, GeneralName, Subject
from acmpca_issue.local._protocol import LocalServiceError

__all__ = [
    "authority_key_identifier",
    "certificate_extensions",
    "general_name",
    "path_len_constraint",
    "path_length_limit",
    "path_length_violation",
    "subject_name",
]

_INVALID_ARGS = "InvalidArgsException"

# ASN1Subject member -> attribute OID, in the order the model lists the members.
_SUBJECT_OIDS: tuple[tuple[str, ObjectIdentifier], ...] = (
    ("country", NameOID.COUNTRY_NAME),
    ("organization", NameOID.ORGANIZATION_NAME),
    ("organizational_unit", NameOID.ORGANIZATIONAL_UNIT_NAME),
    ("distinguished_name_qualifier", NameOID.DN_QUALIFIER),
    ("state", NameOID.STATE_OR_PROVINCE_NAME),
    ("common_name", NameOID.COMMON_NAME),
    ("serial_number", NameOID.SERIAL_NUMBER),
    ("locality", NameOID.LOCALITY_NAME),
    ("title", NameOID.TITLE),
    ("surname", NameOID.SURNAME),
    ("given_name", NameOID.GIVEN_NAME),
    ("initials", NameOID.INITIALS),
    ("pseudonym", NameOID.PSEUDONYM),
    ("generation_qualifier", NameOID.GENERATION_QUALIFIER),
)

_EKU_OIDS: dict[ExtendedKeyUsageType, ObjectIdentifier] = {
    usage: ObjectIdentifier(usage.dotted_string) for usage in ExtendedKeyUsageType
}

_CA_USAGE = x509.KeyUsage(
    digital_signature=True,
    content_commitment=False,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=True,
    crl_sign=True,
    encipher_only=False,
    decipher_only=False,
)


def _key_usage(*, digital_signature: bool = True, key_encipherment: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=False,
        key_encipherment=key_encipherment,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


_END_ENTITY_USAGE = _key_usage(key_encipherment=True)
_SIGNING_USAGE = _key_usage()
_TLS_BOTH = x509.ExtendedKeyUsage(
    [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
)

# Family (without PathLen/passthrough suffix) -> [(extension, critical)] the template defines.
_END_ENTITY = x509.BasicConstraints(ca=False, path_length=None)
_FIXED: dict[str, list[tuple[x509.ExtensionType, bool]]] = {
    "EndEntityCertificate": [(_END_ENTITY, False), (_END_ENTITY_USAGE, True), (_TLS_BOTH, False)],
    "EndEntityClientAuthCertificate": [
        (_END_ENTITY, False),
        (_END_ENTITY_USAGE, True),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), False),
    ],
    "EndEntityServerAuthCertificate": [
        (_END_ENTITY, False),
        (_END_ENTITY_USAGE, True),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False),
    ],
    "CodeSigningCertificate": [
        (_END_ENTITY, False),
        (_SIGNING_USAGE, True),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), True),
    ],
    "OCSPSigningCertificate": [
        (_END_ENTITY, False),
        (_SIGNING_USAGE, True),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), True),
    ],
    "BlankEndEntityCertificate": [(_END_ENTITY, False)],
    "BlankEndEntityCertificate_CriticalBasicConstraints": [(_END_ENTITY, True)],
}


def template_profile(template: TemplateArn) -> list[tuple[x509.ExtensionType, bool]]:
    """The extensions (and criticality) a template defines itself, before SKI and AKI.

    Raises:
        LocalServiceError: ``InvalidArnException`` for a template the service does not have.
    """
    if not template.in_catalogue:
        raise LocalServiceError(
            "InvalidArnException",
            f"The template {template} does not exist. Template ARNs look like "
            "arn:aws:acm-pca:::template/EndEntityCertificate/V1.",
        )
    family = template.family
    fixed = _FIXED.get(family)
    if fixed is not None:
        return list(fixed)
    # The CA families: SubordinateCA/BlankSubordinateCA_PathLenN, RootCA, BlankRootCA[_PathLenN].
    constraints = x509.BasicConstraints(ca=True, path_length=template.path_len)
    if template.is_blank:
        return [(constraints, True)]
    return [(constraints, True), (_CA_USAGE, True)]


def subject_name(subject: Subject) -> x509.Name:
    """The distinguished name of an ``ASN1Subject`` (standard fields, or custom attributes).

    Raises:
        LocalServiceError: ``InvalidArgsException`` for a value X.509 cannot hold.
    """
    attributes: list[x509.NameAttribute[Any]] = []
    try:
        for name, oid in _SUBJECT_OIDS:
            value = getattr(subject, name)
            if value:
                attributes.append(x509.NameAttribute(oid, value))
        for custom in subject.custom_attributes or ():
            attributes.append(
                x509.NameAttribute(ObjectIdentifier(custom.object_identifier), custom.value)
            )
    except ValueError as error:
        raise LocalServiceError(_INVALID_ARGS, f"Invalid subject: {error}") from None
    for attribute in attributes:
        # Custom attributes may name a PrintableString type with any text; cryptography
        # would only refuse it when signing.
        if breaks_printable_string(attribute.oid, str(attribute.value)):
            raise LocalServiceError(
                _INVALID_ARGS,
                f"Invalid subject: {attribute.oid.dotted_string} must be a PrintableString "
                f"(letters, digits, space and '()+,-./:=?), got {attribute.value!r}.",
            )
    return x509.Name(attributes)


def _der_length(size: int) -> bytes:
    if size < 0x80:
        return bytes([size])
    raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _utf8_string_der(text: str) -> bytes:
    raw = text.encode("utf-8")
    return b"\x0c" + _der_length(len(raw)) + raw


def general_name(name: GeneralName) -> x509.GeneralName:
    """The :class:`cryptography.x509.GeneralName` for one ApiPassthrough ``GeneralName``.

    ``OtherName`` values are encoded as a UTF8String.

    Raises:
        LocalServiceError: ``InvalidArgsException`` for an ``EdiPartyName`` (cryptography
            cannot encode one) or a value X.509 cannot hold.
    """
    try:
        if name.dns_name is not None:
            return x509.DNSName(name.dns_name)
        if name.rfc822_name is not None:
            return x509.RFC822Name(name.rfc822_name)
        if name.uniform_resource_identifier is not None:
            return x509.UniformResourceIdentifier(name.uniform_resource_identifier)
        if name.ip_address is not None:
            return x509.IPAddress(ipaddress.ip_address(name.ip_address))
        if name.directory_name is not None:
            return x509.DirectoryName(subject_name(name.directory_name))
        if name.registered_id is not None:
            return x509.RegisteredID(ObjectIdentifier(name.registered_id))
        if name.other_name is not None:
            return x509.OtherName(
                ObjectIdentifier(name.other_name.type_id), _utf8_string_der(name.other_name.value)
            )
    except ValueError as error:
        raise LocalServiceError(_INVALID_ARGS, f"Invalid general name: {error}") from None
    raise LocalServiceError(
        _INVALID_ARGS, "The local Private CA cannot encode an EdiPartyName general name."
    )


def _policies(extensions: Extensions) -> x509.CertificatePolicies:
    policies = []
    for policy in extensions.certificate_policies or ():
        qualifiers = [info.qualifier.cps_uri for info in policy.policy_qualifiers or ()]
        for uri in qualifiers:
            if not uri.isascii():
                # A CPS URI is an IA5String; cryptography would only fail when signing.
                raise LocalServiceError(
                    _INVALID_ARGS, f"Invalid CpsUri {uri!r}: it must be ASCII (IA5String)."
                )
        policies.append(
            x509.PolicyInformation(ObjectIdentifier(policy.cert_policy_id), qualifiers or None)
        )
    return x509.CertificatePolicies(policies)


def _ekus(extensions: Extensions) -> x509.ExtendedKeyUsage:
    oids = []
    for usage in extensions.extended_key_usage or ():
        if usage.extended_key_usage_type is not None:
            oids.append(_EKU_OIDS[usage.extended_key_usage_type])
        else:
            oids.append(ObjectIdentifier(str(usage.extended_key_usage_object_identifier)))
    return x509.ExtendedKeyUsage(oids)


def passthrough_extensions(
    extensions: Extensions, *, blank: bool
) -> dict[ObjectIdentifier, x509.Extension[x509.ExtensionType]]:
    """The extensions ApiPassthrough asks for, by OID.

    Key usage and extended key usage are only taken for a Blank template (the others define
    their own, and the template wins). A custom extension may not repeat an OID.

    Raises:
        LocalServiceError: ``InvalidArgsException`` for a bad combination.
    """
    found: dict[ObjectIdentifier, x509.Extension[x509.ExtensionType]] = {}

    def put(value: x509.ExtensionType, critical: bool) -> None:
        if value.oid in found:
            raise LocalServiceError(
                _INVALID_ARGS, f"The extension {value.oid.dotted_string} is given more than once."
            )
        found[value.oid] = x509.Extension(value.oid, critical, value)

    if extensions.subject_alternative_names:
        names = [general_name(name) for name in extensions.subject_alternative_names]
        put(x509.SubjectAlternativeName(names), False)
    if extensions.certificate_policies:
        put(_policies(extensions), False)
    if blank and extensions.key_usage is not None:
        usage = extensions.key_usage
        try:
            value = x509.KeyUsage(
                digital_signature=usage.digital_signature is True,
                content_commitment=usage.non_repudiation is True,
                key_encipherment=usage.key_encipherment is True,
                data_encipherment=usage.data_encipherment is True,
                key_agreement=usage.key_agreement is True,
                key_cert_sign=usage.key_cert_sign is True,
                crl_sign=usage.crl_sign is True,
                encipher_only=usage.encipher_only is True,
                decipher_only=usage.decipher_only is True,
            )
        except ValueError as error:
            raise LocalServiceError(_INVALID_ARGS, f"Invalid KeyUsage: {error}") from None
        put(value, True)
    if blank and extensions.extended_key_usage:
        put(_ekus(extensions), False)
    for custom in extensions.custom_extensions or ():
        oid = ObjectIdentifier(custom.object_identifier)
        put(
            x509.UnrecognizedExtension(oid, base64.b64decode(custom.value)),
            bool(custom.critical),
        )
    return found


def authority_key_identifier(
    issuer_certificate: x509.Certificate | None, issuer_key: CertificateIssuerPublicKeyTypes
) -> x509.AuthorityKeyIdentifier:
    """The Authority Key Identifier of a certificate the CA signs, as the templates define it.

    It is the key identifier of the CA certificate's Subject Key Identifier, copied as it is:
    a CA certificate from an outside issuer may carry any identifier there (a truncated
    SHA-256, a random one), and chain building matches the two byte for byte. Only when the
    CA certificate has no SKI, or there is no CA certificate yet (a root signing its own), is
    it the SHA-1 of the CA's public key.
    """
    if issuer_certificate is not None:
        try:
            ski = issuer_certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
        except x509.ExtensionNotFound:
            pass
        else:
            return x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski.value)
    return x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key)


def certificate_extensions(
    template: TemplateArn,
    csr: x509.CertificateSigningRequest,
    *,
    api: Extensions | None,
    subject_key: CertificatePublicKeyTypes,
    issuer_certificate: x509.Certificate | None,
    issuer_key: CertificateIssuerPublicKeyTypes,
    empty_subject: bool,
) -> Iterable[x509.Extension[x509.ExtensionType]]:
    """Every extension of a certificate made with ``template``, by the documented priority.

    Lowest to highest: the CSR (all its extensions for a CSR-passthrough template, only its
    subject alternative names otherwise), then ApiPassthrough (``api``, only for an
    API-passthrough template), then the template's own definition, then the subject and
    authority key identifiers (see :func:`authority_key_identifier`). The subject alternative
    names are critical exactly when the certificate's subject is empty (``empty_subject``).
    """
    chosen: dict[ObjectIdentifier, x509.Extension[x509.ExtensionType]] = {}
    for extension in csr.extensions:
        if (
            template.accepts_csr_passthrough
            or extension.oid == ExtensionOID.SUBJECT_ALTERNATIVE_NAME
        ):
            chosen[extension.oid] = extension
    if api is not None and template.accepts_api_passthrough:
        chosen.update(passthrough_extensions(api, blank=template.is_blank))
    for value, critical in template_profile(template):
        chosen[value.oid] = x509.Extension(value.oid, critical, value)
    for value in (
        x509.SubjectKeyIdentifier.from_public_key(subject_key),
        authority_key_identifier(issuer_certificate, issuer_key),
    ):
        chosen[value.oid] = x509.Extension(value.oid, False, value)
    names = chosen.get(ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
    if names is not None:
        # RFC 5280 4.2.1.6: critical exactly when the subject is empty, wherever the names
        # came from (a CSR's critical SAN under an ApiPassthrough subject, ApiPassthrough's
        # names for a CSR without a subject).
        chosen[names.oid] = x509.Extension(names.oid, empty_subject, names.value)
    return chosen.values()


def path_len_constraint(certificate: x509.Certificate) -> int | None:
    """The certificate's pathLenConstraint (``None`` without one, or without basic constraints).

    Raises:
        ValueError: the certificate's extensions cannot be parsed.
    """
    try:
        found = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    except x509.ExtensionNotFound:
        return None
    return found.value.path_length


def path_length_limit(
    chain: Sequence[x509.Certificate],
) -> tuple[int | None, x509.Certificate | None]:
    """The largest pathLenConstraint a CA certificate signed by ``chain[0]`` may carry.

    ``chain`` runs from the signing CA's certificate up to the root. A certificate there with
    pathLenConstraint ``p`` allows at most ``p`` CA certificates (not counting self-issued ones)
    below it before the end entity (RFC 5280 4.2.1.9), and AWS Private CA refuses a CA
    certificate whose own constraint reaches further than its issuer's ("greater than or equal
    to" the issuer's fails): so the new certificate's constraint may be at most ``p`` minus the
    number of CA certificates from it up to (not including) that certificate.

    Returns:
        ``(limit, certificate)``: the limit and the certificate that sets it, or ``(None, None)``
        when nothing in the chain limits the path length. A negative limit means no CA
        certificate may be signed under ``chain`` at all.
    """
    limit: int | None = None
    setter: x509.Certificate | None = None
    below = 1  # the new CA certificate itself
    for certificate in chain:
        constraint = path_len_constraint(certificate)
        if constraint is not None and (limit is None or constraint - below < limit):
            limit, setter = constraint - below, certificate
        if certificate.issuer != certificate.subject:
            below += 1
    return limit, setter


def path_length_violation(path_length: int | None, chain: Sequence[x509.Certificate]) -> str | None:
    """Why a CA certificate with ``path_length`` signed under ``chain`` breaks a constraint.

    ``path_length`` ``None`` is a CA certificate without a pathLenConstraint (no limit of its
    own). Returns ``None`` when the chain allows it, else the message of the service's
    ``ValidationException``, naming the certificate whose constraint it breaks.
    """
    limit, setter = path_length_limit(chain)
    if limit is None or setter is None or (path_length is not None and path_length <= limit):
        return None
    constraint = path_len_constraint(setter)
    name = setter.subject.rfc4514_string()
    if limit < 0:
        allowed = "allows no CA certificate"
    else:
        allowed = f"allows only a pathLenConstraint of at most {limit}"
    wanted = "none (unlimited)" if path_length is None else str(path_length)
    return (
        f"Path length validation failed for CA: the certificate {name} has pathLenConstraint "
        f"{constraint}, which {allowed} at this depth; the CA certificate asks for {wanted}."
    )
