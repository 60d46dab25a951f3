"""Parity with the real AWS CLI: the same arguments send the same IssueCertificate body.

Every case runs once through ``aws acm-pca issue-certificate`` (awscli from PyPI, in a child
process) and once through ``acmpca-issue issue-certificate``, both against a recording server on
127.0.0.1, and the two JSON bodies must be equal. The AWS CLI cases run in one child process
(one interpreter start-up for all of them) through the AWS CLI's own ``main``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from acmpca_issue._cli._skeleton import INPUT_SKELETON

# The AWS CLI runs only in child processes: importing awscli here would replace botocore in this
# process with the copy awscli carries (see tests/cli/test_shorthand.py).

CA = (
    "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/"
    "12345678-1234-1234-1234-123456789012"
)
TEMPLATE = "arn:aws:acm-pca:::template/EndEntityCertificate_APIPassthrough/V1"
BASE = ["--certificate-authority-arn", CA, "--signing-algorithm", "SHA256WITHECDSA"]
NESTED = (
    "Subject={CommonName=a,Organization=b},Extensions={SubjectAlternativeNames="
    "[{DnsName=a.example},{DnsName=b.example}],KeyUsage={DigitalSignature=true}}"
)
RICH = (
    "Subject={Country=DE,CommonName='svc, primary'},Extensions={KeyUsage={DigitalSignature=true,"
    "KeyEncipherment=false},ExtendedKeyUsage=[{ExtendedKeyUsageType=SERVER_AUTH},"
    "{ExtendedKeyUsageType=CLIENT_AUTH}],CertificatePolicies=[{CertPolicyId=1.3.6.1.4.1.99,"
    "PolicyQualifiers=[{PolicyQualifierId=CPS,Qualifier={CpsUri=https://example.com/cps}}]}],"
    "CustomExtensions=[{ObjectIdentifier=1.3.6.1.4.1.99.1,Value=BQA=,Critical=true}],"
    "SubjectAlternativeNames=[{IpAddress=10.0.0.1},{Rfc822Name=a@example.com},"
    "{UniformResourceIdentifier=spiffe://example/svc},"
    "{DirectoryName={CustomAttributes=[{ObjectIdentifier=2.5.4.45,Value=x}]}}]}"
)

# The END_DATE and ABSOLUTE values are counted from today, so they stay in the future whatever
# the date (acmpca-issue refuses a validity that has already ended; the AWS CLI does not look).
_TODAY = datetime.now(timezone.utc)
END_DATE = (_TODAY + timedelta(days=3650)).strftime("%Y%m%d%H%M%S")
ENDS = int((_TODAY + timedelta(days=2000)).timestamp())
STARTS = int((_TODAY + timedelta(days=300)).timestamp())

# Each case: an id and the arguments after "issue-certificate"; {csr}, {pem}, {dir} are filled in.
CASES: list[tuple[str, list[str]]] = [
    ("shorthand", [*BASE, "--csr", "file://{csr}", "--validity", "Value=365,Type=DAYS"]),
    ("reversed", [*BASE, "--csr", "file://{csr}", "--validity", "Type=DAYS,Value=365"]),
    ("quoted", [*BASE, "--csr", "file://{csr}", "--validity", "Value='90',Type=\"MONTHS\""]),
    ("spaces", [*BASE, "--csr", "file://{csr}", "--validity", "Value = 2 , Type = YEARS "]),
    ("json", [*BASE, "--csr", "file://{csr}", "--validity", '{"Value": 30, "Type": "DAYS"}']),
    (
        "end-date",
        [*BASE, "--csr", "fileb://{csr}", "--validity", f"Value={END_DATE},Type=END_DATE"],
    ),
    ("pem-text", [*BASE, "--csr", "{pem}", "--validity", "Value=1,Type=DAYS"]),
    (
        "not-before",
        [
            *BASE,
            "--csr",
            "file://{csr}",
            "--validity",
            f"Value={ENDS},Type=ABSOLUTE",
            "--validity-not-before",
            f"Value={STARTS},Type=ABSOLUTE",
        ],
    ),
    (
        "passthrough",
        [
            *BASE,
            "--csr",
            "file://{csr}",
            "--validity",
            "Value=7,Type=DAYS",
            "--template-arn",
            TEMPLATE,
            "--api-passthrough",
            NESTED,
        ],
    ),
    (
        "passthrough-rich",
        [
            *BASE,
            "--csr",
            "file://{csr}",
            "--validity",
            "Value=7,Type=DAYS",
            "--template-arn",
            TEMPLATE,
            "--api-passthrough",
            RICH,
        ],
    ),
    (
        "passthrough-json",
        [
            *BASE,
            "--csr",
            "file://{csr}",
            "--validity",
            "Value=7,Type=DAYS",
            "--template-arn",
            TEMPLATE,
            "--api-passthrough",
            '{"Extensions": {"KeyUsage": {"KeyAgreement": true}}, "Subject": {"Title": "t"}}',
        ],
    ),
    ("files", [*BASE, "--csr", "file://{csr}", "--validity", "file://{dir}/validity.txt"]),
    (
        "file-newline",
        [*BASE, "--csr", "file://{csr}", "--validity", "file://{dir}/validity-nl.txt"],
    ),
    ("int-forms", [*BASE, "--csr", "file://{csr}", "--validity", "Value=+0_7,Type=DAYS"]),
    (
        "not-before-json",
        [
            *BASE,
            "--csr",
            "file://{csr}",
            "--validity",
            f'{{"Value": {ENDS}, "Type": "ABSOLUTE"}}',
            "--validity-not-before",
            f'{{"Type": "ABSOLUTE", "Value": {STARTS}}}',
        ],
    ),
    (
        "passthrough-forms",
        [
            *BASE,
            "--csr",
            "file://{csr}",
            "--validity",
            "Value=7,Type=DAYS",
            "--template-arn",
            TEMPLATE,
            "--api-passthrough",
            # a one-item list given as the item, an escaped comma, a value read with @=,
            # booleans in any case, and a line break after a comma
            "Subject={CommonName=a\\,b,Organization@=file://{dir}/org.txt},\n  Extensions="
            "{SubjectAlternativeNames={DnsName=a.example},KeyUsage={DigitalSignature=True,"
            "NonRepudiation=FALSE}}",
        ],
    ),
    ("input-json", ["--cli-input-json", "file://{dir}/request.json"]),
    ("input-json-text", ["--cli-input-json", "{request}"]),
    (
        "input-json-passthrough-override",
        ["--cli-input-json", "{request}", "--api-passthrough", "Subject={CommonName=y}"],
    ),
    ("skeleton-filled", ["--cli-input-json", "file://{dir}/skeleton.json"]),
    (
        "input-json-override",
        [
            "--cli-input-json",
            "file://{dir}/request.json",
            "--validity",
            "Value=5,Type=YEARS",
            "--signing-algorithm",
            "SHA384WITHECDSA",
            "--csr",
            "file://{csr}",
        ],
    ),
]

_BATCH = """
import json, sys
from awscli.clidriver import create_clidriver
for argv in json.load(sys.stdin):
    status = create_clidriver().main(argv)
    print("STATUS", status, flush=True)
