"""A call's transcript line: who said what, when (as kept in cases and call records)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TranscriptLine:
    who: str  # caller, bot or agent
    text: str
    t: float  # seconds since the call started
    interrupted: bool = False  # a bot line cut short by the caller: ``text`` is what was heard

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"who": self.who, "text": self.text, "t": self.t}
        if self.interrupted:
            out["interrupted"] = True
        return out

    @classmethod
    def of(cls, data: dict[str, Any]) -> TranscriptLine:
        """A line as stored (JSON); unknown keys are ignored, missing ones are empty."""
        return cls(str(data.get("who", "")), str(data.get("text", "")),
                   float(data.get("t", 0.0) or 0.0), bool(data.get("interrupted", False)))


def lines_json(lines: list[TranscriptLine]) -> list[dict[str, Any]]:
    return [line.as_json() for line in lines]


def lines_of(data: list[dict[str, Any]] | None) -> list[TranscriptLine]:
    return [TranscriptLine.of(d) for d in data or [] if isinstance(d, dict)]
