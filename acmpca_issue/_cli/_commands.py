"""The subcommands besides ``issue-certificate``.

They are ``get-certificate``, ``create-csr``, ``parse-arn``, ``demo`` and ``local-ca serve``.

Example::

    status = parse_arn(build_parser().parse_args(["parse-arn", arn]), stdout=sys.stdout)
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
from typing import Any, TextIO

from acmpca_issue._cli._issue import check_out_dir, describe_problems, write_issued
from acmpca_issue._cli._output import UsageError, compile_query, render, resolve_output, title_of

__all__ = ["create_csr", "demo", "get_certificate", "local_ca", "parse_arn"]


def get_certificate(args: argparse.Namespace, *, stdout: TextIO) -> int:
    """Run ``get-certificate``; returns the exit status."""
    from acmpca_issue._arn import CertificateArn, CertificateAuthorityArn
    from acmpca_issue.exceptions import InvalidArnError

    query = compile_query(getattr(args, "query", None))
    output = resolve_output(args)
    try:
        arn = CertificateArn.parse(args.certificate_arn)
    except InvalidArnError as error:
        raise UsageError(describe_problems(error.at("x"), {"x": "--certificate-arn"})) from None
    if args.certificate_authority_arn is not None:
        try:
            ca_arn = CertificateAuthorityArn.parse(args.certificate_authority_arn)
        except InvalidArnError as error:
            raise UsageError(
                describe_problems(error.at("x"), {"x": "--certificate-authority-arn"})
            ) from None
        if str(ca_arn) != str(arn.certificate_authority_arn):
            raise UsageError(
                f"--certificate-authority-arn: {ca_arn} did not issue {arn}; leave the option "
                "out to use the CA in the certificate ARN"
            )
    if args.out_dir is not None:
        check_out_dir(args.out_dir, args.overwrite)
    from acmpca_issue._issuer import Issuer

    issuer = Issuer.from_session(
        region_name=getattr(args, "region", None) or arn.region,
        profile_name=getattr(args, "profile", None),
        endpoint_url=getattr(args, "endpoint_url", None),
        wait_timeout=args.wait_timeout,
    )
    issued = issuer.get_certificate(arn)
    if args.out_dir is not None:
        return write_issued(issued, args, stdout=stdout, output=output, query=query)
    data = {"Certificate": issued.certificate_pem, "CertificateChain": issued.chain_pem}
    stdout.write(
        render(
            data,
            output=output,
            query=query,
            text=issued.fullchain_pem,
            title=title_of(args),
        )
    )
    return 0


def create_csr(args: argparse.Namespace, *, stdout: TextIO) -> int:
    """Run ``create-csr``; returns the exit status."""
    from acmpca_issue._csr import build_csr
    from acmpca_issue.exceptions import InvalidRequestError

    query = compile_query(getattr(args, "query", None))
    output = resolve_output(args)
    if not args.identities and args.common_name is None:
        raise UsageError(
            "give at least one IDENTITY or --common-name: Private CA rejects a CSR with neither "
            "a subject nor a subject alternative name"
        )
    try:
        bundle = build_csr(
            *args.identities, key_algorithm=args.key_algorithm, common_name=args.common_name
        )
    except InvalidRequestError as error:
        labels = {
            "identities": "IDENTITY",
            "key_algorithm": "--key-algorithm",
            "common_name": "--common-name",
            "subject": "--common-name",
        }
        raise UsageError(describe_problems(error, labels)) from None
    try:
        os.makedirs(args.out_dir, mode=0o700, exist_ok=True)
    except OSError as error:
        raise UsageError(f"--out-dir: cannot write into {args.out_dir}: {error}") from None
    try:
        files = bundle.write(args.out_dir, overwrite=args.overwrite)
    except FileExistsError as error:
        raise UsageError(
            f"--out-dir: {error.filename} exists; use --overwrite to replace it"
        ) from None
    except OSError as error:
        raise UsageError(f"--out-dir: cannot write into {args.out_dir}: {error}") from None
    data = {"PrivateKeyFile": str(files.key), "CsrFile": str(files.csr)}
    stdout.write(render(data, output=output, query=query, title=title_of(args)))
    return 0


def parse_arn(args: argparse.Namespace, *, stdout: TextIO) -> int:
    """Run ``parse-arn``; returns the exit status."""
    from acmpca_issue._arn import CertificateArn, CertificateAuthorityArn, TemplateArn
    from acmpca_issue.exceptions import InvalidArnError

    query = compile_query(getattr(args, "query", None))
    output = resolve_output(args)
    text: str = args.arn
    data: dict[str, object]
    try:
        if ":template/" in text:
            template = TemplateArn.parse(text)
            data = {
                "Type": "template",
                "Partition": template.partition,
                "Name": template.name,
                "Version": template.version,
                "AcceptsApiPassthrough": template.accepts_api_passthrough,
                "AcceptsCsrPassthrough": template.accepts_csr_passthrough,
                "InCatalogue": template.in_catalogue,
            }
        elif "/certificate/" in text:
            certificate = CertificateArn.parse(text)
            data = {
                "Type": "certificate",
                **_ca_parts(certificate.certificate_authority_arn),
                "CertificateAuthorityArn": str(certificate.certificate_authority_arn),
                "Serial": certificate.serial_hex,
                "SerialDecimal": str(certificate.serial),
                "SerialColon": certificate.serial_colon,
            }
        else:
            data = {
                "Type": "certificate-authority",
                **_ca_parts(CertificateAuthorityArn.parse(text)),
            }
    except InvalidArnError as error:
        raise UsageError(describe_problems(error.at("arn"), {"arn": "ARN"})) from None
    stdout.write(render(data, output=output, query=query, title=title_of(args)))
    return 0


def _ca_parts(arn: Any) -> dict[str, object]:
    return {
        "Partition": arn.partition,
        "Region": arn.region,
        "Account": arn.account,
        "CertificateAuthorityId": arn.ca_id,
    }


def demo(args: argparse.Namespace, *, stdout: TextIO) -> int:
    """Run ``demo``; returns the exit status of the demo.

    ``--out-dir`` is checked before anything is printed, so a directory holding the demo's
    files (without ``--overwrite``) or one that cannot be written is refused at once.
    """
    from acmpca_issue._demo import run_demo

    try:
        return int(run_demo(args.out_dir, stdout=stdout, overwrite=args.overwrite))
    except FileExistsError as error:
        raise UsageError(
            f"--out-dir: {error.filename} exists; use --overwrite to replace the demo's files, "
            "or give another directory"
        ) from None
    except OSError as error:
        where = error.filename or args.out_dir
        reason = error.strerror or str(error)
        raise UsageError(
            f"--out-dir: cannot write the demo's files into {where}: {reason}"
        ) from None


def _block() -> None:
    """Wait until interrupted (Ctrl-C raises KeyboardInterrupt in the main thread)."""
    threading.Event().wait()


def local_ca(args: argparse.Namespace, *, stdout: TextIO) -> int:
    """Run ``local-ca serve`` until Ctrl-C; returns the exit status."""
    from acmpca_issue.local import LocalPrivateCA

    query = compile_query(getattr(args, "query", None))
    output = resolve_output(args)
    pca = LocalPrivateCA(state_dir=args.state_dir, require_signature=args.require_signature)
    region = getattr(args, "region", None) or "us-east-1"
    server = pca.serve(port=args.port, region_name=region)
    try:
        data: dict[str, object] = {"EndpointUrl": server.endpoint_url}
        if args.create_ca:
            made = pca.create_root_ca(region_name=region)
            data["CertificateAuthorityArn"] = str(made)
        stdout.write(render(data, output=output, query=query, title=title_of(args)))
        stdout.flush()
        print(f"serving AWS Private CA on {server.endpoint_url}; Ctrl-C stops", file=sys.stderr)
        print(
            "for the AWS CLI and other SDKs, paste (any placeholder keys work):\n"
            + server.export_lines(),
            end="",
            file=sys.stderr,
        )
        _block()
    finally:
        server.close()
    return 0
