"""The awsJson1_1 wire protocol of the local Private CA: decode, validate, dispatch, encode.

Both transports (the in-process botocore client and the HTTP server) hand the raw request to
:func:`handle_request`, which checks it against the botocore service model exactly as the
service would, calls the engine's ``dispatch`` and encodes its answer (or its error) the way
AWS Private CA does::

    response = handle_request(
        dispatch,
        method="POST",
        path="/",
        headers={"X-Amz-Target": "ACMPrivateCA.GetCertificate"},
        body=b'{"CertificateAuthorityArn": "...", "CertificateArn": "..."}',
    )
    response.status, response.headers["Content-Type"], response.body

Error codes chosen where the service's behaviour is not in its model (see docs/local-protocol.md):

- the body is not a JSON object, a member has the wrong JSON type, a member is not in the input
  shape, a blob is not base64: ``SerializationException`` (400);
- a required member is missing or a value breaks a length, range, pattern or enum constraint:
  ``ValidationException`` (400) with AWS's ``N validation error(s) detected: ...`` message;
- the ``X-Amz-Target`` header is missing or names no operation: ``UnknownOperationException``
  ("The requested operation is not recognized by the service.");
- the engine fails with anything but :class:`LocalServiceError`: ``InternalFailure`` (500).

These framework errors, and ``ThrottlingException``, carry the framework's namespace in
``__type`` (:data:`FRAMEWORK_ERROR_TYPES`) whichever layer raises them.
"""

from __future__ import annotations

import base64
import binascii
import contextvars
import datetime as dt
import functools
import json
import logging
import math
import re
import unicodedata
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

__all__ = [
    "FRAMEWORK_ERROR_TYPES",
    "JSON_CONTENT_TYPE",
    "TARGET_PREFIX",
    "UNKNOWN_OPERATION_MESSAGE",
    "Dispatch",
    "LocalServiceError",
    "WireResponse",
    "current_region",
    "error_type",
    "handle_request",
    "service_model",
    "signature_problem",
]

logger = logging.getLogger(__name__)

Dispatch = Callable[[str, dict[str, Any]], dict[str, Any]]
"""``dispatch(operation_name, params) -> output members``; raises :class:`LocalServiceError`."""

JSON_CONTENT_TYPE = "application/x-amz-json-1.1"
TARGET_PREFIX = "ACMPrivateCA"
DEFAULT_REGION = "us-east-1"

_SERIALIZATION = "SerializationException"
_VALIDATION = "ValidationException"
_UNKNOWN_OPERATION = "UnknownOperationException"
_INTERNAL = "InternalFailure"

#: The ``__type`` of the errors that come from AWS's service framework rather than from AWS
#: Private CA's model: AWS JSON services send them with the framework's namespace, e.g.
#: ``{"__type": "com.amazon.coral.validate#ValidationException", ...}``, whoever raised them
#: (model validation or the CA's own range checks). Every SDK strips the namespace, so a
#: botocore ``ClientError`` still has ``Error.Code == "ValidationException"``. Codes of the
#: acm-pca model (``InvalidArgsException``, ...) are sent bare, as the service sends them.
FRAMEWORK_ERROR_TYPES: Mapping[str, str] = {
    "SerializationException": "com.amazon.coral.service#SerializationException",
    "UnknownOperationException": "com.amazon.coral.service#UnknownOperationException",
    "InternalFailure": "com.amazon.coral.service#InternalFailure",
    "MissingAuthenticationTokenException": (
        "com.amazon.coral.service#MissingAuthenticationTokenException"
    ),
    "IncompleteSignatureException": "com.amazon.coral.service#IncompleteSignatureException",
    "InvalidSignatureException": "com.amazon.coral.service#InvalidSignatureException",
    "ValidationException": "com.amazon.coral.validate#ValidationException",
    "ThrottlingException": "com.amazon.coral.availability#ThrottlingException",
}

#: The message of ``UnknownOperationException``, as AWS's service framework words it.
UNKNOWN_OPERATION_MESSAGE = "The requested operation is not recognized by the service."

_REGION = contextvars.ContextVar("acmpca_issue_local_region", default=DEFAULT_REGION)
_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/([a-z0-9-]+)/", re.ASCII)


