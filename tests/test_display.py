"""Notebook displays: the HTML (`_repr_html_`) and plain text (`_repr_pretty_`) of the objects a
user looks at. The HTML is parsed with the standard library's parser; every clock is fixed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.x509.oid import NameOID

from acmpca_issue import (
    ApiPassthrough,
    CsrBundle,
    IssueCertificateRequest,
    IssuedCertificate,
    Issuer,
    Subject,
    TemplateArn,
    Validity,
    build_csr,
)
from acmpca_issue import _clock as clock
from acmpca_issue._display import (
    _elapsed,
    not_after_text,
    span,
    validity_status,
)
from acmpca_issue._preflight import CaInfo
from acmpca_issue.exceptions import InvalidRequestError
from acmpca_issue.local import LocalPrivateCA

# Every clock in this module (the local CA's, the Issuer's, the displays') is this time.
T0 = datetime(2031, 3, 1, 12, 0, tzinfo=timezone.utc)
VOID = {"br", "hr", "img", "meta", "input"}


class Parsed(HTMLParser):
    """The tags, classes, text and table rows of an HTML fragment; fails on unbalanced tags."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.classes: list[str] = []
        self.styles: dict[str, list[str]] = {}
        self.text: list[str] = []
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self.feed(text)
        self.close()
        assert self.stack == [], f"unclosed tags {self.stack}"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = dict(attrs)
        for name in (found.get("class") or "").split():
            self.classes.append(name)
            self.styles.setdefault(name, []).append(found.get("style") or "")
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self._cell = []
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack, f"</{tag}> closes nothing"
        assert self.stack.pop() == tag, f"</{tag}> closes another tag"
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def row(self, label: str) -> list[str]:
        """The cells of the first row whose first cell is ``label``."""
        return next(r for r in self.rows if r and r[0] == label)

    @property
    def all_text(self) -> str:
        return "".join(self.text)


class Printer:
    """The part of IPython's pretty printer that ``_repr_pretty_`` uses."""

    def __init__(self) -> None:
        self.out: list[str] = []

    def text(self, text: str) -> None:
        self.out.append(text)

    def break_(self) -> None:
        self.out.append("\n")


def pretty_text(value: Any) -> str:
    printer = Printer()
    value._repr_pretty_(printer, False)
    return "".join(printer.out)


@pytest.fixture
def at() -> Iterator[list[datetime]]:
    """The time the displays read; tests move it by assigning ``at[0]``."""
    now = [T0]
    with clock.using(lambda: now[0]):
        yield now


@pytest.fixture
def pca() -> LocalPrivateCA:
    return LocalPrivateCA(clock=lambda: T0)


@pytest.fixture
def issued(pca: LocalPrivateCA) -> IssuedCertificate:
    """A SAN-only leaf, 30 days from T0, under an intermediate and a root."""
    root = pca.create_root_ca(common_name="Root <One>")
    issuing = pca.create_subordinate_ca(root, common_name="Issuing")
    issuer = Issuer(pca.client(), now=lambda: T0)
    return issuer.issue_certificate(
        certificate_authority_arn=issuing,
        csr=build_csr("svc.internal", "10.0.0.7").csr,
        validity=Validity.days(30),
    )


def key_lines(bundle: CsrBundle) -> list[str]:
    """The base64 lines of the bundle's private key, which no display may contain."""
    return [line for line in bundle.private_key_pem().decode().splitlines() if "-----" not in line]


