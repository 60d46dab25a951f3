"""Every kind of certificate the local Private CA makes, held to pkilint's RFC 5280 linters.

The kinds: root and subordinate CAs of each key type (and a leaf under each subordinate, for its
signature algorithm), every catalogue template that applies to a CSR, the root templates, RSA,
EC and ML-DSA subject keys, RSA-PSS signatures and ApiPassthrough results. Each certificate is
linted alone (:func:`lint_certificate`) and under its issuer (:func:`lint_chain`), and the
findings are pinned exactly, so a new one fails here.

Fidelity to AWS Private CA comes before the linter. A finding that the service's own template
definition produces too is expected (and listed in docs/local.md):

- ``KEY_ENCIPHERMENT_EC`` / ``KEY_ENCIPHERMENT_MLDSA``: the EndEntity, EndEntityServerAuth and
  EndEntityClientAuth templates fix KeyUsage digitalSignature + keyEncipherment whatever the
  subject key, and an EC or ML-DSA key cannot encipher keys;
- ``CA_WITHOUT_KEY_USAGE``: a BlankSubordinateCACertificate template defines basic constraints
  only, so without a KeyUsage from ApiPassthrough a CA certificate has none.

Known faults of the linter stay out of the verdict, each only where it applies (see
:data:`LINTER_FAULTS`); the signatures it cannot check are checked with cryptography instead.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, mldsa, rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificateIssuerPrivateKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from acmpca_issue import KeyAlgorithm, TemplateArn
from acmpca_issue._arn import TEMPLATE_NAMES
from acmpca_issue._keys import generate_private_key
from acmpca_issue.local import LocalPrivateCA
from tests.local._lint import Finding, lint_certificate, lint_chain
from tests.local._support import new_pca, template

OPENSSL = shutil.which("openssl") or "openssl"

SKI_METHOD_1 = "pkix.subject_key_identifier_method_1_identified"
KEY_ENCIPHERMENT_EC = "pkix.key_usage_value_prohibited_for_ec"
KEY_ENCIPHERMENT_MLDSA = "pkix.key_usage_value_prohibited_for_mldsa"
CA_WITHOUT_KEY_USAGE = "pkix.ca_certificate_no_ku_extension"
POLICY_QUALIFIER = "pkix.certificate_policies_policy_has_qualifier"

RSA_PSS = x509.ObjectIdentifier("1.2.840.113549.1.1.10")
MLDSA_PUBLIC_KEYS = (mldsa.MLDSA44PublicKey, mldsa.MLDSA65PublicKey, mldsa.MLDSA87PublicKey)
PSS_ALGORITHMS = ("SHA256WITHRSA_PSS", "SHA384WITHRSA_PSS", "SHA512WITHRSA_PSS")
# Root and subordinate signing algorithms by CA key type, where not the key's default.
PSS_BY_KEY = {KeyAlgorithm.RSA_2048: ("SHA256WITHRSA_PSS", "SHA384WITHRSA_PSS")}
CA_KEY_TYPES: list[KeyAlgorithm] = [key for key in KeyAlgorithm if key is not KeyAlgorithm.SM2]
SUBJECT_KEY_TYPES: list[KeyAlgorithm] = [
    KeyAlgorithm.RSA_2048,
    KeyAlgorithm.EC_prime256v1,
    KeyAlgorithm.EC_secp384r1,
    KeyAlgorithm.EC_secp521r1,
    KeyAlgorithm.ML_DSA_44,
    KeyAlgorithm.ML_DSA_65,
    KeyAlgorithm.ML_DSA_87,
]
FIXED_FAMILIES = [
    "EndEntityCertificate",
    "EndEntityServerAuthCertificate",
    "EndEntityClientAuthCertificate",
    "CodeSigningCertificate",
    "OCSPSigningCertificate",
    "SubordinateCACertificate_PathLen0",
]
# The templates whose fixed KeyUsage has keyEncipherment (as AWS defines them).
KEY_ENCIPHERMENT_FAMILIES = {
    "EndEntityCertificate",
    "EndEntityServerAuthCertificate",
    "EndEntityClientAuthCertificate",
}
# Every catalogue template a CA uses for another CA's or an end entity's CSR (the root
# templates only sign a root's own CSR: see ROOT_TEMPLATES).
CSR_TEMPLATES = sorted(name for name in TEMPLATE_NAMES if not TemplateArn.of(name).is_root)
ROOT_TEMPLATES = sorted(
    name for name in TEMPLATE_NAMES if TemplateArn.of(name).is_root and name != "RootCACertificate"
)

RICH_TEMPLATES = ("BlankEndEntityCertificate_APIPassthrough", "EndEntityCertificate_APIPassthrough")
CA_USAGE = {"DigitalSignature": True, "KeyCertSign": True, "CRLSign": True}
END_ENTITY_USAGE = {"DigitalSignature": True}
TLS_USAGES = [{"ExtendedKeyUsageType": "SERVER_AUTH"}, {"ExtendedKeyUsageType": "CLIENT_AUTH"}]
RICH_API = {
    "Subject": {"CommonName": "api.example", "Organization": "Example", "Country": "US"},
    "Extensions": {
        "SubjectAlternativeNames": [
            {"DnsName": "api.example"},
            {"IpAddress": "10.0.0.1"},
            {"IpAddress": "2001:db8::1"},
            {"Rfc822Name": "ops@api.example"},
            {"UniformResourceIdentifier": "https://api.example/service"},
            {"RegisteredId": "1.3.6.1.4.1.55555.7"},
            {"DirectoryName": {"CommonName": "directory", "Organization": "Example"}},
            {"OtherName": {"TypeId": "1.3.6.1.4.1.311.20.2.3", "Value": "upn@api.example"}},
        ],
        "KeyUsage": {"DigitalSignature": True, "KeyAgreement": True},
        "ExtendedKeyUsage": [
            *TLS_USAGES,
            {"ExtendedKeyUsageType": "EMAIL_PROTECTION"},
            {"ExtendedKeyUsageObjectIdentifier": "1.3.6.1.5.5.7.3.17"},
        ],
        "CertificatePolicies": [
            {
                "CertPolicyId": "1.3.6.1.4.1.55555.1.1",
                "PolicyQualifiers": [
                    {"PolicyQualifierId": "CPS", "Qualifier": {"CpsUri": "https://cps.example"}}
                ],
            },
            {"CertPolicyId": "2.5.29.32.0"},
        ],
        "CustomExtensions": [
            {
                "ObjectIdentifier": "1.3.6.1.4.1.55555.2",
                "Value": base64.b64encode(b"\x05\x00").decode(),
            }
        ],
    },
}


@dataclass(frozen=True)
class LinterFault:
    """A finding the linter raises wrongly, and where (a test on the issuer and the subject)."""

    code: str
    reason: str
    applies: Callable[[x509.Certificate, x509.Certificate, Finding], bool]


def _pss_signed(issuer: x509.Certificate, subject: x509.Certificate, found: Finding) -> bool:
    return subject.signature_algorithm_oid == RSA_PSS


def _mldsa_issuer(issuer: x509.Certificate, subject: x509.Certificate, found: Finding) -> bool:
    return isinstance(
        issuer.public_key(),
        (mldsa.MLDSA44PublicKey, mldsa.MLDSA65PublicKey, mldsa.MLDSA87PublicKey),
    )


def _spiffe_uri(issuer: x509.Certificate, subject: x509.Certificate, found: Finding) -> bool:
    return found.message is not None and '"spiffe://' in found.message


LINTER_FAULTS = (
    LinterFault(
        "pkix.signature_verification_failed",
        "the chain linter verifies an RSA-PSS signature with PKCS#1 v1.5 padding (its "
        "SubjectSignatureVerificationValidator does not pass the signature algorithm on)",
        _pss_signed,
    ),
    LinterFault(
        "pkix.unsupported_algorithm",
        "the chain linter cannot load an ML-DSA public key, so it cannot check the signature",
        _mldsa_issuer,
    ),
    LinterFault(
        "pkix.invalid_uri_syntax",
        "the URI check (the validators package) refuses the spiffe scheme, which RFC 3986 allows",
        _spiffe_uri,
    ),
)


def verdict(
    findings: frozenset[Finding], issuer: x509.Certificate, subject: x509.Certificate
) -> set[str]:
    """The codes of ``findings`` without the linter's known faults where they apply."""
    return {
        found.code
        for found in findings
        if not any(
            fault.code == found.code and fault.applies(issuer, subject, found)
            for fault in LINTER_FAULTS
        )
    }


