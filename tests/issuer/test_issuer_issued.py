"""IssuedCertificate: parsing, views, files, verification and display; preflight and token rules."""

from __future__ import annotations

import types
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from cryptography.x509.oid import NameOID
from hypothesis import given, settings
from hypothesis import strategies as st

from acmpca_issue import IssueCertificateRequest, TemplateArn, Validity, build_csr
from acmpca_issue import _issued as _issued_module
from acmpca_issue._issued import IssuedCertificate
from acmpca_issue._preflight import CaInfo, check_request
from acmpca_issue._token import derive_idempotency_token
from acmpca_issue.exceptions import InvalidRequestError, VerificationError
from tests.issuer.issuer_support import CA_ARN, MiniCa, make_ca

SERIAL = 0x1234ABCD


def _arn(serial: int = SERIAL) -> str:
    return f"{CA_ARN}/certificate/{serial:x}"


def _issued(ca: MiniCa, csr: x509.CertificateSigningRequest, **kw: Any) -> IssuedCertificate:
    return IssuedCertificate.from_api(_arn(), ca.answer(ca.sign(csr, serial=SERIAL, **kw)))


def _request(csr: x509.CertificateSigningRequest, **changes: Any) -> IssueCertificateRequest:
    fields: dict[str, Any] = {
        "certificate_authority_arn": CA_ARN,
        "csr": csr,
        "signing_algorithm": "SHA256WITHECDSA",
        "validity": Validity.days(90),
    }
    fields.update(changes)
    return IssueCertificateRequest(**fields)


@pytest.fixture(scope="module")
def chain_ca() -> MiniCa:
    """An intermediate under a root: chain (intermediate, root)."""
    return make_ca("Intermediate", parent=make_ca("Root"))


class TestViews:
    def test_properties(self, mini_ca: MiniCa, csr: x509.CertificateSigningRequest) -> None:
        """PEM views, DER, dates, serial, names and fingerprint agree with the certificate."""
        issued = _issued(mini_ca, csr)
        assert issued.serial == SERIAL
        assert issued.fullchain_pem == issued.certificate_pem + issued.chain_pem
        assert x509.load_der_x509_certificate(issued.to_der()) == issued.certificate
        assert issued.not_before.tzinfo is not None
        assert issued.not_after - issued.not_before == timedelta(days=90, minutes=60)
        assert issued.subject == "CN=svc.example.com"
        assert issued.issuer == "CN=Test Root"
        assert issued.subject_alternative_names == ("DNS:svc.example.com",)
        assert len(issued.fingerprint_sha256.split(":")) == 32
        issued.verify(csr=csr, request=_request(csr))

    def test_sans_of_every_kind(self, mini_ca: MiniCa) -> None:
        """IP, email, URI and other names are shown with a prefix; none is shown as ()."""
        key = ec.generate_private_key(ec.SECP256R1())
        names: list[x509.GeneralName] = [
            x509.IPAddress(__import__("ipaddress").ip_address("10.0.0.1")),
            x509.RFC822Name("a@example.com"),
            x509.UniformResourceIdentifier("spiffe://x/y"),
            x509.RegisteredID(x509.ObjectIdentifier("1.2.3.4")),
        ]
        builder = x509.CertificateSigningRequestBuilder().subject_name(
            x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "x")])
        )
        with_sans = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
        issued = _issued(mini_ca, with_sans.sign(key, hashes.SHA256()))
        assert issued.subject_alternative_names == (
            "IP:10.0.0.1",
            "email:a@example.com",
            "URI:spiffe://x/y",
            "RegisteredID:<ObjectIdentifier(oid=1.2.3.4, name=Unknown OID)>",
        )
        bare = _issued(mini_ca, builder.sign(key, hashes.SHA256()))
        assert bare.subject_alternative_names == ()
        assert bare.summary()["SANs"] == "(none)"

    def test_repr_and_html_hold_no_key_material(
        self, mini_ca: MiniCa, csr: x509.CertificateSigningRequest
    ) -> None:
        """One readable line; an HTML table with escaped text; no PEM in either."""
        issued = _issued(mini_ca, csr)
        text = repr(issued)
        assert text.startswith("<IssuedCertificate subject='CN=svc.example.com'")
        assert f"{SERIAL:x}" in text
        assert "-----" not in text
        page = issued._repr_html_()
        assert page.startswith("<div class='acmpca-panel acmpca-issued-certificate'")
        assert "SHA-256" in page
        assert "-----" not in page
        key = ec.generate_private_key(ec.SECP256R1())
        nasty = (
            x509.CertificateSigningRequestBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "<b>&x")]))
            .sign(key, hashes.SHA256())
        )
        nasty_page = _issued(mini_ca, nasty)._repr_html_()
        assert "<b>" not in nasty_page
        assert "&lt;b" in nasty_page
        assert "&amp;x" in nasty_page

    def test_bad_pem(self, mini_ca: MiniCa) -> None:
        """Unreadable answers raise VerificationError, never a cryptography error."""
        with pytest.raises(VerificationError, match="not PEM"):
            IssuedCertificate.from_pem(_arn(), "not pem")
        two = mini_ca.answer(mini_ca.certificate)["Certificate"] * 2
        with pytest.raises(VerificationError, match="exactly one"):
            IssuedCertificate.from_pem(_arn(), two)

    def test_missing_certificate(self) -> None:
        """A response without Certificate is a VerificationError."""
        with pytest.raises(VerificationError, match="no Certificate"):
            IssuedCertificate.from_api(_arn(), {})

    def test_bad_chain_text(self, mini_ca: MiniCa, csr: x509.CertificateSigningRequest) -> None:
        """A chain that is not PEM is reported as such."""
        answer = mini_ca.answer(mini_ca.sign(csr, serial=SERIAL))
        with pytest.raises(VerificationError, match="certificate chain"):
            IssuedCertificate.from_pem(_arn(), answer["Certificate"], "é garbage")


