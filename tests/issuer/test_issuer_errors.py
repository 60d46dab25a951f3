"""botocore errors become the acmpca_issue family: one subclass per code, chained, hinted."""

from __future__ import annotations

from typing import Any

import botocore.exceptions
import pytest
from botocore.session import Session

from acmpca_issue import Issuer
from acmpca_issue._errors_botocore import is_retryable_transport, translate
from acmpca_issue.exceptions import (
    InvalidRequestError,
    LimitExceededError,
    ResourceNotFoundError,
    ServiceError,
    ThrottlingError,
    TransportError,
)


def _model_codes() -> list[str]:
    model = Session().get_service_model("acm-pca")
    codes = []
    for shape in model.error_shapes:
        error = shape.metadata.get("error") or {}
        codes.append(error.get("code", shape.name))
    return sorted(set(codes))


def _client_error(code: str, message: str = "boom", operation: str = "IssueCertificate") -> Any:
    response: Any = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"RequestId": "req-1", "HTTPStatusCode": 400},
    }
    return botocore.exceptions.ClientError(response, operation)


@pytest.mark.parametrize(
    "code", [*_model_codes(), "ThrottlingException", "AccessDeniedException", "ValidationException"]
)
def test_every_model_code_has_its_own_class(code: str) -> None:
    """Each error code in botocore's acm-pca model maps to a specific ServiceError subclass."""
    mapped = translate(_client_error(code))
    assert isinstance(mapped, ServiceError)
    assert type(mapped) is not ServiceError, f"{code} has no mapping"
    assert mapped.code == code
    assert mapped.request_id == "req-1"
    assert mapped.operation == "IssueCertificate"


def test_the_model_lists_the_codes_we_rely_on() -> None:
    """The test above really walks the model (it is not empty)."""
    assert {"LimitExceededException", "MalformedCSRException", "RequestInProgressException"} <= set(
        _model_codes()
    )


def test_hint_and_message() -> None:
    """The message and the code's remediation hint appear in the text."""
    mapped = translate(_client_error("LimitExceededException", "too many certs"))
    assert isinstance(mapped, LimitExceededError)
    assert mapped.message == "too many certs"
    assert "Service Quotas" in str(mapped)


def test_not_found_hint_fits_the_operation() -> None:
    """Only GetCertificate's not-found hint mentions the moment after issuing."""
    on_get = translate(_client_error("ResourceNotFoundException", operation="GetCertificate"))
    on_issue = translate(_client_error("ResourceNotFoundException"))
    assert isinstance(on_get, ResourceNotFoundError)
    assert isinstance(on_issue, ResourceNotFoundError)
    assert on_get.hint.startswith(ResourceNotFoundError.default_hint)
    assert "after IssueCertificate" in on_get.hint
    assert on_issue.hint == ResourceNotFoundError.default_hint
    assert "after IssueCertificate" not in str(on_issue)


def test_unknown_code_is_the_base_class() -> None:
    """A code nobody knows still becomes a ServiceError carrying it."""
    mapped = translate(_client_error("BrandNewException"))
    assert type(mapped) is ServiceError
    assert mapped.code == "BrandNewException"


def test_client_error_without_details() -> None:
    """An error response without Error or metadata still translates."""
    error = botocore.exceptions.ClientError({}, "GetCertificate")
    mapped = translate(error, operation="GetCertificate")
    assert isinstance(mapped, ServiceError)
    assert mapped.request_id is None


def test_param_validation_is_invalid_request() -> None:
    """botocore's ParamValidationError becomes InvalidRequestError."""
    error = botocore.exceptions.ParamValidationError(report="Missing required parameter")
    assert isinstance(translate(error), InvalidRequestError)


@pytest.mark.parametrize(
    ("error", "retryable"),
    [
        (botocore.exceptions.NoCredentialsError(), False),
        (botocore.exceptions.EndpointConnectionError(endpoint_url="http://x"), True),
        (botocore.exceptions.ConnectionClosedError(endpoint_url="http://x"), True),
        (botocore.exceptions.ReadTimeoutError(endpoint_url="http://x"), True),
        (botocore.exceptions.ConnectTimeoutError(endpoint_url="http://x"), True),
    ],
)
def test_botocore_errors_are_transport_errors(error: Exception, retryable: bool) -> None:
    """Every other BotoCoreError is a TransportError; connection failures may be retried."""
    mapped = translate(error, operation="GetCertificate")
    assert isinstance(mapped, TransportError)
    assert "GetCertificate" in str(mapped)
    assert is_retryable_transport(error) is retryable


def test_other_exceptions_are_not_translated() -> None:
    """A non-botocore exception is left alone."""
    assert translate(KeyError("x")) is None


def test_throttling_class_is_retryable() -> None:
    """ThrottlingException is the retryable class."""
    assert isinstance(translate(_client_error("ThrottlingException")), ThrottlingError)


def test_from_session_turns_off_botocore_retries() -> None:
    """from_session builds a client at the endpoint with botocore's retries off."""
    issuer = Issuer.from_session(
        region_name="eu-west-1", endpoint_url="http://127.0.0.1:1", wait_timeout=5
    )
    assert issuer.client.meta.region_name == "eu-west-1"
    assert issuer.client.meta.endpoint_url == "http://127.0.0.1:1"
    retries: Any = getattr(issuer.client.meta.config, "retries", None)  # not in the stubs
    assert retries["total_max_attempts"] == 1
    assert issuer.wait_timeout == 5.0


def test_from_session_unknown_profile_is_transport_error() -> None:
    """A profile that does not exist is reported as TransportError, chained."""
    with pytest.raises(TransportError, match="no-such-profile") as caught:
        Issuer.from_session(profile_name="no-such-profile")
    assert isinstance(caught.value.__cause__, botocore.exceptions.BotoCoreError)


def test_botocore_retry_modes_and_limit_exceeded() -> None:
    """What the docs say: standard mode would retry LimitExceededException; hence our own."""
    from botocore.retries.standard import ThrottledRetryableChecker

    assert "LimitExceededException" in vars(ThrottledRetryableChecker)["_THROTTLED_ERROR_CODES"]


def test_importing_the_issuer_does_not_import_botocore() -> None:
    """from acmpca_issue import Issuer, IssuedCertificate stays cheap: no botocore yet."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from acmpca_issue import Issuer, IssuedCertificate\n"
        "assert 'botocore' not in sys.modules, 'botocore imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


class _NoAddNote(Exception):
    """An exception without ``add_note``, as every exception is on Python 3.10."""

    add_note = None
    __notes__: list[str]


@pytest.mark.parametrize("existing", [None, ["first"]])
def test_notes_without_add_note(existing: list[str] | None) -> None:
    """Where exceptions have no add_note (Python 3.10), the note still lands in __notes__."""
    from acmpca_issue._issuer_core import add_note

    error = _NoAddNote()
    if existing is not None:
        error.__notes__ = list(existing)
    add_note(error, "certificate ARN: x")
    assert error.__notes__ == [*(existing or []), "certificate ARN: x"]
