"""The awsJson1_1 protocol layer: decoding, model validation, encoding, error bodies."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from typing import Any

import pytest
from botocore.model import Shape
from hypothesis import given, settings
from hypothesis import strategies as st

from acmpca_issue.local import _protocol
from acmpca_issue.local._protocol import (
    JSON_CONTENT_TYPE,
    LocalServiceError,
    WireResponse,
    current_region,
    handle_request,
)

CA_ARN = (
    "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/"
    "12345678-1234-1234-1234-123456789012"
)
CERT_ARN = CA_ARN + "/certificate/0a1b2c"


class Recorder:
    """A toy dispatch: records calls, answers from a table or raises what it is told."""

    def __init__(self, answers: dict[str, Any] | None = None) -> None:
        self.calls: list[tuple[str, dict[str, Any], str]] = []
        self.answers = answers or {}

    def __call__(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        self.calls.append((operation, params, current_region()))
        answer = self.answers.get(operation, {})
        if isinstance(answer, BaseException):
            raise answer
        result: dict[str, Any] = answer
        return result


def call(
    dispatch: Any,
    operation: str,
    body: Any,
    *,
    headers: dict[str, str] | None = None,
    method: str = "POST",
    path: str = "/",
) -> tuple[WireResponse, dict[str, Any]]:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    all_headers = {"X-Amz-Target": f"ACMPrivateCA.{operation}", "Content-Type": JSON_CONTENT_TYPE}
    all_headers.update(headers or {})
    response = handle_request(dispatch, method=method, path=path, headers=all_headers, body=raw)
    return response, json.loads(response.body) if response.body else {}


def issue_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "CertificateAuthorityArn": CA_ARN,
        "Csr": base64.b64encode(b"-----BEGIN CERTIFICATE REQUEST-----").decode(),
        "SigningAlgorithm": "SHA256WITHECDSA",
        "Validity": {"Value": 30, "Type": "DAYS"},
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not ...}


def error_of(response: WireResponse, document: dict[str, Any]) -> tuple[int, str, str]:
    assert response.headers["Content-Type"] == JSON_CONTENT_TYPE
    assert set(document) == {"__type", "message"}
    assert response.headers["x-amzn-ErrorType"] == document["__type"].rpartition("#")[2]
    return response.status, document["__type"].rpartition("#")[2], document["message"]


class TestSuccess:
    def test_decoded_params_reach_dispatch(self) -> None:
        """Blobs arrive as bytes, the rest as sent, and the output is the JSON body."""
        recorder = Recorder({"IssueCertificate": {"CertificateArn": CERT_ARN}})
        response, document = call(recorder, "IssueCertificate", issue_body())
        assert response.status == 200
        assert document == {"CertificateArn": CERT_ARN}
        operation, params, _ = recorder.calls[0]
        assert operation == "IssueCertificate"
        assert params["Csr"] == b"-----BEGIN CERTIFICATE REQUEST-----"
        assert params["Validity"] == {"Value": 30, "Type": "DAYS"}
        assert response.headers["Content-Length"] == str(len(response.body))

    def test_request_id_is_a_fresh_uuid(self) -> None:
        """Every response carries its own x-amzn-RequestId."""
        first, _ = call(Recorder(), "RevokeCertificate", {})
        second, _ = call(Recorder(), "RevokeCertificate", {})
        assert uuid.UUID(first.request_id) != uuid.UUID(second.request_id)

    def test_null_member_is_absent(self) -> None:
        """A JSON null is treated as an absent member, as the service does."""
        recorder = Recorder()
        response, _ = call(recorder, "IssueCertificate", issue_body(TemplateArn=None))
        assert response.status == 200
        assert "TemplateArn" not in recorder.calls[0][1]

    def test_empty_body_is_an_empty_object(self) -> None:
        """An empty body reads as {}: the operation's required members are then missing."""
        response, document = call(Recorder(), "GetCertificate", b"  ")
        assert error_of(response, document) == (
            400,
            "ValidationException",
            "2 validation errors detected: "
            "Value null at 'certificateAuthorityArn' failed to satisfy constraint: "
            "Member must not be null; "
            "Value null at 'certificateArn' failed to satisfy constraint: Member must not be null",
        )

    def test_operation_without_output_answers_empty_object(self) -> None:
        """RevokeCertificate has no output shape: the body is {}."""
        body = {
            "CertificateAuthorityArn": CA_ARN,
            "CertificateSerial": "0a1b2c",
            "RevocationReason": "SUPERSEDED",
        }
        response, document = call(Recorder(), "RevokeCertificate", body)
        assert (response.status, document) == (200, {})

    def test_tag_patterns_with_unicode_classes_compile(self) -> None:
        """Tag key/value patterns use \\p{L}-style classes that Python re lacks."""
        recorder = Recorder()
        tags = [{"Key": "équipe 1", "Value": "café"}]
        body = {"CertificateAuthorityArn": CA_ARN, "Tags": tags}
        response, _ = call(recorder, "TagCertificateAuthority", body)
        assert response.status == 200
        assert recorder.calls[0][1]["Tags"] == tags
        assert _protocol._compiled(r"[\p{L}]+").fullmatch("aé𠀀") is not None
        assert _protocol._compiled(r"[\p{N}]+").fullmatch("1٣") is not None
        assert _protocol._compiled(r"[\p{N}]").search("a") is None

    def test_region_comes_from_the_credential_scope(self) -> None:
        """current_region() is the SigV4 scope's region while dispatch runs."""
        recorder = Recorder()
        auth = (
            "AWS4-HMAC-SHA256 Credential=AKID/20261127/eu-central-1/acm-pca/aws4_request, "
            "SignedHeaders=host, Signature=abc"
        )
        call(recorder, "ListCertificateAuthorities", {}, headers={"Authorization": auth})
        call(recorder, "ListCertificateAuthorities", {})
        assert [region for _, _, region in recorder.calls] == ["eu-central-1", "us-east-1"]
        assert current_region() == "us-east-1"


