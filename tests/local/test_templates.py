"""Certificate templates and ApiPassthrough on the local Private CA engine."""

from __future__ import annotations

import base64
import ipaddress
from typing import Any

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID, NameOID, ObjectIdentifier

from acmpca_issue.local import LocalPrivateCA
from acmpca_issue.local._protocol import LocalServiceError
from tests.local._support import FakeClock, issue, issue_params, make_csr, new_pca, template

SERVER, CLIENT = ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH
NETSCAPE_COMMENT = ObjectIdentifier("2.16.840.1.113730.1.13")
# A CSR that asks for its own KU, EKU, basic constraints and an unknown extension.
CSR_WITH_EXTENSIONS = make_csr(
    "csr.example",
    ("csr.example",),
    extensions=[
        (
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            True,
        ),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), False),
        (x509.BasicConstraints(ca=True, path_length=5), True),
        (x509.UnrecognizedExtension(NETSCAPE_COMMENT, b"\x16\x03abc"), False),
    ],
)


@pytest.fixture(scope="module")
def world() -> tuple[LocalPrivateCA, FakeClock, str]:
    pca, clock = new_pca()
    return pca, clock, str(pca.create_root_ca())


def _issue(world: tuple[LocalPrivateCA, FakeClock, str], name: str, **kw: Any) -> x509.Certificate:
    pca, _, ca = world
    return issue(pca.engine, ca, TemplateArn=template(name), **kw)


def _ext(cert: x509.Certificate, oid: ObjectIdentifier) -> x509.Extension[Any] | None:
    try:
        return cert.extensions.get_extension_for_oid(oid)
    except x509.ExtensionNotFound:
        return None


def _ku(cert: x509.Certificate) -> tuple[bool, set[str]]:
    ext = _ext(cert, ExtensionOID.KEY_USAGE)
    assert ext is not None
    usage = ext.value
    names = {
        name
        for name in ("digital_signature", "key_encipherment", "key_cert_sign", "crl_sign")
        if getattr(usage, name)
    }
    if usage.content_commitment:
        names.add("content_commitment")
    return ext.critical, names


def _eku(cert: x509.Certificate) -> tuple[bool, list[ObjectIdentifier]] | None:
    ext = _ext(cert, ExtensionOID.EXTENDED_KEY_USAGE)
    return None if ext is None else (ext.critical, list(ext.value))


def _bc(cert: x509.Certificate) -> tuple[bool, bool, int | None]:
    ext = _ext(cert, ExtensionOID.BASIC_CONSTRAINTS)
    assert ext is not None
    return ext.critical, ext.value.ca, ext.value.path_length


