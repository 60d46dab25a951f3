"""The ``acmpca-issue`` command: ``aws acm-pca issue-certificate``, compatible, and more.

Example::

    $ acmpca-issue issue-certificate --certificate-authority-arn ARN --csr file://csr.pem \\
        --signing-algorithm SHA256WITHECDSA --validity Value=90,Type=DAYS --out-dir ./tls
    $ python -m acmpca_issue demo

Exit status: 0 success; 2 bad usage or input (nothing was sent); 1 the service, the network or
writing the result failed; 130 interrupted (Ctrl-C). ``--debug`` adds the traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import io
import re
import shlex
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TextIO, cast

from acmpca_issue._cli._args import PROG, build_parser
from acmpca_issue._cli._output import UsageError
from acmpca_issue._cli._redact import (
    forget,
    looks_like_key,
    private_key_in,
    quote,
    remember,
    remember_keys_in,
    scrub,
)

if TYPE_CHECKING:
    from acmpca_issue.exceptions import AcmPcaIssueError

__all__ = ["main"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class _Scrubbed:
    """Standard error for a command that prints its own lines there: each write passes through
    scrub(), as every message does."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(scrub(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _check_endpoint(url: str | None) -> None:
    """Refuse an --endpoint-url botocore would fail on with a ValueError, before anything else."""
    if url is None:
        return
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and (parts.port or 1)
    except ValueError:
        valid = False
    if not valid:
        raise UsageError(
            f"--endpoint-url: expected an http:// or https:// URL such as "
            f"http://127.0.0.1:8080, got {quote(url)}"
        )


def _run(args: argparse.Namespace) -> int:
    stdout = sys.stdout
    _check_endpoint(getattr(args, "endpoint_url", None))
    if args.command == "issue-certificate":
        from acmpca_issue._cli._issue import issue_certificate

        return issue_certificate(args, stdin=sys.stdin.buffer, stdout=stdout)
    if args.command == "issue-many":
        from acmpca_issue._cli._bulk import issue_many_command

        return issue_many_command(args, stdout=stdout, stderr=cast("TextIO", _Scrubbed(sys.stderr)))
    from acmpca_issue._cli import _commands

    commands: dict[str, Callable[..., int]] = {
        "get-certificate": _commands.get_certificate,
        "create-csr": _commands.create_csr,
        "parse-arn": _commands.parse_arn,
        "demo": _commands.demo,
        "local-ca": _commands.local_ca,
    }
    return commands[args.command](args, stdout=stdout)


def _error_lines(error: BaseException, args: argparse.Namespace) -> tuple[int, list[str]] | None:
    """The exit status and the lines to print for an error, or None for one we do not know."""
    command: str = args.command
    from acmpca_issue._cli._issue import MEMBERS, WriteError, describe_problems
    from acmpca_issue.exceptions import (
        AcmPcaIssueError,
        InvalidRequestError,
        IssuanceTimeoutError,
        ServiceError,
    )

    if isinstance(error, UsageError):
        return EXIT_USAGE, [f"{PROG}: error: {line}" for line in error.message.splitlines()]
    if isinstance(error, InvalidRequestError):
        labels = {dest: option for dest, option, _, _ in MEMBERS}
        text = describe_problems(error, labels)
        return EXIT_USAGE, [f"{PROG}: error: {line}" for line in text.splitlines()]
    if isinstance(error, ServiceError):
        operation = error.operation or _OPERATIONS.get(command, command)
        line = (
            f"An error occurred ({error.code or 'ServiceError'}) when calling the {operation} "
            f"operation: {error.message}"
        )
        if error.hint:
            line = f"{line} ({error.hint})"
        return EXIT_FAILED, [line, *_issued_arn(error, command)]
    if isinstance(error, IssuanceTimeoutError):
        # The library's advice is for Python callers; a command line gets a command instead.
        text = " ".join(str(error).split()).removesuffix(_LIBRARY_ADVICE)
        if command == "get-certificate":
            text = text.replace(" was issued but not ready ", " was not ready ")
            return EXIT_FAILED, [
                f"{PROG}: error: {text}; try again later or with a longer --wait-timeout"
            ]
        where = "".join(
            f" {option} {shlex.quote(value)}"
            for option, value in (
                ("--endpoint-url", getattr(args, "endpoint_url", None)),
                ("--region", getattr(args, "region", None)),
                ("--profile", getattr(args, "profile", None)),
            )
            if value
        )
        return EXIT_FAILED, [
            f"{PROG}: error: {text}; fetch it later with: {PROG} get-certificate "
            f"--certificate-arn {error.certificate_arn}{where}"
        ]
    if isinstance(error, AcmPcaIssueError):
        return EXIT_FAILED, [
            f"{PROG}: error: {' '.join(str(error).split())}",
            *_issued_arn(error, command),
        ]
    if isinstance(error, WriteError):
        return EXIT_FAILED, [f"{PROG}: error: {' '.join(str(error).split())}"]
    return None


