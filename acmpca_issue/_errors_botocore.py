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

from typing import Any

import botocore.exceptions

from acmpca_issue.exceptions import (
    AcmPcaIssueError,
    InvalidRequestError,
    ServiceError,
    TransportError,
    service_error_class,
)

__all__ = ["is_retryable_transport", "translate"]

# BotoCoreErrors after which the same call may be sent again: the connection failed or was
# reset, or no answer came in time. IssueCertificate is resent with the same idempotency
# token, so a request the service did process returns the same certificate ARN.
_RETRYABLE_TRANSPORT = (
    botocore.exceptions.EndpointConnectionError,
    botocore.exceptions.ConnectionClosedError,
    botocore.exceptions.ConnectTimeoutError,
    botocore.exceptions.ReadTimeoutError,
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
        return TransportError(f"{where}{type(error).__name__}: {error}")
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
    return error_class(message, code=code or None, request_id=request_id, operation=name or None)


def is_retryable_transport(error: BaseException) -> bool:
    """Whether a botocore transport error may be retried (connection failed, reset or slow)."""
    return isinstance(error, _RETRYABLE_TRANSPORT)
