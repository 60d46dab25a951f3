"""``acmpca-issue issue-many``: a manifest of items in, DIR/<id>/ files out, resumable.

Example::

    $ acmpca-issue issue-many --certificate-authority-arn ARN --manifest fleet.csv \\
        --out-dir ./fleet --validity Value=30,Type=DAYS
    $ acmpca-issue issue-many ... --resume        # after a crash: nothing is issued twice

The manifest is CSV (with a header row) or JSON Lines, one item per row: ``id``, and either
``csr`` (a CSR file, relative to the manifest) or ``names`` (SANs, separated by spaces or
semicolons; a list in JSON) and/or ``common_name`` for a new key; optional per-row
``validity``, ``template_arn``, ``signing_algorithm`` and ``key_algorithm``. Every row is checked
before anything is sent; bad rows are listed by line number.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import csv
import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import attrs

from acmpca_issue._cli._output import UsageError

if TYPE_CHECKING:
    from acmpca_issue._bulk_keys import CsrSpec
    from acmpca_issue._request import IssueCertificateRequest

__all__ = ["add_issue_many", "issue_many_command"]

COLUMNS = (
    "id",
    "csr",
    "names",
    "common_name",
    "validity",
    "template_arn",
    "signing_algorithm",
    "key_algorithm",
)
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
#: Keys that need many CPUs to make; anything else is made in this process.
_SLOW_KEYS = ("RSA", "ML_DSA")

_DESCRIPTION = """\
Issue a certificate for every item of a manifest, paced to the service's quota (25
IssueCertificate a second per account and Region by default), each exactly once: a journal
(DIR/journal.sqlite3) records every step, so a run that was killed is finished with --resume,
without issuing anything twice.

The manifest is CSV with a header row, or JSON Lines (.jsonl), one item per row:
  id                 the item's name, also its directory DIR/<id>/ (letters, digits, . _ -)
  csr                a CSR file (PEM or DER), relative to the manifest; or, for a new key:
  names              SANs (DNS names, IPs, emails, URIs), separated by spaces or ';'
  common_name        the subject's common name
  key_algorithm      the new key's algorithm (default EC_prime256v1)
  validity, template_arn, signing_algorithm   this row's own, instead of the options'
Every row is checked first; bad rows are listed by line number and nothing is sent (unless
--skip-invalid). Each item gets DIR/<id>/cert.pem, chain.pem, fullchain.pem, and for a new key
key.pem (mode 0600, written before its CSR is sent) and csr.pem. The exit status is 0 only if
every item has its certificate.

examples:
  acmpca-issue issue-many --certificate-authority-arn ARN --manifest fleet.csv \\
      --out-dir ./fleet --validity Value=30,Type=DAYS
  acmpca-issue issue-many --certificate-authority-arn ARN --manifest fleet.csv \\
      --out-dir ./fleet --validity Value=30,Type=DAYS --resume
