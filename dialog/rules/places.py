"""Where: districts (Chinese and English), roads with their sections, lanes and numbers, crossings and landmarks."""


from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cache

from dialog.domain import DISTRICTS, DISTRICTS_EN
from dialog.places_zh import MandarinPlaces
from dialog.text import spoken_numbers_to_digits

_DISTRICT_RES = [(re.compile(d), d) for d in sorted(DISTRICTS, key=len, reverse=True)]
# Two-character names are often said without 區 (北屯, 豐原); not when they start a road name.
_DISTRICT_SHORT = [
    (re.compile(d[:-1] + r"(?!區|路|街|大道|國|高|市場|里)"), d)
    for d in DISTRICTS if len(d) == 3
]
_DISTRICT_EN = re.compile(
    r"\b(" + "|".join(re.escape(k) for k in sorted(DISTRICTS_EN, key=len, reverse=True)) +
    r")\b(\s+district)?", re.IGNORECASE)

_GENERIC_ROADS = {
    "馬路", "道路", "小路", "大路", "公路", "走路", "一路", "這條路", "那條路", "整條路",
    "巷路", "產業道路", "路", "過馬路", "那邊的路", "這邊的路", "條路", "農路", "大馬路",
    "整條街", "這條街", "那條街", "條街", "街",
    "柏油路", "水泥路", "石子路",
    # a verb or a thing with 路 (機車都要繞路, 網路): no road
    "繞路", "讓路", "帶路", "問路", "迷路", "趕路", "順路", "半路", "上路", "開路", "擋路",
    "堵路", "修路", "鋪路", "認路", "找路", "過路", "沿路", "出路", "退路", "後路", "去路",
    "來路", "岔路", "斷路", "回頭路", "冤枉路", "電路", "線路", "網路", "水路", "通路", "思路",
    "套路", "鐵路", "山路", "小巷路", "同路",
}
# Highways are roads too (台八線過谷關, 國道三號): numbered, not named. The empty groups give
# its matches the street matches' shape, so one formatter reads both.
_HIGHWAY_RE = re.compile(r"(?P<road>[台臺](?:\d+|[一二三四五六七八九十]+)[甲乙丙]?線|國道(?:\d+|[一二三四五六七八九十]+)號|"
                         r"[縣市]道(?:\d+|[一二三四五六七八九十百]+)(?:號|線)?)"
                         r"(?P<section>)?(?P<lane>)?(?P<alley>)?(?P<number>)?(?P<floor>)?")
_NAME = r"[^\s,，。、；;：:！!？?在是的區和跟與及到從往向我家住址就那這彼有個裡旁邊前後近對面附去帶看都也還說要想映講叫了們]"
# A name ending in a verb and 路 that no gazetteer knows is a deed, not a road (割路邊的草, 走路).
_VERB_BEFORE_ROAD = re.compile(r"(割|走|掃|跑|剪|挖|掘|佔|占|擋|堵|騎|爬|修|封|鋪|繞|讓|錯)路$")
_SECTION = r"[一二三四五六七八九十]段"
_ROAD_TAIL = (rf"(?P<section>{_SECTION})?(?:(?P<lane>\d+)巷)?(?:(?P<alley>\d+)弄)?"
              rf"(?:(?P<number>\d+)號)?(?:(?P<floor>\d+)樓)?")
_ROAD_RE = re.compile(rf"(?P<road>{_NAME}{{1,5}}?(?:大道|路|街)){_ROAD_TAIL}")


@cache
def _known_road_re() -> re.Pattern[str]:
    """The gazetteer's roads by name: 中和街 and 向上路 hold characters (和, 向) that end a
    name elsewhere."""
    names = sorted((n.text for n in MandarinPlaces.default().names if n.kind != "區"),
                   key=len, reverse=True)
    return re.compile(rf"(?P<road>{'|'.join(map(re.escape, names))}){_ROAD_TAIL}")
