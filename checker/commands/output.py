"""Standard output as the commands write it: a reader that goes away is not an error, a full
disk is.

`policycheck lint | head` closes the pipe while the checker still writes; the run goes on to the
end, its output discarded, and exits with the status it would have had (a finding is still a
finding). A write that fails otherwise (`> /dev/full`: no space left) is E601, exit 2. Either way
the descriptor is then pointed at the null device, so that the interpreter's own last flush of
what is still buffered cannot fail again and print a traceback of its own.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from typing import Any, TextIO

from checker.errors import CheckerError


class GuardedOutput:
    """Wraps a text stream: writes go through until the stream fails, then nowhere."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.gone = False
        """True once the reader has gone or a write has failed."""

    def write(self, text: str) -> int:
        if not self.gone:
            try:
                self._stream.write(text)
            except OSError as exc:
                self._fail(exc)
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        # A command may close the stream itself when it is done: the language server's stdio
        # ends with the editor's `exit`. Nothing is left to flush then.
        if not self.gone and not self._stream.closed:
            try:
                self._stream.flush()
            except OSError as exc:
                self._fail(exc)

    def isatty(self) -> bool:
        return self._stream.isatty()

    def __getattr__(self, name: str) -> Any:  # encoding, errors, fileno, ...
        return getattr(self._stream, name)

    def _fail(self, exc: OSError) -> None:
        self.gone = True
        with contextlib.suppress(OSError, ValueError, AttributeError):
            null = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(null, self._stream.fileno())
            finally:
                os.close(null)
        if isinstance(exc, BrokenPipeError):
            return  # the reader has all it wanted (`| head`): nothing to report
        raise CheckerError("E601", f"cannot write the output: {exc.strerror or exc}") from None
