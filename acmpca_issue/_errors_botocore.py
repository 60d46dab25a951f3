"""botocore errors translated, in one place, into the acmpca_issue exception family.

Imported only by :mod:`acmpca_issue._issuer` (which imports it lazily), so ``import
acmpca_issue`` never loads botocore.

Example::

    try:
        client.issue_certificate(**params)
    except Exception as error:
        mapped = translate(error, operation="IssueCertificate")
        if mapped is None:
            raise
        raise mapped from error
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import botocore.exceptions

from acmpca_issue.exceptions import (
    AcmPcaIssueError,
    InvalidRequestError,
    ResourceNotFoundError,
    ServiceError,
    TransportError,
    service_error_class,
)

__all__ = [
    "NEVER_RETRIED",
    "NO_CREDENTIALS_FIX",
    "RefusalNotRetried",
    "is_retryable_transport",
    "never_retry_refusals",
    "translate",
    "unretried_call",
]

#: Error codes that are a quota or bad input: sending the same call again cannot succeed, and
#: each attempt of a billed call costs money, so neither the Issuer nor botocore resends them.
NEVER_RETRIED = frozenset(
    {"LimitExceededException", "InvalidArgsException", "MalformedCSRException"}
)
_HANDLER_ID = "acmpca-issue-never-retry-refusals"
# Set while the Issuer's own call is in flight: per thread for the Issuer, per task for the
# AsyncIssuer (each asyncio task runs in a copy of the context).
_unretried: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "acmpca_issue_unretried", default=False
)

# BotoCoreErrors after which the same call may be sent again: the connection failed or was
# reset, or no answer came in time. IssueCertificate is resent with the same idempotency
# token, so a request the service did process returns the same certificate ARN.
_RETRYABLE_TRANSPORT = (
    botocore.exceptions.EndpointConnectionError,
    botocore.exceptions.ConnectionClosedError,
    botocore.exceptions.ConnectTimeoutError,
    botocore.exceptions.ReadTimeoutError,
)


_NO_CREDENTIALS = (
    botocore.exceptions.NoCredentialsError,
    botocore.exceptions.PartialCredentialsError,
)
#: What a missing-credentials error says to do about it.
NO_CREDENTIALS_FIX = (
    "for AWS, configure credentials (aws configure, AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
    "AWS_SECRET_ACCESS_KEY); a local Private CA needs none: use LocalPrivateCA().issuer(), "
    "or export the lines `acmpca-issue local-ca serve` prints (any placeholder keys work)"
)


def translate(error: BaseException, *, operation: str | None = None) -> AcmPcaIssueError | None:
    """The acmpca_issue error for a botocore exception, or ``None`` for anything else.

    Args:
        error: the exception a botocore client raised.
        operation: the operation name, when ``error`` does not carry it.

    Returns:
        A :class:`ServiceError` subclass for a ``ClientError`` (picked by its code, with the
        code's remediation hint), :class:`InvalidRequestError` for a ``ParamValidationError``,
        :class:`TransportError` for any other ``BotoCoreError``; ``None`` if ``error`` is not
        a botocore exception. The caller raises it ``from error``.
    """
    if isinstance(error, botocore.exceptions.ClientError):
        return _service_error(error, operation)
    if isinstance(error, botocore.exceptions.ParamValidationError):
        return InvalidRequestError(f"botocore rejected the parameters: {error}")
    if isinstance(error, botocore.exceptions.BotoCoreError):
        where = f"{operation}: " if operation else ""
        fix = f"; {NO_CREDENTIALS_FIX}" if isinstance(error, _NO_CREDENTIALS) else ""
        return TransportError(f"{where}{type(error).__name__}: {error}{fix}")
    return None


def _service_error(error: botocore.exceptions.ClientError, operation: str | None) -> ServiceError:
    response: Any = error.response or {}
    details = response.get("Error") or {}
    metadata = response.get("ResponseMetadata") or {}
    code = str(details.get("Code") or "")
    message = str(details.get("Message") or details.get("message") or "")
    request_id = metadata.get("RequestId") or None
    name = getattr(error, "operation_name", None) or operation
    error_class = service_error_class(code)
    return error_class(
        message,
        code=code or None,
        request_id=request_id,
        operation=name or None,
        hint=_OPERATION_HINTS.get((error_class, name)),
    )


# Hints that hold for one operation only; the others take the class's default hint.
_OPERATION_HINTS: dict[tuple[type[ServiceError], str | None], str] = {
    (ResourceNotFoundError, "GetCertificate"): (
        f"{ResourceNotFoundError.default_hint}; a new certificate's ARN is unknown for a moment "
        "after IssueCertificate"
    ),
}


class RefusalNotRetried(Exception):
    """Raised inside botocore's retry decision to end a call the service refused for good.

    Attributes:
        error: the ``ClientError`` botocore would have raised after its retries.
    """

    def __init__(self, error: botocore.exceptions.ClientError) -> None:
        super().__init__(str(error))
        self.error = error


def never_retry_refusals(client: Any) -> None:
    """Stop ``client``'s own retries of :data:`NEVER_RETRIED` codes during the Issuer's calls.

    botocore's standard and adaptive retry modes count ``LimitExceededException`` as
    throttling and resend the call up to ``max_attempts`` times. This registers a first
    ``needs-retry`` handler on the client that, only inside :func:`unretried_call` in the same
    thread or asyncio task, ends the call at the first such answer; the client's other calls,
    and its retries of throttling and connection errors, are unchanged. Registering twice is
    harmless. It works on an aiobotocore client too.

    Args:
        client: a botocore or boto3 ``acm-pca`` client.
    """
    exceptions = client.exceptions

    def stop(response: Any = None, operation: Any = None, **_: Any) -> None:
        # ``response`` is (http_response, parsed) when an answer came, None after an exception.
        if response is None or not _unretried.get():
            return
        parsed: Any = response[1]
        code = (parsed.get("Error") or {}).get("Code")
        if code in NEVER_RETRIED:
            error_class: Any = exceptions.from_code(code)
            raise RefusalNotRetried(error_class(parsed, operation.name))

    client.meta.events.register_first("needs-retry.acm-pca", stop, unique_id=_HANDLER_ID)


@contextmanager
def unretried_call() -> Iterator[None]:
    """Within this block, on this thread or task, :data:`NEVER_RETRIED` refusals are not resent."""
    token = _unretried.set(True)
    try:
        yield
    finally:
        _unretried.reset(token)


def is_retryable_transport(error: BaseException) -> bool:
    """Whether a botocore transport error may be retried (connection failed, reset or slow)."""
    return isinstance(error, _RETRYABLE_TRANSPORT)
