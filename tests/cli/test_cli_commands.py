"""The other subcommands, the output forms, --help, and real processes."""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509

from acmpca_issue._cli._args import build_parser
from acmpca_issue._cli._output import format_text, render

CERT_ARN = (
    "arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/"
    "11223344-1234-1122-2233-112233445566/certificate/00e8cbd2bedb122329f97706bcfec990f8"
)


@pytest.fixture
def issued_arn(local_ca: Any, csr_file: Path, run: Any) -> str:
    """The ARN of a certificate just issued by the local CA."""
    result = run(
        "issue-certificate",
        "--certificate-authority-arn",
        local_ca.ca_arn,
        "--csr",
        str(csr_file),
        "--signing-algorithm",
        "SHA256WITHECDSA",
        "--validity",
        "Value=3,Type=DAYS",
        "--endpoint-url",
        local_ca.endpoint_url,
        "--output",
        "text",
    )
    assert result.status == 0, result.err
    return str(result.out.strip())


class TestGetCertificate:
    """get-certificate: the CA comes from the certificate ARN; PEM-safe text output."""

    def test_json(self, run: Any, local_ca: Any, issued_arn: str) -> None:
        """The AWS CLI's output members."""
        result = run(
            "get-certificate",
            "--certificate-arn",
            issued_arn,
            "--endpoint-url",
            local_ca.endpoint_url,
        )
        assert result.status == 0, result.err
        data = result.json()
        assert list(data) == ["Certificate", "CertificateChain"]
        assert x509.load_pem_x509_certificate(data["Certificate"].encode()).serial_number

    def test_text_is_pem(self, run: Any, local_ca: Any, issued_arn: str) -> None:
        """Text is the certificate then the chain, each PEM intact (not tab-joined)."""
        result = run(
            "get-certificate",
            "--certificate-arn",
            issued_arn,
            "--certificate-authority-arn",
            local_ca.ca_arn,
            "--endpoint-url",
            local_ca.endpoint_url,
            "--output",
            "text",
        )
        assert result.status == 0, result.err
        assert "\t" not in result.out
        assert len(x509.load_pem_x509_certificates(result.out.encode())) == 2

    def test_query_certificate(self, run: Any, local_ca: Any, issued_arn: str) -> None:
        """--query Certificate --output text prints the leaf alone."""
        result = run(
            "get-certificate",
            "--certificate-arn",
            issued_arn,
            "--endpoint-url",
            local_ca.endpoint_url,
            "--query",
            "Certificate",
            "--output",
            "text",
        )
        assert len(x509.load_pem_x509_certificates(result.out.encode())) == 1

    def test_out_dir(self, run: Any, local_ca: Any, issued_arn: str, tmp_path: Path) -> None:
        """--out-dir writes the files; existing files are refused before fetching."""
        args = [
            "get-certificate",
            "--certificate-arn",
            issued_arn,
            "--endpoint-url",
            local_ca.endpoint_url,
            "--out-dir",
            str(tmp_path),
        ]
        result = run(*args)
        assert result.status == 0, result.err
        assert sorted(result.json()["Files"]) == ["cert.pem", "chain.pem", "fullchain.pem"]
        assert run(*args).status == 2

    def test_other_ca(self, run: Any, issued_arn: str) -> None:
        """A CA ARN that did not issue the certificate is refused before any call."""
        other = issued_arn.split("/certificate/", maxsplit=1)[0][:-12] + "000000000000"
        result = run(
            "get-certificate", "--certificate-arn", issued_arn, "--certificate-authority-arn", other
        )
        assert result.status == 2
        assert "did not issue" in result.err

    @pytest.mark.parametrize(
        ("option", "value"),
        [("--certificate-arn", "arn:aws:acm-pca:x"), ("--certificate-authority-arn", "nope")],
    )
    def test_bad_arn(self, run: Any, option: str, value: str) -> None:
        """A malformed ARN names the option."""
        args = ["get-certificate", "--certificate-arn", CERT_ARN, option, value]
        result = run(*args)
        assert result.status == 2
        assert result.err.startswith(f"acmpca-issue: error: {option}: ")

    def test_unknown(self, run: Any, local_ca: Any) -> None:
        """A certificate the CA does not know is a service error, exit 1."""
        arn = f"{local_ca.ca_arn}/certificate/{'ab' * 16}"
        result = run(
            "get-certificate", "--certificate-arn", arn, "--endpoint-url", local_ca.endpoint_url
        )
        assert result.status == 1
        assert "when calling the GetCertificate operation" in result.err
        assert result.err.count("\n") == 1  # not "the certificate was issued"

    def test_unreachable_is_one_line(self, run: Any) -> None:
        """Unreachable until the deadline: one line, without claiming the certificate was
        issued or suggesting the command that just failed."""
        result = run(
            "get-certificate",
            "--certificate-arn",
            CERT_ARN,
            "--endpoint-url",
            "http://127.0.0.1:1",
            "--wait-timeout",
            "0.5",
        )
        assert result.status == 1
        assert result.err == (
            f"acmpca-issue: error: certificate {CERT_ARN} was not ready after 0.5 s (last "
            "answer: GetCertificate: EndpointConnectionError: Could not connect to the endpoint "
            'URL: "http://127.0.0.1:1/"); try again later or with a longer --wait-timeout\n'
        )