# 路燈, 路樹, 路面 … are things, not roads; 中山路旁邊 is still a road.
_AFTER_ROAD_NOT_PLACE = re.compile(r"^(燈|樹|面|況|人|過|段時間|線|霸|權|邊攤)")
_INTERSECTION_RE = re.compile(r"(跟|和|與|及|、)")
_LANDMARK_RE = re.compile(
    r"(公園|國小|國中|高中|大學|學校|市場|車站|火車站|捷運站|公車站|醫院|宮廟|廟|宮|教會|圖書館|"
    r"便利商店|7-?11|全家|萊爾富|加油站|區公所|派出所|停車場|運動中心|夜市|百貨|社區|大樓|橋|"
    r"圓環|交流道|賣場|家樂福|好市多|"
    # places out of town with no road name: a seawall, a riverside path, a harbour
    r"海堤|堤防|河堤|自行車道|腳踏車道|步道|綠園道|河濱|漁港|海灘|沙灘|登山口|水庫|濕地|廣場|隧道|"
    r"地下道|高架橋|陸橋|涵洞|"
    # a creek or a canal by name (溫寮溪旁邊); a metro or rail station by name (捷運烏日站出口)
    r"(?<=[\u4e00-\u9fff])(?:溪|圳|大排)(?=旁|邊|那|附近|對面|上|橋|畔)|"
    r"捷運[\u4e00-\u9fff]{1,5}?站|高鐵[\u4e00-\u9fff]{0,3}站)"
)
_WATERCOURSES = ("溪", "圳", "大排")
_EN_ROAD_RE = re.compile(
    # Whisper capitalises the name but not always the kind of road ("Wenxin road"); "Same road"
    # or "That street" names none
    r"(?!(?:Same|That|This|Which|What|Other|Another|Opposite|Different|Nearby|Next|Wrong|Whole|Busy|Big|Small|Main)"
    r"\s+(?:[Rr]oad|[Ss]treet|Lane|"
    r"[Aa]venue)\b)((?:[A-Z][a-z'’]+\s+){1,3}(?:\d+(?:st|nd|rd|th)\s+)?"
    # ("Lane 56 of Chun'an Road" names a lane of that road, not a road called "That's Lane")
    r"(?:[Rr]oad|Rd\.?|[Ss]treet|St\.?|[Bb]oulevard|Blvd\.?|[Aa]venue|Ave\.?|Lane(?!\s*\d))\b"
    r"(?:,?\s+(?:[Ss]ection|Sec\.?)\s*\d+)?)"
)


def without_english_places(text: str) -> str:
    """``text`` with the districts and roads it names in English taken out."""
    return _EN_ROAD_RE.sub(" ", _DISTRICT_EN.sub(" ", text))


_EN_NUMBER_RE = re.compile(r"\b(?:No\.?|number(?:'s| is)?)\s*(\d+)\b(?![\s-]*\d)", re.IGNORECASE)
_EN_LANDMARK_RE = re.compile(
    r"\b((?:[A-Z][a-z'’]+\s+){1,3}(?i:bus stop|stop|station|park|school|night market|market|"
    r"temple|hospital|mall|bridge|library|plaza|square|university))\b|"
    r"\b(?:near|outside|in front of|next to|behind)\s+(?:the\s+)?(?!(?:No\.?|number|Lane|Alley)\s*\d)((?:[A-Z0-9][\w'’-]*\s*){1,4}"
    r"(?i:night market|market|station|stop|park|temple|school)?)")


@dataclass
class Place:
    district: str | None = None
    address: str | None = None
    landmark: str | None = None
    number: str | None = None  # a house number said alone (不對，是三百二十號): 320號
    # A name said as a district (…區) that is none of Taichung's: to be asked again.
    district_heard: str | None = None

    @property
    def complete(self) -> bool:
        """Enough to send someone: a road or address, or a landmark in a known district."""
        return bool(self.address) or bool(self.district and self.landmark)


_ANY_DISTRICT_EN = re.compile(r"\b([A-Za-z']{3,})\s+district\b", re.IGNORECASE)
# (剛剛講成南區了: the district said by mistake)
_NOT_BEFORE = re.compile(r"(不是|(?<!是)毋是|不在|並非|錯了)[^，,。]{0,2}$|(講|說|唸|念|聽)(錯)?成$|\b(not|isn'?t|wasn'?t)\s+(in\s+)?$",
                         re.IGNORECASE)


def find_district(text: str) -> str | None:
    """The district meant: the last one named, skipping one the caller denies (不是太平區)."""
    found: list[tuple[int, str]] = []
    for rxs in (_DISTRICT_RES, _DISTRICT_SHORT):
        for rx, name in rxs:
            for m in rx.finditer(text):
                if not _NOT_BEFORE.search(text[max(0, m.start() - 4):m.start()]):
                    found.append((m.start(), name))
        if found:
            return max(found)[1]
    named = [
        m for m in _DISTRICT_EN.finditer(text)
        if (m.group(2) or m.group(1).lower() not in {"central", "east", "south", "west", "north"})
        and not _NOT_BEFORE.search(text[max(0, m.start() - 8):m.start()])
    ]
    if named:
        return DISTRICTS_EN[named[-1].group(1).lower()]
    # Speech recognition spells Taichung's names loosely ("Zitun District" for Xitun).
    for m in reversed(list(_ANY_DISTRICT_EN.finditer(text))):
        close = difflib.get_close_matches(m.group(1).lower(), DISTRICTS_EN, n=1, cutoff=0.75)
        if close and not _NOT_BEFORE.search(text[max(0, m.start() - 8):m.start()]):
            return DISTRICTS_EN[close[0]]
    return None


