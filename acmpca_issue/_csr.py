"""Build and load certificate signing requests the way AWS Private CA accepts them.

Example::

    from acmpca_issue import build_csr, load_csr

    bundle = build_csr("svc.example.com", "10.0.0.7", common_name="svc")
    bundle.write(Path("out"))            # out/key.pem (0600) and out/csr.pem
    csr = load_csr(Path("out/csr.pem"))  # raises InvalidCsrError for what Private CA rejects

:func:`build_csr` follows Private CA's rules: a subject or a SAN is required, an empty subject
makes the SAN extension critical (RFC 5280; Private CA answers MalformedCSRException
otherwise), and a common name longer than 64 characters is refused. :func:`load_csr` checks the
same rules, plus the signature, the size, the key type and the encoding traps (a
``NEW CERTIFICATE REQUEST`` header is normalised; a CSR base64-encoded once too often is
refused with a message saying so).
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple, cast

import attrs
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from acmpca_issue._csr_load import (
    MAX_COMMON_NAME,
    MAX_CSR_PEM_BYTES,
    csr_key_algorithm,
    load_csr,
)
from acmpca_issue._display import Panel, Row, csr_rows, html_panel, pretty, text_panel
from acmpca_issue._enums import ExtendedKeyUsageType, KeyAlgorithm, coerce_enum
from acmpca_issue._files import write_files
from acmpca_issue._keys import (
    ACCEPTED_KEY_ALGORITHMS,
    PrivateKey,
    generate_private_key,
    hash_for,
    key_algorithm_of,
)
from acmpca_issue._problems import Problems, describe, did_you_mean
from acmpca_issue.exceptions import InvalidRequestError

__all__ = [
    "MAX_CSR_PEM_BYTES",
    "CsrBundle",
    "CsrFiles",
    "build_csr",
    "csr_key_algorithm",
    "generate_private_key",
    "load_csr",
]

# Subject mapping keys: short (RFC 4514) and long names, both case-insensitive.
_SUBJECT_OIDS: dict[str, x509.ObjectIdentifier] = {}
for _oid, _names in {
    NameOID.COUNTRY_NAME: ("C", "country", "country_name"),
    NameOID.STATE_OR_PROVINCE_NAME: ("ST", "state", "state_or_province", "state_or_province_name"),
    NameOID.LOCALITY_NAME: ("L", "locality", "locality_name"),
    NameOID.ORGANIZATION_NAME: ("O", "organization", "organization_name"),
    NameOID.ORGANIZATIONAL_UNIT_NAME: ("OU", "organizational_unit", "organizational_unit_name"),
    NameOID.DN_QUALIFIER: ("dnQualifier", "distinguished_name_qualifier"),
    NameOID.TITLE: ("title",),
    NameOID.SURNAME: ("SN", "surname"),
    NameOID.GIVEN_NAME: ("GN", "given_name"),
    NameOID.INITIALS: ("initials",),
    NameOID.PSEUDONYM: ("pseudonym",),
    NameOID.GENERATION_QUALIFIER: ("generation_qualifier",),
    NameOID.SERIAL_NUMBER: ("serialNumber", "serial_number"),
    NameOID.DOMAIN_COMPONENT: ("DC", "domain_component"),
    NameOID.COMMON_NAME: ("CN", "common_name"),
}.items():
    for _name in _names:
        _SUBJECT_OIDS[_name.lower()] = _oid

_KEY_USAGES = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
    "encipher_only",
    "decipher_only",
)
_EKU_OIDS: dict[ExtendedKeyUsageType, x509.ObjectIdentifier] = {
    usage: x509.ObjectIdentifier(usage.dotted_string) for usage in ExtendedKeyUsageType
}

_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\Z")
_HOST = re.compile(
    r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\Z"
)
# A lowercase ASCII host name (or wildcard) that needs no encoding (length checked apart).
_PLAIN_HOST = re.compile(
    r"(?:\*\.)?[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?"
    r"(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*\Z"
)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_OID = re.compile(r"[0-2](?:\.(?:0|[1-9][0-9]*))+\Z")


# --------------------------------------------------------------------------- identities


def _encode_host(host: str) -> str:
    """IDNA-encode a host name (stdlib codec), lowercase it and check each label."""
    if host.endswith("."):
        host = host[:-1]
    try:
        ascii_host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError as error:
        raise ValueError(f"cannot be IDNA-encoded ({error})") from None
    ascii_host = ascii_host.lower()
    if len(ascii_host) > 253:
        raise ValueError("is longer than 253 characters")
    if not _HOST.match(ascii_host):
        label = next(label for label in ascii_host.split(".") if not _LABEL.match(label))
        raise ValueError(
            f"has an invalid label {label!r} (1-63 letters, digits, '-' or '_', "
            "not starting or ending with '-')"
        )
    if ascii_host.rpartition(".")[2].isdigit():
        raise ValueError("is neither an IP address nor a DNS name (all-numeric last label)")
    return ascii_host


def _dns_name(text: str) -> x509.DNSName:
    if text.startswith("*."):
        return x509.DNSName("*." + _encode_host(text[2:]))
    return x509.DNSName(_encode_host(text))


def _email(text: str) -> x509.RFC822Name:
    local, _, host = text.rpartition("@")
    if not local or not local.isascii() or any(c.isspace() for c in local):
        raise ValueError("is not an email address (the part before '@' must be plain ASCII)")
    return x509.RFC822Name(f"{local}@{_encode_host(host)}")


def _uri(text: str) -> x509.UniformResourceIdentifier:
    if not text.isascii() or any(c.isspace() or not c.isprintable() for c in text):
        raise ValueError("is a URI with non-ASCII or space characters; percent-encode them")
    return x509.UniformResourceIdentifier(text)


def parse_identity(text: str) -> x509.GeneralName:
    """Turn an identity string into the SAN it denotes, by its form.

    * ``scheme://...`` or ``urn:...``: a URI (``spiffe://trust.domain/workload``);
    * an IPv4 or IPv6 address: an IP address;
    * ``user@host``: an email address (the host is IDNA-encoded);
    * anything else: a DNS name, IDNA-encoded and lowercased, optionally ``*.``-prefixed.

    Raises:
        ValueError: the string is empty or fits none of the forms.
    """
    if (
        len(text) <= 253
        and _PLAIN_HOST.match(text)
        and not (text[-1].isdigit() and text.rpartition(".")[2].isdigit())
    ):
        return x509.DNSName(text)  # the common case, already canonical
    if not text or text.strip() != text:
        raise ValueError("is empty or has leading/trailing spaces")
    if "://" in text or text.lower().startswith("urn:"):
        if not _SCHEME.match(text):
            raise ValueError("looks like a URI but has no valid scheme")
        return _uri(text)
    if ":" in text or text[-1].isdigit():  # skip the costly failed parse for host names
        try:
            return x509.IPAddress(ipaddress.ip_address(text))
        except ValueError:
            pass
    if "@" in text:
        return _email(text)
    return _dns_name(text)


def _describe_name(name: x509.GeneralName) -> str:
    if isinstance(name, x509.DNSName):
        return f"DNS:{name.value}"
    if isinstance(name, x509.IPAddress):
        return f"IP:{name.value}"
    if isinstance(name, x509.RFC822Name):
        return f"email:{name.value}"
    if isinstance(name, x509.UniformResourceIdentifier):
        return f"URI:{name.value}"
    return type(name).__name__


# --------------------------------------------------------------------------- subject


def _subject_from(
    subject: x509.Name | Mapping[str, str | Sequence[str]] | None,
    common_name: str | None,
    problems: Problems,
) -> x509.Name:
    """The subject to sign; every problem found is added to ``problems``."""
    attributes: list[x509.NameAttribute[Any]] = []
    given: object = subject  # an untyped caller may pass anything
    if given is None:
        pass
    elif isinstance(given, x509.Name):
        attributes.extend(given)
        for attribute in given.get_attributes_for_oid(NameOID.COMMON_NAME):
            problems.check("", _check_common_name, str(attribute.value), "subject")
        for attribute in given:
            # Newer cryptography refuses such a value when signing; 42 encodes it as it is.
            as_printable = getattr(getattr(attribute, "_type", None), "name", None)
            if as_printable == "PrintableString" and breaks_printable_string(
                attribute.oid, str(attribute.value)
            ):
                problems.add(
                    "subject",
                    f"cannot be encoded: {attribute.rfc4514_attribute_name}="
                    f"{attribute.value!r} is not a PrintableString",
                )
    elif isinstance(given, Mapping):
        for key, value in given.items():
            oid = _SUBJECT_OIDS.get(str(key).lower())
            if oid is None:
                problems.add(
                    f"subject.{key}",
                    f"unknown attribute {key!r}; use one of {', '.join(_subject_keys())}"
                    f"{did_you_mean(key, _subject_keys())}",
                )
                continue
            if isinstance(value, str):
                values: Sequence[object] = [value]
            elif isinstance(value, (list, tuple)):
                values = value
            else:
                problems.add(
                    f"subject.{key}", f"must be a str or a list of str, got {type(value).__name__}"
                )
                continue
            for item in values:
                if not isinstance(item, str) or not item:
                    problems.add(
                        f"subject.{key}", f"must be a non-empty str or a list of them, got {item!r}"
                    )
                    continue
                made = problems.check("", _name_attribute, oid, item, f"subject.{key}")
                if made is not None:
                    attributes.append(made)
    else:
        problems.add(
            "subject",
            f"must be an x509.Name or a mapping of attribute names, got {type(given).__name__}",
        )
    if common_name is not None:
        if not attributes and type(common_name) is str and 0 < len(common_name) <= MAX_COMMON_NAME:
            return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
        if not _is_text(common_name):
            problems.add("common_name", "must be a non-empty str")
        elif any(a.oid == NameOID.COMMON_NAME for a in attributes):
            problems.add("common_name", "the subject already has a common name; give it once")
        else:
            made = problems.check(
                "", _name_attribute, NameOID.COMMON_NAME, common_name, "common_name"
            )
            if made is not None:
                attributes.append(made)
    return x509.Name(attributes)


def _is_text(value: object, kind: type[object] = str) -> bool:
    """``value`` is a non-empty ``kind`` (checked at run time for untyped callers)."""
    return isinstance(value, kind) and bool(value)


def _subject_keys() -> list[str]:
    return sorted(_SUBJECT_OIDS)


# Attributes X.509 encodes as PrintableString (cryptography's defaults): their characters are
# checked before building, since cryptography only finds a bad one when signing, with a bare
# ValueError.
_PRINTABLE_OIDS = frozenset(
    {
        NameOID.COUNTRY_NAME,
        NameOID.JURISDICTION_COUNTRY_NAME,
        NameOID.DN_QUALIFIER,
        NameOID.SERIAL_NUMBER,
    }
)
_PRINTABLE = re.compile(r"[A-Za-z0-9 '()+,\-./:=?]*\Z")


def breaks_printable_string(oid: x509.ObjectIdentifier, value: str) -> bool:
    """Whether ``value`` cannot be the PrintableString X.509 encodes an ``oid`` attribute as."""
    return oid in _PRINTABLE_OIDS and _PRINTABLE.match(value) is None


def _name_attribute(oid: x509.ObjectIdentifier, value: str, path: str) -> x509.NameAttribute[str]:
    if oid == NameOID.COMMON_NAME:
        _check_common_name(value, path)
    if breaks_printable_string(oid, value):
        raise InvalidRequestError(
            f"{value!r} is not a PrintableString: use letters, digits, space and '()+,-./:=?",
            path=path,
        )
    if oid == NameOID.COUNTRY_NAME and len(value) != 2:
        # Checked here so every cryptography release gives this message (42 raised its own).
        raise InvalidRequestError(
            f"{value!r} is not a country code: it must be 2 characters (ISO 3166), such as 'US'",
            path=path,
        )
    if oid == NameOID.DOMAIN_COMPONENT and not value.isascii():
        # An IA5String, which cryptography would fill with UTF-8 bytes unchecked.
        raise InvalidRequestError(
            f"{value!r} is not ASCII (IA5String); IDNA-encode the label (xn--...)", path=path
        )
    try:
        return x509.NameAttribute(oid, value)
    except ValueError as error:
        raise InvalidRequestError(str(error), path=path) from None


def _check_common_name(value: str, path: str) -> None:
    if len(value) > MAX_COMMON_NAME:
        raise InvalidRequestError(
            f"the common name is {len(value)} characters, over the {MAX_COMMON_NAME} that "
            "RFC 5280 and Private CA allow; put the name in a SAN (pass it as an identity) "
            "instead",
            path=path,
        )


# --------------------------------------------------------------------------- extensions


def _key_usage(value: x509.KeyUsage | Iterable[str]) -> x509.KeyUsage:
    if isinstance(value, x509.KeyUsage):
        return value
    if isinstance(value, str):
        value = [value]
    wanted: set[str] = set()
    problems = Problems()
    for item in value:
        key = str(item).replace("_", "").lower()
        match = next((u for u in _KEY_USAGES if u.replace("_", "") == key), None)
        if match is None or not isinstance(item, str):
            problems.add(
                "key_usage",
                f"unknown key usage {describe(item)}; use {', '.join(_KEY_USAGES)}"
                f"{did_you_mean(item, _KEY_USAGES)}",
            )
        else:
            wanted.add(match)
    problems.raise_if_any()
    flags = {name: name in wanted for name in _KEY_USAGES}
    if (flags["encipher_only"] or flags["decipher_only"]) and not flags["key_agreement"]:
        raise InvalidRequestError(
            "encipher_only and decipher_only need key_agreement", path="key_usage"
        )
    return x509.KeyUsage(**flags)


def _extended_key_usage(
    value: Iterable[ExtendedKeyUsageType | str | x509.ObjectIdentifier],
) -> x509.ExtendedKeyUsage:
    oids: list[x509.ObjectIdentifier] = []
    for item in [value] if isinstance(value, str) else value:
        if isinstance(item, x509.ObjectIdentifier):
            oid = item
        elif _is_text(item) and _OID.match(str(item)):
            oid = x509.ObjectIdentifier(str(item))
        else:
            oid = _EKU_OIDS[coerce_enum(ExtendedKeyUsageType, item, "extended_key_usage")]
        if oid not in oids:
            oids.append(oid)
    if not oids:
        raise InvalidRequestError("must name at least one usage", path="extended_key_usage")
    return x509.ExtendedKeyUsage(oids)


# --------------------------------------------------------------------------- the bundle


class CsrFiles(NamedTuple):
    """The files :meth:`CsrBundle.write` wrote."""

    key: Path
    csr: Path


MAX_PASSWORD_BYTES = 1023
"""The longest key password (UTF-8 bytes) cryptography's PKCS#8 encryption takes."""


