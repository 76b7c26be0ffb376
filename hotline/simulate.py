"""``hotline simulate`` and ``hotline bench dialog``: scripted calls in text mode."""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dialog.domain import CATEGORIES
from dialog.state import CallState
from dialog.text import simplified_chars
from hotline.dialogs import DialogFactory


class ScenarioError(ValueError):
    """A scenario file that cannot be run; the message names the file."""


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    say: str
    wav: str | None = None


class Scenario(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    lang: str = "zh-TW"
    turns: list[Turn] = Field(min_length=1)
    expect: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> Scenario:
        try:
            return cls.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise ScenarioError(f"{path}: cannot read: {exc}") from exc
        except ValidationError as exc:
            raise ScenarioError(f"{path}: not a scenario: {exc}") from exc


@dataclass
class TurnTiming:
    dialog_ms: float
    used_llm: bool


@dataclass
class Run:
    result: dict[str, Any]
    timings: list[TurnTiming] = field(default_factory=list)
    bot_lines: list[str] = field(default_factory=list)


def run_text(scenario: Scenario, factory: DialogFactory) -> Run:
    """Run the caller's lines as text through a fresh dialog manager; DESIGN.md's result JSON."""
    manager = factory.new()
    greeting = manager.start()
    run = Run({}, bot_lines=[greeting.text])
    turns = []
    reply = greeting
    for turn in scenario.turns:
        started = time.perf_counter()
        reply = manager.handle(turn.say)
        ms = (time.perf_counter() - started) * 1000
        run.timings.append(TurnTiming(ms, reply.used_llm))
        run.bot_lines.append(reply.text)
        turns.append({"caller": turn.say, "heard": turn.say, "bot": reply.text,
                      "ms": {"asr": None, "dialog": round(ms, 1), "tts_first_audio": None,
                             "voice_to_voice": None}})
        if reply.end_call:
            break
    run.result = result_json(scenario.id, manager.state, turns)
    return run


def result_json(scenario_id: str, st: CallState, turns: list[dict[str, Any]]) -> dict[str, Any]:
    """DESIGN.md's result JSON for a finished call."""
    case = None
    if st.case is not None:
        case = {"number": st.case.number, "district": st.case.district,
                "address": st.case.address, "summary": st.case.description}
    category = st.case.category if st.case else st.category
    return {
        "id": scenario_id,
        "outcome": st.outcome.value,
        "category": category,
        "department": CATEGORIES[category].department if category else None,
        "emergency": st.emergency,
        "case": case,
        "handoff": st.handoff.as_json() if st.handoff else None,
        "turns": turns,
    }


@dataclass
class Check:
    scenario: str
    failures: list[str]
    run: Run


def check_run(scenario: Scenario, run: Run) -> Check:
    """Compare a result with the scenario's ``expect`` block (shared/scenarios/README.md)."""
    exp, res = scenario.expect, run.result
    case = res.get("case") or {}
    failures = []
    for key in ("outcome", "category", "department"):
        if key in exp and res.get(key) != exp[key]:
            failures.append(f"{key}: expected {exp[key]!r}, got {res.get(key)!r}")
    if "district" in exp and case.get("district") != exp["district"]:
        failures.append(f"district: expected {exp['district']!r}, got {case.get('district')!r}")
    if "emergency" in exp and res.get("emergency") not in exp["emergency"]:
        failures.append(f"emergency: expected one of {exp['emergency']}, "
                        f"got {res.get('emergency')!r}")
    reason = (res.get("handoff") or {}).get("reason")
    if "handoff_reason" in exp and reason != exp["handoff_reason"]:
        failures.append(f"handoff_reason: expected {exp['handoff_reason']!r}, got {reason!r}")
    if "address_contains" in exp and exp["address_contains"] not in (case.get("address") or ""):
        failures.append(f"address: expected to contain {exp['address_contains']!r}, "
                        f"got {case.get('address')!r}")
    simplified = set().union(*(simplified_chars(line) for line in run.bot_lines))
    if simplified:
        failures.append(f"Simplified characters in bot speech: {''.join(sorted(simplified))}")
    return Check(scenario.id, failures, run)


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def summary(checks: list[Check], scenarios: dict[str, Scenario]) -> dict[str, Any]:
    """The benchmark's figures: pass rate, per-field accuracy, latency."""
    def rate(key: str, ok: Any) -> dict[str, Any]:
        relevant = [c for c in checks if key in scenarios[c.scenario].expect]
        good = [c for c in relevant if ok(c)]
        return {"ok": len(good), "of": len(relevant),
                "rate": round(len(good) / len(relevant), 3) if relevant else None}

    def field_ok(name: str) -> Any:
        return lambda c: not any(f.startswith(name + ":") for f in c.failures)

    def share(pool: list[Check], bad: Any) -> dict[str, Any]:
        hits = [c.scenario for c in pool if bad(c)]
        return {"n": len(hits), "of": len(pool),
                "rate": round(len(hits) / len(pool), 3) if pool else None, "ids": hits}

    def expected(c: Check) -> dict[str, Any]:
        return scenarios[c.scenario].expect

    emergencies = [c for c in checks if expected(c).get("outcome") == "emergency_redirect"]
    others = [c for c in checks if "outcome" in expected(c) and c not in emergencies]
    filed = [c for c in checks if c.run.result.get("case") and "category" in expected(c)]
    plain = [t.dialog_ms for c in checks for t in c.run.timings if not t.used_llm]
    llm = [t.dialog_ms for c in checks for t in c.run.timings if t.used_llm]
    return {
        "scenarios": len(checks),
        "passed": sum(1 for c in checks if not c.failures),
        "outcome": rate("outcome", field_ok("outcome")),
        "emergency": rate("emergency", field_ok("emergency")),
        "category": rate("category", field_ok("category")),
        "district": rate("district", field_ok("district")),
        "address": rate("address_contains", field_ok("address")),
        # The bars: every emergency redirected, few non-emergencies redirected,
        # almost no case filed under the wrong category.
        "emergency_missed": share(emergencies, lambda c: c.run.result.get("emergency") is None),
        "false_emergency": share(others,
                                 lambda c: c.run.result.get("outcome") == "emergency_redirect"),
        "wrong_category_filed": share(
            filed, lambda c: c.run.result.get("category") != expected(c)["category"]),
        "simplified_lines": sum(1 for c in checks if any("Simplified" in f for f in c.failures)),
        "turn_ms_rules": {"n": len(plain), "p50": _r(percentile(plain, 50)),
                          "p95": _r(percentile(plain, 95))},
        "turn_ms_llm": {"n": len(llm), "p50": _r(percentile(llm, 50)),
                        "p95": _r(percentile(llm, 95))},
    }


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def dump(result: dict[str, Any]) -> str:
    return json.dumps(result, ensure_ascii=False, indent=1)
