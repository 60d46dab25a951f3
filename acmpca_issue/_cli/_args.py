"""The ``acmpca-issue`` argument parser: subcommands, options and their help with examples.

Example::

    args = build_parser().parse_args(["parse-arn", "arn:aws:acm-pca:..."])
    args.command  # 'parse-arn'

Only the standard library and the library's enums are imported here, so ``--help`` and
``--generate-cli-skeleton`` start fast.
"""

from __future__ import annotations

import argparse
import textwrap

from acmpca_issue._cli._redact import quote
from acmpca_issue._enums import KeyAlgorithm, SigningAlgorithm

__all__ = ["PROG", "build_parser"]

PROG = "acmpca-issue"

_CA_ARN = (
    "arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/"
    "11223344-1234-1122-2233-112233445566"
)
_CERT_ARN = f"{_CA_ARN}/certificate/e8cbd2bedb122329f97706bcfec990f8"
_TEMPLATE = "arn:aws:acm-pca:::template/EndEntityCertificate_APIPassthrough/V1"
_SIGNING = " ".join(algorithm.value for algorithm in SigningAlgorithm)
_KEY_ALGORITHMS = tuple(algorithm.value for algorithm in KeyAlgorithm)


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the examples in descriptions and epilogs as written; wraps option help."""

    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=34, width=100)

    def _split_lines(self, text: str, width: int) -> list[str]:
        # Never break inside an ARN or an option name at a hyphen.
        return textwrap.wrap(
            " ".join(text.split()), width, break_on_hyphens=False, break_long_words=False
        )


def _globals() -> argparse.ArgumentParser:
    """The options every subcommand takes, as the AWS CLI's global options."""
    parent = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    group = parent.add_argument_group("global options (as in the AWS CLI)")
    group.add_argument("--region", metavar="REGION", help="the AWS Region, e.g. --region eu-west-1")
    group.add_argument(
        "--profile", metavar="NAME", help="a profile from ~/.aws/config, e.g. --profile pki"
    )
    group.add_argument(
        "--endpoint-url",
        metavar="URL",
        help="another endpoint, e.g. a local Private CA: --endpoint-url http://127.0.0.1:8080",
    )
    group.add_argument(
        "--output",
        choices=("json", "text", "table"),
        help="json, text (a bare value, PEM as PEM) or table, as the AWS CLI prints; the "
        "default is AWS_DEFAULT_OUTPUT, else the profile's output setting in the AWS config "
        "file, else json; e.g. --output text",
    )
    group.add_argument(
        "--query",
        metavar="JMESPATH",
        help="a JMESPath expression applied to the output, e.g. --query CertificateArn",
    )
    group.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="on an error, show the traceback too, e.g. --debug",
    )
    return parent


_ISSUE_DESCRIPTION = f"""\
Issue a certificate from AWS Private CA: the AWS CLI's `aws acm-pca issue-certificate`, with the
same options and the same request on the wire, plus --wait, --out-dir and --dry-run.

Structure options (--validity, --validity-not-before, --api-passthrough) take the AWS CLI
shorthand (Value=365,Type=DAYS) or JSON (a value starting with {{ or [). Any option's value may
be file://PATH to read it from a file.

examples:
  {PROG} issue-certificate --certificate-authority-arn {_CA_ARN} \\
      --csr file://csr.pem --signing-algorithm SHA256WITHECDSA --validity Value=90,Type=DAYS

  # issue, wait, verify and write cert.pem, chain.pem and fullchain.pem
  {PROG} issue-certificate --certificate-authority-arn ARN --csr csr.pem \\
      --signing-algorithm SHA256WITHRSA --validity Value=1,Type=YEARS --out-dir ./tls

  # subject and SANs set by the request (needs a passthrough template)
  {PROG} issue-certificate ... --template-arn {_TEMPLATE} \\
      --api-passthrough 'Subject={{CommonName=svc}},
          Extensions={{SubjectAlternativeNames=[{{DnsName=svc.internal}}]}}'

  # from a template, with the command line overriding it
  {PROG} issue-certificate --generate-cli-skeleton > request.json   # then fill in
  {PROG} issue-certificate --cli-input-json file://request.json --validity Value=7,Type=DAYS

exit status: 0 success; 2 bad usage or input (nothing was sent); 1 the service or the network
failed; 130 interrupted.
"""

