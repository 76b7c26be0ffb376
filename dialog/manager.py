"""The dialog manager: one per call. Text in, what to say (and do) out.

Each turn: emergency first, then a request for a person, sensitive matters, the answer to the
question the bot asked, and only then open understanding (rules, knowledge base, LLM).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from dataclasses import replace
from typing import Protocol

from dialog import phrases
from dialog.cases import Case, CaseDraft
from dialog.cues import (
    DANGER_NOW,
    NO_DANGER,
    announces_request,
    checks_the_line,
    describes_problem,
    has_content_beyond_answer,
    has_content_beyond_place,
    is_preamble,
    switched_matter,
    the_matter,
)
from dialog.domain import EscalationReason
from dialog.emergency import Emergency, detect, taken_back
from dialog.handoff import Handoff, suggest_replies, summarise
from dialog.knowledge import KnowledgeBase
from dialog.nlu_llm import LLMReading, LLMUnderstanding
from dialog.places_zh import MandarinPlaces
from dialog.report import (
    next_question,
    question_key,
    question_text,
    read_back,
    take_slots,
)
from dialog.rules.categories import CHOSE_OTHER, best_category, category_scores, chosen_category
from dialog.rules.details import find_phone
from dialog.rules.intents import Intents, clarifies_only, find_intents, starts_with_yes
from dialog.rules.places import written_address
from dialog.state import CallState, DangerCheck, Reply, Stage
from dialog.text import language_of, mask_pii, normalise
from dialog.transcript import TranscriptLine

log = logging.getLogger(__name__)

MAX_TURN_CHARS = 2000  # a longer turn is cut: nobody reports a pothole in 10,000 characters
LOW_ASR_CONFIDENCE = 0.35


# Talk about the call itself (等一下，我問一下我老婆; the line is bad): no detail of the problem.
_FILLER = re.compile(r"等一下|等等|問一下|聽不(到|清楚)|收訊|訊號|斷斷續續|"
                     r"\b(sorry|hear|hold on|wait|line is bad|bad line)\b", re.IGNORECASE)

class CaseSink(Protocol):
    def file(self, draft: CaseDraft) -> Case: ...

    def update(self, number: str, draft: CaseDraft) -> Case: ...


class DialogManager:
    """State and policy of one call."""

    def __init__(self, kb: KnowledgeBase, cases: CaseSink, llm: LLMUnderstanding | None = None,
                 call_id: str | None = None, always_consult_llm: bool = False) -> None:
        self.kb = kb
        self.cases = cases
        self.llm = llm
        # For the latency benchmark: ask the LLM on every open turn, even when rules are sure.
        self.always_consult_llm = always_consult_llm
        self.state = CallState(call_id or uuid.uuid4().hex)
        self._used_llm = False

    # ---- public -----------------------------------------------------------------------------

    def start(self, recording: bool = False, keypad: bool = False,
              agent_first: bool = False) -> Reply:
        """The greeting, with the personal-data notice (and, when the audio is kept, that
        the call is recorded) and the way to reach a person (on a phone: a key too).

        ``agent_first``: the line puts every call to an agent; the caller hears the notice and
        that a person is coming, the call is handed over at once, and what the caller says
        while waiting is only understood (the agent's draft), not answered."""
        st = self.state
        if agent_first:
            text = [phrases.say("zh", "agent_first_greeting"),
                    phrases.say("zh", "greeting_en_hint")]
            if recording:
                text.insert(0, phrases.say("zh", "recording_notice"))
            st.handoff = self._handoff(EscalationReason.AGENT_FIRST)
            st.stage, st.pending = Stage.ESCALATED, None
            return self._reply(text)
        text = [phrases.say("zh", "greeting")]
        if keypad:
            text.append(phrases.say("zh", "keypad_hint"))
        text.append(phrases.say("zh", "greeting_en_hint"))
        if keypad:
            text.append(phrases.say("zh", "keypad_hint_en"))
        if recording:  # first, as hotlines do, before anything is said
            text.insert(0, phrases.say("zh", "recording_notice"))
        st.pending = "problem"
        return self._reply(text)

    def keyed(self, keys: str) -> Reply:
        """Keys pressed on a phone: 0 alone asks for a person; digits (ended by # or a
        pause) are taken as if the caller had said them (a phone or lamp-post number)."""
        self._used_llm = False
        st = self.state
        try:
            if keys == "0" and st.stage not in (Stage.EMERGENCY, Stage.ENDED, Stage.OFFER_BOT,
                                                Stage.OFFER_CALLBACK, Stage.CALLBACK_PHONE):
                self._log("caller", "[0]")
                if st.stage is Stage.ESCALATED:
                    return self._reply([phrases.say(st.lang, "handoff")])
                return self._person()
            digits = "".join(k for k in keys if k.isdigit())
            if not digits:
                return self._reply([])
            self._log("caller", digits)
            return self._route(digits)  # keys are no speech: no language, no danger words
        except Exception:
            log.exception("dialog turn on keys failed (call %s)", st.call_id)
            return self._reply([phrases.say(st.lang, "fallback")])

    def anticipate(self, text: str) -> None:
        """The caller may be about to say ``text`` (a speculative transcript): if a turn
        would ask the LLM about it, ask now, so the reading is ready when the turn comes.
        Reads the state without changing it; a wrong guess costs only the LLM's time."""
        if self.llm is None or self.state.stage not in (Stage.OPEN, Stage.AFTER):
            return
        words = _caller_text(text)
        if words and not is_preamble(words) and best_category(words)[2] < 2 and \
                has_content_beyond_place(words):
            self.llm.read(words)

    def handle(self, text: str, asr_confidence: float | None = None) -> Reply:
        """One caller turn. Never raises: a failure gives a spoken apology, the state kept."""
        self._used_llm = False
        try:
            return self._handle(text, asr_confidence)
        except Exception:
            log.exception("dialog turn failed (call %s)", self.state.call_id)
            return self._reply([phrases.say(self.state.lang, "fallback")])

    def hold(self, position: int, wait_minutes: int) -> Reply:
        """What a caller waiting for an agent hears now and then."""
        st = self.state
        if position <= 1:
            return self._reply([phrases.say(st.lang, "hold_next")])
        return self._reply([phrases.say(st.lang, "hold", minutes=str(max(1, wait_minutes)))])

    def offer_callback(self, agent_lost: bool = False) -> Reply:
        """No agent accepted in time (or the agent's line dropped): offer a case with a
        call-back instead (on an agent-first line: the bot takes the report, or a call-back)."""
        st = self.state
        if not agent_lost and self._agent_first() and st.stage is Stage.ESCALATED:
            st.stage = Stage.OFFER_BOT
            return self._ask("take_or_callback", [phrases.say(st.lang, "agent_first_offer")])
        st.stage = Stage.OFFER_CALLBACK
        key = "callback_offer_agent_lost" if agent_lost else "callback_offer"
        return self._ask("callback", [phrases.say(st.lang, key)])

    def record(self, who: str, text: str) -> None:
        """A line said while an agent has the call: kept in the transcript, and what the
        caller says still fills the case form (the agent sees it, the bot says nothing)."""
        text = (text or "") if who == "bot" else _caller_text(text)
        if not text:
            return
        self._log(who, text)
        if who == "caller":
            st = self.state
            danger = detect(text)
            if danger is not None and danger.kind not in st.cleared:
                st.alert = danger.number
            if st.category is None:  # rules only: the form is a draft the agent corrects
                category, _conf, score = best_category(text)
                if category and score >= 2:
                    st.category, st.category_score = category, score
            take_slots(self.state, text, correcting=False)
            self._describe(text)

    def _describe(self, text: str) -> None:
        """The case's description is the problem in the caller's words: lines that describe
        one (not 「好」, 「在北區」 or small talk)."""
        if describes_problem(text) or category_scores(text):
            self.state.description.append(text)

    def _agent_first(self) -> bool:
        handoff = self.state.handoff
        return handoff is not None and handoff.reason is EscalationReason.AGENT_FIRST

    def _listen(self, text: str) -> Reply:
        """Agent-first, waiting for the agent: understand what the caller says (the draft
        and summary the agent will see), answer nothing but a first "noted"."""
        st = self.state
        had = (st.category, dict(st.slots))
        if st.category is None:
            category, _conf, score = best_category(text)
            if score < 2 and self.llm is not None and has_content_beyond_place(text):
                self._used_llm = True
                agreed = _llm_category(self.llm.read(text), text)
                if agreed:
                    category, score = agreed, 2
            if category and score >= 1:  # a draft: the agent sees it unconfirmed and fixes it
                st.category, st.category_score = category, score
        take_slots(self.state, text, correcting=False)
        self._describe(text)
        st.handoff = self._handoff(EscalationReason.AGENT_FIRST)
        if st.acknowledged or (st.category, st.slots) == had:
            return self._reply([])
        st.acknowledged = True
        return self._reply([phrases.say(st.lang, "agent_first_noted")])

    def _person(self) -> Reply:
        """The caller asks for a person: the queue (or, where the agents were found all busy
        already, a call-back: see ``_escalate``)."""
        return self._escalate(EscalationReason.CALLER_REQUEST, "handoff")

    def _take_or_callback(self, text: str, intents: Intents) -> Reply:
        """Agent-first, nobody free: the caller chose the bot (it takes the report) or a
        call-back."""
        st = self.state
        wants_callback = bool(_CALLBACK.search(text)) and not _NO_CALLBACK.search(text)
        if wants_callback:
            st.stage = Stage.CALLBACK_PHONE
            return self._callback(text, intents)
        take = bool(_TAKE_REPORT.search(text)) or (intents.yes and not intents.no) or \
            bool(_NO_CALLBACK.search(text))
        if not take and (intents.no or intents.done):
            st.stage = Stage.ENDED
            return self._reply([phrases.say(st.lang, "goodbye")], end=True)
        if not take:
            misses = st.failures["take_or_callback"] = st.failures.get("take_or_callback", 0) + 1
            if misses < 2:
                return self._ask("take_or_callback", [phrases.say(st.lang, "repeat"),
                                                      phrases.say(st.lang, "agent_first_offer")])
        # The bot has the call now: what it understood while the caller waited carries on.
        st.handoff, st.pending, st.agents_busy = None, None, True
        take_slots(self.state, text, correcting=False)
        said = phrases.say(st.lang, "agent_first_take")
        if st.category is None:
            st.stage = Stage.OPEN
            return self._ask("problem", [said, phrases.say(st.lang, "ask_problem")])
        st.stage = Stage.COLLECT
        question = next_question(self.state)
        if question is None:
            st.stage = Stage.CONFIRM
            return self._ask("confirm", [said, *read_back(self.state)])
        return self._ask(question, [said, question_text(self.state, question)])

    def heard(self, text: str, interrupted: bool, entry: TranscriptLine | None = None) -> None:
        """What the caller actually heard of a bot turn (``entry``, its transcript line; by
        default the last): after a barge-in, only the part played stays (marked interrupted)."""
        lines = self.state.transcript
        at = next((i for i in range(len(lines) - 1, -1, -1)
                   if (lines[i] is entry if entry is not None else lines[i].who == "bot")), None)
        if at is not None:
            lines[at] = replace(lines[at], text=text, interrupted=interrupted)

    # ---- one turn -----------------------------------------------------------------------------

    def _handle(self, raw: str, asr_confidence: float | None) -> Reply:
        st = self.state
        text = _caller_text(raw)
        self._log("caller", text)
        # What a caller says is theirs: never in the log at INFO, and masked even at DEBUG.
        log.debug("call %s caller: %s", st.call_id, mask_pii(text))
        lang = language_of(text)
        # One short English word in a Mandarin call is more often a Mandarin word misheard
        # (好 came out as "call") than a caller changing language: it takes two words.
        spoke_zh = any(language_of(line) == "zh" for line in st.caller_lines()[:-1])
        one_word_en = lang == "en" and len(text.split()) < 2 and spoke_zh
        if lang and (lang == st.lang or (len(text) >= 4 and not one_word_en)):
            st.lang = lang

        again = detect(text)
        if st.stage is Stage.EMERGENCY and again is None and taken_back(text):
            # 瓦斯行測過了，管線沒問題，是水溝堵住: what sounded like danger was not; the caller
            # has a report, and the call goes on with it
            st.emergency, st.stage = None, Stage.OPEN
            return self._route(text)
        if st.stage is Stage.EMERGENCY and not (again and (again.certain or (
                again.kind != "possible" and again.number != st.emergency))):
            # redirected already: only a certain emergency, or signs that need another
            # service (1925, then pills swallowed: 119), redirect again; else the number
            number = st.emergency or ""
            return self._reply([phrases.say(st.lang, "emergency_repeat", number=number)])
        if not lang and not _NUMBER.search(text):  # silence, noise, emoji, punctuation
            return self._not_understood()
        if asr_confidence is not None and asr_confidence < LOW_ASR_CONFIDENCE:
            st.low_confidence_turns += 1
            if st.low_confidence_turns >= 2:
                return self._escalate(EscalationReason.LOW_CONFIDENCE, "handoff_low_confidence")
            return self._reply([phrases.say(st.lang, "repeat")])
        st.low_confidence_turns = 0

        emergency = again
        if st.stage is Stage.DANGER_CHECK:
            return self._danger_answer(text, emergency)
        if emergency and (emergency.certain or emergency.kind in st.cleared):
            if emergency.certain:
                return self._redirect(emergency)
            emergency = None  # the caller said nobody is in danger: not asked twice
        if emergency:
            # Signs of danger: the number at once, and the question whether it is now. The
            # turn is still understood, so the call can go on where it was.
            normal = self._route(text)
            st.danger = DangerCheck(emergency, st.stage, st.pending, normal.sentences)
            st.emergency, st.stage = emergency.number, Stage.DANGER_CHECK
            return self._ask("danger", phrases.danger_check_text(st.lang, emergency.number,
                                                                 emergency.also))
        return self._route(text)

    def _redirect(self, emergency: Emergency) -> Reply:
        st = self.state
        st.emergency, st.stage = emergency.number, Stage.EMERGENCY
        return self._reply([phrases.emergency_text(st.lang, emergency.kind, emergency.number,
                                                   emergency.also)])

    def _danger_answer(self, text: str, emergency: Emergency | None) -> Reply:
        """The answer to "is someone in danger now?"."""
        st = self.state
        check = st.danger
        assert check is not None
        intents = find_intents(text)
        # "Is someone in danger now?" is answered 有 / 沒有 as often as 對 / 不是.
        said_no = intents.no or bool(NO_DANGER.match(text))
        said_yes = (intents.yes or bool(DANGER_NOW.match(text))) and not said_no
        # Signs of danger again, in the answer itself, unless it opens with a no: a yes (the
        # child crying 「不要打我」 is no "no").
        if emergency is not None and (emergency.certain or not NO_DANGER.match(text)):
            if emergency.kind == "possible":  # only the model heard it: the service the rules
                other = "110" if check.emergency.number != "110" else "119"  # named, and both
                emergency = Emergency(check.emergency.number, "possible", other, certain=False)
            return self._redirect(emergency)
        if said_yes:
            return self._redirect(Emergency(check.emergency.number, check.emergency.kind,
                                            check.emergency.also))
        st.stage, st.pending, st.danger = check.stage, check.pending, None
        if said_no:
            st.emergency = None
            st.cleared.add(check.emergency.kind)
            if not has_content_beyond_answer(text):
                return self._ask(st.pending or "problem", [phrases.say(st.lang, "go_on"),
                                                           *check.then])
        return self._route(text)

    def _route(self, text: str) -> Reply:
        """A turn with no emergency in it: what the caller wants, given where the call is."""
        st = self.state
        if st.stage is Stage.ESCALATED:
            if self._agent_first():
                return self._listen(text)
            return self._reply([phrases.say(st.lang, "handoff")])
        if st.stage is Stage.OFFER_BOT:
            return self._take_or_callback(text, find_intents(text))
        if st.stage in (Stage.OFFER_CALLBACK, Stage.CALLBACK_PHONE):
            return self._callback(text, find_intents(text))
        if st.stage is Stage.ENDED:
            return self._reply([phrases.say(st.lang, "goodbye")], end=True)

        intents = find_intents(text)
        if intents.human:
            return self._person()
        if intents.sensitive and st.stage not in (Stage.CONFIRM, Stage.CORRECT):
            return self._escalate(EscalationReason.SENSITIVE, "handoff_sensitive")

        if st.stage in (Stage.COLLECT, Stage.CONFIRM, Stage.CORRECT):
            switched = self._switched(text)
            if switched is not None:
                return switched
        if st.stage is Stage.OFFER_HUMAN:
            if intents.yes:
                return self._escalate(st.offer_reason or EscalationReason.OUT_OF_SCOPE, "handoff")
            if intents.no:
                st.stage = Stage.AFTER
                return self._ask("anything_else", [phrases.say(st.lang, "no_problem")])
        if st.stage in (Stage.CONFIRM, Stage.CORRECT):
            return self._confirming(text, intents)
        if st.stage is Stage.AFTER:
            # (「沒有漏氣啦，是騎樓被佔掉了」: a no inside a new report is the report)
            if (intents.no or intents.done) and not (
                    best_category(text)[2] >= 3 and not _DONE_ANYWAY.search(text)):
                st.stage = Stage.ENDED
                return self._reply([phrases.say(st.lang, "goodbye")], end=True)
            self._new_request()
        if st.stage is Stage.COLLECT:
            return self._collect(text, intents)
        return self._open(text, intents)

    def _open(self, text: str, intents: Intents) -> Reply:
        """Nothing in progress: a report, a question, or something else?"""
        st = self.state
        if st.pending == "category" and st.unlabelled is not None:
            picked = self._picked(text)
            if picked is not None:
                return picked
        if is_preamble(text):  # 你好，我想請問一下: the request is still to come
            if announces_request(text):
                return self._ask("problem", [phrases.say(st.lang, "ask_problem")])
            return self._not_understood()  # 嗯……那個……: nothing yet, and that counts
        matter = the_matter(text)
        if matter != text and is_preamble(matter):
            # "a fire next door last month, I'm not calling about that": nothing to label (the
            # LLM would guess a category from the words set aside); ask what the matter is
            return self._ask("problem", [phrases.say(st.lang, "ask_problem")])
        text = matter
        early = None
        if self.always_consult_llm and self.llm:
            early = self.llm.read(text)
            self._used_llm = True
        category, _conf, score = best_category(text)
        # The knowledge base answers questions; a report that happens to share words with an
        # entry (水淹起來 ~ 停水) must not get an answer instead of a case.
        problem = describes_problem(text)
        # 廣場要搭棚子，臨時用電去哪裡申請: a question how to apply is answered, whatever it names
        # (a problem described and asked about, 溜滑梯壞了要去哪裡申請, stays a report)
        applying = bool(_APPLYING.search(text)) and not problem and not _REPAIR.search(text)
        hit = self.kb.answer(text) if intents.question or score < 3 or applying else None
        # (another agency's matter said as a problem, 一直跳電, every word of a phrasing and no
        # word of any category of ours: the referral is the answer, 1911)
        referral = hit is not None and bool(hit.entry.refer) and score == 0 and \
            hit.coverage >= 0.99
        if hit is not None and problem and (score >= 2 or not intents.question) \
                and not referral and not applying:
            hit = None
        if hit is not None and score >= 3 and not applying and category and \
                category not in category_scores(" ".join((
                    hit.entry.title, hit.entry.title_en, *hit.entry.questions,
                    *hit.entry.questions_en))):
            # 行人綠燈只有十秒，老人家走不過去，可以調長嗎: a report said as a request; the
            # answer (113, for 老人家) is about something else than what the words report
            hit = None
        if hit is not None and not intents.question and score > 0 and not (
                hit.score >= 5 and hit.coverage >= 0.5) and not referral and not applying:
            hit = None  # only a clear match answers what was not asked as a question
        if hit is not None and not intents.question and not applying and not problem and (
                (_REPORTING.search(text) and hit.coverage < 0.99) or (
                    not hit.entry.refer and not has_content_beyond_place(text))):
            # 北區梅川東路四段一百號附近的人行道 / 我要檢舉那邊一間瓦斯行: only a place, or a
            # report announced; what it is about comes next, and no entry answers it yet
            hit = None
        if hit is None and score >= 2 and category:
            return self._begin_report(category, score, text)
        if hit is not None:
            st.answered.append(hit.entry.id)
            st.stage = Stage.AFTER
            st.pending = "anything_else"
            return self._reply([hit.entry.answer_in(st.lang), phrases.say(st.lang, "kb_more")],
                               kb_ids=(hit.entry.id,))
        if intents.out_of_scope:
            return self._offer_human(EscalationReason.OUT_OF_SCOPE, "out_of_scope")
        # Merge by confidence: strong rules decided above; the LLM settles weak or tied ones.
        reading: LLMReading | None = None
        if self.llm is not None and has_content_beyond_place(text):
            reading = early if self.always_consult_llm else self.llm.read(text)
        self._used_llm = self._used_llm or reading is not None
        agreed = _llm_category(reading, text)
        if agreed:
            return self._begin_report(agreed, 2, text)
        if category:  # a weak hint is better than nothing: the read-back lets the caller fix it
            return self._begin_report(category, score, text)
        if reading is not None and reading.intent == "out_of_scope":
            return self._offer_human(EscalationReason.OUT_OF_SCOPE, "out_of_scope")
        asking = reading is None or reading.intent not in ("question", "out_of_scope")
        if asking and not intents.question and has_content_beyond_place(text) \
                and not checks_the_line(text) and "category" not in st.failures:
            # Something was said, and nothing says what it is about: ask with the names
            # rather than guess (the LLM had no label either, or there is none).
            take_slots(self.state, text)
            st.stage, st.unlabelled, st.failures["category"] = Stage.OPEN, text, 1
            st.failures["problem"] = st.failures.get("problem", 0) + 1
            return self._ask("category", [phrases.say(st.lang, "ask_category_choice")])
        if take_slots(self.state, text):  # the place came first: keep it, ask what happened
            return self._ask("problem", [phrases.say(st.lang, "ask_problem")])
        if intents.question or (reading is not None and reading.intent == "question"):
            return self._offer_human(EscalationReason.OUT_OF_SCOPE, "not_in_kb")
        return self._not_understood()

    def _switched(self, text: str) -> Reply | None:
        """"我要問的是…" in the middle of a report: a matter of its own (another category, or a
        question the knowledge base answers) starts afresh; the same matter goes on."""
        placed = any(self.state.slots.get(k) for k in ("address", "landmark", "district"))
        rest = switched_matter(text, problem_is=not placed)
        if rest is None:
            return None
        category, _conf, score = best_category(rest)
        other = bool(category) and score >= 2 and category != self.state.category
        intents = find_intents(rest)
        if not other and not (intents.question and self.kb.answer(rest) is not None):
            return None
        self._new_request()
        return self._open(rest, intents)

    def _picked(self, text: str) -> Reply | None:
        """The answer to the choice question: a report of the category picked, a person for
        "none of those", or None to read the answer as a new description."""
        st = self.state
        described, st.unlabelled = st.unlabelled or "", None
        picked = chosen_category(text)
        if picked == CHOSE_OTHER:
            return self._offer_human(EscalationReason.OUT_OF_SCOPE, "offer_human_other")
        if picked is None:
            if not has_content_beyond_place(text) and take_slots(self.state, text):
                # only where it is (豐原區三民路320號): kept, and the choice asked again
                st.unlabelled = described
                return self._ask("category", [phrases.say(st.lang, "ask_category_choice")])
            return None
        st.category, st.category_score, st.stage = picked, 3, Stage.COLLECT  # said outright
        st.failures.pop("problem", None)
        st.description.append(described)
        # the described place first, then the answer's, which is newer (路燈，在西屯區文心路)
        take_slots(self.state, described)
        if has_content_beyond_place(text) and len(text) > 6:
            st.description.append(text)
        return self._collect(text, find_intents(text))

    def _begin_report(self, category: str, score: int, text: str) -> Reply:
        st = self.state
        st.category, st.category_score, st.stage = category, score, Stage.COLLECT
        st.failures.pop("problem", None)
        return self._collect(text, find_intents(text), first=True)

    def _collect(self, text: str, intents: Intents, first: bool = False) -> Reply:
        """Take whatever the caller gave, then ask for the next thing still missing."""
        st = self.state
        asked = st.pending
        gained = take_slots(self.state, text)
        if asked == "bus_details":  # asked once: what the caller does not know stays unknown
            st.slots["bus_details_unknown"] = "1"
        if asked == "district" and intents.dont_know and not st.slots.get("district"):
            st.slots["district_unknown"] = "1"  # a visitor may not know: staff will look it up
        if first:
            st.description.append(text)
        question = next_question(self.state)
        if question is None:
            return self._read_back()
        if question == asked and not gained:
            st.failures[question] = st.failures.get(question, 0) + 1
            if st.failures[question] >= 2:
                return self._escalate(EscalationReason.REPEATED_FAILURE, "handoff_failure")
            return self._ask(question, [phrases.say(st.lang, f"{question_key(question)}_again")]
                             if question != "road" else [question_text(self.state, question)])
        return self._ask(question, [question_text(self.state, question)])

    def _read_back(self) -> Reply:
        self.state.stage = Stage.CONFIRM
        return self._ask("confirm", read_back(self.state))

    def _confirming(self, text: str, intents: Intents) -> Reply:
        st = self.state
        changed = take_slots(self.state, text, correcting=intents.no or st.stage is Stage.CORRECT)
        if changed:  # a correction (or more detail): read it back again
            return self._read_back() if next_question(self.state) is None else self._collect(text,
                                                                                          intents)
        if intents.yes and not intents.no:
            return self._file_case()
        if intents.no and starts_with_yes(text) and clarifies_only(text, " ".join(read_back(st))):
            st.description.append(text)  # 對，不是施工，是改裝車: yes, and what it was not
            return self._file_case()
        if intents.no:
            st.stage = Stage.CORRECT
            return self._ask("correction", [phrases.say(st.lang, "ask_correction")])
        if st.stage is Stage.CONFIRM and st.category == "streetlight" and intents.dont_know:
            return self._file_case()  # "看不到編號": fine, the case stands without it
        other, _conf, other_score = best_category(text)
        detail = describes_problem(text) or (has_content_beyond_place(text) and len(text) >= 6)
        if not (intents.question or intents.dont_know or _FILLER.search(text)) and detail and \
                text not in st.description and not (other_score >= 3 and other != st.category) \
                and st.failures.get("details", 0) < 2:
            # more about the problem (巷子變一半寬): noted, and the read-back asked again; the
            # caller has not failed to answer
            st.failures["details"] = st.failures.get("details", 0) + 1
            st.description.append(text)
            return self._read_back()
        key = st.pending or "confirm"
        st.failures[key] = st.failures.get(key, 0) + 1
        if st.failures[key] >= 2:
            return self._escalate(EscalationReason.REPEATED_FAILURE, "handoff_failure")
        return self._read_back()

    def _callback(self, text: str, intents: Intents) -> Reply:
        st = self.state
        phone = find_phone(text)
        if phone:
            st.slots["phone"] = phone
        if st.stage is Stage.OFFER_CALLBACK:
            if intents.no and not intents.yes:
                st.stage = Stage.ENDED
                return self._reply([phrases.say(st.lang, "goodbye")], end=True)
            if not (intents.yes or phone):
                return self._reply([phrases.say(st.lang, "repeat"),
                                    phrases.say(st.lang, "callback_offer")])
            st.stage = Stage.CALLBACK_PHONE
        if "phone" not in st.slots and st.caller_number and st.pending != "phone_same" and \
                "phone_same" not in st.failures:
            st.failures["phone_same"] = 0  # offered once
            return self._ask("phone_same", [phrases.say(st.lang, "callback_use_caller_number",
                                                        last=_last_digits(st.caller_number))])
        if "phone" not in st.slots and st.pending == "phone_same" and st.caller_number and \
                intents.yes and not intents.no:
            st.slots["phone"] = st.caller_number
        if "phone" not in st.slots:
            misses = st.failures["phone"] = st.failures.get("phone", -1) + 1
            if misses >= 2:
                st.stage = Stage.ENDED
                return self._reply([phrases.say(st.lang, "callback_no_phone")], end=True)
            return self._ask("phone", [phrases.say(st.lang, "callback_ask_phone")])
        fields = st.fields()
        details = {k: v for k, v in fields.items() if k not in ("category", "department",
                                                                "district", "address",
                                                                "description")}
        details["callback"] = True
        if st.handoff:
            details["handoff_reason"] = st.handoff.reason.value
        st.case = self.cases.file(CaseDraft(
            category=st.category, district=st.slots.get("district"),
            address=_case_address(st.slots),
            description=" ".join(st.description) or (st.handoff.summary if st.handoff else ""),
            details=details, transcript=list(st.transcript), language=st.lang,
            call_id=st.call_id,
        ))
        st.stage = Stage.ENDED
        return self._reply([phrases.say(st.lang, "callback_filed", number=st.case.number,
                                        phone=st.slots["phone"])], end=True)

    def _file_case(self) -> Reply:
        st = self.state
        assert st.category is not None
        details = {k: v for k, v in st.slots.items()
                   if k in ("lamp_number", "route", "time", "landmark", "phone",
                            "district_unknown", "district_inferred")}
        draft = CaseDraft(
            category=st.category, district=st.slots.get("district"),
            address=_case_address(st.slots),
            description=" ".join(st.description) or st.category, details=details,
            transcript=list(st.transcript), language=st.lang, call_id=st.call_id,
        )
        st.case = self.cases.file(draft)
        st.stage = Stage.AFTER
        assert st.case.department is not None
        department = phrases.department_name(st.case.department, st.lang)
        return self._ask("anything_else", [
            phrases.say(st.lang, "filed", number=st.case.number, department=department),
            phrases.say(st.lang, "anything_else"),
        ])

    def _new_request(self) -> None:
        """After 'anything else?': a new matter starts from a clean report."""
        st = self.state
        st.category, st.category_score, st.stage = None, 0, Stage.OPEN
        st.slots.clear()
        st.description.clear()
        st.failures.clear()
        st.unlabelled = None

    def _not_understood(self) -> Reply:
        st = self.state
        key = st.pending or "problem"
        if st.stage is Stage.COLLECT and key in ("location", "road", "district", "bus_details"):
            st.failures[key] = st.failures.get(key, 0) + 1
            if st.failures[key] >= 2:
                return self._escalate(EscalationReason.REPEATED_FAILURE, "handoff_failure")
            return self._ask(key, [phrases.say(st.lang, "repeat"), question_text(self.state, key)])
        if st.stage in (Stage.CONFIRM, Stage.CORRECT, Stage.OFFER_HUMAN, Stage.AFTER):
            return self._reply([phrases.say(st.lang, "repeat")])
        misses = st.failures["problem"] = st.failures.get("problem", 0) + 1
        if misses == 1:  # the first miss may be line noise
            return self._ask("problem", [phrases.say(st.lang, "repeat"),
                                         phrases.say(st.lang, "ask_problem")])
        if misses == 2:
            return self._ask("problem", [phrases.say(st.lang, "ask_problem_again")])
        return self._escalate(EscalationReason.REPEATED_FAILURE, "handoff_failure")

    def _offer_human(self, reason: EscalationReason, key: str) -> Reply:
        st = self.state
        st.stage, st.offer_reason = Stage.OFFER_HUMAN, reason
        return self._ask("human_offer", [phrases.say(st.lang, key)])

    def _handoff(self, reason: EscalationReason) -> Handoff:
        st = self.state
        fields = st.fields()
        lines = st.caller_lines()
        return Handoff(reason, summarise(reason, fields, lines), fields,
                       tuple(suggest_replies(self.kb, lines, fields, lang=st.lang)))

    def _escalate(self, reason: EscalationReason, key: str) -> Reply:
        st = self.state
        if st.agents_busy:  # nobody was free a moment ago: a call-back, not the queue again
            st.stage = Stage.OFFER_CALLBACK
            return self._ask("callback", [phrases.say(st.lang, "callback_offer")])
        st.handoff = self._handoff(reason)
        st.stage = Stage.ESCALATED
        st.pending = None
        return self._reply([phrases.say(st.lang, key)])

    # ---- plumbing -----------------------------------------------------------------------------

    def _ask(self, pending: str, sentences: list[str]) -> Reply:
        self.state.pending = pending
        return self._reply(sentences)

    def _reply(self, sentences: list[str], end: bool = False,
               kb_ids: tuple[str, ...] = ()) -> Reply:
        st = self.state
        reply = Reply(tuple(s for s in sentences if s), st.lang, st.outcome, end_call=end,
                      emergency=st.emergency, handoff=st.handoff, case=st.case,
                      used_llm=self._used_llm, kb_ids=kb_ids)
        if reply.sentences:  # (saying nothing is no line of the transcript)
            self._log("bot", reply.text)
        return reply

    def _log(self, who: str, text: str) -> None:
        st = self.state
        st.transcript.append(TranscriptLine(who, text, round(time.monotonic() - st.started, 3)))


_NUMBER = re.compile(r"\d[\d -]{2,}")  # a number said as digits ("04-2345-6789")
# Agent-first, nobody free: "call me back" or "you file it".
_CALLBACK = re.compile(r"回電|回撥|打回來|打給我|再打來|\bcall (me )?back\b|\bcallback\b|"
                       r"\bring me\b", re.IGNORECASE)
_NO_CALLBACK = re.compile(r"(不要|不用|不必|別)(再)?(回電|回撥|打回來|打給我)|"
                          r"\b(no|don'?t|do not) (need to )?call (me )?back\b", re.IGNORECASE)
# A question how or where to apply for something (a permit, a connection): the knowledge
# base's answer, not a report of what it names; asking for a repair is a report.
_APPLYING = re.compile(r"(去|到|在)?哪(裡|邊)?(申請|辦理?)|怎麼(申請|辦理)|要申請|"
                       r"申請[^，。]{0,4}(要|去|到)哪|找哪(個|一個)?單位(申請|辦)|"
                       r"\b(how|where) (do|can) (i|we) apply\b", re.IGNORECASE)
# A no that names a matter already dealt with: 路燈上禮拜已經修好了, "that's all".
_DONE_ANYWAY = re.compile(r"修好|報過|處理好|已經好了|\b(that'?s all|that is all|nothing else)\b",
                          re.IGNORECASE)
_REPORTING = re.compile(r"檢舉|投訴|舉報|\b(complain about|report(ing)? (a|an|the|some))\b",
                        re.IGNORECASE)
_REPAIR = re.compile(r"修|壞|\b(repair|fix|broken)\b", re.IGNORECASE)
_TAKE_REPORT = re.compile(r"登記|幫我(處理|記|報|弄)|你(來|直接)?(處理|記|報)|直接|"
                          r"\b(file it|file (the|my) (report|case)|take (it|the report|my report)|"
                          r"you do it|report it)\b", re.IGNORECASE)


def _llm_category(reading: LLMReading | None, text: str) -> str | None:
    """The LLM's category, unless the rules' hints in ``text`` point elsewhere. Alone it is
    often wrong (docs/understanding.md: `hotline bench labels`), so it is read back in words
    and a "no" lets the caller say it again; but it is what hears a category word the
    recogniser misheard (a big "poccle" on Taiwan Boulevard)."""
    if reading is None or not reading.category:
        return None
    hinted = category_scores(text)
    return reading.category if not hinted or reading.category in hinted else None


def _last_digits(number: str) -> str:
    """The end of a phone number as read out to confirm it (never the whole number)."""
    return " ".join(number[-4:])


def _case_address(slots: dict[str, str]) -> str | None:
    """The place as the case records it: the address written the Taiwanese way (one said
    in English too, where the road is known), else the landmark."""
    address = slots.get("address")
    return written_address(address) if address else slots.get("landmark")


def _caller_text(raw: str | None) -> str:
    """What the caller said, as the dialog reads it: normalised, cut to size, and in Mandarin
    with misheard place names put right by sound."""
    text = normalise(raw or "")[:MAX_TURN_CHARS]
    if language_of(text) == "zh":
        text = MandarinPlaces.default().correct(text)
    return text
