"""Joins the speech pipeline to the dialog manager (voice/ and dialog/ never import each other)."""

from __future__ import annotations

from dialog.manager import DialogManager, Reply
from voice.pipeline import BotTurn
from voice.speech_text import split_sentences


class DialogBrain:
    """The voice side's ``Brain``, backed by one call's dialog manager."""

    def __init__(self, manager: DialogManager) -> None:
        self.manager = manager

    def greet(self) -> BotTurn:
        return _turn(self.manager.start())

    def respond(self, text: str, confidence: float) -> BotTurn:
        return _turn(self.manager.handle(text, asr_confidence=confidence))

    def heard(self, text: str, interrupted: bool) -> None:
        self.manager.heard(text, interrupted)


def _turn(reply: Reply) -> BotTurn:
    return BotTurn(tuple(split_sentences(reply.text)), reply.lang, reply.end_call)