class LocalServiceError(Exception):
    """A service error the engine answers, sent as ``{"__type": code, "message": message}``.

    Args:
        code: The error code, e.g. ``"InvalidArgsException"``.
        message: The human-readable message.
        status: The HTTP status code (400 for client errors).
    """

    def __init__(self, code: str, message: str, *, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


@dataclass(frozen=True)
class WireResponse:
    """One HTTP response: status, headers and body bytes."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def request_id(self) -> str:
        """The ``x-amzn-RequestId`` header."""
        return self.headers["x-amzn-RequestId"]


def current_region() -> str:
    """The region the request being handled was signed for (``us-east-1`` when unknown).

    Both transports sign with SigV4, so the region comes from the credential scope of the
    ``Authorization`` header. Only meaningful while ``dispatch`` runs.
    """
    return _REGION.get()


@functools.cache
def service_model() -> ServiceModel:
    """The botocore ``acm-pca`` service model, loaded once."""
    import botocore.session

    return botocore.session.get_session().get_service_model("acm-pca")


@functools.cache
def _operation_model(name: str) -> OperationModel | None:
    model = service_model()
    if name not in model.operation_names:
        return None
    return model.operation_model(name)


class _SerializationError(Exception):
    """The body does not deserialize into the input shape."""


class _OutputError(Exception):
    """The engine returned something the output shape cannot hold."""


def handle_request(
    dispatch: Dispatch,
    *,
    method: str,
    path: str,
    headers: Mapping[str, str],
    body: bytes,
    require_signature: bool = False,
) -> WireResponse:
    """Answer one raw request the way AWS Private CA does; never raises.

    Args:
        dispatch: The engine entry point.
        method: The HTTP method.
        path: The request path (without query string).
        headers: The request headers (any case).
        body: The raw request body.
        require_signature: Refuse a request without a well-formed SigV4 ``Authorization``
            header, as the service does (see :func:`signature_problem`); by default any
            request is answered, signed or not.

    Returns:
        The response to send: JSON body, ``Content-Type`` and ``x-amzn-RequestId`` headers.
    """
    request_id = str(uuid.uuid4())
    try:
        lowered = {key.lower(): value for key, value in headers.items()}
        return _handle(
            dispatch,
            request_id=request_id,
            method=method,
            path=path,
            headers=lowered,
            body=body,
            require_signature=require_signature,
        )
    except Exception:
        logger.exception("internal failure handling request %s", request_id)
        return _error(request_id, _INTERNAL, "An internal error occurred.", 500)


def _handle(
    dispatch: Dispatch,
    *,
    request_id: str,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes,
    require_signature: bool,
) -> WireResponse:
    content_type = headers.get("content-type", "").split(";")[0].strip().lower()
    if (
        "smithy-protocol" in headers
        or content_type == "application/cbor"
        or path.startswith("/service/")
    ):
        return _error(
            request_id,
            "UnsupportedMediaTypeException",
            "This endpoint speaks the awsJson1_1 protocol only (POST /, Content-Type "
            f"{JSON_CONTENT_TYPE}, X-Amz-Target {TARGET_PREFIX}.<Operation>); "
            "smithy-rpc-v2-cbor is not supported.",
            415,
        )
    if path != "/":
        return _error(request_id, "NotFoundException", f"No resource at {path!r}.", 404)
    if method != "POST":
        return _error(
            request_id, "MethodNotAllowedException", f"Method {method} is not allowed.", 405
        )
    target = headers.get("x-amz-target", "")
    prefix, _, name = target.partition(".")
    operation = _operation_model(name) if prefix == TARGET_PREFIX else None
    if operation is None:
        return _error(request_id, _UNKNOWN_OPERATION, UNKNOWN_OPERATION_MESSAGE, 400)
    if require_signature:
        problem = signature_problem(headers)
        if problem is not None:
            return _error(request_id, problem[0], problem[1], 400)
    try:
        params = _parse_body(body, operation)
    except _SerializationError as error:
        return _error(request_id, _SERIALIZATION, str(error), 400)
    except _ValidationErrors as error:
        return _error(request_id, _VALIDATION, str(error), 400)
    token = _REGION.set(_region_of(headers))
    try:
        output = dispatch(operation.name, params)
    except LocalServiceError as error:
        return _error(request_id, error.code, error.message, error.status)
    finally:
        _REGION.reset(token)
    encoded = _encode_output(operation, output)
    return _response(request_id, 200, encoded)


_SIGV4_ALGORITHM = "AWS4-HMAC-SHA256"
_SIGV4_PARTS = ("Credential", "Signature", "SignedHeaders")


def signature_problem(headers: Mapping[str, str]) -> tuple[str, str] | None:
    """Why the service would refuse the request's SigV4 ``Authorization``, or ``None``.

    The checks and their wording are AWS's service framework's, in its order: no
    ``AWS4-`` Authorization header is ``MissingAuthenticationTokenException``; a part that is no
    ``key=value`` pair, a missing ``Credential``, ``Signature`` or ``SignedHeaders`` part, no
    ``X-Amz-Date`` or ``Date`` header, another algorithm or a credential that is not
    ``keyid/date/region/service/aws4_request`` is ``IncompleteSignatureException``; a credential
    scoped to another service or terminator is ``InvalidSignatureException``. The signature
    itself is not verified: the local Private CA knows no secret keys, so any credentials do.

    Args:
        headers: The request headers, names in lower case.

    Returns:
        ``(code, message)`` of the refusal, or ``None`` for a well-formed signature.
    """
    authorization = headers.get("authorization", "").strip()
    if not authorization.startswith("AWS4-"):
        return "MissingAuthenticationTokenException", "Request is missing Authentication Token"
    algorithm, _, rest = authorization.partition(" ")
    parts: dict[str, str] = {}
    for raw in rest.split(","):
        part = raw.strip()
        if not part:
            continue
        key, equals, value = part.partition("=")
        if not equals:
            return (
                "IncompleteSignatureException",
                f"'{part}' not a valid key=value pair (missing equal-sign) in Authorization "
                f"header: '{authorization}'.",
            )
        parts[key] = value
    missing = [
        f"Authorization header requires '{name}' parameter. "
        for name in _SIGV4_PARTS
        if not parts.get(name)
    ]
    if "x-amz-date" not in headers and "date" not in headers:
        missing.append(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
        )
    if missing:
        return "IncompleteSignatureException", "".join(missing) + f"Authorization={authorization}"
    if algorithm != _SIGV4_ALGORITHM:
        return (
            "IncompleteSignatureException",
            f"Unsupported AWS 'algorithm': '{algorithm}' (only {_SIGV4_ALGORITHM} for now). ",
        )
    credential = parts["Credential"]
    scope = credential.rstrip("/").split("/")
    if len(scope) != 5:
        return (
            "IncompleteSignatureException",
            "Credential must have exactly 5 slash-delimited elements, e.g. "
            f"keyid/date/region/service/term, got '{credential}'",
        )
    wrong = []
    service = service_model().signing_name
    if scope[3] != service:
        wrong.append(f"Credential should be scoped to correct service: '{service}'. ")
    if scope[4] != "aws4_request":
        wrong.append(
            f"Credential should be scoped with a valid terminator: 'aws4_request', not "
            f"'{scope[4]}'. "
        )
    if wrong:
        return "InvalidSignatureException", "".join(wrong).rstrip()
    return None


def _region_of(headers: Mapping[str, str]) -> str:
    match = _CREDENTIAL_SCOPE.search(headers.get("authorization", ""))
    return match.group(1) if match else DEFAULT_REGION


def _response(request_id: str, status: int, payload: Mapping[str, Any]) -> WireResponse:
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=True).encode("ascii")
    return WireResponse(
        status=status,
        headers={
            "x-amzn-RequestId": request_id,
            "Content-Type": JSON_CONTENT_TYPE,
            "Content-Length": str(len(body)),
        },
        body=body,
    )


def error_type(code: str) -> str:
    """The ``__type`` the service sends for ``code`` (see :data:`FRAMEWORK_ERROR_TYPES`)."""
    return FRAMEWORK_ERROR_TYPES.get(code, code)


def _error(request_id: str, code: str, message: str, status: int) -> WireResponse:
    response = _response(request_id, status, {"__type": error_type(code), "message": message})
    response.headers["x-amzn-ErrorType"] = code
    return response


# -- decoding and validation ------------------------------------------------------------------


class _ValidationErrors(Exception):
    """Constraint violations, formatted as AWS's ValidationException message."""

    def __init__(self, problems: list[str]) -> None:
        count = len(problems)
        noun = "error" if count == 1 else "errors"
        super().__init__(f"{count} validation {noun} detected: " + "; ".join(problems))


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _parse_body(body: bytes, operation: OperationModel) -> dict[str, Any]:
    try:
        text = body.decode("utf-8")
        document = json.loads(text, parse_constant=_reject_constant) if text.strip() else {}
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise _SerializationError(f"The request body is not valid JSON: {error}") from None
    if not isinstance(document, dict):
        raise _SerializationError("The request body must be a JSON object.")
    shape = operation.input_shape
    if shape is None:
        if document:
            raise _SerializationError(f"{operation.name} takes no input members.")
        return {}
    problems: list[str] = []
    params: dict[str, Any] = _decode(shape, document, "", problems)
    if problems:
        raise _ValidationErrors(problems)
    return params


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _show(value: Any) -> str:
    if value is None:
        return "Value null"
    if isinstance(value, bool):
        return f"Value '{str(value).lower()}'"
    if isinstance(value, bytes):
        return f"Value '<{len(value)} bytes>'"
    if isinstance(value, (list, dict)):
        return f"Value '<{len(value)} items>'"
    return f"Value '{value}'"


def _decode(shape: Shape, value: Any, path: str, problems: list[str]) -> Any:
    kind = shape.type_name
    where = path or "body"
    if kind == "structure":
        if not isinstance(value, dict):
            raise _SerializationError(f"Expected an object at '{where}'.")
        members = cast("StructureShape", shape).members
        result: dict[str, Any] = {}
        for key, item in value.items():
            if key not in members:
                raise _SerializationError(f"Unknown member '{key}' at '{where}'.")
            if item is None:
                continue
            child = f"{path}.{_camel(key)}" if path else _camel(key)
            result[key] = _decode(members[key], item, child, problems)
        for key in shape.required_members:
            if key not in result:
                child = f"{path}.{_camel(key)}" if path else _camel(key)
                problems.append(
                    f"Value null at '{child}' failed to satisfy constraint: Member must not be null"
                )
        return result
    if kind == "list":
        if not isinstance(value, list):
            raise _SerializationError(f"Expected an array at '{where}'.")
        items = []
        for index, item in enumerate(value, start=1):
            if item is None:
                raise _SerializationError(f"Null element at '{where}.{index}.member'.")
            items.append(_decode(shape.member, item, f"{path}.{index}.member", problems))  # type: ignore[attr-defined]
        _check_length(shape, value, len(value), path, problems)
        return items
    if kind == "map":
        if not isinstance(value, dict):
            raise _SerializationError(f"Expected an object at '{where}'.")
        mapping = {}
        for key, item in value.items():
            if item is None:
                raise _SerializationError(f"Null value at '{where}.{key}'.")
            _decode(shape.key, key, f"{path}.{key}.key", problems)  # type: ignore[attr-defined]
            mapping[key] = _decode(shape.value, item, f"{path}.{key}.value", problems)  # type: ignore[attr-defined]
        _check_length(shape, value, len(value), path, problems)
        return mapping
    if kind == "string":
        if not isinstance(value, str):
            raise _SerializationError(f"Expected a string at '{where}'.")
        _check_length(shape, value, len(value), path, problems)
        _check_string(shape, value, path, problems)
        return value
    if kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            raise _SerializationError(f"Expected an integer at '{where}'.")
        _check_range(shape, value, path, problems)
        return value
    if kind in ("float", "double"):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise _SerializationError(f"Expected a number at '{where}'.")
        _check_range(shape, value, path, problems)
        return float(value)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _SerializationError(f"Expected a boolean at '{where}'.")
        return value
    if kind == "blob":
        if not isinstance(value, str):
            raise _SerializationError(f"Expected a base64 string at '{where}'.")
        try:
            data = base64.b64decode(value.encode("ascii"), validate=True)
        except (UnicodeEncodeError, binascii.Error):
            raise _SerializationError(f"Invalid base64 at '{where}'.") from None
        _check_length(shape, data, len(data), path, problems)
        return data
    if kind == "timestamp":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise _SerializationError(f"Expected epoch seconds at '{where}'.")
        try:
            return dt.datetime.fromtimestamp(value, tz=dt.timezone.utc)
        except (OverflowError, OSError, ValueError):
            raise _SerializationError(f"Timestamp out of range at '{where}'.") from None
    raise _SerializationError(f"Unsupported shape type {kind!r} at '{where}'.")  # pragma: no cover


def _check_length(shape: Shape, value: Any, length: int, path: str, problems: list[str]) -> None:
    meta = shape.metadata
    if "min" in meta and length < meta["min"]:
        problems.append(
            f"{_show(value)} at '{path}' failed to satisfy constraint: "
            f"Member must have length greater than or equal to {meta['min']}"
        )
    if "max" in meta and length > meta["max"]:
        problems.append(
            f"{_show(value)} at '{path}' failed to satisfy constraint: "
            f"Member must have length less than or equal to {meta['max']}"
        )


def _check_range(shape: Shape, value: float, path: str, problems: list[str]) -> None:
    meta = shape.metadata
    if "min" in meta and value < meta["min"]:
        problems.append(
            f"{_show(value)} at '{path}' failed to satisfy constraint: "
            f"Member must have value greater than or equal to {meta['min']}"
        )
    if "max" in meta and value > meta["max"]:
        problems.append(
            f"{_show(value)} at '{path}' failed to satisfy constraint: "
            f"Member must have value less than or equal to {meta['max']}"
        )


def _check_string(shape: Shape, value: str, path: str, problems: list[str]) -> None:
    enum: list[str] = shape.enum  # type: ignore[attr-defined]
    if enum and value not in enum:
        problems.append(
            f"{_show(value)} at '{path}' failed to satisfy constraint: "
            f"Member must satisfy enum value set: [{', '.join(enum)}]"
        )
    pattern = shape.metadata.get("pattern")
    if pattern is not None and _compiled(pattern).search(value) is None:
        problems.append(
            f"{_show(value)} at '{path}' failed to satisfy constraint: "
            f"Member must satisfy regular expression pattern: {pattern}"
        )


_PROPERTY = re.compile(r"\\p\{([A-Za-z]+)\}")


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    """Compile a model pattern: unanchored (like the service), ASCII ``\\w``/``\\d``/``\\s``.

    Python's ``re`` has no ``\\p{..}`` Unicode classes; they are expanded to ranges built from
    ``unicodedata`` (only the tag key and value patterns use them).
    """
    return re.compile(_PROPERTY.sub(lambda m: _category_ranges(m.group(1)), pattern), re.ASCII)


# Planes 4-16 hold no letters, numbers or separators (only tags, variation selectors and
# private use), so the scan stops at the end of plane 3.
_LAST_SCANNED = 0x3FFFF


@functools.cache
def _category_ranges(category: str) -> str:
    ranges: list[str] = []
    start = -1
    for code in range(_LAST_SCANNED + 2):
        inside = code <= _LAST_SCANNED and unicodedata.category(chr(code)).startswith(category)
        if inside and start < 0:
            start = code
        elif not inside and start >= 0:
            last = code - 1
            ranges.append(_escape(start) if start == last else f"{_escape(start)}-{_escape(last)}")
            start = -1
    return "".join(ranges)


def _escape(code: int) -> str:
    return f"\\U{code:08x}"


# -- encoding ----------------------------------------------------------------------------------


def _encode_output(operation: OperationModel, output: Any) -> dict[str, Any]:
    shape = operation.output_shape
    if not isinstance(output, dict):
        raise _OutputError(f"{operation.name} returned {type(output).__name__}, not a dict")
    if shape is None:
        if output:
            raise _OutputError(f"{operation.name} has no output members, got {sorted(output)}")
        return {}
    encoded: dict[str, Any] = _encode(shape, output, operation.name)
    return encoded


def _encode(shape: Shape, value: Any, path: str) -> Any:
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            raise _OutputError(f"{path}: expected a dict")
        members = cast("StructureShape", shape).members
        result: dict[str, Any] = {}
        for key, item in value.items():
            if key not in members:
                raise _OutputError(f"{path}: unknown member {key!r}")
            if item is not None:
                result[key] = _encode(members[key], item, f"{path}.{key}")
        missing = [key for key in shape.required_members if key not in result]
        if missing:
            raise _OutputError(f"{path}: missing required members {missing}")
        return result
    if kind == "list":
        if not isinstance(value, (list, tuple)):
            raise _OutputError(f"{path}: expected a list")
        return [_encode(shape.member, item, f"{path}[{i}]") for i, item in enumerate(value)]  # type: ignore[attr-defined]
    if kind == "map":
        if not isinstance(value, dict):
            raise _OutputError(f"{path}: expected a dict")
        return {str(k): _encode(shape.value, v, f"{path}[{k!r}]") for k, v in value.items()}  # type: ignore[attr-defined]
    if kind == "string":
        if not isinstance(value, str):
            raise _OutputError(f"{path}: expected a str")
        return str.__str__(value)
    if kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            raise _OutputError(f"{path}: expected an int")
        return int(value)
    if kind in ("float", "double"):
        if (
            not isinstance(value, (int, float))
            or isinstance(value, bool)
            or not math.isfinite(value)
        ):
            raise _OutputError(f"{path}: expected a finite number")
        return float(value)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise _OutputError(f"{path}: expected a bool")
        return value
    if kind == "blob":
        if not isinstance(value, (bytes, bytearray, memoryview)):
            raise _OutputError(f"{path}: expected bytes")
        return base64.b64encode(bytes(value)).decode("ascii")
    if kind == "timestamp":
        if not isinstance(value, dt.datetime) or value.utcoffset() is None:
            raise _OutputError(f"{path}: expected an aware datetime")
        return value.timestamp()
    raise _OutputError(f"{path}: unsupported shape type {kind!r}")  # pragma: no cover
