"""While a call waits for a person: queue it, say "please hold" with the expected wait now
and then, and after the configured time offer a call-back instead.

It wakes on the call's events (the hand-off, the end of each bot turn) and on the agents'
acts (accept, the call's end), and otherwise sleeps on the call's clock until the next message
is due, so its tests run on virtual time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from hotline.calls.call import Call
from voice.events import BotAnswered, CallEvent, HungUp

log = logging.getLogger(__name__)


class Attendant:
    def __init__(self, call: Call, agent_wait_s: float, hold_message_s: float,
                 expected_wait: Callable[[Call], tuple[int, int]],
                 on_change: Callable[[], None]) -> None:
        self.call = call
        self.agent_wait_s = agent_wait_s
        self.hold_message_s = hold_message_s
        self.expected_wait = expected_wait  # (place in the queue, minutes)
        self.on_change = on_change  # the queue changed: the agents' views update
        self._poke = asyncio.Event()
        self._last_hold = 0.0
        call.listeners.append(self.notice)

    def notice(self, event: CallEvent) -> None:
        """A listener of the call's events: anything may make a message due or moot."""
        if isinstance(event, BotAnswered | HungUp) or self.call.waiting_since is not None:
            self._poke.set()

    def poke(self) -> None:
        """Something outside the call changed (an agent accepts, the call is ended)."""
        self._poke.set()

    def _done(self) -> bool:
        call = self.call
        return call.ended or call.agent is not None or call.callback_offered

    async def run(self) -> None:
        call = self.call
        while not self._done():
            self._poke.clear()
            if call.waiting_since is None:
                if call.handoff is None and call.emergency is None:
                    await self._wait(None)
                    continue
                self._queue()
                continue
            if call.handoff is None and call.emergency is None:
                self._unqueue()  # the caller said nobody is in danger: nothing for an agent
                continue
            if call.emergency is not None:  # told to call for help, not to hold
                await self._wait(None)
                continue
            if call.pipeline.speaking or call.accepting:
                await self._wait(None)  # never cut a message short (what was heard is kept)
                continue
            now = call.clock.now()
            callback_due = call.waiting_since + self.agent_wait_s
            hold_due = self._last_hold + self.hold_message_s
            if now >= callback_due:
                await self._offer_callback()
            elif now >= hold_due:
                await self._hold()
            else:
                await self._wait(min(callback_due, hold_due) - now)

    def _queue(self) -> None:
        """An emergency the bot redirected (110, 119, …) is flagged to the agents too, first
        in the queue, in case the caller stays on the line; the bot keeps the call meanwhile."""
        call = self.call
        call.waiting_since = self._last_hold = call.clock.now()
        if call.handoff is not None:
            handoff = call.dialog.handoff
            call.suggestions = list(handoff.suggestions) if handoff else []
            call.pipeline.on_hold = True
        log.info("call %s waits for an agent (%s)", call.call_id,
                 call.handoff or f"emergency {call.emergency}")
        self.on_change()

    def _unqueue(self) -> None:
        self.call.waiting_since = None
        log.info("call %s no longer waits for an agent", self.call.call_id)
        self.on_change()

    async def _offer_callback(self) -> None:
        call = self.call
        call.waiting_since = None
        call.callback_offered = True
        call.pipeline.on_hold = False
        self.on_change()
        turn = await call.clock.run(call.brain.offer_callback)
        if call.agent is None and not call.ended:
            call.pipeline.say(turn)
        log.info("call %s: no agent in time, call-back offered", call.call_id)

    async def _hold(self) -> None:
        call = self.call
        self._last_hold = call.clock.now()
        position, minutes = self.expected_wait(call)
        turn = await call.clock.run(call.brain.hold, position, minutes)
        if call.queued:  # not accepted meanwhile
            call.pipeline.say(turn)

    async def _wait(self, seconds: float | None) -> None:
        """Until poked, or ``seconds`` of call time have passed."""
        poked = asyncio.ensure_future(self._poke.wait())
        if seconds is None:
            await poked
            return
        slept = asyncio.ensure_future(self.call.clock.sleep(seconds))
        try:
            await asyncio.wait({poked, slept}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            poked.cancel()
            slept.cancel()