class TestWrite:
    def test_writes_four_files_with_modes(
        self, mini_ca: MiniCa, csr: x509.CertificateSigningRequest, tmp_path: Path
    ) -> None:
        """cert, chain, fullchain at 0644 and key at 0600, from a CsrBundle."""
        bundle = build_csr("svc.internal")
        issued = _issued(mini_ca, bundle.csr)
        paths = issued.write(tmp_path / "new", private_key=bundle)
        assert sorted(paths) == ["cert.pem", "chain.pem", "fullchain.pem", "key.pem"]
        assert paths["key.pem"].stat().st_mode & 0o777 == 0o600
        assert paths["cert.pem"].stat().st_mode & 0o777 == 0o644
        key = load_pem_private_key(paths["key.pem"].read_bytes(), None)
        assert key.public_key() == issued.certificate.public_key()
        assert paths["fullchain.pem"].read_text() == issued.fullchain_pem
        assert csr is not None

    def test_modes_do_not_depend_on_the_umask(
        self, mini_ca: MiniCa, csr: x509.CertificateSigningRequest, tmp_path: Path
    ) -> None:
        """Under umask 000 the key is still 0600 and the rest 0644; under 077 the rest 0644."""
        import os

        bundle = build_csr("svc.internal")
        issued = _issued(mini_ca, bundle.csr)
        for umask, where in ((0o000, "open"), (0o077, "closed")):
            previous = os.umask(umask)
            try:
                paths = issued.write(tmp_path / where, private_key=bundle)
            finally:
                os.umask(previous)
            modes = {name: path.stat().st_mode & 0o777 for name, path in paths.items()}
            assert modes == {
                "cert.pem": 0o644,
                "chain.pem": 0o644,
                "fullchain.pem": 0o644,
                "key.pem": 0o600,
            }

    def test_overwrite_rules(
        self, mini_ca: MiniCa, csr: x509.CertificateSigningRequest, tmp_path: Path
    ) -> None:
        """Existing files stop the write unless overwrite=True; a raw key object works too."""
        issued = _issued(mini_ca, csr)
        issued.write(tmp_path)
        (tmp_path / "key.pem").write_text("keep me")
        key = ec.generate_private_key(ec.SECP256R1())
        with pytest.raises(FileExistsError):
            issued.write(tmp_path, private_key=key)
        assert (tmp_path / "key.pem").read_text() == "keep me"
        issued.write(tmp_path, private_key=key, overwrite=True)
        assert (tmp_path / "key.pem").read_text().startswith("-----BEGIN PRIVATE KEY")

    def test_bad_private_key(
        self, mini_ca: MiniCa, csr: x509.CertificateSigningRequest, tmp_path: Path
    ) -> None:
        """Something that is not a key is a TypeError naming what was given."""
        with pytest.raises(TypeError, match="str"):
            _issued(mini_ca, csr).write(tmp_path, private_key="secret")  # type: ignore[arg-type]


