"""``acmpca-issue issue-certificate`` through ``main(argv)``: input forms, errors, output."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

CA = (
    "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/"
    "12345678-1234-1234-1234-123456789012"
)
REQUEST = ["--certificate-authority-arn", CA, "--signing-algorithm", "SHA256WITHECDSA"]
VALIDITY = ["--validity", "Value=30,Type=DAYS"]


def dry(run: Any, *argv: str, stdin: bytes = b"") -> Any:
    """Run issue-certificate --dry-run with the base request options."""
    return run("issue-certificate", *REQUEST, *VALIDITY, *argv, "--dry-run", stdin=stdin)


class TestSkeleton:
    """--generate-cli-skeleton prints deterministic, valid templates."""

    def test_input_is_deterministic_and_valid(
        self, run: Any, tmp_path: Path, csr_pem: bytes
    ) -> None:
        """Filled in with a CA ARN and a CSR, the input skeleton passes --cli-input-json."""
        first = run("issue-certificate", "--generate-cli-skeleton")
        again = run("issue-certificate", "--generate-cli-skeleton", "input")
        assert first.status == again.status == 0
        assert first.out == again.out
        template = first.json()
        assert template == {
            "CertificateAuthorityArn": "",
            "Csr": "",
            "SigningAlgorithm": "SHA256WITHECDSA",
            "Validity": {"Value": 365, "Type": "DAYS"},
        }
        template.update(CertificateAuthorityArn=CA, Csr=csr_pem.decode())
        path = tmp_path / "request.json"
        path.write_text(json.dumps(template))
        result = run("issue-certificate", "--cli-input-json", f"file://{path}", "--dry-run")
        assert result.status == 0, result.err
        assert result.json()["Validity"] == {"Value": 365, "Type": "DAYS"}

    def test_output_shape(self, run: Any) -> None:
        """The output skeleton is the response shape, a well-formed certificate ARN."""
        from acmpca_issue import CertificateArn

        result = run("issue-certificate", "--generate-cli-skeleton", "output")
        assert result.status == 0
        (arn,) = result.json().values()
        assert CertificateArn.parse(arn).serial_hex == "e8cbd2bedb122329f97706bcfec990f8"

    def test_output_checks_given_options(self, run: Any) -> None:
        """With request options, `output` checks them first, like the AWS CLI."""
        result = run(
            "issue-certificate", "--generate-cli-skeleton", "output", "--validity", "Value=1"
        )
        assert result.status == 2
        assert "the following arguments are required" in result.err
        assert result.out == ""

    def test_bad_choice(self, run: Any) -> None:
        """Only input and output are accepted."""
        result = run("issue-certificate", "--generate-cli-skeleton", "yaml-input")
        assert result.status == 2
        assert "invalid choice" in result.err


class TestCsrForms:
    """--csr takes files, standard input and PEM text, in PEM or DER, and fixes what it can."""

    def expect_canonical(self, result: Any, csr_pem: bytes) -> None:
        assert result.status == 0, result.err
        assert result.json()["Csr"] == csr_pem.decode()

    @pytest.mark.parametrize("prefix", ["file://", "fileb://", ""])
    def test_pem_file(self, run: Any, csr_file: Path, csr_pem: bytes, prefix: str) -> None:
        """file://, fileb:// and a plain path read the file's bytes as they are."""
        self.expect_canonical(dry(run, "--csr", f"{prefix}{csr_file}"), csr_pem)

    def test_der_file(self, run: Any, tmp_path: Path, csr: Any, csr_pem: bytes) -> None:
        """A DER file is sent as PEM (the AWS CLI would send DER, which the service rejects)."""
        path = tmp_path / "csr.der"
        path.write_bytes(csr.public_bytes(serialization.Encoding.DER))
        self.expect_canonical(dry(run, "--csr", f"fileb://{path}"), csr_pem)

    def test_stdin(self, run: Any, csr_pem: bytes) -> None:
        """- reads standard input."""
        self.expect_canonical(dry(run, "--csr", "-", stdin=csr_pem), csr_pem)

    def test_pem_text(self, run: Any, csr_pem: bytes) -> None:
        """The PEM text itself is taken as is (never base64-decoded, the AWS CLI v2 trap)."""
        self.expect_canonical(dry(run, "--csr", csr_pem.decode()), csr_pem)

    def test_new_header(self, run: Any, csr_pem: bytes, tmp_path: Path) -> None:
        """A NEW CERTIFICATE REQUEST header (Windows tools) is fixed."""
        path = tmp_path / "new.csr"
        path.write_bytes(csr_pem.replace(b"CERTIFICATE REQUEST", b"NEW CERTIFICATE REQUEST"))
        self.expect_canonical(dry(run, "--csr", f"file://{path}"), csr_pem)

    def test_double_base64_file(self, run: Any, csr_pem: bytes, tmp_path: Path) -> None:
        """A file holding base64 of the PEM is recognised and explained."""
        path = tmp_path / "csr.b64"
        path.write_bytes(base64.encodebytes(csr_pem))
        result = dry(run, "--csr", f"file://{path}")
        assert result.status == 2
        assert result.err.startswith("acmpca-issue: error: --csr: ")
        assert "base64-encoded once too often" in result.err

    def test_double_base64_text(self, run: Any, csr_pem: bytes) -> None:
        """Base64 of the PEM given as the value itself is explained too."""
        result = dry(run, "--csr", base64.b64encode(csr_pem).decode())
        assert result.status == 2
        assert "base64-encoded once too often" in result.err

    def test_missing_path(self, run: Any) -> None:
        """A value that is no file, -, nor PEM names the forms --csr takes."""
        result = dry(run, "--csr", "nope.pem")
        assert result.status == 2
        assert result.err == (
            "acmpca-issue: error: --csr: no such file 'nope.pem'; give file://PATH, "
            "fileb://PATH, a path, - for standard input, or the PEM text\n"
        )

    def test_missing_long_path(self, run: Any, tmp_path: Path) -> None:
        """A long path that does not exist is named as a missing file, not as a bad CSR."""
        path = str(tmp_path / ("d" * 60) / ("c" * 60)) + ".csr"
        result = dry(run, "--csr", path)
        assert result.status == 2
        assert result.err.startswith(f"acmpca-issue: error: --csr: no such file {path!r}")

    def test_missing_file_url(self, run: Any, tmp_path: Path) -> None:
        """An unreadable file:// names the file and why."""
        result = dry(run, "--csr", f"file://{tmp_path}/missing.pem")
        assert result.status == 2
        assert "--csr: cannot read file://" in result.err
        assert "No such file or directory" in result.err

    def test_empty_stdin(self, run: Any) -> None:
        """- with nothing piped in says so, rather than that the data is not a CSR."""
        result = dry(run, "--csr", "-", stdin=b"\n")
        assert result.status == 2
        assert result.err == (
            "acmpca-issue: error: --csr: standard input (-) is empty; pipe the CSR into it\n"
        )

    def test_not_a_csr(self, run: Any, tmp_path: Path) -> None:
        """A readable file that is not a CSR is refused before sending."""
        path = tmp_path / "junk.pem"
        path.write_bytes(b"hello")
        result = dry(run, "--csr", str(path))
        assert result.status == 2
        assert result.err.startswith("acmpca-issue: error: --csr: not a CSR")


