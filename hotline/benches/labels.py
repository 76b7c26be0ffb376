"""``hotline bench labels``: how the LLM labels the report lines the rules leave to it.

For each report scenario (one that expects a category), the first caller line that describes
something, has no emergency in it and gets a rule score under 2 is the line the dialog would
ask the LLM about. The figures are how often the LLM's label is the expected category, how
often it is another (a misfiled case, were it taken alone), how often it gives none, and the
time of each reading. Run it once per installed model (``--model``) to choose between them.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

from dialog.cues import has_content_beyond_place
from dialog.emergency import detect
from dialog.nlu_llm import LLMUnderstanding
from dialog.rules.categories import best_category, category_scores
from hotline.simulate import Scenario, percentile


@dataclass
class Labelled:
    scenario: str
    said: str
    expected: str
    label: str | None  # the LLM's category, None for none (or no usable answer)
    hinted: bool  # the rules hinted at the LLM's label (score 1)
    ms: float


def residue_line(scenario: Scenario) -> str | None:
    """The line of ``scenario`` that the dialog would put to the LLM, if any."""
    for turn in scenario.turns:
        text = turn.say
        if detect(text):
            return None  # an emergency is no report to label
        if best_category(text)[2] >= 2:
            return None  # the rules decide this report
        if has_content_beyond_place(text):
            return text
    return None


def run_labels_bench(scenarios: list[Scenario], llm: LLMUnderstanding) -> dict[str, Any]:
    lines = []
    for sc in scenarios:
        expected = sc.expect.get("category")
        said = residue_line(sc) if expected else None
        if said is None:
            continue
        started = time.perf_counter()
        reading = llm.read(said)
        ms = (time.perf_counter() - started) * 1000
        label = reading.category if reading else None
        lines.append(Labelled(sc.id, said, str(expected), label,
                              label is not None and label in category_scores(said), ms))
    right = [x for x in lines if x.label == x.expected]
    wrong = [x for x in lines if x.label is not None and x.label != x.expected]
    times = [x.ms for x in lines]
    return {
        "lines": len(lines),
        "right": len(right),
        "wrong": len(wrong),
        "none": len(lines) - len(right) - len(wrong),
        # what the dialog takes: a label the rules hinted at
        "hinted_right": sum(x.hinted for x in right),
        "hinted_wrong": sum(x.hinted for x in wrong),
        "ms_p50": _r(percentile(times, 50)),
        "ms_p95": _r(percentile(times, 95)),
        "each": [asdict(x) for x in lines],
    }


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
