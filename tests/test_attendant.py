"""The attendant on the call's clock (virtual time, fakes for the models): a waiting caller
hears hold messages and, after the agreed wait, a call-back offer; an emergency is flagged
without them; an agent's accept silences it at once, even one that lands mid-message."""

from __future__ import annotations

import asyncio
import time

import pytest

from hotline.calls import Call, CallService
from hotline.desk.accounts import Agent, Role
from tests.agent_desk import waiting_call
from tests.fakes import wait_until
from voice.channels.file import ScriptedCaller
from voice.clock import VirtualClock
from voice.events import BotAnswered, BotTurn

HOLD = "請稍候"
CALLBACK = "回電"


def handed_off(service: CallService, clock: VirtualClock, *lines: str) -> Call:
    """A call whose dialog has just handed off: not queued yet; the pipeline is about to
    tell its call (as a live one does, in a ``BotAnswered`` event)."""
    call = waiting_call(service, *lines, clock=clock)
    call.waiting_since = None
    call.handoff = call.emergency = None
    st = call.manager.state
    call.events.put_nowait(BotAnswered(clock.now(), BotTurn(
        ("好的。",), "zh", handoff=st.handoff.reason.value if st.handoff else None,
        emergency=st.emergency)))
    return call


def bot_lines(call: Call) -> list[str]:
    return [t.text for t in call.manager.state.transcript if t.who == "bot"]


async def test_hold_messages_then_a_call_back_offer_on_the_call_clock(
        service: CallService) -> None:
    clock = VirtualClock()
    call = handed_off(service, clock, "我要找真人")
    said_before = len(bot_lines(call))
    started = time.monotonic()
    async with clock.driving():
        await asyncio.wait_for(service.attendant(call).run(), 10)  # 2 minutes of call time
        offered_at = clock.now()
        await wait_until(lambda: not call.pipeline.speaking)
    assert time.monotonic() - started < 5  # virtual time: no waiting in the test
    said = bot_lines(call)[said_before:]
    holds = [s for s in said if HOLD in s]
    assert len(holds) == 3  # at 30, 60 and 90 s
    assert CALLBACK in said[-1] and call.callback_offered and not call.queued
    assert 120.0 <= offered_at < 121.0
    assert not call.pipeline.on_hold and call.state != "waiting_agent"


async def test_the_queue_sees_the_call_as_soon_as_the_dialog_hands_it_off(
        service: CallService) -> None:
    clock = VirtualClock()
    call = handed_off(service, clock, "我要找真人")
    seen = service.version
    async with clock.driving():
        attendant = asyncio.create_task(service.attendant(call).run())
        await wait_until(lambda: call.queued)
        assert call.waiting_since == 0.0 and service.version > seen  # no polling interval
        assert call.pipeline.on_hold and call.state == "waiting_agent"
        assert service.queue() == [call]
        attendant.cancel()


async def test_an_emergency_is_flagged_without_hold_messages(service: CallService) -> None:
    clock = VirtualClock()
    call = handed_off(service, clock, "我爸爸昏倒了沒有呼吸")
    said_before = len(bot_lines(call))
    async with clock.driving():
        attendant = asyncio.create_task(service.attendant(call).run())
        await wait_until(lambda: call.queued)
        await clock.sleep(600)  # ten minutes on the line
        assert call.queued and call.emergency == "119" and call.state != "waiting_agent"
        assert not attendant.done()
        attendant.cancel()
    said = bot_lines(call)[said_before:]
    assert not any(HOLD in s or CALLBACK in s for s in said) and not call.callback_offered


async def test_an_agent_who_accepts_silences_the_attendant_at_once(
        service: CallService) -> None:
    clock = VirtualClock()
    call = handed_off(service, clock, "我要找真人")
    said_before = len(bot_lines(call))
    async def attend() -> float:
        await service.attendant(call).run()
        return clock.now()

    async with clock.driving():
        attendant = asyncio.create_task(attend())
        await clock.sleep(20)  # before the first hold message is due
        assert call.queued
        service._take(call, Agent("alice", Role.AGENT), ScriptedCaller([], clock))
        assert await asyncio.wait_for(attendant, 5) == 20.0  # woken by the accept at once
        await clock.sleep(300)
    assert not any(HOLD in s for s in bot_lines(call)[said_before:])
    assert call.state == "agent" and not call.queued


async def test_an_accept_that_lands_while_a_hold_message_is_made_is_not_followed_by_it(
        service: CallService, monkeypatch: pytest.MonkeyPatch) -> None:
    """The race the polling attendant lost: the agent has the caller, and the caller then
    heard "please hold"."""
    clock = VirtualClock()
    call = handed_off(service, clock, "我要找真人")
    hold = call.brain.hold

    def accepted_meanwhile(position: int, minutes: int) -> BotTurn:
        turn = hold(position, minutes)
        call.agent = Agent("alice", Role.AGENT)  # the accept, while the dialog was busy
        return turn

    monkeypatch.setattr(call.brain, "hold", accepted_meanwhile)
    async with clock.driving():
        await asyncio.wait_for(service.attendant(call).run(), 5)
        await clock.sleep(5)
    assert call.pipeline.stats.played == []  # the hold message was never spoken
