"""Screenshots of the built site and the executed quickstart notebook, with headless Chromium.

Usage, after building the site and exporting the notebook::

    sphinx-build -W --keep-going -b html docs docs/_build/html
    python docs/notebooks.py --html-dir docs/_build/notebooks
    python docs/screenshots.py docs/_build/html docs/_build/notebooks docs/_build/screenshots

It writes one PNG per page (the site's quickstart and notebooks pages, and the executed
notebook) for a person to look at. Chromium is found on PATH (``chromium``,
``chromium-browser``, ``google-chrome``); without it the script says so and exits 0, so CI
takes screenshots only where Chromium is installed (``apt-get install -y chromium``).
Chromium runs with networking features off; every page is a local file.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
SITE_PAGES = ("quickstart", "notebooks")
WIDTH = 1280
SITE_HEIGHT, NOTEBOOK_HEIGHT = 2400, 4400


def shoot(browser: str, page: Path, png: Path, height: int) -> None:
    """Render ``page`` in headless Chromium and save its first ``height`` pixels as ``png``."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(  # noqa: S603 (a browser found on PATH, local files only)
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                f"--window-size={WIDTH},{height}",
                f"--screenshot={png}",
                page.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    print(f"{png} <- {page}")


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__)
        return 2
    site, notebooks, out = (Path(arg) for arg in argv)
    browser = next((name for name in BROWSERS if shutil.which(name)), None)
    if browser is None:
        print("no Chromium on PATH; no screenshots taken (apt-get install -y chromium)")
        return 0
    out.mkdir(parents=True, exist_ok=True)
    for name in SITE_PAGES:
        shoot(browser, site / f"{name}.html", out / f"site-{name}.png", SITE_HEIGHT)
    for page in sorted(notebooks.glob("*.html")):
        shoot(browser, page, out / f"notebook-{page.stem}.png", NOTEBOOK_HEIGHT)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