# Words ending in 區 that are not a district's name.
_AREA_WORDS = frozenset(["社區", "市區", "地區", "山區", "園區", "校區", "郊區", "學區", "轄區", "災區", "禁區", "營區", "商區", "新區", "舊區", "老區", "鬧區", "景區", "院區", "廠區", "特區", "專區", "展區", "小區", "片區", "分區", "本區", "全區", "每區", "各區", "這區", "那區", "哪區", "一區", "整區", "住宅區", "工業區", "風景區", "行政區", "重劃區", "保護區", "管制區", "停車區", "吸菸區", "用餐區", "遊戲區", "商業區", "市中心區", "那一區", "哪一區", "這一區", "同一區", "隔壁區", "附近區", "其他區"])
_DISTRICT_LIKE = re.compile(r"([\u4e00-\u9fff]{2})區")


def unknown_district(text: str) -> str | None:
    """A name said with 區 that is not one of Taichung's districts and does not sound close
    enough to be put right (大X區 heard as nothing known): the caller is asked again."""
    for m in reversed(list(_DISTRICT_LIKE.finditer(text))):
        said = m.group(0)
        if said in DISTRICTS or any(said.endswith(w) for w in _AREA_WORDS):
            continue
        if _NOT_BEFORE.search(text[max(0, m.start() - 4):m.start()]):
            continue
        if MandarinPlaces.default().nearest_districts(said):
            return said
    return None


def _roads(text: str) -> list[re.Match[str]]:
    found = [m for m in _known_road_re().finditer(text) if not _a_thing_after(text, m, known=True)]
    known = [(m.start(), m.end()) for m in found]
    for m in _ROAD_RE.finditer(text):
        if any(m.start() < end and start < m.end() for start, end in known):
            continue
        road = m.group("road")
        for d in DISTRICTS:  # 西屯區台灣大道 → the district is not part of the road name
            if d in road:
                road = road.split(d, 1)[1]
        if (road in _GENERIC_ROADS or road.endswith("馬路") or len(road) < 2
                or not re.search("[\u4e00-\u9fff]", road[:-1]) or _VERB_BEFORE_ROAD.search(road)):
            continue  # 55路 is a bus route, not a road
        if _a_thing_after(text, m):
            continue
        found.append(m)
    if not found:  # a highway is the place only where no street is named (台三線旁邊的中正路)
        found = list(_HIGHWAY_RE.finditer(text))
    return sorted(found, key=lambda m: m.start())


def _a_thing_after(text: str, m: re.Match[str], known: bool = False) -> bool:
    """中山路燈 is a lamp: a road named alone and followed by 燈, 樹, 面 … is a thing. (A road
    of the gazetteer before 過 crosses something, 塗城路過大里溪那座橋: no one 路過 there.)"""
    after = _AFTER_ROAD_NOT_PLACE.match(text[m.end():])
    return not (m.group("section") or m.group("number") or m.group("lane")) and bool(
        after and not (known and after.group(0) == "過" and len(m.group("road")) >= 3))


def _road_name(m: re.Match[str]) -> str:
    road = m.group("road")
    for d in DISTRICTS:
        if d in road:
            road = road.split(d, 1)[1]
    return road


def _format_road(m: re.Match[str]) -> str:
    parts = [_road_name(m), m.group("section") or ""]
    for key, unit in (("lane", "巷"), ("alley", "弄"), ("number", "號"), ("floor", "樓")):
        if m.group(key):
            parts.append(f"{int(m.group(key))}{unit}")
    return "".join(parts)


# After a road said without its number: a few words (no other road, no sentence end), then it.
_LATER_NUMBER = re.compile(r"^(?P<between>(?:[^\d。！？!?；;路街道段巷弄號樓]|號碼|門牌){0,12}?)(?<!\d)"
                           r"(?P<number>(?:\d+巷)?(?:\d+弄)?\d+號|\d+巷(?:\d+弄)?)")
