"""issue_many against the local Private CA: one entry per item, resumable, exactly once."""

from __future__ import annotations

import io
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509

from acmpca_issue import CertificateAuthorityArn, IssueCertificateRequest, build_csr
from acmpca_issue._keys import public_key_der
from acmpca_issue.bulk import BulkResult, Journal, issue_many
from acmpca_issue.exceptions import (
    InvalidRequestError,
    IssuanceUnknownError,
    JournalMismatchError,
    RequestFailedError,
    TransportError,
)
from acmpca_issue.local import LocalPrivateCA
from tests.bulk.bulk_support import FakeTime, issued_count, request_for

Items = list[tuple[str, IssueCertificateRequest]]


def _run(
    fake: FakeTime, pca: LocalPrivateCA, items: Any, client: Any = None, **options: Any
) -> BulkResult:
    options.setdefault("rate", fake.limits())
    options.setdefault("progress", False)
    options.setdefault("max_in_flight", 2)
    return issue_many(fake.issuer(client or pca.client()), items, **options)


def test_every_item_is_issued_once_and_matches_its_csr(
    fake: FakeTime, pca: LocalPrivateCA, items: Items
) -> None:
    """One entry per item, in order, each certificate for its own CSR."""
    result = _run(fake, pca, items)
    assert len(result) == len(items)
    assert [entry.id for entry in result] == [item_id for item_id, _ in items]
    assert result.ok
    assert issued_count(pca) == len(items) + 1  # + the root's own certificate
    for entry, (_, request) in zip(result, items, strict=True):
        assert entry.status == "issued"
        assert entry.certificate is not None
        assert entry.arn == entry.certificate.arn
        assert public_key_der(entry.certificate.certificate.public_key()) == public_key_der(
            request.csr.public_key()
        )
    assert result.summary.issued == 6
    assert result.summary.failed == {}
    assert result["dev3"] is result[3]
    with pytest.raises(KeyError):
        result["nope"]
    with pytest.raises(TypeError, match="by position or item id"):
        result[1:2]


def test_requests_without_ids_are_numbered(
    fake: FakeTime, pca: LocalPrivateCA, items: Items
) -> None:
    """Plain requests get their position as id; a generator is read as the run goes."""
    result = _run(fake, pca, (request for _, request in items))
    assert [entry.id for entry in result] == ["0", "1", "2", "3", "4", "5"]
    assert result.summary.issued == 6


def test_the_pace_is_the_rate_given(fake: FakeTime, pca: LocalPrivateCA, items: Items) -> None:
    """Six items at 5 IssueCertificate/s take five gaps of 0.2 s (on the fake clock)."""
    result = _run(fake, pca, items, rate=fake.limits(issue=5.0, get=math.inf), max_in_flight=1)
    assert result.summary.elapsed == pytest.approx(1.0)
    assert result.summary.rate == pytest.approx(6.0)


def test_bad_items_fail_alone(fake: FakeTime, pca: LocalPrivateCA, items: Items) -> None:
    """Wrong types and repeated ids are failed entries; the other items are issued."""
    mixed: list[Any] = [items[0], "not a request", ("", items[1][1]), ("x", 42), items[0], items[2]]
    result = _run(fake, pca, mixed)
    assert [entry.status for entry in result] == [
        "issued",
        "failed",
        "failed",
        "failed",
        "failed",
        "issued",
    ]
    messages = [str(entry.error) for entry in result.failed()]
    assert "an IssueCertificateRequest or an (id, request) pair, got str" in messages[0]
    assert "the id must be a non-empty str" in messages[1]
    assert "expected an IssueCertificateRequest, got int" in messages[2]
    assert "appears more than once" in messages[3]
    assert all(isinstance(entry.error, InvalidRequestError) for entry in result.failed())
    assert result.summary.failed == {"InvalidRequestError": 4}


@pytest.mark.parametrize("bad", [0, -3, True, 2.5])
def test_bad_max_in_flight_is_named(fake: FakeTime, pca: LocalPrivateCA, bad: Any) -> None:
    """max_in_flight must be a positive int."""
    with pytest.raises(InvalidRequestError, match="positive int") as caught:
        issue_many(fake.issuer(pca.client()), [], max_in_flight=bad)
    assert caught.value.problems[0].path == "max_in_flight"