class TestCreateCsr:
    """create-csr writes key.pem (0600) and csr.pem."""

    def test_writes(self, run: Any, tmp_path: Path) -> None:
        """The CSR holds the identities; the key is private; existing files need --overwrite."""
        out = tmp_path / "new"
        args = [
            "create-csr",
            "svc.example",
            "10.0.0.7",
            "--common-name",
            "svc",
            "--out-dir",
            str(out),
        ]
        result = run(*args)
        assert result.status == 0, result.err
        assert result.json() == {
            "PrivateKeyFile": str(out / "key.pem"),
            "CsrFile": str(out / "csr.pem"),
        }
        csr = x509.load_pem_x509_csr((out / "csr.pem").read_bytes())
        sans = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        assert sans.get_values_for_type(x509.DNSName) == ["svc.example"]
        assert os.stat(out / "key.pem").st_mode & 0o777 == 0o600
        again = run(*args)
        assert again.status == 2
        assert "exists; use --overwrite" in again.err
        assert run(*args, "--overwrite").status == 0

    def test_rsa(self, run: Any, tmp_path: Path) -> None:
        """--key-algorithm picks the key."""
        result = run(
            "create-csr", "a.example", "--key-algorithm", "RSA_2048", "--out-dir", str(tmp_path)
        )
        assert result.status == 0, result.err
        csr = x509.load_pem_x509_csr((tmp_path / "csr.pem").read_bytes())
        assert csr.public_key().key_size == 2048  # type: ignore[union-attr]

    @pytest.mark.parametrize(
        ("args", "start"),
        [
            (["--key-algorithm", "RSA_1024", "a.example"], "--key-algorithm: "),
            (["bad name!"], "IDENTITY: [0]: "),
            (
                [],
                "give at least one IDENTITY or --common-name: Private CA rejects a CSR with "
                "neither a subject nor a subject alternative name\n",
            ),
            (["--common-name", "x" * 65], "--common-name: "),
        ],
    )
    def test_bad_input(self, run: Any, tmp_path: Path, args: list[str], start: str) -> None:
        """Bad input names the option or argument."""
        result = run("create-csr", *args, "--out-dir", str(tmp_path))
        assert result.status == 2
        assert result.err.startswith(f"acmpca-issue: error: {start}")

    def test_write_fails(self, run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A failure while writing is a usage error naming the directory."""
        from acmpca_issue._csr import CsrBundle

        def refuse(*args: object, **kwargs: object) -> None:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(CsrBundle, "write", refuse)
        result = run("create-csr", "a.example", "--out-dir", str(tmp_path))
        assert result.status == 2
        assert result.err.startswith("acmpca-issue: error: --out-dir: cannot write into")

    def test_unwritable(self, run: Any, tmp_path: Path) -> None:
        """An --out-dir that cannot be made is a usage error."""
        blocker = tmp_path / "file"
        blocker.write_text("")
        result = run("create-csr", "a.example", "--out-dir", str(blocker))
        assert result.status == 2
        assert result.err.startswith("acmpca-issue: error: --out-dir: cannot write into")


class TestParseArn:
    """parse-arn shows the parts of each kind of ARN."""

    def test_certificate(self, run: Any) -> None:
        """Serial as in the ARN, as a decimal string and in colon form."""
        data = run("parse-arn", CERT_ARN).json()
        assert data == {
            "Type": "certificate",
            "Partition": "aws",
            "Region": "us-east-1",
            "Account": "111122223333",
            "CertificateAuthorityId": "11223344-1234-1122-2233-112233445566",
            "CertificateAuthorityArn": CERT_ARN.split("/certificate/", maxsplit=1)[0],
            "Serial": "00e8cbd2bedb122329f97706bcfec990f8",
            "SerialDecimal": str(int("e8cbd2bedb122329f97706bcfec990f8", 16)),
            "SerialColon": "e8:cb:d2:be:db:12:23:29:f9:77:06:bc:fe:c9:90:f8",
        }

    def test_ca_and_query(self, run: Any) -> None:
        """A CA ARN; --query with --output text gives a bare value."""
        ca = CERT_ARN.split("/certificate/", maxsplit=1)[0]
        assert run("parse-arn", ca).json()["Type"] == "certificate-authority"
        assert (
            run("parse-arn", ca, "--query", "Account", "--output", "text").out == "111122223333\n"
        )

    def test_template(self, run: Any) -> None:
        """A template ARN and what it accepts."""
        data = run(
            "parse-arn", "arn:aws:acm-pca:::template/EndEntityCertificate_APIPassthrough/V1"
        ).json()
        assert data["Type"] == "template"
        assert data["Name"] == "EndEntityCertificate_APIPassthrough"
        assert data["AcceptsApiPassthrough"] is True

    def test_invalid(self, run: Any) -> None:
        """A malformed ARN: exit 2, one line naming the ARN and the bad part."""
        result = run("parse-arn", "arn:aws:acm-pca:us-east-1:12:certificate-authority/x")
        assert result.status == 2
        assert result.err.startswith("acmpca-issue: error: ARN: ")
        assert len(result.err.splitlines()) == 1


class TestDemo:
    """demo issues from a local Private CA and writes the files."""

    def test_demo(self, run: Any, tmp_path: Path) -> None:
        """Exit 0 and the certificate files in --out-dir; a second run refuses to overwrite."""
        out = tmp_path / "demo"
        result = run("demo", "--out-dir", str(out))
        assert result.status == 0, result.err
        assert (out / "fullchain.pem").exists()
        assert os.stat(out / "key.pem").st_mode & 0o777 == 0o600
        again = run("demo", "--out-dir", str(out))
        assert again.status == 2
        assert again.err == (
            f"acmpca-issue: error: --out-dir: {out / 'cert.pem'} exists; use --overwrite to "
            "replace the demo's files, or give another directory\n"
        )
        assert again.out == ""  # refused before anything was issued or printed

    def test_overwrite(self, run: Any, tmp_path: Path) -> None:
        """--overwrite replaces the demo's files in a directory that holds them."""
        out = tmp_path / "demo"
        assert run("demo", "--out-dir", str(out)).status == 0
        before = (out / "cert.pem").read_bytes()
        result = run("demo", "--out-dir", str(out), "--overwrite")
        assert result.status == 0, result.err
        assert (out / "cert.pem").read_bytes() != before
        assert os.stat(out / "key.pem").st_mode & 0o777 == 0o600

    def test_out_is_the_same_as_out_dir(self, run: Any, tmp_path: Path) -> None:
        """``demo --out DIR`` writes to DIR, as ``--out-dir DIR`` does."""
        out = tmp_path / "short"
        result = run("demo", "--out", str(out))
        assert result.status == 0, result.err
        assert sorted(p.name for p in out.iterdir()) == [
            "cert.pem",
            "chain.pem",
            "fullchain.pem",
            "key.pem",
        ]
        assert str(out) in result.out

    def test_unwritable(self, run: Any, tmp_path: Path) -> None:
        """A directory that cannot be made: exit 1, one line."""
        blocker = tmp_path / "file"
        blocker.write_text("")
        result = run("demo", "--out-dir", str(blocker / "sub"))
        assert result.status == 2
        assert result.err == (
            f"acmpca-issue: error: --out-dir: cannot write the demo's files into {blocker}: "
            "not a directory\n"
        )
        assert result.out == ""

    def test_read_only_directory(
        self, run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A directory that cannot be written is refused before anything is printed."""
        monkeypatch.setattr(os, "access", lambda path, mode: False)
        result = run("demo", "--out-dir", str(tmp_path / "new"))
        assert result.status == 2
        assert result.err == (
            f"acmpca-issue: error: --out-dir: cannot write the demo's files into {tmp_path}: "
            "cannot be written\n"
        )
        assert result.out == ""


def test_version(run: Any) -> None:
    """--version prints the versions a bug report needs, on stdout, and exits 0."""
    from importlib.metadata import version

    result = run("--version")
    assert result.status == 0
    assert result.err == ""
    assert re.fullmatch(
        rf"acmpca-issue/{re.escape(version('acmpca-issue'))} Python/\S+ \S+/\S* "
        rf"botocore/{re.escape(version('botocore'))} "
        rf"cryptography/{re.escape(version('cryptography'))}\n",
        result.out,
    )


class TestLocalCaServe:
    """local-ca serve: prints the endpoint (and a CA), serves until Ctrl-C."""

    def test_serve(
        self,
        run: Any,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
        tmp_path: Path,
    ) -> None:
        """The printed endpoint answers botocore; Ctrl-C ends with 130 and closes the server."""
        from acmpca_issue._cli import _commands

        seen: dict[str, Any] = {}

        def use_then_interrupt() -> None:
            printed = json.loads(capsys.readouterr().out)
            seen.update(printed)
            from acmpca_issue import Issuer

            issuer = Issuer.from_session(
                region_name="us-east-1", endpoint_url=printed["EndpointUrl"]
            )
            seen["status"] = issuer.describe(printed["CertificateAuthorityArn"]).status
            raise KeyboardInterrupt

        monkeypatch.setattr(_commands, "_block", use_then_interrupt)
        result = run("local-ca", "serve", "--create-ca", "--state-dir", str(tmp_path))
        assert result.status == 130
        assert seen["status"] == "ACTIVE"
        assert seen["EndpointUrl"].startswith("http://127.0.0.1:")
        assert any(tmp_path.iterdir())

    def test_create_ca_in_a_region(
        self, run: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """--region chooses the region of the --create-ca CA."""
        from acmpca_issue._cli import _commands

        seen: dict[str, Any] = {}

        def note_then_interrupt() -> None:
            seen.update(json.loads(capsys.readouterr().out))
            raise KeyboardInterrupt

        monkeypatch.setattr(_commands, "_block", note_then_interrupt)
        result = run("local-ca", "serve", "--create-ca", "--region", "eu-west-1")
        assert result.status == 130
        assert seen["CertificateAuthorityArn"].startswith("arn:aws:acm-pca:eu-west-1:")

    def test_stop(self, run: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        """When the wait ends on its own the server closes and the status is 0."""
        from acmpca_issue._cli import _commands

        monkeypatch.setattr(_commands, "_block", lambda: None)
        result = run("local-ca", "serve", "--port", "0", "--output", "text")
        assert result.status == 0
        assert result.out.startswith("http://127.0.0.1:")
        assert "Ctrl-C stops" in result.err

    def test_block_waits(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The real wait blocks on an event (here one that is already set)."""
        import threading

        from acmpca_issue._cli import _commands

        class Done(threading.Event):
            def wait(self, timeout: float | None = None) -> bool:
                return True

        monkeypatch.setattr(threading, "Event", Done)
        _commands._block()

    @pytest.mark.parametrize("port", ["x", "70000"])
    def test_bad_port(self, run: Any, port: str) -> None:
        """A bad --port is a usage error."""
        result = run("local-ca", "serve", "--port", port)
        assert result.status == 2
        assert "expected a port number" in result.err


class TestOutput:
    """The text form and JSON rendering."""

    def test_text_forms(self) -> None:
        """Scalars, lists, structures and PEM-holding structures."""
        assert format_text("a") == "a"
        assert format_text(None) == "None"
        assert format_text([1, "b"]) == "1\tb"
        assert format_text([]) == ""
        assert format_text({"a": 1, "b": "x"}) == "1\tx"
        assert format_text({"a": "L1\n", "b": "L2\n"}) == "L1\nL2"
        # As the AWS CLI: members in name order, nested ones led by their name in capitals,
        # a list of structures in the columns of all their scalar members.
        assert format_text({"a": 1, "n": {"b": 2}, "l": [{"c": 3}, {"d": 4}]}) == (
            "1\nL\t3\t\nL\t\t4\nN\t2"
        )
        assert format_text({"n": {"b": 2}}) == "N\t2"
        assert format_text([1, [2, 3]]) == "1\n2\t3"
        assert format_text({"k": [4]}) == "K\t4"

    def test_problem_labels(self) -> None:
        """Problem paths become option names; unknown fields keep their path."""
        from acmpca_issue._cli._issue import describe_problems
        from acmpca_issue.exceptions import InvalidRequestError

        error = InvalidRequestError(
            [("validity.value", "bad"), ("other.x", "odd"), ("", "whole"), ("names[1]", "n")]
        )
        labels = {"validity": "--validity", "names": "NAME"}
        assert describe_problems(error, labels).splitlines() == [
            "--validity: Value: bad",
            "other.x: odd",
            "whole",
            "NAME: [1]: n",
        ]

    def test_offending_values_are_quoted(self) -> None:
        """The value at a problem's path is quoted unless the message shows it already;
        structures, booleans, bytes and paths that lead nowhere quote nothing."""
        from acmpca_issue._cli._issue import describe_problems
        from acmpca_issue.exceptions import InvalidRequestError

        given: dict[str, object] = {
            "api_passthrough": {
                "Subject": {"Country": "Germany"},
                "Extensions": {"SubjectAlternativeNames": [{"DnsName": "a"}, {"DnsName": 7}]},
                "Flag": True,
            },
            "validity": {"Value": 0, "Type": "DAYS"},
            "csr": b"bytes",
        }
        error = InvalidRequestError(
            [
                ("api_passthrough.subject.country", "too long, got 7"),
                ("api_passthrough.extensions.subject_alternative_names[1].dns_name", "odd"),
                ("api_passthrough.extensions.subject_alternative_names[5].dns_name", "gone"),
                ("api_passthrough.extensions.subject_alternative_names[x].dns_name", "bad"),
                ("api_passthrough.Flag", "flag"),
                ("api_passthrough.subject", "whole"),
                ("validity.value", "must be >= 1, got 0"),
                ("csr", "not a CSR"),
            ]
        )
        labels = {"api_passthrough": "--api-passthrough", "validity": "--validity", "csr": "--csr"}
        assert describe_problems(error, labels, given).splitlines() == [
            "--api-passthrough: Subject.Country: too long, got 7 ('Germany')",
            "--api-passthrough: Extensions.SubjectAlternativeNames[1].DnsName: odd; got 7",
            "--api-passthrough: Extensions.SubjectAlternativeNames[5].DnsName: gone",
            "--api-passthrough: Extensions.SubjectAlternativeNames[x].DnsName: bad",
            "--api-passthrough: Flag: flag",
            "--api-passthrough: Subject: whole",
            "--validity: Value: must be >= 1, got 0",
            "--csr: not a CSR",
        ]

    def test_member_path(self) -> None:
        """Model paths become AWS member paths; what is not a member is left as it is."""
        from acmpca_issue._cli._issue import member_path

        assert member_path("value", "Validity") == "Value"
        assert member_path("extensions.key_usage.crl_sign", "ApiPassthrough") == (
            "Extensions.KeyUsage.CRLSign"
        )
        assert member_path(
            "extensions.certificate_policies[0].policy_qualifiers[1].qualifier.cps_uri",
            "ApiPassthrough",
        ) == ("Extensions.CertificatePolicies[0].PolicyQualifiers[1].Qualifier.CpsUri")
        assert member_path(
            "extensions.subject_alternative_names[2].directory_name.custom_attributes[0].value",
            "ApiPassthrough",
        ) == ("Extensions.SubjectAlternativeNames[2].DirectoryName.CustomAttributes[0].Value")
        assert member_path("subject.odd.country", "ApiPassthrough") == "Subject.odd.country"
        assert member_path("value.deeper", "Validity") == "Value.deeper"

    def test_render(self) -> None:
        """An empty structure prints nothing in JSON; text ends with a newline."""
        assert render({}, output="json", query=None) == ""
        assert render({"a": "é"}, output="json", query=None) == '{\n    "a": "é"\n}\n'
        assert render({"a": "x"}, output="text", query=None) == "x\n"
        assert render([], output="text", query=None) == ""
        assert render({"a": 1}, output="text", query=None, text="PEM\n") == "PEM\n"


class TestArguments:
    """Argument errors and --help."""

    def test_help_everywhere_has_examples(self) -> None:
        """Every option of every subcommand explains itself with an example (e.g. ...)."""

        def check(parser: argparse.ArgumentParser, name: str) -> None:
            for action in parser._actions:
                if isinstance(action, argparse._SubParsersAction):
                    for sub_name, sub in action.choices.items():
                        check(sub, f"{name} {sub_name}")
                elif action.help not in (None, argparse.SUPPRESS) and action.dest != "help":
                    assert "e.g." in action.help, f"{name} {action.option_strings or action.dest}"
            assert "examples:" in (parser.description or ""), name

        check(build_parser(), "acmpca-issue")

    def test_help_exit_zero(self, run: Any) -> None:
        """--help prints and returns 0."""
        result = run("issue-certificate", "--help")
        assert result.status == 0
        assert "--validity-not-before" in result.out
        assert "e.g." in result.out

    @pytest.mark.parametrize(
        "argv",
        [
            [],
            ["no-such-command"],
            ["issue-certificate", "--no-such-option"],
            ["issue-certificate", "--wait-timeout", "-1"],
            ["issue-certificate", "--wait-timeout", "soon"],
        ],
    )
    def test_usage_errors(self, run: Any, argv: list[str]) -> None:
        """Bad usage is exit status 2."""
        assert run(*argv).status == 2

    def test_abbreviations_are_not_guessed(self, run: Any) -> None:
        """--signing is not taken for --signing-algorithm (argparse would, by default)."""
        result = run("issue-certificate", "--signing", "SHA256WITHRSA", "--dry-run")
        assert result.status == 2
        assert result.err.endswith(
            "acmpca-issue: error: unrecognized arguments: --signing SHA256WITHRSA\n"
        )


def test_python_m_in_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``python -m acmpca_issue`` runs main and exits with its status."""
    import runpy

    monkeypatch.setattr(sys, "argv", ["acmpca-issue", "parse-arn", CERT_ARN, "--output", "text"])
    try:
        with pytest.raises(SystemExit) as info:
            runpy.run_module("acmpca_issue", run_name="__main__")
        # As the program, main froze the collector for a quick exit.
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    assert info.value.code == 0
    account = CERT_ARN.split(":")[4]
    ca = CERT_ARN.split("/certificate/", maxsplit=1)[0]
    assert capsys.readouterr().out.startswith(f"{account}\t{ca}\t")


def test_main_with_argv_leaves_the_collector_alone(run: Any) -> None:
    """main(argv), as a library call, does not freeze the collector of its caller."""
    assert gc.get_freeze_count() == 0
    assert run("parse-arn", CERT_ARN).status == 0
    assert gc.get_freeze_count() == 0


class TestProcesses:
    """A few real processes: python -m, the console script, and the AWS CLI alongside."""

    def test_python_m_help(self, tmp_path: Path, child_env: Any) -> None:
        """python -m acmpca_issue --help lists the subcommands."""
        done = subprocess.run(
            [sys.executable, "-m", "acmpca_issue", "--help"],
            capture_output=True,
            text=True,
            env=child_env(tmp_path),
            check=False,
        )
        assert done.returncode == 0
        for command in (
            "issue-certificate",
            "get-certificate",
            "create-csr",
            "parse-arn",
            "demo",
            "local-ca",
        ):
            assert command in done.stdout

    def test_skeleton_does_not_import_botocore(self, tmp_path: Path, child_env: Any) -> None:
        """Printing the skeleton imports neither botocore nor cryptography."""
        code = (
            "import sys\n"
            "from acmpca_issue._cli import main\n"
            "status = main(['issue-certificate', '--generate-cli-skeleton'])\n"
            "names = ('botocore', 'cryptography', 'jmespath')\n"
            "heavy = sorted(m for m in names if m in sys.modules)\n"
            "print(status, heavy, file=sys.stderr)\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env=child_env(tmp_path),
            check=False,
        )
        assert done.stderr.strip() == "0 []"
        assert json.loads(done.stdout)["SigningAlgorithm"] == "SHA256WITHECDSA"

    def test_console_script_with_the_aws_cli(
        self, tmp_path: Path, local_ca: Any, csr_file: Path, aws_cli: Any, child_env: Any
    ) -> None:
        """The AWS CLI issues from the local CA; the console script fetches and writes it."""
        script = shutil.which("acmpca-issue", path=str(Path(sys.executable).parent))
        assert script is not None
        issued = aws_cli(
            "acm-pca",
            "issue-certificate",
            "--certificate-authority-arn",
            local_ca.ca_arn,
            "--csr",
            f"file://{csr_file}",
            "--signing-algorithm",
            "SHA256WITHECDSA",
            "--validity",
            "Value=1,Type=DAYS",
            "--endpoint-url",
            local_ca.endpoint_url,
        )
        assert issued.returncode == 0, issued.stderr
        arn = json.loads(issued.stdout)["CertificateArn"]
        done = subprocess.run(
            [
                script,
                "get-certificate",
                "--certificate-arn",
                arn,
                "--endpoint-url",
                local_ca.endpoint_url,
                "--out-dir",
                str(tmp_path / "out"),
            ],
            capture_output=True,
            text=True,
            env=child_env(tmp_path),
            check=False,
        )
        assert done.returncode == 0, done.stderr
        certificate = x509.load_pem_x509_certificate((tmp_path / "out" / "cert.pem").read_bytes())
        assert arn.endswith(f"{certificate.serial_number:x}")

    def test_console_script_usage_error(self, tmp_path: Path, child_env: Any) -> None:
        """A usage error in a real process: exit status 2 and one line."""
        script = shutil.which("acmpca-issue", path=str(Path(sys.executable).parent))
        assert script is not None
        done = subprocess.run(
            [script, "issue-certificate", "--validity", "Value"],
            capture_output=True,
            text=True,
            env=child_env(tmp_path),
            check=False,
        )
        assert done.returncode == 2
        assert done.stderr.count("\n") == 1