class TestRouting:
    @pytest.mark.parametrize(
        "target",
        [
            None,
            "",
            "ACMPrivateCA",
            "ACMPrivateCA.",
            "ACMPrivateCA.NoSuchOp",
            "CertificateManager.ListCertificates",
        ],
    )
    def test_unknown_operation(self, target: str | None) -> None:
        """A missing or unknown X-Amz-Target is UnknownOperationException."""
        headers = {} if target is None else {"X-Amz-Target": target}
        response = handle_request(Recorder(), method="POST", path="/", headers=headers, body=b"{}")
        document = json.loads(response.body)
        assert error_of(response, document) == (
            400,
            "UnknownOperationException",
            "The requested operation is not recognized by the service.",
        )
        assert document["__type"] == "com.amazon.coral.service#UnknownOperationException"

    def test_wrong_path_is_404(self) -> None:
        """Only / exists."""
        response, document = call(Recorder(), "ListCertificateAuthorities", {}, path="/x")
        assert error_of(response, document)[:2] == (404, "NotFoundException")

    def test_wrong_method_is_405(self) -> None:
        """Only POST is allowed."""
        response, document = call(Recorder(), "ListCertificateAuthorities", {}, method="GET")
        assert error_of(response, document)[:2] == (405, "MethodNotAllowedException")

    @pytest.mark.parametrize(
        ("headers", "path"),
        [
            ({"smithy-protocol": "rpc-v2-cbor"}, "/"),
            ({"Content-Type": "application/cbor"}, "/"),
            ({}, "/service/ACMPrivateCA/operation/ListCertificateAuthorities"),
        ],
    )
    def test_cbor_is_refused_clearly(self, headers: dict[str, str], path: str) -> None:
        """An rpc-v2-cbor request gets a 415 naming the protocol spoken here."""
        response, document = call(
            Recorder(), "ListCertificateAuthorities", b"\xa0", headers=headers, path=path
        )
        status, code, message = error_of(response, document)
        assert (status, code) == (415, "UnsupportedMediaTypeException")
        assert "awsJson1_1" in message
        assert "smithy-rpc-v2-cbor" in message