_GET_DESCRIPTION = f"""\
Fetch an issued certificate and its chain, waiting while it is still being issued. Unlike the
AWS CLI, the CA's ARN is read from the certificate ARN unless you give it, and --output text
prints usable PEM (certificate, then chain) rather than two PEMs on one tab-separated line.

examples:
  {PROG} get-certificate --certificate-arn {_CERT_ARN}
  {PROG} get-certificate --certificate-arn ARN --output text > fullchain.pem
  {PROG} get-certificate --certificate-arn ARN --query Certificate --output text > cert.pem
  {PROG} get-certificate --certificate-arn ARN --out-dir ./tls
"""

_CSR_DESCRIPTION = f"""\
Make a private key and a CSR for the given identities. Each identity becomes a subject
alternative name by its form: an IP address, user@host an email address, scheme://... a URI,
anything else a DNS name. Writes key.pem (mode 0600) and csr.pem into --out-dir.

examples:
  {PROG} create-csr svc.internal 10.0.0.7
  {PROG} create-csr --common-name svc --key-algorithm RSA_2048 --out-dir ./tls svc.internal
"""

_ARN_DESCRIPTION = f"""\
Show the parts of a CA, certificate or template ARN as JSON (the certificate serial as hex, as
a decimal number and in the colon form of audit reports).

examples:
  {PROG} parse-arn {_CERT_ARN}
  {PROG} parse-arn {_CERT_ARN} --query SerialColon --output text
"""

_DEMO_DESCRIPTION = f"""\
Issue a real certificate from a local Private CA (no AWS account, no network) and write it to
a new directory, showing each step.

examples:
  {PROG} demo
  {PROG} demo --out-dir ./demo-certs
"""

_SERVE_DESCRIPTION = f"""\
Run a local AWS Private CA on 127.0.0.1 that any AWS SDK or the AWS CLI can use through
--endpoint-url, until Ctrl-C. With --create-ca it first makes an ACTIVE root CA and prints its
ARN.

examples:
  {PROG} local-ca serve --port 8080 --create-ca
  aws acm-pca issue-certificate --endpoint-url http://127.0.0.1:8080 ...
  {PROG} local-ca serve --state-dir ./pca-state     # keeps CAs and certificates across runs
"""