"""


def _fill(args: list[str], directory: Path) -> list[str]:
    csr = directory / "csr.pem"
    pem = csr.read_text()
    request = (directory / "passthrough-request.json").read_text()
    return [
        a.replace("{csr}", str(csr))
        .replace("{pem}", pem)
        .replace("{dir}", str(directory))
        .replace("{request}", request)
        for a in args
    ]


def _case_args(args: list[str], token: str, server: Any) -> list[str]:
    return [
        *args,
        "--idempotency-token",
        token,
        "--endpoint-url",
        server.url,
        "--region",
        "us-east-1",
    ]


@pytest.fixture(scope="module")
def parity_dir(tmp_path_factory: pytest.TempPathFactory, csr_pem: bytes) -> Path:
    """The CSR, a shorthand file and a --cli-input-json file."""
    directory = tmp_path_factory.mktemp("parity")
    (directory / "csr.pem").write_bytes(csr_pem)
    (directory / "validity.txt").write_text("Value=10,Type=DAYS")
    request = {
        "CertificateAuthorityArn": CA,
        "Csr": csr_pem.decode(),
        "SigningAlgorithm": "SHA256WITHECDSA",
        "Validity": {"Value": 365, "Type": "DAYS"},
        "IdempotencyToken": "from-json",
    }
    (directory / "request.json").write_text(json.dumps(request))
    (directory / "validity-nl.txt").write_text("Value=11,Type=DAYS\n")
    (directory / "org.txt").write_text("Org from a file")
    passthrough = {
        **request,
        "Validity": {"Value": ENDS, "Type": "ABSOLUTE"},
        "ValidityNotBefore": {"Value": STARTS, "Type": "ABSOLUTE"},
        "TemplateArn": TEMPLATE,
        "ApiPassthrough": {
            "Subject": {"CommonName": "x"},
            "Extensions": {
                "SubjectAlternativeNames": [
                    {"DnsName": "q.example"},
                    {"OtherName": {"TypeId": "1.2.3.4", "Value": "abc"}},
                    {"EdiPartyName": {"PartyName": "p", "NameAssigner": "n"}},
                    {"RegisteredId": "1.2.3.5"},
                ]
            },
        },
    }
    (directory / "passthrough-request.json").write_text(json.dumps(passthrough))
    # Our own --generate-cli-skeleton, filled in with the two members it leaves empty.
    filled = {**INPUT_SKELETON, "CertificateAuthorityArn": CA, "Csr": csr_pem.decode()}
    (directory / "skeleton.json").write_text(json.dumps(filled))
    return directory


@pytest.fixture(scope="module")
def aws_bodies(
    recording_server: Any, parity_dir: Path, child_env: Callable[[Path], dict[str, str]]
) -> dict[str, dict[str, Any]]:
    """The body the AWS CLI sent for each case, from one child process."""
    recording_server.clear()
    argvs = [
        [
            "acm-pca",
            "issue-certificate",
            *_case_args(_fill(args, parity_dir), name, recording_server),
        ]
        for name, args in CASES
    ]
    done = subprocess.run(
        [sys.executable, "-c", _BATCH],
        input=json.dumps(argvs),
        capture_output=True,
        text=True,
        env=child_env(parity_dir),
        timeout=300,
        check=False,
    )
    statuses = [line for line in done.stdout.splitlines() if line.startswith("STATUS")]
    assert statuses == ["STATUS 0"] * len(CASES), done.stdout + done.stderr
    bodies = recording_server.bodies()
    assert len(bodies) == len(CASES)
    return {name: body for (name, _), body in zip(CASES, bodies, strict=True)}


@pytest.mark.parametrize("case", CASES, ids=[name for name, _ in CASES])
def test_same_body_as_the_aws_cli(
    case: tuple[str, list[str]],
    aws_bodies: dict[str, dict[str, Any]],
    recorder: Any,
    parity_dir: Path,
    run: Any,
) -> None:
    """acmpca-issue sends exactly the body the AWS CLI sends for the same arguments."""
    name, args = case
    filled = _fill(args, parity_dir)
    result: Any = run("issue-certificate", *_case_args(filled, name, recorder), "--no-preflight")
    assert result.status == 0, result.err
    assert result.json() == {"CertificateArn": recorder.cert_arn}
    (body,) = recorder.bodies()
    assert body == aws_bodies[name]


def test_the_forms_were_read(aws_bodies: dict[str, dict[str, Any]]) -> None:
    """The less common forms meant what they look like (in the AWS CLI's body, which ours
    equals): a file's trailing newline, int() forms, @= files, escaped commas, one-item lists."""
    assert aws_bodies["file-newline"]["Validity"] == {"Value": 11, "Type": "DAYS"}
    assert aws_bodies["int-forms"]["Validity"] == {"Value": 7, "Type": "DAYS"}
    passthrough = aws_bodies["passthrough-forms"]["ApiPassthrough"]
    assert passthrough["Subject"] == {"CommonName": "a,b", "Organization": "Org from a file"}
    assert passthrough["Extensions"] == {
        "SubjectAlternativeNames": [{"DnsName": "a.example"}],
        "KeyUsage": {"DigitalSignature": True, "NonRepudiation": False},
    }
    override = aws_bodies["input-json-passthrough-override"]
    assert override["ApiPassthrough"] == {"Subject": {"CommonName": "y"}}
    assert override["ValidityNotBefore"] == {"Value": STARTS, "Type": "ABSOLUTE"}
    assert aws_bodies["skeleton-filled"]["Validity"] == INPUT_SKELETON["Validity"]


