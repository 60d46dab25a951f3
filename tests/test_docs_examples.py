"""Every Python example in README.md and docs/**/*.md runs as written.

How a page is run (the whole convention; nothing is hidden in the pages):

- Its ```` ```python ```` blocks run in order in one namespace, as a reader pastes them, in a
  fresh temporary working directory. A block may ``await`` at top level (as in a notebook).
- The AWS environment is a newcomer's with a local Private CA served on 127.0.0.1 and the
  lines ``acmpca-issue local-ca serve`` prints exported (``AWS_ENDPOINT_URL_ACM_PCA``,
  ``AWS_DEFAULT_REGION=us-east-1``, placeholder keys); nothing else from the developer's
  ``AWS_*`` variables or ``~/.aws`` is seen. So ``Issuer.from_session(...)``, boto3 and
  botocore clients in an example reach the local CA unchanged.
- A CA ARN written as a placeholder, ``arn:aws:acm-pca:REGION:ACCOUNT:certificate-authority/...``
  (with the literal ``...``), stands for an ACTIVE root CA of that local Private CA, in REGION.

A new page is picked up by itself; pages under a folder whose name starts with ``_`` (a docs
build's ``_build``, ``_static``, ...) are not documentation sources.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from acmpca_issue.local import LocalPrivateCA
from acmpca_issue.local._http import LocalServer

ROOT = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)
PLACEHOLDER = re.compile(
    r"arn:aws:acm-pca:(?P<region>[a-z0-9-]+):\d{12}:certificate-authority/\.\.\."
)


def pages() -> list[Path]:
    """README.md and every Markdown page under docs/, build output excluded."""
    docs = ROOT / "docs"
    found = [
        path
        for path in docs.rglob("*.md")
        if not any(part.startswith(("_", ".")) for part in path.relative_to(docs).parts)
    ]
    return [ROOT / "README.md", *sorted(found)]


def blocks(page: Path) -> list[str]:
    """The page's Python examples, in order."""
    return BLOCK.findall(page.read_text(encoding="utf-8"))


def _name(page: Path) -> str:
    return str(page.relative_to(ROOT)) if page.is_relative_to(ROOT) else page.name


PAGES_WITH_EXAMPLES = [page for page in pages() if blocks(page)]


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[LocalPrivateCA, LocalServer]]:
    pca = LocalPrivateCA()
    with pca.serve() as server:
        yield pca, server


@pytest.fixture
def newcomer(
    served: tuple[LocalPrivateCA, LocalServer],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> LocalPrivateCA:
    """The environment a page runs in (see the module docstring); returns the local CA."""
    pca, server = served
    for name in [name for name in os.environ if name.startswith("AWS_")]:
        monkeypatch.delenv(name)
    home = tmp_path / ".aws"
    home.mkdir()
    (home / "config").touch()
    (home / "credentials").touch()
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name, value in server.environment.items():
        monkeypatch.setenv(name, value)
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return pca


def run_page(page: Path, pca: LocalPrivateCA) -> dict[str, Any]:
    """Run the page's examples in order in one namespace; return the namespace."""
    roots: dict[str, str] = {}

    def local_ca(match: re.Match[str]) -> str:
        region = match["region"]
        if region not in roots:
            roots[region] = str(pca.create_root_ca(region_name=region))
        return roots[region]

    namespace: dict[str, Any] = {"__name__": "__docs__"}
    for index, source in enumerate(blocks(page), start=1):
        code = compile(
            PLACEHOLDER.sub(local_ca, source),
            f"{_name(page)} (example {index})",
            "exec",
            flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT,
        )
        result = eval(code, namespace)  # noqa: S307 - the project's own documentation
        if inspect.iscoroutine(result):
            asyncio.run(result)
    return namespace


@pytest.mark.parametrize("page", PAGES_WITH_EXAMPLES, ids=_name)
def test_examples_run_as_written(page: Path, newcomer: LocalPrivateCA) -> None:
    """The page's examples run, in order, against the local Private CA."""
    run_page(page, newcomer)


def test_every_page_is_found() -> None:
    """The README and the docs pages with examples are all collected (no page slips out)."""
    names = {_name(page) for page in PAGES_WITH_EXAMPLES}
    assert {"README.md", "docs/issuing.md", "docs/local.md", "docs/model.md"} <= names
    assert not any("/_" in name for name in names)


def test_placeholder_becomes_a_local_ca(newcomer: LocalPrivateCA, tmp_path: Path) -> None:
    """A placeholder ARN is a live CA in its region; from_session reaches it with no set-up."""
    page = tmp_path / "page.md"
    page.write_text(
        "```python\n"
        "from acmpca_issue import Issuer\n"
        'ca = "arn:aws:acm-pca:eu-west-2:111122223333:certificate-authority/..."\n'
        'status = Issuer.from_session(region_name="eu-west-2").describe(ca).status\n'
        "```\n",
        encoding="utf-8",
    )
    namespace = run_page(page, newcomer)
    assert namespace["status"] == "ACTIVE"
    assert namespace["ca"].startswith("arn:aws:acm-pca:eu-west-2:123456789012:")


def test_readme_in_code_writes_the_four_files(newcomer: LocalPrivateCA) -> None:
    """The README's 'In code' example issues from the CA and writes the files, key 0600."""
    namespace = run_page(ROOT / "README.md", newcomer)
    assert namespace["issued"].arn.region == "us-east-1"
    tls = Path("tls")
    assert sorted(p.name for p in tls.iterdir()) == [
        "cert.pem",
        "chain.pem",
        "fullchain.pem",
        "key.pem",
    ]
    assert (tls / "key.pem").stat().st_mode & 0o777 == 0o600


def test_issued_repr_is_what_issuing_md_says() -> None:
    """docs/issuing.md: repr is subject (SANs if empty), serial, NotAfter, ARN; summary more."""
    from acmpca_issue import Validity, build_csr

    pca = LocalPrivateCA()
    ca_arn = pca.create_root_ca()
    issuer = pca.issuer()
    named = issuer.issue_certificate(
        certificate_authority_arn=ca_arn,
        csr=build_csr("svc.internal", common_name="svc").csr,
        validity=Validity.days(1),
    )
    text = repr(named)
    assert text == (
        f"<IssuedCertificate subject='CN=svc' serial={named.serial:x} "
        f"not_after={named.not_after.isoformat(timespec='seconds')} arn={str(named.arn)!r}>"
    )
    unnamed = issuer.issue_certificate(
        certificate_authority_arn=ca_arn,
        csr=build_csr("svc.internal").csr,
        validity=Validity.days(1),
    )
    assert "sans='DNS:svc.internal'" in repr(unnamed)
    assert set(named.summary()) == {
        "Subject",
        "SANs",
        "Issuer",
        "Not before",
        "Not after",
        "Serial",
        "SHA-256",
        "ARN",
    }
    documented = (ROOT / "docs" / "issuing.md").read_text(encoding="utf-8")
    assert "`repr()` is one line: the subject (with the SANs when the subject is empty)" in (
        " ".join(documented.split())
    )
