"""``hotline bench voice``: how intelligible the bot's voices are, as a round trip.

Each installed voice speaks the bot's fixed prompts (the phrases without blanks to fill), the
installed recogniser transcribes what it said, and the character error rate (Mandarin) or
word error rate (English) between the two is the figure: a robotic voice the recogniser
cannot follow is one callers struggle with too. Prompts are compared in the form the dialog
reads (Traditional, no punctuation, spoken numbers as digits).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from dialog import phrases
from hotline.benches.asr import comparable
from voice.asr import Recognizer
from voice.tts import Synthesizer

_WORD = re.compile(r"[a-z0-9']+")


@dataclass
class Spoken:
    voice: str
    language: str
    prompt: str
    heard: str
    errors: int
    length: int


def fixed_prompts(language: str) -> list[str]:
    """The bot's prompts in ``language`` that are said as they are (no blanks to fill)."""
    return [text for text in phrases.table(language).values() if "{" not in text]


def units(text: str, language: str) -> list[str]:
    """Characters for Mandarin, words for English."""
    if language == "zh":
        return list(comparable(text))
    return _WORD.findall(text.lower())


def run(voices: dict[str, Synthesizer], asr: Recognizer,
        progress: Callable[[Spoken], None] = lambda _s: None) -> dict[str, object]:
    """``voices``: a name for each installed voice, and the voice."""
    report: dict[str, object] = {}
    for name, voice in voices.items():
        language = voice.language
        spoken = []
        for prompt in fixed_prompts(language):
            speech = voice.synthesize(prompt)
            heard = asr.transcribe(speech.pcm, language).text
            said, got = units(prompt, language), units(heard, language)
            item = Spoken(name, language, prompt, heard, Levenshtein.distance(said, got),
                          len(said))
            progress(item)
            spoken.append(item)
        total = sum(s.length for s in spoken)
        key = "cer" if language == "zh" else "wer"
        report[name] = {"language": language, "prompts": len(spoken),
                        key: round(sum(s.errors for s in spoken) / total, 3) if total else None}
    return report