def test_a_number_is_the_issue_rate(fake: FakeTime, pca: LocalPrivateCA, items: Items) -> None:
    """``rate=N`` paces IssueCertificate; ``math.inf`` paces nothing (real clocks here)."""
    issuer = fake.issuer(pca.client())
    assert issue_many(issuer, items[:2], rate=1000.0, progress=False).ok
    assert issue_many(issuer, items[2:4], rate=math.inf, progress=False).ok
    assert issue_many(issuer, items[4:], progress=False).ok


def test_finished_items_are_given_back_without_a_call(
    tmp_path: Path, fake: FakeTime, pca: LocalPrivateCA, items: Items
) -> None:
    """A second run of the same journal issues nothing and returns the same certificates."""
    journal = tmp_path / "j.sqlite3"
    first = _run(fake, pca, items, journal=journal)
    count = issued_count(pca)
    second = _run(fake, pca, items, journal=Journal(journal, now=fake.now))
    assert issued_count(pca) == count
    assert [entry.status for entry in second] == ["skipped"] * 6
    assert [e.certificate.serial for e in second if e.certificate] == [
        e.certificate.serial for e in first if e.certificate
    ]
    assert second.ok
    assert second.summary.skipped == 6


def test_issued_but_not_fetched_is_fetched_not_issued_again(
    tmp_path: Path, fake: FakeTime, pca: LocalPrivateCA, items: Items
) -> None:
    """An ARN in the journal means GetCertificate only."""
    path = tmp_path / "j.sqlite3"
    issuer = fake.issuer(pca.client())
    item_id, request = items[0]
    arn = issuer.issue(request, wait=False)
    journal = Journal(path, now=fake.now)
    journal.open(str(request.certificate_authority_arn))
    from acmpca_issue._token import derive_idempotency_token

    digest = derive_idempotency_token(request.to_api())
    journal.add(item_id, digest, digest)
    journal.mark_sent(item_id, keep_time=True)
    journal.mark_issued(item_id, str(arn))
    journal.close()
    count = issued_count(pca)
    result = _run(fake, pca, items[:1], journal=path)
    assert issued_count(pca) == count
    assert result[0].status == "issued"
    assert result[0].arn == arn


def _sent_without_answer(
    path: Path, fake: FakeTime, item_id: str, request: IssueCertificateRequest
) -> str:
    from acmpca_issue._token import derive_idempotency_token

    digest = derive_idempotency_token(request.to_api())
    journal = Journal(path, now=fake.now)
    journal.open(str(request.certificate_authority_arn))
    journal.add(item_id, digest, digest)
    journal.mark_sent(item_id, keep_time=True)
    journal.close()
    return digest


def test_unanswered_within_the_window_is_resent_with_the_same_token(
    tmp_path: Path, fake: FakeTime, pca: LocalPrivateCA, items: Items
) -> None:
    """The service had issued it: the resend gets that certificate, not a second one."""
    path = tmp_path / "j.sqlite3"
    item_id, request = items[0]
    _sent_without_answer(path, fake, item_id, request)
    issuer = fake.issuer(pca.client())
    arn = issuer.issue(request, wait=False)  # the call whose answer was lost
    count = issued_count(pca)
    fake.advance(200)
    result = _run(fake, pca, items[:1], journal=Journal(path, now=fake.now))
    assert issued_count(pca) == count
    assert result[0].arn == arn


def test_unanswered_past_the_window_may_have_been_issued(
    tmp_path: Path, fake: FakeTime, pca: LocalPrivateCA, items: Items
) -> None:
    """Past 5 minutes it is reported, not resent, unless the caller says so."""
    path = tmp_path / "j.sqlite3"
    item_id, request = items[0]
    token = _sent_without_answer(path, fake, item_id, request)
    fake.advance(250)
    count = issued_count(pca)
    result = _run(fake, pca, items[:1], journal=Journal(path, now=fake.now))
    assert issued_count(pca) == count
    entry = result[0]
    assert entry.status == "unknown"
    assert isinstance(entry.error, IssuanceUnknownError)
    assert entry.error.idempotency_token == token
    assert "may have been issued" in str(entry.error)
    assert "resend_expired=True" in str(entry.error)
    assert not result.ok
    assert result.summary.unknown == 1
    again = _run(fake, pca, items[:1], journal=Journal(path, now=fake.now), resend_expired=True)
    assert again[0].status == "issued"
    assert issued_count(pca) == count + 1


