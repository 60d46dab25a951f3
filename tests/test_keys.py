"""Tests for acmpca_issue._keys: key generation, key typing, the ML-DSA capability check."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType, SimpleNamespace

import cryptography
import pytest
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from packaging.version import Version

from acmpca_issue import _keys
from acmpca_issue._enums import KeyAlgorithm
from acmpca_issue._keys import (
    MLDSA_MIN_CRYPTOGRAPHY,
    generate_private_key,
    hash_for,
    key_algorithm_of,
    mldsa_unsupported_reason,
)
from acmpca_issue.exceptions import InvalidRequestError
from tests.keytypes import key_params

FAST = [a for a in KeyAlgorithm if a not in (KeyAlgorithm.SM2, KeyAlgorithm.RSA_4096)]


@pytest.fixture
def fresh_detection() -> Iterator[None]:
    """Run the ML-DSA detection anew, and forget whatever a test made it find."""
    mldsa_unsupported_reason.cache_clear()
    yield
    mldsa_unsupported_reason.cache_clear()


class TestGenerate:
    """generate_private_key makes every key type Private CA signs."""

    @pytest.mark.parametrize("algorithm", key_params(FAST))
    def test_each_algorithm(self, algorithm: KeyAlgorithm) -> None:
        """The key made is of the requested type (read back by key_algorithm_of)."""
        key = generate_private_key(algorithm)
        assert key_algorithm_of(key) is algorithm
        assert key_algorithm_of(key.public_key()) is algorithm

    def test_default_is_p256(self) -> None:
        """Without an argument the key is EC P-256."""
        key = generate_private_key()
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        assert key.curve.name == "secp256r1"

    def test_string_algorithm(self) -> None:
        """The AWS string works as well as the enum member."""
        key = generate_private_key("EC_secp384r1")
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        assert key.curve.name == "secp384r1"

    def test_rsa_exponent(self) -> None:
        """RSA keys use the public exponent 65537."""
        key = generate_private_key(KeyAlgorithm.RSA_2048)
        assert isinstance(key, rsa.RSAPrivateKey)
        assert key.public_key().public_numbers().e == 65537

    def test_unknown_algorithm(self) -> None:
        """An unknown name is refused, naming the argument and the valid values."""
        with pytest.raises(InvalidRequestError, match="EC_prime256v1") as info:
            generate_private_key("RSA_1024")
        assert info.value.problems[0].path == "key_algorithm"

    def test_sm2_not_supported(self) -> None:
        """SM2 gets a clear 'not supported by cryptography' error."""
        with pytest.raises(InvalidRequestError, match="SM2 keys are not supported by cryptography"):
            generate_private_key(KeyAlgorithm.SM2)


class TestMlDsaDetection:
    """The ML-DSA capability check is a real detection, and its failure is reported clearly."""

    @pytest.mark.usefixtures("fresh_detection")
    def test_detection_matches_the_installed_cryptography(self) -> None:
        """From cryptography 50.0 on ML-DSA CSRs can be signed, so there is no reason to refuse;
        an older release (the lowest one supported is 42.0) is refused naming 50.0."""
        reason = mldsa_unsupported_reason()
        if Version(cryptography.__version__) >= Version(MLDSA_MIN_CRYPTOGRAPHY):
            assert reason is None
        else:
            assert reason is not None
            assert f"need cryptography >= {MLDSA_MIN_CRYPTOGRAPHY}" in reason
            assert cryptography.__version__ in reason

    @pytest.mark.usefixtures("fresh_detection")
    def test_missing_module(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without the mldsa module, ML-DSA keys are refused naming the version needed."""

        def no_module() -> ModuleType:
            raise ImportError("cannot import name 'mldsa'")

        monkeypatch.setattr(_keys, "_import_mldsa", no_module)
        reason = mldsa_unsupported_reason()
        assert reason is not None
        assert f"cryptography >= {MLDSA_MIN_CRYPTOGRAPHY}" in reason
        assert "ImportError" in reason
        for algorithm in (KeyAlgorithm.ML_DSA_44, KeyAlgorithm.ML_DSA_65, KeyAlgorithm.ML_DSA_87):
            with pytest.raises(InvalidRequestError, match=r"need cryptography >= 50\.0") as info:
                generate_private_key(algorithm)
            assert info.value.problems[0].path == "key_algorithm"
        # Other key types are unaffected, and no key is mistaken for ML-DSA.
        assert key_algorithm_of(generate_private_key()) is KeyAlgorithm.EC_prime256v1
        assert key_algorithm_of(object()) is None

    @pytest.mark.usefixtures("fresh_detection")
    def test_backend_without_mldsa(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A backend that cannot generate ML-DSA keys (UnsupportedAlgorithm) is detected."""

        def generate() -> object:
            raise UnsupportedAlgorithm("ML-DSA-44 is not supported by this backend.")

        fake = SimpleNamespace(MLDSA44PrivateKey=SimpleNamespace(generate=generate))
        monkeypatch.setattr(_keys, "_import_mldsa", lambda: fake)
        reason = mldsa_unsupported_reason()
        assert reason is not None
        assert "UnsupportedAlgorithm" in reason
        assert "not supported by this backend" in reason

    @pytest.mark.usefixtures("fresh_detection")
    def test_cannot_sign_csr(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Keys that x509 cannot sign CSRs with (an older release) are detected too."""
        fake = SimpleNamespace(MLDSA44PrivateKey=SimpleNamespace(generate=object))
        monkeypatch.setattr(_keys, "_import_mldsa", lambda: fake)
        reason = mldsa_unsupported_reason()
        assert reason is not None
        assert "TypeError" in reason

    @pytest.mark.usefixtures("fresh_detection")
    def test_detection_is_cached(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The probe runs once; later calls reuse its answer."""
        calls: list[int] = []
        real = _keys._import_mldsa

        def counting() -> ModuleType:
            calls.append(1)
            return real()

        monkeypatch.setattr(_keys, "_import_mldsa", counting)
        first = mldsa_unsupported_reason()
        assert mldsa_unsupported_reason() is first
        assert len(calls) == 1


class TestKeyAlgorithmOf:
    """key_algorithm_of names only the key types Private CA signs."""

    @pytest.mark.parametrize(
        "make",
        [
            pytest.param(ed25519.Ed25519PrivateKey.generate, id="ed25519"),
            pytest.param(ed448.Ed448PrivateKey.generate, id="ed448"),
            pytest.param(lambda: ec.generate_private_key(ec.SECP256K1()), id="secp256k1"),
            pytest.param(lambda: ec.generate_private_key(ec.BrainpoolP256R1()), id="brainpool"),
            pytest.param(lambda: rsa.generate_private_key(65537, 1024), id="rsa1024"),  # noqa: S505
            pytest.param(lambda: rsa.generate_private_key(65537, 2560), id="rsa2560"),
            pytest.param(lambda: dsa.generate_private_key(1024), id="dsa"),  # noqa: S505
            pytest.param(lambda: "not a key", id="str"),
        ],
    )
    def test_refused_types(self, make: Callable[[], object]) -> None:
        """Ed25519, Ed448, other curves, other RSA sizes, DSA and non-keys give None."""
        assert key_algorithm_of(make()) is None

    @pytest.mark.mldsa
    def test_mldsa_public_keys(self) -> None:
        """ML-DSA public keys are named by their parameter set."""
        key = generate_private_key(KeyAlgorithm.ML_DSA_87)
        assert key_algorithm_of(key.public_key()) is KeyAlgorithm.ML_DSA_87


class TestHashFor:
    """hash_for picks the hash that fits the key."""

    @pytest.mark.parametrize(
        ("algorithm", "expected"),
        [
            (KeyAlgorithm.RSA_2048, hashes.SHA256),
            (KeyAlgorithm.RSA_3072, hashes.SHA256),
            (KeyAlgorithm.RSA_4096, hashes.SHA256),
            (KeyAlgorithm.EC_prime256v1, hashes.SHA256),
            (KeyAlgorithm.EC_secp384r1, hashes.SHA384),
            (KeyAlgorithm.EC_secp521r1, hashes.SHA512),
        ],
    )
    def test_classic(self, algorithm: KeyAlgorithm, expected: type[hashes.HashAlgorithm]) -> None:
        """SHA-256 for RSA and P-256, SHA-384 for P-384, SHA-512 for P-521."""
        assert isinstance(hash_for(algorithm), expected)

    @pytest.mark.parametrize(
        "algorithm", [KeyAlgorithm.ML_DSA_44, KeyAlgorithm.ML_DSA_65, KeyAlgorithm.ML_DSA_87]
    )
    @pytest.mark.mldsa
    def test_mldsa_has_no_hash(self, algorithm: KeyAlgorithm) -> None:
        """ML-DSA signs without a separate hash, and such a CSR verifies."""
        assert hash_for(algorithm) is None
        key = generate_private_key(algorithm)
        csr = (
            x509.CertificateSigningRequestBuilder()
            .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "a")]))
            .sign(key, hash_for(algorithm))
        )
        assert csr.is_signature_valid
        assert csr.signature_hash_algorithm is None