@dataclass(frozen=True)
class Made:
    """One certificate of a kind, its issuer's certificate, and the findings expected alone."""

    certificate: x509.Certificate
    issuer: x509.Certificate
    expected: frozenset[str]


def _csr(key: CertificateIssuerPrivateKeyTypes, extensions: list[x509.ExtensionType]) -> bytes:
    builder = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "svc.example.com")]))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("svc.example.com")]), False)
    )
    for value in extensions:
        builder = builder.add_extension(value, critical=isinstance(value, x509.KeyUsage))
    digest = (
        hashes.SHA256()
        if isinstance(key, (rsa.RSAPrivateKey, ec.EllipticCurvePrivateKey))
        else None
    )
    return builder.sign(key, digest).public_bytes(serialization.Encoding.PEM)


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def template_inputs(name: str) -> tuple[list[x509.ExtensionType], dict[str, Any] | None]:
    """What a user sends with ``name``: CSR extensions and ApiPassthrough.

    A Blank template takes its key usage (and, for an end entity, TLS extended key usages)
    from ApiPassthrough when it reads it, else from the CSR; any ApiPassthrough template also
    gets a DNS name.
    """
    arn = TemplateArn.of(name)
    api: dict[str, Any] | None = None
    extensions: list[x509.ExtensionType] = []
    if arn.accepts_api_passthrough:
        wanted: dict[str, Any] = {"SubjectAlternativeNames": [{"DnsName": "api.example.com"}]}
        if arn.is_blank:
            wanted["KeyUsage"] = CA_USAGE if arn.is_ca else END_ENTITY_USAGE
            if not arn.is_ca:
                wanted["ExtendedKeyUsage"] = TLS_USAGES
        api = {"Extensions": wanted}
    elif arn.accepts_csr_passthrough and arn.is_blank:
        extensions.append(_key_usage(ca=arn.is_ca))
        if not arn.is_ca:
            extensions.append(
                x509.ExtendedKeyUsage(
                    [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]
                )
            )
    return extensions, api