"""


def add_issue_many(sub: Any, parent: argparse.ArgumentParser) -> None:
    """Register ``issue-many`` on the subcommand parser."""
    from acmpca_issue._cli._args import _CA_ARN, _Formatter, _seconds

    parser = sub.add_parser(
        "issue-many",
        parents=[parent],
        help="issue a certificate for every item of a manifest, exactly once, resumable",
        description=_DESCRIPTION,
        formatter_class=_Formatter,
        allow_abbrev=False,
    )
    need = parser.add_argument_group("required")
    need.add_argument(
        "--certificate-authority-arn",
        required=True,
        metavar="ARN",
        help=f"the issuing CA, e.g. {_CA_ARN}",
    )
    need.add_argument(
        "--manifest", required=True, metavar="FILE", help="CSV or JSON Lines, e.g. fleet.csv"
    )
    need.add_argument(
        "--out-dir", required=True, metavar="DIR", help="DIR/<id>/ per item, e.g. ./fleet"
    )
    parser.add_argument(
        "--journal",
        metavar="FILE",
        help="the journal (default: DIR/journal.sqlite3), e.g. --journal fleet.sqlite3",
    )
    parser.add_argument(
        "--validity", metavar="V", help="for rows without one, e.g. Value=30,Type=DAYS"
    )
    parser.add_argument(
        "--template-arn",
        metavar="ARN",
        help="for rows without one, e.g. arn:aws:acm-pca:::template/EndEntityCertificate/V1",
    )
    parser.add_argument(
        "--signing-algorithm",
        metavar="ALG",
        help="for rows without one (default: the CA's own), e.g. SHA256WITHECDSA",
    )
    parser.add_argument(
        "--rate",
        type=_rate,
        metavar="N",
        help="IssueCertificate calls a second (default 25, the service's default quota), "
        "e.g. --rate 50",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="finish the run whose journal is there, e.g. after a crash: --resume",
    )
    parser.add_argument(
        "--resend-expired",
        action="store_true",
        help="send again items sent without an answer more than 4 minutes ago, accepting that "
        "a second certificate may be issued (otherwise they are reported), e.g. "
        "--resume --resend-expired",
    )
    parser.add_argument(
        "--skip-invalid",
        action="store_true",
        help="issue the valid rows and list the others, e.g. --skip-invalid",
    )
    parser.add_argument(
        "--max-in-flight",
        type=_count,
        default=64,
        metavar="N",
        help="items at once (64), e.g. --max-in-flight 16",
    )
    parser.add_argument(
        "--key-workers",
        type=_count0,
        default=os.cpu_count() or 1,
        metavar="N",
        help="processes making RSA and ML-DSA keys (default: one per CPU; 0: this process), "
        "e.g. --key-workers 4",
    )
    parser.add_argument(
        "--wait-timeout",
        type=_seconds,
        default=60.0,
        metavar="SECONDS",
        help="the longest wait for one certificate (60), e.g. --wait-timeout 120",
    )
    parser.add_argument(
        "--no-progress", action="store_true", help="no progress bar, e.g. --no-progress"
    )
    parser.set_defaults(command="issue-many")


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected calls per second, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive rate, got {text!r}")
    return value


def _count(text: str) -> int:
    value = _count0(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return value


def _count0(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}")
    return value


# The manifest -------------------------------------------------------------------------------


@attrs.frozen
class Row:
    """One manifest row, its fields as text (``names`` split)."""

    line: int
    fields: dict[str, Any]


def _rows(path: Path) -> Iterator[Row | tuple[int, str]]:
    """The rows of a manifest, or (line, problem) for a row that cannot be read."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"--manifest: cannot read {path}: {error}") from None
    suffix = path.suffix.lower()
    jsonl = suffix in (".jsonl", ".ndjson", ".json") or (
        suffix != ".csv" and text.lstrip().startswith("{")
    )
    yield from _json_lines(text) if jsonl else _csv_rows(text)


