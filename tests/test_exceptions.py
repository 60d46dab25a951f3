"""The exception family: its shape, the code table and the messages."""

from __future__ import annotations

import inspect

import botocore.session
import pytest

from acmpca_issue import CertificateArn, exceptions
from acmpca_issue.exceptions import (
    SERVICE_ERRORS,
    AcmPcaIssueError,
    InvalidArnError,
    InvalidCsrError,
    InvalidRequestError,
    IssuanceTimeoutError,
    Problem,
    ServiceError,
    ThrottlingError,
    service_error_class,
)


def _classes() -> list[type[BaseException]]:
    return [
        obj
        for _, obj in inspect.getmembers(exceptions, inspect.isclass)
        if issubclass(obj, BaseException) and obj.__module__ == exceptions.__name__
    ]


@pytest.mark.parametrize("cls", _classes(), ids=lambda c: c.__name__)
def test_every_exception_derives_from_the_base(cls: type[BaseException]) -> None:
    """No error class escapes ``except AcmPcaIssueError``."""
    assert issubclass(cls, AcmPcaIssueError)


def test_invalid_request_errors_are_value_errors() -> None:
    """Local rejections are ValueErrors too, like attrs' errors subclass builtins."""
    for cls in (InvalidRequestError, InvalidArnError, InvalidCsrError):
        assert issubclass(cls, ValueError)
        assert issubclass(cls, InvalidRequestError)


def test_every_modeled_error_code_has_its_own_class() -> None:
    """Each error shape in botocore's acm-pca model maps to a specific subclass."""
    model = botocore.session.get_session().get_service_model("acm-pca")
    for shape in model.error_shapes:
        cls = service_error_class(shape.name)
        assert cls is not ServiceError, shape.name
        assert cls.code == shape.name


@pytest.mark.parametrize(
    "code", ["ThrottlingException", "AccessDeniedException", "ValidationException"]
)
def test_unmodeled_common_codes_have_classes(code: str) -> None:
    """Codes every AWS service answers but the model omits are mapped too."""
    cls = service_error_class(code)
    assert cls is not ServiceError
    assert cls.code == code


def test_unknown_code_falls_back_to_the_base_and_keeps_the_code() -> None:
    """A code AWS adds later still carries its name."""
    assert service_error_class("BrandNewException") is ServiceError
    error = ServiceError("new", code="BrandNewException")
    assert error.code == "BrandNewException"
    assert str(error) == "BrandNewException: new"


def test_aliases_map_to_the_same_class() -> None:
    """Throttling spelled another way is still ThrottlingError."""
    assert SERVICE_ERRORS["Throttling"] is ThrottlingError
    assert SERVICE_ERRORS["ThrottlingException"] is ThrottlingError


def test_the_code_table_is_read_only() -> None:
    """SERVICE_ERRORS cannot be changed by accident at run time."""
    with pytest.raises(TypeError):
        SERVICE_ERRORS["ThrottlingException"] = ServiceError  # type: ignore[index]


def test_retryable_flags() -> None:
    """Throttling is retryable; a quota or bad input never is."""
    assert service_error_class("ThrottlingException").retryable
    assert not service_error_class("LimitExceededException").retryable
    assert not service_error_class("InvalidArgsException").retryable
    assert not service_error_class("MalformedCSRException").retryable


def test_service_error_message_names_operation_code_and_hint() -> None:
    """The one-line message says what failed, with which code, and what to do."""
    cls = service_error_class("InvalidArgsException")
    error = cls("bad algorithm", request_id="r-1", operation="IssueCertificate")
    text = str(error)
    assert text.startswith("IssueCertificate failed with InvalidArgsException: bad algorithm")
    assert "signing algorithm" in text
    assert error.request_id == "r-1"
    assert error.message == "bad algorithm"
    assert cls("x", hint="").hint == ""


def test_invalid_request_error_collects_problems() -> None:
    """Every problem is kept with its path, and the message lists them."""
    error = InvalidRequestError([("validity.value", "must be >= 1"), ("csr", "garbage")])
    assert error.problems == (Problem("validity.value", "must be >= 1"), Problem("csr", "garbage"))
    assert str(error) == "2 problems:\n  - validity.value: must be >= 1\n  - csr: garbage"


def test_invalid_request_error_from_a_message() -> None:
    """A plain message is one problem at the given path (or the whole value)."""
    assert str(InvalidRequestError("bad", path="idempotency_token")) == "idempotency_token: bad"
    assert InvalidRequestError("bad").problems == (Problem("", "bad"),)
    assert InvalidRequestError([]).problems == (Problem("", "invalid input"),)


def test_at_reroots_paths_and_keeps_the_class() -> None:
    """Nested errors are placed under their parent's field."""
    error = InvalidArnError([("", "account must be 12 digits"), ("[0]", "x"), ("a", "y")])
    moved = error.at("certificate_authority_arn")
    assert type(moved) is InvalidArnError
    assert [p.path for p in moved.problems] == [
        "certificate_authority_arn",
        "certificate_authority_arn[0]",
        "certificate_authority_arn.a",
    ]
    assert error.at("").problems == error.problems


def test_issuance_timeout_keeps_the_arn() -> None:
    """A timeout never loses the certificate's ARN."""
    arn = CertificateArn.parse(
        "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/"
        "12345678-1234-1234-1234-123456789012/certificate/6707447683a9b7f4055627ffd55cebcc"
    )
    error = IssuanceTimeoutError("late", certificate_arn=arn)
    assert error.certificate_arn is arn
    assert isinstance(error, TimeoutError)
