"""Output formats as the AWS CLI prints them: ``--output json|text|table``, ``AWS_DEFAULT_OUTPUT``
and the profile's ``output`` setting in the AWS config file.

The parity cases run once through ``aws acm-pca`` (awscli from PyPI, all in one child process)
and once through ``acmpca-issue``, against the same local Private CA served over HTTP; the same
idempotency token makes both get the same certificate, so stdout must be equal byte for byte.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from acmpca_issue._cli._output import UsageError, resolve_output
from acmpca_issue._cli._table import format_table

TOKEN = "output-parity"
# Queries that make every shape the table has: a header row, nested sections, a list of
# structures, a list of scalars, a scalar (the title alone) and an empty result (nothing).
SHAPES = {
    "two-scalars": "{Arn: CertificateArn, Token: 'x'}",
    "nested": "{Arn: CertificateArn, More: {A: 'a', B: 'b', Deeper: {C: 'c'}}}",
    "list-of-structures": "[{Name: 'a', Arn: CertificateArn}, {Name: 'bb', Arn: 'x', L: ['y']}]",
    "list-of-scalars": "[CertificateArn, 'second']",
    "scalar": "CertificateArn",
    "empty": "[]",
}
CONFIG = """\
[default]
output = table
[profile scripts]
output = text
aws_access_key_id = testing
aws_secret_access_key = testing
region = us-east-1
"""

# Each case: name, arguments after the command's own, environment changes (None removes).
CASES: list[tuple[str, list[str], dict[str, str | None]]] = [
    ("json", ["--output", "json"], {}),
    ("text", ["--output", "text"], {}),
    ("table", ["--output", "table"], {}),
    ("env-text", [], {"AWS_DEFAULT_OUTPUT": "text"}),
    ("env-table", [], {"AWS_DEFAULT_OUTPUT": "table"}),
    ("option-beats-env", ["--output", "json"], {"AWS_DEFAULT_OUTPUT": "table"}),
    ("config-default", [], {"CONFIG": "1"}),
    ("config-profile", ["--profile", "scripts"], {"CONFIG": "1"}),
    ("config-aws-profile", [], {"CONFIG": "1", "AWS_PROFILE": "scripts"}),
    ("env-beats-config", [], {"CONFIG": "1", "AWS_DEFAULT_OUTPUT": "json"}),
    *[
        (f"table-{name}", ["--output", "table", "--query", query], {})
        for name, query in SHAPES.items()
    ],
    *[
        (f"text-{name}", ["--output", "text", "--query", query], {})
        for name, query in SHAPES.items()
    ],
]

_BATCH = """
import contextlib, io, json, os, sys
from awscli.clidriver import create_clidriver
results = []
for argv, env in json.load(sys.stdin):
    for key, value in env.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = create_clidriver().main(argv)
    results.append([status, out.getvalue()])
