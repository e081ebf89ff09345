"""`policycheck lsp` as a command: lint never imports the server's libraries, and without the
extra the command says how to get it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).parent.parent / "examples"


def run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )


def test_lint_does_not_import_the_language_server() -> None:
    result = run(
        "import sys\n"
        "from checker.cli import main\n"
        f"code = main(['lint', '--no-cache', {str(EXAMPLES / 'sample.policy')!r}])\n"
        "assert not [m for m in sys.modules if m.startswith(('pygls', 'lsprotocol'))], 'imported'\n"
        "sys.exit(code)\n"
    )
    assert result.returncode in (0, 1), result.stderr
    assert "imported" not in result.stderr


def test_without_the_lsp_extra_the_command_says_how_to_install_it() -> None:
    result = run(
        "import sys\n"
        "sys.modules['pygls'] = None  # as if it were not installed\n"
        "from checker.cli import main\n"
        "sys.exit(main(['lsp']))\n"
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "policycheck: error[E604] the language server needs the lsp extra: "
        'pip install "policycheck[lsp]"'
    )


def _message(payload: dict[str, object]) -> bytes:
    body = json.dumps(payload).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def test_an_editor_that_shuts_the_server_down_sees_it_exit_cleanly() -> None:
    """`shutdown` then `exit` is the end of every editor session: exit code 0 (the protocol's
    answer to an orderly exit) and nothing on stderr, although the server has closed its stdout."""
    session = (
        _message(
            {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}
        )
        + _message({"jsonrpc": "2.0", "method": "initialized", "params": {}})
        + _message({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
        + _message({"jsonrpc": "2.0", "method": "exit"})
    )
    result = subprocess.run(
        [sys.executable, "-m", "checker", "lsp"],
        input=session,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.stderr.decode() == ""
    assert result.returncode == 0
    assert b'"id": 2' in result.stdout or b'"id":2' in result.stdout
