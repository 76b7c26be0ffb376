"""Call audio kept on disk, when the operator turns recording on (it is off by default).

Two mono WAV files per call, written as the audio flows (never the whole call in memory):
``<call_id>-caller.wav`` (what the caller's microphone sent) and ``<call_id>-line.wav``
(what the caller heard: the bot, or the agent).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import wave
from pathlib import Path

from hotline.private_files import private_dir, private_file
from voice.frames import SAMPLE_RATE, Pcm

log = logging.getLogger(__name__)


class CallRecorder:
    def __init__(self, folder: Path, call_id: str) -> None:
        private_dir(folder)  # a caller's voice: this user's alone, whatever the umask
        self.paths = (folder / f"{call_id}-caller.wav", folder / f"{call_id}-line.wav")
        self._files: list[wave.Wave_write] = []
        for path in self.paths:
            private_file(path)
            wav = wave.open(str(path), "wb")  # noqa: SIM115 - open for the call, closed in close()
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(SAMPLE_RATE)
            self._files.append(wav)

    def caller(self, pcm: Pcm) -> None:
        self._write(0, pcm)

    def line(self, pcm: Pcm) -> None:
        self._write(1, pcm)

    def _write(self, channel: int, pcm: Pcm) -> None:
        if self._files:
            self._files[channel].writeframesraw(pcm.astype("<i2").tobytes())

    def close(self) -> None:
        files, self._files = self._files, []
        for wav in files:
            wav.close()


def purge_recordings(folder: Path, older_than_days: int, now: float | None = None) -> int:
    """Delete recordings older than ``older_than_days``; returns how many files went."""
    if not folder.is_dir():
        return 0
    cutoff = (now or time.time()) - dt.timedelta(days=older_than_days).total_seconds()
    removed = 0
    for path in folder.glob("*.wav"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
