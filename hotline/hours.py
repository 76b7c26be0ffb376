"""Times of day on the city's clock (Taipei), for what a line does when (``bot_hours``)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

TAIPEI = dt.timezone(dt.timedelta(hours=8))  # the city's clock (no daylight saving)
_SPAN = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")


@dataclass(frozen=True)
class Hours:
    """Times of day on the city's clock, as spans of minutes; a span may run past midnight
    (``22:00-08:00``)."""

    spans: tuple[tuple[int, int], ...]

    @classmethod
    def parse(cls, text: str) -> Hours:
        """``"22:00-08:00"`` or several, comma-separated; ValueError says what is wrong."""
        spans = []
        for part in text.split(","):
            m = _SPAN.match(part.strip())
            if m is None:
                raise ValueError(f"{part.strip()!r}: expected HH:MM-HH:MM, e.g. 22:00-08:00")
            start = int(m[1]) * 60 + int(m[2])
            end = int(m[3]) * 60 + int(m[4])
            if end > 24 * 60 or start == end:
                raise ValueError(f"{part.strip()!r}: not a span of time")
            spans.append((start, end))
        return cls(tuple(spans))

    def contain(self, when: dt.datetime) -> bool:
        local = when.astimezone(TAIPEI)
        minute = local.hour * 60 + local.minute
        return any(start <= minute < end if start < end else minute >= start or minute < end
                   for start, end in self.spans)