class TestProfiles:
    """Each template family sets the extensions the reference lists."""

    @pytest.mark.parametrize(
        ("name", "ku", "eku"),
        [
            (
                "EndEntityCertificate",
                {"digital_signature", "key_encipherment"},
                (False, [SERVER, CLIENT]),
            ),
            (
                "EndEntityClientAuthCertificate",
                {"digital_signature", "key_encipherment"},
                (False, [CLIENT]),
            ),
            (
                "EndEntityServerAuthCertificate",
                {"digital_signature", "key_encipherment"},
                (False, [SERVER]),
            ),
            (
                "CodeSigningCertificate",
                {"digital_signature"},
                (True, [ExtendedKeyUsageOID.CODE_SIGNING]),
            ),
            (
                "OCSPSigningCertificate",
                {"digital_signature"},
                (True, [ExtendedKeyUsageOID.OCSP_SIGNING]),
            ),
        ],
    )
    def test_end_entity(
        self,
        world: tuple[LocalPrivateCA, FakeClock, str],
        name: str,
        ku: set[str],
        eku: tuple[bool, list[ObjectIdentifier]],
    ) -> None:
        """End-entity families: CA:FALSE, critical KU, their EKU."""
        cert = _issue(world, name)
        assert _bc(cert) == (False, False, None)
        assert _ku(cert) == (True, ku)
        assert _eku(cert) == eku

    @pytest.mark.parametrize("n", [0, 1, 2, 3])
    def test_subordinate(self, world: tuple[LocalPrivateCA, FakeClock, str], n: int) -> None:
        """SubordinateCACertificate_PathLenN: critical CA:TRUE pathlen N, CA key usage."""
        cert = _issue(world, f"SubordinateCACertificate_PathLen{n}")
        assert _bc(cert) == (True, True, n)
        assert _ku(cert) == (True, {"digital_signature", "key_cert_sign", "crl_sign"})
        assert _eku(cert) is None

    def test_root_ca_template_from_active_root(
        self, world: tuple[LocalPrivateCA, FakeClock, str]
    ) -> None:
        """RootCACertificate: critical CA:TRUE without pathlen."""
        cert = _issue(world, "RootCACertificate")
        assert _bc(cert) == (True, True, None)
        assert _ku(cert)[1] == {"digital_signature", "key_cert_sign", "crl_sign"}

    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("BlankEndEntityCertificate_APIPassthrough", (False, False, None)),
            (
                "BlankEndEntityCertificate_CriticalBasicConstraints_CSRPassthrough",
                (True, False, None),
            ),
            ("BlankSubordinateCACertificate_PathLen2_APICSRPassthrough", (True, True, 2)),
            ("BlankRootCACertificate_APIPassthrough", (True, True, None)),
            ("BlankRootCACertificate_PathLen1_APIPassthrough", (True, True, 1)),
        ],
    )
    def test_blank(
        self,
        world: tuple[LocalPrivateCA, FakeClock, str],
        name: str,
        expected: tuple[bool, bool, int | None],
    ) -> None:
        """Blank templates set basic constraints only (no KU/EKU of their own)."""
        cert = _issue(world, name)
        assert _bc(cert) == expected
        assert _ext(cert, ExtensionOID.KEY_USAGE) is None
        assert _eku(cert) is None

    def test_key_identifiers(self, world: tuple[LocalPrivateCA, FakeClock, str]) -> None:
        """SKI is the SHA-1 of the subject key; AKI is the CA certificate's SKI."""
        pca, _, ca = world
        cert = _issue(world, "EndEntityCertificate")
        got = pca.engine.handle(
            "GetCertificateAuthorityCertificate", {"CertificateAuthorityArn": ca}
        )
        ca_cert = x509.load_pem_x509_certificate(got["Certificate"].encode())
        ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        assert ski == x509.SubjectKeyIdentifier.from_public_key(cert.public_key())
        aki = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value
        ca_ski = ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        assert aki.key_identifier == ca_ski.digest


API = {
    "Subject": {"CommonName": "api.example", "Organization": "Example", "Country": "US"},
    "Extensions": {
        "SubjectAlternativeNames": [
            {"DnsName": "api.example"},
            {"IpAddress": "10.0.0.1"},
            {"Rfc822Name": "ops@api.example"},
            {"UniformResourceIdentifier": "spiffe://example/api"},
            {"RegisteredId": "1.2.3.4"},
            {"DirectoryName": {"CommonName": "dir"}},
            {"OtherName": {"TypeId": "1.3.6.1.4.1.311.20.2.3", "Value": "upn@example"}},
        ],
        "KeyUsage": {"DigitalSignature": True, "KeyAgreement": True},
        "ExtendedKeyUsage": [
            {"ExtendedKeyUsageType": "TIME_STAMPING"},
            {"ExtendedKeyUsageObjectIdentifier": "1.3.6.1.5.5.7.3.17"},
        ],
        "CertificatePolicies": [
            {
                "CertPolicyId": "2.23.140.1.2.1",
                "PolicyQualifiers": [
                    {"PolicyQualifierId": "CPS", "Qualifier": {"CpsUri": "https://cps.example"}}
                ],
            },
            {"CertPolicyId": "1.2.3"},
        ],
        "CustomExtensions": [
            {
                "ObjectIdentifier": "1.3.6.1.4.1.99.1",
                "Value": base64.b64encode(b"\x05\x00").decode(),
                "Critical": True,
            }
        ],
    },
}


