"""Text helpers: Traditional Chinese, spoken numbers, language, personal-data masking."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import cn2an
import opencc

CN_DIGITS = "零〇一二兩三四五六七八九十百千"
_CN_NUM = f"[{CN_DIGITS}]+"

# Characters that OpenCC's s2t changes although Taiwan writes them as they are
# (台灣, 大里區, 后里區, 了解, 系統, 只有, 干擾, 北屯區后庄路 …): not evidence of Simplified text.
_TRADITIONAL_TOO = frozenset("台里干了后系面只余周范松冲征准制斗谷卷出占克布才朴咸借托于峰群床吃雇"
                             "庄")


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def simplified(text: str) -> str:
    """``text`` in Simplified characters (for word lists kept in Simplified, like jieba's)."""
    return str(_converter("t2s").convert(text))


def simplified_chars(text: str) -> set[str]:
    """Characters in ``text`` that only Simplified Chinese uses."""
    s2t, t2s = _converter("s2t"), _converter("t2s")
    found = set()
    for ch in set(text):
        if ("\u4e00" <= ch <= "\u9fff" and ch not in _TRADITIONAL_TOO
                and s2t.convert(ch) != ch and t2s.convert(ch) == ch):
            found.add(ch)
    return found


def normalise(text: str) -> str:
    """Full-width to half-width, control characters out, spaces folded, 臺 → 台."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = text.replace("臺", "台")
    return re.sub(r"\s+", " ", text).strip()


def cn_number(numeral: str) -> int | None:
    """A spoken Chinese number (一百二十, 兩百, 三五) as an int, or None."""
    numeral = numeral.replace("〇", "零").replace("兩", "二")
    if not any(u in numeral for u in "十百千") and len(numeral) > 1:
        # digit by digit, as house numbers are often read: 三五 → 35
        digits = "".join(str("零一二三四五六七八九".index(c)) for c in numeral)
        return int(digits)
    try:
        return int(cn2an.cn2an(numeral, "smart"))
    except (ValueError, KeyError, IndexError):
        return None


def spoken_numbers_to_digits(text: str, units: str = "號巷弄樓之") -> str:
    """一百二十號 → 120號, 三百五十巷 → 350巷; road sections (二段) and names (十街) stay."""

    def repl(m: re.Match[str]) -> str:
        value = cn_number(m.group(1))
        return m.group(0) if value is None else f"{value}{m.group(2)}"

    return re.sub(f"({_CN_NUM})([{units}])", repl, text)


def language_of(text: str) -> str | None:
    """'zh', 'en', or None when the text has no letters at all."""
    han = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    if not han and not latin:
        return None
    # Mixed speech: Chinese structure with English words is still answered in Chinese.
    return "zh" if han * 3 >= latin else "en"


_NATIONAL_ID = re.compile(r"(?<![A-Za-z0-9])([A-Z])([1289])\d{6}(\d{2})(?!\d)", re.IGNORECASE)
_MOBILE = re.compile(r"(?<!\d)(09)\d{2}[-\s]?\d{3}[-\s]?\d(\d{2})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{1,2})[-\s)]?\d{3,4}[-\s]?\d{2}(\d{2})(?!\d)")
_CN_DIGIT_RUN = re.compile("[零〇一幺二三四五六七八九]{7,}")


def _digits(numeral: str) -> str:
    numeral = numeral.replace("〇", "零").replace("幺", "一")  # 幺 is "one" in phone numbers
    return "".join(str("零一二三四五六七八九".index(c)) for c in numeral)


def spoken_digit_runs(text: str) -> str:
    """Phone-like runs of spoken digits become digits: 零九一二… → 0912…"""
    return _CN_DIGIT_RUN.sub(lambda m: _digits(m.group(0)), text)


def mask_pii(text: str) -> str:
    """Mask national ID and phone numbers (also when spoken as Chinese digits) for logs."""
    text = spoken_digit_runs(text)
    text = _NATIONAL_ID.sub(lambda m: f"{m.group(1)}{m.group(2)}******{m.group(3)}", text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}**-***-*{m.group(2)}", text)
    return _LANDLINE.sub(lambda m: f"{m.group(1)}-****-**{m.group(2)}", text)