class TestVerify:
    def test_chain_of_two(self, chain_ca: MiniCa, csr: x509.CertificateSigningRequest) -> None:
        """An intermediate then a root verifies."""
        issued = _issued(chain_ca, csr)
        assert len(issued.chain) == 2
        issued.verify(request=_request(csr))

    def test_wrong_key(self, mini_ca: MiniCa, csr: x509.CertificateSigningRequest) -> None:
        """A certificate for another key is caught."""
        other = build_csr("other.example").csr
        with pytest.raises(VerificationError, match="public key"):
            _issued(mini_ca, csr).verify(csr=other)

    def test_wrong_issuer(self, mini_ca: MiniCa, csr: x509.CertificateSigningRequest) -> None:
        """A chain that did not sign the certificate is caught."""
        stranger = make_ca("Stranger")
        issued = _issued(mini_ca, csr)
        swapped = IssuedCertificate(issued.arn, issued.certificate, stranger.chain)
        with pytest.raises(VerificationError, match="first chain certificate"):
            swapped.verify()

    def test_forged_signature(self, mini_ca: MiniCa, csr: x509.CertificateSigningRequest) -> None:
        """Same issuer name, different key: the signature does not verify."""
        impostor = make_ca("Test Root")
        issued = _issued(impostor, csr)
        swapped = IssuedCertificate(issued.arn, issued.certificate, mini_ca.chain)
        with pytest.raises(VerificationError, match="signature"):
            swapped.verify()

    def test_broken_chain_and_no_root(
        self, chain_ca: MiniCa, mini_ca: MiniCa, csr: x509.CertificateSigningRequest
    ) -> None:
        """A chain whose links do not connect, ending in a non-root, is caught twice."""
        issued = _issued(chain_ca, csr)
        broken = IssuedCertificate(
            issued.arn, issued.certificate, (chain_ca.chain[0], mini_ca.chain[0])
        )
        with pytest.raises(VerificationError, match="chain certificate 0"):
            broken.verify()
        no_root = IssuedCertificate(issued.arn, issued.certificate, chain_ca.chain[:1])
        with pytest.raises(VerificationError, match="self-signed root"):
            no_root.verify()

    def test_empty_chain(self, mini_ca: MiniCa, csr: x509.CertificateSigningRequest) -> None:
        """Without a chain nothing can be checked: that is an error."""
        answer = mini_ca.answer(mini_ca.sign(csr, serial=SERIAL))
        issued = IssuedCertificate.from_pem(_arn(), answer["Certificate"], "")
        with pytest.raises(VerificationError, match="empty"):
            issued.verify()

    def test_validity_mismatch(self, mini_ca: MiniCa, csr: x509.CertificateSigningRequest) -> None:
        """90 days asked, 30 received: caught; the 60-minute backdate is allowed."""
        issued = _issued(mini_ca, csr, days=30)
        with pytest.raises(VerificationError, match="NotAfter"):
            issued.verify(request=_request(csr))
        issued.verify(request=_request(csr, validity=Validity.days(30)))

    def test_explicit_not_before_and_end_date(
        self, mini_ca: MiniCa, csr: x509.CertificateSigningRequest
    ) -> None:
        """With ValidityNotBefore and END_DATE both ends are compared to the second."""
        issued = _issued(mini_ca, csr, days=10)
        start, end = issued.not_before, issued.not_after
        good = _request(
            csr, validity=Validity.end_date(end), validity_not_before=Validity.absolute(start)
        )
        issued.verify(request=good)
        shifted = _request(
            csr,
            validity=Validity.end_date(end),
            validity_not_before=Validity.absolute(start + timedelta(hours=1)),
        )
        with pytest.raises(VerificationError, match="NotBefore"):
            issued.verify(request=shifted)
        relative = _request(
            csr, validity=Validity.days(10), validity_not_before=Validity.absolute(start)
        )
        now = start + timedelta(minutes=60)
        issued.verify(request=relative, now=now)


