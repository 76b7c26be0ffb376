"""The other details of a report: a lamp-post number, a time, a bus route, a phone number."""


from __future__ import annotations

import re

from dialog.text import CN_DIGITS, cn_number, spoken_digit_runs

_LAMP_RE = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{1,2}\s?-?\s?\d{2,6}|\d{4,7})(?![0-9號巷弄])")
_LAMP_CUE = re.compile(r"燈桿|編號|號碼|寫|貼|標|牌子|lamp|pole|number|tag", re.IGNORECASE)


def find_lamp_number(text: str, asked: bool) -> str | None:
    """A lamp-post number (A1234, 12-345): only when the caller talks of one or was asked."""
    if not (asked or _LAMP_CUE.search(text)):
        return None
    spoken = re.sub(f"[{CN_DIGITS}]{{2,}}", lambda m: str(cn_number(m.group(0)) or m.group(0)),
                    text)
    m = _LAMP_RE.search(spoken)
    return re.sub(r"[\s-]", "", m.group(1)).upper() if m else None


_TIME_RE = re.compile(
    r"(?P<day>今天|昨天|前天|剛剛|剛才|禮拜.|星期.|週.)?\s*"
    r"(?P<part>早上|上午|中午|下午|傍晚|晚上|凌晨|半夜|清晨)?\s*"
    r"(?P<clock>(\d{1,2}|[一二三四五六七八九十兩]{1,3})(點|時)(半|(\d{1,2}|[一二三四五六七八九十]{1,3})分|多)?(左右)?)?"
    r"|(?P<hm>\d{1,2}[:：]\d{2})|(?P<ago>([一二三四五六七八九十兩半幾\d]+)(分鐘|個?小時|個?鐘頭)前)"
)
_TIME_EN_RE = re.compile(
    r"\b(this morning|this afternoon|this evening|tonight|last night|yesterday( morning| afternoon| evening)?"
    r"|just now|today|(about |around )?(\w+|\d+|an?) (minutes?|hours?) ago)?(\s*(around|at|about)\s*\d{1,2}(:\d{2})?\s*(am|pm|a\.m\.|p\.m\.|o'clock)?)?",
    re.IGNORECASE)
_ROUTE_RE = re.compile(
    r"(?P<a>\d{1,4}|[一二三四五六七八九十百]+|[一二三四五六七八九十百兩]{2,})\s*(路(?=.{0,6}(公車|巴士|客運|司機))|號(?=公車|巴士))"
    r"|(公車|巴士)\s*(?P<b>\d{1,4})"
    r"|(?<!\d)(?P<c>\d{1,4})\s*路(?![\d一二三四五六七八九十]+段)"
)
_ROUTE_EN_RE = re.compile(
    r"\b(?:bus|route)\s*(?:number|no\.?)?\s*(?P<a>\d{1,4})\b|\b(?P<b>\d{1,4})\s+bus\b",
    re.IGNORECASE)


def _longest(rx: re.Pattern[str], text: str) -> str | None:
    found = [m.group(0).strip() for m in rx.finditer(text) if m.group(0).strip()]
    return max(found, key=len) if found else None


def find_time(text: str) -> str | None:
    """When it happened, as said: 昨天晚上六點多, this morning around 8."""
    return _longest(_TIME_RE, text) or _longest(_TIME_EN_RE, text)


