"""Deterministic understanding: categories, places, numbers and caller intents, by pattern.

Fast (well under a millisecond a turn) and predictable; the LLM (``dialog/nlu_llm.py``) is
asked only where these rules find nothing.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cache

from dialog.domain import DISTRICTS, DISTRICTS_EN
from dialog.places_zh import MandarinPlaces
from dialog.text import CN_DIGITS, cn_number, spoken_digit_runs, spoken_numbers_to_digits

# ---- categories -------------------------------------------------------------------------
# (pattern, weight): 3 = says the category on its own, 2 = strong hint, 1 = weak hint.
_CATEGORY_PATTERNS: dict[str, list[tuple[str, int]]] = {
    "road_damage": [
        (r"坑洞|破洞|大洞|凹洞|路面.{0,4}(破|裂|凹|凸|坑|洞|不平|塌|陷)|柏油.{0,4}(裂|破|掀|翹|坑)", 3),
        (r"(那個|一個|大)坑(?!人|害)|坑坑洞洞|人孔蓋|孔蓋|塌陷|下陷|龜裂|路基|路.{0,2}(凹下去|凸起來|不平)|路.{0,12}(一個|個|有)洞|洞.{0,6}(馬路|路上|路面)", 3),
        (r"\bpot ?holes?\b|\bsink ?hole\b|\bmanhole\b|holes? in the (road|asphalt|street|lane)|big hole|road (is )?(damaged|broken|cracked)|asphalt", 3),
        (r"\bcrack(s|ed)?\b|\bbumpy\b", 1),
    ],
    "streetlight": [
        (r"路燈|燈桿|燈柱|電火柱|電火|電線桿.{0,4}燈|電桿.{0,3}燈|街燈|水銀燈", 3),
        (r"(燈|燈泡).{0,6}(不亮|沒亮|沒有亮|壞|閃|熄|黑|暗|歹去)|暗暗的|很暗|黑漆漆|烏漆抹黑|暗摸摸|暗嘛嘛|黑嘛嘛|烏漆嘛黑|整片黑", 2),
        (r"street ?lights?|street ?lamps?|lamp ?posts?|light ?poles?", 3),
        (r"\b(too )?dark\b", 1),
    ],
    "traffic_signal": [
        (r"紅綠燈|號誌|交通燈|行人燈|小綠人|秒數", 3),
        (r"(紅燈|綠燈|黃燈).{0,6}(壞|不動|一直|不會|卡|閃|太短|太長|只有)|行人(綠燈|燈)", 3),
        (r"traffic ?(lights?|signals?)|(pedestrian|crossing|walk|walking|crosswalk) (light|signal)s?|"
         r"green man|stuck on (red|green)", 3),
    ],
    "illegal_parking": [
        (r"違規停車|違停|亂停|併排|並排|臨停", 3),
        (r"(停|停放).{0,8}(紅線|黃線|門口|車庫|騎樓|人行道|路口|消防栓|出入口|車道)", 3),
        (r"(紅線|黃線|騎樓|人行道|路口|消防栓|車庫門口|斑馬線)(上|前|旁)?(面|邊)?.{0,3}停(?!電)", 3),
        (r"(公車|客運|巴士|救護車|消防車|垃圾車).{0,4}(都)?(沒辦法|無法|不能|開不)(靠站|進站|進來|過|通過|轉彎)", 2),
        (r"(擋住|擋到|堵住|卡住).{0,6}(車道|車庫|出入口|門口|出口|我家)", 2),
        (r"(車|汽車|機車|貨車|卡車|砂石車|遊覽車).{0,8}(停|放).{0,6}(好幾|整天|幾天|很久|沒動|不走|不動)", 3),
        (r"(車|汽車|機車|貨車|卡車|砂石車).{0,8}停", 1),
        (r"illegal(ly)? park|double[- ]park|park(ed|ing) (car|vehicle|truck)|"
         r"(car|truck|van|vehicle).{0,30}block", 3),
        (r"\b(someone|somebody|a car|a truck|a van|a scooter|they|people|cars|trucks)\s+(has |have |is |are |keeps? )?(been )?(parked|parking)\b|blocking (my|the) (driveway|garage|gate|exit)", 3),
        (r"\bparked\b", 2),
        (r"\bparks? (their|his|her|a|the) (car|scooter|motorbike|truck|van)|"
         r"(car|scooter|truck|van)s? on the (sidewalk|pavement)", 3),
    ],
    "noise": [
        (r"噪音|擴音器|大聲公|宣傳車|卡拉 ?OK|KTV|喇叭聲|音響|廣播車", 3),
        (r"重播|放音樂|轟轟|機器.{0,8}(運轉|聲|轟)|(叫|吵)到.{0,4}(睡|休息)", 2),
        (r"(警報器?|警鈴|警笛|汽笛|鈴聲).{0,6}(響|叫|吵)|(砰|碰|轟|咚){2,}|(爆炸|槍|尖叫|煙火)聲|"
         r"(拍電影|拍片|拍戲|表演|晚會).{0,30}(聲|半夜|到.{0,4}點|沒停|不停)", 2),
        (r"吵|很大聲|太大聲|施工.{0,6}(聲|吵)|敲敲打打|唱歌|轟隆|睡不著|睡不好|震動|運轉聲|打樁|在震|"
         r"鞭炮|樂器|打鼓|狗一直叫|叫個不停", 2),
        (r"工地", 1),
        (r"\bnoise\b|\bnoisy\b|karaoke|loudspeaker|jackhammer\w*|pile[- ]driv\w*", 3),
        (r"\bdrilling\b|construction (site|work)|\b(after midnight|all night|at (4|5|6) ?am)\b", 2),
        (r"\b(siren|alarm)s? .{0,20}(going off|goes off|blaring|ringing|sounding) .{0,20}"
         r"(hours?|all (day|morning|night))|\b(bangs|booming|explosions)\b", 2),
        (r"\bloud\b|\bmusic\b", 2),
    ],
    "sanitation": [
        (r"(?<!垃圾)垃圾(?!車)|髒亂|廢棄物|廢棄.{0,3}(家具|沙發|床墊|冰箱)|亂丟|堆積|狗大便|排泄物|廚餘|棄置", 3),
        (r"(沙發|床墊|家具|冰箱|櫃子|電視|垃圾袋|雜物|舊衣|輪胎|建材|廢土).{0,8}(丟|放|堆|棄|倒)", 3),
        (r"偷倒|倒廢土|廢土|廢料|裝潢垃圾|營建廢棄物|垃圾山|(炮|紙)屑|煙火.{0,3}(紙殼|殘骸)", 3),
        (r"滿地(都是)?|沒人(來)?(掃|清)|血跡|(地上|路上|路面|滿地)(都是)?血(?!壓)", 2),
        (r"菜葉|內臟|蒼蠅|(丟|倒|堆)在路邊|紙灰|油煙|烤肉.{0,8}煙|煙.{0,6}(飄進|燻|嗆)|"
         r"燒(金紙|紙錢|垃圾|稻草|廢棄物)|空氣(污染|很差)|排放.{0,2}(黑煙|廢氣)", 3),
        (r"很臭|惡臭|臭味|異味|老鼠|蟑螂|蚊蠅|髒", 2),
        (r"garbage|trash|rubbish|litter|dump(ed|ing)|dog (poop|mess)|\bfilthy\b", 3),
        (r"\bsmell|\bstink|\bdirty\b|\brats?\b", 2),
    ],
    "animal": [
        (r"流浪(狗|貓|犬|動物)|野狗|浪浪|動物.{0,4}(受傷|救援|屍體)|(狗|貓|犬|鳥|動物).{0,8}(受傷|被車撞|撞到|死掉|屍體|卡住|不會動|咬人|追人)", 3),
        (r"(有|一隻|一條|好幾隻).{0,3}(狗|貓|蛇|猴子|鳥|蜂窩|虎頭蜂)|蛇|猴子|蜂窩|虎頭蜂|鴿子|麻雀|松鼠|烏龜|白鷺鷥|野鳥", 3),
        (r"(狗|貓|犬).{0,12}(綁|關|餓|虐|沒水|沒有水|曬|鏈)", 3),
        (r"(狗|貓|犬|鳥|小狗|小貓).{0,8}(卡在|困在|掉進|跌進|爬不出來|出不來)|"
         r"(puppy|dog|cat|kitten|bird)s?\b.{0,20}(stuck|trapped|can'?t (climb|get) out)", 2),
        (r"(狗|貓|犬|鳥)[^。]{0,15}(出不來|爬不出來|卡住|困住)|"
         r"\b(puppy|dog|cat|kitten|bird)s?\b[^.]{0,40}\b(stuck|trapped|can'?t (climb|get) out|"
         r"dying|screaming|crying|meowing|whimpering|yelping)\b", 2),
        (r"(狗|貓|犬|鳥)", 1),
        (r"stray (dog|cat|animal)s?|injured (dog|cat|animal|bird)|(dog|cat|animal|bird|pigeon).{0,20}(hit|injured|hurt|dead|chained|starv|no water|no shade|abuse|neglect)|snake|beehive|hornet|pigeon", 3),
        (r"\b(dogs?|cats?|animals?|puppy|kitten)\b", 1),
    ],
    "drainage": [
        (r"水溝|排水溝|側溝|下水道|溝蓋|積水|淹水|水淹|淹起來|排水|水退不掉|退不掉|不退|水.{0,4}(冒|湧)出來|變成小河", 3),
        (r"(堵塞|阻塞|堵住|塞住)", 1),
        (r"(blocked|clogged|overflow\w*).{0,12}(drain|gutter|sewer)|(drain|gutter|sewer).{0,12}(blocked|clogged|overflow\w*)|\bflood(ing|ed|s)?\b|standing water|water (is )?pooling", 3),
        (r"淹(到|了|過|得)|排不掉|排不出去|水排不", 3),
        (r"drain\w*|sewer|gutter|ditch", 2),
    ],
    "tree": [
        (r"路樹|樹倒|倒樹|樹木|樹枝|斷枝|枯樹|樹幹|行道樹|修剪|樹根|樹.{0,4}(倒|斷|擋|茂密|遮|壓|歪|傾斜)", 3),
        (r"(樹|樹枝|枝葉|樹葉).{0,12}(遮住|擋住|蓋住|遮到|擋到)", 3),
        (r"(?<![路行])樹", 1),
        (r"fallen tree|tree (has )?fall|tree branch|branch(es)?|overgrown tree|trees?\b", 3),
    ],
    "park_facility": [
        (r"(遊具|溜滑梯|滑梯|鞦韆|蹺蹺板|翹翹板|搖搖馬|沙坑|單槓|攀爬架|涼亭|健身器材|體健設施|遊樂設施|地磚)"
         r".{0,12}(壞|損|斷|破|翹|裂|鬆|鏽|卡住|掉|凸|尖|不能|危險|歪)|"
         r"(壞|斷|破|裂|鬆).{0,6}(遊具|溜滑梯|滑梯|鞦韆|翹翹板|搖搖馬|單槓|涼亭|健身器材)|步道.{0,4}(壞|破|翹)", 3),
        (r"遊具|溜滑梯|滑梯|鞦韆|蹺蹺板|翹翹板|搖搖馬|沙坑|單槓|攀爬架|涼亭|健身器材|體健設施|遊樂設施", 1),
        (r"(公園|人行道|廣場)(?!旁|附近|前面|裡面有|裡有).{0,10}(壞|損|斷|破|翹|凸|不平|鬆|(?<!死)掉)|"
         r"(椅子|座椅|欄杆|扶手).{0,4}(壞|斷|破|鬆)", 3),
        (r"playground|\bslide\b|\bswings?\b|park bench|"
         r"(sidewalk|pavement|paving).{0,25}(broken|cracked|uneven|damaged|loose|lifted)", 3),
        (r"sidewalk|pavement", 1),
        (r"公園|\bpark\b", 1),
    ],
    "bus": [
        (r"公車|巴士|客運|過站不停|跳站|誤點|班次|時刻表|(搭|坐)[一二三四五六七八九十百\d]+路(?![一二三四五六七八九十]+段)", 3),
        (r"站牌|公車站", 1),
        (r"司機", 2),
        (r"\bbus(es)?\b|bus stop|bus driver", 3),
        (r"\bdriver\b", 1),
    ],
    "illegal_construction": [
        (r"違建|違章|頂樓加蓋|加蓋|鐵皮屋|鐵皮|路霸|占用|佔用|霸占|霸佔|佔掉|占掉|佔據|攤販|"
         r"(桌子|椅子|貨|攤位).{0,6}(擺滿|占滿|佔滿)", 3),
        (r"蓋到(馬路|路上|騎樓|人行道|巷子)|(圍牆|牆|棚子|鐵架|招牌|鐵皮).{0,8}(往外|推出|蓋到|佔|占)|"
         r"搭(了)?.{0,6}(棚|鐵架|違建)", 3),
        (r"騎樓.{0,10}(堆|擺|放|占|佔|擋|圍)", 3),
        (r"illegal(ly)? (construction|building|structure|extension|addition|built)|rooftop (addition|extension|structure)", 3),
        (r"(arcade|walkway|sidewalk).{0,20}(blocked|occupied)|\brooftop\b", 1),
        (r"\b(built|building|put up|erected|added) (an? )?(\w+ )?(extension|shed|structure|addition|"
         r"canopy|carport|enclosure)|\b(metal|tin|iron|corrugated) (roof|shed|sheeting|structure)|"
         r"\b(covers?|covering|blocks?|blocking|takes? up|occupies|occupying) the (whole |entire )?"
         r"(alley|lane|arcade|walkway)\b", 2),
    ],
}
_CATEGORY_RES = {
    code: [(re.compile(p, re.IGNORECASE), w) for p, w in pats]
    for code, pats in _CATEGORY_PATTERNS.items()
}


# A power cut darkens lamps too, but it is Taipower's (1911), not a broken streetlight.
_SUPPRESS = {
    code: re.compile(r"停電|沒電|斷電|跳電|power (cut|outage)|blackout|no power", re.IGNORECASE)
    for code in ("streetlight", "traffic_signal")
}


# A dead animal, or the blood one left after it was taken away, is for the cleaning squads
# (environment protection); animal protection rescues the living.
_ANIMAL_REMAINS = re.compile(
    r"(狗|貓|犬|鳥|動物|老鼠|鴿子|蛇)[^，。,.]{0,6}(屍體|(?<![快要])死(掉)?了|(已經)?被(帶走|載走|收走|清走))|"
    r"(?<![快要])死(掉)?的(狗|貓|犬|鳥|動物|老鼠|鴿子|蛇)|屍體|"
    r"\b(dead|roadkill|carcass(es)?)\b", re.IGNORECASE)
# Still alive, killed by someone, or maybe diseased (bird flu, rabies): the animal protection
# and epidemic prevention office after all.
_ANIMAL_ALIVE = re.compile(r"還活著|還在動|還有呼吸|毒死|虐|打死|禽流感|狂犬病|傳染|疫|病死|生病|"
                           r"\b(still alive|poison\w*|abus\w*|bird flu|avian|rabies|disease\w*)\b",
                           re.IGNORECASE)
# A burst tap-water pipe is the water company's (1910, a referral), not a drain.
_TAP_WATER = re.compile(r"自來水|水管.{0,3}(破|裂|爆|漏)|(水管|管線)破|\b(water main|burst (water )?pipe)\b",
                        re.IGNORECASE)


def category_scores(text: str) -> dict[str, int]:
    """Each category's score: the sum of the weights of its patterns found in ``text``."""
    scores: dict[str, int] = {}
    for code, patterns in _CATEGORY_RES.items():
        if code in _SUPPRESS and _SUPPRESS[code].search(text):
            continue
        score = sum(w for rx, w in patterns if rx.search(text))
        if score:
            scores[code] = score
    if "animal" in scores and _ANIMAL_REMAINS.search(text) and not _ANIMAL_ALIVE.search(text):
        del scores["animal"]
        scores["sanitation"] = scores.get("sanitation", 0) + 3
    if "drainage" in scores and _TAP_WATER.search(text):
        del scores["drainage"]
    return scores


