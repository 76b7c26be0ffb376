"""Agent-first lines (``HOTLINE_ROUTING=agent_first``): the caller hears the data notice and
that a person is coming, the call is in the agents' queue at once, and what the caller says
while waiting is understood (the agent's draft) but not answered; when nobody accepts in time,
the bot takes the report or a call-back. The dialog with fakes; the call on its virtual clock."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest

from dialog.cases import CaseStore
from dialog.domain import EscalationReason, Outcome
from dialog.knowledge import KnowledgeBase
from dialog.manager import DialogManager
from dialog.nlu_llm import LLMUnderstanding
from dialog.state import Stage
from hotline.brain import DialogBrain
from hotline.calls import Call, CallPolicy, CallService
from hotline.config import ConfigError, load_settings
from hotline.desk.accounts import Agent, Role
from hotline.desk.views import queue_entry
from hotline.dialogs import DialogFactory
from hotline.hours import TAIPEI, Hours
from tests.fakes import (
    FakeVoice,
    ScriptedLLM,
    case_store,
    silence,
    sqlite_engine,
    vowel,
    wait_until,
)
from voice.asr import Transcript
from voice.channels.file import ScriptedCaller
from voice.clock import VirtualClock
from voice.events import BotHeard
from voice.frames import SAMPLE_RATE, Pcm
from voice.tts import VoiceBox

STREETLIGHT = "我要反映西屯區台灣大道三段的路燈不亮"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


@pytest.fixture
def waiting(kb: KnowledgeBase, tmp_path: Path) -> DialogManager:
    """An agent-first call just answered."""
    manager = DialogManager(kb, case_store(tmp_path))
    manager.start(agent_first=True)
    return manager


def bot_lines(manager: DialogManager) -> list[str]:
    return [t.text for t in manager.state.transcript if t.who == "bot"]


# ---- the dialog ------------------------------------------------------------------------------

def test_the_greeting_gives_the_notice_and_hands_the_call_over_at_once(
        kb: KnowledgeBase, tmp_path: Path) -> None:
    manager = DialogManager(kb, case_store(tmp_path))
    reply = manager.start(agent_first=True, recording=True)
    st = manager.state
    assert "個人資料保護法" in reply.text and "專人" in reply.text and "錄音" in reply.text
    assert reply.handoff is not None and reply.handoff.reason is EscalationReason.AGENT_FIRST
    assert st.stage is Stage.ESCALATED and reply.outcome is Outcome.ESCALATED


def test_what_the_caller_says_while_waiting_fills_the_draft_noted_once(
        waiting: DialogManager) -> None:
    said_before = len(bot_lines(waiting))
    first = waiting.handle(STREETLIGHT)
    then = waiting.handle("燈桿上面寫的編號是一二三四五")
    st = waiting.state
    assert "記下" in first.text and then.sentences == ()  # noted once, then silence
    assert len(bot_lines(waiting)) == said_before + 1  # saying nothing is no line
    assert st.category == "streetlight" and st.slots.get("district") == "西屯區"
    assert st.stage is Stage.ESCALATED and st.handoff is not None
    assert st.handoff.reason is EscalationReason.AGENT_FIRST
    assert "路燈" in st.handoff.summary and "西屯區" in st.handoff.summary
    assert st.handoff.suggestions and all(s.kb_id for s in st.handoff.suggestions[:1])
    assert st.case is None  # nothing is filed without the agent (or the caller's yes)


def test_small_talk_while_waiting_is_neither_answered_nor_the_description(
        waiting: DialogManager) -> None:
    reply = waiting.handle("喂？有人在嗎")
    assert reply.sentences == () and waiting.state.description == []


def test_an_emergency_while_waiting_is_redirected_at_once(waiting: DialogManager) -> None:
    reply = waiting.handle("我爸爸倒在地上叫不醒，也沒有在呼吸")
    assert "119" in reply.text and reply.emergency == "119"
    assert waiting.state.outcome is Outcome.EMERGENCY_REDIRECT


def test_a_category_only_the_llm_found_is_drafted(kb: KnowledgeBase, tmp_path: Path) -> None:
    llm = ScriptedLLM({"好多蚊子": "drainage"})
    manager = DialogManager(kb, case_store(tmp_path), LLMUnderstanding(llm))
    manager.start(agent_first=True)
    manager.handle("我家巷子口那邊好多蚊子一直飛出來")
    assert manager.state.category == "drainage" and llm.calls


def test_nobody_free_the_bot_takes_the_report_with_what_it_heard(
        waiting: DialogManager) -> None:
    waiting.handle(STREETLIGHT)
    offer = waiting.offer_callback()
    assert waiting.state.stage is Stage.OFFER_BOT
    assert "登記" in offer.text and "回電" in offer.text
    taken = waiting.handle("好，那你幫我登記")
    assert "由我為您登記" in taken.text and "西屯區" in taken.text  # read back at once
    filed = waiting.handle("對")
    st = waiting.state
    assert st.case is not None and st.case.number in filed.text
    assert st.outcome is Outcome.CASE_FILED and st.handoff is None
    assert st.case.district == "西屯區" and st.case.category == "streetlight"


def test_nobody_free_a_call_back_files_the_case_with_the_number(
        waiting: DialogManager) -> None:
    waiting.handle(STREETLIGHT)
    waiting.offer_callback()
    asked = waiting.handle("請你們回電給我")
    assert "電話" in asked.text
    filed = waiting.handle("0912345678")
    st = waiting.state
    assert st.case is not None and st.case.details.get("callback") is True
    assert st.case.details.get("phone") == "0912345678" and filed.end_call
    assert st.case.details.get("handoff_reason") == "agent_first"


def test_nobody_free_and_no_category_yet_the_bot_asks_what_happened(
        waiting: DialogManager) -> None:
    waiting.offer_callback()
    reply = waiting.handle("yes please, you file it")
    assert waiting.state.stage is Stage.OPEN and waiting.state.pending == "problem"
    assert reply.text


def test_after_the_bot_took_over_asking_for_a_person_offers_a_call_back(
        waiting: DialogManager) -> None:
    waiting.offer_callback()
    waiting.handle("幫我登記")
    reply = waiting.handle("我還是要找真人")
    assert waiting.state.stage is Stage.OFFER_CALLBACK and "回電" in reply.text
    assert waiting.state.handoff is None  # not queued again, with nobody free


def test_an_unclear_answer_to_the_offer_is_asked_again_then_the_bot_takes_it(
        waiting: DialogManager) -> None:
    waiting.offer_callback()
    again = waiting.handle("蛤？你剛剛說什麼")
    assert "回電" in again.text and waiting.state.stage is Stage.OFFER_BOT
    waiting.handle("蛤？")
    assert waiting.state.stage in (Stage.OPEN, Stage.COLLECT)


# ---- when: routing and the bot's hours --------------------------------------------------------

def at_taipei(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, 30, hour, minute, tzinfo=TAIPEI)


def test_bot_hours_span_midnight_on_the_citys_clock() -> None:
    night = Hours.parse("22:00-08:00")
    assert night.contain(at_taipei(23, 30)) and night.contain(at_taipei(7, 59))
    assert not night.contain(at_taipei(8)) and not night.contain(at_taipei(21, 59))
    # 14:00 UTC is 22:00 in Taichung
    assert night.contain(dt.datetime(2026, 11, 30, 14, 0, tzinfo=dt.UTC))
    lunch = Hours.parse("12:00-13:30, 18:00-24:00")
    assert lunch.contain(at_taipei(13, 29)) and not lunch.contain(at_taipei(13, 30))
    assert lunch.contain(at_taipei(23, 59))


@pytest.mark.parametrize("bad", ["22-08", "25:00-08:00", "08:00-08:00", "8:00-9:00", "", "x"])
def test_bad_hours_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match=r"HH:MM|span"):
        Hours.parse(bad)


def test_the_policy_routes_by_line_and_hour() -> None:
    assert not CallPolicy().agent_first(at_taipei(10))
    day = CallPolicy(routing="agent_first", bot_hours=Hours.parse("22:00-08:00"))
    assert day.agent_first(at_taipei(10)) and not day.agent_first(at_taipei(23))
    assert CallPolicy(routing="agent_first").agent_first(at_taipei(23))


def test_the_settings_check_routing_and_hours(clean_env: Path) -> None:
    settings = load_settings(routing="agent_first", bot_hours="22:00-08:00")
    assert settings.routing == "agent_first"
    with pytest.raises(ConfigError, match="bot_hours"):
        load_settings(bot_hours="22:00-32:00")
    with pytest.raises(ConfigError, match="routing"):
        load_settings(routing="agents")


# ---- the call, on its virtual clock -----------------------------------------------------------

class HeardByLength:
    """An ASR that hears the line whose length (seconds of ``vowel``) is nearest to how long
    the voice lasts (the fake vowel is above the threshold ~88 % of the time)."""

    def __init__(self, lines: dict[float, str]) -> None:
        self.lines = lines

    def transcribe(self, pcm: Pcm, language: str | None = None,
                   answer: bool = False) -> Transcript:
        voiced = int(np.count_nonzero(np.abs(pcm) > 200)) / SAMPLE_RATE / 0.88
        if voiced < 0.3:
            return Transcript("", language or "zh", 0.9)
        nearest = min(self.lines, key=lambda seconds: abs(seconds - voiced))
        return Transcript(self.lines[nearest], language or "zh", 0.9)


def reporting_caller(clock: VirtualClock) -> ScriptedCaller:
    """Says where a streetlight is out, then stays on the line, silent."""
    return ScriptedCaller([vowel(3.0), silence(300)], clock)


def opened(service: CallService, caller: ScriptedCaller, clock: VirtualClock) -> Call:
    """A call from a scripted caller, who speaks after the bot stops (as the bench's do)."""
    call = service.open(caller, clock=clock)
    call.listeners.append(lambda e: caller.bot_stopped() if isinstance(e, BotHeard) else None)
    return call


@pytest.fixture
async def agent_first_service(tmp_path: Path, kb: KnowledgeBase
                              ) -> AsyncIterator[CallService]:
    engine = sqlite_engine(tmp_path / "cases.db")
    service = CallService(DialogFactory(kb, CaseStore(engine), None),
                          HeardByLength({3.0: STREETLIGHT, 1.0: "好，你幫我登記"}),
                          VoiceBox({"zh": FakeVoice()}), [],
                          CallPolicy(agent_wait_s=90.0, hold_message_s=30.0,
                                     routing="agent_first"))
    yield service
    await service.close()


async def test_the_call_is_queued_at_once_and_its_words_reach_the_waiting_entry(
        agent_first_service: CallService) -> None:
    service, clock = agent_first_service, VirtualClock()
    async with clock.driving():
        call = opened(service, reporting_caller(clock), clock)
        await wait_until(lambda: call.queued)
        assert clock.now() <= 2.0  # in the queue before the greeting is over
        entry = queue_entry(call, 1)
        assert entry["reason"] == "agent_first" and call.state == "waiting_agent"
        await wait_until(lambda: "路燈" in queue_entry(call, 1)["summary"], within=30)
        entry = queue_entry(call, 1)
        assert entry["fields"]["district"] == "西屯區"
        assert entry["fields"]["category"] == "streetlight"
        # nobody accepts: hold messages, then (at 90 s) the bot offers to take it itself
        await wait_until(lambda: call.callback_offered, within=30)
        assert clock.now() >= 90.0
        await wait_until(lambda: any("幫我登記" in p for p in call.pipeline.stats.played),
                         within=30)
    assert call.dialog.stage is Stage.OFFER_BOT
    await service.end(call)


async def test_an_agent_who_accepts_gets_the_draft_and_the_bot_falls_silent(
        agent_first_service: CallService) -> None:
    service, clock = agent_first_service, VirtualClock()
    async with clock.driving():
        call = opened(service, reporting_caller(clock), clock)
        await wait_until(lambda: call.dialog.fields.get("category") == "streetlight",
                         within=30)
        agent = ScriptedCaller([], clock, patience_s=400)
        service._take(call, Agent("alice", Role.AGENT), agent)
        await asyncio.sleep(0)
        assert call.state == "agent" and call.pipeline.handed_over
        await clock.sleep(200)  # longer than the wait: no offer, no hold message
    assert not call.callback_offered
    assert not any("稍候" in p for p in call.pipeline.stats.played[1:])
    await service.end(call)


def test_with_a_person_on_the_call_the_description_is_the_problem_not_every_line(
        waiting: DialogManager) -> None:
    for line in ("喂你好", "北屯區崇德路二段的路燈壞了好幾天", "好", "在一百號前面", "對"):
        waiting.record("caller", line)
    st = waiting.state
    assert st.description == ["北屯區崇德路二段的路燈壞了好幾天"]
    assert st.category == "streetlight" and st.slots.get("district") == "北屯區"


def test_after_the_bot_took_over_no_path_leads_back_to_the_queue(
        waiting: DialogManager) -> None:
    """Nobody was free: a sensitive matter or repeated failure offers a call-back instead of
    a transfer to the agents who were just found busy."""
    waiting.offer_callback()
    waiting.handle("幫我登記")
    reply = waiting.handle("我要檢舉區公所的人收賄")
    assert waiting.state.stage is Stage.OFFER_CALLBACK and "回電" in reply.text


def test_no_call_back_means_file_it(waiting: DialogManager) -> None:
    waiting.handle(STREETLIGHT)
    waiting.offer_callback()
    reply = waiting.handle("不用回電，你直接幫我弄")
    assert waiting.state.stage is Stage.CONFIRM and "由我為您登記" in reply.text


def test_with_a_person_on_the_call_an_emergency_given_still_stands(
        waiting: DialogManager) -> None:
    brain = DialogBrain(waiting)
    brain.respond("我爸爸倒在地上叫不醒，也沒有在呼吸", 0.9)
    brain.with_agent = lambda _text: None  # an agent took the call
    turn = brain.respond("他現在好像有在動了", 0.9)
    assert turn.sentences == () and turn.emergency == "119"  # the flag is not cleared
