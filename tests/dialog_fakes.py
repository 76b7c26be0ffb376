"""Fakes for dialog tests: an LLM that answers from a script, and a fresh case store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dialog.cases import CaseStore
from hotline.db import make_engine


class ScriptedLLM:
    """Answers ``chat_json`` with the label given for a phrase found in the utterance."""

    def __init__(self, labels: dict[str, str] | None = None, raw: str | None = None,
                 fail: bool = False) -> None:
        self.labels = labels or {}
        self.raw = raw
        self.fail = fail
        self.calls: list[str] = []

    def chat_json(self, messages: list[dict[str, str]], schema: dict[str, Any],
                  max_tokens: int) -> str:
        text = messages[-1]["content"]
        self.calls.append(text)
        if self.fail:
            raise RuntimeError("model crashed")
        if self.raw is not None:
            return self.raw
        for phrase, label in self.labels.items():
            if phrase in text:
                return json.dumps({"label": label})
        return json.dumps({"label": "unclear"})


def case_store(tmp_path: Path) -> CaseStore:
    return CaseStore(make_engine(f"sqlite:///{tmp_path / 'cases.db'}"))
