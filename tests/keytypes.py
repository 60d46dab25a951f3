"""Key types as test parameters: the ML-DSA ones carry the ``mldsa`` mark (see conftest.py), so a
cryptography without ML-DSA expects the library's refusal for them instead of a key."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from acmpca_issue._enums import KeyAlgorithm
from acmpca_issue._keys import mldsa_unsupported_reason

#: Why the installed cryptography cannot make ML-DSA keys and CSRs (cryptography < 50), or None.
MLDSA_REFUSED = mldsa_unsupported_reason()
MLDSA_NAMES = frozenset({"ML_DSA_44", "ML_DSA_65", "ML_DSA_87"})


def key_params(algorithms: Iterable[Any]) -> list[Any]:
    """``algorithms`` (enum members, names, or tuples led by one) as ``pytest.param``s, the
    ML-DSA ones marked ``mldsa``."""
    params = []
    for entry in algorithms:
        first = entry[0] if isinstance(entry, tuple) else entry
        name = first.value if isinstance(first, KeyAlgorithm) else str(first)
        values = entry if isinstance(entry, tuple) else (entry,)
        marks = [pytest.mark.mldsa] if name in MLDSA_NAMES else []
        params.append(pytest.param(*values, marks=marks))
    return params
