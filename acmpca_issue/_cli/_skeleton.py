"""``--generate-cli-skeleton``: deterministic, valid JSON templates (standard library only).

Example::

    >>> import json
    >>> sorted(json.loads(skeleton("input")))
    ['CertificateAuthorityArn', 'Csr', 'SigningAlgorithm', 'Validity']

The AWS CLI's skeleton picks enum values at random, writes ``Value: 0`` (below the minimum of
1), ``Csr: null`` and every member of every union, so it is never valid input as printed. This
one is the same on every run and passes ``--cli-input-json`` once ``CertificateAuthorityArn``
and ``Csr`` (the PEM text) are filled in. Optional members are left out; their shapes are in
``acmpca-issue issue-certificate --help``.
"""

from __future__ import annotations

import json

__all__ = ["INPUT_SKELETON", "OUTPUT_SKELETON", "skeleton"]

#: The input template, in the service model's member order.
INPUT_SKELETON: dict[str, object] = {
    "CertificateAuthorityArn": "",
    "Csr": "",
    "SigningAlgorithm": "SHA256WITHECDSA",
    "Validity": {"Value": 365, "Type": "DAYS"},
}

#: The response shape, with an example of the ARN's form.
OUTPUT_SKELETON: dict[str, object] = {
    "CertificateArn": (
        "arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/"
        "11223344-1234-1122-2233-112233445566/certificate/e8cbd2bedb122329f97706bcfec990f8"
    ),
}


def skeleton(kind: str) -> str:
    """The ``input`` or ``output`` template as JSON text (indented by 4, with a newline)."""
    data = OUTPUT_SKELETON if kind == "output" else INPUT_SKELETON
    return json.dumps(data, indent=4) + "\n"
