"""``{acmpca-cli}``: the CLI reference, rendered from the argparse parser at build time.

Each command and subcommand gets a section holding its ``--help`` text exactly as
``acmpca-issue <command> --help`` prints it, so the page can never drift from the parser.
"""

from __future__ import annotations

import argparse
from typing import Any

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.application import Sphinx


def _subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, argparse.ArgumentParser]]:
    """The parser's subcommands in the order they were added (aliases skipped)."""
    found: list[tuple[str, argparse.ArgumentParser]] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            seen: set[int] = set()
            for name, child in action.choices.items():
                if id(child) not in seen:
                    seen.add(id(child))
                    found.append((name, child))
    return found


def _section(document: Any, title: str, parser: argparse.ArgumentParser) -> nodes.section:
    section = nodes.section()
    section["ids"].append(nodes.make_id(f"cli-{title}"))
    section += nodes.title(text=title)
    help_text = parser.format_help()
    block = nodes.literal_block(help_text, help_text, language="text")
    block["classes"].append("acmpca-cli-help")
    section += block
    for name, child in _subcommands(parser):
        section += _section(document, f"{title} {name}", child)
    return section


class CliReference(Directive):
    """Render ``acmpca-issue --help`` and every subcommand's ``--help``."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        from acmpca_issue._cli._args import PROG, build_parser

        parser = build_parser()
        top = _section(self.state.document, PROG, parser)
        # The top-level help, then one section per command, at the page's second level.
        return [top[1], *top[2:]]


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_directive("acmpca-cli", CliReference)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