def test_a_lost_answer_leaves_the_item_sent_and_a_resume_finishes_it(
    tmp_path: Path, fake: FakeTime, pca: LocalPrivateCA, items: Items
) -> None:
    """No answer: the row stays 'sent'; the next run sends the same token and issues once."""
    from botocore.config import Config
    from botocore.session import Session

    dead = Session().create_client(
        "acm-pca",
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:9",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=1),
    )
    path = tmp_path / "j.sqlite3"
    issuer = fake.issuer(dead, preflight=False, max_attempts=2)
    first = issue_many(
        issuer, items[:2], journal=Journal(path, now=fake.now), rate=fake.limits(), progress=False
    )
    assert [entry.status for entry in first] == ["failed", "failed"]
    assert all(isinstance(entry.error, TransportError) for entry in first)
    journal = Journal(path, now=fake.now)
    journal.open(str(items[0][1].certificate_authority_arn))
    assert [row.state for row in journal.rows()] == ["sent", "sent"]
    assert [row.error_code for row in journal.rows()] == ["TransportError"] * 2
    journal.close()
    count = issued_count(pca)
    second = _run(fake, pca, items[:2], journal=Journal(path, now=fake.now))
    assert second.ok
    assert issued_count(pca) == count + 2
    dead.close()


def test_a_changed_request_under_a_finished_id_is_refused(
    *,
    tmp_path: Path,
    fake: FakeTime,
    pca: LocalPrivateCA,
    items: Items,
    root: CertificateAuthorityArn,
    csrs: list[x509.CertificateSigningRequest],
) -> None:
    """Same id, other request: a mismatch, never the old certificate for the new request."""
    path = tmp_path / "j.sqlite3"
    _run(fake, pca, items[:1], journal=path)
    changed = [(items[0][0], request_for(root, csrs[7]))]
    result = _run(fake, pca, changed, journal=path)
    assert isinstance(result[0].error, JournalMismatchError)
    assert "was done by an earlier run with a different request" in str(result[0].error)


def test_a_changed_request_that_was_never_issued_replaces_the_old(
    *,
    tmp_path: Path,
    fake: FakeTime,
    pca: LocalPrivateCA,
    items: Items,
    root: CertificateAuthorityArn,
    csrs: list[x509.CertificateSigningRequest],
) -> None:
    """A pending item (nothing issued) may be fixed and sent again under its id."""
    path = tmp_path / "j.sqlite3"
    item_id = items[0][0]
    journal = Journal(path, now=fake.now)
    journal.open(str(root))
    journal.add(item_id, "old-digest", "old-token")
    journal.close()
    fixed = [(item_id, request_for(root, csrs[8]))]
    result = _run(fake, pca, fixed, journal=path)
    assert result[0].status == "issued"


def test_items_for_another_ca_are_refused_by_a_journal(
    tmp_path: Path,
    fake: FakeTime,
    pca: LocalPrivateCA,
    items: Items,
    csrs: list[x509.CertificateSigningRequest],
) -> None:
    """A journal is one CA's: an item for another CA fails alone."""
    other = pca.create_root_ca(common_name="Other root")
    mixed = [items[0], ("elsewhere", request_for(other, csrs[9]))]
    result = _run(fake, pca, mixed, journal=tmp_path / "j.sqlite3")
    assert result[0].status == "issued"
    assert isinstance(result[1].error, JournalMismatchError)
    assert "but the journal is for" in str(result[1].error)


def test_failed_issuances_are_terminal_and_reported_again(
    tmp_path: Path, fake: FakeTime, pca: LocalPrivateCA, items: Items
) -> None:
    """RequestFailed keeps its ARN; a resumed run reports it without sending it again."""
    path = tmp_path / "j.sqlite3"
    pca.fail_next_issuance()
    pca.fail_next_issuance()
    first = _run(fake, pca, items, journal=path, max_in_flight=1)
    assert [entry.status for entry in first][:2] == ["failed", "failed"]
    assert first.summary.failed == {"RequestFailedException": 2}
    assert first.summary.issued == 4
    assert isinstance(first[0].error, RequestFailedError)
    assert first[0].arn is not None
    assert first[0].error.certificate_arn == first[0].arn
    count = issued_count(pca)
    second = _run(fake, pca, items, journal=path)
    assert issued_count(pca) == count
    assert [entry.status for entry in second] == ["failed"] * 2 + ["skipped"] * 4
    assert isinstance(second[0].error, RequestFailedError)
    assert "recorded by an earlier run" in str(second[0].error)
    assert second[0].arn == first[0].arn