class TestPreflightRules:
    def _ca(self, **changes: Any) -> CaInfo:
        fields: dict[str, Any] = {
            "arn": CA_ARN,
            "status": "ACTIVE",
            "key_algorithm": "EC_prime256v1",
            "signing_algorithm": "SHA256WITHECDSA",
        }
        fields.update(changes)
        return CaInfo(**fields)

    def test_passthrough_needs_a_passthrough_template(self) -> None:
        """ApiPassthrough with a plain template is refused at api_passthrough."""
        now = datetime.now(timezone.utc)
        request = types.SimpleNamespace(
            signing_algorithm="SHA256WITHECDSA",
            validity=Validity.days(1),
            template_arn=TemplateArn.of("EndEntityCertificate"),
            api_passthrough=object(),
        )
        with pytest.raises(InvalidRequestError) as caught:
            check_request(request, self._ca(), now=now)
        assert caught.value.problems[0].path == "api_passthrough"
        request.template_arn = TemplateArn.of("EndEntityCertificate_APIPassthrough")
        check_request(request, self._ca(), now=now)
        request.template_arn = None
        with pytest.raises(InvalidRequestError, match="default EndEntityCertificate"):
            check_request(request, self._ca(), now=now)

    def test_unknown_key_algorithm_is_not_judged(self) -> None:
        """A key type newer than this library: the algorithm check is left to the service."""
        ca = self._ca(key_algorithm="FALCON_512")
        assert ca.allowed_signing_algorithms() is None
        request = types.SimpleNamespace(
            signing_algorithm="FALCON", validity=Validity.days(1), api_passthrough=None
        )
        check_request(request, ca, now=datetime.now(timezone.utc))

    def test_unknown_configured_algorithm(self) -> None:
        """A CA algorithm this library does not know cannot be the default."""
        with pytest.raises(InvalidRequestError, match="pass signing_algorithm"):
            self._ca(signing_algorithm="NEW").default_signing_algorithm()

    def test_bad_validity_is_reported_at_validity(self) -> None:
        """A validity that runs past 9999 from now is a problem at validity."""
        request = types.SimpleNamespace(
            signing_algorithm="SHA256WITHECDSA", validity=Validity.years(8029), api_passthrough=None
        )
        now = datetime(2026, 1, 1, tzinfo=timezone.utc)
        with pytest.raises(InvalidRequestError) as caught:
            check_request(request, self._ca(), now=now)
        assert caught.value.problems[0].path.startswith("validity")

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (
                datetime(2030, 1, 1, 1, tzinfo=timezone(timedelta(hours=1))),
                "2030-01-01T00:00:00+00:00",
            ),
            (datetime(2030, 1, 1), "2030-01-01T00:00:00+00:00"),
            (1893456000, "2030-01-01T00:00:00+00:00"),
            ("soon", None),
            (True, None),
        ],
    )
    def test_ca_not_after_is_read_as_utc(self, value: object, expected: str | None) -> None:
        """botocore's local-zone datetimes (and epoch numbers) become UTC."""
        info = CaInfo.from_api({"CertificateAuthority": {"NotAfter": value}})
        assert (info.not_after.isoformat() if info.not_after else None) == expected
        assert info.usage_mode == "GENERAL_PURPOSE"


def test_token_refuses_unknown_values() -> None:
    """Only JSON values and bytes can be in a token's input."""
    with pytest.raises(TypeError, match="object"):
        derive_idempotency_token({"X": object()})
    assert derive_idempotency_token({"A": b"1", "IdempotencyToken": "x"}) == (
        derive_idempotency_token({"A": b"1"})
    )


@settings(max_examples=150, deadline=None)
@given(
    certificate=st.one_of(
        st.text(max_size=300),
        st.builds(
            lambda body: f"-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n",
            st.text(alphabet="ABCDEFabcdef0123456789+/=\n", max_size=200),
        ),
    ),
    chain=st.one_of(st.none(), st.text(max_size=200)),
)
def test_from_pem_fuzz(certificate: str, chain: str | None) -> None:
    """Whatever the service sends, the only error is VerificationError."""
    try:
        issued = IssuedCertificate.from_pem(_arn(), certificate, chain)
    except VerificationError:
        return
    assert isinstance(issued.certificate, x509.Certificate)


