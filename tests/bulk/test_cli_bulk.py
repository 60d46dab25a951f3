"""``acmpca-issue issue-many``: the manifest checked first, DIR/<id>/ files, a summary, resume."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from acmpca_issue import CertificateAuthorityArn, build_csr
from acmpca_issue._cli import main
from acmpca_issue.local import LocalPrivateCA
from tests.bulk.bulk_support import issued_count, key_matches_certificate

Served = tuple[LocalPrivateCA, CertificateAuthorityArn, str]


@pytest.fixture
def served() -> Iterator[Served]:
    """A local CA over HTTP, with an ACTIVE root."""
    pca = LocalPrivateCA()
    root = pca.create_root_ca()
    with pca.serve() as server:
        yield pca, root, server.endpoint_url


def _argv(served: Served, tmp_path: Path, manifest: Path, *more: str) -> list[str]:
    _, root, url = served
    return [
        "issue-many",
        "--endpoint-url",
        url,
        "--certificate-authority-arn",
        str(root),
        "--manifest",
        str(manifest),
        "--out-dir",
        str(tmp_path / "out"),
        "--no-progress",
        *more,
    ]


def _manifest(tmp_path: Path, text: str, name: str = "fleet.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


Capture = Callable[[], Any]


def test_a_csv_manifest_is_issued_into_one_directory_per_item(
    served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """New keys and given CSRs, per-row validity: files in DIR/<id>/, exit 0, a summary."""
    pca, _, _ = served
    (tmp_path / "given.csr").write_bytes(build_csr("given.fleet.internal").csr_pem)
    manifest = _manifest(
        tmp_path,
        "id,csr,names,common_name,validity,key_algorithm\n"
        "dev1,,dev1.fleet.internal,dev1,,\n"
        'dev2,,"dev2.fleet.internal; 10.0.0.2",,"Value=5,Type=DAYS",EC_secp384r1\n'
        "given,given.csr,,,,\n",
    )
    count = issued_count(pca)
    status = main(_argv(served, tmp_path, manifest, "--validity", "Value=30,Type=DAYS"))
    out, err = capsys.readouterr()
    assert status == 0, err
    assert "3 items: 3 issued, 0 already issued, 0 failed" in out
    assert issued_count(pca) == count + 3
    for name in ("dev1", "dev2"):
        directory = tmp_path / "out" / name
        assert (directory / "key.pem").stat().st_mode & 0o777 == 0o600
        assert key_matches_certificate(directory)
        assert (directory / "fullchain.pem").read_text().count("BEGIN CERTIFICATE") == 2
    given = tmp_path / "out" / "given"
    assert not (given / "key.pem").exists()
    assert (given / "cert.pem").exists()
    assert "PRIVATE KEY" not in out + err


def test_every_bad_row_is_listed_and_nothing_is_sent(
    served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Line numbers, one line per bad row, exit 2, no call to IssueCertificate."""
    pca, _, _ = served
    manifest = _manifest(
        tmp_path,
        "id,names,csr,validity\n"
        "ok,ok.fleet.internal,,\n"
        "bad id,x.y,,\n"
        "ok,again.y,,\n"
        "none,,,\n"
        "both,x.y,missing.csr,\n"
        "badname,bad name!,,\n"
        "nocsr,,missing.csr,\n"
        "badvalidity,v.y,,Value=0,Type=DAYS\n"
        "\n"
        'badvalidity2,v.y,,"Value=0,Type=DAYS"\n',
    )
    count = issued_count(pca)
    status = main(_argv(served, tmp_path, manifest, "--validity", "Value=30,Type=DAYS"))
    _, err = capsys.readouterr()
    assert status == 2
    assert issued_count(pca) == count
    lines = err.splitlines()
    assert lines[0].endswith(
        "fleet.csv:3: id must be 1-128 letters, digits, '.', '_' or '-' (not first), got 'bad id'"
    )
    assert "fleet.csv:4: id 'ok' is also on line 2" in err
    assert "fleet.csv:5: give either csr" in err
    assert "fleet.csv:6: give either csr" in err
    assert "fleet.csv:7: names[1]: 'name!'" in err
    assert "fleet.csv:8: csr: " in err
    assert "fleet.csv:9: 5 fields, the header has 4 (quote a value that holds a comma" in err
    assert "fleet.csv:11: validity: value: must be a whole number >= 1, got 0" in err
    assert "8 bad rows in" in err
    assert "nothing was sent" in err
    assert not (tmp_path / "out" / "journal.sqlite3").exists()