def test_a_ca_disabled_mid_run_leaves_the_rest_pending_for_a_resume(
    tmp_path: Path, fake: FakeTime, pca: LocalPrivateCA, root: CertificateAuthorityArn, items: Items
) -> None:
    """Items after the CA is disabled fail with nothing issued; enabled again, a resume ends it."""
    path = tmp_path / "j.sqlite3"
    client = pca.client()
    issued = 0

    def disable_after_two(http_response: Any, **_: Any) -> None:
        nonlocal issued
        if http_response.status_code == 200:
            issued += 1
            if issued == 2:
                pca.client().update_certificate_authority(
                    CertificateAuthorityArn=str(root), Status="DISABLED"
                )

    client.meta.events.register("after-call.acm-pca.IssueCertificate", disable_after_two)
    issuer = fake.issuer(client)
    first = issue_many(
        issuer,
        items,
        journal=Journal(path, now=fake.now),
        rate=fake.limits(),
        max_in_flight=1,
        progress=False,
    )
    assert [entry.status for entry in first] == ["issued"] * 2 + ["failed"] * 4
    codes = set(first.summary.failed)
    assert codes <= {"InvalidStateException", "InvalidRequestError"}
    assert "DISABLED" in str(first[5].error)
    count = issued_count(pca)
    client.update_certificate_authority(CertificateAuthorityArn=str(root), Status="ACTIVE")
    issuer.forget()
    second = issue_many(
        issuer, items, journal=Journal(path, now=fake.now), rate=fake.limits(), progress=False
    )
    assert [entry.status for entry in second] == ["skipped"] * 2 + ["issued"] * 4
    assert issued_count(pca) == count + 4


def test_throttling_slows_the_run_and_everything_is_issued_once(
    fake: FakeTime, items: Items, csrs: list[x509.CertificateSigningRequest]
) -> None:
    """Asked for 50/s from a CA that allows 5/s: the bucket halves until the answers stop."""
    pca = LocalPrivateCA(clock=fake.now, rate_limits={"IssueCertificate": 5.0})
    root = pca.create_root_ca()
    many = [(f"d{n}", request_for(root, csr)) for n, csr in enumerate(csrs)]
    limits = fake.limits(issue=50.0)
    result = _run(fake, pca, many, rate=limits, max_in_flight=1)
    assert result.ok
    assert issued_count(pca) == len(many) + 1
    assert result.summary.throttled == limits.throttled > 0
    bucket = limits.bucket("IssueCertificate", ("aws", "123456789012", "us-east-1"))
    assert bucket.rate < 50.0


