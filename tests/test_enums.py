"""The string enums: values, conversion from strings, and the key-to-algorithm table."""

from __future__ import annotations

import enum

import botocore.session
import pytest

from acmpca_issue import KeyAlgorithm, SigningAlgorithm, ValidityType
from acmpca_issue._enums import ExtendedKeyUsageType, PolicyQualifierId, coerce_enum
from acmpca_issue.exceptions import InvalidRequestError


def _model_enum(shape: str) -> list[str]:
    model = botocore.session.get_session().get_service_model("acm-pca")
    values: list[str] = model.shape_for(shape).enum  # type: ignore[attr-defined]
    return values


def test_members_equal_their_aws_strings() -> None:
    """A member compares equal to, formats as and str()s to the AWS value."""
    assert SigningAlgorithm.SHA256WITHRSA == "SHA256WITHRSA"
    assert str(SigningAlgorithm.ML_DSA_44) == "ML_DSA_44"
    assert f"{ValidityType.DAYS}" == "DAYS"
    assert f"{ValidityType.DAYS:>6}" == "  DAYS"
    assert repr(KeyAlgorithm.EC_prime256v1) == "KeyAlgorithm.EC_prime256v1"


def test_all_thirteen_signing_algorithms() -> None:
    """RSA-PSS, SM2 and ML-DSA are there even where botocore's model is older."""
    assert len(SigningAlgorithm) == 13
    assert set(_model_enum("SigningAlgorithm")) <= {a.value for a in SigningAlgorithm}


@pytest.mark.parametrize(
    ("enum_type", "shape"),
    [
        (ValidityType, "ValidityPeriodType"),
        (KeyAlgorithm, "KeyAlgorithm"),
        (ExtendedKeyUsageType, "ExtendedKeyUsageType"),
        (PolicyQualifierId, "PolicyQualifierId"),
    ],
)
def test_enums_match_the_service_model(enum_type: type[enum.Enum], shape: str) -> None:
    """Each enum holds exactly the model's values."""
    assert {m.value for m in enum_type} == set(_model_enum(shape))


def test_coerce_accepts_members_and_strings() -> None:
    """Plain strings convert; members pass through."""
    assert coerce_enum(SigningAlgorithm, "SHA256WITHECDSA", "x") is SigningAlgorithm.SHA256WITHECDSA
    assert coerce_enum(ValidityType, ValidityType.YEARS, "x") is ValidityType.YEARS


@pytest.mark.parametrize("bad", ["sha256withrsa", "", 3, None, ValidityType.DAYS])
def test_coerce_refuses_with_the_valid_list(bad: object) -> None:
    """An unknown value names the field and lists every valid value."""
    with pytest.raises(InvalidRequestError) as info:
        coerce_enum(SigningAlgorithm, bad, "signing_algorithm")
    (problem,) = info.value.problems
    assert problem.path == "signing_algorithm"
    assert "SHA256WITHECDSA" in problem.message
    assert "ML_DSA_87" in problem.message


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (KeyAlgorithm.RSA_2048, {"SHA256WITHRSA", "SHA384WITHRSA", "SHA512WITHRSA"}),
        (KeyAlgorithm.EC_secp384r1, {"SHA256WITHECDSA", "SHA384WITHECDSA", "SHA512WITHECDSA"}),
        (KeyAlgorithm.ML_DSA_65, {"ML_DSA_65"}),
        (KeyAlgorithm.SM2, {"SM3WITHSM2"}),
    ],
)
def test_signing_algorithms_fit_the_key_family(key: KeyAlgorithm, expected: set[str]) -> None:
    """RSA keys take RSA and RSA-PSS; EC takes ECDSA; ML-DSA its own level; SM2 SM3."""
    allowed = {a.value for a in key.signing_algorithms()}
    if key.family == "RSA":
        expected |= {"SHA256WITHRSA_PSS", "SHA384WITHRSA_PSS", "SHA512WITHRSA_PSS"}
    assert allowed == expected


def test_extended_key_usage_oids() -> None:
    """Each named usage has one OID, the same one cryptography knows where it knows it."""
    from cryptography.x509.oid import ExtendedKeyUsageOID

    assert ExtendedKeyUsageType.SERVER_AUTH.dotted_string == (
        ExtendedKeyUsageOID.SERVER_AUTH.dotted_string
    )
    assert ExtendedKeyUsageType.SMART_CARD_LOGIN.dotted_string == (
        ExtendedKeyUsageOID.SMARTCARD_LOGON.dotted_string
    )
    assert ExtendedKeyUsageType.CERTIFICATE_TRANSPARENCY.dotted_string == (
        ExtendedKeyUsageOID.CERTIFICATE_TRANSPARENCY.dotted_string
    )
    assert ExtendedKeyUsageType.DOCUMENT_SIGNING.dotted_string == "1.3.6.1.4.1.311.10.3.12"
    assert len({usage.dotted_string for usage in ExtendedKeyUsageType}) == len(ExtendedKeyUsageType)