def test_skip_invalid_issues_the_good_rows_and_exits_1(
    served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--skip-invalid: the others are issued, the summary counts the skipped rows."""
    manifest = _manifest(tmp_path, "id,names\nok,ok.fleet.internal\nbad,bad name!\n")
    status = main(
        _argv(served, tmp_path, manifest, "--validity", "Value=30,Type=DAYS", "--skip-invalid")
    )
    out, err = capsys.readouterr()
    assert status == 1
    assert "fleet.csv:3: names[1]" in err
    assert "1 items: 1 issued" in out
    assert "1 bad rows of the manifest were skipped" in out


def test_json_lines_with_per_row_overrides_and_json_output(
    served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """JSON Lines rows take lists and structures; --output json gives a JSON summary."""
    manifest = _manifest(
        tmp_path,
        '{"id": "a", "names": ["a.fleet.internal", "10.0.0.1"], "validity": '
        '{"Value": 3, "Type": "DAYS"}, "signing_algorithm": "SHA384WITHECDSA"}\n'
        "\n"
        '{"id": "b", "common_name": "b", "template_arn": '
        '"arn:aws:acm-pca:::template/EndEntityCertificate/V1"}\n'
        "[1, 2]\n"
        "{not json\n"
        '{"id": "c", "names": 5, "validity": "Value=1,Type=DAYS"}\n'
        '{"id": "d", "csr": 7, "validity": "Value=1,Type=DAYS"}\n'
        '{"id": "e", "color": "red", "names": "e.y"}\n'
        '{"id": "f", "csr": "x.csr", "key_algorithm": "RSA_2048"}\n',
        name="fleet.jsonl",
    )
    status = main(
        _argv(
            served,
            tmp_path,
            manifest,
            "--validity",
            "Value=30,Type=DAYS",
            "--skip-invalid",
            "--output",
            "json",
        )
    )
    out, err = capsys.readouterr()
    assert status == 1
    assert "fleet.jsonl:4: expected a JSON object, got list" in err
    assert "fleet.jsonl:5: not JSON" in err
    assert "fleet.jsonl:6: names must be text or a list of text" in err
    assert "fleet.jsonl:7: csr must be a file name" in err
    assert "fleet.jsonl:8: unknown field 'color'" in err
    assert "fleet.jsonl:9: key_algorithm is for a new key" in err
    document = json.loads(out)
    assert document["Issued"] == 2
    assert document["InvalidRows"] == 6
    from cryptography import x509

    cert = x509.load_pem_x509_certificate((tmp_path / "out" / "a" / "cert.pem").read_bytes())
    assert cert.signature_hash_algorithm is not None
    assert cert.signature_hash_algorithm.name == "sha384"


def test_an_unknown_column_is_refused(
    served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A header typo is named with the columns allowed."""
    manifest = _manifest(tmp_path, "id,nmes\na,a.y\n")
    assert main(_argv(served, tmp_path, manifest, "--validity", "Value=1,Type=DAYS")) == 2
    assert "fleet.csv:1: unknown column 'nmes'; the columns are id, csr, names" in (
        capsys.readouterr().err
    )


def test_a_row_without_validity_is_named(
    served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No column and no --validity: the row says so."""
    manifest = _manifest(tmp_path, "id,names\na,a.y\n")
    assert main(_argv(served, tmp_path, manifest)) == 2
    assert "fleet.csv:2: no validity: give the column or --validity" in capsys.readouterr().err


def test_a_started_run_needs_resume_and_resume_issues_nothing_twice(
    served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The journal is there: without --resume it is refused; with it, all is given back."""
    pca, _, _ = served
    manifest = _manifest(tmp_path, "id,names\na,a.y\nb,b.y\n")
    argv = _argv(served, tmp_path, manifest, "--validity", "Value=1,Type=DAYS", "--rate", "50")
    assert main(argv) == 0
    count = issued_count(pca)
    (tmp_path / "out" / "a" / "cert.pem").unlink()  # lost after the journal recorded it
    capsys.readouterr()
    assert main(argv) == 2
    assert "add --resume to finish it" in capsys.readouterr().err
    assert main([*argv, "--resume"]) == 0
    assert "2 items: 0 issued, 2 already issued" in capsys.readouterr().out
    assert issued_count(pca) == count
    assert key_matches_certificate(tmp_path / "out" / "a")


def test_request_failed_items_fail_the_run_and_stay_failed(
    served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """RequestFailed for one item: exit 1, named on stderr; a resume does not resend it."""
    pca, _, _ = served
    manifest = _manifest(tmp_path, "id,names\na,a.y\nb,b.y\nc,c.y\n")
    argv = _argv(
        served, tmp_path, manifest, "--validity", "Value=1,Type=DAYS", "--max-in-flight", "1"
    )
    pca.fail_next_issuance()
    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert "a: failed: " in err
    assert "RequestFailedException" in err
    assert "failed RequestFailedException: 1" in out
    count = issued_count(pca)
    assert main([*argv, "--resume"]) == 1
    assert issued_count(pca) == count
    assert "recorded by an earlier run" in capsys.readouterr().err


def test_a_ca_disabled_mid_run_is_finished_by_a_resume(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The CA goes DISABLED after two certificates: exit 1; enabled again, --resume ends it."""
    from acmpca_issue.local._http import serve

    pca = LocalPrivateCA()
    root = pca.create_root_ca()
    issued = 0

    def dispatch(operation: str, params: dict[str, Any]) -> dict[str, Any]:
        nonlocal issued
        answer = pca.dispatch(operation, params)
        if operation == "IssueCertificate":
            issued += 1
            if issued == 2:
                pca.client().update_certificate_authority(
                    CertificateAuthorityArn=str(root), Status="DISABLED"
                )
        return answer

    with serve(dispatch) as server:
        served = (pca, root, server.endpoint_url)
        manifest = _manifest(
            tmp_path, "".join(["id,names\n", *(f"d{n},d{n}.y\n" for n in range(5))])
        )
        argv = _argv(
            served, tmp_path, manifest, "--validity", "Value=1,Type=DAYS", "--max-in-flight", "1"
        )
        assert main(argv) == 1
        out, err = capsys.readouterr()
        assert "2 issued" in out
        assert "DISABLED" in err
        pca.client().update_certificate_authority(
            CertificateAuthorityArn=str(root), Status="ACTIVE"
        )
        assert main([*argv, "--resume"]) == 0
        assert "3 issued, 2 already issued" in capsys.readouterr().out
    assert issued_count(pca) == 1 + 5


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--rate", "0", "expected a positive rate"),
        ("--rate", "fast", "expected calls per second"),
        ("--max-in-flight", "0", "expected a positive whole number"),
        ("--key-workers", "-1", "expected a whole number >= 0"),
        ("--key-workers", "many", "expected a whole number"),
    ],
)
def test_bad_options_are_usage_errors(
    *,
    served: Served,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    option: str,
    value: str,
    message: str,
) -> None:
    """Numbers are checked by the parser."""
    manifest = _manifest(tmp_path, "id,names\na,a.y\n")
    assert main(_argv(served, tmp_path, manifest, option, value)) == 2
    assert message in capsys.readouterr().err


def test_a_bad_ca_arn_or_manifest_is_a_usage_error(
    served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing is sent for an ARN that is not a CA's or a manifest that cannot be read."""
    manifest = _manifest(tmp_path, "id,names\na,a.y\n")
    argv = _argv(served, tmp_path, manifest)
    argv[argv.index("--certificate-authority-arn") + 1] = "arn:aws:acm-pca:us-east-1:1:nope"
    assert main(argv) == 2
    assert "--certificate-authority-arn: " in capsys.readouterr().err
    assert main(_argv(served, tmp_path, tmp_path / "missing.csv")) == 2
    assert "--manifest: cannot read" in capsys.readouterr().err


def test_rsa_keys_are_made_on_a_process_pool(
    served: Served, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """RSA rows use --key-workers processes; the keys are usable and 0600."""
    manifest = _manifest(tmp_path, "id,names,key_algorithm\nr,r.y,RSA_2048\n")
    status = main(
        _argv(
            served,
            tmp_path,
            manifest,
            "--validity",
            "Value=1,Type=DAYS",
            "--key-workers",
            "1",
            "--signing-algorithm",
            "SHA256WITHECDSA",
        )
    )
    assert status == 0, capsys.readouterr().err
    assert key_matches_certificate(tmp_path / "out" / "r")