class TestStructureOptions:
    """Shorthand and JSON mistakes give one line naming the option and the text."""

    def test_shorthand_syntax(self, run: Any, csr_file: Path) -> None:
        """A syntax error names the option, what was expected, where, and the text."""
        result = run(
            "issue-certificate",
            *REQUEST,
            "--csr",
            str(csr_file),
            "--validity",
            "Value",
            "--dry-run",
        )
        assert result.status == 2
        assert result.err == (
            "acmpca-issue: error: --validity: expected '=' but found end of text at "
            "position 5 in 'Value'\n"
        )

    def test_not_an_integer(self, run: Any, csr_file: Path) -> None:
        """A Value that is not an integer names the member (the AWS CLI's message does not)."""
        result = run(
            "issue-certificate",
            *REQUEST,
            "--csr",
            str(csr_file),
            "--validity",
            "Value=1y,Type=DAYS",
        )
        assert result.status == 2
        assert (
            result.err == "acmpca-issue: error: --validity: Value: expected an integer, got '1y'\n"
        )

    def test_wrong_case_keys(self, run: Any, csr_file: Path) -> None:
        """Keys are case-sensitive, as in the AWS CLI; each unknown key gets a line."""
        result = dry(run, "--csr", str(csr_file), "--validity", "value=1,type=DAYS")
        assert result.status == 2
        lines = result.err.splitlines()
        assert lines == [
            "acmpca-issue: error: --validity: value: unknown key 'value', must be one of: "
            "Value, Type; did you mean 'Value'?",
            "acmpca-issue: error: --validity: type: unknown key 'type', must be one of: "
            "Value, Type; did you mean 'Type'?",
        ]

    @pytest.mark.parametrize(
        "argv",
        [
            ["--validity", "Value=365,", "Type=DAYS"],
            ["--validity=Value=365, ", "Type=DAYS"],
            ["--validity", "Value=365,", "Type=DAYS", "--dry-run"],
        ],
    )
    def test_space_after_a_comma(
        self, run: Any, csr_file: Path, recorder: Any, argv: list[str]
    ) -> None:
        """`Value=365, Type=DAYS` unquoted (two shell words) is explained in one line."""
        result = run(
            "issue-certificate",
            *REQUEST,
            "--csr",
            str(csr_file),
            "--endpoint-url",
            recorder.url,
            *argv,
        )
        assert result.status == 2
        value = argv[0].partition("=")[2] or argv[1]
        assert result.err == (
            f"acmpca-issue: error: --validity: {value!r} ends with a comma and 'Type=DAYS' "
            "became a separate argument: the shell splits a value at a space after a comma; "
            "write Value=365,Type=DAYS or quote the whole value\n"
        )
        assert recorder.requests == []

    def test_comma_at_the_end_alone(self, run: Any, csr_file: Path) -> None:
        """A trailing comma with nothing after it is a shorthand syntax error as usual."""
        result = dry(run, "--csr", str(csr_file), "--validity", "Value=1,Type=DAYS,")
        assert result.status == 2
        assert result.err.startswith("acmpca-issue: error: --validity: expected")
        other = run("parse-arn", "--validity", "x,", "y")
        assert other.status == 2
        assert "unrecognized arguments" in other.err
        last = run("issue-certificate", "--validity")
        assert last.status == 2
        assert "argument --validity: expected one argument" in last.err

    def test_invalid_json(self, run: Any, csr_file: Path) -> None:
        """JSON needs double quotes, as in the AWS CLI."""
        result = dry(run, "--csr", str(csr_file), "--validity", "{'Value': 1}")
        assert result.status == 2
        assert result.err.startswith("acmpca-issue: error: --validity: invalid JSON: Expecting")

    def test_model_problem_is_named_by_option(
        self, run: Any, csr_file: Path, recorder: Any
    ) -> None:
        """A value the request model refuses is reported under the option and member it came
        from, as the user wrote them, and nothing is sent."""
        result = run(
            "issue-certificate",
            *REQUEST,
            "--csr",
            str(csr_file),
            "--validity",
            "Value=0,Type=DAYS",
            "--endpoint-url",
            recorder.url,
        )
        assert result.status == 2
        assert result.err == (
            "acmpca-issue: error: --validity: Value: must be a whole number >= 1, got 0\n"
        )
        assert recorder.requests == []

    def test_nested_problem_uses_aws_member_names(self, run: Any, csr_file: Path) -> None:
        """A problem deep in --api-passthrough is named by the path of AWS member names."""
        result = dry(
            run,
            "--csr",
            str(csr_file),
            "--template-arn",
            "arn:aws:acm-pca:::template/EndEntityCertificate_APIPassthrough/V1",
            "--api-passthrough",
            "Extensions={KeyUsage={CRLSign=true},"
            "SubjectAlternativeNames=[{DnsName=a.example},{IpAddress=999.1.1.1}]}",
        )
        assert result.status == 2
        assert result.err == (
            "acmpca-issue: error: --api-passthrough: Extensions.SubjectAlternativeNames[1]."
            "IpAddress: must be an IPv4 or IPv6 address, got '999.1.1.1'\n"
        )

    def test_nested_offending_text_is_quoted(self, run: Any, csr_file: Path) -> None:
        """A nested member's text is quoted when the message gives only its length."""
        result = dry(
            run,
            "--csr",
            str(csr_file),
            "--template-arn",
            "arn:aws:acm-pca:::template/EndEntityCertificate_APIPassthrough/V1",
            "--api-passthrough",
            "Subject={Country=Germany,CommonName=a}",
        )
        assert result.status == 2
        assert result.err == (
            "acmpca-issue: error: --api-passthrough: Subject.Country: must be exactly 2 "
            "characters long, got 7 ('Germany')\n"
        )

    def test_offending_text_after_a_count(self, run: Any, csr_file: Path) -> None:
        """When the message gives a count, the text follows it once, in parentheses."""
        token = "t" * 37
        result = dry(run, "--csr", str(csr_file), "--idempotency-token", token)
        assert result.status == 2
        assert result.err == (
            "acmpca-issue: error: --idempotency-token: must be 1-36 characters long, "
            f"got 37 ({token!r})\n"
        )

    def test_passthrough_from_fileb(self, run: Any, csr_file: Path, tmp_path: Path) -> None:
        """--api-passthrough fileb:// JSON works (the AWS CLI fails on it: aws-cli#7018)."""
        path = tmp_path / "extensions.json"
        path.write_bytes(b'{"Extensions": {"KeyUsage": {"DigitalSignature": true}}}\n')
        result = dry(
            run,
            "--csr",
            str(csr_file),
            "--template-arn",
            "arn:aws:acm-pca:::template/EndEntityCertificate_APIPassthrough/V1",
            "--api-passthrough",
            f"fileb://{path}",
        )
        assert result.status == 0, result.err
        assert result.json()["ApiPassthrough"] == {
            "Extensions": {"KeyUsage": {"DigitalSignature": True}}
        }

    def test_several_problems_one_line_each(self, run: Any, csr_file: Path) -> None:
        """Every problem is listed, each on its own line, each naming its option."""
        result = run(
            "issue-certificate",
            "--certificate-authority-arn",
            "arn:aws:acm-pca:us-east-1:123:certificate-authority/x",
            "--csr",
            str(csr_file),
            "--signing-algorithm",
            "SHA1WITHRSA",
            "--validity",
            "Value=1,Type=WEEKS",
            "--dry-run",
        )
        assert result.status == 2
        lines = result.err.splitlines()
        assert len(lines) >= 3
        assert all(line.startswith("acmpca-issue: error: --") for line in lines)
        joined = "\n".join(lines)
        for option in ("--certificate-authority-arn", "--signing-algorithm", "--validity"):
            assert f"error: {option}" in joined

    def test_offending_text_is_quoted(self, run: Any, csr_file: Path) -> None:
        """A refused text option shows what was given (the model's message lists what is valid)."""
        result = run(
            "issue-certificate",
            "--certificate-authority-arn",
            CA,
            "--signing-algorithm",
            "sha256withecdsa",
            "--csr",
            str(csr_file),
            *VALIDITY,
            "--dry-run",
        )
        assert result.status == 2
        assert result.err.startswith("acmpca-issue: error: --signing-algorithm: must be one of ")
        assert result.err.endswith("; got 'sha256withecdsa'; did you mean 'SHA256WITHECDSA'?\n")

    def test_passthrough_needs_a_template(self, run: Any, csr_file: Path) -> None:
        """ApiPassthrough without a passthrough template is refused, not silently ignored."""
        result = dry(run, "--csr", str(csr_file), "--api-passthrough", "Subject={CommonName=x}")
        assert result.status == 2
        assert result.err.startswith("acmpca-issue: error: --api-passthrough: is ignored by")

    def test_option_from_file(self, run: Any, csr_file: Path, tmp_path: Path) -> None:
        """Any option takes file://, read as UTF-8 text."""
        token = tmp_path / "token.txt"
        token.write_text("from-a-file")
        result = dry(run, "--csr", str(csr_file), "--idempotency-token", f"file://{token}")
        assert result.json()["IdempotencyToken"] == "from-a-file"

    def test_option_file_not_text(self, run: Any, csr_file: Path, tmp_path: Path) -> None:
        """A file:// that is not UTF-8 is named."""
        token = tmp_path / "token.bin"
        token.write_bytes(b"\xff\xfe")
        result = dry(run, "--csr", str(csr_file), "--idempotency-token", f"file://{token}")
        assert result.status == 2
        assert result.err.endswith("is not UTF-8 text\n")


