"""`policycheck lsp`: a Language Server Protocol server over stdio for editing `.policy` files.

It needs the optional `lsp` extra (pygls and lsprotocol), imported only when this command runs,
so that `lint` never pays for it. The modules, one stage each: `analysis` runs the lint stages on
the editor's text (`recovery` sets aside statements with syntax errors), `convert` maps spans and
results to the protocol, `context` reads what the cursor is writing, and `completion`, `hover`,
`navigation` and `actions` answer the requests that `server` routes to them.
"""

from __future__ import annotations

from checker.errors import CheckerError


def run_lsp() -> int:
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        raise CheckerError(
            "E604",
            'the language server needs the lsp extra: pip install "policycheck[lsp]"',
        ) from None
    from checker.commands.lsp.server import run

    return run()