class TestSerialization:
    @pytest.mark.parametrize(
        "body",
        [b"{", b"\xff\xfe", b"[]", b'"text"', b"null", b'{"MaxResults": NaN}', b"[" * 100_000],
    )
    def test_not_a_json_object(self, body: bytes) -> None:
        """A body that is not one JSON object is SerializationException."""
        response, document = call(Recorder(), "ListCertificateAuthorities", body)
        assert error_of(response, document)[:2] == (400, "SerializationException")

    @pytest.mark.parametrize(
        ("body", "fragment"),
        [
            (issue_body(Extra=1), "Unknown member 'Extra' at 'body'"),
            (
                issue_body(Validity={"Value": 1, "Type": "DAYS", "Unit": "x"}),
                "'Unit' at 'validity'",
            ),
            (issue_body(Validity=[1]), "Expected an object at 'validity'"),
            (issue_body(SigningAlgorithm=1), "Expected a string at 'signingAlgorithm'"),
            (issue_body(Validity={"Value": "1", "Type": "DAYS"}), "integer at 'validity.value'"),
            (issue_body(Validity={"Value": True, "Type": "DAYS"}), "integer at 'validity.value'"),
            (issue_body(Validity={"Value": 1.5, "Type": "DAYS"}), "integer at 'validity.value'"),
            (issue_body(Csr=5), "Expected a base64 string at 'csr'"),
            (issue_body(Csr="not base64!"), "Invalid base64 at 'csr'"),
            (issue_body(Csr="é"), "Invalid base64 at 'csr'"),
        ],
    )
    def test_shape_mismatch(self, body: dict[str, Any], fragment: str) -> None:
        """Unknown members and wrong JSON types are SerializationException naming the place."""
        recorder = Recorder()
        response, document = call(recorder, "IssueCertificate", body)
        status, code, message = error_of(response, document)
        assert (status, code) == (400, "SerializationException")
        assert fragment in message
        assert recorder.calls == []

    def test_list_and_boolean_types(self) -> None:
        """Lists must be arrays without nulls; booleans must be true/false."""
        cases = [
            ({"CertificateAuthorityArn": CA_ARN, "Tags": {"Key": "a"}}, "Expected an array"),
            (
                {"CertificateAuthorityArn": CA_ARN, "Tags": [None]},
                "Null element at 'tags.1.member'",
            ),
        ]
        for body, fragment in cases:
            response, document = call(Recorder(), "TagCertificateAuthority", body)
            assert fragment in error_of(response, document)[2]
        config = {
            "CertificateAuthorityArn": CA_ARN,
            "RevocationConfiguration": {"CrlConfiguration": {"Enabled": "yes"}},
        }
        response, document = call(Recorder(), "UpdateCertificateAuthority", config)
        assert (
            "Expected a boolean at 'revocationConfiguration.crlConfiguration.enabled'"
            in (error_of(response, document)[2])
        )

    def test_boolean_decodes(self) -> None:
        """A JSON boolean reaches dispatch as a bool."""
        recorder = Recorder()
        config = {
            "CertificateAuthorityArn": CA_ARN,
            "RevocationConfiguration": {"CrlConfiguration": {"Enabled": False}},
        }
        response, _ = call(recorder, "UpdateCertificateAuthority", config)
        assert response.status == 200
        assert recorder.calls[0][1] == config

    def test_operation_without_input_rejects_members(self) -> None:
        """Any member sent to an operation without an input shape is refused."""
        operation: Any = _NoInput("ListCertificateAuthorities")
        with pytest.raises(_protocol._SerializationError, match="takes no input"):
            _protocol._parse_body(b'{"A": 1}', operation)
        assert _protocol._parse_body(b"{}", operation) == {}


