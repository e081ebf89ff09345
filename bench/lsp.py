"""The language server's speed and memory, measured through the protocol like an editor sees it.

    python bench/lsp.py [--edits 10000] [--latency-edits 40] [--out bench/out/lsp.json]

1. Diagnostic latency: the time from sending an edit (`textDocument/didChange`) to receiving the
   diagnostics of that version, for the largest bundled policy and for a generated policy of
   5,000 lines (bench/generate.py). Half the edits change a value (the file still parses, the
   requirements are evaluated again); half break a statement (a syntax error, the statements
   around it set aside). The time includes the server's debounce pause (`DEBOUNCE_SECONDS`).
2. Memory over a long editing session: 10,000 edits to the largest bundled policy, typed in
   bursts of ten keystrokes (each burst then waits for its diagnostics, as an editor's user
   would see them), alternating between breaking and mending a value; the server's resident
   memory (VmRSS) is read every 1,000 edits.

It prints a table and writes the figures as JSON. Linux only (memory is read from /proc).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from generate import document  # noqa: E402

from checker.commands.lsp.server import DEBOUNCE_SECONDS  # noqa: E402


class Session:
    """A minimal client of `policycheck lsp`: JSON-RPC over the server's stdio, as an editor
    speaks it (no protocol library on this side, so the figures are the server's, not the
    client's), and the time each version's diagnostics arrived."""

    def __init__(self) -> None:
        self.versions: dict[str, int] = {}
        self.waiting: dict[tuple[str, int], asyncio.Future[float]] = {}
        self.replies: dict[int, asyncio.Future[object]] = {}
        self.ids = 0

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "checker",
            "lsp",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        self.reader = asyncio.get_running_loop().create_task(self._read())
        await self.request("initialize", {"processId": os.getpid(), "capabilities": {}})
        self.notify("initialized", {})

    def _send(self, message: dict[str, object]) -> None:
        body = json.dumps(message).encode("utf-8")
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method: str, params: object) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    async def request(self, method: str, params: object) -> object:
        self.ids += 1
        reply: asyncio.Future[object] = asyncio.get_running_loop().create_future()
        self.replies[self.ids] = reply
        self._send({"jsonrpc": "2.0", "id": self.ids, "method": method, "params": params})
        return await reply

    async def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while (header := await stream.readline()) not in (b"\r\n", b""):
                if header.lower().startswith(b"content-length:"):
                    length = int(header.split(b":")[1])
            if not header:
                return
            message = json.loads(await stream.readexactly(length))
            arrived = time.perf_counter()
            if message.get("method") == "textDocument/publishDiagnostics":
                params = message["params"]
                future = self.waiting.pop((params["uri"], params.get("version") or 0), None)
                if future is not None and not future.done():
                    future.set_result(arrived)
            elif "id" in message and message["id"] in self.replies:
                self.replies.pop(message["id"]).set_result(message.get("result"))

    def expect(self, uri: str, version: int) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiting[(uri, version)] = future
        return future

    async def open(self, path: Path, text: str) -> str:
        uri = path.resolve().as_uri()
        self.versions[uri] = 1
        done = self.expect(uri, 1)
        item = {"uri": uri, "languageId": "policy", "version": 1, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": item})
        await done
        return uri

    def change(self, uri: str, line: int, start: int, end: int, new: str) -> int:
        self.versions[uri] += 1
        version = self.versions[uri]
        where = {
            "start": {"line": line, "character": start},
            "end": {"line": line, "character": end},
        }
        self.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": where, "text": new}],
            },
        )
        return version

    async def stop(self) -> None:
        await self.request("shutdown", None)
        self.notify("exit", None)
        await self.process.wait()
        self.reader.cancel()


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def value_line(text: str) -> tuple[int, int, int]:
    """A `description = "..."` line deep in the file: its number and the string's bounds."""
    lines = text.split("\n")
    # ASCII lines only: their columns are the same in characters and in UTF-16 units.
    candidates = [
        i
        for i, line in enumerate(lines)
        if '= "' in line and "cite" not in line and line.isascii() and "#" not in line
    ]
    number = candidates[len(candidates) * 2 // 3]
    line = lines[number]
    start = line.index('"') + 1
    return number, start, line.index('"', start)


async def latency(session: Session, path: Path, text: str, edits: int) -> dict[str, float]:
    uri = await session.open(path, text)
    number, _, end = value_line(text)
    valid: list[float] = []
    broken: list[float] = []
    for i in range(edits):
        mend = i % 2 == 1
        # Even edits remove the closing quote (an unterminated string); odd ones put it back.
        new, at_end = ('"', end) if mend else ("", end + 1)
        sent = time.perf_counter()
        version = session.change(uri, number, end, at_end, new)
        received = await session.expect(uri, version)
        (valid if mend else broken).append((received - sent) * 1000)
    return {
        "lines": text.count("\n") + 1,
        "valid_median_ms": statistics.median(valid),
        "valid_max_ms": max(valid),
        "syntax_error_median_ms": statistics.median(broken),
        "syntax_error_max_ms": max(broken),
    }


async def memory(session: Session, path: Path, text: str, edits: int) -> list[tuple[int, float]]:
    uri = await session.open(path, text)
    pid = session.process.pid
    number, start, _ = value_line(text)
    samples = [(0, rss_mib(pid))]
    for i in range(edits):
        # Type ten letters into the value, then delete them, and so on.
        if (i // 10) % 2 == 0:
            column = start + i % 10
            version = session.change(uri, number, column, column, "x")
        else:
            version = session.change(uri, number, start, start + 1, "")
        if (i + 1) % 10 == 0:
            await session.expect(uri, version)
        if (i + 1) % 1000 == 0:
            samples.append((i + 1, rss_mib(pid)))
    return samples


def generated(lines: int) -> tuple[str, str]:
    """A generated policy of about `lines` lines, and its notice."""
    kb = lines / 17
    while True:
        policy, notice = document(0, 1, (kb, kb))
        if policy.count("\n") >= lines:
            return policy, notice
        kb *= 1.1


async def main_async(args: argparse.Namespace) -> dict[str, object]:
    largest = max((ROOT / "policies").glob("*.policy"), key=lambda p: p.read_text().count("\n"))
    results: dict[str, object] = {"debounce_ms": DEBOUNCE_SECONDS * 1000}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "sources").mkdir()
        policy, notice = generated(5000)
        (folder / "sources" / "big.txt").write_text(notice, encoding="utf-8")
        big = policy.replace("{stem}", "big")
        (folder / "big.policy").write_text(big, encoding="utf-8")

        session = Session()
        await session.start()
        try:
            results["largest_bundled"] = {
                "file": largest.name,
                **await latency(session, largest, largest.read_text("utf-8"), args.latency_edits),
            }
            results["generated_5000_lines"] = await latency(
                session, folder / "big.policy", big, args.latency_edits
            )
        finally:
            await session.stop()

        session = Session()  # a fresh server, so the memory figures start from its start-up
        await session.start()
        try:
            copy = ROOT / "policies" / ".bench-memory.policy"
            try:
                copy.write_text(largest.read_text("utf-8"), encoding="utf-8")
                results["memory_mib_by_edits"] = await memory(
                    session, copy, largest.read_text("utf-8"), args.edits
                )
            finally:
                copy.unlink(missing_ok=True)
        finally:
            await session.stop()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=10_000)
    parser.add_argument("--latency-edits", type=int, default=40)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "lsp.json")
    args = parser.parse_args()
    results = asyncio.run(main_async(args))
    for name in ("largest_bundled", "generated_5000_lines"):
        r = results[name]
        assert isinstance(r, dict)
        print(
            f"{name:22} {r['lines']:>5} lines  after a valid edit: median"
            f" {r['valid_median_ms']:.0f} ms (max {r['valid_max_ms']:.0f})"
            "  after a syntax error: median"
            f" {r['syntax_error_median_ms']:.0f} ms (max {r['syntax_error_max_ms']:.0f})"
        )
    samples = results["memory_mib_by_edits"]
    assert isinstance(samples, list)
    print("memory (MiB) by edits: " + ", ".join(f"{n}: {m:.1f}" for n, m in samples))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
