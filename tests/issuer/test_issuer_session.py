"""The client ``Issuer.from_session`` makes: botocore's data, looked up for acm-pca alone."""

from __future__ import annotations

from pathlib import Path

import botocore.loaders
import botocore.session
import pytest

from acmpca_issue._session import CONNECT_TIMEOUT, READ_TIMEOUT, AcmPcaLoader, make_client


def test_loader_knows_acm_pca_only() -> None:
    """The service check answers acm-pca where its data exists, and nothing else."""
    loader = AcmPcaLoader()
    assert loader.list_available_services("service-2") == ["acm-pca"]
    assert loader.list_available_services("endpoint-rule-set-1") == ["acm-pca"]
    assert loader.list_available_services("no-such-type-1") == []


def test_loader_loads_the_same_model_as_botocore() -> None:
    """Everything but the check is botocore's own loading."""
    ours = AcmPcaLoader().load_service_model("acm-pca", "service-2")
    theirs = botocore.loaders.Loader().load_service_model("acm-pca", "service-2")
    assert ours == theirs


def test_client_uses_the_loader_and_keeps_retries_off() -> None:
    """The client is an acm-pca client at the endpoint, without botocore's retries."""
    client = make_client(
        region_name="us-west-2", profile_name=None, endpoint_url="http://127.0.0.1:9"
    )
    try:
        assert client.meta.service_model.service_name == "acm-pca"
        assert client.meta.region_name == "us-west-2"
        assert client.meta.endpoint_url == "http://127.0.0.1:9"
        assert client.meta.config.retries["total_max_attempts"] == 1
        assert client.meta.config.connect_timeout == CONNECT_TIMEOUT == 10
        assert client.meta.config.read_timeout == READ_TIMEOUT == 30
    finally:
        client.close()


def test_aws_data_path_is_still_searched(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Models under AWS_DATA_PATH are found first, as with botocore's own loader."""
    model = botocore.loaders.Loader().load_service_model("acm-pca", "service-2")
    model["metadata"]["serviceFullName"] = "Local override"
    folder = tmp_path / "acm-pca" / "2017-08-22"
    folder.mkdir(parents=True)
    (folder / "service-2.json").write_text(__import__("json").dumps(model))
    monkeypatch.setenv("AWS_DATA_PATH", str(tmp_path))
    client = make_client(region_name="us-east-1", profile_name=None, endpoint_url=None)
    try:
        assert client.meta.service_model.metadata["serviceFullName"] == "Local override"
    finally:
        client.close()
    assert str(tmp_path) in botocore.session.Session().get_config_variable("data_path")
