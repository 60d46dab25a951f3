"""Sphinx configuration for the acmpca-issue documentation site.

Build it (warnings are errors, as in CI) with::

    python -m venv .venv && .venv/bin/pip install -e . --group docs
    .venv/bin/sphinx-build -W --keep-going -b html docs docs/_build/html
"""

from __future__ import annotations

import sys
from importlib.metadata import version as _version
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "acmpca-issue"
author = "acmpca-issue developers"
copyright = "acmpca-issue developers"
release = _version("acmpca-issue")
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "cli_reference",
    "api_reference",
    "display_examples",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "screenshots", "Thumbs.db", ".DS_Store"]

myst_enable_extensions = ["colon_fence", "deflist"]
# Links such as cli.md#csr-input work on the site as they do on GitHub.
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
python_use_unqualified_type_names = True
autodoc_preserve_defaults = False
autodoc_default_options = {"members": True, "show-inheritance": True}
napoleon_google_docstring = True
napoleon_numpy_docstring = False
napoleon_use_rtype = False
napoleon_attr_annotations = True


html_theme = "furo"
html_title = f"acmpca-issue {release}"
html_static_path = ["_static"]
html_css_files = ["acmpca.css"]
