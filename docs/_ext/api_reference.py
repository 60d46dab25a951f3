"""``{acmpca-api} module``: autodoc for every public name a module lists in ``__all__``.

For use in MyST pages: the autodoc directives are generated inside an ``eval-rst`` fence.

A name added to ``__all__`` appears in the reference on the next build, documented from its
docstring; nothing here lists names by hand. ``:skip-module:`` leaves out the names defined
in another documented module (the exceptions have their own page), and
``:skip-exported-by:`` the names another module's ``__all__`` lists (documented there).
"""

from __future__ import annotations

import importlib
import inspect
import sys
from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.nodes import nested_parse_with_titles


def _data_doc(package: str, name: str, value: object) -> list[str]:
    """The ``#:`` comment of a constant, read in the module that defines it.

    A re-exported constant has no comment where it is re-exported, and autodoc would fall
    back to the docstring of its type (``dict``'s, say), so the defining module is found by
    identity among the package's loaded modules.
    """
    from sphinx.pycode import ModuleAnalyzer

    for module_name, module in sorted(sys.modules.items()):
        if not module_name.startswith(package) or getattr(module, name, None) is not value:
            continue
        docs = ModuleAnalyzer.for_module(module_name).find_attr_docs().get(("", name))
        if docs:
            return [line for line in docs if line]
    return []


def _directive_for(value: object) -> str:
    if inspect.isclass(value):
        return "exception" if issubclass(value, BaseException) else "class"
    if callable(value):
        return "function"
    return "data"


class ApiReference(Directive):
    """One autodoc entry per name in the module's ``__all__``, in ``__all__`` order."""

    required_arguments = 1
    option_spec = {  # noqa: RUF012 (docutils API)
        "skip-module": directives.unchanged,
        "skip-exported-by": directives.unchanged,
    }

    def run(self) -> list[nodes.Node]:
        module_name = self.arguments[0]
        module = importlib.import_module(module_name)
        skipped = self.options.get("skip-module")
        exporter = self.options.get("skip-exported-by")
        documented = set(importlib.import_module(exporter).__all__) if exporter else set()
        lines: list[str] = ["```{eval-rst}"]
        for name in module.__all__:
            value = getattr(module, name)
            if skipped and getattr(value, "__module__", None) == skipped:
                continue
            if name in documented:
                continue
            kind = _directive_for(value)
            if kind == "data":
                lines.append(f".. py:data:: {module_name}.{name}")
                lines.append(f"   :type: {type(value).__name__}")
                lines.append("")
                package = module_name.split(".")[0]
                lines.extend(f"   {line}" for line in _data_doc(package, name, value))
            else:
                lines.append(f".. auto{kind}:: {module_name}.{name}")
            lines.append("")
        lines.append("```")
        container = nodes.section()
        container.document = self.state.document
        nested_parse_with_titles(self.state, StringList(lines, source=module_name), container)
        return list(container.children)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("acmpca-api", ApiReference)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