class _NoInput:
    """An operation model view without an input shape (acm-pca has none of its own)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.input_shape = None
        self.output_shape = None


class TestValidation:
    def test_enum_message_is_aws_format(self) -> None:
        """An enum violation lists the allowed values like the service."""
        response, document = call(
            Recorder(), "IssueCertificate", issue_body(SigningAlgorithm="MD5")
        )
        status, code, message = error_of(response, document)
        assert (status, code) == (400, "ValidationException")
        assert message.startswith(
            "1 validation error detected: Value 'MD5' at 'signingAlgorithm' failed to satisfy "
            "constraint: Member must satisfy enum value set: [SHA256WITHECDSA, SHA384WITHECDSA, "
        )
        assert message.endswith("ML_DSA_87]")

    def test_all_problems_are_collected(self) -> None:
        """Every violation is reported at once, in document then required order."""
        body = issue_body(
            CertificateAuthorityArn="x" * 201,
            Csr=...,
            Validity={"Value": 0, "Type": "WEEKS"},
            IdempotencyToken="",
        )
        response, document = call(Recorder(), "IssueCertificate", body)
        status, code, message = error_of(response, document)
        assert (status, code) == (400, "ValidationException")
        assert message == (
            "6 validation errors detected: "
            f"Value '{'x' * 201}' at 'certificateAuthorityArn' failed to satisfy constraint: "
            "Member must have length less than or equal to 200; "
            f"Value '{'x' * 201}' at 'certificateAuthorityArn' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: "
            + _protocol.service_model().shape_for("Arn").metadata["pattern"]
            + "; Value '0' at 'validity.value' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1; "
            "Value 'WEEKS' at 'validity.type' failed to satisfy constraint: "
            "Member must satisfy enum value set: "
            "[END_DATE, ABSOLUTE, DAYS, MONTHS, YEARS]; "
            "Value '' at 'idempotencyToken' failed to satisfy constraint: "
            "Member must have length greater than or equal to 1; "
            "Value null at 'csr' failed to satisfy constraint: Member must not be null"
        )

    def test_patterns_are_unanchored_like_the_service(self) -> None:
        """A model pattern matches anywhere in the value (smithy patterns are not anchored)."""
        response, _ = call(
            Recorder(), "IssueCertificate", issue_body(CertificateAuthorityArn=" " + CA_ARN)
        )
        assert response.status == 200

    def test_list_length_and_number_max(self) -> None:
        """List min/max and number max are checked; list items are addressed as N.member."""
        body = {
            "CertificateAuthorityArn": CA_ARN,
            "Tags": [{"Key": "k" * 129}],
        }
        response, document = call(Recorder(), "TagCertificateAuthority", body)
        assert error_of(response, document)[2] == (
            f"1 validation error detected: Value '{'k' * 129}' at 'tags.1.member.key' failed to "
            "satisfy constraint: Member must have length less than or equal to 128"
        )
        response, document = call(
            Recorder(), "TagCertificateAuthority", {"CertificateAuthorityArn": CA_ARN, "Tags": []}
        )
        assert error_of(response, document)[2] == (
            "1 validation error detected: Value '<0 items>' at 'tags' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1"
        )
        response, document = call(Recorder(), "ListCertificateAuthorities", {"MaxResults": 1001})
        assert error_of(response, document)[2] == (
            "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy "
            "constraint: Member must have value less than or equal to 1000"
        )

    def test_blob_length(self) -> None:
        """Blob lengths count decoded bytes."""
        response, document = call(Recorder(), "IssueCertificate", issue_body(Csr=""))
        assert error_of(response, document)[2] == (
            "1 validation error detected: Value '<0 bytes>' at 'csr' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1"
        )

    def test_value_display(self) -> None:
        """Values are shown the way the messages quote them."""
        assert _protocol._show(None) == "Value null"
        assert _protocol._show(True) == "Value 'true'"
        assert _protocol._show({"a": 1}) == "Value '<1 items>'"


class TestScalarShapes:
    """Shape types acm-pca inputs do not use, checked directly."""

    def test_timestamp_decodes_to_aware_utc(self) -> None:
        """Epoch seconds become an aware UTC datetime."""
        shape = Shape("T", {"type": "timestamp"})
        value = _protocol._decode(shape, 1_800_000_000.5, "at", [])
        assert value == dt.datetime(2027, 1, 15, 8, 0, 0, 500000, tzinfo=dt.timezone.utc)
        for bad in ("2027-01-01", True):
            with pytest.raises(_protocol._SerializationError, match="epoch seconds"):
                _protocol._decode(shape, bad, "at", [])
        with pytest.raises(_protocol._SerializationError, match="out of range"):
            _protocol._decode(shape, 10**20, "at", [])

    def test_double_and_map(self) -> None:
        """Numbers decode to float with range checks; maps decode key and value."""
        number = Shape("D", {"type": "double", "min": 0})
        problems: list[str] = []
        assert _protocol._decode(number, 2, "n", problems) == 2.0
        assert _protocol._decode(number, -1, "n", problems) == -1.0
        assert problems == [
            "Value '-1' at 'n' failed to satisfy constraint: "
            "Member must have value greater than or equal to 0"
        ]
        with pytest.raises(_protocol._SerializationError, match="number"):
            _protocol._decode(number, "2", "n", [])
        mapping = _map_shape()
        assert _protocol._decode(mapping, {"a": "b"}, "m", []) == {"a": "b"}
        for bad, fragment in ((["a"], "object"), ({"a": None}, "Null value")):
            with pytest.raises(_protocol._SerializationError, match=fragment):
                _protocol._decode(mapping, bad, "m", [])

    def test_encode_scalars(self) -> None:
        """Bytes go out as base64, datetimes as epoch seconds, numbers as numbers."""
        moment = dt.datetime(2027, 1, 15, 8, 0, tzinfo=dt.timezone.utc)
        assert _protocol._encode(Shape("B", {"type": "blob"}), b"\x00\xff", "p") == "AP8="
        assert _protocol._encode(Shape("T", {"type": "timestamp"}), moment, "p") == 1_800_000_000.0
        assert _protocol._encode(Shape("D", {"type": "double"}), 1, "p") == 1.0
        assert _protocol._encode(_map_shape(), {"a": "b"}, "p") == {"a": "b"}
        assert _protocol._encode(Shape("I", {"type": "long"}), 2**40, "p") == 2**40
        assert _protocol._encode(Shape("Z", {"type": "boolean"}), False, "p") is False
        bad_cases: list[tuple[Shape, Any]] = [
            (Shape("B", {"type": "blob"}), "text"),
            (Shape("T", {"type": "timestamp"}), moment.replace(tzinfo=None)),
            (Shape("D", {"type": "double"}), float("nan")),
            (Shape("I", {"type": "integer"}), True),
            (Shape("Z", {"type": "boolean"}), 1),
            (Shape("S", {"type": "string"}), 1),
            (_map_shape(), []),
        ]
        for shape, value in bad_cases:
            with pytest.raises(_protocol._OutputError):
                _protocol._encode(shape, value, "p")


def _map_shape() -> Shape:
    from botocore.model import MapShape, ShapeResolver

    definitions: Any = {"S": {"type": "string"}}
    resolver = ShapeResolver(definitions)
    return MapShape("M", {"type": "map", "key": {"shape": "S"}, "value": {"shape": "S"}}, resolver)


class TestOutputs:
    def test_datetimes_and_enums_encode(self) -> None:
        """Timestamps go out as epoch seconds; str enums as their value."""
        import enum

        class Status(str, enum.Enum):
            ACTIVE = "ACTIVE"

        created = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.timezone.utc)
        answer = {
            "CertificateAuthority": {
                "Arn": CA_ARN,
                "CreatedAt": created,
                "Status": Status.ACTIVE,
                "FailureReason": None,
            }
        }
        body = {"CertificateAuthorityArn": CA_ARN}
        response, document = call(
            Recorder({"DescribeCertificateAuthority": answer}), "DescribeCertificateAuthority", body
        )
        assert response.status == 200
        assert document == {
            "CertificateAuthority": {
                "Arn": CA_ARN,
                "CreatedAt": created.timestamp(),
                "Status": "ACTIVE",
            }
        }

    @pytest.mark.parametrize(
        ("operation", "answer"),
        [
            ("IssueCertificate", ["not", "a", "dict"]),
            ("IssueCertificate", {"Nope": 1}),
            ("IssueCertificate", {"CertificateArn": 5}),
            ("RevokeCertificate", {"Extra": "x"}),
            ("ListTags", {"Tags": "x"}),
            ("ListTags", {"Tags": [{"Value": "v"}]}),
            ("DescribeCertificateAuthority", {"CertificateAuthority": "x"}),
            ("DescribeCertificateAuthority", {"CertificateAuthority": {"CreatedAt": "yesterday"}}),
            ("IssueCertificate", RuntimeError("engine bug")),
        ],
    )
    def test_engine_bugs_are_internal_failures(
        self, operation: str, answer: Any, caplog: pytest.LogCaptureFixture
    ) -> None:
        """An output the shape cannot hold, or a non-service exception, is a logged 500."""
        recorder = Recorder({operation: answer})
        body = {
            "IssueCertificate": issue_body(),
            "RevokeCertificate": {
                "CertificateAuthorityArn": CA_ARN,
                "CertificateSerial": "01",
                "RevocationReason": "SUPERSEDED",
            },
        }.get(operation, {"CertificateAuthorityArn": CA_ARN})
        response, document = call(recorder, operation, body)
        assert error_of(response, document) == (
            500,
            "InternalFailure",
            "An internal error occurred.",
        )
        assert document["__type"] == "com.amazon.coral.service#InternalFailure"
        assert response.request_id in caplog.text

    def test_service_errors_keep_code_message_and_status(self) -> None:
        """LocalServiceError becomes the service's error body with its status."""
        errors = {
            "ListCertificateAuthorities": LocalServiceError("ThrottlingException", "Rate exceeded"),
            "ListTags": LocalServiceError("ServiceUnavailable", "down", status=503),
        }
        recorder = Recorder(errors)
        response, document = call(recorder, "ListCertificateAuthorities", {})
        assert error_of(response, document) == (400, "ThrottlingException", "Rate exceeded")
        assert document["__type"] == "com.amazon.coral.availability#ThrottlingException"
        response, document = call(recorder, "ListTags", {"CertificateAuthorityArn": CA_ARN})
        assert error_of(response, document) == (503, "ServiceUnavailable", "down")
        error = errors["ListTags"]
        assert isinstance(error, LocalServiceError)
        assert (error.code, error.message, error.status) == ("ServiceUnavailable", "down", 503)
        assert str(error) == "ServiceUnavailable: down"


