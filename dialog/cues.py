"""What a caller's turn is, beyond its facts: only a greeting, a request announced, a problem
described, more than a place, more than a plain answer to "is someone in danger?"."""

from __future__ import annotations

import re

from dialog.rules.places import find_place, without_english_places
from dialog.text import spoken_numbers_to_digits

_PREAMBLE = re.compile(
    r"你好|您好|喂|哈囉|嗨|小姐|先生|欸|那個|嗯|啊|請問一下|請問|我想請問|我想問|想問一下|想問|"
    r"我要反映|我想反映|我要檢舉|我想檢舉|我要報案|我要申訴|一下|我想|我要|有事|有問題|"
    r"不好意思|打擾|一件事情?|事情|反映|請教|麻煩你|麻煩妳|就是|你知道嗎?|唉|呃|喔|哦|"
    r"怎麼講|怎麼說|我也不知道|…|\.\.\.|"
    r"\b(hello|hi|hey|good (morning|afternoon|evening)|i have a question|i want to report|"
    r"i'?d like to (ask|report)( something)?|can you help( me)?|excuse me)\b|[\s,，。.!！?？~]",
    re.IGNORECASE)
_PROBLEM = re.compile(
    r"壞|不亮|不會亮|破|裂|堵|塞住|吵|倒|亂丟|受傷|卡住|漏|淹|積水|很臭|擋住|停在|占用|佔用|"
    r"一直|好幾天|很危險|過站不停|誤點|凹|凸|翹|斷|死掉|修剪|修理|來處理|派人|清除|弄得|"
    r"沒(有)?人(來)?(清|掃|收|處理|管|理)|"
    # a service that has not come for a while, things piled up: 回收車兩個禮拜都沒來收
    r"沒(有)?來(收|載|清|掃|處理|修)|(已經|都)[^，。]{0,8}沒(有)?(來|收|清|修|處理)|堆(得|到|成|積如)|"
    r"\b(broken|out|blocked|stuck|noisy|"
    r"dumped|fallen|injured|flooded|damaged|leaking|skipped)\b", re.IGNORECASE)


NO_DANGER = re.compile(r"\W*(沒有|沒事|沒人|都沒|還好|不會|應該沒有|不是(危險|緊急|那樣|啦)|"
                       r"no\b|nobody|"
                       r"not really)", re.IGNORECASE)
DANGER_NOW = re.compile(r"\W*(有|有人|是|對|快|yes|yeah|someone)", re.IGNORECASE)
_PLAIN_ANSWER = re.compile(
    r"[，,。.！!？?、\s]|沒有人?|沒事|還好|不是|不會|沒|不|有危險|危險|現在|目前|大家|都|啦|喔|耶|啊|嗯|"
    r"\b(no(body| one)?|not|is|are|in|any|danger|right|now|everyone|everybody|fine|ok(ay)?|"
    r"it'?s|we'?re|safe)\b", re.IGNORECASE)


def has_content_beyond_answer(text: str) -> bool:
    """Is there more than "no, nobody is in danger" in this turn?"""
    return len(_PLAIN_ANSWER.sub("", text)) >= 4


_LINE_CHECK = re.compile(r"聽得到|聽到嗎|聽得見|有人嗎|有沒有人|喂+[？?]*$|"
                         r"\b(can you hear me|are you there|is (anyone|anybody|someone) there|"
                         r"hello\W*$)",
                         re.IGNORECASE)


# "我要問的是…", "the reason I'm calling is…": what comes after is the matter of the call
_SWITCH = re.compile(r"(我們?|其實)?(真正|其實)?(是)?(要|想)(問|反映|報|講|說)的(是|事情是|事是)|"
                     r"我打來是(要|想)|其實我是(要|想)|"
                     r"\b(what I (actually |really )?(want|wanted|need|meant) to "
                     r"(ask|report|say|tell you)( about)? is|the reason I'?m calling is|"
                     r"(actually|really),? I'?m calling (about|because))\b", re.IGNORECASE)
# 可是問題是… at the start of a turn: the matter follows, before any place is taken (once a
# place is, it adds a reason to the report: 但問題是那邊晚上路燈也不亮)
_SWITCH_PROBLEM = re.compile(r"^((可是|但是?|不過)[，,\s]?(真正的|我要講的)?(問題|重點)(是|在於)|"
                             r"but the (real |actual )?(problem|issue) is\b)", re.IGNORECASE)


def switched_matter(text: str, problem_is: bool = False) -> str | None:
    """What follows "what I really want to ask is…" (and, with ``problem_is``, "可是問題是…"),
    or None where no such thing is said."""
    m = _SWITCH.search(text) or (_SWITCH_PROBLEM.search(text) if problem_is else None)
    rest = text[m.end():].lstrip("，,：: 。") if m else ""
    return rest or None


