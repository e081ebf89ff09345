"""policycheck: check privacy notices, encoded as facts, against PIPL and GDPR requirement sets.

The pipeline is a chain of pure stages, one module each:

    syntax (text -> syntax tree) -> build (tree -> typed facts) -> anchoring (quotes -> notice)
    -> engine (facts x requirements -> results) -> reporters (results -> text, json, sarif, ...)

Only :mod:`checker.cli` reads files and writes output.
"""

__version__ = "0.1.0"
