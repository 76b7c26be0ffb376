"""Text as the speech side sees it: which language it is written in, and how it is spoken
(numbers read the Taiwanese way, codes digit by digit)."""

from __future__ import annotations

import re

import cn2an

_DIGITS_ZH = "零一二三四五六七八九"
# Case and phone numbers, hotlines after 撥/打/專線/編號…, and any run of 5+ digits
_CODE = re.compile(
    r"\d{4}-\d{8}-\d{4}|(?<!\d)09\d{2}-?\d{3}-?\d{3}(?!\d)|(?<!\d)\d{5,}(?!\d)|"
    r"(?:(?<=[撥打線碼是])|(?<=號碼)|(?<=call ))\d{3,4}(?![\d號巷弄])|"
    r"(?<!\d)\d{3,4}(?=專線|市民專線|熱線)", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(\.\d+)?")


def _digit_by_digit_zh(code: str) -> str:
    # 1 is read 幺 in numbers said digit by digit (電話、編號), as Taiwanese operators do
    return "".join("幺" if c == "1" else _DIGITS_ZH[int(c)] if c.isdigit() else "，" for c in code)


def speakable_zh(text: str) -> str:
    """Chinese with every number written out: 1999-… → 幺九九九…, 120號 → 一百二十號."""
    text = _CODE.sub(lambda m: _digit_by_digit_zh(m.group(0)), text)
    return _NUMBER.sub(lambda m: str(cn2an.an2cn(m.group(0), "low")).replace("点", "點"), text)


def speakable_en(text: str) -> str:
    """English text: case and phone numbers digit by digit, in groups."""
    return _CODE.sub(lambda m: ", ".join(" ".join(part) for part in re.split(r"-", m.group(0))),
                     text)


def split_sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[。！？!?；])\s*|(?<=[.])\s+", text.strip())
    return [p.strip() for p in parts if p and p.strip()]


def has_han(text: str) -> bool:
    """Any Chinese character (an English voice cannot say those)."""
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def script_language(text: str) -> str | None:
    """zh or en by the script the text is written in; None for anything else (kana, hangul…)."""
    latin = sum(ch.isascii() and ch.isalpha() for ch in text)
    han = sum("\u4e00" <= ch <= "\u9fff" for ch in text)
    other = sum(ch.isalpha() and not ch.isascii() and not "\u4e00" <= ch <= "\u9fff"
                for ch in text)
    if other > max(latin, han):
        return None
    if not latin and not han:
        return None
    return "zh" if han * 2 >= latin else "en"
