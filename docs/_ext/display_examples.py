"""``{acmpca-display}``: show, on the built site, what a notebook shows for a value.

The content is one Python expression, such as ``issued``. When the site is built, the page's
```` ```python ```` examples above the directive are run (once each, in order, in one namespace
per page, as a reader would run them), then the expression is evaluated and its
``_repr_html_()`` is placed in the page. An example that raises fails the build, so the
displays on the site are always those of the current code.
"""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.application import Sphinx

_FENCE = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


class DisplayExample(Directive):
    """The rich display of one expression, after the page's earlier Python examples."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        env = self.state.document.settings.env
        pages: dict[str, dict[str, Any]] = env.temp_data.setdefault("acmpca_display", {})
        page = pages.setdefault(env.docname, {"namespace": {}, "ran": 0})
        source = Path(env.doc2path(env.docname)).read_text(encoding="utf-8")
        lines_before = self.lineno
        blocks = [
            match.group(1)
            for match in _FENCE.finditer(source)
            if source.count("\n", 0, match.start()) < lines_before
        ]
        printed = io.StringIO()  # what the examples print is for readers, not the build log
        for index, code in enumerate(blocks[page["ran"] :], start=page["ran"]):
            example = compile(code, f"<{env.docname} example {index + 1}>", "exec")
            with contextlib.redirect_stdout(printed):
                exec(example, page["namespace"])  # noqa: S102 (the project's own pages)
        page["ran"] = len(blocks)
        expression = "\n".join(self.content).strip()
        value = eval(expression, page["namespace"])  # noqa: S307 (the project's own pages)
        html = f"<div class='acmpca-display-output'>{value._repr_html_()}</div>"
        return [nodes.raw("", html, format="html")]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("acmpca-display", DisplayExample)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