class TestSigningAlgorithm:
    """verify(request=...) also checks the certificate is signed the way the request asked."""

    def test_other_hash_is_caught(
        self, mini_ca: MiniCa, csr: x509.CertificateSigningRequest
    ) -> None:
        """Signed with SHA256WITHECDSA while SHA384WITHECDSA was asked: a mismatch."""
        issued = _issued(mini_ca, csr)
        issued.verify(request=_request(csr, signing_algorithm="SHA256WITHECDSA"))
        with pytest.raises(
            VerificationError,
            match="signed with SHA256WITHECDSA, not the requested SHA384WITHECDSA",
        ):
            issued.verify(request=_request(csr, signing_algorithm="SHA384WITHECDSA"))

    def test_rsa_pss_hash_is_compared(self, csr: x509.CertificateSigningRequest) -> None:
        """RSA-PSS shares one OID; the hash in its parameters tells the algorithms apart."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "PSS Root")])
        now = datetime.now(timezone.utc)
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
        root = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(1)
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256(), rsa_padding=pss)
        )
        leaf = (
            x509.CertificateBuilder()
            .subject_name(csr.subject)
            .issuer_name(name)
            .public_key(csr.public_key())
            .serial_number(SERIAL)
            .not_valid_before(now - timedelta(minutes=60))
            .not_valid_after(now + timedelta(days=90))
            .sign(key, hashes.SHA256(), rsa_padding=pss)
        )
        issued = IssuedCertificate.from_api(_arn(), MiniCa(key, root, (root,)).answer(leaf))  # type: ignore[arg-type]
        issued.verify(request=_request(csr, signing_algorithm="SHA256WITHRSA_PSS"))
        with pytest.raises(VerificationError, match="signed with SHA256WITHRSA_PSS, not the"):
            issued.verify(request=_request(csr, signing_algorithm="SHA384WITHRSA_PSS"))
        with pytest.raises(VerificationError, match=r"not the requested SHA256WITHRSA$"):
            issued.verify(request=_request(csr, signing_algorithm="SHA256WITHRSA"))

    def test_unknown_algorithm_is_named_by_its_oid(
        self, csr: x509.CertificateSigningRequest
    ) -> None:
        """A signature no SigningAlgorithm stands for is reported with its OID."""
        key = ed25519.Ed25519PrivateKey.generate()
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Ed Root")])
        now = datetime.now(timezone.utc)
        root = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(1)
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=365))
            .sign(key, None)
        )
        leaf = (
            x509.CertificateBuilder()
            .subject_name(csr.subject)
            .issuer_name(name)
            .public_key(csr.public_key())
            .serial_number(SERIAL)
            .not_valid_before(now - timedelta(minutes=60))
            .not_valid_after(now + timedelta(days=90))
            .sign(key, None)
        )
        issued = IssuedCertificate.from_api(_arn(), MiniCa(key, root, (root,)).answer(leaf))  # type: ignore[arg-type]
        with pytest.raises(VerificationError, match=r"signed with the algorithm 1\.3\.101\.112"):
            issued.verify(request=_request(csr))

    def test_an_algorithm_the_table_lacks_is_not_judged(
        self, mini_ca: MiniCa, csr: x509.CertificateSigningRequest, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A signing algorithm newer than the library's table is let through, not refused."""
        issued = _issued(mini_ca, csr)
        monkeypatch.delitem(_issued_module._SIGNATURE_OIDS, "SHA384WITHECDSA")
        issued.verify(request=_request(csr, signing_algorithm="SHA384WITHECDSA"))

    def test_pss_hash_that_cannot_be_read(self) -> None:
        """An RSA-PSS signature whose hash cryptography cannot name is compared by OID alone."""

        class _Unreadable:
            signature_algorithm_oid = x509.ObjectIdentifier("1.2.840.113549.1.1.10")

            @property
            def signature_hash_algorithm(self) -> hashes.HashAlgorithm:
                raise UnsupportedAlgorithm("unknown hash")

        used = _issued_module._signing_algorithm_of(_Unreadable())  # type: ignore[arg-type]
        assert used == ("1.2.840.113549.1.1.10", None)