class TestIssuedCertificate:
    def test_chain_is_drawn_leaf_to_root(self, issued: IssuedCertificate, at: Any) -> None:
        """The chain lists the leaf, the intermediate and the root, each issued by the next."""
        page = Parsed(issued._repr_html_())
        links = [r for r in page.rows if r and r[0] in ("Leaf", "Intermediate", "Root")]
        assert [r[0] for r in links] == ["Leaf", "Intermediate", "Root"]
        assert links[1][1] == "CN=Issuing"
        assert links[2][1] == "CN=Root \\<One\\>"
        assert page.classes.count("acmpca-issued-by") == 2
        assert page.classes.count("acmpca-bar") == 3

    def test_empty_subject_shows_the_sans(self, issued: IssuedCertificate, at: Any) -> None:
        """A SAN-only certificate's Subject cell says so, and the chain names it by its SANs."""
        page = Parsed(issued._repr_html_())
        assert page.row("Subject") == ["Subject", "(empty subject)"]
        assert page.row("SANs") == ["SANs", "DNS:svc.internal, IP:10.0.0.7"]
        assert page.row("Leaf")[1] == "(empty subject); SANs DNS:svc.internal, IP:10.0.0.7"
        assert "subject='' sans='DNS:svc.internal, IP:10.0.0.7'" in repr(issued)

    def test_bar_against_now(self, issued: IssuedCertificate, at: list[datetime]) -> None:
        """Twenty days in, the leaf's bar is two-thirds filled, marked now and says 10 days."""
        at[0] = T0 + timedelta(days=20)
        page = Parsed(issued._repr_html_())
        assert page.row("Leaf")[3].startswith("valid, 10 days left")
        # NotBefore is T0 - 60 minutes (the backdate), NotAfter T0 + 30 days.
        share = (20 * 24 + 1) / (30 * 24 + 1) * 100
        assert f"width:{share:.1f}%" in page.styles["acmpca-elapsed"][0]
        assert len(page.styles["acmpca-now"]) == 3
        assert f"left:{share:.1f}%" in page.styles["acmpca-now"][0]

    def test_expired_and_not_yet_valid(self, issued: IssuedCertificate, at: list[datetime]) -> None:
        """Past NotAfter the bar is full and says how long ago; before NotBefore, when it starts."""
        at[0] = T0 + timedelta(days=31)
        page = Parsed(issued._repr_html_())
        assert page.row("Leaf")[3].startswith("expired 1 day ago")
        assert "width:100.0%" in page.styles["acmpca-elapsed"][0]
        assert len(page.styles["acmpca-now"]) == 2  # no marker on the expired bar
        at[0] = T0 - timedelta(hours=3)
        page = Parsed(issued._repr_html_())
        assert page.row("Leaf")[3].startswith("not yet valid (starts in 2 hours)")
        assert "width:0.0%" in page.styles["acmpca-elapsed"][0]

    def test_text(self, issued: IssuedCertificate, at: list[datetime]) -> None:
        """The plain text has the fields, then the chain with a bar per certificate."""
        at[0] = T0 + timedelta(days=15)
        text = pretty_text(issued)
        lines = text.splitlines()
        assert lines[0] == "Issued certificate"
        assert "  Subject     (empty subject)" in lines
        assert lines.count("                  \u2193 issued by") == 2
        leaf_bar = next(line for line in lines if "[" in line)
        assert "[##########----------]" in leaf_bar
        assert leaf_bar.endswith("valid, 15 days left")

    def test_no_key_material(self, pca: LocalPrivateCA, at: Any) -> None:
        """Issued with a bundle in hand, neither display holds the key."""
        root = pca.create_root_ca()
        bundle = build_csr("svc.internal")
        issued = Issuer(pca.client(), now=lambda: T0).issue_certificate(
            certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(3)
        )
        for shown in (issued._repr_html_(), pretty_text(issued), repr(issued)):
            assert "PRIVATE" not in shown
            assert not any(line in shown for line in key_lines(bundle))