class TestPassthrough:
    """ApiPassthrough and CSR passthrough, with the documented priority."""

    def test_api_passthrough_on_blank(self, world: tuple[LocalPrivateCA, FakeClock, str]) -> None:
        """A Blank API template applies subject, SANs, KU, EKU, policies and custom extensions."""
        cert = _issue(world, "BlankEndEntityCertificate_APIPassthrough", ApiPassthrough=API)
        assert cert.subject.rfc4514_string() == "CN=api.example,O=Example,C=US"
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        assert list(san) == [
            x509.DNSName("api.example"),
            x509.IPAddress(ipaddress.ip_address("10.0.0.1")),
            x509.RFC822Name("ops@api.example"),
            x509.UniformResourceIdentifier("spiffe://example/api"),
            x509.RegisteredID(ObjectIdentifier("1.2.3.4")),
            x509.DirectoryName(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "dir")])),
            x509.OtherName(ObjectIdentifier("1.3.6.1.4.1.311.20.2.3"), b"\x0c\x0bupn@example"),
        ]
        ku = cert.extensions.get_extension_for_class(x509.KeyUsage).value
        assert ku.digital_signature
        assert ku.key_agreement
        assert not ku.key_encipherment
        assert _eku(cert) == (
            False,
            [ExtendedKeyUsageOID.TIME_STAMPING, ObjectIdentifier("1.3.6.1.5.5.7.3.17")],
        )
        policies = cert.extensions.get_extension_for_class(x509.CertificatePolicies).value
        assert [p.policy_identifier.dotted_string for p in policies] == ["2.23.140.1.2.1", "1.2.3"]
        assert policies[0].policy_qualifiers == ["https://cps.example"]
        custom = _ext(cert, ObjectIdentifier("1.3.6.1.4.1.99.1"))
        assert custom is not None
        assert custom.critical
        assert custom.value.value == b"\x05\x00"

    def test_template_beats_api(self, world: tuple[LocalPrivateCA, FakeClock, str]) -> None:
        """On a non-Blank template, ApiPassthrough KU/EKU are ignored; subject and SAN apply."""
        cert = _issue(world, "EndEntityServerAuthCertificate_APIPassthrough", ApiPassthrough=API)
        assert _ku(cert) == (True, {"digital_signature", "key_encipherment"})
        assert _eku(cert) == (False, [SERVER])
        assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "api.example"
        assert _ext(cert, ObjectIdentifier("1.3.6.1.4.1.99.1")) is not None

    def test_template_beats_custom_extension(
        self, world: tuple[LocalPrivateCA, FakeClock, str]
    ) -> None:
        """A custom extension with the OID of one the template defines loses to the template."""
        basic = x509.BasicConstraints(ca=True, path_length=None)
        api = {
            "Extensions": {
                "CustomExtensions": [
                    {
                        "ObjectIdentifier": "2.5.29.19",
                        "Value": base64.b64encode(basic.public_bytes()).decode(),
                    }
                ]
            }
        }
        cert = _issue(world, "EndEntityCertificate_APIPassthrough", ApiPassthrough=api)
        assert _bc(cert) == (False, False, None)

    def test_api_ignored_without_passthrough_template(
        self, world: tuple[LocalPrivateCA, FakeClock, str]
    ) -> None:
        """ApiPassthrough with a plain template is silently ignored, as the service does."""
        cert = _issue(world, "EndEntityCertificate", ApiPassthrough=API)
        assert cert.subject.rfc4514_string() == "CN=svc.example.com"
        assert _ext(cert, ExtensionOID.CERTIFICATE_POLICIES) is None

    def test_csr_passthrough(self, world: tuple[LocalPrivateCA, FakeClock, str]) -> None:
        """A CSR template copies what the template does not define; the template wins the rest."""
        cert = _issue(world, "EndEntityCertificate_CSRPassthrough", Csr=CSR_WITH_EXTENSIONS)
        assert _bc(cert) == (False, False, None)
        assert _ku(cert) == (True, {"digital_signature", "key_encipherment"})
        assert _ext(cert, NETSCAPE_COMMENT) is not None

    def test_csr_passthrough_on_blank(self, world: tuple[LocalPrivateCA, FakeClock, str]) -> None:
        """On a Blank CSR template the CSR's KU and EKU are kept."""
        cert = _issue(world, "BlankEndEntityCertificate_CSRPassthrough", Csr=CSR_WITH_EXTENSIONS)
        assert _ku(cert) == (True, {"content_commitment"})
        assert _eku(cert) == (False, [ExtendedKeyUsageOID.EMAIL_PROTECTION])
        assert _bc(cert) == (False, False, None)

    def test_plain_template_copies_only_san(
        self, world: tuple[LocalPrivateCA, FakeClock, str]
    ) -> None:
        """A template without CSR passthrough takes only the SAN from the CSR."""
        cert = _issue(world, "BlankEndEntityCertificate_APIPassthrough", Csr=CSR_WITH_EXTENSIONS)
        assert _ext(cert, NETSCAPE_COMMENT) is None
        assert _ext(cert, ExtensionOID.KEY_USAGE) is None
        assert _ext(cert, ExtensionOID.SUBJECT_ALTERNATIVE_NAME) is not None

    @pytest.mark.parametrize(
        ("name", "api", "subject", "critical"),
        [
            # ApiPassthrough's names for a CSR without a subject: critical (RFC 5280 4.2.1.6).
            (
                "EndEntityCertificate_APIPassthrough",
                {"Extensions": {"SubjectAlternativeNames": [{"DnsName": "api.example"}]}},
                "",
                True,
            ),
            # The CSR's critical names under ApiPassthrough's subject: no longer critical.
            (
                "EndEntityCertificate_APIPassthrough",
                {"Subject": {"CommonName": "api.example"}},
                "CN=api.example",
                False,
            ),
            # A CSR's names and empty subject, copied: critical as they came.
            ("EndEntityCertificate", None, "", True),
        ],
    )
    def test_san_critical_exactly_when_subject_empty(
        self,
        world: tuple[LocalPrivateCA, FakeClock, str],
        name: str,
        api: Any,
        subject: str,
        critical: bool,
    ) -> None:
        """The SAN is critical exactly when the certificate's subject is empty."""
        empty = make_csr(
            None,
            (),
            extensions=[(x509.SubjectAlternativeName([x509.DNSName("csr.example")]), True)],
        )
        cert = _issue(world, name, Csr=empty, ApiPassthrough=api)
        assert cert.subject.rfc4514_string() == subject
        names = _ext(cert, ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
        assert names is not None
        assert names.critical is critical

    def test_api_beats_csr(self, world: tuple[LocalPrivateCA, FakeClock, str]) -> None:
        """APICSRPassthrough: ApiPassthrough's KU/EKU/SAN beat the CSR's, the CSR fills the rest."""
        api = {
            "Extensions": {
                "KeyUsage": {"DigitalSignature": True},
                "ExtendedKeyUsage": [{"ExtendedKeyUsageType": "CLIENT_AUTH"}],
                "SubjectAlternativeNames": [{"DnsName": "api.example"}],
            }
        }
        cert = _issue(
            world,
            "BlankEndEntityCertificate_APICSRPassthrough",
            Csr=CSR_WITH_EXTENSIONS,
            ApiPassthrough=api,
        )
        assert _ku(cert) == (True, {"digital_signature"})
        assert _eku(cert) == (False, [CLIENT])
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        assert san.get_values_for_type(x509.DNSName) == ["api.example"]
        assert _ext(cert, NETSCAPE_COMMENT) is not None
        assert cert.subject.rfc4514_string() == "CN=csr.example"

    def test_long_other_name(self, world: tuple[LocalPrivateCA, FakeClock, str]) -> None:
        """An OtherName value over 127 bytes gets a long-form DER length."""
        value = "u" * 200
        api = {
            "Extensions": {
                "SubjectAlternativeNames": [{"OtherName": {"TypeId": "1.2.3", "Value": value}}]
            }
        }
        cert = _issue(world, "EndEntityCertificate_APIPassthrough", ApiPassthrough=api)
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        assert list(san) == [
            x509.OtherName(ObjectIdentifier("1.2.3"), b"\x0c\x81\xc8" + value.encode())
        ]

    def test_custom_subject_attributes(self, world: tuple[LocalPrivateCA, FakeClock, str]) -> None:
        """Custom attributes make the whole subject."""
        api = {
            "Subject": {
                "CustomAttributes": [
                    {"ObjectIdentifier": "2.5.4.3", "Value": "custom"},
                    {"ObjectIdentifier": "1.2.840.113549.1.9.1", "Value": "a@example"},
                ]
            }
        }
        cert = _issue(world, "EndEntityCertificate_APIPassthrough", ApiPassthrough=api)
        assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "custom"
        assert cert.subject.get_attributes_for_oid(NameOID.EMAIL_ADDRESS)[0].value == "a@example"

    @pytest.mark.parametrize(
        ("api", "words"),
        [
            (
                {
                    "Subject": {
                        "CommonName": "a",
                        "CustomAttributes": [{"ObjectIdentifier": "2.5.4.3", "Value": "b"}],
                    }
                },
                "custom_attributes",
            ),
            (
                {
                    "Extensions": {
                        "SubjectAlternativeNames": [{"DnsName": "a", "IpAddress": "10.0.0.1"}]
                    }
                },
                "exactly one",
            ),
            (
                {"Extensions": {"SubjectAlternativeNames": [{"EdiPartyName": {"PartyName": "p"}}]}},
                "EdiPartyName",
            ),
            ({"Extensions": {"KeyUsage": {"EncipherOnly": True}}}, "KeyUsage"),
            (
                {
                    "Extensions": {
                        "CustomExtensions": [{"ObjectIdentifier": "2.5.29.17", "Value": "BQA="}],
                        "SubjectAlternativeNames": [{"DnsName": "a"}],
                    }
                },
                "more than once",
            ),
            ({"Subject": {"Country": "USA"}}, "country"),
            (
                {
                    "Subject": {
                        "CustomAttributes": [{"ObjectIdentifier": "2.5.4.6", "Value": "USA"}]
                    }
                },
                "Invalid subject",
            ),
            (
                {"Extensions": {"SubjectAlternativeNames": [{"DnsName": "bücher.example"}]}},
                "Invalid general name",
            ),
            (
                {
                    "Subject": {
                        "CustomAttributes": [{"ObjectIdentifier": "2.5.4.5", "Value": "a_b"}]
                    }
                },
                "2.5.4.5 must be a PrintableString",
            ),
            (
                {
                    "Extensions": {
                        "SubjectAlternativeNames": [
                            {
                                "DirectoryName": {
                                    "CustomAttributes": [
                                        {"ObjectIdentifier": "2.5.4.46", "Value": "é"}
                                    ]
                                }
                            }
                        ]
                    }
                },
                "2.5.4.46 must be a PrintableString",
            ),
            (
                {
                    "Extensions": {
                        "CertificatePolicies": [
                            {
                                "CertPolicyId": "1.2.3",
                                "PolicyQualifiers": [
                                    {"PolicyQualifierId": "CPS", "Qualifier": {"CpsUri": "é"}}
                                ],
                            }
                        ]
                    }
                },
                "must be ASCII",
            ),
        ],
    )
    def test_invalid_passthrough(
        self, world: tuple[LocalPrivateCA, FakeClock, str], api: Any, words: str
    ) -> None:
        """Bad ApiPassthrough is InvalidArgsException saying what is wrong."""
        pca, _, ca = world
        params = issue_params(
            ca, TemplateArn=template("BlankEndEntityCertificate_APIPassthrough"), ApiPassthrough=api
        )
        with pytest.raises(LocalServiceError) as caught:
            pca.engine.handle("IssueCertificate", params)
        assert caught.value.code == "InvalidArgsException"
        assert words in caught.value.message


def test_ca_subject_must_be_encodable(world: tuple[LocalPrivateCA, FakeClock, str]) -> None:
    """A CA subject X.509 cannot encode is refused at creation, not when the CA first signs."""
    pca, _, _ = world
    subject = {"CustomAttributes": [{"ObjectIdentifier": "2.5.4.6", "Value": "u_"}]}
    with pytest.raises(LocalServiceError) as caught:
        pca.engine.handle(
            "CreateCertificateAuthority",
            {
                "CertificateAuthorityConfiguration": {
                    "KeyAlgorithm": "EC_prime256v1",
                    "SigningAlgorithm": "SHA256WITHECDSA",
                    "Subject": subject,
                },
                "CertificateAuthorityType": "ROOT",
            },
        )
    assert caught.value.code == "InvalidArgsException"
    assert "2.5.4.6 must be a PrintableString" in caught.value.message


def test_unencodable_certificate_is_invalid_args(
    world: tuple[LocalPrivateCA, FakeClock, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever X.509 cannot encode still ends as InvalidArgsException, not InternalFailure."""
    from acmpca_issue.local import _issuing

    pca, _, ca = world

    def refuse(*args: object) -> None:
        raise ValueError("Qualifier must be an ASCII-string.")

    monkeypatch.setattr(_issuing, "sign", refuse)
    with pytest.raises(LocalServiceError) as caught:
        pca.engine.handle("IssueCertificate", issue_params(ca))
    assert caught.value.code == "InvalidArgsException"
    assert caught.value.message == (
        "The certificate cannot be encoded: Qualifier must be an ASCII-string."
    )