_OPERATIONS = sorted(_protocol.service_model().operation_names)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def _member_names() -> list[str]:
    model = _protocol.service_model()
    names: set[str] = set()
    for name in _OPERATIONS:
        shape = model.operation_model(name).input_shape
        if shape is not None:
            names.update(shape.members)
    return sorted(names)


_bodies = st.one_of(
    st.binary(max_size=64),
    _json.map(lambda value: json.dumps(value).encode()),
    st.dictionaries(st.sampled_from(_member_names()), _json, max_size=5).map(
        lambda value: json.dumps(value).encode()
    ),
)


@settings(max_examples=150, deadline=None)
@given(
    target=st.one_of(
        st.text(max_size=30), st.sampled_from(_OPERATIONS).map("ACMPrivateCA.{}".format)
    ),
    body=_bodies,
    method=st.sampled_from(["POST", "POST", "GET", "PUT"]),
    path=st.sampled_from(["/", "/", "/x", "/service/ACMPrivateCA/operation/GetCertificate"]),
)
def test_fuzz_always_a_well_formed_answer(target: str, body: bytes, method: str, path: str) -> None:
    """Arbitrary requests only ever produce a JSON answer, never an exception."""
    refusal = LocalServiceError("InvalidRequestException", "refused")

    def dispatch(operation: str, params: dict[str, Any]) -> dict[str, Any]:
        assert isinstance(params, dict)
        raise refusal

    response = handle_request(
        dispatch, method=method, path=path, headers={"X-Amz-Target": target}, body=body
    )
    document = json.loads(response.body)
    assert response.headers["Content-Type"] == JSON_CONTENT_TYPE
    assert response.status in {400, 404, 405, 415}
    code = document["__type"].rpartition("#")[2]
    assert code in {
        "InvalidRequestException",
        "SerializationException",
        "ValidationException",
        "UnknownOperationException",
        "NotFoundException",
        "MethodNotAllowedException",
        "UnsupportedMediaTypeException",
    }
    assert isinstance(document["message"], str)