class TestEscaping:
    SCRIPT = "<script>alert(1)</script>"

    def test_subject_with_script(self, pca: LocalPrivateCA, at: Any) -> None:
        """A subject with a script tag comes out as text in every HTML display."""
        root = pca.create_root_ca(common_name=self.SCRIPT)
        bundle = build_csr("a.example", common_name=self.SCRIPT)
        issuer = Issuer(pca.client(), now=lambda: T0)
        issued = issuer.issue_certificate(
            certificate_authority_arn=root, csr=bundle.csr, validity=Validity.days(3)
        )
        request = IssueCertificateRequest(
            certificate_authority_arn=root,
            csr=bundle.csr,
            signing_algorithm="SHA256WITHECDSA",
            validity=Validity.days(3),
        )
        for shown in (issued, bundle, request, pca):
            raw = shown._repr_html_()
            page = Parsed(raw)
            assert "script" not in page.tags
            # RFC 4514 writes "<" as "\<"; the HTML then escapes the "<" itself.
            assert "CN=\\<script\\>alert(1)" in page.all_text
            assert "&lt;script" in raw

    def test_problem_with_markup(self) -> None:
        """A problem message with markup is shown as text in its table."""
        error = InvalidRequestError([("a<b>", "must not be <i>this</i>")])
        page = Parsed(error._repr_html_())
        assert page.rows == [["Field", "Problem"], ["a<b>", "must not be <i>this</i>"]]
        assert "i" not in page.tags


class TestCsrBundle:
    def test_html_and_text(self) -> None:
        """Subject, SANs and key type are shown; the key is said to be hidden and is."""
        bundle = build_csr("svc.internal", "10.0.0.7", key_algorithm="EC_secp384r1")
        page = Parsed(bundle._repr_html_())
        assert page.rows[:3] == [
            ["Subject", "(empty subject)"],
            ["SANs", "DNS:svc.internal, IP:10.0.0.7"],
            ["Key type", "EC_secp384r1"],
        ]
        text = pretty_text(bundle)
        assert text.splitlines()[:4] == [
            "CSR and private key",
            "  Subject      (empty subject)",
            "  SANs         DNS:svc.internal, IP:10.0.0.7",
            "  Key type     EC_secp384r1",
        ]
        for shown in (bundle._repr_html_(), text):
            assert "PRIVATE KEY" not in shown
            assert not any(line in shown for line in key_lines(bundle))

    def test_key_private_ca_does_not_sign(self) -> None:
        """A bundle made by hand with an Ed25519 key says its key type is not one AWS signs."""
        key = ed25519.Ed25519PrivateKey.generate()
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ed")])
        csr = x509.CertificateSigningRequestBuilder().subject_name(name).sign(key, None)
        page = Parsed(CsrBundle(csr=csr, private_key=key)._repr_html_())
        assert page.row("Key type") == ["Key type", "(a key type Private CA does not sign)"]
        assert page.row("SANs") == ["SANs", "(none)"]