print(json.dumps(results))
"""


def _environment(changes: dict[str, str | None], config: Path) -> dict[str, str | None]:
    env: dict[str, str | None] = {"AWS_DEFAULT_OUTPUT": None, "AWS_PROFILE": None}
    env.update(changes)
    env["AWS_CONFIG_FILE"] = str(config) if env.pop("CONFIG", None) else str(config) + "-none"
    return env


def _issue_args(local_ca: Any, csr: Path) -> list[str]:
    return [
        "issue-certificate",
        "--certificate-authority-arn",
        local_ca.ca_arn,
        "--csr",
        f"fileb://{csr}",
        "--signing-algorithm",
        "SHA256WITHECDSA",
        "--validity",
        "Value=7,Type=DAYS",
        "--idempotency-token",
        TOKEN,
        "--endpoint-url",
        local_ca.endpoint_url,
        "--region",
        "us-east-1",
    ]


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory, csr_pem: bytes) -> Path:
    """A directory with the CSR and an AWS config file naming outputs."""
    directory = tmp_path_factory.mktemp("output")
    (directory / "csr.pem").write_bytes(csr_pem)
    (directory / "config").write_text(CONFIG)
    return directory


@pytest.fixture(scope="module")
def aws_outputs(
    local_ca: Any, setup: Path, child_env: Callable[[Path], dict[str, str]]
) -> dict[str, tuple[int, str]]:
    """What the AWS CLI printed for each case, from one child process."""
    args = _issue_args(local_ca, setup / "csr.pem")
    (setup / "issue-args.json").write_text(json.dumps(args))
    batch = [
        [["acm-pca", *args, *extra], _environment(env, setup / "config")] for _, extra, env in CASES
    ]
    done = subprocess.run(
        [sys.executable, "-c", _BATCH],
        input=json.dumps(batch),
        capture_output=True,
        text=True,
        env=child_env(setup),
        timeout=300,
        check=True,
    )
    results = json.loads(done.stdout)
    return {name: (status, out) for (name, _, _), (status, out) in zip(CASES, results, strict=True)}


@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_issue_certificate_prints_as_the_aws_cli(
    run: Any,
    setup: Path,
    aws_outputs: dict[str, tuple[int, str]],
    monkeypatch: pytest.MonkeyPatch,
    case: tuple[str, list[str], dict[str, str | None]],
) -> None:
    """The same arguments and environment print the same stdout as ``aws acm-pca``."""
    name, extra, env = case
    for key, value in _environment(env, setup / "config").items():
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)
    result = run(*json.loads((setup / "issue-args.json").read_text()), *extra)
    status, expected = aws_outputs[name]
    assert status == 0
    assert result.status == 0, result.err
    assert result.out == expected


def test_get_certificate_table_and_json_as_the_aws_cli(
    run: Any, local_ca: Any, setup: Path, aws_cli: Any, aws_outputs: dict[str, tuple[int, str]]
) -> None:
    """get-certificate prints the AWS CLI's JSON and table (text is PEM, on purpose)."""
    arn = aws_outputs["text"][1].strip()
    for output in ("json", "table"):
        expected = aws_cli(
            "acm-pca",
            "get-certificate",
            "--certificate-authority-arn",
            local_ca.ca_arn,
            "--certificate-arn",
            arn,
            "--endpoint-url",
            local_ca.endpoint_url,
            "--output",
            output,
        )
        assert expected.returncode == 0, expected.stderr
        ours = run(
            "get-certificate", "--certificate-arn", arn, "--endpoint-url", local_ca.endpoint_url,
            "--output", output,
        )  # fmt: skip
        assert ours.out == expected.stdout


