"""The agent desk with fakes for the models: a service with calls queued as text, served on
127.0.0.1 with two accounts (agent alice, supervisor sue). Used by API and browser tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from aiortc import RTCPeerConnection

from dialog.cases import CaseStore
from dialog.knowledge import KnowledgeBase
from hotline.calls import Call, CallPolicy, CallService
from hotline.calls.call import new_call
from hotline.config import Settings, load_settings
from hotline.db import make_engine
from hotline.desk.accounts import Accounts, Role
from hotline.dialogs import DialogFactory
from hotline.records import CallRecords
from hotline.server import CALLS, METRICS, create_app
from tests.fakes import FakeASR, FakeVoice, sqlite_engine
from voice.channels.base import Remote
from voice.channels.webrtc import WebRtcChannel
from voice.channels.webrtc_audio import BotAudioTrack
from voice.clock import Clock
from voice.tts import VoiceBox

Client = TestClient[web.Request, web.Application]
PASSWORD = "a long enough password"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


@dataclass
class Desk:
    client: Client
    service: CallService
    settings: Settings


@pytest.fixture
async def desk(clean_env: Path, kb: KnowledgeBase) -> AsyncIterator[Desk]:
    settings = load_settings(load_models=False, login_attempts_per_minute=5)
    engine = make_engine(settings.db_url)
    accounts = Accounts(engine)
    accounts.add("alice", PASSWORD)
    accounts.add("sue", PASSWORD, Role.SUPERVISOR)
    service = CallService(DialogFactory(kb, CaseStore(engine), None), FakeASR(),
                          VoiceBox({"zh": FakeVoice()}), [],
                          CallPolicy(calls_per_minute_per_ip=3), CallRecords(engine))
    app = create_app(settings)
    app[CALLS]["service"] = service
    service.on_call_ended = app[METRICS].call_ended  # as the server wires it
    service.on_suggestion_used = app[METRICS].suggestion_used
    async with TestClient(TestServer(app)) as client:
        yield Desk(client, service, settings)
        await service.close()


@pytest.fixture
async def service(tmp_path: Path, kb: KnowledgeBase) -> AsyncIterator[CallService]:
    """A call service with fakes for the models, without the web server (calls made with
    ``waiting_call``): two minutes' wait for an agent, a hold message every 30 s."""
    engine = sqlite_engine(tmp_path / "cases.db")
    service = CallService(DialogFactory(kb, CaseStore(engine), None), FakeASR(),
                          VoiceBox({"zh": FakeVoice()}), [],
                          CallPolicy(agent_wait_s=120.0, hold_message_s=30.0))
    yield service
    await service.close()


def waiting_call(service: CallService, *lines: str, waited: float = 0.0,
                 clock: Clock | None = None) -> Call:
    """A call the bot has handed off (its lines said as text), queued ``waited`` s ago."""
    manager = service.factory.new()
    manager.start()
    for line in lines:
        manager.handle(line)
    assert manager.state.handoff is not None or manager.state.emergency
    channel = WebRtcChannel(RTCPeerConnection(), Remote("127.0.0.1"), BotAudioTrack())
    call = new_call(manager.state.call_id, "token", channel, manager, service.asr,
                    service.voices, clock=clock)
    st = manager.state
    call.handoff = st.handoff.reason.value if st.handoff else None
    call.emergency = st.emergency
    call.waiting_since = call.clock.now() - waited
    service.calls[call.call_id] = call
    call.spawn(call.dispatch(), "events")  # (call from a test's event loop)
    return call