class TestCliInputJson:
    """--cli-input-json: text or file://, overridden by options; its problems are named."""

    def test_text_with_override(self, run: Any, csr_pem: bytes) -> None:
        """Options on the command line replace the JSON's members."""
        text = json.dumps(
            {
                "CertificateAuthorityArn": CA,
                "Csr": csr_pem.decode(),
                "SigningAlgorithm": "SHA256WITHECDSA",
                "Validity": {"Value": 365, "Type": "DAYS"},
            }
        )
        result = run(
            "issue-certificate",
            "--cli-input-json",
            text,
            "--validity",
            "Value=2,Type=DAYS",
            "--dry-run",
        )
        assert result.status == 0, result.err
        assert result.json()["Validity"] == {"Value": 2, "Type": "DAYS"}

    def test_problem_names_the_json_member(self, run: Any, csr_pem: bytes) -> None:
        """A bad member of the JSON is named as such."""
        text = json.dumps(
            {
                "CertificateAuthorityArn": CA,
                "Csr": csr_pem.decode(),
                "SigningAlgorithm": "SHA256WITHECDSA",
                "Validity": {"Value": 0, "Type": "DAYS"},
                "Extra": 1,
            }
        )
        result = run("issue-certificate", "--cli-input-json", text, "--dry-run")
        assert result.status == 2
        lines = result.err.splitlines()
        assert any(
            line.startswith("acmpca-issue: error: --cli-input-json Validity: Value")
            for line in lines
        )
        assert any(
            line.startswith("acmpca-issue: error: --cli-input-json: unknown key 'Extra'")
            for line in lines
        )

    def test_a_private_key_given_as_csr_is_never_printed(self, run: Any, tmp_path: Path) -> None:
        """A private key where the CSR belongs is refused without echoing it, from the JSON,
        the option's text or a file, even with --debug."""
        from acmpca_issue import generate_private_key

        key_pem = (
            generate_private_key()
            .private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            .decode()
        )
        secret = key_pem.splitlines()[1][:24]
        path = tmp_path / "key.pem"
        path.write_text(key_pem)
        request = {
            "CertificateAuthorityArn": CA,
            "Csr": key_pem,
            "SigningAlgorithm": "SHA256WITHECDSA",
            "Validity": {"Value": 1, "Type": "DAYS"},
        }
        for argv in (
            ["--cli-input-json", json.dumps(request)],
            [*REQUEST, *VALIDITY, "--csr", key_pem],
            [*REQUEST, *VALIDITY, "--csr", f"file://{path}"],
        ):
            result = run("issue-certificate", *argv, "--dry-run", "--debug")
            assert result.status == 2
            # As text it is refused before anything is read; from a file, by the CSR check.
            assert result.err.splitlines()[-1] in (
                "acmpca-issue: error: --cli-input-json: the value holds a private key (not "
                "shown); acmpca-issue never takes one: give the CSR made from it (create-csr "
                "makes both)",
                "acmpca-issue: error: --csr: the value holds a private key (not shown); "
                "acmpca-issue never takes one: give the CSR made from it (create-csr makes both)",
                "acmpca-issue: error: --csr: not a CSR: the PEM holds PRIVATE KEY, not a "
                "CERTIFICATE REQUEST",
            )
            assert secret not in result.err
            assert secret not in result.out

    def test_json_member_text_is_quoted(self, run: Any, csr_pem: bytes) -> None:
        """A refused text member of the JSON is quoted, as an option's text is."""
        text = json.dumps(
            {
                "CertificateAuthorityArn": CA,
                "Csr": csr_pem.decode(),
                "SigningAlgorithm": "SHA999",
                "Validity": {"Value": 1, "Type": "DAYS"},
            }
        )
        result = run("issue-certificate", "--cli-input-json", text, "--dry-run")
        assert result.status == 2
        assert result.err.startswith(
            "acmpca-issue: error: --cli-input-json SigningAlgorithm: must be one of "
        )
        assert result.err.endswith("; got 'SHA999'\n")

    @pytest.mark.parametrize(
        ("given", "message"),
        [
            (
                "file://csr.pem",
                "--cli-input-json Csr: 'file://csr.pem' is a file name, but the JSON holds the "
                "PEM text itself; give the file with --csr on the command line instead",
            ),
            ("junk", "--cli-input-json Csr: not a CSR: neither PEM nor DER"),
            ("BASE64", "--cli-input-json Csr: the CSR was base64-encoded once too often"),
        ],
    )
    def test_csr_that_is_not_pem(self, run: Any, csr_pem: bytes, given: str, message: str) -> None:
        """A JSON Csr that is a file name, junk, or base64 (the AWS CLI v2's form) is explained."""
        text = base64.b64encode(csr_pem).decode() if given == "BASE64" else given
        request = {
            "CertificateAuthorityArn": CA,
            "Csr": text,
            "SigningAlgorithm": "SHA256WITHECDSA",
            "Validity": {"Value": 1, "Type": "DAYS"},
        }
        result = run("issue-certificate", "--cli-input-json", json.dumps(request), "--dry-run")
        assert result.status == 2
        assert result.err.startswith(f"acmpca-issue: error: {message}")
        assert result.err.count("\n") == 1

    def test_csr_option_overrides_a_bad_json_csr(
        self, run: Any, csr_file: Path, csr_pem: bytes
    ) -> None:
        """--csr on the command line replaces the JSON's Csr before it is looked at."""
        request = {
            "CertificateAuthorityArn": CA,
            "Csr": "file://elsewhere.pem",
            "SigningAlgorithm": "SHA256WITHECDSA",
            "Validity": {"Value": 1, "Type": "DAYS"},
        }
        result = run(
            "issue-certificate",
            "--cli-input-json",
            json.dumps(request),
            "--csr",
            str(csr_file),
            "--dry-run",
        )
        assert result.status == 0, result.err
        assert result.json()["Csr"] == csr_pem.decode()

    def test_plain_path(
        self, run: Any, csr_pem: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A plain path is read as file:// reads it, as --csr takes a plain path too."""
        request = {
            "CertificateAuthorityArn": CA,
            "Csr": csr_pem.decode(),
            "SigningAlgorithm": "SHA256WITHECDSA",
            "Validity": {"Value": 3, "Type": "DAYS"},
        }
        (tmp_path / "request.json").write_text(json.dumps(request))
        monkeypatch.chdir(tmp_path)
        result = run("issue-certificate", "--cli-input-json", "request.json", "--dry-run")
        assert result.status == 0, result.err
        assert result.json()["Validity"] == {"Value": 3, "Type": "DAYS"}

    def test_neither_json_nor_a_file(self, run: Any, tmp_path: Path) -> None:
        """A name that is not a file says what was expected, not a bare "invalid JSON"."""
        missing = str(tmp_path / "request.json")
        result = run("issue-certificate", "--cli-input-json", missing, "--dry-run")
        assert result.status == 2
        assert result.err == (
            f"acmpca-issue: error: --cli-input-json: {missing!r} is neither JSON nor an existing "
            "file; give the request as JSON text, file://PATH or the path of a file\n"
        )

    def test_a_file_that_is_not_an_object(self, run: Any, tmp_path: Path) -> None:
        """A file holding JSON that is not an object: its type, none of its text."""
        path = tmp_path / "list.json"
        path.write_text('["a list of private things"]')
        result = run("issue-certificate", "--cli-input-json", f"file://{path}", "--dry-run")
        assert (
            result.err
            == "acmpca-issue: error: --cli-input-json: expected a JSON object, got list\n"
        )

    def test_a_plain_path_that_is_not_json_is_not_printed(self, run: Any, tmp_path: Path) -> None:
        """A file read by its plain path that is not JSON: the JSON error, none of its text."""
        path = tmp_path / "notes.txt"
        path.write_text("not a request but a long line of private notes\n")
        result = run("issue-certificate", "--cli-input-json", str(path), "--dry-run")
        assert result.status == 2
        assert result.err == (
            "acmpca-issue: error: --cli-input-json: invalid JSON: Expecting value: line 1 "
            "column 1 (char 0)\n"
        )

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("{", "--cli-input-json: invalid JSON: Expecting property name"),
            ("[1]", "--cli-input-json: expected a JSON object, got list"),
            ("[" * 100000, "--cli-input-json: invalid JSON: nested too deeply"),
        ],
    )
    def test_not_a_json_object(self, run: Any, text: str, message: str) -> None:
        """Text that is not a JSON object is refused with the option named."""
        result = run("issue-certificate", "--cli-input-json", text)
        assert result.status == 2
        assert result.err.startswith(f"acmpca-issue: error: {message}")

    def test_missing_required(self, run: Any) -> None:
        """Without the JSON, the AWS CLI's required options are required."""
        result = run("issue-certificate", "--validity", "Value=1,Type=DAYS")
        assert result.status == 2
        assert result.err == (
            "acmpca-issue: error: the following arguments are required: "
            "--certificate-authority-arn, --csr, --signing-algorithm\n"
        )


