"""No private key given to ``acmpca-issue`` ever comes back out of it (stdout or stderr).

A table: each private key (RSA, EC, ML-DSA; PEM as PKCS#8, as the traditional form and
encrypted; DER plain and encrypted) is given to every option of every subcommand and to every
``--cli-input-json`` member, as a file and as text, and no run of :data:`RUN` characters of its
PEM body or base64 (for DER also of its raw bytes or their hex) may appear in what the command
printed.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from acmpca_issue._cli._redact import MIN_RUN, forget, looks_like_key, quote, remember, scrub

RUN = 16
PASSWORD = b"correct horse"
CA = (
    "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/"
    "12345678-1234-1234-1234-123456789012"
)
CERT = f"{CA}/certificate/0a1b2c3d4e5f60718293a4b5c6d7e8f9"


def _keys() -> dict[str, Any]:
    keys: dict[str, Any] = {
        "rsa": rsa.generate_private_key(public_exponent=65537, key_size=2048),
        "ec": ec.generate_private_key(ec.SECP256R1()),
    }
    try:
        from cryptography.hazmat.primitives.asymmetric import mldsa

        keys["ml-dsa"] = mldsa.MLDSA65PrivateKey.generate()
    except (ImportError, UnsupportedAlgorithm):  # a cryptography or OpenSSL without ML-DSA
        pass
    return keys


@dataclass(frozen=True)
class Secret:
    """One private key, serialised one way."""

    name: str
    data: bytes

    @property
    def pem(self) -> bool:
        return self.data.startswith(b"-----BEGIN")

    def runs(self) -> tuple[set[str], set[bytes]]:
        """Every run of RUN characters of its text forms, and of RUN bytes of its DER."""
        if self.pem:
            lines = self.data.decode().splitlines()
            body = [line for line in lines if line and not line.startswith("-----")]
            texts = [*body, "".join(body)]
            raw = b""
        else:
            texts = [
                base64.b64encode(self.data).decode(),
                self.data.hex(),
                self.data.hex().upper(),
            ]
            raw = self.data
        text_runs = {text[i : i + RUN] for text in texts for i in range(len(text) - RUN + 1)}
        byte_runs = {raw[i : i + RUN] for i in range(len(raw) - RUN + 1)}
        return text_runs, byte_runs

    def text(self) -> str:
        """How a user would paste it on a command line or into JSON: PEM as is, DER as base64."""
        return self.data.decode() if self.pem else base64.b64encode(self.data).decode()


def _secrets() -> list[Secret]:
    pkcs8 = serialization.PrivateFormat.PKCS8
    plain = serialization.NoEncryption()
    encrypted = serialization.BestAvailableEncryption(PASSWORD)
    secrets = []
    for name, key in _keys().items():
        forms = {
            "pem": (serialization.Encoding.PEM, pkcs8, plain),
            "pem-encrypted": (serialization.Encoding.PEM, pkcs8, encrypted),
            "der": (serialization.Encoding.DER, pkcs8, plain),
            "der-encrypted": (serialization.Encoding.DER, pkcs8, encrypted),
        }
        if name == "rsa":
            traditional = serialization.PrivateFormat.TraditionalOpenSSL
            forms["pem-traditional"] = (serialization.Encoding.PEM, traditional, plain)
        else:
            # The command treats every key alike; each serialisation is tried with RSA, and
            # the other key types in the plain forms.
            del forms["pem-encrypted"], forms["der-encrypted"]
        for form, (encoding, private_format, encryption) in forms.items():
            data = key.private_bytes(encoding, private_format, encryption)
            secrets.append(Secret(f"{name}-{form}", data))
    return secrets


SECRETS = _secrets()


def _named(name: str) -> Secret:
    (secret,) = (secret for secret in SECRETS if secret.name == name)
    return secret


#: issue-certificate options, each given the key while the others are valid.
ISSUE_OPTIONS = (
    "--certificate-authority-arn",
    "--csr",
    "--signing-algorithm",
    "--validity",
    "--validity-not-before",
    "--template-arn",
    "--api-passthrough",
    "--idempotency-token",
    "--cli-input-json",
    "--region",
    "--profile",
    "--endpoint-url",
    "--query",
    "--output",
    "--wait-timeout",
    "--out-dir",
)
#: --cli-input-json members (a dotted path into the request) given the key as text.
JSON_MEMBERS = (
    "CertificateAuthorityArn",
    "Csr",
    "SigningAlgorithm",
    "Validity",
    "Validity.Value",
    "Validity.Type",
    "ValidityNotBefore",
    "TemplateArn",
    "ApiPassthrough",
    "ApiPassthrough.Subject.CommonName",
    "ApiPassthrough.Extensions.CustomExtensions",
    "IdempotencyToken",
    "Unknown",
)


def _leaks(secret: Secret, *outputs: str) -> bool:
    text_runs, byte_runs = secret.runs()
    for output in outputs:
        if any(output[i : i + RUN] in text_runs for i in range(len(output) - RUN + 1)):
            return True
        data = output.encode("utf-8", "surrogateescape")
        if any(data[i : i + RUN] in byte_runs for i in range(len(data) - RUN + 1)):
            return True
    return False


def _values(secret: Secret, path: Path, option: str) -> Iterator[tuple[str, str]]:
    """The ways to give the key to an option: as each kind of file it reads, and as text."""
    yield "file", f"file://{path}"
    if option == "--csr" or not secret.pem:
        yield "fileb", f"fileb://{path}"
    if option in ("--csr", "--cli-input-json"):
        yield "path", str(path)
    yield "text", secret.text()


def _member(request: dict[str, Any], member: str, value: str) -> dict[str, Any]:
    changed: dict[str, Any] = json.loads(json.dumps(request))
    *parents, last = member.split(".")
    node = changed
    for parent in parents:
        node = node.setdefault(parent, {})
    node[last] = [{"ObjectIdentifier": "1.2.3", "Value": value}] if last.endswith("s") else value
    return changed


@pytest.fixture(params=SECRETS, ids=[secret.name for secret in SECRETS])
def secret(request: pytest.FixtureRequest) -> Secret:
    """One private key in one serialisation."""
    value: Secret = request.param
    return value


@pytest.fixture
def key_file(secret: Secret, tmp_path: Path) -> Path:
    """The key written to a file."""
    path = tmp_path / ("key.pem" if secret.pem else "key.der")
    path.write_bytes(secret.data)
    return path


def test_issue_certificate_options(
    run: Any, secret: Secret, key_file: Path, csr_file: Path, recorder: Any
) -> None:
    """The key given to any issue-certificate option, as a file or as text, is never printed,
    with --debug (its traceback, then the lines printed without it) and the request sent to a
    recording server where it is valid."""
    base = {
        "--certificate-authority-arn": CA,
        "--csr": str(csr_file),
        "--signing-algorithm": "SHA256WITHECDSA",
        "--validity": "Value=30,Type=DAYS",
    }
    leaked = []
    for option in ISSUE_OPTIONS:
        for how, value in _values(secret, key_file, option):
            given = {"--endpoint-url": recorder.url, **base, option: value}
            argv = [part for pair in given.items() for part in pair]
            result = run("issue-certificate", *argv, "--debug")
            if _leaks(secret, result.out, result.err):
                leaked.append(f"{option} {how}")
    assert leaked == []


def test_cli_input_json_members(run: Any, secret: Secret, csr_pem: bytes, tmp_path: Path) -> None:
    """The key as the text of any --cli-input-json member, inline or in a file, is never
    printed."""
    request = {
        "CertificateAuthorityArn": CA,
        "Csr": csr_pem.decode(),
        "SigningAlgorithm": "SHA256WITHECDSA",
        "Validity": {"Value": 30, "Type": "DAYS"},
    }
    path = tmp_path / "request.json"
    leaked = []
    for member in JSON_MEMBERS:
        text = json.dumps(_member(request, member, secret.text()))
        path.write_text(text)
        for how, value in (("text", text), ("file", f"file://{path}")):
            result = run("issue-certificate", "--cli-input-json", value, "--debug", "--dry-run")
            if _leaks(secret, result.out, result.err):
                leaked.append(f"{member} {how}")
    assert leaked == []


def test_other_subcommands(run: Any, secret: Secret, key_file: Path, tmp_path: Path) -> None:
    """The key given to any option of the other subcommands is never printed; none of them
    reads a file for a value, so the file forms are only names, and the key as text is
    refused before anything is done (no directory is made, no server started)."""
    text = secret.text()
    cases: list[list[str]] = [
        ["get-certificate", "--certificate-arn", text],
        ["get-certificate", "--certificate-arn", CERT, "--certificate-authority-arn", text],
        ["get-certificate", "--certificate-arn", CERT, "--wait-timeout", text],
        ["create-csr", text, "--out-dir", str(tmp_path / "csr")],
        ["create-csr", "--common-name", text, "--out-dir", str(tmp_path / "csr")],
        ["create-csr", "svc", "--key-algorithm", text, "--out-dir", str(tmp_path / "csr")],
        ["parse-arn", text],
        ["parse-arn", CERT, "--query", text],
        ["local-ca", "serve", "--port", text],
        ["issue-certificate", "--generate-cli-skeleton", text],
    ]
    for value in (f"file://{key_file}", str(key_file)):
        cases += [
            ["get-certificate", "--certificate-arn", value],
            ["create-csr", value, "--out-dir", str(tmp_path / "csr")],
            ["parse-arn", value],
        ]
    if secret.pem:
        # A PEM private key as text is refused before the path is used, so these end at once.
        cases += [
            ["get-certificate", "--certificate-arn", CERT, "--out-dir", text],
            ["create-csr", "svc", "--out-dir", text],
            ["demo", "--out-dir", text],
            ["local-ca", "serve", "--state-dir", text],
            ["--region", text, "parse-arn", CERT],
        ]
    leaked = []
    for argv in cases:
        result = run(*argv, "--debug")
        if _leaks(secret, result.out, result.err):
            leaked.append(" ".join(a if a != text else "KEY" for a in argv))
    assert leaked == []


@pytest.mark.parametrize("option", ["--out-dir", "--idempotency-token", "--csr"])
def test_a_pem_private_key_as_text_is_refused_first(run: Any, option: str, tmp_path: Path) -> None:
    """A PEM private key as an argument is refused before anything is done, naming the option."""
    key = SECRETS[0].data.decode()
    result = run("issue-certificate", option, key, "--dry-run")
    assert result.status == 2
    assert result.err.startswith(f"acmpca-issue: error: {option}: the value holds a private key")
    assert "-----" not in result.err
    result = run("demo", f"--out-dir={key}")
    assert result.err == (
        "acmpca-issue: error: --out-dir: the value holds a private key (not shown); acmpca-issue "
        "never takes one\n"
    )
    result = run("parse-arn", key)
    assert result.err.startswith("acmpca-issue: error: argument 2: the value holds a private key")
    assert not list(tmp_path.iterdir())


def test_quoted_value_from_a_file_is_described(run: Any, csr_file: Path, tmp_path: Path) -> None:
    """Where the command would quote a value read from a file, it says where it came from."""
    path = tmp_path / "token.txt"
    path.write_text("x" * 40)
    result = run(
        "issue-certificate",
        "--certificate-authority-arn",
        CA,
        "--csr",
        str(csr_file),
        "--signing-algorithm",
        "SHA256WITHECDSA",
        "--validity",
        "Value=30,Type=DAYS",
        "--idempotency-token",
        f"file://{path}",
        "--dry-run",
    )
    assert result.status == 2
    assert result.err == (
        "acmpca-issue: error: --idempotency-token: must be 1-36 characters long, got 40 "
        f"(<40 characters from file://{path}, not shown>)\n"
    )


def test_key_like_json_that_does_not_parse(run: Any) -> None:
    """JSON text holding key material that does not parse is remembered whole."""
    der = _named("rsa-der")
    key = base64.b64encode(der.data).decode()
    result = run("issue-certificate", "--cli-input-json", '{"Csr": "' + key, "--dry-run")
    assert result.status == 2
    assert result.err.startswith("acmpca-issue: error: --cli-input-json: invalid JSON: ")
    assert not _leaks(der, result.err)


@pytest.mark.parametrize("url", ["http://[::1", "ftp://127.0.0.1", "http://:80", "http://h:99999"])
def test_endpoint_url_is_checked_first(run: Any, url: str) -> None:
    """An --endpoint-url botocore cannot use is refused before anything is sent."""
    result = run("parse-arn", CERT, "--endpoint-url", url)
    assert result.status == 2
    assert result.err == (
        "acmpca-issue: error: --endpoint-url: expected an http:// or https:// URL such as "
        f"http://127.0.0.1:8080, got {url!r}\n"
    )


class TestRedact:
    """The two rules: quote() describes a secret; scrub() removes it from any text."""

    @pytest.fixture(autouse=True)
    def _nothing_remembered(self) -> None:
        forget()

    def test_quote(self) -> None:
        """A plain value is quoted as repr; key material by its length only."""
        assert quote("us-east1") == "'us-east1'"
        assert quote(5) == "5"
        der = base64.b64encode(_named("rsa-der").data).decode()
        assert quote(der) == f"<{len(der)} characters that look like key material, not shown>"

    @pytest.mark.parametrize(
        "text",
        [
            CERT,
            "/home/User/Projects2/deploy/certificates/and/more/words",
            "e8cbd2bedb122329f97706bcfec990f8e8cbd2bedb122329",
            "SHA256WITHRSA_PSS SHA384WITHRSA_PSS",
            base64.b64encode(b"\x04" + bytes(range(60))).decode(),
        ],
    )
    def test_not_key_material(self, text: str) -> None:
        """ARNs, paths, serials and base64 that is not DER are not taken for keys."""
        assert not looks_like_key(text)
        assert scrub(text) == text

    def test_hex_der_is_key_material(self) -> None:
        """Hex of a DER structure is recognised, as base64 of one is."""
        der = _named("ec-der").data
        assert looks_like_key(der.hex())
        assert looks_like_key(base64.b64encode(der).decode())

    def test_scrub_pem_forms(self) -> None:
        """A PEM block is removed whole, cut short, escaped or with its lines joined."""
        pem = SECRETS[0].data.decode()
        for shown in (pem, repr(pem)[:60] + "...", " ".join(pem.split()), pem[-100:]):
            scrubbed = scrub(f"got {shown} (end)")
            assert scrubbed.startswith("got ")
            assert scrubbed.endswith(" (end)")
            assert "<not shown>" in scrubbed
            assert not _leaks(SECRETS[0], scrubbed)

    def test_scrub_remembered_runs(self) -> None:
        """Any run of MIN_RUN characters of a remembered secret goes, in any of its forms."""
        secret = "a secret that is not key material"
        remember(secret.encode(), "file://s.txt")
        assert scrub(f"x {secret[3 : 3 + MIN_RUN]} y") == "x <not shown> y"
        assert scrub(f"x {secret.encode().hex()[:MIN_RUN]} y") == "x <not shown> y"
        assert scrub(f"x {secret[:11]} y") == f"x {secret[:11]} y"
        assert quote(secret) == f"<{len(secret)} characters from file://s.txt, not shown>"


def test_issue_many_lines_pass_through_the_filter(run: Any, tmp_path: Path, local_ca: Any) -> None:
    """issue-many prints its rows' problems on stderr itself: they pass through the filter too,
    so a key in a manifest (or given as one) is not printed."""
    secret = _named("rsa-pem")
    manifest = tmp_path / "fleet.jsonl"
    manifest.write_text(json.dumps({"id": secret.text(), "names": "a.example"}) + "\n")
    key_file = tmp_path / "key.pem"
    key_file.write_bytes(secret.data)
    for given in (manifest, key_file):
        result = run(
            "issue-many", "--certificate-authority-arn", local_ca.ca_arn, "--manifest", str(given),
            "--out-dir", str(tmp_path / "out"), "--validity", "Value=1,Type=DAYS",
            "--no-progress", "--endpoint-url", local_ca.endpoint_url,
        )  # fmt: skip
        assert result.status != 0
        assert "bad rows" in result.err
        assert not _leaks(secret, result.out, result.err)


def test_scrubbed_stream_passes_the_rest_through() -> None:
    """The filtered standard error is the stream itself for everything but write()."""
    import io

    from acmpca_issue._cli import _Scrubbed

    stream = io.StringIO()
    scrubbed = _Scrubbed(stream)
    scrubbed.write("a -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY----- b\n")
    assert scrubbed.getvalue() == "a <not shown> b\n"
    assert not scrubbed.isatty()
