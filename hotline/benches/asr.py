"""``hotline bench asr``: how well Mandarin callers are heard, on recordings with transcripts.

For each WAV of a folder's ``lines.json`` (``{"file.wav": "what was said", …}``) the installed
recogniser transcribes the line; the figures are the character error rate (CER) before and
after the dialog puts misheard place names right, and, for the lines that name a district or a
road, how often the dialog ends up with the one that was said. Both sides are compared in the
form the dialog reads (Traditional, 臺 → 台, spoken numbers as digits, no punctuation).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from rapidfuzz.distance import Levenshtein

from dialog.places_zh import MandarinPlaces, road_name
from dialog.rules.places import find_district, find_place
from dialog.text import normalise, spoken_digit_runs, spoken_numbers_to_digits
from voice.asr import Recognizer
from voice.audio import read_audio

_NOT_COMPARED = re.compile(r"[\s,，。、；;：:！!？?「」『』（）()…—\-\"'.]")


@dataclass
class Line:
    wav: str
    said: str
    heard: str
    corrected: str
    ms: float
    district_said: str | None
    district_heard: str | None
    road_said: str | None
    road_heard: str | None


def comparable(text: str) -> str:
    """The form both sides are compared in."""
    text = spoken_digit_runs(spoken_numbers_to_digits(normalise(text)))
    return _NOT_COMPARED.sub("", text)


def road_of(text: str) -> str | None:
    """The name of the first road the dialog finds in ``text`` (中清路 of 中清路四段100號)."""
    address = find_place(text).address
    return road_name(address) if address else None


def cer(pairs: list[tuple[str, str]]) -> float:
    """Edits over reference characters, summed over the lines."""
    ref = sum(len(comparable(said)) for said, _heard in pairs)
    edits = sum(Levenshtein.distance(comparable(said), comparable(heard)) for said, heard in pairs)
    return round(edits / ref, 4) if ref else 0.0


def run(folder: Path, asr: Recognizer, places: MandarinPlaces,
        progress: Callable[[Line], None] = lambda _line: None) -> dict[str, object]:
    transcripts: dict[str, str] = json.loads((folder / "lines.json").read_text("utf-8"))
    lines = []
    for wav, said in sorted(transcripts.items()):
        pcm = read_audio(folder / wav)
        t0 = time.perf_counter()
        heard = asr.transcribe(pcm, "zh").text
        ms = (time.perf_counter() - t0) * 1000
        corrected = places.correct(normalise(heard))
        line = Line(wav, said, heard, corrected, round(ms),
                    find_district(normalise(said)), find_district(corrected),
                    road_of(normalise(said)), road_of(corrected))
        progress(line)
        lines.append(line)
    with_district = [ln for ln in lines if ln.district_said]
    with_road = [ln for ln in lines if ln.road_said]

    def rate(ok: int, of: int) -> dict[str, object]:
        return {"ok": ok, "of": of, "rate": round(ok / of, 3) if of else None}

    return {
        "lines": len(lines),
        "cer_heard": cer([(ln.said, ln.heard) for ln in lines]),
        "cer_corrected": cer([(ln.said, ln.corrected) for ln in lines]),
        "district": rate(sum(ln.district_heard == ln.district_said for ln in with_district),
                         len(with_district)),
        "road": rate(sum(ln.road_heard == ln.road_said for ln in with_road), len(with_road)),
        # A district or road in the text that the caller never said: a corrector's leak.
        "names_not_said": sum(
            (ln.district_heard is not None and ln.district_heard != ln.district_said)
            + (ln.road_heard is not None and ln.road_heard != ln.road_said and
               ln.road_heard in places.known)
            for ln in lines),
        "asr_ms_p50": sorted(ln.ms for ln in lines)[len(lines) // 2] if lines else None,
        "misses": [asdict(ln) for ln in lines
                   if ln.district_heard != ln.district_said or ln.road_heard != ln.road_said],
    }