class TestRequestAndValidity:
    ARN = (
        "arn:aws:acm-pca:us-east-1:111122223333:"
        "certificate-authority/11223344-1234-1122-2233-112233445566"
    )

    def request(self, **changes: Any) -> IssueCertificateRequest:
        fields: dict[str, Any] = {
            "certificate_authority_arn": self.ARN,
            "csr": build_csr("svc.internal", "10.0.0.7").csr,
            "signing_algorithm": "SHA256WITHECDSA",
            "validity": Validity.days(90),
        }
        return IssueCertificateRequest(**{**fields, **changes})

    def test_san_only_csr_in_repr(self) -> None:
        """The one-line repr names the CSR's SANs and key, not only its empty subject."""
        shown = repr(self.request())
        assert "csr=<CSR subject='' sans='DNS:svc.internal, IP:10.0.0.7' key=EC_prime256v1>" in (
            shown
        )

    def test_what_will_be_asked(self, at: Any) -> None:
        """Every field that will be sent is a row, with the NotAfter it gives if issued now."""
        page = Parsed(self.request()._repr_html_())
        assert page.rows == [
            ["CA", self.ARN],
            ["CSR subject", "(empty subject)"],
            ["CSR SANs", "DNS:svc.internal, IP:10.0.0.7"],
            ["CSR key type", "EC_prime256v1"],
            ["Signing algorithm", "SHA256WITHECDSA"],
            ["Validity", "Value=90,Type=DAYS"],
            ["NotBefore", "issuance - 60 minutes (the service's default)"],
            ["NotAfter", "issuance + 90 days (2031-05-30 12:00 UTC if issued now)"],
            ["Template", "EndEntityCertificate/V1 (the default)"],
        ]
        text = pretty_text(self.request())
        assert text.splitlines()[0] == "IssueCertificate request"
        assert "  NotAfter           issuance + 90 days (2031-05-30 12:00 UTC if issued now)" in (
            text.splitlines()
        )

    def test_optional_fields(self, at: Any) -> None:
        """Explicit NotBefore, a template, ApiPassthrough and a token each get their row."""
        request = self.request(
            validity=Validity.end_date(T0 + timedelta(days=10)),
            validity_not_before=Validity.absolute(T0 + timedelta(days=1)),
            template_arn=TemplateArn.of("EndEntityCertificate_APIPassthrough"),
            api_passthrough=ApiPassthrough(subject=Subject(organization="Example")),
            idempotency_token="order-42",
        )
        page = Parsed(request._repr_html_())
        assert page.row("NotBefore") == ["NotBefore", "2031-03-02 12:00 UTC"]
        assert page.row("NotAfter") == ["NotAfter", "2031-03-11 12:00 UTC"]
        assert page.row("Template")[1].endswith("template/EndEntityCertificate_APIPassthrough/V1")
        assert page.row("ApiPassthrough") == [
            "ApiPassthrough",
            '{"Subject": {"Organization": "Example"}}',
        ]
        assert page.row("Idempotency token") == ["Idempotency token", "order-42"]

    @pytest.mark.parametrize(
        ("validity", "shown"),
        [
            (Validity.days(1), "issuance + 1 day (2031-03-02 12:00 UTC if issued now)"),
            (Validity.months(2), "issuance + 2 months (2031-05-01 12:00 UTC if issued now)"),
            (Validity.years(1), "issuance + 1 year (2032-03-01 12:00 UTC if issued now)"),
            (Validity(value=99990101000000, type="END_DATE"), "9999-01-01 00:00 UTC"),
            (Validity.years(8000), "issuance + 8000 years (after the year 9999 if issued now)"),
        ],
    )
    def test_validity(self, validity: Validity, shown: str, at: Any) -> None:
        """A Validity shows what is asked, in the CLI shorthand, and the NotAfter it gives."""
        page = Parsed(validity._repr_html_())
        asked = f"Value={validity.value},Type={validity.type.value}"
        assert page.rows == [["Asked", asked], ["NotAfter", shown]]
        assert pretty_text(validity).splitlines() == [
            "Validity",
            f"  Asked     {asked}",
            f"  NotAfter  {shown}",
        ]


class TestCaInfo:
    def info(self, not_after: datetime | None) -> CaInfo:
        return CaInfo(
            arn="arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11111111",
            status="ACTIVE",
            key_algorithm="EC_prime256v1",
            signing_algorithm="SHA256WITHECDSA",
            not_after=not_after,
        )

    def test_repr_shows_iso_time(self) -> None:
        """The repr shows NotAfter as ISO 8601, not datetime.datetime(...)."""
        shown = repr(self.info(T0))
        assert "not_after=2031-03-01T12:00:00+00:00" in shown
        assert "datetime.datetime" not in shown
        assert "not_after=None" in repr(self.info(None))

    def test_html_and_text(self, at: Any) -> None:
        """Each field is a row; NotAfter says how long the CA has left, or that it expired."""
        page = Parsed(self.info(T0 + timedelta(days=400))._repr_html_())
        assert [row[0] for row in page.rows] == [
            "ARN",
            "Status",
            "Key algorithm",
            "Signing algorithm",
            "Usage mode",
            "NotAfter",
        ]
        assert page.row("NotAfter") == ["NotAfter", "2032-04-04 12:00 UTC (400 days left)"]
        text = pretty_text(self.info(T0 - timedelta(hours=5)))
        assert (
            text.splitlines()[-1]
            == "  NotAfter           2031-03-01 07:00 UTC (expired 5 hours ago)"
        )
        assert pretty_text(self.info(None)).splitlines()[-1].endswith("NotAfter           unknown")


