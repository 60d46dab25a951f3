"""The local Private CA: an in-process AWS Private CA for tests, notebooks and the demo.

Example::

    from acmpca_issue.local import LocalPrivateCA

    pca = LocalPrivateCA()
    root = pca.create_root_ca()
    client = pca.client()   # a botocore acm-pca client answered in-process
"""

from __future__ import annotations

from acmpca_issue.local._pca import LocalPrivateCA

__all__ = ["LocalPrivateCA"]