def _json_lines(text: str) -> Iterator[Row | tuple[int, str]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as error:
            yield number, f"not JSON: {error}"
            continue
        if not isinstance(value, dict):
            yield number, f"expected a JSON object, got {type(value).__name__}"
            continue
        yield Row(number, value)


def _csv_rows(text: str) -> Iterator[Row | tuple[int, str]]:
    reader = csv.reader(io.StringIO(text))
    header: list[str] | None = None
    for fields in reader:
        if not any(field.strip() for field in fields):
            continue
        if header is None:
            header = [field.strip().lower().replace("-", "_") for field in fields]
            unknown = [name for name in header if name not in COLUMNS]
            if unknown:
                yield (
                    reader.line_num,
                    (
                        f"unknown column {', '.join(map(repr, unknown))}; the columns are "
                        f"{', '.join(COLUMNS)}"
                    ),
                )
                return
            continue
        if len(fields) != len(header):
            yield (
                reader.line_num,
                (
                    f"{len(fields)} fields, the header has {len(header)} (quote a value that "
                    'holds a comma: "Value=30,Type=DAYS")'
                ),
            )
            continue
        values = {name: value.strip() for name, value in zip(header, fields, strict=True)}
        yield Row(reader.line_num, {name: value for name, value in values.items() if value})


@attrs.frozen
class Item:
    """A checked row: its id, its request (with a stand-in CSR for a new key), its key spec."""

    line: int
    id: str
    request: IssueCertificateRequest
    spec: CsrSpec | None


class _Checker:
    """Turns rows into items, collecting every problem by line number."""

    def __init__(self, args: argparse.Namespace, manifest: Path, default_algorithm: Any) -> None:
        from acmpca_issue._keys import generate_private_key

        self.args = args
        self.base = manifest.parent
        self.out = Path(args.out_dir)
        self.default_algorithm = default_algorithm
        self.probe = generate_private_key()
        self.problems: list[tuple[int, str]] = []
        self.first_line: dict[str, int] = {}

    def check(self, row: Row) -> Item | None:
        from acmpca_issue._bulk_keys import CsrSpec
        from acmpca_issue._csr import build_csr
        from acmpca_issue._csr_load import load_csr
        from acmpca_issue._request import IssueCertificateRequest
        from acmpca_issue.exceptions import InvalidRequestError

        fields = row.fields
        unknown = sorted(name for name in fields if name not in COLUMNS)
        if unknown:
            return self._bad(row, f"unknown field {', '.join(map(repr, unknown))}")
        item_id = fields.get("id")
        if not isinstance(item_id, str) or not _ID.fullmatch(item_id):
            return self._bad(
                row,
                f"id must be 1-128 letters, digits, '.', '_' or '-' (not first), got {item_id!r}",
            )
        if item_id in self.first_line:
            return self._bad(row, f"id {item_id!r} is also on line {self.first_line[item_id]}")
        self.first_line[item_id] = row.line
        names = fields.get("names")
        if isinstance(names, str):
            names = [name for name in re.split(r"[\s;]+", names) if name]
        if names is not None and (
            not isinstance(names, list) or not all(isinstance(n, str) for n in names)
        ):
            return self._bad(row, "names must be text or a list of text")
        common_name = fields.get("common_name")
        csr_file = fields.get("csr")
        if (csr_file is None) == (names is None and common_name is None):
            return self._bad(
                row, "give either csr (a CSR file) or names and/or common_name (a new key)"
            )
        if csr_file is not None and "key_algorithm" in fields:
            return self._bad(row, "key_algorithm is for a new key; this row gives a csr")
        spec = None
        try:
            if csr_file is not None:
                if not isinstance(csr_file, str):
                    return self._bad(row, "csr must be a file name")
                try:
                    csr = load_csr(self.base / csr_file)
                except InvalidRequestError as error:
                    return self._bad(row, f"csr: {_text(error)}")
            else:
                spec = CsrSpec(
                    identities=tuple(names or ()),
                    common_name=common_name,
                    key_algorithm=fields.get("key_algorithm", "EC_prime256v1"),
                    directory=self.out / item_id,
                )
                csr = build_csr(
                    *spec.identities, private_key=self.probe, common_name=common_name
                ).csr
            validity = fields.get("validity", self.args.validity)
            if validity is None:
                return self._bad(row, "no validity: give the column or --validity")
            try:
                validity = _validity(validity)
            except InvalidRequestError as error:
                return self._bad(row, f"validity: {_text(error)}")
            request = IssueCertificateRequest(
                certificate_authority_arn=self.args.certificate_authority_arn,
                csr=csr,
                signing_algorithm=fields.get(
                    "signing_algorithm", self.args.signing_algorithm or self.default_algorithm
                ),
                validity=validity,
                template_arn=fields.get("template_arn", self.args.template_arn),
            )
        except InvalidRequestError as error:
            return self._bad(row, _text(error).replace("identities[", "names["))
        return Item(row.line, item_id, request, spec)

    def _bad(self, row: Row, message: str) -> Item | None:
        """Record a problem of ``row``; the row gives no item (None)."""
        self.problems.append((row.line, message))
        return None


def _text(error: Any) -> str:
    """An InvalidRequestError's problems on one line."""
    return "; ".join(str(problem) for problem in error.problems)


def _validity(value: object) -> Any:
    from acmpca_issue._validity import Validity

    if isinstance(value, dict):
        return Validity.from_api(value)
    return Validity.parse(str(value))


# The run ------------------------------------------------------------------------------------


def issue_many_command(args: argparse.Namespace, *, stdout: TextIO, stderr: TextIO) -> int:
    """Run ``issue-many``; returns the exit status."""
    from acmpca_issue._arn import CertificateAuthorityArn
    from acmpca_issue.exceptions import InvalidArnError

    try:
        ca = CertificateAuthorityArn.parse(args.certificate_authority_arn)
    except InvalidArnError as error:
        raise UsageError(f"--certificate-authority-arn: {error}") from None
    manifest = Path(args.manifest)
    out = Path(args.out_dir)
    journal_path = Path(args.journal) if args.journal else out / "journal.sqlite3"
    if journal_path.exists() and not args.resume:
        raise UsageError(
            f"{journal_path} exists: a run was started there; add --resume to finish it "
            "(nothing is issued twice), or choose another --out-dir or --journal"
        )
    from acmpca_issue._issuer import Issuer

    issuer = Issuer.from_session(
        region_name=getattr(args, "region", None) or ca.region,
        profile_name=getattr(args, "profile", None),
        endpoint_url=getattr(args, "endpoint_url", None),
        wait_timeout=args.wait_timeout,
    )
    default = None if args.signing_algorithm else issuer.describe(ca).default_signing_algorithm()
    checker = _Checker(args, manifest, default)
    items: list[Item] = []
    for row in _rows(manifest):
        if isinstance(row, Row):
            item = checker.check(row)
            if item is not None:
                items.append(item)
        else:
            checker.problems.append(row)
    for line, message in checker.problems:
        print(f"{manifest}:{line}: {message}", file=stderr)
    if checker.problems and not args.skip_invalid:
        raise UsageError(
            f"{len(checker.problems)} bad rows in {manifest}; nothing was sent (fix them, or "
            "use --skip-invalid to issue the others)"
        )
    out.mkdir(mode=0o700, parents=True, exist_ok=True)
    requests = _with_keys(items, args.key_workers)
    from acmpca_issue._bulk_journal import Journal
    from acmpca_issue._bulk_run import issue_many

    result = issue_many(
        issuer,
        requests,
        journal=Journal(journal_path),
        rate=args.rate,
        max_in_flight=args.max_in_flight,
        progress=not args.no_progress,
        resend_expired=args.resend_expired,
    )
    written = 0
    for entry in result:
        if entry.certificate is not None:
            entry.certificate.write(out / entry.id, overwrite=True)
            written += 1
        else:
            print(f"{entry.id}: {entry.status}: {' '.join(str(entry.error).split())}", file=stderr)
    summary = result.summary
    lines = summary.lines()
    if checker.problems:
        lines.append(f"{len(checker.problems)} bad rows of the manifest were skipped")
    if getattr(args, "output", None) == "json":
        document = {
            "Items": summary.total,
            "Issued": summary.issued,
            "AlreadyIssued": summary.skipped,
            "Failed": dict(summary.failed),
            "MayHaveBeenIssued": summary.unknown,
            "NotStarted": summary.not_started,
            "InvalidRows": len(checker.problems),
            "Throttled": summary.throttled,
            "Stopped": summary.stopped,
            "OutDir": str(out),
        }
        stdout.write(json.dumps(document, indent=4) + "\n")
    else:
        stdout.write("\n".join([*lines, f"files in {out}/<id>/"]) + "\n")
    return 0 if result.ok and not checker.problems else 1


def _with_keys(items: list[Item], key_workers: int) -> list[tuple[str, IssueCertificateRequest]]:
    """The (id, request) pairs, new keys made (or found) for the rows that need one."""
    from acmpca_issue._bulk_keys import _default_executor, build_csrs

    specs = [item.spec for item in items if item.spec is not None]
    slow = any(spec.key_algorithm.value.startswith(_SLOW_KEYS) for spec in specs)
    executor: concurrent.futures.Executor = (
        _default_executor(key_workers)
        if slow and key_workers > 0
        else concurrent.futures.ThreadPoolExecutor(1)
    )
    with executor:
        bundles = iter(build_csrs(specs, executor=executor))
    pairs = []
    for item in items:
        request = item.request
        if item.spec is not None:
            request = attrs.evolve(request, csr=next(bundles).csr)
        pairs.append((item.id, request))
    return pairs
