"""Turn-taking for one speech recogniser shared by every call.

Whisper on two cores runs one decode at a time at best; several at once only slow each
other. Decodes therefore take turns, and a caller's final decode (someone is waiting for
the bot's answer) goes before any speculative one (a guess made at a short pause, often
thrown away). A speculative decode that is no longer wanted by the time its turn comes is
skipped.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class DecodeGate:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._busy = False
        self._finals_waiting = 0

    @contextmanager
    def turn(self, final: bool) -> Iterator[None]:
        """Hold the recogniser (blocking: call from the worker thread that decodes)."""
        with self._cond:
            if final:
                self._finals_waiting += 1
            try:
                self._cond.wait_for(
                    lambda: not self._busy and (final or self._finals_waiting == 0))
            finally:
                if final:
                    self._finals_waiting -= 1
            self._busy = True
        try:
            yield
        finally:
            with self._cond:
                self._busy = False
                self._cond.notify_all()
