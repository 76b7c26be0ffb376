"""How the service treats callers: capacity, waiting for a person, abuse limits."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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