# …not when the words between deny it (不是三百號) or count something else (第, 公車).
_NOT_LATER = re.compile(r"不是|不在|沒有|錯|第|公車|寫|編號|捷運|車站|醫院|急診|遊戲區|\d")
# …nor when the number names something else: 二號出口, 二號門口, 三號溜滑梯; but a home's
# door is the house (我家三百零三號門口), and so is a door numbered past a gate's count.
_NOT_A_HOUSE_AFTER = re.compile(r"(出口|門|溜滑梯|月台|車廂|電梯|球場|教室|診間|櫃台|窗口)")
_HOME_BEFORE = re.compile(r"(我|他|她|你|我們|他們|人|住)(家|厝)")
# A number put right in the same breath: 一百五十號…不對，一百零五號; 不是三十巷，是三十三巷.
_CORRECTED = re.compile(r"(不對|說錯|記錯|講錯|錯了|更正|應該是|我是說|是說|(歹勢|抱歉|不好意思)[，,、\s]*是|不是[^，,。\d]{0,3}\d+[巷弄號][，,、\s]*(而)?是|(?<=[號巷弄….\s,，])[喔啊呃欸]?不是[，,、….\s]+(是)?)"
                        r"[^\d。！？!?路街道段]{0,8}?(?<!\d)(?P<number>(?:\d+巷)?(?:\d+弄)?\d+號|\d+巷(?:\d+弄)?)")
_ROAD_PUT_RIGHT = re.compile(r"^[，,、\s….]*(喔|啊|呃|欸)?[，,、\s.]*((不是|不對|(我)?說錯了?|(我)?講錯了?|我是說|應該是)"
                             r"(啦|喔|啊|耶)?[，,、\s….]*){1,3}(是|在)?[，,、\s.]*$")
_LEVEL_TAIL = {"巷": r"(\d+巷)?(\d+弄)?(\d+號)?$", "弄": r"(\d+弄)?(\d+號)?$", "號": r"(\d+號)?$"}


def _a_home_door(later: re.Match[str], after: str) -> bool:
    """三百零三號門口 said of one's home, or a door whose number no gate has (門口 after 303號)."""
    if not after.startswith("門口"):
        return False
    number = re.search(r"(\d+)號$", later.group("number"))
    return bool(_HOME_BEFORE.search(later.group("between"))) or bool(number and int(number.group(1)) > 20)


def _corrected(address: str, said: str) -> str:
    """``address`` with the last number the caller put right in ``said`` (the words after
    the road), at its own level: a house number replaces the house number, a lane the lane."""
    fixes = [m for m in _CORRECTED.finditer(said)
             if not _NOT_BEFORE.search(said[max(0, m.start("number") - 4):m.start("number")])]
    if not fixes:
        return address
    number = fixes[-1].group("number")
    level = next(unit for unit in "巷弄號" if unit in number)
    return re.sub(_LEVEL_TAIL[level], "", address) + number


_EN_SECTION_RE = re.compile(r"\b(?:section|sec\.?)\s*(\d+)\b", re.IGNORECASE)
# A house number said alone: "No. 15" as Whisper writes it, or "number 15" said of a house;
# not the No. 75 bus, a room, a gate or an exit, nor "no 24-hour pharmacy".
_EN_HOUSE_NUMBER_RE = re.compile(r"\bNo\.\s*(\d{1,5})\b(?!\s*(?:bus|route))|"
                                 r"\b(?:house|building|door|it'?s|it is) (?:number|No\.?)\s*(\d{1,5})\b|"
                                 # "The number is 201, not 210" (not a phone's, a bus's or a lamp's)
                                 r"\b(?:[Tt]he|[Mm]y|[Oo]ur) (?:house |door )?number(?:'s| is)\s*([1-9]\d{0,4})\b"
                                 r"(?![\s-]*\d)(?!\s*(?:bus|route|on the (?:lamp|light|pole|post|bus)))")
_NOT_A_HOUSE_EN = re.compile(r"\b(phone|mobile|cell|case|lamp|pole|post|route|bus|line|reference|room|gate|"
                             r"exit|platform|stall|bay|the|this|that)\s*$", re.IGNORECASE)
_EN_LANE_RE = re.compile(r"\blane\s*(\d+)\b", re.IGNORECASE)
_EN_ALLEY_RE = re.compile(r"\balley\s*(\d+)\b", re.IGNORECASE)


