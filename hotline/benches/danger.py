"""``hotline bench danger``: how well the danger model (``dialog/danger_model.py``) tells danger.

Two figures. On its own corpus, by k-fold cross-validation (each line scored by a model trained
without it): how many danger lines it flags, and how many others. On scenario folders it was
not trained on: of the scenarios that expect an emergency, how many the model flags on some
caller line (alone, and where the rules missed them); of the others, how many it flags. A
scenario's lines are scored one by one, as the dialog scores each turn.
"""

from __future__ import annotations

from typing import Any

from dialog.danger_model import THRESHOLD, DangerModel, default_model, read_corpus
from dialog.emergency import detect_by_rules, possible_danger
from dialog.text import normalise
from hotline.simulate import Scenario


def cross_validated(lines: list[tuple[str, bool]], folds: int, threshold: float) -> dict[str, Any]:
    flagged = {True: 0, False: 0}
    for k in range(folds):
        model = DangerModel.train([x for i, x in enumerate(lines) if i % folds != k])
        for text, danger in lines[k::folds]:
            flagged[danger] += model.odds(text) > threshold
    n_danger = sum(1 for _t, d in lines if d)
    return {"danger": {"flagged": flagged[True], "of": n_danger},
            "other": {"flagged": flagged[False], "of": len(lines) - n_danger}}


def on_scenarios(scenarios: list[Scenario], model: DangerModel,
                 threshold: float) -> dict[str, Any]:
    emergencies = {"n": 0, "flagged": 0, "rules_missed": 0, "rescued": 0}
    others: dict[str, Any] = {"n": 0, "flagged": 0, "ids": []}
    for sc in scenarios:
        outcome = sc.expect.get("outcome")
        if outcome is None:
            continue
        said = [normalise(turn.say) for turn in sc.turns]  # as the dialog reads a turn
        ruled = [detect_by_rules(line) is not None for line in said]
        by_rules = any(ruled)
        # as the dialog asks it: where the rules find no danger and see no plain report
        by_model = any(not r and possible_danger(line, model, threshold)
                       for line, r in zip(said, ruled, strict=True))
        if outcome == "emergency_redirect":
            emergencies["n"] += 1
            emergencies["flagged"] += any(model.odds(line) > threshold for line in said)
            emergencies["rules_missed"] += not by_rules
            emergencies["rescued"] += by_model and not by_rules
        else:
            others["n"] += 1
            if by_model:
                others["flagged"] += 1
                others["ids"].append(sc.id)
    return {"emergencies": emergencies, "others": others}


def run_danger_bench(scenarios: list[Scenario], folds: int = 5,
                     threshold: float = THRESHOLD) -> dict[str, Any]:
    lines = read_corpus()
    return {"threshold": threshold, "corpus_lines": len(lines),
            "cross_validated": cross_validated(lines, folds, threshold),
            "scenarios": on_scenarios(scenarios, default_model(), threshold)}
