"""Exit codes of the `policycheck` command."""

EXIT_CLEAN = 0
"""No finding at or above the fail threshold."""
EXIT_FINDINGS = 1
"""Findings at or above the fail threshold (or, for `fmt --check`, files that would change)."""
EXIT_INPUT_ERROR = 2
"""A policy, requirement file, configuration or command line could not be used, the output could
not be written, or the checker itself failed: never mistaken for findings."""
