"""The dialog behind the speech pipeline: a barge-in leaves only what was heard in the history."""

from __future__ import annotations

from pathlib import Path

from dialog.knowledge import KnowledgeBase
from dialog.manager import DialogManager
from hotline.brain import DialogBrain
from tests.fakes import case_store
from voice.events import BotTurn


def test_brain_turns_and_barge_in_history(tmp_path: Path) -> None:
    brain = DialogBrain(DialogManager(KnowledgeBase.load(), case_store(tmp_path)))
    greeting = brain.greet()
    assert greeting.language == "zh" and len(greeting.sentences) >= 3
    turn = brain.respond("我家門口的路燈壞了", 0.9)
    assert turn.sentences == ("請問是在哪一區、哪一條路？", "有門牌或路口更好。")  # one by one
    brain.heard(turn, "請問是在哪一區", interrupted=True)
    last_bot = [t for t in brain.manager.state.transcript if t.who == "bot"][-1]
    assert last_bot.text == "請問是在哪一區" and last_bot.interrupted is True


def test_what_was_heard_lands_on_its_own_line(tmp_path: Path) -> None:
    """A turn cut short after a newer one was logged, and the speech side's own prompts."""
    brain = DialogBrain(DialogManager(KnowledgeBase.load(), case_store(tmp_path)))
    greeting = brain.greet()
    first = brain.respond("我家門口的路燈壞了", 0.9)
    second = brain.respond("在北屯區崇德路二段一百號", 0.9)  # logged while first still plays
    brain.heard(first, "請問是在哪一區", interrupted=True)
    brain.heard(second, "".join(second.sentences), interrupted=False)
    brain.heard(BotTurn(("請問您還在線上嗎？",), "zh"), "請問您還在線上嗎？", interrupted=False)
    bot = [t for t in brain.manager.state.transcript if t.who == "bot"]
    assert bot[1].text == "請問是在哪一區" and bot[1].interrupted
    assert bot[2].text == "".join(second.sentences) and not bot[2].interrupted
    assert bot[3].text == "請問您還在線上嗎？"  # recorded, not written over another line
    assert bot[0].text == "".join(greeting.sentences)  # never heard: untouched


def test_outside_the_dialog_the_state_is_read_from_snapshots(tmp_path: Path) -> None:
    """Each change is published whole, after the turn; what was published never changes."""
    import dataclasses

    import pytest

    brain = DialogBrain(DialogManager(KnowledgeBase.load(), case_store(tmp_path)))
    brain.greet()
    before = brain.snapshot
    turn = brain.respond("我家門口的路燈壞了", 0.9)
    after = brain.snapshot
    assert [t.who for t in before.transcript] == ["bot"]  # as it was
    assert [t.who for t in after.transcript] == ["bot", "caller", "bot"]
    assert after.fields["category"] == "streetlight" and "category" not in before.fields
    brain.heard(turn, "請問是在哪一區", interrupted=True)
    assert brain.snapshot.transcript[-1].interrupted and not after.transcript[-1].interrupted
    with pytest.raises(TypeError):
        after.fields["category"] = "tree"  # type: ignore[index]
    with pytest.raises(dataclasses.FrozenInstanceError):
        after.lang = "en"  # type: ignore[misc]
