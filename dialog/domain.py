"""The 1999 domain: case categories, departments, districts, outcomes. Codes are a contract."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    CASE_FILED = "case_filed"
    ANSWERED = "answered"
    ESCALATED = "escalated"
    EMERGENCY_REDIRECT = "emergency_redirect"
    UNRESOLVED = "unresolved"


class EscalationReason(StrEnum):
    CALLER_REQUEST = "caller_request"
    REPEATED_FAILURE = "repeated_failure"
    LOW_CONFIDENCE = "low_confidence"
    OUT_OF_SCOPE = "out_of_scope"
    SENSITIVE = "sensitive"
    CALLER_DISTRESS = "caller_distress"
    AGENT_FIRST = "agent_first"  # the line puts every call to an agent; the AI listens


DEPARTMENTS: dict[str, tuple[str, str]] = {
    # code: (中文, English)
    "construction": ("建設局", "Construction Bureau"),
    "transportation": ("交通局", "Transportation Bureau"),
    "police": ("警察局", "Police Department"),
    "environment": ("環境保護局", "Environmental Protection Bureau"),
    "animal_protection": ("動物保護防疫處", "Animal Protection Office"),
    "water_resources": ("水利局", "Water Resources Bureau"),
    "urban_development": ("都市發展局", "Urban Development Bureau"),
}


@dataclass(frozen=True)
class Category:
    code: str
    department: str
    zh: str  # how the bot names it when reading a case back
    en: str


CATEGORIES: dict[str, Category] = {
    c.code: c
    for c in [
        Category("road_damage", "construction", "道路坑洞或路面破損", "road damage"),
        Category("streetlight", "construction", "路燈故障", "a broken streetlight"),
        Category("traffic_signal", "transportation", "紅綠燈故障", "a faulty traffic signal"),
        Category("illegal_parking", "police", "違規停車", "illegal parking"),
        Category("noise", "environment", "噪音", "noise"),
        Category("sanitation", "environment", "環境髒亂或垃圾", "rubbish or an unclean area"),
        Category("animal", "animal_protection", "動物救援或流浪動物", "an animal needing help"),
        Category("drainage", "water_resources", "水溝堵塞或積水", "a blocked drain or flooding"),
        Category("tree", "construction", "路樹倒塌或需修剪", "a fallen or overgrown tree"),
        Category("park_facility", "construction", "公園或人行道設施損壞",
                 "damaged park or sidewalk facilities"),
        Category("bus", "transportation", "公車服務問題", "a bus service problem"),
        Category("illegal_construction", "urban_development", "違章建築或占用",
                 "illegal construction or obstruction"),
    ]
}

DISTRICTS: tuple[str, ...] = (
    "中區", "東區", "南區", "西區", "北區", "西屯區", "南屯區", "北屯區", "豐原區", "東勢區",
    "大甲區", "清水區", "沙鹿區", "梧棲區", "后里區", "神岡區", "潭子區", "大雅區", "新社區",
    "石岡區", "外埔區", "大安區", "烏日區", "大肚區", "龍井區", "霧峰區", "太平區", "大里區",
    "和平區",
)

# Romanised names as English speakers say them (Taiwan's official Hanyu Pinyin spellings).
DISTRICTS_EN: dict[str, str] = {
    "central": "中區", "east": "東區", "south": "南區", "west": "西區", "north": "北區",
    "xitun": "西屯區", "nantun": "南屯區", "beitun": "北屯區", "fengyuan": "豐原區",
    "dongshi": "東勢區", "dajia": "大甲區", "qingshui": "清水區", "shalu": "沙鹿區",
    "wuqi": "梧棲區", "houli": "后里區", "shengang": "神岡區", "tanzi": "潭子區", "daya": "大雅區",
    "xinshe": "新社區", "shigang": "石岡區", "waipu": "外埔區", "da'an": "大安區", "daan": "大安區",
    "wuri": "烏日區", "dadu": "大肚區", "longjing": "龍井區", "wufeng": "霧峰區",
    "taiping": "太平區",
    "dali": "大里區", "heping": "和平區",
}


def district_en(district: str) -> str:
    """西屯區 → Xitun District, for English callers."""
    for roman, name in DISTRICTS_EN.items():
        if name == district and roman != "daan":
            return ("Da'an" if roman == "da'an" else roman.capitalize()) + " District"
    return district


EMERGENCY_NUMBERS: dict[str, tuple[str, str]] = {
    # number: (how the bot says what it is for, in zh and en)
    "119": ("找消防救護", "fire and ambulance"),
    "110": ("報警", "the police"),
    "113": ("保護專線", "the protection hotline"),
    "1925": ("安心專線", "the suicide prevention line"),
}