def service_findings(name: str, subject_key: KeyAlgorithm) -> frozenset[str]:
    """The findings AWS Private CA's own definition of template ``name`` gives too."""
    found = {SKI_METHOD_1}
    if TemplateArn.of(name).family in KEY_ENCIPHERMENT_FAMILIES:
        if subject_key.value.startswith("EC_"):
            found.add(KEY_ENCIPHERMENT_EC)
        if subject_key.value.startswith("ML_DSA_"):
            found.add(KEY_ENCIPHERMENT_MLDSA)
    return frozenset(found)


def _kinds() -> list[str]:
    kinds = []
    for key in CA_KEY_TYPES:
        kinds += [f"root/{key.value}", f"subordinate/{key.value}", f"leaf-of/{key.value}"]
    kinds += [f"leaf-of/RSA_2048/{algorithm}" for algorithm in PSS_ALGORITHMS]
    kinds += [f"root-template/{name}" for name in ROOT_TEMPLATES]
    kinds += [f"template/{name}" for name in CSR_TEMPLATES]
    kinds += [
        f"subject-key/{key.value}/{family}"
        for key in SUBJECT_KEY_TYPES
        for family in FIXED_FAMILIES
    ]
    kinds += [f"api/{name}" for name in RICH_TEMPLATES]
    kinds += [
        "api/spiffe",
        "api/custom-subject-attributes",
        "empty-subject/api-names",
        "empty-subject/api-subject",
        "bare/BlankSubordinateCACertificate_PathLen0_APIPassthrough",
    ]
    return kinds