class TestDryRun:
    """--dry-run prints the exact botocore parameters and sends nothing."""

    def test_params(self, run: Any, csr_file: Path, csr_pem: bytes, recorder: Any) -> None:
        """The parameters, in the model's order, with the token the Issuer would derive."""
        from acmpca_issue import IssueCertificateRequest
        from acmpca_issue._token import derive_idempotency_token

        result = dry(run, "--csr", str(csr_file), "--endpoint-url", recorder.url)
        assert result.status == 0
        params = result.json()
        assert list(params) == [
            "CertificateAuthorityArn",
            "Csr",
            "SigningAlgorithm",
            "Validity",
            "IdempotencyToken",
        ]
        request = IssueCertificateRequest(
            certificate_authority_arn=CA,
            csr=csr_pem,
            signing_algorithm="SHA256WITHECDSA",
            validity={"Value": 30, "Type": "DAYS"},
        )
        assert params["IdempotencyToken"] == derive_idempotency_token(request.to_api())
        assert recorder.requests == []

    def test_query(self, run: Any, csr_file: Path) -> None:
        """--query and --output text apply to the parameters."""
        result = dry(run, "--csr", str(csr_file), "--query", "Validity.Value", "--output", "text")
        assert result.out == "30\n"


class TestAgainstRecordingServer:
    """What is sent, and what is printed, without waiting."""

    def args(self, recorder: Any, csr_file: Path) -> list[str]:
        return [
            "issue-certificate",
            *REQUEST,
            *VALIDITY,
            "--csr",
            str(csr_file),
            "--endpoint-url",
            recorder.url,
            "--no-preflight",
        ]

    def test_json_text_query(self, run: Any, recorder: Any, csr_file: Path) -> None:
        """JSON like the AWS CLI; text is the bare ARN; --query selects."""
        base = self.args(recorder, csr_file)
        assert run(*base).out == f'{{\n    "CertificateArn": "{recorder.cert_arn}"\n}}\n'
        assert run(*base, "--output", "text").out == f"{recorder.cert_arn}\n"
        assert run(*base, "--query", "CertificateArn").out == f'"{recorder.cert_arn}"\n'
        assert run(*base, "--query", "Nothing").out == "null\n"
        assert len(recorder.bodies()) == 4

    def test_bad_query_sends_nothing(self, run: Any, recorder: Any, csr_file: Path) -> None:
        """An invalid --query is a usage error found before sending."""
        result = run(*self.args(recorder, csr_file), "--query", "[")
        assert result.status == 2
        assert result.err.startswith(
            "acmpca-issue: error: --query: invalid JMESPath expression '['"
        )
        assert recorder.requests == []

    def test_region_from_the_ca_arn(self, run: Any, recorder: Any, csr_file: Path) -> None:
        """Without --region the request is signed for the CA's own region, not the default."""
        west = CA.replace("us-east-1", "eu-west-1")
        args = [a if a != CA else west for a in self.args(recorder, csr_file)]
        assert run(*args).status == 0
        assert "/eu-west-1/acm-pca/" in recorder.requests[-1].authorization
        sent = len(recorder.requests)
        other = run(*args, "--region", "eu-central-1")
        assert other.status == 2
        assert "'eu-west-1'" in other.err
        assert "'eu-central-1'" in other.err
        assert len(recorder.requests) == sent  # refused before sending

    def test_profile(
        self,
        run: Any,
        recorder: Any,
        csr_file: Path,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """--profile picks the profile's credentials; an unknown profile is exit 1, one line."""
        credentials = tmp_path / "credentials"
        credentials.write_text(
            "[pki]\naws_access_key_id = AKIDPKIPROFILE\naws_secret_access_key = secret\n"
        )
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
        assert run(*self.args(recorder, csr_file), "--profile", "pki").status == 0
        assert "Credential=AKIDPKIPROFILE/" in recorder.requests[-1].authorization
        missing = run(*self.args(recorder, csr_file), "--profile", "nope")
        assert missing.status == 1
        assert "nope" in missing.err
        assert len(missing.err.splitlines()) == 1

    def test_global_options_before_the_command(
        self, run: Any, recorder: Any, csr_file: Path
    ) -> None:
        """Global options may come before the subcommand, as with `aws --region ...`."""
        result = run("--output", "text", *self.args(recorder, csr_file))
        assert result.out == f"{recorder.cert_arn}\n"

    def test_service_error(self, run: Any, recorder: Any, csr_file: Path) -> None:
        """A service error is one line in the AWS CLI's words, exit status 1."""
        result = run(*self.args(recorder, csr_file)[:-1])  # preflight calls Describe..., refused
        assert result.status == 1
        assert result.err == (
            "An error occurred (InvalidRequestException) when calling the "
            "DescribeCertificateAuthority operation: not recorded\n"
        )

    def test_unreachable(self, run: Any, csr_file: Path) -> None:
        """No answer from the endpoint is exit status 1 with one line."""
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        result = run(
            "issue-certificate",
            *REQUEST,
            *VALIDITY,
            "--csr",
            str(csr_file),
            "--endpoint-url",
            f"http://127.0.0.1:{port}",
            "--no-preflight",
            "--wait-timeout",
            "0.2",
        )
        assert result.status == 1
        assert result.err.startswith("acmpca-issue: error: ")
        assert len(result.err.splitlines()) == 1


class TestWithLocalCa:
    """Issuing for real from a local Private CA over HTTP."""

    def args(self, local_ca: Any, csr_file: Path, *more: str) -> list[str]:
        return [
            "issue-certificate",
            "--certificate-authority-arn",
            local_ca.ca_arn,
            "--csr",
            f"file://{csr_file}",
            "--signing-algorithm",
            "SHA256WITHECDSA",
            "--validity",
            "Value=7,Type=DAYS",
            "--endpoint-url",
            local_ca.endpoint_url,
            *more,
        ]

    def test_wait_json(self, run: Any, local_ca: Any, csr_file: Path, csr: Any) -> None:
        """--wait prints the ARN, the certificate and its chain; the certificate fits the CSR."""
        result = run(*self.args(local_ca, csr_file, "--wait"))
        assert result.status == 0, result.err
        data = result.json()
        assert list(data) == ["CertificateArn", "Certificate", "CertificateChain"]
        certificate = x509.load_pem_x509_certificate(data["Certificate"].encode())
        assert certificate.public_key() == csr.public_key()
        assert data["CertificateArn"].endswith(f"/certificate/{certificate.serial_number:032x}")

    def test_wait_text_is_pem(self, run: Any, local_ca: Any, csr_file: Path) -> None:
        """--output text prints the certificate, then its chain, as PEM."""
        result = run(*self.args(local_ca, csr_file, "--wait", "--output", "text"))
        certificates = x509.load_pem_x509_certificates(result.out.encode())
        assert len(certificates) == 2
        assert certificates[0].issuer == certificates[1].subject

    def test_out_dir(self, run: Any, local_ca: Any, csr_file: Path, tmp_path: Path) -> None:
        """--out-dir writes the three files, refuses to overwrite, and --overwrite replaces."""
        out = tmp_path / "tls"
        result = run(*self.args(local_ca, csr_file, "--out-dir", str(out)))
        assert result.status == 0, result.err
        assert result.json()["Files"] == {
            name: str(out / name) for name in ("cert.pem", "chain.pem", "fullchain.pem")
        }
        assert len(x509.load_pem_x509_certificates((out / "fullchain.pem").read_bytes())) == 2
        again = run(*self.args(local_ca, csr_file, "--out-dir", str(out)))
        assert again.status == 2
        assert again.err == (
            f"acmpca-issue: error: --out-dir: {out / 'cert.pem'} exists; use --overwrite to "
            "replace it\n"
        )
        assert run(*self.args(local_ca, csr_file, "--out-dir", str(out), "--overwrite")).status == 0

    def test_out_dir_not_writable(
        self, run: Any, local_ca: Any, csr_file: Path, tmp_path: Path
    ) -> None:
        """If the files cannot be written, the issued certificate's ARN is still printed."""
        blocker = tmp_path / "file"
        blocker.write_text("")
        result = run(*self.args(local_ca, csr_file, "--out-dir", str(blocker / "sub")))
        assert result.status == 1
        assert result.err.startswith("acmpca-issue: error: cannot write the certificate arn:aws:")

    def test_failed_issuance_names_the_certificate(
        self, run: Any, local_ca: Any, csr_file: Path
    ) -> None:
        """A failure after issuing prints the service's error and the certificate's ARN."""
        local_ca.pca.fail_next_issuance()
        # A token of its own: the same request as another test's would get that certificate.
        result = run(*self.args(local_ca, csr_file, "--wait", "--idempotency-token", "fails"))
        assert result.status == 1
        first, second = result.err.splitlines()
        assert first.startswith(
            "An error occurred (RequestFailedException) when calling the GetCertificate operation"
        )
        assert second.startswith(
            f"acmpca-issue: the certificate was issued: {local_ca.ca_arn}/certificate/"
        )

    def test_preflight(self, run: Any, local_ca: Any, csr_file: Path) -> None:
        """The preflight refuses an algorithm that does not fit the CA's key: exit 2."""
        args = self.args(local_ca, csr_file)
        args[args.index("SHA256WITHECDSA")] = "SHA256WITHRSA"
        result = run(*args)
        assert result.status == 2
        assert result.err.startswith("acmpca-issue: error: --signing-algorithm: SHA256WITHRSA ")
        refused = run(*args, "--no-preflight")
        assert refused.status == 1
        assert refused.err.startswith(
            "An error occurred (InvalidArgsException) when calling the IssueCertificate operation: "
        )
        assert "(check that the signing algorithm fits" in refused.err

    def test_timeout(self, run: Any, csr_file: Path) -> None:
        """Not ready within --wait-timeout: exit 1, with how to fetch it later."""
        from acmpca_issue.local import LocalPrivateCA

        pca = LocalPrivateCA(issue_delay=3600)
        ca_arn = str(pca.create_root_ca())
        with pca.serve() as server:
            slow = SimpleNamespace(ca_arn=ca_arn, endpoint_url=server.endpoint_url)
            result = run(*self.args(slow, csr_file, "--wait", "--wait-timeout", "0.3"))
        assert result.status == 1
        (line,) = result.err.splitlines()
        assert line.startswith("acmpca-issue: error: certificate arn:")
        assert " was issued but not ready after 0.3 s (last answer: " in line
        assert line.endswith(
            "; fetch it later with: acmpca-issue get-certificate --certificate-arn "
            f"{line.split()[3]} --endpoint-url {slow.endpoint_url}"
        )
        assert "Issuer.get_certificate" not in line


class TestInterruptsAndDebug:
    """Ctrl-C is 130; --debug adds the traceback; unknown failures show theirs."""

    def test_ctrl_c(self, run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        """KeyboardInterrupt ends with status 130."""
        from acmpca_issue._cli import _issue

        def interrupted(*args: object, **kwargs: object) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr(_issue, "build_request", interrupted)
        assert run("issue-certificate").status == 130
        debug = run("issue-certificate", "--debug")
        assert debug.status == 130
        assert "Traceback" in debug.err

    def test_debug_traceback(self, run: Any, csr_file: Path) -> None:
        """--debug (before or after the command) shows the traceback, then the error line."""
        for argv in (
            ["--debug", "issue-certificate", *REQUEST, "--csr", str(csr_file), "--validity", "x"],
            ["issue-certificate", *REQUEST, "--csr", str(csr_file), "--validity", "x", "--debug"],
        ):
            result = run(*argv)
            assert result.status == 2
            assert "Traceback" in result.err
            assert result.err.splitlines()[-1].startswith("acmpca-issue: error: --validity:")

    def test_unexpected_error_is_a_bug_report(
        self, run: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A bug is not turned into a tidy line: its traceback is printed, then a line saying
        it is a bug, and the status is 1 (the traceback passes through the same filter as
        every message, so a key in it is not shown)."""
        from acmpca_issue._cli import _issue

        def broken(*args: object, **kwargs: object) -> None:
            raise RuntimeError("bug -----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----")

        monkeypatch.setattr(_issue, "build_request", broken)
        result = run("issue-certificate")
        assert result.status == 1
        lines = result.err.splitlines()
        assert lines[0] == "Traceback (most recent call last):"
        assert "RuntimeError: bug <not shown>" in lines
        assert lines[-1] == (
            "acmpca-issue: error: unexpected RuntimeError: a bug in acmpca-issue; please report "
            "it with the traceback above"
        )


def test_key_files_are_private(run: Any, tmp_path: Path) -> None:
    """create-csr writes key.pem readable by the owner only."""
    result = run("create-csr", "svc.example", "--out-dir", str(tmp_path / "k"))
    assert result.status == 0
    assert os.stat(tmp_path / "k" / "key.pem").st_mode & 0o777 == 0o600


class TestIssuedEarlier:
    """Re-running the same command within the token's 5 minutes returns the same certificate,
    and says so on stderr (stdout stays the bare result for scripts)."""

    NOTICE = (
        "acmpca-issue: returned the certificate issued earlier for this request (the same "
        "idempotency token within the service's 5 minutes), not a new one\n"
    )

    def test_rerun_is_named(
        self, run: Any, csr_file: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """One fake time for the CA and the command: a repeat 3 minutes later is named, a new
        token or a repeat after the token expired is not."""
        from datetime import datetime, timedelta, timezone

        from acmpca_issue._cli import _issue
        from acmpca_issue.local import LocalPrivateCA

        now = [datetime(2031, 5, 6, 7, 8, 9, tzinfo=timezone.utc)]
        monkeypatch.setattr(_issue, "wall_clock", lambda: now[0])
        pca = LocalPrivateCA(clock=lambda: now[0])
        ca_arn = str(pca.create_root_ca())
        with pca.serve() as server:

            def issue(token: str, *more: str) -> Any:
                return run(
                    "issue-certificate", "--certificate-authority-arn", ca_arn,
                    "--csr", str(csr_file), "--signing-algorithm", "SHA256WITHECDSA",
                    "--validity", "Value=7,Type=DAYS", "--endpoint-url", server.endpoint_url,
                    "--idempotency-token", token, "--wait", "--no-preflight",
                    "--query", "CertificateArn", "--output", "text", *more,
                )  # fmt: skip

            first = issue("deploy-1")
            assert first.status == 0, first.err
            assert first.err == ""
            now[0] += timedelta(minutes=3)
            again = issue("deploy-1")
            assert again.out == first.out
            assert again.err == self.NOTICE
            other = issue("deploy-2")
            assert other.out != first.out
            assert other.err == ""
            now[0] += timedelta(minutes=6)
            expired = issue("deploy-1")
            assert expired.out not in (first.out, other.out)
            assert expired.err == ""

    def test_a_not_before_in_the_request_claims_nothing(self) -> None:
        """With a ValidityNotBefore the issue time is unknown: nothing is claimed."""
        from datetime import datetime, timezone
        from types import SimpleNamespace

        from acmpca_issue._cli._issue import issued_before

        long_ago = SimpleNamespace(not_before=datetime(2000, 1, 1, tzinfo=timezone.utc))
        now = datetime(2031, 1, 1, tzinfo=timezone.utc)
        given = SimpleNamespace(validity_not_before=object())
        assert not issued_before(long_ago, given, now)  # type: ignore[arg-type]
        assert issued_before(long_ago, SimpleNamespace(validity_not_before=None), now)  # type: ignore[arg-type]