_DENIED = re.compile(r"(不是|並不是|而不是)[^，,。!?！？]{1,8}")


def _first_match(code: str, text: str) -> int:
    starts = [m.start() for rx, _w in _CATEGORY_RES[code] if (m := rx.search(text))]
    return min(starts, default=len(text))


def best_category(text: str) -> tuple[str | None, float, int]:
    """(category, confidence 0..1, raw score) by the keyword rules."""
    scores = category_scores(_DENIED.sub("", text))  # 是紅綠燈，不是路燈
    if not scores:
        return None, 0.0, 0
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    top, score = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0
    if score == second:
        # A tie: the thing named first is usually the subject (a puppy stuck in a drain).
        tied = [code for code, s in ranked if s == score]
        first = min(tied, key=lambda code: _first_match(code, text))
        return first, 0.3, score
    confidence = min(1.0, score / 3) * (1 - second / (score + 1))
    return top, round(confidence, 2), score


# ---- places -----------------------------------------------------------------------------

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
    "柏油路", "水泥路", "石子路",
}
_NAME = r"[^\s,，。、；;：:！!？?在是的區和跟與及到從往向我家住址就那這有個裡旁邊前後近對面附去帶看都也還說要想映講叫了]"
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
    r"(公園|國小|國中|高中|大學|學校|市場|車站|火車站|捷運站|公車站|醫院|廟|宮|教會|圖書館|"
    r"便利商店|7-?11|全家|萊爾富|加油站|區公所|派出所|停車場|運動中心|夜市|百貨|社區|大樓|橋|"
    r"圓環|交流道|賣場|家樂福|好市多)"
)
_EN_ROAD_RE = re.compile(
    # Whisper capitalises the name but not always the kind of road ("Wenxin road")
    r"((?:[A-Z][a-z'’]+\s+){1,3}(?:\d+(?:st|nd|rd|th)\s+)?"
    r"(?:[Rr]oad|Rd\.?|[Ss]treet|St\.?|[Bb]oulevard|Blvd\.?|[Aa]venue|Ave\.?|Lane)\b"
    r"(?:,?\s+(?:[Ss]ection|Sec\.?)\s*\d+)?)"
)
_EN_NUMBER_RE = re.compile(r"\b(?:No\.?|number)\s*(\d+)\b", re.IGNORECASE)
_EN_LANDMARK_RE = re.compile(
    r"\b((?:[A-Z][a-z'’]+\s+){1,3}(?i:bus stop|stop|station|park|school|night market|market|"
    r"temple|hospital|mall|bridge|library|plaza|square|university))\b|"
    r"\b(?:near|outside|in front of|next to|behind)\s+(?:the\s+)?((?:[A-Z0-9][\w'’-]*\s*){1,4}"
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
_NOT_BEFORE = re.compile(r"(不是|不在|並非|錯了)[^，,。]{0,2}$|\b(not|isn'?t|wasn'?t)\s+(in\s+)?$",
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
    found = [m for m in _known_road_re().finditer(text) if not _a_thing_after(text, m)]
    known = [(m.start(), m.end()) for m in found]
    for m in _ROAD_RE.finditer(text):
        if any(m.start() < end and start < m.end() for start, end in known):
            continue
        road = m.group("road")
        for d in DISTRICTS:  # 西屯區台灣大道 → the district is not part of the road name
            if d in road:
                road = road.split(d, 1)[1]
        if (road in _GENERIC_ROADS or road.endswith("馬路") or len(road) < 2
                or not re.search("[\u4e00-\u9fff]", road[:-1])):
            continue  # 55路 is a bus route, not a road
        if _a_thing_after(text, m):
            continue
        found.append(m)
    return sorted(found, key=lambda m: m.start())


def _a_thing_after(text: str, m: re.Match[str]) -> bool:
    """中山路燈 is a lamp: a road named alone and followed by 燈, 樹, 面 … is a thing."""
    return not (m.group("section") or m.group("number") or m.group("lane")) and bool(
        _AFTER_ROAD_NOT_PLACE.match(text[m.end():]))


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


_EN_SECTION_RE = re.compile(r"\b(?:section|sec\.?)\s*(\d+)\b", re.IGNORECASE)
_EN_LANE_RE = re.compile(r"\blane\s*(\d+)\b", re.IGNORECASE)
_EN_ALLEY_RE = re.compile(r"\balley\s*(\d+)\b", re.IGNORECASE)


def _english_address(text: str) -> str | None:
    """Road, section, lane, alley and number said in any order ("Section 2 of Wuquan Road,
    number 88"; "No. 35, Lane 12, Daguan Road"), written the Taiwanese way round:
    "No. 88, Wuquan Road Section 2"; two roads are a crossing."""
    roads = [r.strip() for r in _EN_ROAD_RE.findall(text)]
    if not roads:
        return None
    if len(roads) > 1:
        return " and ".join(roads[:2])
    road = roads[0]
    section = _EN_SECTION_RE.search(text)
    if section and not _EN_SECTION_RE.search(road):
        road = f"{road} Section {section.group(1)}"
    parts = [f"{label} {m.group(1)}" for label, rx in (("Alley", _EN_ALLEY_RE),
                                                      ("Lane", _EN_LANE_RE))
             if (m := rx.search(text)) and not rx.search(road)]
    number = _EN_NUMBER_RE.search(text)
    if number:
        parts.insert(0, f"No. {number.group(1)}")
    return ", ".join([*parts, road])


def find_place(text: str) -> Place:
    """District, address (road, section, lane, alley, number; or an intersection) and landmark."""
    digits = spoken_numbers_to_digits(text)
    # 文心路四段，255巷 → 文心路四段255巷
    digits = re.sub(r"(段|路|街|大道)[，,、\s]+(?=\d+[巷弄號])", r"\1", digits)
    place = Place(district=find_district(digits))
    if place.district is None:
        place.district_heard = unknown_district(digits)
    roads = [r for r in _roads(digits)
             if not _NOT_BEFORE.search(digits[max(0, r.start() - 4):r.start()])]
    if roads and not (roads[0].group("number") or roads[0].group("lane")):
        # 石岡區明德路，我家是明德路八十六號: the same road again, with its number
        fuller = next((r for r in roads[1:] if _road_name(r) == _road_name(roads[0])
                       and (r.group("number") or r.group("lane"))), None)
        if fuller is not None:
            roads = [fuller, *(r for r in roads[1:] if r is not fuller and r.start() > fuller.end())]
    if roads:
        first = _format_road(roads[0])
        if not (roads[0].group("number") or roads[0].group("lane")):
            # 中山路二段，差不多在三百號前面: the number said a little later
            later = re.search(r"^[，,\s]*(差不多|大概|大約|應該)?(是|在)?(?<!\d)(?P<number>\d+號)",
                              digits[roads[0].end():])
            if later:
                first += later.group("number")
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
        place.landmark = phrase or landmark.group(1)
    return place


# ---- other slots --------------------------------------------------------------------------

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
    r"(?P<clock>(\d{1,2}|[一二三四五六七八九十兩]{1,3})(點|時)(半|\d{1,2}分|多)?(左右)?)?"
    r"|(?P<hm>\d{1,2}[:：]\d{2})|(?P<ago>([一二三四五六七八九十兩半幾\d]+)(分鐘|個?小時|個?鐘頭)前)"
)
_TIME_EN_RE = re.compile(
    r"\b(this morning|this afternoon|this evening|tonight|last night|yesterday( morning| afternoon| evening)?"
    r"|just now|today|(about |around )?(\w+|\d+|an?) (minutes?|hours?) ago)?(\s*(around|at|about)\s*\d{1,2}(:\d{2})?\s*(am|pm|a\.m\.|p\.m\.|o'clock)?)?",
    re.IGNORECASE)
_ROUTE_RE = re.compile(
    r"(?P<a>\d{1,4}|[一二三四五六七八九十百]+)\s*(路(?=.{0,6}(公車|巴士|客運|司機))|號(?=公車|巴士))"
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
    r"(^\W{0,2}(是|坐|搭)?|等|搭|坐|那班|這班|那台|這台|班)(?P<a>\d{1,4}|[一二三四五六七八九十百零]+)\s*[號路]"
    r"(?![\d一二三四五六七八九十]+段)"
    r"|(?<![\u4e00-\u9fff])(?P<b>\d{1,4}|[一二三四五六七八九十百零]{2,})\s*路(?=公車|巴士|的?司機|都|那班|每|又|常常|一直)"
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


_PHONE_RE = re.compile(r"(?<!\d)(09\d{2}-?\d{3}-?\d{3}|0\d{1,2}-?\d{6,8})(?!\d)")


def find_phone(text: str) -> str | None:
    m = _PHONE_RE.search(spoken_digit_runs(text).replace(" ", ""))
    return m.group(1).replace("-", "") if m else None


# ---- intents ------------------------------------------------------------------------------

_HUMAN = re.compile(
    r"真人|真的人|活人|專人|人工|接線生|客服人員|承辦人員?聽|轉給承辦|找承辦|找人(講|說|談)|跟人(講|說)|不要跟機器|不想跟機器|"
    r"機器人.{0,4}(聽不懂|沒用)|轉接|找你們(的人|主管|長官)|"
    r"(承辦人|主管|長官|負責人|專人|真的人).{0,6}(來聽|聽電話|接電話|出來講|跟我講)|"
    r"叫(一個|個)?(人|真人|專人|小姐|先生)(來)?(跟我|和我)(講|說)|找(一個|個)?人來(跟我)?(講|說)|"
    r"\b(human|real person|live person|operator|an agent|representative|someone real|a person|"
    r"speak (to|with) (a|some)(one|body| person)|talk (to|with) (a|some)(one|body| person))\b",
    re.IGNORECASE)
_SENSITIVE = re.compile(
    r"貪污|貪汙|收賄|賄賂|行賄|紅包|回扣|關說|圖利|舞弊|"
    r"投訴.{0,12}(區公所|公所|市府|市政府|局處|人員|員工|公務員)|"
    r"(公所|市府|市政府|戶政|稅務|監理|清潔隊|警察局|派出所).{0,20}(態度|罵|兇|嗆|刁難|擺爛|不理人)|"
    r"(公務員|承辦|職員|員工|員警|警察|清潔隊員?|區公所的人|市府的人|里長|稽查員|櫃台人員|櫃檯人員|辦事員|公務人員).{0,10}"
    r"(態度|罵|兇|嗆|不理|刁難|擺爛|(?<!要)(?<!會)收錢(?!嗎)|騷擾|歧視|失職|投訴|檢舉|不處理)|"
    r"律師|訴訟|告我|提告|告他|告她|打官司|和解|調解|法院|法律|糾紛|押金|賠償|"
    r"\b(bribe|bribery|corrupt(ion)?|lawyer|lawsuit|sue|suing|legal (dispute|advice|action)|"
    r"court|compensation)\b",
    re.IGNORECASE)
_OUT_OF_SCOPE = re.compile(
    r"訂票|訂位|高鐵|台鐵票|機票|計程車|叫車|天氣|股票|外送|笑話|唱歌給|彩券|樂透|算命|"
    r"\b(weather|book (a|me)|ticket|taxi|uber|joke|stock|lottery|pizza|restaurant)\b",
    re.IGNORECASE)
_YES = re.compile(
    r"^(對(?!不起)|是|好|嗯|沒錯|正確|可以|要|麻煩|沒問題|ok|okay|yes|yeah|yep|yup|sure|correct|right|"
    r"that'?s (right|correct)|exactly|please)|對(?!不起)(啊|呀|的|喔|耶|沒錯)?|是(的|啊)|沒錯|正確|可以|好(的|啊)?|"
    r"\b(yes|yeah|correct|right|sure|okay|ok|please do|go ahead)\b",
    re.IGNORECASE)
_NO = re.compile(
    r"不對|不是|錯了|有錯|不正確|不要|不用|不需要|不必|沒有了|沒了|算了|"
    r"^(no|nope|nah)\b|\b(wrong|incorrect|not right|no thanks|that'?s not)\b|^不",
    re.IGNORECASE)
_DONE = re.compile(r"沒有了|沒事了|沒問題了|就這樣|謝謝|再見|掰掰|\b(that'?s all|nothing else|bye|"
                   r"thank you|thanks)\b", re.IGNORECASE)
_QUESTION = re.compile(
    r"[?？]|嗎|呢|怎麼|如何|哪裡|哪邊|要找誰|找誰|多少|幾點|幾號|什麼時候|請問|可不可以|能不能|"
    r"要不要|是否|有沒有|怎樣|\b(how|what|where|when|who|which|can i|do i|is there|should i)\b",
    re.IGNORECASE)
_DONT_KNOW = re.compile(r"不知道|不清楚|不確定|忘了|看不到|看不清楚|沒看到|不記得|"
                        r"\b(don'?t know|not sure|no idea|can'?t see|don'?t remember)\b",
                        re.IGNORECASE)


@dataclass
class Intents:
    human: bool = False
    sensitive: bool = False
    out_of_scope: bool = False
    yes: bool = False
    no: bool = False
    done: bool = False
    question: bool = False
    dont_know: bool = False
    notes: list[str] = field(default_factory=list)


def find_intents(text: str) -> Intents:
    no = bool(_NO.search(text))
    # 好/對 inside a sentence (我好害怕, 好幾天) is no answer to a yes/no question: only first.
    yes = bool(_YES.match(text))
    return Intents(
        human=bool(_HUMAN.search(text)),
        sensitive=bool(_SENSITIVE.search(text)),
        out_of_scope=bool(_OUT_OF_SCOPE.search(text)),
        yes=yes and not no,
        no=no,
        done=bool(_DONE.search(text)),
        question=bool(_QUESTION.search(text)),
        dont_know=bool(_DONT_KNOW.search(text)),
    )