class _PlainClient:
    """A client that is not botocore's (no events): the run paces each item instead."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        if name == "meta":
            raise AttributeError(name)
        return getattr(self._client, name)


def test_a_client_without_events_is_paced_per_item(
    fake: FakeTime, items: Items, csrs: list[x509.CertificateSigningRequest]
) -> None:
    """Pacing and throttling work with any client, one bucket slot per call of the item."""
    pca = LocalPrivateCA(clock=fake.now, rate_limits={"IssueCertificate": 5.0})
    root = pca.create_root_ca()
    many = [(f"d{n}", request_for(root, csr)) for n, csr in enumerate(csrs[:8])]
    issuer = fake.issuer(_PlainClient(pca.client()), max_attempts=1)
    limits = fake.limits(issue=50.0)
    result = issue_many(issuer, many, rate=limits, progress=False, max_in_flight=1)
    assert limits.throttled > 0
    assert result.summary.failed == {"ThrottlingException": limits.throttled}
    assert result.summary.issued == 8 - limits.throttled


def test_limit_exceeded_stops_new_work_and_says_why(
    fake: FakeTime, items: Items, botocore_client: Any
) -> None:
    """LimitExceeded: the items after it are not started; the summary names the reason."""
    from botocore.stub import Stubber

    issuer = fake.issuer(botocore_client, preflight=False)
    with Stubber(botocore_client) as stub:
        stub.add_client_error(
            "issue_certificate", "LimitExceededException", "too many certificates for this CA"
        )
        result = issue_many(issuer, items, rate=fake.limits(), progress=False, max_in_flight=1)
    assert [entry.status for entry in result] == ["failed"] + ["not_started"] * 5
    assert result.summary.stopped is not None
    assert "LimitExceededException" in result.summary.stopped
    assert "not started: the run stopped" in str(result[1].error)
    assert "stopped: LimitExceededException" in str(result)
    page = result._repr_html_()
    assert ">Stopped</th>" in page
    assert "more</td>" not in page


@pytest.fixture
def botocore_client() -> Iterator[Any]:
    """A botocore acm-pca client that talks to nothing (for Stubber)."""
    from botocore.config import Config
    from botocore.session import Session

    client = Session().create_client(
        "acm-pca", region_name="us-east-1", config=Config(retries={"total_max_attempts": 1})
    )
    yield client
    client.close()


def test_the_event_handlers_leave_with_the_run(
    fake: FakeTime, pca: LocalPrivateCA, items: Items
) -> None:
    """After the run the client paces nothing: its own calls are its own again."""
    client = pca.client()
    limits = fake.limits(issue=1.0, get=1.0)
    issue_many(fake.issuer(client), items[:2], rate=limits, progress=False)
    before = fake.elapsed
    for _ in range(3):
        fake.issuer(client).issue(items[2][1], wait=False)
    assert fake.elapsed == before


class _Printer:
    """Enough of IPython's pretty printer for ``_repr_pretty_``."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    def text(self, text: str) -> None:
        self.lines.append(text)

    def break_(self) -> None:
        self.lines.append("\n")


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_issued_and_failed(
    fake: FakeTime, pca: LocalPrivateCA, items: Items, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A terminal sees a tqdm bar with the counts."""
    screen = _Tty()
    monkeypatch.setattr("sys.stderr", screen)
    _run(fake, pca, [*items[:3], "bad"], progress=True)
    text = screen.getvalue()
    assert "4/4" in text
    assert "issued=3" in text
    assert "failed=1" in text


def test_the_result_reads_well_and_escapes_user_text(
    fake: FakeTime, pca: LocalPrivateCA, root: CertificateAuthorityArn
) -> None:
    """Terminal and notebook views: counts, failures by code, ids escaped, no key material."""
    bundle = build_csr("ok.fleet.internal")
    good = ("<b>ok</b>", request_for(root, bundle.csr))
    many_bad: list[Any] = [(f"<script>{n}</script>", None) for n in range(25)]
    result = _run(fake, pca, [good, *many_bad])
    text = str(result)
    assert "26 items: 1 issued, 0 already issued, 25 failed" in text
    assert "failed InvalidRequestError: 25" in text
    assert repr(result).startswith("<BulkResult 26 items: issued=1 ")
    page = result._repr_html_()
    assert "<script>" not in page
    assert "&lt;script&gt;0&lt;/script&gt;" in page
    assert "and 5 more" in page
    assert "<b>ok</b>" not in page
    assert "acmpca-bulk-result" in page
    lines: list[str] = []
    printer = _Printer(lines)
    result._repr_pretty_(printer, cycle=False)
    shown = "".join(lines)
    assert shown.startswith("Bulk issuance")
    assert "<script>24</script>  failed" not in shown  # only the first 20 are listed
    assert "<script>19</script>  failed  items: item 19" not in shown
    assert "and 5 more" in shown
    for view in (text, repr(result), page, shown, repr(result[0]), repr(result[1])):
        assert "PRIVATE KEY" not in view
    assert repr(result[0]).startswith("<BulkEntry id='<b>ok</b>' status='issued' arn=")
    assert "error=InvalidRequestError" in repr(result[1])
    assert result[1].error_code == "InvalidRequestError"
    assert result[0].error_code == ""


def test_a_refused_request_is_terminal_and_not_sent_again(
    tmp_path: Path, fake: FakeTime, pca: LocalPrivateCA, root: CertificateAuthorityArn
) -> None:
    """InvalidArgs (an RSA signing algorithm for an EC CA): failed for good, never resent."""
    bad = IssueCertificateRequest(
        certificate_authority_arn=root,
        csr=build_csr("rsa.fleet.internal").csr,
        signing_algorithm="SHA256WITHRSA",
        validity=request_for(root, build_csr("x.y").csr).validity,
    )
    path = tmp_path / "j.sqlite3"
    issuer = fake.issuer(pca.client(), preflight=False)
    first = issue_many(issuer, [("bad", bad)], journal=path, rate=fake.limits(), progress=False)
    assert first.summary.failed == {"InvalidArgsException": 1}
    second = issue_many(issuer, [("bad", bad)], journal=path, rate=fake.limits(), progress=False)
    assert second[0].error_code == "InvalidArgsException"
    assert second[0].arn is None
    assert "recorded by an earlier run" in str(second[0].error)


def test_the_journals_token_wins_over_a_new_one(
    tmp_path: Path, fake: FakeTime, pca: LocalPrivateCA, items: Items
) -> None:
    """The same request with another token resumes with the token it was first sent with."""
    import attrs

    path = tmp_path / "j.sqlite3"
    item_id, request = items[0]
    first = attrs.evolve(request, idempotency_token="first-token")
    _sent_without_answer_with(path, fake, item_id, first, token="first-token")
    issuer = fake.issuer(pca.client())
    arn = issuer.issue(first, wait=False)  # what the lost call had issued
    second = attrs.evolve(request, idempotency_token="second-token")
    result = _run(fake, pca, [(item_id, second)], journal=Journal(path, now=fake.now))
    assert result[0].arn == arn


def _sent_without_answer_with(
    path: Path, fake: FakeTime, item_id: str, request: IssueCertificateRequest, *, token: str
) -> None:
    from acmpca_issue._token import derive_idempotency_token

    journal = Journal(path, now=fake.now)
    journal.open(str(request.certificate_authority_arn))
    journal.add(item_id, derive_idempotency_token(request.to_api()), token)
    journal.mark_sent(item_id, keep_time=True)
    journal.close()


def test_a_wait_that_runs_out_is_fetched_by_the_next_run(
    tmp_path: Path, fake: FakeTime, root: CertificateAuthorityArn, items: Items
) -> None:
    """IssuanceTimeout keeps the ARN in the journal; the resume only fetches."""
    slow = LocalPrivateCA(clock=fake.now, issue_delay=120.0)
    ca = slow.create_root_ca()
    item = [("slow", request_for(ca, items[0][1].csr))]
    path = tmp_path / "j.sqlite3"
    issuer = fake.issuer(slow.client(), wait_timeout=10.0)
    first = issue_many(issuer, item, journal=path, rate=fake.limits(), progress=False)
    assert first[0].error_code == "IssuanceTimeoutError"
    assert first[0].arn is not None
    count = issued_count(slow)
    fake.advance(200)
    second = issue_many(issuer, item, journal=path, rate=fake.limits(), progress=False)
    assert second[0].status == "issued"
    assert second[0].arn == first[0].arn
    assert issued_count(slow) == count


def _not_found_first(times: int) -> Any:
    from botocore.awsrequest import AWSResponse, HTTPHeaders

    left = [times]

    def answer(**_: Any) -> Any:
        if left[0] == 0:
            return None
        left[0] -= 1
        parsed = {
            "Error": {"Code": "ResourceNotFoundException", "Message": "not there yet"},
            "ResponseMetadata": {"HTTPStatusCode": 400},
        }
        return AWSResponse("https://acm-pca", 400, HTTPHeaders(), None), parsed

    return answer


@pytest.mark.parametrize(("not_found", "status"), [(2, "issued"), (50, "failed")])
def test_not_found_right_after_issuing_is_waited_out_briefly(
    fake: FakeTime, pca: LocalPrivateCA, items: Items, not_found: int, status: str
) -> None:
    """The service may not know a fresh ARN for a moment; after 5 s it is a real failure."""
    client = pca.client()
    client.meta.events.register("before-call.acm-pca.GetCertificate", _not_found_first(not_found))
    result = _run(fake, pca, items[:1], client=client)
    assert result[0].status == status
    if status == "failed":
        assert result[0].error_code == "ResourceNotFoundException"
        assert result[0].arn is not None