KINDS = _kinds()


class Factory:
    """Makes every kind with one local Private CA, caching CAs and keys."""

    def __init__(self) -> None:
        self.pca: LocalPrivateCA = new_pca()[0]
        self.client: Any = self.pca.client()
        self.keys = {key: generate_private_key(key) for key in SUBJECT_KEY_TYPES}
        self.made: dict[str, Made] = {}
        self.cas: dict[str, tuple[str, str]] = {}  # name -> (ARN, signing algorithm)
        self.csrs: dict[str, bytes] = {}  # name -> the CA's own CSR

    def ca_certificate(self, arn: str) -> x509.Certificate:
        got = self.client.get_certificate_authority_certificate(CertificateAuthorityArn=arn)
        return x509.load_pem_x509_certificate(got["Certificate"].encode())

    def issue(
        self,
        ca: str,
        csr: bytes,
        name: str,
        *,
        api: dict[str, Any] | None = None,
        algorithm: str | None = None,
    ) -> x509.Certificate:
        arn, default = self.cas[ca]
        params: dict[str, Any] = {
            "CertificateAuthorityArn": arn,
            "Csr": csr,
            "SigningAlgorithm": algorithm or default,
            "Validity": {"Value": 30, "Type": "DAYS"},
            "TemplateArn": template(name),
        }
        if api is not None:
            params["ApiPassthrough"] = api
        issued = self.client.issue_certificate(**params)["CertificateArn"]
        got = self.client.get_certificate(CertificateAuthorityArn=arn, CertificateArn=issued)
        return x509.load_pem_x509_certificate(got["Certificate"].encode())

    def add_ca(self, name: str, arn: Any) -> x509.Certificate:
        described = self.client.describe_certificate_authority(CertificateAuthorityArn=str(arn))
        config = described["CertificateAuthority"]["CertificateAuthorityConfiguration"]
        self.cas[name] = (str(arn), config["SigningAlgorithm"])
        got = self.client.get_certificate_authority_csr(CertificateAuthorityArn=str(arn))
        self.csrs[name] = got["Csr"].encode()
        return self.ca_certificate(str(arn))

    def self_signed_root(self, name: str, api: dict[str, Any] | None) -> x509.Certificate:
        """A root CA that signs its own CSR with template ``name`` and imports the result."""
        arn = self.client.create_certificate_authority(
            CertificateAuthorityConfiguration={
                "KeyAlgorithm": "EC_prime256v1",
                "SigningAlgorithm": "SHA256WITHECDSA",
                "Subject": {"CommonName": name[:64]},
            },
            CertificateAuthorityType="ROOT",
        )["CertificateAuthorityArn"]
        self.cas[name] = (arn, "SHA256WITHECDSA")
        csr = self.client.get_certificate_authority_csr(CertificateAuthorityArn=arn)["Csr"]
        certificate = self.issue(name, csr.encode(), name, api=api)
        self.client.import_certificate_authority_certificate(
            CertificateAuthorityArn=arn,
            Certificate=certificate.public_bytes(serialization.Encoding.PEM),
        )
        return certificate

    def build(self) -> dict[str, Made]:
        ski_only = frozenset({SKI_METHOD_1})
        rsa_csr = _csr(self.keys[KeyAlgorithm.RSA_2048], [])
        for key in CA_KEY_TYPES:
            # The RSA_2048 CAs sign with RSA-PSS (the others with their default algorithm):
            # the root SHA256WITHRSA_PSS, the subordinate SHA384WITHRSA_PSS.
            root_algorithm, sub_algorithm = PSS_BY_KEY.get(key, (None, None))
            root = self.pca.create_root_ca(
                key_algorithm=key, common_name=f"Root {key.value}", signing_algorithm=root_algorithm
            )
            root_cert = self.add_ca(f"root/{key.value}", root)
            sub = self.pca.create_subordinate_ca(
                root,
                key_algorithm=key,
                common_name=f"Subordinate {key.value}",
                signing_algorithm=sub_algorithm,
            )
            sub_cert = self.add_ca(f"subordinate/{key.value}", sub)
            self.made[f"root/{key.value}"] = Made(root_cert, root_cert, ski_only)
            self.made[f"subordinate/{key.value}"] = Made(sub_cert, root_cert, ski_only)
            leaf = self.issue(f"subordinate/{key.value}", rsa_csr, "EndEntityServerAuthCertificate")
            self.made[f"leaf-of/{key.value}"] = Made(leaf, sub_cert, ski_only)
        rsa_sub = self.made["subordinate/RSA_2048"].certificate
        for algorithm in PSS_ALGORITHMS:
            leaf = self.issue(
                "subordinate/RSA_2048", rsa_csr, "EndEntityCertificate", algorithm=algorithm
            )
            self.made[f"leaf-of/RSA_2048/{algorithm}"] = Made(leaf, rsa_sub, ski_only)
        for name in ROOT_TEMPLATES:
            api = {"Extensions": {"KeyUsage": CA_USAGE}} if TemplateArn.of(name).is_blank else None
            root_cert = self.self_signed_root(name, api)
            self.made[f"root-template/{name}"] = Made(root_cert, root_cert, ski_only)
        issuer = "root/EC_prime256v1"
        issuer_cert = self.made[issuer].certificate
        ec_key = self.keys[KeyAlgorithm.EC_prime256v1]
        for name in CSR_TEMPLATES:
            extensions, api = template_inputs(name)
            leaf = self.issue(issuer, _csr(ec_key, extensions), name, api=api)
            self.made[f"template/{name}"] = Made(
                leaf, issuer_cert, service_findings(name, KeyAlgorithm.EC_prime256v1)
            )
        for key in SUBJECT_KEY_TYPES:
            csr = _csr(self.keys[key], [])
            for family in FIXED_FAMILIES:
                leaf = self.issue(issuer, csr, family)
                self.made[f"subject-key/{key.value}/{family}"] = Made(
                    leaf, issuer_cert, service_findings(family, key)
                )
        plain_csr = _csr(ec_key, [])
        for name in RICH_TEMPLATES:
            leaf = self.issue(issuer, plain_csr, name, api=RICH_API)
            expected = service_findings(name, KeyAlgorithm.EC_prime256v1) | {POLICY_QUALIFIER}
            self.made[f"api/{name}"] = Made(leaf, issuer_cert, expected)
        spiffe = {
            "Extensions": {
                "SubjectAlternativeNames": [
                    {"UniformResourceIdentifier": "spiffe://prod.example/ns/web/sa/api"}
                ],
                "KeyUsage": END_ENTITY_USAGE,
                "ExtendedKeyUsage": TLS_USAGES,
            }
        }
        leaf = self.issue(issuer, plain_csr, "BlankEndEntityCertificate_APIPassthrough", api=spiffe)
        self.made["api/spiffe"] = Made(leaf, issuer_cert, ski_only)
        custom = {
            "Subject": {
                "CustomAttributes": [
                    {"ObjectIdentifier": "2.5.4.3", "Value": "custom.example"},
                    {"ObjectIdentifier": "2.5.4.10", "Value": "Example"},
                ]
            },
            "Extensions": {"KeyUsage": END_ENTITY_USAGE},
        }
        leaf = self.issue(issuer, plain_csr, "BlankEndEntityCertificate_APIPassthrough", api=custom)
        self.made["api/custom-subject-attributes"] = Made(leaf, issuer_cert, ski_only)
        # A CSR without a subject (its SAN critical) under ApiPassthrough names or a subject.
        empty_csr = (
            x509.CertificateSigningRequestBuilder()
            .subject_name(x509.Name([]))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("csr.example")]), True)
            .sign(ec_key, hashes.SHA256())
            .public_bytes(serialization.Encoding.PEM)
        )
        given: dict[str, dict[str, Any]] = {
            "api-names": {"Extensions": {"SubjectAlternativeNames": [{"DnsName": "a.example"}]}},
            "api-subject": {"Subject": {"CommonName": "api.example"}},
        }
        for label, passthrough in given.items():
            name = "EndEntityServerAuthCertificate_APIPassthrough"
            leaf = self.issue(issuer, empty_csr, name, api=passthrough)
            self.made[f"empty-subject/{label}"] = Made(
                leaf, issuer_cert, service_findings(name, KeyAlgorithm.EC_prime256v1)
            )
        bare = "BlankSubordinateCACertificate_PathLen0_APIPassthrough"
        leaf = self.issue(issuer, plain_csr, bare, api={"Extensions": {}})
        self.made[f"bare/{bare}"] = Made(
            leaf, issuer_cert, frozenset({SKI_METHOD_1, CA_WITHOUT_KEY_USAGE})
        )
        return self.made


