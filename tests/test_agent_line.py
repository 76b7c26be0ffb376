"""An agent's line on the call clock (virtual time, fakes for the models): the agent's voice
reaches the caller and the transcript; when the agent's line drops, the bot takes the call back
and offers a call-back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import numpy as np
import pytest

from dialog.state import Stage
from hotline.calls import CallConflict, CallService
from hotline.desk.accounts import Agent, Role
from tests.agent_desk import waiting_call
from tests.fakes import silence, vowel, wait_until
from voice.channels.base import Digit
from voice.channels.file import ScriptedCaller
from voice.clock import VirtualClock, WallClock
from voice.frames import Pcm

ALICE = Agent("alice", Role.AGENT)


async def test_the_agents_voice_reaches_the_caller_and_the_transcript(
        service: CallService) -> None:
    clock = VirtualClock()
    call = waiting_call(service, "我要找真人", clock=clock)
    agent = ScriptedCaller([np.concatenate([vowel(1.5), silence(0.5)])], clock, patience_s=1.0)
    async with clock.driving():
        service._take(call, ALICE, agent)
        assert call.pipeline.handed_over and call.state == "agent"
        await clock.sleep(6)  # the agent speaks after a second's silence
        await wait_until(lambda: any(t.who == "agent" for t in call.dialog.transcript))
    said = [t for t in call.dialog.transcript if t.who == "agent"]
    heard_s = float(said[0].text.removeprefix("說了").removesuffix("秒"))  # the fake's way
    assert 1.5 <= heard_s < 2.5  # the agent's whole utterance
    assert call.channel.out.pending_seconds >= 1.5  # relayed to the caller as it came
    await service.end(call)


async def test_when_the_agents_line_drops_the_bot_offers_a_call_back(
        service: CallService) -> None:
    clock = VirtualClock()
    call = waiting_call(service, "我要找真人", clock=clock)
    agent = ScriptedCaller([], clock)
    async with clock.driving():
        service._take(call, ALICE, agent)
        await clock.sleep(5)
        await agent.hang_up()  # the agent's browser is gone
        await wait_until(lambda: any("回電" in p for p in call.pipeline.stats.played))
    assert call.agent_left and call.callback_offered and not call.pipeline.handed_over
    assert call.dialog.stage is Stage.OFFER_CALLBACK and "回電" in call.dialog.transcript[-1].text
    assert call.state == "bot"
    await service.end(call)


async def test_a_call_that_ends_by_itself_leaves_nothing_running(service: CallService) -> None:
    """The caller hangs up (the channel's audio ends): the record is kept and every task of
    the call stops — its event dispatch too, which would otherwise wait for ever."""
    class HangsUpAtOnce(ScriptedCaller):
        async def inbound(self) -> AsyncIterator[Pcm | Digit]:
            for _ in range(10):  # 200 ms of silence, then the line ends
                yield silence(0.02)
                await self.clock.sleep(0.02)

    call = service.open(HangsUpAtOnce([], WallClock()))
    await asyncio.wait_for(call.finished.wait(), 5)
    await wait_until(lambda: not call.tasks)
    assert call.pipeline.stats.hangup_reason == "caller_hung_up"


def _peak(call_channel: object) -> int:
    frames = list(getattr(call_channel.out, "_frames", []))  # type: ignore[attr-defined]
    return int(max((np.abs(f).max() for f in frames), default=0))


async def test_on_hold_the_caller_hears_the_notice_not_the_agent(
        service: CallService) -> None:
    clock = VirtualClock()
    call = waiting_call(service, "我要找真人", clock=clock)
    # the agent speaks at 3 s (on hold), and again at 12 s (back on the line)
    agent = ScriptedCaller([np.concatenate([silence(2.0), vowel(1.0), silence(0.5)]),
                            np.concatenate([silence(4.0), vowel(1.0), silence(0.5)])],
                           clock, patience_s=1.0)
    async with clock.driving():
        service._take(call, ALICE, agent)
        service.hold(call, ALICE, True)
        await clock.sleep(5)
        held = _peak(call.channel)
        assert call.agent_hold and 0 < held < 4000  # the notice (quiet fake voice) only
        call.channel.out.clear()
        service.hold(call, ALICE, False)
        await clock.sleep(10)
    assert _peak(call.channel) > 6000  # the agent's voice again
    assert sum(t.who == "agent" for t in call.dialog.transcript) == 2  # both still heard
    other = waiting_call(service, "我要找真人")
    with pytest.raises(CallConflict):
        service.hold(other, ALICE, True)  # not alice's call
    await service.end(call)
    await service.end(other)
