"""``acmpca-issue issue-certificate``: options to a checked request, then issue, wait or print.

Example::

    request = build_request(build_parser().parse_args([...]), stdin=sys.stdin.buffer)

The request is built the AWS CLI's way: ``--cli-input-json`` first, each option on the command
line replacing its member, structure options read as shorthand or JSON, and the result checked
by :class:`~acmpca_issue.IssueCertificateRequest` before anything is sent.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from acmpca_issue._cli._args import PROG
from acmpca_issue._cli._blob import read_csr, read_option
from acmpca_issue._cli._output import (
    UsageError,
    compile_query,
    render,
    resolve_output,
    title_of,
)
from acmpca_issue._cli._redact import quote, remember, remember_keys_in
from acmpca_issue._cli._skeleton import skeleton
from acmpca_issue._clock import system_now

if TYPE_CHECKING:
    from acmpca_issue._request import IssueCertificateRequest
    from acmpca_issue.exceptions import InvalidRequestError

__all__ = [
    "MEMBERS",
    "WriteError",
    "build_request",
    "check_out_dir",
    "describe_problems",
    "issue_certificate",
    "write_issued",
]

#: (argparse dest, option, AWS member, how the value is read), in the service model's order.
MEMBERS: tuple[tuple[str, str, str, str], ...] = (
    ("api_passthrough", "--api-passthrough", "ApiPassthrough", "ApiPassthrough"),
    ("certificate_authority_arn", "--certificate-authority-arn", "CertificateAuthorityArn", ""),
    ("csr", "--csr", "Csr", "csr"),
    ("signing_algorithm", "--signing-algorithm", "SigningAlgorithm", ""),
    ("template_arn", "--template-arn", "TemplateArn", ""),
    ("validity", "--validity", "Validity", "Validity"),
    ("validity_not_before", "--validity-not-before", "ValidityNotBefore", "Validity"),
    ("idempotency_token", "--idempotency-token", "IdempotencyToken", ""),
)
_REQUIRED = ("certificate_authority_arn", "csr", "signing_algorithm", "validity")
_OUT_FILES = ("cert.pem", "chain.pem", "fullchain.pem")


class WriteError(Exception):
    """The certificate was issued but could not be written: exit status 1, its ARN named."""


def describe_problems(
    error: InvalidRequestError, labels: dict[str, str], given: dict[str, object] | None = None
) -> str:
    """One line per problem, its field path turned into the option it came from.

    Args:
        error: the model's error, with snake_case paths (``validity.value``).
        labels: the first path segment (a field name) -> how to name it (``--validity``).
        given: the value given for a field (text, or a structure with AWS member names),
            its offending text or number quoted in a problem if the message does not
            already show it.
    """
    lines = []
    for problem in error.problems:
        head = problem.path.split(".", 1)[0].split("[", 1)[0]
        rest = problem.path[len(head) :].lstrip(".")
        label = labels.get(head)
        if label is None:
            parts = [problem.path] if problem.path else []
        else:
            if rest and head in _SHAPE_OF:
                rest = member_path(rest, _SHAPE_OF[head])
            parts = [label, rest] if rest else [label]
        message = problem.message
        shown = _value_at((given or {}).get(head), rest)
        if shown is not None and str(shown) not in message:
            shown = quote(shown)
            message = f"{message} ({shown})" if "got " in message else f"{message}; got {shown}"
        lines.append(": ".join([*parts, message]))
    return "\n".join(lines)


def _value_at(value: object, path: str) -> str | int | None:
    """The text or number at a member path (``Subject.Country``, ``A[1].B``) of a value."""
    for segment in path.split(".") if path else ():
        name, _, indexes = segment.partition("[")
        value = value.get(name) if isinstance(value, dict) else None
        for index in indexes.rstrip("]").split("][") if indexes else ():
            position = int(index) if index.isdigit() else -1
            in_list = isinstance(value, list) and 0 <= position < len(value)
            value = value[position] if in_list else None  # type: ignore[index]
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    return value


#: argparse dest -> the AWS shape of a structure option.
_SHAPE_OF = {dest: kind for dest, _, _, kind in MEMBERS if kind not in ("", "csr")}


def _folded(name: str) -> str:
    return name.replace("_", "").lower()


def member_path(path: str, shape: str) -> str:
    """A model field path as the AWS member names the user wrote (``Extensions.KeyUsage.CRLSign``).

    Args:
        path: a snake_case path below a structure member, such as
            ``extensions.subject_alternative_names[1].ip_address``.
        shape: the structure's AWS shape, ``"Validity"`` or ``"ApiPassthrough"``.

    A segment that is not a member of the shape (which the model does not produce) and all
    after it are left as they are.
    """
    from acmpca_issue._shorthand import SHAPES

    current: object = SHAPES[shape]
    segments = path.split(".")
    for index, segment in enumerate(segments):
        name, bracket, tail = segment.partition("[")
        members = current if isinstance(current, Mapping) else {}
        match = next((m for m in members if _folded(m) == _folded(name)), None)
        if match is None:
            break
        segments[index] = match + bracket + tail
        current = members[match]
        for _ in range(segment.count("[")):
            current = current[0] if isinstance(current, list) else None
    return ".".join(segments)


def _structure(text: str, option: str, shape: str) -> object:
    from acmpca_issue._shorthand import load_structure
    from acmpca_issue.exceptions import InvalidRequestError

    loaded = read_option(text, option, secret=False)
    try:
        structure = load_structure(loaded, shape)
    except InvalidRequestError as error:
        if loaded is not text:  # a file that is not a structure: never print any of it
            remember(loaded, text)
        lines = []
        for problem in error.problems:
            path = problem.path.removeprefix(shape).lstrip(".")
            lines.append(": ".join([option, *([path] if path else []), problem.message]))
        raise UsageError("\n".join(lines)) from None
    remember_keys_in(structure, option)
    return structure


def _input_json(text: str) -> dict[str, Any]:
    """The request ``--cli-input-json`` gives: JSON text, ``file://PATH``, or a plain path.

    The AWS CLI takes only the first two. A plain path is read too, as ``--csr`` reads one,
    when it names a file and the text is not JSON (an object starts with ``{``); text that is
    neither says what was expected instead of a bare "invalid JSON".
    """
    json_text = text.lstrip().startswith(("{", "["))
    if not json_text and not text.startswith(("file://", "fileb://")) and os.path.isfile(text):
        text = f"file://{text}"
    loaded = read_option(text, "--cli-input-json", secret=False)
    try:
        data = json.loads(loaded)
    except (RecursionError, ValueError) as error:
        if loaded is not text:  # a file that is not a request: never print any of it
            remember(loaded, text)
        elif not json_text:
            raise UsageError(
                f"--cli-input-json: {quote(text)} is neither JSON nor an existing file; give the "
                "request as JSON text, file://PATH or the path of a file"
            ) from None
        detail = "nested too deeply" if isinstance(error, RecursionError) else str(error)
        raise UsageError(f"--cli-input-json: invalid JSON: {detail}") from None
    if not isinstance(data, dict):
        if loaded is not text:
            remember(loaded, text)
        raise UsageError(f"--cli-input-json: expected a JSON object, got {type(data).__name__}")
    remember_keys_in(data, "--cli-input-json")
    return data


def _json_csr(text: str) -> str | bytes:
    """The ``Csr`` of ``--cli-input-json``: the PEM text, as the AWS CLI v1 takes it.

    A file name is refused with a pointer to ``--csr``; any other text that is not PEM goes to
    the CSR check as bytes, which recognises DER and base64 (the AWS CLI v2's JSON form).
    """
    if text.startswith(("file://", "fileb://")):
        raise UsageError(
            f"--cli-input-json Csr: {quote(text)} is a file name, but the JSON holds the PEM text "
            "itself; give the file with --csr on the command line instead"
        )
    return text if "-----BEGIN" in text else text.encode("utf-8")


def build_request(args: argparse.Namespace, *, stdin: BinaryIO) -> IssueCertificateRequest:
    """The checked request the options describe.

    Raises:
        UsageError: a required member is missing, an option's value cannot be read, or the
            request is invalid (one line per problem, naming the option).
    """
    from acmpca_issue._request import IssueCertificateRequest
    from acmpca_issue.exceptions import InvalidRequestError

    data: dict[str, Any] = {}
    labels: dict[str, str] = {}
    by_key = {key: dest for dest, _, key, _ in MEMBERS}
    if args.cli_input_json is not None:
        for key, value in _input_json(args.cli_input_json).items():
            data[key] = value
            if key in by_key:
                labels[by_key[key]] = f"--cli-input-json {key}"
        if args.csr is None and isinstance(data.get("Csr"), str):
            data["Csr"] = _json_csr(data["Csr"])
    for dest, option, key, kind in MEMBERS:
        value = getattr(args, dest)
        if value is None:
            continue
        if kind == "csr":
            data[key] = read_csr(value, option, stdin=stdin)
        elif kind:
            data[key] = _structure(value, option, kind)
        else:
            data[key] = read_option(value, option)
        labels[dest] = option
    missing = [option for dest, option, key, _ in MEMBERS if dest in _REQUIRED and key not in data]
    if missing:
        raise UsageError(f"the following arguments are required: {', '.join(missing)}")
    # The CSR is never quoted: a private key given in its place must not be printed.
    given = {dest: data[key] for dest, _, key, kind in MEMBERS if key in data and kind != "csr"}
    try:
        return IssueCertificateRequest.from_api(data)
    except InvalidRequestError as error:
        if args.cli_input_json is not None:
            labels[""] = "--cli-input-json"
        raise UsageError(describe_problems(error, labels, given)) from None


def _given(args: argparse.Namespace) -> bool:
    return args.cli_input_json is not None or any(
        getattr(args, dest) is not None for dest, _, _, _ in MEMBERS
    )


def check_out_dir(directory: str, overwrite: bool) -> None:
    """Refuse, before anything is sent, an ``--out-dir`` whose files exist (unless overwriting).

    Raises:
        UsageError: naming the first file that exists.
    """
    if overwrite:
        return
    for name in _OUT_FILES:
        path = os.path.join(directory, name)
        if os.path.lexists(path):
            raise UsageError(f"--out-dir: {path} exists; use --overwrite to replace it")


def issue_certificate(args: argparse.Namespace, *, stdin: BinaryIO, stdout: TextIO) -> int:
    """Run ``issue-certificate``; returns the exit status."""
    output = resolve_output(args)
    title = title_of(args)
    if args.generate_cli_skeleton is not None:
        if args.generate_cli_skeleton == "output" and _given(args):
            build_request(args, stdin=stdin)
        stdout.write(skeleton(args.generate_cli_skeleton))
        return 0
    query = compile_query(getattr(args, "query", None))
    request = build_request(args, stdin=stdin)
    if args.dry_run:
        from acmpca_issue._token import derive_idempotency_token

        params: dict[str, Any] = dict(request.to_api())
        params.setdefault("IdempotencyToken", derive_idempotency_token(params))
        params["Csr"] = params["Csr"].decode("ascii")
        stdout.write(render(params, output=output, query=query, title=title))
        return 0
    wait = args.wait or args.out_dir is not None
    if args.out_dir is not None:
        check_out_dir(args.out_dir, args.overwrite)
    from acmpca_issue._issuer import Issuer

    issuer = Issuer.from_session(
        region_name=getattr(args, "region", None) or request.certificate_authority_arn.region,
        profile_name=getattr(args, "profile", None),
        endpoint_url=getattr(args, "endpoint_url", None),
        preflight=not args.no_preflight,
        wait_timeout=args.wait_timeout,
    )
    sent = wall_clock()
    result = issuer.issue(request, wait=wait)
    if not wait:
        stdout.write(
            render({"CertificateArn": str(result)}, output=output, query=query, title=title)
        )
        return 0
    if issued_before(result, request, sent):
        print(
            f"{PROG}: returned the certificate issued earlier for this request (the same "
            "idempotency token within the service's 5 minutes), not a new one",
            file=sys.stderr,
        )
    return write_issued(result, args, stdout=stdout, output=output, query=query)


#: How much earlier than the request a certificate's issue time must be to be called earlier:
#: room for the CA's clock being behind this machine's, and for NotBefore's whole seconds.
EARLIER_BY = timedelta(seconds=60)


def wall_clock() -> datetime:
    """Now, as an aware UTC datetime (replaced in tests, to share one fake time with the CA)."""
    return system_now()


def issued_before(issued: Any, request: IssueCertificateRequest, sent: datetime) -> bool:
    """Whether ``issued`` was issued before the request was sent: the service returned the
    certificate an earlier call with the same idempotency token made.

    The rule: with no ValidityNotBefore in the request, the CA sets NotBefore to its issue
    time minus 60 minutes, so the issue time is NotBefore + 60 minutes. A certificate issued
    more than :data:`EARLIER_BY` before this request was sent cannot be this request's. With a
    ValidityNotBefore the issue time is unknown, and nothing is claimed.
    """
    from acmpca_issue._issued import BACKDATE

    if request.validity_not_before is not None:
        return False
    issued_at: datetime = issued.not_before + BACKDATE
    return bool(issued_at < sent - EARLIER_BY)


def write_issued(
    issued: Any, args: argparse.Namespace, *, stdout: TextIO, output: str, query: Any
) -> int:
    """Print an issued certificate, or write it to ``--out-dir`` and print where."""
    data: dict[str, object] = {"CertificateArn": str(issued.arn)}
    if args.out_dir is not None:
        try:
            files = issued.write(args.out_dir, overwrite=args.overwrite)
        except OSError as error:
            raise WriteError(
                f"cannot write the certificate {issued.arn} to {args.out_dir}: {error}"
            ) from None
        data["Files"] = {name: str(path) for name, path in files.items()}
        stdout.write(render(data, output=output, query=query, title=title_of(args)))
        return 0
    data["Certificate"] = issued.certificate_pem
    data["CertificateChain"] = issued.chain_pem
    stdout.write(
        render(data, output=output, query=query, text=issued.fullchain_pem, title=title_of(args))
    )
    return 0