def _password_bytes(password: str | bytes) -> bytes:
    if isinstance(password, str):
        password = password.encode("utf-8")
    if not _is_text(password, bytes):
        raise InvalidRequestError("must be a non-empty str or bytes", path="password")
    if len(password) > MAX_PASSWORD_BYTES:
        # cryptography's PKCS#8 encryption refuses longer ones with a bare ValueError.
        raise InvalidRequestError(
            f"is {len(password)} bytes; key encryption takes at most {MAX_PASSWORD_BYTES}",
            path="password",
        )
    return password


@attrs.frozen(repr=False)
class CsrBundle:
    """A CSR and the private key that signed it.

    The repr shows the subject, SANs and key type, never key material. The key leaves only
    through :meth:`private_key_pem` and :meth:`write`.

    Attributes:
        csr: the certificate signing request.
        private_key: its private key.
    """

    csr: x509.CertificateSigningRequest
    private_key: PrivateKey

    @property
    def csr_pem(self) -> bytes:
        """The CSR as PEM bytes, with the ``CERTIFICATE REQUEST`` header Private CA expects."""
        return self.csr.public_bytes(serialization.Encoding.PEM)

    @property
    def key_algorithm(self) -> KeyAlgorithm:
        """The type of the key."""
        return csr_key_algorithm(self.csr)

    def private_key_pem(self, password: str | bytes | None = None) -> bytes:
        """The private key as PKCS#8 PEM.

        Args:
            password: when given, the key is encrypted with the best encryption cryptography
                offers (``BestAvailableEncryption``); a ``str`` is encoded as UTF-8.

        Raises:
            InvalidRequestError: the password is empty, not ``str``/``bytes``, or longer than
                1023 bytes.
        """
        encryption: serialization.KeySerializationEncryption = (
            serialization.NoEncryption()
            if password is None
            else serialization.BestAvailableEncryption(_password_bytes(password))
        )
        return self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )

    def write(
        self,
        directory: str | os.PathLike[str],
        *,
        overwrite: bool = False,
        password: str | bytes | None = None,
    ) -> CsrFiles:
        """Write ``key.pem`` (mode 0600, atomically) and ``csr.pem`` (0644) into ``directory``.

        As with :meth:`IssuedCertificate.write`, the directory is created (mode 0700) if it
        does not exist.

        Args:
            directory: where to write.
            overwrite: replace existing files; otherwise nothing is written if either exists.
            password: encrypt the key file with it (see :meth:`private_key_pem`).

        Returns:
            The paths written.

        Raises:
            FileExistsError: a file exists and ``overwrite`` is false; nothing was written.
            OSError: the directory cannot be created or written (the error names it).
        """
        written = write_files(
            directory,
            {"key.pem": (self.private_key_pem(password), True), "csr.pem": (self.csr_pem, False)},
            overwrite=overwrite,
        )
        return CsrFiles(key=written["key.pem"], csr=written["csr.pem"])

    def __repr__(self) -> str:
        sans = tuple(_describe_name(n) for n in _sans_of(self.csr))
        return (
            f"CsrBundle(subject={self.csr.subject.rfc4514_string()!r}, sans={sans!r}, "
            f"key_algorithm={self.key_algorithm!r})"
        )

    def _panel(self) -> Panel:
        rows = csr_rows(self.csr)
        rows.append(Row("Private key", "held in memory, never shown (see private_key_pem)"))
        return Panel("CSR and private key", rows, "acmpca-csr-bundle")

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        pretty(printer, text_panel(self._panel()))

    def _repr_html_(self) -> str:
        return html_panel(self._panel())


