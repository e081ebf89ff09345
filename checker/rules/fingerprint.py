"""Fingerprints of findings: what a finding is about, never where it sits.

SARIF's `partialFingerprints` and the findings baseline both match a finding across edits by
this hash of its requirement id, its policy file, the statement it concerns and its message (which
names the facts and their values). No line or column goes in, so inserting a line above a finding
keeps it matched; changing a fact changes the message, and with it the fingerprint.
"""

from __future__ import annotations

import hashlib

from checker.rules.results import Finding


def fingerprint(finding: Finding, path: str, occurrence: int = 1) -> str:
    """The hex SHA-256 of what `finding` is about; `path` is its file as the caller names it.

    Two identical findings in one file are told apart by `occurrence` (1, 2, ... in file order).
    """
    parts = [finding.id, path, finding.subject or "", finding.message]
    if occurrence > 1:
        parts.append(str(occurrence))
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
