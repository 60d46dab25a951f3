"""ListCertificateAuthorities pages, NextTokens and the ResourceOwner filter of the service.

botocore's own paginator (``client.get_paginator``) drives the pages through both transports,
so the tokens are checked the way SDK users consume them.
"""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from acmpca_issue.local import LocalPrivateCA
from acmpca_issue.local._engine import Engine
from acmpca_issue.local._pagination import PAGE_LIMIT, Paginator
from acmpca_issue.local._protocol import LocalServiceError
from tests.local._support import FakeClock, new_pca

Connect = Callable[..., contextlib.AbstractContextManager[Any]]
LIST = "ListCertificateAuthorities"


def _create(engine: Engine, name: str = "CA", *, region: str = "us-east-1") -> str:
    params = {
        "CertificateAuthorityConfiguration": {
            "KeyAlgorithm": "EC_prime256v1",
            "SigningAlgorithm": "SHA256WITHECDSA",
            "Subject": {"CommonName": name},
        },
        "CertificateAuthorityType": "ROOT",
    }
    return str(
        engine.call("CreateCertificateAuthority", params, region=region)["CertificateAuthorityArn"]
    )


def _many(count: int) -> tuple[LocalPrivateCA, FakeClock, list[str]]:
    """A CA holding ``count`` pending root CAs, created one second apart."""
    pca, clock = new_pca()
    arns = []
    for index in range(count):
        arns.append(_create(pca.engine, f"CA {index}"))
        clock.advance(seconds=1)
    return pca, clock, arns


def _arns(answer: dict[str, Any]) -> list[str]:
    return [ca["Arn"] for ca in answer["CertificateAuthorities"]]


def _invalid(engine: Engine, params: dict[str, Any], region: str = "us-east-1") -> str:
    with pytest.raises(LocalServiceError) as caught:
        engine.call(LIST, params, region=region)
    assert caught.value.code == "InvalidNextTokenException"
    return caught.value.message


class TestPages:
    def test_max_results_cuts_pages_with_next_tokens(self) -> None:
        """MaxResults=2 over 5 CAs: pages of 2, 2 and 1 in creation order; the last has no token."""
        pca, _, arns = _many(5)
        engine = pca.engine
        first = engine.handle(LIST, {"MaxResults": 2})
        second = engine.handle(LIST, {"MaxResults": 2, "NextToken": first["NextToken"]})
        third = engine.handle(LIST, {"MaxResults": 2, "NextToken": second["NextToken"]})
        assert [_arns(first), _arns(second), _arns(third)] == [arns[:2], arns[2:4], arns[4:]]
        assert "NextToken" not in third

    def test_no_next_token_when_everything_fits(self) -> None:
        """Exactly MaxResults items, or fewer: one page and no NextToken."""
        pca, _, arns = _many(3)
        for params in ({}, {"MaxResults": 3}, {"MaxResults": 1000}):
            answer = pca.engine.handle(LIST, params)
            assert (_arns(answer), "NextToken" in answer) == (arns, False)

    def test_at_most_100_items_a_page(self) -> None:
        """The service returns at most 100 items however large MaxResults is (or without it)."""
        pca, _, arns = _many(PAGE_LIMIT + 3)
        for params in ({}, {"MaxResults": 1000}):
            first = pca.engine.handle(LIST, params)
            assert _arns(first) == arns[:PAGE_LIMIT]
            rest = pca.engine.handle(LIST, {**params, "NextToken": first["NextToken"]})
            assert (_arns(rest), "NextToken" in rest) == (arns[PAGE_LIMIT:], False)

    def test_a_ca_created_between_pages_is_neither_lost_nor_repeated(self) -> None:
        """Tokens mark the last key returned, not an offset."""
        pca, _, arns = _many(3)
        first = pca.engine.handle(LIST, {"MaxResults": 2})
        late = _create(pca.engine, "late")
        rest = pca.engine.handle(LIST, {"MaxResults": 2, "NextToken": first["NextToken"]})
        assert _arns(first) + _arns(rest) == [*arns, late]
        assert "NextToken" not in rest

    def test_token_survives_max_results_change(self) -> None:
        """MaxResults may change from one page to the next."""
        pca, _, arns = _many(4)
        first = pca.engine.handle(LIST, {"MaxResults": 1})
        rest = pca.engine.handle(LIST, {"MaxResults": 10, "NextToken": first["NextToken"]})
        assert _arns(rest) == arns[1:]

    def test_pages_stay_in_their_region(self) -> None:
        """A CA of another region is on no page of this region."""
        pca, _, arns = _many(3)
        _create(pca.engine, "elsewhere", region="eu-west-1")
        first = pca.engine.handle(LIST, {"MaxResults": 2})
        rest = pca.engine.handle(LIST, {"NextToken": first["NextToken"]})
        assert _arns(first) + _arns(rest) == arns

    @pytest.mark.parametrize("way", ["inprocess", "http"])
    def test_botocore_paginator_walks_every_page(self, connect: Connect, way: str) -> None:
        """botocore's paginator follows the NextTokens through both transports."""
        pca, _, arns = _many(7)
        with connect(pca, way) as client:
            paginator = client.get_paginator("list_certificate_authorities")
            pages = list(paginator.paginate(PaginationConfig={"PageSize": 3}))
            assert [len(page["CertificateAuthorities"]) for page in pages] == [3, 3, 1]
            assert [arn for page in pages for arn in _arns(page)] == arns
            limited = paginator.paginate(PaginationConfig={"PageSize": 2, "MaxItems": 5})
            assert _arns(limited.build_full_result()) == arns[:5]
            resumed = paginator.paginate(
                PaginationConfig={"PageSize": 2, "StartingToken": pages[0]["NextToken"]}
            )
            assert _arns(resumed.build_full_result()) == arns[3:]


