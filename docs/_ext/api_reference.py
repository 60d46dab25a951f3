"""``{acmpca-api} module``: autodoc for every public name a module lists in ``__all__``.

For use in MyST pages: the autodoc directives are generated inside an ``eval-rst`` fence.

A name added to ``__all__`` appears in the reference on the next build, documented from its
docstring; nothing here lists names by hand. ``:skip-module:`` leaves out the names defined
in another documented module (the exceptions have their own page).
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.nodes import nested_parse_with_titles


def _directive_for(value: object) -> str:
    if inspect.isclass(value):
        return "exception" if issubclass(value, BaseException) else "class"
    if callable(value):
        return "function"
    return "data"


class ApiReference(Directive):
    """One autodoc entry per name in the module's ``__all__``, in ``__all__`` order."""

    required_arguments = 1
    option_spec = {"skip-module": directives.unchanged}  # noqa: RUF012 (docutils API)

    def run(self) -> list[nodes.Node]:
        module_name = self.arguments[0]
        module = importlib.import_module(module_name)
        skipped = self.options.get("skip-module")
        lines: list[str] = ["```{eval-rst}"]
        for name in module.__all__:
            value = getattr(module, name)
            if skipped and getattr(value, "__module__", None) == skipped:
                continue
            kind = _directive_for(value)
            lines.append(f".. auto{kind}:: {module_name}.{name}")
            if kind == "data":
                lines.append("   :no-value:")
            lines.append("")
        lines.append("```")
        container = nodes.section()
        container.document = self.state.document
        nested_parse_with_titles(self.state, StringList(lines, source=module_name), container)
        return list(container.children)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("acmpca-api", ApiReference)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