def _issued_arn(error: AcmPcaIssueError, command: str) -> list[str]:
    """A line naming the certificate when the error came after issue-certificate issued it
    (get-certificate was given the ARN, and cannot tell whether it was ever issued)."""
    if error.certificate_arn is None or command != "issue-certificate":
        return []
    return [f"{PROG}: the certificate was issued: {error.certificate_arn}"]


_LIBRARY_ADVICE = "; resume with Issuer.get_certificate(error.certificate_arn)"
_OPERATIONS = {"issue-certificate": "IssueCertificate", "get-certificate": "GetCertificate"}


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``acmpca-issue`` with ``argv`` (default: the process's arguments).

    Called without ``argv`` (as the ``acmpca-issue`` program or ``python -m acmpca_issue``),
    it ends by freezing the garbage collector: the process exits next, and the collections
    the interpreter runs while shutting down would otherwise walk every object botocore and
    cryptography made (about 0.1 s of issuing one certificate). Nothing is left
    unwritten: files are closed when written, and the standard streams are flushed at exit.

    Returns:
        The exit status: 0 success, 1 failed call, 2 bad usage or input, 130 interrupted.
    """
    status = _main(list(sys.argv[1:] if argv is None else argv))
    if argv is None:
        gc.freeze()
    return status


def _main(arguments: list[str]) -> int:
    forget()
    for argument in arguments:
        _remember_keys(argument)
    refused = _private_key_argument(arguments) or _split_by_a_space(arguments)
    if refused is not None:
        print(scrub(f"{PROG}: error: {refused}"), file=sys.stderr)
        return EXIT_USAGE
    parser = build_parser()
    usage = io.StringIO()
    try:
        with contextlib.redirect_stderr(usage):
            args = parser.parse_args(arguments)
    except SystemExit as exit_:  # --help, or a usage error printed by argparse
        return _exit_code(exit_.code)
    finally:
        # argparse's usage errors quote the argument: they pass through scrub() too.
        sys.stderr.write(scrub(usage.getvalue()))
    debug = bool(getattr(args, "debug", False))
    try:
        return _run(args)
    except KeyboardInterrupt:
        if debug:
            _print_traceback()
        print(file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as error:
        known = _error_lines(error, args)
        if known is None:
            # A bug: its traceback is printed here rather than by the interpreter, so that it
            # passes through scrub() like every message.
            debug = True
            known = (
                EXIT_FAILED,
                [
                    f"{PROG}: error: unexpected {type(error).__name__}: a bug in {PROG}; please "
                    "report it with the traceback above"
                ],
            )
        status, lines = known
        if debug:
            _print_traceback()
        for line in lines:
            # The one way out for every message: nothing in it that looks like key material.
            print(scrub(line), file=sys.stderr)
        return status


def _remember_keys(argument: str) -> None:
    """Remember an argument that looks like key material, or in JSON each member that does
    (so that the JSON's other text, such as member names, can still be printed)."""
    if not looks_like_key(argument):
        return
    if argument.lstrip().startswith(("{", "[")):
        import json

        try:
            remember_keys_in(json.loads(argument), "the command line")
        except (RecursionError, ValueError):
            pass
        else:
            return
    remember(argument, "the command line")


def _print_traceback() -> None:
    print(scrub(traceback.format_exc()), end="", file=sys.stderr)


def _private_key_argument(argv: list[str]) -> str | None:
    """Refuse a PEM private key given as an argument, before anything else happens (such as
    making a directory named after it). Returns the line explaining it, or None."""
    for index, argument in enumerate(argv):
        if not private_key_in(argument):
            continue
        option, equals, _ = argument.partition("=")
        if not (equals and _OPTION.fullmatch(option)):
            previous = argv[index - 1] if index else ""
            option = previous if _OPTION.fullmatch(previous) else f"argument {index + 1}"
        advice = (
            ": give the CSR made from it (create-csr makes both)"
            if option in ("--csr", "--cli-input-json")
            else ""
        )
        return (
            f"{option}: the value holds a private key (not shown); {PROG} never takes one{advice}"
        )
    return None


_OPTION = re.compile(r"--[a-z][a-z-]*")
_STRUCTURE_OPTIONS = ("--validity", "--validity-not-before", "--api-passthrough")


def _split_by_a_space(argv: list[str]) -> str | None:
    """The AWS CLI trap ``--validity Value=365, Type=DAYS``: a space after a comma makes the rest
    a separate argument. Returns the line explaining it, or None."""
    if "issue-certificate" not in argv:
        return None
    for index, argument in enumerate(argv):
        option, equals, value = argument.partition("=")
        if option not in _STRUCTURE_OPTIONS:
            continue
        following = index + 1
        if not equals:
            if following >= len(argv):
                continue
            value = argv[following]
            following += 1
        if value.rstrip().endswith(",") and following < len(argv):
            rest = argv[following]
            if not rest.startswith("-"):
                return (
                    f"{option}: {quote(value)} ends with a comma and {quote(rest)} became a "
                    "separate argument: the shell splits a value at a space after a comma; write "
                    f"{value.rstrip()}{rest} or quote the whole value"
                )
    return None


def _exit_code(code: Any) -> int:
    return code if isinstance(code, int) else EXIT_USAGE
