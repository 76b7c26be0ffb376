"""The bot's fixed sentences, synthesised once before the first call."""

from __future__ import annotations

from dialog import phrases
from voice.speech_text import split_sentences


def fixed_prompts() -> list[tuple[str, str]]:
    """The bot's fixed sentences (greeting, its questions), to synthesise before any call."""
    keys = ("greeting", "greeting_en_hint", "ask_problem", "ask_location", "confirm",
            "anything_else", "repeat", "goodbye", "recording_notice", "handoff", "hold_next",
            "still_there")
    return [(sentence, lang) for lang in ("zh", "en") for key in keys
            for sentence in split_sentences(phrases.say(lang, key)) if sentence]