# Two roads said as one crossing: "Wenxin Road and Henan Road", "Gongyi Road at Daguan Road".
_EN_CROSSING = re.compile(r"\b(and|at|with|cross(es|ing)?|meets|corner)\b|[&/]", re.IGNORECASE)
# A number put right in the same breath: "No. 150, sorry, No. 105".
_EN_CORRECTION = re.compile(r"\b(sorry|i mean|i meant|no wait|wait|correction|actually|rather)\b",
                            re.IGNORECASE)


def _english_address(text: str) -> str | None:
    """Road, section, lane, alley and number said in any order ("Section 2 of Wuquan Road,
    number 88"; "No. 35, Lane 12, Daguan Road"), written the Taiwanese way round:
    "No. 88, Wuquan Road Section 2"; two roads joined by "and" are a crossing. Two roads
    and a lane or number ("near the Dadun Road intersection, Lane 102, Gongyi Road"): the
    address is the road the lane or number is said with (the other only says where near)."""
    found = list(_EN_ROAD_RE.finditer(text))
    if not found:
        return None
    units = [m for rx in (_EN_NUMBER_RE, _EN_LANE_RE, _EN_ALLEY_RE) for m in rx.finditer(text)
             if not any(r.start() <= m.start() < r.end() for r in found)]  # (Lane as a road's kind)
    if len(found) > 1:
        joined = _EN_CROSSING.search(text[found[0].end():found[1].start()])
        if joined or not units:
            return " and ".join(m.group(1).strip() for m in found[:2])
        found = [min(found, key=lambda r: min(max(u.start() - r.end(), r.start() - u.end(), 0)
                                              for u in units))]
    road = found[0].group(1).strip()
    section = _EN_SECTION_RE.search(text)
    if section and not _EN_SECTION_RE.search(road):
        road = f"{road} Section {section.group(1)}"
    parts = [f"{label} {m.group(1)}" for label, rx in (("Alley", _EN_ALLEY_RE),
                                                      ("Lane", _EN_LANE_RE))
             if (m := rx.search(text)) and not rx.search(road)]
    numbers = list(_EN_NUMBER_RE.finditer(text))
    if numbers:
        number = numbers[0]
        for later in numbers[1:]:  # "No. 150, sorry, No. 105": the one put right
            if _EN_CORRECTION.search(text[number.end():later.start()]):
                number = later
        parts.insert(0, f"No. {number.group(1)}")
    return ", ".join([*parts, road])


_EN_WRITTEN_RE = re.compile(
    r"^(?:No\. (?P<number>\d+), )?(?:Alley (?P<alley>\d+), )?(?:Lane (?P<lane>\d+), )?"
    r"(?P<road>.+?)(?:,?\s+(?:Section|Sec\.?)\s*(?P<section>\d+))?$", re.IGNORECASE)
_SECTION_NUMERALS = "一二三四五六七八九"


def written_address(address: str) -> str:
    """An address as a case records it, the Taiwanese way: one said in English ("No. 12,
    Lane 5, Taiwan Boulevard Section 3") becomes 台灣大道三段5巷12號 where the gazetteer
    knows the road; anything else stays as it is."""
    places = MandarinPlaces.default()
    if " and " in address:  # a crossing: both roads known, or neither is written
        roads = [places.english_road(part) for part in address.split(" and ")]
        return f"{roads[0]}與{roads[1]}口" if len(roads) == 2 and all(roads) else address
    m = _EN_WRITTEN_RE.match(address)
    road = places.english_road(m.group("road")) if m else None
    if m is None or road is None:
        return address
    section = m.group("section")
    parts = [road]
    if section and 0 < int(section) <= len(_SECTION_NUMERALS):
        parts.append(f"{_SECTION_NUMERALS[int(section) - 1]}段")
    for key, unit in (("lane", "巷"), ("alley", "弄"), ("number", "號")):
        if m.group(key):
            parts.append(f"{int(m.group(key))}{unit}")
    return "".join(parts)


