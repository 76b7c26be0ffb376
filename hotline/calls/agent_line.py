"""An agent's line: the person who took a call, on a channel of their own.

The agent's voice goes to the caller as it comes and into the transcript (recognised aside,
so the relay never stalls); the caller's voice reaches the agent through the call's pump.
"""

from __future__ import annotations

import logging
from concurrent.futures import Executor

from hotline.calls.call import Call
from voice.asr import Recognizer, Transcript
from voice.channels.base import Channel, Digit
from voice.decode_gate import DecodeGate
from voice.events import SpeechStopped
from voice.frames import FRAME_SAMPLES, SAMPLE_RATE, Pcm
from voice.vad import Endpointer

log = logging.getLogger(__name__)


class AgentLine:
    def __init__(self, call: Call, channel: Channel, asr: Recognizer, gate: DecodeGate,
                 executor: Executor) -> None:
        self.call = call
        self.channel = channel
        self.asr = asr
        self.gate = gate
        self.executor = executor

    async def listen(self) -> None:
        """The agent's voice: to the caller as it comes, and into the transcript."""
        call = self.call
        endpointer = Endpointer()
        t = 0.0
        async for pcm in self.channel.inbound():
            if isinstance(pcm, Digit):
                continue
            if not call.agent_hold:  # (on hold the caller hears the hold notice instead)
                call.channel.out.relay(pcm)
            for start in range(0, len(pcm) - FRAME_SAMPLES + 1, FRAME_SAMPLES):
                for event in endpointer.push(pcm[start:start + FRAME_SAMPLES], t):
                    if isinstance(event, SpeechStopped):
                        call.spawn(self._transcribe(event.audio), "agent-asr")
                t += FRAME_SAMPLES / SAMPLE_RATE
        log.info("call %s: agent audio ended", call.call_id)

    async def _transcribe(self, audio: Pcm) -> None:
        call = self.call

        def decode() -> Transcript:
            with self.gate.turn(final=True):
                return self.asr.transcribe(audio, call.dialog.lang)

        try:
            text = await call.clock.run(decode, executor=self.executor)
        except Exception:  # one lost line of the agent's, never the call
            log.exception("call %s: agent speech recognition failed", call.call_id)
            return
        if text.text:
            await call.clock.run(call.brain.record, "agent", text.text)  # wakes the views