class TestLocalPrivateCA:
    def test_lists_cas_and_counts(self, pca: LocalPrivateCA, issued: IssuedCertificate) -> None:
        """Each CA is a row with its type, subject, key, status and certificates issued."""
        page = Parsed(pca._repr_html_())
        assert page.all_text.startswith("Local Private CA (in memory): 2 CAs")
        header, root, issuing = page.rows
        assert header == ["Type", "Subject", "Key", "Status", "Issued", "ARN"]
        # The root signed itself and the intermediate; the intermediate signed the leaf.
        assert root[:5] == ["Root", "CN=Root \\<One\\>", "EC_prime256v1", "ACTIVE", "2"]
        assert issuing[:5] == ["Subordinate", "CN=Issuing", "EC_prime256v1", "ACTIVE", "1"]
        assert issuing[5] == str(issued.arn.certificate_authority_arn)
        text = pretty_text(pca).splitlines()
        assert text[1].split() == header
        assert text[3].split()[:5] == ["Subordinate", "CN=Issuing", "EC_prime256v1", "ACTIVE", "1"]

    def test_failed_issuance_not_counted(self, tmp_path: Path) -> None:
        """A failed issuance is not counted; a state directory is named in the title."""
        pca = LocalPrivateCA(state_dir=tmp_path)
        root = pca.create_root_ca(key_algorithm="RSA_2048")
        pca.fail_next_issuance()
        Issuer(pca.client()).issue_certificate(
            certificate_authority_arn=root,
            csr=build_csr("a.example").csr,
            validity=Validity.days(1),
            wait=False,
        )
        page = Parsed(pca._repr_html_())
        assert page.all_text.startswith(f"Local Private CA (state in {tmp_path}): 1 CA")
        assert page.rows[1][2:5] == ["RSA_2048", "ACTIVE", "1"]


class TestInvalidRequestError:
    def test_problems_as_a_table(self) -> None:
        """Each problem is a row of field and message; the text is aligned, not escaped."""
        with pytest.raises(InvalidRequestError) as caught:
            IssueCertificateRequest.from_api({"Validity": {"Value": 0, "Type": "DAYS"}})
        error = caught.value
        page = Parsed(error._repr_html_())
        assert page.all_text.startswith("InvalidRequestError: 4 problems")
        assert page.rows[0] == ["Field", "Problem"]
        assert page.rows[-1] == ["validity.value", "must be a whole number >= 1, got 0"]
        lines = pretty_text(error).splitlines()
        assert lines[0] == "InvalidRequestError: 4 problems"
        assert lines[-1] == "  validity.value             must be a whole number >= 1, got 0"
        assert "\\n" not in pretty_text(error)

    def test_one_problem_without_a_path(self) -> None:
        """A problem about the value as a whole says so in the Field column."""
        page = Parsed(InvalidRequestError("bad")._repr_html_())
        assert page.all_text.startswith("InvalidRequestError: 1 problem")
        assert page.rows[1] == ["(the value)", "bad"]


@pytest.mark.parametrize(
    ("delta", "shown"),
    [
        (timedelta(seconds=1), "1 second"),
        (timedelta(seconds=59), "59 seconds"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(hours=23, minutes=59), "23 hours"),
        (timedelta(days=1), "1 day"),
        (timedelta(days=729), "729 days"),
        (timedelta(days=730), "2 years"),
        (-timedelta(days=3), "3 days"),
    ],
)
def test_span(delta: timedelta, shown: str) -> None:
    """Durations read in their largest whole unit; a year only from two years up."""
    assert span(delta) == shown


def test_zero_length_validity() -> None:
    """A validity that ends where it starts counts as fully elapsed, and expired at its end."""
    assert validity_status(T0, T0, T0) == "expired 0 seconds ago"
    assert _elapsed(T0, T0, T0 - timedelta(days=1)) == 1.0


def test_not_after_text_exact_types() -> None:
    """An ABSOLUTE validity's NotAfter does not depend on the issuance time."""
    assert not_after_text(Validity.absolute(T0), T0 - timedelta(days=9)) == "2031-03-01 12:00 UTC"