def find_place(text: str) -> Place:
    """District, address (road, section, lane, alley, number; or an intersection) and landmark."""
    digits = spoken_numbers_to_digits(text)
    # 文心路四段，255巷 → 文心路四段255巷
    digits = re.sub(r"(段|路|街|大道)[，,、\s]+(?=\d+[巷弄號])", r"\1", digits)
    # (only where a house number ends there: 二號柱子, 二號出口 are other things)
    digits = re.sub(r"(?<=\d)(巷|弄)[，,、\s]+(?=\d+[弄號](?:$|[，,。、\s!?？！]|旁|前面|對面|附近|門口|那|這|樓))",
                    r"\1", digits)
    place = Place(district=find_district(digits))
    if place.district is None:
        place.district_heard = unknown_district(digits)
    roads = [r for r in _roads(digits)
             if not _NOT_BEFORE.search(digits[max(0, r.start() - 4):r.start()])]
    while len(roads) > 1 and _ROAD_PUT_RIGHT.match(digits[roads[0].end():roads[1].start()]):
        roads = roads[1:]  # 社口街，不是啦，是社南街: the road put right in the same breath
    if roads and not (roads[0].group("number") or roads[0].group("lane")):
        # 石岡區明德路，我家是明德路八十六號: the same road again, with its number
        fuller = next((r for r in roads[1:] if _road_name(r) == _road_name(roads[0])
                       and (r.group("number") or r.group("lane"))), None)
        if fuller is not None:
            roads = [fuller, *(r for r in roads[1:] if r is not fuller and r.start() > fuller.end())]
    if roads:
        first = _format_road(roads[0])
        if not (roads[0].group("number") or roads[0].group("lane")):
            # 中山路二段，差不多在三百號前面; 五權路，那間店是三百三十號; 中和街…呃…三十八號:
            # the number (or lane) said a little later, after a pause, a filler or a subject
            later = _LATER_NUMBER.search(digits[roads[0].end():])
            if later and not _NOT_LATER.search(later.group("between")) and not (
                    _NOT_A_HOUSE_AFTER.match(digits, roads[0].end() + later.end())
                    and not _a_home_door(later, digits[roads[0].end() + later.end():])):
                first += later.group("number")
        first = _corrected(first, digits[roads[0].end():roads[1].start() if len(roads) > 1 else None])
        if len(roads) > 1 and _INTERSECTION_RE.search(digits[roads[0].end():roads[1].start()]):
            second = _format_road(roads[1])
            place.address = f"{first}與{second}口"
        else:
            place.address = first
    else:
        place.address = _english_address(text)
    if not place.address:
        numbers = [m for m in re.finditer(r"(?:\d+巷)?(?:\d+弄)?\d+號|\d+巷(?:\d+弄)?", digits)
                   if not _NOT_BEFORE.search(digits[max(0, m.start() - 4):m.start()])]
        if numbers:
            place.number = numbers[-1].group(0)
        elif said := [m for m in _EN_HOUSE_NUMBER_RE.finditer(text)
                      if not _NOT_A_HOUSE_EN.search(text[max(0, m.start() - 12):m.start()])]:
            # "It's No. 251, not 215"; "the one in front of No. 15"; "No. 150, sorry, No. 105"
            fixed = len(said) > 1 and _EN_CORRECTION.search(text[said[0].end():said[-1].start()])
            chosen = said[-1] if fixed else said[0]
            place.number = f"{next(g for g in chosen.groups() if g)}號"
        elif lane := _EN_LANE_RE.search(text):  # "It's near Lane 150": the lane of the road said
            place.number = f"{lane.group(1)}巷"
    en_landmark = _EN_LANDMARK_RE.search(text)
    if en_landmark:
        place.landmark = (en_landmark.group(1) or en_landmark.group(2) or "").strip()
    in_district = [(m.start(), m.end()) for rx, _d in _DISTRICT_RES for m in rx.finditer(digits)]
    landmark = next((m for m in _LANDMARK_RE.finditer(digits)  # 新社區 holds no 社區
                     if not any(a <= m.start() and m.end() <= b for a, b in in_district)), None)
    if landmark:
        start = max(0, landmark.start() - 6, *(r.end() for r in roads if r.end() <= landmark.start()))
        prefix = re.search(f"{_NAME}{{0,4}}$", digits[start:landmark.start()])
        phrase = (prefix.group(0) if prefix else "") + landmark.group(1)
        for d in DISTRICTS:
            phrase = phrase.replace(d, "")
        # 過大里溪, 一間宮廟: what leads up to the name (crossing it, counting it) is not its name
        if prefix and any(r.end() == landmark.start() - len(prefix.group(0)) for r in roads):
            # (the road crosses it: 塗城路過大里溪)
            phrase = re.sub(r"^(經過|過)", "", phrase)
        phrase = re.sub(r"^[一這那][間座個家棟條所]", "", phrase)
        if phrase not in _WATERCOURSES:  # (a creek only by its name: 溫寮溪, not 溪)
            place.landmark = phrase or landmark.group(1)
    return place