def test_explicit_false_key_usage_is_sent_as_given(
    aws_bodies: dict[str, dict[str, Any]],
) -> None:
    """The rich case has a KeyUsage bit given as false, and both send it as false."""
    key_usage = aws_bodies["passthrough-rich"]["ApiPassthrough"]["Extensions"]["KeyUsage"]
    assert key_usage == {"DigitalSignature": True, "KeyEncipherment": False}


def test_input_json_overrides_are_applied(aws_bodies: dict[str, dict[str, Any]]) -> None:
    """The override case really overrode: the command line wins over the JSON (in both)."""
    body = aws_bodies["input-json-override"]
    assert body["Validity"] == {"Value": 5, "Type": "YEARS"}
    assert body["SigningAlgorithm"] == "SHA384WITHECDSA"
    assert body["IdempotencyToken"] == "input-json-override"
    assert aws_bodies["input-json"]["Validity"] == {"Value": 365, "Type": "DAYS"}


def test_we_add_a_token_where_the_aws_cli_sends_none(
    recorder: Any, csr_file: Path, aws_cli: Any, run: Any
) -> None:
    """Without --idempotency-token the AWS CLI sends none; we send one derived from the request.

    Everything else in the body is the same, and the token is stable for the same request, so a
    retried command does not issue twice.
    """
    args = [
        "issue-certificate",
        *BASE,
        "--csr",
        f"file://{csr_file}",
        "--validity",
        "Value=365,Type=DAYS",
        "--endpoint-url",
        recorder.url,
        "--region",
        "us-east-1",
    ]
    done = aws_cli("acm-pca", *args)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"CertificateArn": recorder.cert_arn}
    assert run(*args, "--no-preflight").status == 0
    assert run(*args, "--no-preflight").status == 0
    theirs, ours, again = recorder.bodies()
    assert "IdempotencyToken" not in theirs
    token = ours.pop("IdempotencyToken")
    assert len(token) == 36
    assert again.pop("IdempotencyToken") == token
    assert ours == theirs
