"""Run the ``acmpca-issue`` command: ``python -m acmpca_issue --help``."""

from acmpca_issue._cli import main

raise SystemExit(main())