def _sans_of(csr: x509.CertificateSigningRequest) -> list[x509.GeneralName]:
    try:
        ext = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return []
    return list(ext.value)


# --------------------------------------------------------------------------- build


def build_csr(
    *identities: str,
    private_key: PrivateKey | None = None,
    key_algorithm: KeyAlgorithm | str | None = None,
    common_name: str | None = None,
    subject: x509.Name | Mapping[str, str | Sequence[str]] | None = None,
    key_usage: x509.KeyUsage | Iterable[str] | None = None,
    extended_key_usage: Iterable[ExtendedKeyUsageType | str | x509.ObjectIdentifier] | None = None,
) -> CsrBundle:
    """Build a CSR (and, unless one is given, its private key) that Private CA accepts.

    Args:
        *identities: each becomes a SAN by its form: ``scheme://...`` or ``urn:...`` a URI,
            an IPv4/IPv6 address an IP address, ``user@host`` an email address, anything else
            a DNS name (IDNA-encoded, lowercased, ``*.`` wildcards allowed). Duplicates are
            dropped.
        private_key: sign with this key instead of generating one.
        key_algorithm: the key to generate; ``None`` means EC P-256 (``EC_prime256v1``).
            With ``private_key`` it must match that key's type, if given.
        common_name: the subject's common name (at most 64 characters; longer names belong
            in a SAN). It is not copied from the identities.
        subject: an ``x509.Name``, or a mapping of attribute names to a str or a list of str.
            Keys (case-insensitive): ``C``/``country``, ``ST``/``state``, ``L``/``locality``,
            ``O``/``organization``, ``OU``/``organizational_unit``, ``CN``/``common_name``,
            ``DC``/``domain_component``, ``serialNumber``/``serial_number``, ``title``,
            ``SN``/``surname``, ``GN``/``given_name``, ``initials``, ``pseudonym``,
            ``generation_qualifier``, ``dnQualifier``. ``common_name`` is appended to it.
        key_usage: an ``x509.KeyUsage`` or the names of the usages to set
            (``"digital_signature"``, ``"key_encipherment"``; AWS's ``"DigitalSignature"``
            also works); marked critical.
        extended_key_usage: :class:`~acmpca_issue.ExtendedKeyUsageType` members, their
            strings or dotted OIDs.

    Returns:
        The CSR and its key. The signature hash fits the key: SHA-256 for RSA and P-256,
        SHA-384 for P-384, SHA-512 for P-521, none for ML-DSA. With an empty subject the SAN
        extension is marked critical, as RFC 5280 and Private CA require.

    Raises:
        InvalidRequestError: every argument that is wrong, each a problem named by its path
            (``identities[1]``, ``common_name``, ...); there is neither an identity nor a
            subject; or the key type cannot be generated here.
    """
    problems = Problems()
    sans: list[x509.GeneralName] = []
    # Checked as objects: an untyped caller may pass anything.
    for index, identity in enumerate(cast("tuple[object, ...]", identities)):
        if not isinstance(identity, str):
            problems.add(f"identities[{index}]", f"must be a str, got {type(identity).__name__}")
            continue
        try:
            name = parse_identity(identity)
        except ValueError as error:
            problems.add(f"identities[{index}]", f"{describe(identity)} {error}")
            continue
        if name not in sans:
            sans.append(name)
    subject_name = _subject_from(subject, common_name, problems)
    if not identities and not len(subject_name) and not problems:
        problems.add(
            "identities",
            "give at least one identity, a common_name or a subject; Private CA rejects a CSR "
            "with neither a subject nor a SAN",
        )
    usage = None if key_usage is None else problems.check("", _key_usage, key_usage)
    extended = (
        None
        if extended_key_usage is None
        else problems.check("", _extended_key_usage, extended_key_usage)
    )
    chosen = problems.check("", _key_for, private_key, key_algorithm)
    problems.raise_if_any()
    key, algorithm = cast("tuple[PrivateKey, KeyAlgorithm]", chosen)  # None raised above
    builder = x509.CertificateSigningRequestBuilder().subject_name(subject_name)
    if sans:
        builder = builder.add_extension(
            x509.SubjectAlternativeName(sans), critical=not len(subject_name)
        )
    if usage is not None:
        builder = builder.add_extension(usage, critical=True)
    if extended is not None:
        builder = builder.add_extension(extended, critical=False)
    try:
        csr = builder.sign(key, hash_for(algorithm))
    except ValueError as error:
        # Everything else is checked above; what is left is an attribute of a caller's
        # x509.Name that its ASN.1 string type cannot hold (found only when encoding).
        raise InvalidRequestError(f"cannot be encoded: {error}", path="subject") from None
    return CsrBundle(csr=csr, private_key=key)


def _key_for(
    private_key: PrivateKey | None, key_algorithm: KeyAlgorithm | str | None
) -> tuple[PrivateKey, KeyAlgorithm]:
    wanted = (
        None if key_algorithm is None else coerce_enum(KeyAlgorithm, key_algorithm, "key_algorithm")
    )
    if private_key is None:
        algorithm = wanted or KeyAlgorithm.EC_prime256v1
        return generate_private_key(algorithm), algorithm
    algorithm_of_key = key_algorithm_of(private_key)
    if algorithm_of_key is None:
        raise InvalidRequestError(
            f"a {type(private_key).__name__} is not a key Private CA signs; use "
            f"{ACCEPTED_KEY_ALGORITHMS}",
            path="private_key",
        )
    if wanted is not None and wanted is not algorithm_of_key:
        raise InvalidRequestError(
            f"is {wanted.value} but private_key is {algorithm_of_key.value}",
            path="key_algorithm",
        )
    return private_key, algorithm_of_key