class TestErrorForms:
    """One form per error code, whichever layer raises it: the service framework's namespace on
    framework errors, the bare code on the acm-pca model's."""

    def test_validation_exception_has_one_form(self) -> None:
        """The CA's own range checks send the same __type as model validation."""
        _, from_model = call(Recorder(), "GetCertificate", {})
        range_check = LocalServiceError("ValidationException", "NotAfter is past the CA's")
        response, from_engine = call(
            Recorder({"ListCertificateAuthorities": range_check}), "ListCertificateAuthorities", {}
        )
        assert from_model["__type"] == from_engine["__type"]
        assert from_engine["__type"] == "com.amazon.coral.validate#ValidationException"
        assert response.headers["x-amzn-ErrorType"] == "ValidationException"

    def test_serialization_exception_is_namespaced(self) -> None:
        """A body that is not JSON: the framework's SerializationException."""
        _, document = call(Recorder(), "ListCertificateAuthorities", b"[")
        assert document["__type"] == "com.amazon.coral.service#SerializationException"

    def test_model_errors_are_bare(self) -> None:
        """Codes of the acm-pca model are sent as the model names them."""
        refusal = LocalServiceError("InvalidArgsException", "no")
        _, document = call(
            Recorder({"ListCertificateAuthorities": refusal}), "ListCertificateAuthorities", {}
        )
        assert document["__type"] == "InvalidArgsException"

    @pytest.mark.parametrize("code", sorted(_protocol.FRAMEWORK_ERROR_TYPES))
    def test_framework_types_end_in_their_code(self, code: str) -> None:
        """Stripping the namespace, as every SDK does, gives back the code."""
        assert _protocol.error_type(code).rpartition("#")[2] == code
        assert _protocol.error_type(code).startswith("com.amazon.coral.")
