"""The dialog behind the speech pipeline: a barge-in leaves only what was heard in the history."""

from __future__ import annotations

from pathlib import Path

from dialog.knowledge import KnowledgeBase
from dialog.manager import DialogManager
from hotline.brain import DialogBrain
from tests.dialog_fakes import case_store


def test_brain_turns_and_barge_in_history(tmp_path: Path) -> None:
    brain = DialogBrain(DialogManager(KnowledgeBase.load(), case_store(tmp_path)))
    greeting = brain.greet()
    assert greeting.language == "zh" and len(greeting.sentences) >= 3
    turn = brain.respond("我家門口的路燈壞了", 0.9)
    assert turn.sentences == ("請問是在哪一區、哪一條路？", "有門牌或路口更好。")  # one by one
    brain.heard("請問是在哪一區", interrupted=True)
    last_bot = [t for t in brain.manager.state.transcript if t["who"] == "bot"][-1]
    assert last_bot["text"] == "請問是在哪一區" and last_bot["interrupted"] is True
