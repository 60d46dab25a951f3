"""Tests for acmpca_issue._csr: build_csr, CsrBundle, load_csr and csr_key_algorithm."""

from __future__ import annotations

import base64
import contextlib
import ipaddress
import stat
import warnings
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID, NameOID
from hypothesis import given, settings
from hypothesis import strategies as st

from acmpca_issue._csr import (
    MAX_CSR_PEM_BYTES,
    CsrBundle,
    CsrFiles,
    build_csr,
    csr_key_algorithm,
    load_csr,
    parse_identity,
)
from acmpca_issue._enums import ExtendedKeyUsageType, KeyAlgorithm
from acmpca_issue.exceptions import InvalidCsrError, InvalidRequestError
from tests.keytypes import MLDSA_REFUSED, key_params

# RSA-4096 is exercised once, in test_csr_openssl.py; every other type is cheap enough here.
KEY_TYPES = [a for a in KeyAlgorithm if a not in (KeyAlgorithm.SM2, KeyAlgorithm.RSA_4096)]
MLDSA_KEYS = (KeyAlgorithm.ML_DSA_44, KeyAlgorithm.ML_DSA_65, KeyAlgorithm.ML_DSA_87)
HASHES: dict[KeyAlgorithm, type[hashes.HashAlgorithm] | None] = {
    KeyAlgorithm.RSA_2048: hashes.SHA256,
    KeyAlgorithm.RSA_3072: hashes.SHA256,
    KeyAlgorithm.EC_prime256v1: hashes.SHA256,
    KeyAlgorithm.EC_secp384r1: hashes.SHA384,
    KeyAlgorithm.EC_secp521r1: hashes.SHA512,
    KeyAlgorithm.ML_DSA_44: None,
    KeyAlgorithm.ML_DSA_65: None,
    KeyAlgorithm.ML_DSA_87: None,
}


class _Bundles(dict[KeyAlgorithm, CsrBundle]):
    """A bundle per key type, each made when first asked for and then kept (RSA keys are slow);
    an ML-DSA one raises the library's refusal where cryptography has no ML-DSA."""

    def __missing__(self, algorithm: KeyAlgorithm) -> CsrBundle:
        bundle = build_csr("svc.example.com", common_name="svc", key_algorithm=algorithm)
        self[algorithm] = bundle
        return bundle


@pytest.fixture(scope="session")
def bundles() -> dict[KeyAlgorithm, CsrBundle]:
    """One bundle per key type, made once."""
    return _Bundles()


def _raw_csr(
    key: CertificateIssuerPrivateKeyTypes,
    *,
    subject: x509.Name | None = None,
    sans: list[x509.GeneralName] | None = None,
    critical: bool = False,
) -> x509.CertificateSigningRequest:
    """A CSR made with cryptography alone, so it can break Private CA's rules."""
    name = (
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "raw")]) if subject is None else subject
    )
    builder = x509.CertificateSigningRequestBuilder().subject_name(name)
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=critical)
    algorithm = (
        None
        if isinstance(key, (ed25519.Ed25519PrivateKey, ed448.Ed448PrivateKey))
        else hashes.SHA256()
    )
    return builder.sign(key, algorithm)


def _long_cn_name(length: int) -> x509.Name:
    """A subject whose common name is too long (cryptography warns while making it)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        attribute = x509.NameAttribute(NameOID.COMMON_NAME, "x" * length, _validate=False)
    return x509.Name([attribute])


def _problems(error: pytest.ExceptionInfo[InvalidRequestError]) -> list[str]:
    return [problem.message for problem in error.value.problems]


def _sans(csr: x509.CertificateSigningRequest) -> x509.Extension[x509.SubjectAlternativeName]:
    return csr.extensions.get_extension_for_class(x509.SubjectAlternativeName)


# --------------------------------------------------------------------------- identities


class TestIdentities:
    """Each identity string becomes the SAN its form denotes."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("svc.example.com", x509.DNSName("svc.example.com")),
            ("SVC.Example.COM", x509.DNSName("svc.example.com")),
            ("svc.example.com.", x509.DNSName("svc.example.com")),
            ("localhost", x509.DNSName("localhost")),
            ("_acme.example.com", x509.DNSName("_acme.example.com")),
            ("bücher.example", x509.DNSName("xn--bcher-kva.example")),
            ("*.example.com", x509.DNSName("*.example.com")),
            ("*.bücher.example", x509.DNSName("*.xn--bcher-kva.example")),
            ("10.0.0.7", x509.IPAddress(ipaddress.ip_address("10.0.0.7"))),
            ("2001:db8::1", x509.IPAddress(ipaddress.ip_address("2001:db8::1"))),
            ("ops@example.com", x509.RFC822Name("ops@example.com")),
            ("ops@bücher.example", x509.RFC822Name("ops@xn--bcher-kva.example")),
            (
                "spiffe://prod.example/ns/web",
                x509.UniformResourceIdentifier("spiffe://prod.example/ns/web"),
            ),
            (
                "https://example.com/x?y=1",
                x509.UniformResourceIdentifier("https://example.com/x?y=1"),
            ),
            (
                "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
                x509.UniformResourceIdentifier("urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66"),
            ),
        ],
    )
    def test_forms(self, text: str, expected: x509.GeneralName) -> None:
        """DNS (IDNA, lowercased, wildcard), IPv4/IPv6, email and URI are told apart."""
        assert parse_identity(text) == expected
        csr = build_csr(text).csr
        assert list(_sans(csr).value) == [expected]

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("", "empty"),
            (" svc.example.com", "leading/trailing spaces"),
            ("svc..example.com", "invalid label ''"),
            ("-svc.example.com", "invalid label '-svc'"),
            ("svc example.com", "invalid label"),
            ("a" * 64 + ".example.com", "invalid label"),
            (".".join(["abcdefghij"] * 24), "longer than 253"),
            ("999.1.1.1", "all-numeric"),
            ("\u00e9" * 70 + ".example", "cannot be IDNA-encoded"),
            ("://no-scheme", "no valid scheme"),
            ("1https://x", "no valid scheme"),
            ("spiffe://prod/\u00e9", "percent-encode"),
            ("https://exa mple.com", "percent-encode"),
            ("\u00e9@example.com", "not an email address"),
            ("@example.com", "not an email address"),
            ("ops@bad..host", "invalid label"),
            ("*.", "invalid label"),
            ("a.*.example.com", "invalid label"),
        ],
    )
    def test_refused(self, text: str, message: str) -> None:
        """Unusable identities raise InvalidRequestError naming the argument and the reason."""
        with pytest.raises(InvalidRequestError, match=message) as info:
            build_csr("ok.example.com", text)
        assert info.value.problems[0].path == "identities[1]"

    def test_not_a_str(self) -> None:
        """A non-str identity is refused naming its position and type."""
        with pytest.raises(InvalidRequestError, match="must be a str, got int") as info:
            build_csr(42)  # type: ignore[arg-type]
        assert info.value.problems[0].path == "identities[0]"

    def test_duplicates_dropped(self) -> None:
        """The same SAN given twice (even in another case) appears once."""
        csr = build_csr("a.example.com", "A.example.com", "10.0.0.1", "10.0.0.1").csr
        assert len(_sans(csr).value) == 2