def _issue(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    parser = sub.add_parser(
        "issue-certificate",
        parents=[parent],
        help="issue a certificate (aws acm-pca issue-certificate, and more)",
        description=_ISSUE_DESCRIPTION,
        formatter_class=_Formatter,
        allow_abbrev=False,
    )
    aws = parser.add_argument_group("request options (as in the AWS CLI)")
    aws.add_argument(
        "--certificate-authority-arn",
        metavar="ARN",
        help=f"the issuing CA, e.g. {_CA_ARN}",
    )
    aws.add_argument(
        "--csr",
        metavar="CSR",
        help="the CSR, PEM or DER: file://PATH, fileb://PATH, a path, - for standard input, "
        "or the PEM text itself, e.g. --csr file://csr.pem",
    )
    aws.add_argument(
        "--signing-algorithm",
        metavar="ALGORITHM",
        help=f"how the CA signs; its family must fit the CA's key, e.g. SHA256WITHRSA. "
        f"One of: {_SIGNING}",
    )
    aws.add_argument(
        "--validity",
        metavar="VALIDITY",
        help="when the certificate expires, as shorthand or JSON; Type is END_DATE (Value "
        "YYYYMMDDHHMMSS), ABSOLUTE (Value in epoch seconds), DAYS, MONTHS or YEARS, e.g. "
        '--validity Value=365,Type=DAYS or --validity \'{"Value": 365, "Type": "DAYS"}\'',
    )
    aws.add_argument(
        "--validity-not-before",
        metavar="VALIDITY",
        help="when it starts, ABSOLUTE only, e.g. Value=1767225600,Type=ABSOLUTE "
        "(default: issue time minus 60 minutes)",
    )
    aws.add_argument(
        "--template-arn",
        metavar="ARN",
        help=f"the certificate template, e.g. {_TEMPLATE}",
    )
    aws.add_argument(
        "--api-passthrough",
        metavar="PASSTHROUGH",
        help="subject and extensions to set (needs an *APIPassthrough template), e.g. "
        "Subject={CommonName=svc},Extensions={KeyUsage={DigitalSignature=true}}",
    )
    aws.add_argument(
        "--idempotency-token",
        metavar="TOKEN",
        help="up to 36 characters; the same token within 5 minutes issues one certificate, "
        "e.g. --idempotency-token deploy-42 (default: derived from the request)",
    )
    aws.add_argument(
        "--cli-input-json",
        metavar="JSON",
        help="the request as JSON (see --generate-cli-skeleton), as text or from a file; "
        "options on the command line override its members, e.g. "
        "--cli-input-json file://request.json",
    )
    aws.add_argument(
        "--generate-cli-skeleton",
        nargs="?",
        const="input",
        choices=("input", "output"),
        help="print a JSON template and exit: input (default) for --cli-input-json, output for "
        "the response, e.g. --generate-cli-skeleton > request.json",
    )
    more = parser.add_argument_group("beyond the AWS CLI")
    more.add_argument(
        "--wait",
        action="store_true",
        help="wait for the certificate, check it against the request and its chain, and print "
        "it (JSON: CertificateArn, Certificate, CertificateChain; text: the PEM), e.g. --wait",
    )
    more.add_argument(
        "--out-dir",
        metavar="DIR",
        help="implies --wait; write cert.pem, chain.pem and fullchain.pem into DIR, "
        "e.g. --out-dir ./tls",
    )
    more.add_argument(
        "--overwrite",
        action="store_true",
        help="with --out-dir, replace existing files, e.g. --overwrite",
    )
    more.add_argument(
        "--wait-timeout",
        metavar="SECONDS",
        type=_seconds,
        default=60.0,
        help="how long --wait waits for the certificate, and the time allowed for retrying a "
        "throttled or dropped call (default 60), e.g. --wait-timeout 120",
    )
    more.add_argument(
        "--dry-run",
        action="store_true",
        help="check the request and print the exact botocore parameters (Csr as PEM text); "
        "nothing is sent, e.g. --dry-run",
    )
    more.add_argument(
        "--no-preflight",
        action="store_true",
        help="skip the check of the request against the CA (one DescribeCertificateAuthority "
        "call: state, key type, validity), e.g. --no-preflight",
    )
    parser.set_defaults(command="issue-certificate")


def _get(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    parser = sub.add_parser(
        "get-certificate",
        parents=[parent],
        help="fetch an issued certificate and its chain",
        description=_GET_DESCRIPTION,
        formatter_class=_Formatter,
        allow_abbrev=False,
    )
    parser.add_argument(
        "--certificate-arn",
        metavar="ARN",
        required=True,
        help=f"the certificate, e.g. {_CERT_ARN}",
    )
    parser.add_argument(
        "--certificate-authority-arn",
        metavar="ARN",
        help="the issuing CA; optional, it must match the certificate ARN, e.g. " + _CA_ARN,
    )
    parser.add_argument(
        "--out-dir",
        metavar="DIR",
        help="write cert.pem, chain.pem and fullchain.pem into DIR, e.g. --out-dir ./tls",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="with --out-dir, replace existing files, e.g. --overwrite",
    )
    parser.add_argument(
        "--wait-timeout",
        metavar="SECONDS",
        type=_seconds,
        default=60.0,
        help="how long to wait while it is being issued (default 60), e.g. --wait-timeout 10",
    )
    parser.set_defaults(command="get-certificate")


def _create_csr(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    parser = sub.add_parser(
        "create-csr",
        parents=[parent],
        help="make a private key and a CSR",
        description=_CSR_DESCRIPTION,
        formatter_class=_Formatter,
        allow_abbrev=False,
    )
    parser.add_argument(
        "identities",
        nargs="*",
        metavar="IDENTITY",
        help="a DNS name, IP address, email address or URI, e.g. svc.internal 10.0.0.7",
    )
    parser.add_argument(
        "--common-name",
        metavar="CN",
        help="the subject's common name (at most 64 characters), e.g. --common-name svc",
    )
    parser.add_argument(
        "--key-algorithm",
        metavar="ALGORITHM",
        default="EC_prime256v1",
        help=f"the key to make (default EC_prime256v1), e.g. --key-algorithm RSA_2048. "
        f"One of: {' '.join(_KEY_ALGORITHMS)}",
    )
    parser.add_argument(
        "--out-dir",
        metavar="DIR",
        default=".",
        help="where to write key.pem and csr.pem (default: here), e.g. --out-dir ./tls",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="replace existing key.pem and csr.pem, e.g. --overwrite",
    )
    parser.set_defaults(command="create-csr")


def _parse_arn(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    parser = sub.add_parser(
        "parse-arn",
        parents=[parent],
        help="show the parts of an ARN",
        description=_ARN_DESCRIPTION,
        formatter_class=_Formatter,
        allow_abbrev=False,
    )
    parser.add_argument(
        "arn", metavar="ARN", help=f"a CA, certificate or template ARN, e.g. {_TEMPLATE}"
    )
    parser.set_defaults(command="parse-arn")


def _demo(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    parser = sub.add_parser(
        "demo",
        parents=[parent],
        help="issue a certificate from a local Private CA, end to end",
        description=_DEMO_DESCRIPTION,
        formatter_class=_Formatter,
        allow_abbrev=False,
    )
    parser.add_argument(
        "--out-dir",
        "--out",
        dest="out_dir",
        metavar="DIR",
        help="where to write the files (default: a new directory), e.g. --out-dir ./demo "
        "(--out is the same)",
    )
    parser.add_argument(
        "--overwrite",
        action="store_true",
        help="with --out-dir, replace the demo's existing files, e.g. --overwrite",
    )
    parser.set_defaults(command="demo")


def _local_ca(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], parent: argparse.ArgumentParser
) -> None:
    parser = sub.add_parser(
        "local-ca",
        parents=[parent],
        help="run a local Private CA",
        description="Run a local AWS Private CA.\n\nexamples:\n"
        f"  {PROG} local-ca serve --port 8080 --create-ca",
        formatter_class=_Formatter,
        allow_abbrev=False,
    )
    actions = parser.add_subparsers(dest="local_command", metavar="ACTION", required=True)
    serve = actions.add_parser(
        "serve",
        parents=[parent],
        help="serve the AWS Private CA protocol over HTTP on 127.0.0.1",
        description=_SERVE_DESCRIPTION,
        formatter_class=_Formatter,
        allow_abbrev=False,
    )
    serve.add_argument(
        "--port",
        metavar="N",
        type=_port,
        default=0,
        help="the TCP port (default 0: any free port, printed), e.g. --port 8080",
    )
    serve.add_argument(
        "--state-dir",
        metavar="DIR",
        help="keep CAs and certificates in DIR across runs (default: in memory), "
        "e.g. --state-dir ./pca-state",
    )
    serve.add_argument(
        "--create-ca",
        action="store_true",
        help="make an ACTIVE root CA (EC P-256) first and print its ARN; its region is "
        "--region (default us-east-1), e.g. --create-ca --region eu-west-1",
    )
    serve.add_argument(
        "--require-signature",
        action="store_true",
        help="refuse requests without a SigV4 Authorization header, as AWS does "
        "(400 MissingAuthenticationTokenException), to test that a client signs, e.g. "
        "--require-signature",
    )
    parser.set_defaults(command="local-ca")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number of seconds, got {quote(text)}"
        ) from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(
            f"expected a positive number of seconds, got {quote(text)}"
        )
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {quote(text)}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number 0-65535, got {quote(text)}")
    return value


class _Version(argparse.Action):
    """``--version``: the versions that matter in a bug report, read only when asked for."""

    def __init__(self, option_strings: list[str], dest: str, help: str) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(self, parser: argparse.ArgumentParser, *_: object) -> None:
        import platform
        from importlib.metadata import version

        parts = [
            f"{PROG}/{version('acmpca-issue')}",
            f"Python/{platform.python_version()}",
            f"{platform.system()}/{platform.release()}",
            *(f"{name}/{version(name)}" for name in ("botocore", "cryptography")),
        ]
        print(" ".join(parts))
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The ``acmpca-issue`` parser with every subcommand."""
    parent = _globals()
    parser = argparse.ArgumentParser(
        prog=PROG,
        parents=[parent],
        description="Issue certificates from AWS Private CA: an AWS-CLI-compatible "
        "issue-certificate, and more.\n\nexamples:\n"
        f"  {PROG} demo\n"
        f"  {PROG} issue-certificate --certificate-authority-arn ARN --csr file://csr.pem \\\n"
        "      --signing-algorithm SHA256WITHECDSA --validity Value=90,Type=DAYS --out-dir ./tls\n"
        f"  {PROG} <command> --help",
        formatter_class=_Formatter,
        allow_abbrev=False,
    )
    parser.add_argument(
        "--version",
        action=_Version,
        help="print the versions of acmpca-issue, Python, botocore and cryptography, and exit, "
        "e.g. --version",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in (_issue, _get, _create_csr, _parse_arn, _demo, _local_ca):
        add(sub, parent)
    from acmpca_issue._cli._bulk import add_issue_many

    add_issue_many(sub, parent)
    return parser