class TestResourceOwner:
    def test_other_accounts_lists_no_ca_of_this_account(self) -> None:
        """OTHER_ACCOUNTS answers CAs shared by other accounts: none of the account's own."""
        pca, _, arns = _many(2)
        assert pca.engine.handle(LIST, {"ResourceOwner": "OTHER_ACCOUNTS"}) == {
            "CertificateAuthorities": []
        }
        assert _arns(pca.engine.handle(LIST, {"ResourceOwner": "SELF"})) == arns

    def test_owner_is_the_account_in_the_arn(self, tmp_path: Any) -> None:
        """CAs kept under another account_id are OTHER_ACCOUNTS to this one, never SELF."""
        before = LocalPrivateCA(state_dir=tmp_path, account_id="111111111111")
        theirs = _create(before.engine, "theirs")
        after = LocalPrivateCA(state_dir=tmp_path, account_id="222222222222")
        mine = _create(after.engine, "mine")
        other = after.engine.handle(LIST, {"ResourceOwner": "OTHER_ACCOUNTS"})
        assert _arns(other) == [theirs]
        assert other["CertificateAuthorities"][0]["OwnerAccount"] == "111111111111"
        assert _arns(after.engine.handle(LIST, {})) == [mine]

    def test_token_of_one_filter_is_refused_by_the_other(self) -> None:
        """A token is valid only for the ResourceOwner it was issued under."""
        pca, _, _ = _many(3)
        token = pca.engine.handle(LIST, {"MaxResults": 1})["NextToken"]
        _invalid(pca.engine, {"NextToken": token, "ResourceOwner": "OTHER_ACCOUNTS"})
        _invalid(pca.engine, {"NextToken": token}, region="eu-west-1")


class TestInvalidNextToken:
    def _token(self) -> tuple[Engine, str]:
        pca, _, _ = _many(3)
        return pca.engine, str(pca.engine.handle(LIST, {"MaxResults": 1})["NextToken"])

    @pytest.mark.parametrize(
        "bogus", ["bogus", "x", "a.b", "no-dot-here", "é.é", "====.====", "e30.AAAA"]
    )
    def test_made_up_token(self, bogus: str) -> None:
        """A token the CA did not issue is InvalidNextTokenException, with the service's text."""
        engine, _ = self._token()
        message = _invalid(engine, {"NextToken": bogus})
        assert message == (
            "The token specified in the NextToken argument is not valid. Use the token "
            "returned from your previous call to ListCertificateAuthorities."
        )

    def test_tampered_payload(self) -> None:
        """Changing the position inside a token breaks its tag."""
        engine, token = self._token()
        payload, _, tag = token.partition(".")
        document = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        document["after"] = ["0", ""]
        forged = base64.urlsafe_b64encode(json.dumps(document).encode()).decode().rstrip("=")
        _invalid(engine, {"NextToken": f"{forged}.{tag}"})

    def test_tampered_tag(self) -> None:
        """Flipping one character of the tag is noticed."""
        engine, token = self._token()
        flipped = token[:-1] + ("A" if token[-1] != "A" else "B")
        _invalid(engine, {"NextToken": flipped})

    def test_token_of_another_ca(self) -> None:
        """Tokens die with the CA that issued them (a restart draws a new secret)."""
        _, token = self._token()
        other, _ = self._token()
        _invalid(other, {"NextToken": token})

    def test_token_of_another_operation(self) -> None:
        """A token is bound to the operation that issued it."""
        paginator = Paginator(b"k" * 32)
        _, token = paginator.page(
            "ListPermissions",
            ["a", "b"],
            key=lambda item: (item,),
            params={"MaxResults": 1},
            scope="",
        )
        assert token is not None
        with pytest.raises(LocalServiceError) as caught:
            paginator.page(
                LIST, ["a", "b"], key=lambda item: (item,), params={"NextToken": token}, scope=""
            )
        assert caught.value.code == "InvalidNextTokenException"
        assert caught.value.message.endswith("previous call to ListCertificateAuthorities.")
        assert repr(paginator) == "<Paginator>"

    @pytest.mark.parametrize("way", ["inprocess", "http"])
    def test_modeled_error_through_botocore(self, connect: Connect, way: str) -> None:
        """botocore raises the modeled InvalidNextTokenException class."""
        pca, _, _ = _many(1)
        with connect(pca, way) as client:
            with pytest.raises(client.exceptions.InvalidNextTokenException) as caught:
                client.list_certificate_authorities(NextToken="bogus")
            error: ClientError = caught.value
            assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 400
