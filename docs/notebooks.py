"""Execute the example notebooks, as CI does; optionally save them executed, as HTML.

Usage (with the ``docs`` dependency group installed)::

    python docs/notebooks.py                    # run examples/*.ipynb; fail on any error
    python docs/notebooks.py --html-dir OUT     # also write OUT/<name>.html, outputs included

The notebooks are committed without outputs; they are executed in a fresh kernel, offline, and
nothing is written back to them.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run(path: Path, html_dir: Path | None) -> None:
    """Execute ``path`` in a new kernel (an error in any cell raises) and maybe export it."""
    notebook = nbformat.read(path, as_version=4)
    started = time.monotonic()
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute(cwd=str(path.parent))
    print(f"{path.name}: {len(notebook.cells)} cells ran in {time.monotonic() - started:.1f} s")
    if html_dir is not None:
        from nbconvert import HTMLExporter

        html_dir.mkdir(parents=True, exist_ok=True)
        body, _ = HTMLExporter().from_notebook_node(notebook)
        target = html_dir / f"{path.stem}.html"
        target.write_text(body, encoding="utf-8")
        print(f"  wrote {target}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--html-dir", type=Path, help="write each executed notebook here as HTML")
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: examples/*.ipynb")
    args = parser.parse_args(argv)
    for path in args.notebooks or sorted(EXAMPLES.glob("*.ipynb")):
        run(path, args.html_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