@pytest.fixture(scope="module")
def factory() -> Factory:
    """Every kind, made once for the module."""
    built = Factory()
    built.build()
    return built


@pytest.fixture
def made(factory: Factory) -> dict[str, Made]:
    """Every kind of certificate, by name."""
    return factory.made


def test_every_kind_is_made(made: dict[str, Made]) -> None:
    """The factory makes exactly the kinds the tests below are parametrized over."""
    assert sorted(made) == sorted(KINDS)


def _show(findings: frozenset[Finding]) -> str:
    return "\n".join(sorted(str(found) for found in findings))


@pytest.mark.parametrize("kind", KINDS)
def test_lint(made: dict[str, Made], kind: str) -> None:
    """The RFC 5280 linter finds exactly what is expected; the chain linter finds nothing."""
    item = made[kind]
    findings = lint_certificate(item.certificate)
    assert verdict(findings, item.issuer, item.certificate) == item.expected, _show(findings)
    findings = lint_chain(item.issuer, item.certificate)
    assert verdict(findings, item.issuer, item.certificate) == set(), _show(findings)
    # What the chain linter cannot check (RSA-PSS, ML-DSA), cryptography does, for every kind.
    item.certificate.verify_directly_issued_by(item.issuer)


@pytest.mark.parametrize("key", CA_KEY_TYPES)
def test_ca_csrs_verify(factory: Factory, key: KeyAlgorithm) -> None:
    """Each CA's own CSR (GetCertificateAuthorityCsr) verifies: pkilint has no CSR linter.

    cryptography checks every signature (RSA-PSS for the RSA_2048 subordinate, ML-DSA too);
    ``openssl req -verify`` checks those OpenSSL 3.0 reads (not ML-DSA, which needs 3.5).
    """
    for role in ("root", "subordinate"):
        pem = factory.csrs[f"{role}/{key.value}"]
        csr = x509.load_pem_x509_csr(pem)
        assert csr.is_signature_valid
        assert csr.subject.rfc4514_string() == f"CN={role.capitalize()} {key.value}"
        if key.value.startswith("ML_DSA_"):
            continue
        checked = subprocess.run(
            [OPENSSL, "req", "-verify", "-noout"], input=pem, capture_output=True, check=False
        )
        assert checked.returncode == 0, checked.stderr.decode()
        assert b"verify OK" in checked.stdout + checked.stderr
