"""The documentation site's sources: every page is in the navigation, the notebooks are clean.

The site itself is built by .ci/run (``sphinx-build -W``, the ``docs`` dependency group) and the
notebooks are executed there (``docs/notebooks.py``); these checks need neither.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
NOTEBOOKS = sorted((ROOT / "examples").glob("*.ipynb"))


def _toctree_entries() -> set[str]:
    """The documents named in the index page's toctrees."""
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    entries: set[str] = set()
    for body in re.findall(r"```\{toctree\}\n(.*?)```", index, re.DOTALL):
        entries.update(
            line.strip() for line in body.splitlines() if line.strip() and ":" not in line
        )
    return entries


def test_every_page_is_in_the_navigation() -> None:
    """A Markdown page under docs/ that no toctree lists would fail the site build."""
    pages = {
        path.relative_to(DOCS).with_suffix("").as_posix()
        for path in DOCS.rglob("*.md")
        if "_build" not in path.parts
    }
    missing = pages - _toctree_entries() - {"index"}
    assert not missing, f"add these pages to a toctree in docs/index.md: {sorted(missing)}"
    assert _toctree_entries() <= pages, "a toctree names a page that does not exist"


def test_there_is_a_notebook() -> None:
    """The quickstart notebook exists, so the checks below check something."""
    assert [path.name for path in NOTEBOOKS] == ["quickstart.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_is_committed_without_outputs(path: Path) -> None:
    """No cell has outputs or an execution count: CI runs the notebook, nobody commits results."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert code
    assert [cell["outputs"] for cell in code] == [[] for _ in code]
    assert [cell["execution_count"] for cell in code] == [None for _ in code]
    assert notebook["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.name)
def test_notebook_runs_offline(path: Path) -> None:
    """The notebook never makes a client for real AWS: it uses the local Private CA."""
    source = "".join(
        "".join(cell["source"])
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]
        if cell["cell_type"] == "code"
    )
    assert "LocalPrivateCA" in source
    assert "from_session" not in source
    assert "boto3" not in source
