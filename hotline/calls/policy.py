"""How the service treats callers: capacity, who answers, waiting for a person, abuse limits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from hotline.hours import Hours


@dataclass
class CallPolicy:
    max_calls: int = 8
    agent_wait_s: float = 180.0
    hold_message_s: float = 30.0
    calls_per_minute_per_ip: int = 10
    calls_per_ip: int = 2  # live calls one client address may hold at once
    connect_timeout_s: float = 15.0  # from the answer to audio flowing, else the call ends
    typical_agent_call_s: float = 180.0  # for the wait a caller is told, before any is measured
    recordings: Path | None = None  # a folder: call audio is kept there (off when None)
    routing: str = "bot"  # "bot" answers; "agent_first": agents answer, the AI beside them
    bot_hours: Hours | None = None  # agent-first lines are answered by the bot in these hours

    def agent_first(self, now: dt.datetime | None = None) -> bool:
        """Whether a call coming in now goes to the agents first."""
        if self.routing != "agent_first":
            return False
        return self.bot_hours is None or \
            not self.bot_hours.contain(now or dt.datetime.now(dt.UTC))
