"""The language server under test: `policycheck lsp` started as a process, driven over stdio by
pytest-lsp's client, one server for the whole module. Each test opens its own documents."""

from __future__ import annotations

import shutil
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_lsp
from lsp_helpers import EXAMPLES
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient


@pytest_lsp.fixture(
    scope="module",
    config=ClientServerConfig(server_command=[sys.executable, "-m", "checker", "lsp"]),
)
async def client(lsp_client: LanguageClient) -> AsyncIterator[None]:
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=pytest_lsp.client_capabilities("visual-studio-code"),
        )
    )
    yield
    await lsp_client.shutdown_session()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the example policy's notice in it."""
    path = tmp_path_factory.mktemp("policies")
    shutil.copy(EXAMPLES / "notice.txt", path / "notice.txt")
    return path