def checks_the_line(text: str) -> bool:
    """Is the caller only checking that someone hears them (喂？聽得到嗎, can you hear me)?"""
    rest = _LINE_CHECK.sub("", text)
    rest = re.sub(r"[\W\d_]|喂|你好|您好|請問|嗯|啊|\b(hi|hello|um|uh|yes|ok)\b", "", rest,
                  flags=re.IGNORECASE)
    return bool(_LINE_CHECK.search(text)) and len(rest) < 4


# Words that only say where (我家果園旁邊, "I'm in … outside No. 88 on …"): no matter to label.
# (a thing named only as where, 我家果園旁邊, 這邊的產業道路, is no matter either)
_WHERE_WORDS_ZH = re.compile(r"[\W\d\s]|[在是的這那邊裡附近旁前後面對住靠近]|我們?家?|一帶|"
                             r"差不多|大概|大約|左右|"
                             r"巷|弄|號|段|路口|"
                             r"[\u4e00-\u9fff]{0,4}(旁邊|附近|那邊|這邊|一帶|對面)(?=[，,。！!？?\s]|$)|"
                             r"(產業道路|農路|道路|馬路)(?=[，,。！!？?\s]|$)|(?<=我)人(?=在)|"
                             r"(快到|靠近|往|過了?)[\u4e00-\u9fff]{0,4}(的)?(那一段|這一段|那段|這段)(?=[，,。！!？?\s]|$)")
_WHERE_WORDS_EN = re.compile(
    r"\b(i'?m|i am|we'?re|we are|it'?s|it is|that'?s|this is|i live|we live|located|"
    r"calling from|in|at|on|of|outside|near|by|the|a|right|just|next to|in front of|opposite|"
    r"across from|behind|beside|around|corner|district|road|street|lane|alley|avenue|boulevard|"
    r"section|sec|no|number|here|there|area|so|um|uh|yes|well|and|my|our|house|home|building|"
    r"place|it)\b|[\W\d_]", re.IGNORECASE)


def has_content_beyond_place(text: str) -> bool:
    """Is there more than a place and pleasantries, worth asking the LLM about?"""
    if not re.search(r"[\u4e00-\u9fff]", text):  # English: the place's own words taken out
        rest = without_english_places(_PREAMBLE.sub(" ", text))
        return len(_WHERE_WORDS_EN.sub("", rest)) >= 6
    place = find_place(text)
    # (the place is found with its numbers as digits: 一百五十五號 is 155號)
    rest = spoken_numbers_to_digits(_PREAMBLE.sub("", text), units="號巷弄")
    # (the road and its number may be said apart: 梅川東路四段，差不多一百號)
    pieces = re.findall(r"[^\d與]+|\d+[巷弄號樓]", place.address or "")
    for part in (place.district, place.landmark, *pieces):
        if part:
            rest = rest.replace(part.removesuffix("口"), "")
    return len(_WHERE_WORDS_ZH.sub("", rest)) >= 4


_ANNOUNCE = re.compile(
    r"請問|想問|問一下|反映|檢舉|報案|申訴|報修|請教|有事|有問題|你好|您好|喂|"
    r"\b(question|report|hello|hi|help)\b", re.IGNORECASE)


def announces_request(text: str) -> bool:
    """A greeting or 'I have something to report': the bot should simply ask what it is."""
    return bool(_ANNOUNCE.search(text))


def is_preamble(text: str) -> bool:
    """Only greetings and 'I have a question': nothing to act on yet."""
    return not _PREAMBLE.sub("", text).strip()


# "I'm not calling about that", 我不是要講這個: what came before is not the matter of the call.
_NOT_THE_MATTER = re.compile(
    # (alone, not 我不是要說這條路的路燈: a correction of the category)
    r"(我|但|可是|不過)?(並)?不是(打來)?(要|想)?(打來)?(講|說|問|反映|報|談|為了)(這個|那個|這件事|那件事)"
    r"(啦|喔|了|的)?(?=[，,。.!！?？\s]|$)|(這|那)(個|件事)?(不是|並不是)(重點|我要(講|說|問|反映)的)|"
    r"\b(i'?m|i am|we'?re|we are) not (calling|ringing|phoning) (about|because of|for) "
    r"(that|this|it)\b|"
    r"\b(that'?s|that is) not (why (i'?m|i am|we'?re) calling|the (problem|issue|reason|point))\b",
    re.IGNORECASE)


def the_matter(text: str) -> str:
    """What the turn is about: the words after "I'm not calling about that" (what came
    before it is set aside by the caller), else the whole turn."""
    said = list(_NOT_THE_MATTER.finditer(text))
    return text[said[-1].end():] if said else text


def describes_problem(text: str) -> bool:
    """Words that describe something wrong, which makes a question a report (路燈壞了要找誰)."""
    return bool(_PROBLEM.search(text))
