"""espeak-ng kept running to read English phrases as IPA, a line each (fast enough to ask
for every transcript)."""

from __future__ import annotations

import logging
import os
import select
import subprocess
import threading
import weakref
from collections.abc import Sequence

log = logging.getLogger(__name__)


class Espeak:
    """espeak-ng's English IPA for phrases, a line each.

    Starting espeak-ng costs 10-20 ms on two busy cores, as much as a whole correction may
    take, so one is kept running and fed lines; a line that ends the batch, whose IPA is
    known, shows where its answers end. Anything odd and it is stopped, and the batch read
    by a one-off espeak-ng instead.
    """

    END = "one nine nine nine hotline"  # never a span of one or two words

    def __init__(self, command: Sequence[str]) -> None:
        self._command = list(command)  # espeak-ng -q --ipa -v en-us
        self._process: subprocess.Popen[bytes] | None = None
        self._pending = b""
        self._end = ""
        self._lock = threading.Lock()

    def read(self, phrases: Sequence[str]) -> list[str]:
        with self._lock:
            try:
                lines = self._ask(phrases)
            except (OSError, ValueError, TimeoutError) as exc:
                log.info("espeak-ng stopped answering (%s); starting it again", exc)
                lines = None
            if lines is None:
                self.close()
                lines = self._once(phrases)
            return lines

    def close(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None

    def _ask(self, phrases: Sequence[str]) -> list[str] | None:
        if self._process is None:
            self._process = subprocess.Popen(self._command, stdin=subprocess.PIPE,
                                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            weakref.finalize(self, self._process.kill)
            self._pending = b""
            self._send([self.END])
            self._end = self._line()
        self._send([*phrases, self.END])
        lines = []
        while (line := self._line()) != self._end:
            lines.append(line)
        return lines if len(lines) == len(phrases) else None

    def _send(self, lines: Sequence[str]) -> None:
        assert self._process is not None and self._process.stdin is not None
        self._process.stdin.write("".join(f"{line}\n" for line in lines).encode())
        self._process.stdin.flush()

    def _line(self) -> str:
        """The next line with something on it; TimeoutError after a second of silence."""
        assert self._process is not None and self._process.stdout is not None
        out = self._process.stdout.fileno()
        while True:
            line, newline, rest = self._pending.partition(b"\n")
            if newline:
                self._pending = rest
                if line.strip():
                    return line.decode("utf-8", "replace").strip()
                continue
            if not select.select([out], [], [], 1.0)[0]:
                raise TimeoutError("no answer")
            chunk = os.read(out, 65536)
            if not chunk:
                raise OSError("it exited")
            self._pending += chunk

    def _once(self, phrases: Sequence[str]) -> list[str]:
        command = self._command
        out = subprocess.run(command, input="\n".join(phrases) + "\n", capture_output=True,
                             text=True, timeout=10, check=True).stdout
        lines = [line for line in out.splitlines() if line.strip()]
        if len(lines) != len(phrases):  # espeak-ng joined or split lines: one at a time
            lines = [subprocess.run([*command, p], capture_output=True, text=True, timeout=10,
                                    check=True).stdout for p in phrases]
        return lines