_ROUTE_BUS_CONTEXT = re.compile(
    r"(^\W{0,2}(是|坐|搭)?|等|搭上?|坐上?|站上|那班|這班|那台|這台|班|路線(是|為)?)"
    r"(?P<a>\d{1,4}|[一二三四五六七八九十百零]+|[一二三四五六七八九十百零兩]{2,})\s*[號路]"
    # 不是六十路，是六十一路: the route put right (a number of two or more figures, and 路)
    r"|(?<!不)是(?P<d>\d{1,4}|[一二三四五六七八九十百零兩]{2,})\s*路(?=[，,。 ]|$|不是|公車|的)"
    r"(?![\d一二三四五六七八九十]+段)"
    r"|(?<![\u4e00-\u9fff])(?P<b>\d{1,4}|[一二三四五六七八九十百零兩]{2,})\s*路(?=公車|巴士|的?司機|都|那班|每|又|常常|一直|"
    r"今天|昨天|前天|早上|上午|中午|下午|傍晚|晚上|剛剛|剛才|在|從|經過|開到|，|,|。|$)"
    r"|(?P<c>[紅綠黃藍橘棕](?:\d{1,3}|[一二三四五六七八九十]{1,3}))(?=\s*(路|號|公車|巴士|那班|的|都|又|，|,|$))")


def find_route(text: str, bus_context: bool = False) -> str | None:
    """A bus route number: 55路, 公車300, the 300 bus; in a bus report also 等三百號."""
    m = (_ROUTE_RE.search(text) or _ROUTE_EN_RE.search(text)
         or (_ROUTE_BUS_CONTEXT.search(text) if bus_context else None))
    if not m:
        return None
    raw = next(v for v in m.groupdict().values() if v)
    if raw[0] in "紅綠黃藍橘棕":  # 紅2, 綠1: colour lines keep their colour
        number = raw[1:] if raw[1:].isdigit() else str(cn_number(raw[1:]) or raw[1:])
        return raw[0] + number
    if not raw.isdigit():
        value = cn_number(raw)
        raw = str(value) if value is not None else raw
    return raw


# 搭300路, 三百路: not after a road's own words (中港路 100號 is a house number)
_ROUTE_NAMED = re.compile(r"(?<![路街道段巷弄\d\s一二三四五六七八九十百零兩])"
                          r"(\d{1,4}|[一二三四五六七八九十百零兩]{2,})\s*(路(?![\d一二三四五六七八九十百零]+(段|巷|弄|號))|號(?=公車|巴士|客運))")


def without_routes(text: str) -> str:
    """``text`` with bus routes named as roads (三百路, 搭300路) taken out, for the place."""
    return _ROUTE_NAMED.sub("", text)


_STOP_RE = re.compile(r"(?P<stop>[\u4e00-\u9fff]{2,12}?)(那一站|那站|那個站|這一站|這站|站牌|站)"
                      r"(?=[，,。 ]|$|上車|下車|那|等|旁|前|附近|的|過|就|有|沒|都|"
                      r"上[\d一二三四五六七八九十百零兩]+[路號])")
_NOT_STOP = re.compile(r"我|你|他|她|公車|客運|巴士|過|停|等|招手|每|下一|上一|這|那|終點|起點|最後|"
                       r"^第[一二三四五六七八九十\d]+$|^[一二三四五六七八九十兩幾\d]+$|^(坐|搭)|^加油$")


def find_stop(text: str) -> str | None:
    """The bus stop said by name: 台中公園那站, 在科博館站牌上車 (台中公園, 科博館)."""
    for m in _STOP_RE.finditer(text):
        stop = re.split(r"的|在|到|從", m.group("stop"))[-1].removeprefix("了")
        stop = re.sub(r"^.{1,3}區", "", stop)  # 梧棲區的梧棲觀光漁港: the stop, not the district
        if stop.endswith(("火車", "捷運", "高鐵", "轉運", "車", "加油")):
            stop += "站"  # 火車站 is the stop's name
        if len(stop) >= 2 and not _NOT_STOP.search(stop):
            return stop
    return None


_PHONE_RE = re.compile(r"(?<!\d)(09\d{2}-?\d{3}-?\d{3}|0\d{1,2}-?\d{3,4}-?\d{4}|0\d{1,2}-?\d{6,8})(?!\d)")


def find_phone(text: str) -> str | None:
    m = _PHONE_RE.search(spoken_digit_runs(text).replace(" ", ""))
    return m.group(1).replace("-", "") if m else None