# --------------------------------------------------------------------------- subject


class TestSubject:
    """common_name and subject build the subject; Private CA's naming rules are enforced."""

    def test_common_name_only(self) -> None:
        """A common name alone gives a subject and no SAN extension."""
        csr = build_csr(common_name="svc").csr
        assert csr.subject.rfc4514_string() == "CN=svc"
        with pytest.raises(x509.ExtensionNotFound):
            _sans(csr)

    def test_san_not_critical_with_subject(self) -> None:
        """With a subject, the SAN extension is not critical."""
        assert _sans(build_csr("a.example.com", common_name="a").csr).critical is False

    def test_empty_subject_makes_san_critical(self) -> None:
        """With an empty subject the SAN extension is critical (RFC 5280, Private CA)."""
        csr = build_csr("a.example.com").csr
        assert len(csr.subject) == 0
        assert _sans(csr).critical is True
        assert load_csr(csr) is csr

    def test_mapping_short_and_long_names(self) -> None:
        """Short (C, O, OU) and long (organization, locality) names both work, lists too."""
        csr = build_csr(
            subject={
                "C": "US",
                "state": "WA",
                "locality": "Seattle",
                "organization": "Example",
                "OU": ["web", "ops"],
                "cn": "svc",
                "dc": "example",
                "serialNumber": "42",
                "title": "t",
                "SN": "Doe",
                "given_name": "Jo",
                "initials": "J",
                "pseudonym": "p",
                "generation_qualifier": "III",
                "dnQualifier": "q",
            }
        ).csr
        subject = csr.subject
        assert subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0].value == "US"
        assert subject.get_attributes_for_oid(NameOID.STATE_OR_PROVINCE_NAME)[0].value == "WA"
        assert [
            a.value for a in subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
        ] == ["web", "ops"]
        assert subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "svc"
        assert subject.get_attributes_for_oid(NameOID.DOMAIN_COMPONENT)[0].value == "example"
        assert len(subject) == 16

    def test_common_name_appended_to_subject(self) -> None:
        """common_name is added after the mapping's attributes."""
        csr = build_csr(subject={"O": "Example"}, common_name="svc").csr
        assert csr.subject.rfc4514_string() == "CN=svc,O=Example"

    def test_x509_name(self) -> None:
        """An x509.Name is used as it is."""
        name = x509.Name.from_rfc4514_string("CN=svc,O=Example")
        assert build_csr(subject=name).csr.subject == name

    def test_common_name_twice(self) -> None:
        """A common name in the subject and in common_name is refused."""
        with pytest.raises(InvalidRequestError, match="give it once") as info:
            build_csr(subject={"CN": "a"}, common_name="b")
        assert info.value.problems[0].path == "common_name"

    @pytest.mark.parametrize(
        ("kwargs", "path"),
        [
            ({"common_name": "x" * 65}, "common_name"),
            ({"subject": {"CN": "x" * 65}}, "subject.CN"),
            (
                {"subject": _long_cn_name(65)},
                "subject",
            ),
        ],
    )
    def test_long_common_name(self, kwargs: dict[str, object], path: str) -> None:
        """A common name over 64 characters is refused with a hint to use a SAN."""
        with pytest.raises(
            InvalidRequestError, match=r"65 characters.*put the name in a SAN"
        ) as info:
            build_csr("ok.example.com", **kwargs)  # type: ignore[arg-type]
        assert info.value.problems[0].path == path

    def test_printable_string_attributes(self) -> None:
        """Every PrintableString character is allowed in C, serialNumber and dnQualifier."""
        every = "AZaz09 '()+,-./:=?"
        subject = build_csr(subject={"C": "US", "serialNumber": every, "dnQualifier": every}).csr
        values = [attribute.value for attribute in subject.subject]
        assert values == ["US", every, every]

    def test_common_name_of_64_is_fine(self) -> None:
        """Exactly 64 characters are allowed."""
        assert len(build_csr(common_name="x" * 64).csr.subject.rfc4514_string()) == 67

    def test_an_attribute_cryptography_refuses_is_named(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A value cryptography's NameAttribute refuses is an InvalidRequestError at its key."""

        def refuse(*_: object, **__: object) -> x509.NameAttribute[str]:
            raise ValueError("Attribute's length must be >= 1")

        monkeypatch.setattr(x509, "NameAttribute", refuse)
        with pytest.raises(InvalidRequestError, match="length must be >= 1") as info:
            build_csr("a.example", subject={"O": "Org"})
        assert info.value.problems[0].path == "subject.O"

    def test_an_encoding_failure_when_signing_is_refused_at_subject(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Whatever else cryptography cannot encode when signing is an InvalidRequestError."""

        def sign(*_: object, **__: object) -> x509.CertificateSigningRequest:
            raise ValueError("Invalid ASN.1 string")

        monkeypatch.setattr(x509.CertificateSigningRequestBuilder, "sign", sign)
        with pytest.raises(InvalidRequestError, match=r"cannot be encoded: Invalid ASN\.1") as info:
            build_csr("a.example")
        assert info.value.problems[0].path == "subject"

    @pytest.mark.parametrize(
        ("kwargs", "path", "message"),
        [
            ({"subject": {"Org": "x"}}, "subject.Org", "unknown attribute 'Org'"),
            ({"subject": {"O": ""}}, "subject.O", "non-empty str"),
            ({"subject": {"O": [1]}}, "subject.O", "non-empty str"),
            ({"subject": {"C": "USA"}}, "subject.C", "must be 2 characters"),
            ({"subject": {"C": 5}}, "subject.C", "str or a list of str, got int"),
            ({"subject": {"C": "U_"}}, "subject.C", "not a PrintableString"),
            ({"subject": {"serialNumber": "a_b"}}, "subject.serialNumber", "PrintableString"),
            ({"subject": {"dnQualifier": "é"}}, "subject.dnQualifier", "PrintableString"),
            ({"subject": {"DC": "bü"}}, "subject.DC", "not ASCII"),
            (
                {"subject": x509.Name([x509.NameAttribute(NameOID.SERIAL_NUMBER, "a_b")])},
                "subject",
                "cannot be encoded",
            ),
            ({"subject": "CN=svc"}, "subject", "x509.Name or a mapping"),
            ({"common_name": ""}, "common_name", "non-empty str"),
            ({"common_name": 5}, "common_name", "non-empty str"),
            ({}, "identities", "neither a subject nor a SAN"),
            ({"subject": {}}, "identities", "at least one identity"),
        ],
    )
    def test_refused(self, kwargs: dict[str, object], path: str, message: str) -> None:
        """Bad subject arguments name the argument; no subject and no SAN is refused."""
        with pytest.raises(InvalidRequestError, match=message) as info:
            build_csr(**kwargs)  # type: ignore[arg-type]
        assert info.value.problems[0].path == path


# --------------------------------------------------------------------------- extensions


class TestExtensions:
    """Key usage and extended key usage requests."""

    def test_key_usage_names(self) -> None:
        """Snake-case and AWS PascalCase names set the matching bits; marked critical."""
        csr = build_csr("a.example", key_usage=["digital_signature", "KeyEncipherment"]).csr
        ext = csr.extensions.get_extension_for_class(x509.KeyUsage)
        assert ext.critical is True
        assert ext.value.digital_signature is True
        assert ext.value.key_encipherment is True
        assert ext.value.key_cert_sign is False

    def test_key_usage_single_str_and_object(self) -> None:
        """A single name and a ready x509.KeyUsage both work."""
        csr = build_csr("a.example", key_usage="key_agreement").csr
        assert csr.extensions.get_extension_for_class(x509.KeyUsage).value.key_agreement is True
        usage = x509.KeyUsage(True, False, False, False, False, False, False, False, False)
        csr = build_csr("a.example", key_usage=usage).csr
        assert csr.extensions.get_extension_for_class(x509.KeyUsage).value == usage

    def test_key_usage_encipher_only(self) -> None:
        """encipher_only works with key_agreement and is refused without it."""
        csr = build_csr("a.example", key_usage=["key_agreement", "encipher_only"]).csr
        assert csr.extensions.get_extension_for_class(x509.KeyUsage).value.encipher_only is True
        with pytest.raises(InvalidRequestError, match="need key_agreement") as info:
            build_csr("a.example", key_usage=["decipher_only"])
        assert info.value.problems[0].path == "key_usage"

    @pytest.mark.parametrize("usage", [["sign_everything"], [3]])
    def test_key_usage_unknown(self, usage: list[object]) -> None:
        """An unknown usage is refused, listing the valid names."""
        with pytest.raises(
            InvalidRequestError, match="digital_signature, content_commitment"
        ) as info:
            build_csr("a.example", key_usage=usage)  # type: ignore[arg-type]
        assert info.value.problems[0].path == "key_usage"

    def test_extended_key_usage(self) -> None:
        """Enum members, AWS strings, dotted OIDs and OID objects all work; duplicates drop."""
        csr = build_csr(
            "a.example",
            extended_key_usage=[
                ExtendedKeyUsageType.SERVER_AUTH,
                "CLIENT_AUTH",
                "SMART_CARD_LOGIN",
                "DOCUMENT_SIGNING",
                "1.3.6.1.5.5.7.3.3",
                ExtendedKeyUsageOID.CODE_SIGNING,
                "SERVER_AUTH",
            ],
        ).csr
        ext = csr.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
        assert ext.critical is False
        assert list(ext.value) == [
            ExtendedKeyUsageOID.SERVER_AUTH,
            ExtendedKeyUsageOID.CLIENT_AUTH,
            ExtendedKeyUsageOID.SMARTCARD_LOGON,
            x509.ObjectIdentifier("1.3.6.1.4.1.311.10.3.12"),
            ExtendedKeyUsageOID.CODE_SIGNING,
        ]

    def test_extended_key_usage_single_str(self) -> None:
        """A single usage string is one usage, not a list of characters."""
        csr = build_csr("a.example", extended_key_usage="CLIENT_AUTH").csr
        ext = csr.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
        assert list(ext.value) == [ExtendedKeyUsageOID.CLIENT_AUTH]

    @pytest.mark.parametrize(("usage", "message"), [(["WEB"], "SERVER_AUTH"), ([], "at least one")])
    def test_extended_key_usage_refused(self, usage: list[str], message: str) -> None:
        """Unknown or no usages are refused naming extended_key_usage."""
        with pytest.raises(InvalidRequestError, match=message) as info:
            build_csr("a.example", extended_key_usage=usage)
        assert info.value.problems[0].path == "extended_key_usage"


# --------------------------------------------------------------------------- keys


class TestKeys:
    """build_csr generates or uses a key and signs with the hash that fits it."""

    @pytest.mark.parametrize("algorithm", key_params(KEY_TYPES))
    def test_every_key_type(
        self, bundles: dict[KeyAlgorithm, CsrBundle], algorithm: KeyAlgorithm
    ) -> None:
        """Each key type gives a valid CSR with the expected hash that load_csr accepts."""
        bundle = bundles[algorithm]
        assert bundle.key_algorithm is algorithm
        assert csr_key_algorithm(bundle.csr) is algorithm
        expected = HASHES[algorithm]
        if expected is None:
            assert bundle.csr.signature_hash_algorithm is None
        else:
            assert isinstance(bundle.csr.signature_hash_algorithm, expected)
        assert bundle.csr.is_signature_valid
        reloaded = load_csr(bundle.csr_pem)
        assert reloaded.public_bytes(serialization.Encoding.DER) == bundle.csr.public_bytes(
            serialization.Encoding.DER
        )

    def test_default_key_is_p256(self) -> None:
        """Without arguments the key is EC P-256."""
        assert build_csr("a.example").key_algorithm is KeyAlgorithm.EC_prime256v1

    def test_given_key(self, ec_key: ec.EllipticCurvePrivateKey) -> None:
        """A given key signs the CSR and is kept in the bundle."""
        bundle = build_csr("a.example", private_key=ec_key)
        assert bundle.private_key is ec_key
        assert bundle.csr.public_key() == ec_key.public_key()

    def test_given_key_matching_algorithm(self, ec_key: ec.EllipticCurvePrivateKey) -> None:
        """key_algorithm may repeat the given key's type."""
        bundle = build_csr("a.example", private_key=ec_key, key_algorithm="EC_prime256v1")
        assert bundle.private_key is ec_key

    def test_given_key_mismatch(self, ec_key: ec.EllipticCurvePrivateKey) -> None:
        """A key_algorithm that contradicts the given key is refused."""
        with pytest.raises(
            InvalidRequestError, match="EC_secp384r1 but private_key is EC_prime256v1"
        ) as info:
            build_csr("a.example", private_key=ec_key, key_algorithm=KeyAlgorithm.EC_secp384r1)
        assert info.value.problems[0].path == "key_algorithm"

    def test_given_key_unsupported(self) -> None:
        """A key type Private CA does not sign is refused before signing."""
        with pytest.raises(
            InvalidRequestError, match="Ed25519PrivateKey is not a key Private CA signs"
        ) as info:
            build_csr("a.example", private_key=ed25519.Ed25519PrivateKey.generate())
        assert info.value.problems[0].path == "private_key"

    def test_unknown_algorithm(self) -> None:
        """An unknown key_algorithm string is refused with the valid values."""
        with pytest.raises(InvalidRequestError, match="must be one of RSA_2048"):
            build_csr("a.example", key_algorithm="EC_P256")

    def test_sm2(self) -> None:
        """SM2 cannot be generated: a clear error."""
        with pytest.raises(InvalidRequestError, match="not supported by cryptography"):
            build_csr("a.example", key_algorithm=KeyAlgorithm.SM2)


# --------------------------------------------------------------------------- bundle


class TestBundle:
    """CsrBundle exposes PEMs, hides key material and writes files safely."""

    def test_csr_pem(self, bundles: dict[KeyAlgorithm, CsrBundle]) -> None:
        """csr_pem is canonical PEM with the header Private CA expects."""
        pem = bundles[KeyAlgorithm.EC_prime256v1].csr_pem
        assert pem.startswith(b"-----BEGIN CERTIFICATE REQUEST-----\n")
        assert x509.load_pem_x509_csr(pem) == bundles[KeyAlgorithm.EC_prime256v1].csr

    @pytest.mark.parametrize("algorithm", key_params(KEY_TYPES))
    def test_private_key_pem(
        self, bundles: dict[KeyAlgorithm, CsrBundle], algorithm: KeyAlgorithm
    ) -> None:
        """The key is PKCS#8 PEM that loads back to the same key."""
        bundle = bundles[algorithm]
        pem = bundle.private_key_pem()
        assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")
        key = serialization.load_pem_private_key(pem, password=None)
        assert key.public_key() == bundle.private_key.public_key()

    @pytest.mark.parametrize("password", ["s3cret", b"s3cret"])
    def test_encrypted_private_key_pem(
        self, bundles: dict[KeyAlgorithm, CsrBundle], password: str | bytes
    ) -> None:
        """With a str or bytes password the PKCS#8 key is encrypted."""
        bundle = bundles[KeyAlgorithm.EC_prime256v1]
        pem = bundle.private_key_pem(password)
        assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
        with pytest.raises(TypeError):
            serialization.load_pem_private_key(pem, password=None)
        key = serialization.load_pem_private_key(pem, password=b"s3cret")
        assert key.public_key() == bundle.private_key.public_key()

    def test_longest_password(self, bundles: dict[KeyAlgorithm, CsrBundle]) -> None:
        """1023 bytes of password still encrypt; 1024 are refused naming password, not echoed."""
        bundle = bundles[KeyAlgorithm.EC_prime256v1]
        longest = "é" * 511 + "x"  # 1023 bytes as UTF-8
        pem = bundle.private_key_pem(longest)
        key = serialization.load_pem_private_key(pem, password=longest.encode())
        assert key.public_key() == bundle.private_key.public_key()
        with pytest.raises(InvalidRequestError) as info:
            bundle.private_key_pem(longest + "y")
        assert info.value.problems[0].path == "password"
        assert "1024 bytes" in str(info.value)
        assert "éé" not in str(info.value)

    @pytest.mark.parametrize("password", ["", b"", 1234])
    def test_bad_password(self, bundles: dict[KeyAlgorithm, CsrBundle], password: object) -> None:
        """An empty or non-text password is refused naming password."""
        with pytest.raises(InvalidRequestError, match="non-empty str or bytes") as info:
            bundles[KeyAlgorithm.EC_prime256v1].private_key_pem(password)  # type: ignore[arg-type]
        assert info.value.problems[0].path == "password"

    @pytest.mark.parametrize("algorithm", key_params(KEY_TYPES))
    def test_repr_has_no_key_material(
        self, bundles: dict[KeyAlgorithm, CsrBundle], algorithm: KeyAlgorithm
    ) -> None:
        """The repr shows subject, SANs and key type, and no part of the key."""
        bundle = bundles[algorithm]
        text = repr(bundle)
        sans = "('DNS:svc.example.com',)"
        assert text == f"CsrBundle(subject='CN=svc', sans={sans}, key_algorithm={algorithm!r})"
        body = b"".join(bundle.private_key_pem().splitlines()[1:-1]).decode()
        for start in range(0, len(body) - 16, 16):
            assert body[start : start + 16] not in text
        key = bundle.private_key
        if isinstance(key, ec.EllipticCurvePrivateKey):
            value = key.private_numbers().private_value
            assert str(value) not in text
            assert format(value, "x") not in text
        if isinstance(key, rsa.RSAPrivateKey):
            assert str(key.private_numbers().d)[:20] not in text
        assert str(bundle) == text

    def test_repr_all_san_kinds(self) -> None:
        """Every SAN kind is shown by its prefix."""
        text = repr(build_csr("a.example", "10.0.0.1", "x@a.example", "spiffe://td/w"))
        assert "('DNS:a.example', 'IP:10.0.0.1', 'email:x@a.example', 'URI:spiffe://td/w')" in text
        assert "subject=''" in text

    def test_repr_without_sans(self) -> None:
        """A bundle without SANs shows an empty tuple."""
        text = repr(build_csr(common_name="svc"))
        assert (
            text == "CsrBundle(subject='CN=svc', sans=(), key_algorithm=KeyAlgorithm.EC_prime256v1)"
        )

    def test_repr_other_san_kind(self, ec_key: ec.EllipticCurvePrivateKey) -> None:
        """A SAN kind build_csr does not make is shown by its class name."""
        csr = _raw_csr(ec_key, sans=[x509.RegisteredID(x509.ObjectIdentifier("1.2.3"))])
        assert "sans=('RegisteredID',)" in repr(CsrBundle(csr=csr, private_key=ec_key))

    def test_frozen(self, bundles: dict[KeyAlgorithm, CsrBundle]) -> None:
        """A bundle cannot be changed."""
        import attrs

        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            bundles[KeyAlgorithm.EC_prime256v1].csr = None  # type: ignore[misc, assignment]

    def test_write(self, tmp_path: Path, bundles: dict[KeyAlgorithm, CsrBundle]) -> None:
        """write() makes key.pem 0600 and csr.pem 0644 and returns their paths."""
        bundle = bundles[KeyAlgorithm.EC_prime256v1]
        files = bundle.write(tmp_path)
        assert files == CsrFiles(key=tmp_path / "key.pem", csr=tmp_path / "csr.pem")
        assert stat.S_IMODE(files.key.stat().st_mode) == 0o600
        assert stat.S_IMODE(files.csr.stat().st_mode) == 0o644
        assert files.key.read_bytes() == bundle.private_key_pem()
        assert load_csr(files.csr) == bundle.csr

    def test_write_encrypted(self, tmp_path: Path, bundles: dict[KeyAlgorithm, CsrBundle]) -> None:
        """write(password=...) writes an encrypted key."""
        files = bundles[KeyAlgorithm.EC_prime256v1].write(str(tmp_path), password="pw")
        assert files.key.read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")

    @pytest.mark.parametrize("existing", ["key.pem", "csr.pem"])
    def test_write_refuses_existing(
        self, tmp_path: Path, bundles: dict[KeyAlgorithm, CsrBundle], existing: str
    ) -> None:
        """If either file exists, nothing is written and the file is untouched."""
        (tmp_path / existing).write_bytes(b"old")
        with pytest.raises(FileExistsError):
            bundles[KeyAlgorithm.EC_prime256v1].write(tmp_path)
        assert sorted(p.name for p in tmp_path.iterdir()) == [existing]
        assert (tmp_path / existing).read_bytes() == b"old"

    def test_write_creates_the_directory(
        self, tmp_path: Path, bundles: dict[KeyAlgorithm, CsrBundle]
    ) -> None:
        """A missing directory is made (0700, with parents), as IssuedCertificate.write does."""
        target = tmp_path / "out" / "tls"
        files = bundles[KeyAlgorithm.EC_prime256v1].write(target)
        assert files.key.parent == target
        assert stat.S_IMODE(target.stat().st_mode) == 0o700

    def test_write_into_a_file_names_it(
        self, tmp_path: Path, bundles: dict[KeyAlgorithm, CsrBundle]
    ) -> None:
        """A directory that is a file fails naming the caller's path, never a temp file."""
        (tmp_path / "out").write_bytes(b"")
        with pytest.raises(FileExistsError) as raised:
            bundles[KeyAlgorithm.EC_prime256v1].write(tmp_path / "out")
        assert raised.value.filename == str(tmp_path / "out")
        assert ".tmp" not in str(raised.value)

    def test_write_overwrite(self, tmp_path: Path, bundles: dict[KeyAlgorithm, CsrBundle]) -> None:
        """overwrite=True replaces both files."""
        (tmp_path / "key.pem").write_bytes(b"old")
        (tmp_path / "csr.pem").write_bytes(b"old")
        bundle = bundles[KeyAlgorithm.EC_prime256v1]
        bundle.write(tmp_path, overwrite=True)
        assert (tmp_path / "csr.pem").read_bytes() == bundle.csr_pem
        assert stat.S_IMODE((tmp_path / "key.pem").stat().st_mode) == 0o600

    @pytest.mark.parametrize("overwrite", [False, True])
    def test_write_csr_failure(
        self,
        tmp_path: Path,
        bundles: dict[KeyAlgorithm, CsrBundle],
        monkeypatch: pytest.MonkeyPatch,
        overwrite: bool,
    ) -> None:
        """If the CSR cannot be written, a newly written key file is removed again."""
        from acmpca_issue._files import write_file as real

        def fail_on_csr(path: Path, data: bytes, *, private: bool, overwrite: bool) -> Path:
            if path.name == "csr.pem":
                raise OSError(28, "No space left on device")
            return real(path, data, private=private, overwrite=overwrite)

        from acmpca_issue import _files

        monkeypatch.setattr(_files, "write_file", fail_on_csr)
        with pytest.raises(OSError, match="No space"):
            bundles[KeyAlgorithm.EC_prime256v1].write(tmp_path, overwrite=overwrite)
        assert (tmp_path / "key.pem").exists() is overwrite

    def test_accepted_by_issue_certificate_request(
        self, bundles: dict[KeyAlgorithm, CsrBundle], ca_arn: str
    ) -> None:
        """Every bundle's CSR is accepted by IssueCertificateRequest."""
        from acmpca_issue._request import IssueCertificateRequest
        from acmpca_issue._validity import Validity

        made = [bundles[a] for a in KEY_TYPES if MLDSA_REFUSED is None or a not in MLDSA_KEYS]
        for bundle in [*made, build_csr("a.example"), build_csr(common_name="x")]:
            request = IssueCertificateRequest(
                certificate_authority_arn=ca_arn,
                csr=bundle.csr_pem,
                signing_algorithm="SHA256WITHECDSA",
                validity=Validity.days(30),
            )
            assert request.to_api()["Csr"] == bundle.csr_pem


# --------------------------------------------------------------------------- load


class TestLoadAccepts:
    """load_csr takes every reasonable encoding."""

    def test_forms(
        self, tmp_path: Path, csr: x509.CertificateSigningRequest, csr_pem: bytes
    ) -> None:
        """PEM bytes/str, DER, bytearray, memoryview, Path and the object itself."""
        der = csr.public_bytes(serialization.Encoding.DER)
        (tmp_path / "c.pem").write_bytes(csr_pem)
        (tmp_path / "c.der").write_bytes(der)
        inputs: list[object] = [
            csr_pem,
            csr_pem.decode(),
            der,
            bytearray(der),
            memoryview(csr_pem),
            tmp_path / "c.pem",
            tmp_path / "c.der",
            b"\n\n  " + csr_pem + b"\n",
            b"Certificate Request:\n    Data: ...\n" + csr_pem,
        ]
        for data in inputs:
            assert load_csr(data) == csr  # type: ignore[arg-type]
        assert load_csr(csr) is csr

    def test_csr_after_other_blocks(
        self, csr: x509.CertificateSigningRequest, csr_pem: bytes
    ) -> None:
        """A file with a key block before the CSR block (key + CSR in one file) loads the CSR."""
        key = b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
        assert load_csr(key + csr_pem) == csr

    def test_new_certificate_request_header(
        self, csr: x509.CertificateSigningRequest, csr_pem: bytes
    ) -> None:
        """A NEW CERTIFICATE REQUEST header loads; the result re-serialises canonically."""
        windows = csr_pem.replace(b"CERTIFICATE REQUEST", b"NEW CERTIFICATE REQUEST").replace(
            b"\n", b"\r\n"
        )
        loaded = load_csr(windows.decode())
        assert loaded.public_bytes(serialization.Encoding.PEM) == csr_pem

    def test_pathlike(
        self, tmp_path: Path, csr: x509.CertificateSigningRequest, csr_pem: bytes
    ) -> None:
        """Any os.PathLike works, not only pathlib.Path."""

        class Where:
            def __fspath__(self) -> str:
                return str(tmp_path / "c.pem")

        (tmp_path / "c.pem").write_bytes(csr_pem)
        assert load_csr(Where()) == csr

    def test_size_limit_is_inclusive(self, ec_key: ec.EllipticCurvePrivateKey) -> None:
        """A large CSR under 32768 PEM bytes is accepted."""
        sans: list[x509.GeneralName] = [
            x509.DNSName(f"host{i:04d}.example.com") for i in range(700)
        ]
        csr = _raw_csr(ec_key, sans=sans)
        assert len(csr.public_bytes(serialization.Encoding.PEM)) <= MAX_CSR_PEM_BYTES
        assert load_csr(csr) is csr


class TestLoadRefuses:
    """load_csr raises InvalidCsrError naming the rule for everything Private CA rejects."""

    def _refused(self, data: object, match: str) -> InvalidCsrError:
        with pytest.raises(InvalidCsrError, match=match) as info:
            load_csr(data)  # type: ignore[arg-type]
        assert all(problem.path == "" for problem in info.value.problems)
        return info.value

    def test_bad_signature(self, csr: x509.CertificateSigningRequest) -> None:
        """A CSR whose signature does not verify is refused."""
        der = bytearray(csr.public_bytes(serialization.Encoding.DER))
        index = der.index(b"svc.example.com")
        der[index] ^= 0x01  # alter the signed subject
        self._refused(bytes(der), "signature does not verify")

    def test_too_big(self, ec_key: ec.EllipticCurvePrivateKey) -> None:
        """Over 32768 bytes of PEM is refused with the size."""
        sans: list[x509.GeneralName] = [
            x509.DNSName(f"host{i:05d}.example.com") for i in range(1200)
        ]
        csr = _raw_csr(ec_key, sans=sans)
        size = len(csr.public_bytes(serialization.Encoding.PEM))
        assert size > MAX_CSR_PEM_BYTES
        self._refused(csr, f"{size} bytes as PEM, over Private CA's limit of 32768")

    def test_no_subject_no_san(self, ec_key: ec.EllipticCurvePrivateKey) -> None:
        """Neither subject nor SAN is refused."""
        self._refused(
            _raw_csr(ec_key, subject=x509.Name([])),
            "neither a subject nor a subject alternative name",
        )

    def test_empty_subject_non_critical_san(self, ec_key: ec.EllipticCurvePrivateKey) -> None:
        """An empty subject with a non-critical SAN is refused; with a critical one it loads."""
        sans: list[x509.GeneralName] = [x509.DNSName("a.example")]
        self._refused(
            _raw_csr(ec_key, subject=x509.Name([]), sans=sans), "must be\\s+marked critical"
        )
        ok = _raw_csr(ec_key, subject=x509.Name([]), sans=sans, critical=True)
        assert load_csr(ok) is ok

    def test_long_common_name(self, ec_key: ec.EllipticCurvePrivateKey) -> None:
        """A common name over 64 characters is refused with the SAN hint."""
        subject = _long_cn_name(70)
        self._refused(_raw_csr(ec_key, subject=subject), "70 characters.*in a SAN instead")

    @pytest.mark.parametrize(
        ("make", "described"),
        [
            pytest.param(
                lambda: rsa.generate_private_key(65537, 1024),  # noqa: S505
                "RSA with 1024 bits",
                id="rsa1024",
            ),
            pytest.param(
                lambda: rsa.generate_private_key(65537, 2560), "RSA with 2560 bits", id="rsa2560"
            ),
            pytest.param(ed25519.Ed25519PrivateKey.generate, "Ed25519", id="ed25519"),
            pytest.param(ed448.Ed448PrivateKey.generate, "Ed448", id="ed448"),
            pytest.param(lambda: dsa.generate_private_key(2048), "DSA with 2048 bits", id="dsa"),
            pytest.param(
                lambda: ec.generate_private_key(ec.SECP256K1()),
                "EC on curve secp256k1",
                id="secp256k1",
            ),
            pytest.param(
                lambda: ec.generate_private_key(ec.BrainpoolP384R1()),
                "EC on curve brainpoolP384r1",
                id="brainpool",
            ),
        ],
    )
    def test_key_types(self, make: object, described: str) -> None:
        """Key types Private CA does not sign are refused, listing what it does sign."""
        key = make()  # type: ignore[operator]
        error = self._refused(
            _raw_csr(key), f"the CSR's key is {described}, which Private CA does not sign"
        )
        assert "RSA 2048, 3072 or 4096 bits" in str(error)
        assert "ML-DSA-87" in str(error)
        with pytest.raises(InvalidCsrError, match=described):
            csr_key_algorithm(_raw_csr(key))

    def test_double_base64_bytes(self, csr: x509.CertificateSigningRequest, csr_pem: bytes) -> None:
        """base64(PEM) and base64(DER), as bytes or str, are refused as double encoding."""
        der = csr.public_bytes(serialization.Encoding.DER)
        for data in (
            base64.b64encode(csr_pem),
            base64.b64encode(csr_pem).decode(),
            base64.encodebytes(csr_pem),
            base64.b64encode(der),
            base64.b64encode(der).decode(),
        ):
            self._refused(data, "base64-encoded once too often")

    def test_double_base64_inside_pem(self, csr_pem: bytes) -> None:
        """A PEM whose body is the base64 of a PEM is refused as double encoding."""
        body = base64.encodebytes(csr_pem)
        wrapped = (
            b"-----BEGIN CERTIFICATE REQUEST-----\n" + body + b"-----END CERTIFICATE REQUEST-----\n"
        )
        self._refused(wrapped, "base64-encoded once too often")

    @pytest.mark.parametrize(
        ("data", "match"),
        [
            (b"", "neither PEM nor DER"),
            (b"hello", "neither PEM nor DER"),
            (b"aGVsbG8=", "neither PEM nor DER"),
            ("hello", "a str must be PEM text.*pathlib.Path"),
            ("csr.pem", "a str must be PEM text.*pathlib.Path"),
            ("", "a str must be PEM text"),
            (42, "got int"),
            (None, "got NoneType"),
            (b"-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n", "incomplete"),
            (
                b"-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE-----\n",
                "incomplete",
            ),
            (
                b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                "holds CERTIFICATE, not",
            ),
            (
                b"-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n",
                "does not hold one",
            ),
            (
                b"-----BEGIN CERTIFICATE REQUEST-----\n!!!!\n-----END CERTIFICATE REQUEST-----\n",
                "does not hold one",
            ),
        ],
    )
    def test_garbage(self, data: object, match: str) -> None:
        """Garbage, other PEM types and wrong types are refused, never a raw error."""
        self._refused(data, match)

    def test_missing_file(self, tmp_path: Path) -> None:
        """An unreadable path is refused naming the file."""
        self._refused(tmp_path / "nope.pem", "cannot read the CSR file.*nope.pem")
        self._refused(tmp_path, "cannot read the CSR file")

    def test_unparseable_extensions(self, ec_key: ec.EllipticCurvePrivateKey) -> None:
        """A malformed SAN extension is refused, not leaked as a cryptography error."""
        builder = x509.CertificateSigningRequestBuilder().subject_name(x509.Name([]))
        bad_san = x509.UnrecognizedExtension(ExtensionOID.SUBJECT_ALTERNATIVE_NAME, b"\x00garbage")
        csr = builder.add_extension(bad_san, critical=True).sign(ec_key, hashes.SHA256())
        self._refused(csr, "subject or extensions cannot be parsed")

    def test_unknown_curve(self, ec_key: ec.EllipticCurvePrivateKey) -> None:
        """A key on an unknown curve is refused (key and signature cannot be read)."""
        der = _raw_csr(ec_key).public_bytes(serialization.Encoding.DER)
        p256 = bytes.fromhex("06082A8648CE3D030107")
        error = self._refused(der.replace(p256, p256[:-1] + b"\x08"), "key cannot be read")
        messages = [p.message for p in error.problems]
        assert any("signature cannot be checked" in m for m in messages)

    def test_several_problems_at_once(self) -> None:
        """Every broken rule is reported, and the error re-roots under a field name."""
        key = rsa.generate_private_key(65537, 1024)  # noqa: S505
        csr = _raw_csr(key, subject=x509.Name([]), sans=[x509.DNSName("a.example")])
        error = self._refused(csr, "2 problems")
        assert len(error.problems) == 2
        moved = error.at("csr")
        assert isinstance(moved, InvalidCsrError)
        assert {p.path for p in moved.problems} == {"csr"}


class TestFuzz:
    """load_csr raises only InvalidCsrError, whatever it is given."""

    @settings(max_examples=150, deadline=None)
    @given(st.binary(max_size=600))
    def test_bytes(self, data: bytes) -> None:
        """Arbitrary bytes."""
        with pytest.raises(InvalidCsrError):
            load_csr(data)

    @settings(max_examples=150, deadline=None)
    @given(st.text(max_size=400))
    def test_text(self, data: str) -> None:
        """Arbitrary text."""
        with pytest.raises(InvalidCsrError):
            load_csr(data)

    @settings(max_examples=100, deadline=None)
    @given(
        st.binary(max_size=400),
        st.sampled_from(["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST", "X"]),
    )
    def test_pem_wrapped_bytes(self, body: bytes, kind: str) -> None:
        """Arbitrary bytes inside a PEM block."""
        text = f"-----BEGIN {kind}-----\n{base64.encodebytes(body).decode()}-----END {kind}-----\n"
        with pytest.raises(InvalidCsrError):
            load_csr(text)

    @settings(max_examples=100, deadline=None)
    @given(st.data())
    def test_mutated_pem(self, csr_pem: bytes, data: st.DataObject) -> None:
        """A real PEM with one character changed either loads or raises InvalidCsrError."""
        index = data.draw(st.integers(0, len(csr_pem) - 1))
        byte = data.draw(st.integers(0, 255))
        mutated = csr_pem[:index] + bytes([byte]) + csr_pem[index + 1 :]
        with contextlib.suppress(InvalidCsrError):
            load_csr(mutated)

    @settings(max_examples=100, deadline=None)
    @given(st.text(min_size=1, max_size=80))
    def test_identities(self, text: str) -> None:
        """build_csr either takes an identity or raises InvalidRequestError naming it."""
        try:
            bundle = build_csr(text)
        except InvalidRequestError as error:
            paths = [problem.path for problem in error.problems]
        else:
            paths = []
            assert load_csr(bundle.csr_pem) == bundle.csr
        assert paths in ([], ["identities[0]"])

    @settings(max_examples=150, deadline=None)
    @given(
        st.dictionaries(
            st.sampled_from(["C", "O", "OU", "CN", "DC", "serialNumber", "dnQualifier", "L"]),
            st.one_of(
                st.text(max_size=12), st.lists(st.text(max_size=6), max_size=2), st.integers()
            ),
            min_size=1,
            max_size=3,
        )
    )
    def test_subject_mapping(self, subject: dict[str, object]) -> None:
        """Any subject mapping gives a CSR that loads, or InvalidRequestError under subject."""
        try:
            bundle = build_csr("svc.example.com", subject=subject)  # type: ignore[arg-type]
        except InvalidRequestError as error:
            paths = [problem.path for problem in error.problems]
        else:
            paths = []
            assert load_csr(bundle.csr_pem) == bundle.csr
        assert all(path.startswith("subject.") for path in paths), paths