class TestResolve:
    """Where the output format comes from, and a wrong one named by its source."""

    @staticmethod
    def args(**given: str) -> Any:
        from types import SimpleNamespace

        return SimpleNamespace(**given)

    def test_precedence(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """--output, then AWS_DEFAULT_OUTPUT, then the profile's setting, then json."""
        config = tmp_path / "config"
        config.write_text(CONFIG)
        monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
        assert resolve_output(self.args()) == "table"
        assert resolve_output(self.args(profile="scripts")) == "text"
        monkeypatch.setenv("AWS_DEFAULT_PROFILE", "scripts")
        assert resolve_output(self.args()) == "text"
        monkeypatch.setenv("AWS_DEFAULT_OUTPUT", "json")
        assert resolve_output(self.args()) == "json"
        assert resolve_output(self.args(output="table")) == "table"
        monkeypatch.delenv("AWS_DEFAULT_OUTPUT")
        assert resolve_output(self.args(profile="nowhere")) == "json"
        config.unlink()
        assert resolve_output(self.args()) == "json"

    def test_home_config(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without AWS_CONFIG_FILE, ~/.aws/config is read, its [profile default] too."""
        monkeypatch.delenv("AWS_CONFIG_FILE")
        monkeypatch.setenv("HOME", str(tmp_path))
        (tmp_path / ".aws").mkdir()
        (tmp_path / ".aws" / "config").write_text("[profile default]\noutput = text\n")
        assert resolve_output(self.args()) == "text"

    def test_wrong_values(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """A format that is not one of json, text, table is refused, naming where it came from."""
        config = tmp_path / "config"
        config.write_text("[default]\noutput = yaml-stream\n")
        monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
        with pytest.raises(UsageError) as info:
            resolve_output(self.args())
        assert info.value.message == (
            f"output in profile 'default' of {config}: 'yaml-stream' is not an output format; "
            "use one of json, text, table"
        )
        monkeypatch.setenv("AWS_DEFAULT_OUTPUT", "tabel")
        with pytest.raises(UsageError, match=r"^AWS_DEFAULT_OUTPUT: 'tabel' is not an output"):
            resolve_output(self.args())

    def test_unreadable_config(
        self, run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A config file that does not parse is named, and none of its text is printed."""
        config = tmp_path / "config"
        config.write_text("aws_secret_access_key = not-a-section\n")
        monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
        result = run("parse-arn", "arn:aws:acm-pca:::template/EndEntityCertificate/V1")
        assert result.status == 2
        assert result.err == (
            f"acmpca-issue: error: cannot read the AWS config file {config}: "
            "MissingSectionHeaderError\n"
        )

    def test_scripts_get_the_bare_arn(
        self, run: Any, local_ca: Any, setup: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """ARN=$(acmpca-issue issue-certificate ...) works where the profile says text."""
        monkeypatch.setenv("AWS_CONFIG_FILE", str(setup / "config"))
        monkeypatch.setenv("AWS_PROFILE", "scripts")
        result = run(*_issue_args(local_ca, setup / "csr.pem"))
        assert result.out.startswith("arn:aws:acm-pca:")
        assert result.out.count("\n") == 1


class TestTable:
    """Table rules the parity cases do not reach."""

    def test_wide_table_turns_one_row_sections_vertical(self) -> None:
        """A section wider than the terminal becomes name | value rows."""
        data = {"Alpha": "a" * 30, "Beta": "b" * 30, "Gamma": "g" * 30}
        narrow = format_table("Op", data, width=60).splitlines()
        assert narrow[3:6] == [
            "|  Alpha|  " + "a" * 30 + "   |",
            "|  Beta |  " + "b" * 30 + "   |",
            "|  Gamma|  " + "g" * 30 + "   |",
        ]
        wide = format_table("Op", data, width=200).splitlines()
        assert "Alpha" in wide[3]
        assert "Beta" in wide[3]

    def test_wide_characters_take_two_columns(self) -> None:
        """East Asian wide characters count twice, so the borders line up."""
        lines = format_table("Op", {"Name": "証明書", "Other": "x"}, width=80).splitlines()
        assert (
            len(
                {
                    len(line) + line.count("証") + line.count("明") + line.count("書")
                    for line in lines
                }
            )
            == 1
        )


#: Shapes the parity cases do not reach, formatted by the AWS CLI's own TableFormatter.
TABLE_SHAPES: list[object] = [
    [[]],
    [[{"K": "v"}]],
    {"A": {"B": "c", "D": "e"}},
    [[{"K": "v", "L": ["x"]}, {"K": "w"}]],
    {"A": "x" * 50, "B": "y", "C": "z" * 9},
    {"A": "x" * 50, "B": "y", "C": "z" * 40},
    {"Name": "証明書", "Other": True, "None": None},
]

_FORMAT = """
import io, json, sys, types
from awscli.formatter import TableFormatter
results = []
for data in json.load(sys.stdin):
    out = io.StringIO()
    TableFormatter(types.SimpleNamespace(color="off", query=None))("Op", data, out)
    results.append(out.getvalue())
print(json.dumps(results))
"""


def test_table_shapes_as_the_aws_cli(
    child_env: Callable[[Path], dict[str, str]], tmp_path: Path
) -> None:
    """Each shape prints as the AWS CLI's TableFormatter prints it (80 columns)."""
    done = subprocess.run(
        [sys.executable, "-c", _FORMAT],
        input=json.dumps(TABLE_SHAPES),
        capture_output=True,
        text=True,
        env=child_env(tmp_path),
        timeout=120,
        check=True,
    )
    expected = json.loads(done.stdout)
    assert [format_table("Op", data, width=80) for data in TABLE_SHAPES] == expected
