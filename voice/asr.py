"""Speech recognition with faster-whisper, from a local CTranslate2 model folder."""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import opencc

from models.loading import Lazy
from voice.place_names import PlaceNames
from voice.speech_text import script_language

SAMPLE_RATE = 16_000
SHORT_S = 28  # utterances up to this long are decoded in one short window
# Yes and no alike, so the prompt leans to neither: measured on the 65 lines of
# shared/audio/zh decoded with it, no 好/對/有/沒有/不對/不是 appeared that was not said.
ANSWER_PROMPT = "好。對。有。沒有。不對。不是。"
# What a re-decoded answer may be: a yes or a no, nothing else (好, 對的, 沒有, 不是…)
_ANSWER = re.compile(r"^(好|對|是|有|沒有|不是|不對|不用|可以|沒錯|嗯|不要)(的|啊|喔|啦)?"
                     r"[。，,！!]*$")
# Already an answer in English, or a lamp number: left as heard
_KEEP = re.compile(r"^\W*(yes|yeah|yep|yup|no|nope|nah|ok|okay|sure|right|correct)\W*$|\d",
                   re.IGNORECASE)
ENCODE_MARGIN = 100  # mel frames (1 s) of padding after the utterance
MIN_FRAMES = 1000  # windows under 10 s make Whisper repeat the end ("yes that is right yes")

# Whisper's well-known inventions on silence and noise (subtitle credits, outros).
_HALLUCINATIONS = re.compile(
    r"請不吝點贊|點贊|訂閱|轉發|打賞|字幕由|字幕製作|字幕組|中文字幕|感謝收看|感謝觀看|謝謝觀看|"
    r"謝謝大家收看|歡迎訂閱|明鏡|點點欄目|優優獨播|Amara|"
    r"thank you for watching|thanks for watching|"
    r"subtitles by|please subscribe|like and subscribe", re.IGNORECASE)


@dataclass(frozen=True)
class Transcript:
    text: str
    language: str
    confidence: float  # 0..1: token probability, discounted by the no-speech probability


class Recognizer(Protocol):
    """What the pipeline needs of an ASR engine (blocking: run it in a worker thread)."""

    def transcribe(self, pcm: npt.NDArray[np.int16], language: str | None = None,
                   answer: bool = False) -> Transcript: ...


@cache
def _s2twp() -> opencc.OpenCC:
    return opencc.OpenCC("s2twp")


_REPEATS = re.compile(r"(.{1,4}?)\1{3,}")
_LOOP_TAIL = re.compile(r"(.{5,}?)(?:[,，。 ]*\1)+[,，。 ]*$")


def suspicious(t: Transcript) -> bool:
    """Signs the decode went wrong: a script that is neither Chinese nor Latin, or a loop
    (鉛鉛鉛鉛, what Whisper does when it decodes speech in the wrong language)."""
    if not t.text:
        return False  # nothing heard is an answer, not a reason to decode again
    written = script_language(t.text)
    return written is None or written != t.language or bool(_REPEATS.search(t.text))


def compression_ratio(text: str) -> float:
    data = text.encode("utf-8")
    return len(data) / max(1, len(zlib.compress(data)))


class WhisperASR:
    """faster-whisper on the CPU (int8). ``transcribe`` blocks: call it from a worker thread."""

    def __init__(self, model_dir: Path, threads: int = 2, max_new_tokens: int = 96,
                 places: PlaceNames | None = None) -> None:
        self.model_dir = model_dir
        self.max_new_tokens = max_new_tokens
        self.places = places  # corrects misheard place names in English transcripts
        self._model: Lazy[Any] = Lazy(lambda: _load(model_dir, threads))

    @property
    def loaded(self) -> bool:
        return self._model.loaded

    def load(self) -> None:
        self._model.get()
        if self.places is not None:
            self.places.prepare()

    def transcribe(self, pcm: npt.NDArray[np.int16], language: str | None = None,
                   answer: bool = False) -> Transcript:
        """16 kHz mono s16 in; Traditional Chinese or English text out, or "" for no speech.

        ``language`` is the caller's language so far (default zh). Whisper picks the language
        from the same encoder pass it decodes with (a separate detection would cost a second
        pass); only when the result is in neither zh nor en, or loops, is it decoded again with
        the expected language forced. English place names Whisper misspells ("zidane
        district") are put right by ``places``.

        ``answer``: the bot has just asked a yes/no question. A Mandarin caller's one-syllable
        answer can come out as an English word (好 as "call"); then it is decoded again in
        Mandarin, told what answers sound like (``ANSWER_PROMPT``: yes and no alike), and
        taken only if that gives a short Mandarin answer.
        """
        result = self._transcribe(pcm, language)
        if answer and (language or "zh") == "zh" and _one_english_word(result) \
                and not _KEEP.search(result.text) and len(pcm) <= SHORT_S * SAMPLE_RATE:
            again = self.decode_as_answer(pcm)
            if _ANSWER.match(again.text) and again.confidence >= max(0.15, result.confidence / 2):
                return again
        if result.language == "en" and self.places is not None:
            return replace(result, text=self.places.correct(result.text))
        return result

    def decode_as_answer(self, pcm: npt.NDArray[np.int16]) -> Transcript:
        """A short line decoded in Mandarin as the answer to a yes/no question."""
        # with a little silence around it, as Whisper heard words in training: the VAD cuts
        # a one-syllable answer close (a 0.6 s 好 decoded bare is "call", padded is 好)
        pad = np.zeros(SAMPLE_RATE * 3 // 10, np.int16)
        return self._decode_short(np.concatenate([pad, pcm, pad]), "zh", detect=False,
                                  prompt=ANSWER_PROMPT)

    def transcribe_plain(self, pcm: npt.NDArray[np.int16], language: str | None = None
                         ) -> Transcript:
        """faster-whisper's standard ``transcribe`` with its defaults (the speech bench's
        baseline): the whole 30 s window, beam search, language detection."""
        audio = pcm.astype(np.float32) / 32768.0
        segments, _info = self._model.get().transcribe(audio, vad_filter=False)
        return self._finish([(s.text.strip(), s.avg_logprob, s.no_speech_prob) for s in segments],
                            language or "zh", detect=True)

    def _transcribe(self, pcm: npt.NDArray[np.int16], language: str | None) -> Transcript:
        expected = language or "zh"
        first = self._decode(pcm, expected, detect=True)
        if not suspicious(first) or len(pcm) < SAMPLE_RATE // 2:
            return first
        second = self._decode(pcm, expected, detect=False)
        if suspicious(second) and not suspicious(first):
            return first
        return second if second.confidence > first.confidence - 0.05 else first

    def _decode(self, pcm: npt.NDArray[np.int16], language: str, detect: bool) -> Transcript:
        if len(pcm) < SAMPLE_RATE // 10:
            return Transcript("", language, 0.0)
        if len(pcm) <= SHORT_S * SAMPLE_RATE:
            return self._decode_short(pcm, language, detect)
        return self._decode_long(pcm, language, detect)

    def _decode_short(self, pcm: npt.NDArray[np.int16], language: str,
                      detect: bool, prompt: str = "") -> Transcript:
        """One utterance in one window, encoding only its own length (plus a margin).

        Whisper pads every input to 30 s; CTranslate2's encoder takes shorter inputs, and a
        3-second utterance then encodes in ~0.1 s instead of ~0.8 s on two cores.
        """
        import ctranslate2
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_suppressed_tokens

        model = self._model.get()
        features = model.feature_extractor(pcm.astype(np.float32) / 32768.0)
        frames = min(3000, max(MIN_FRAMES, -(-(features.shape[1] + ENCODE_MARGIN) // 100) * 100))
        window = np.zeros((features.shape[0], frames), np.float32)
        window[:, : min(frames, features.shape[1])] = features[:, :frames]
        encoded = model.model.encode(ctranslate2.StorageView.from_array(window[None]))
        if detect:
            probs = dict(model.model.detect_language(encoded)[0])
            # Callers speak Mandarin or English; stay with the call's language unless the
            # other one is clearly more likely (short lines are easily misjudged).
            other = "en" if language == "zh" else "zh"
            p_expected = probs.get(f"<|{language}|>", 0.0)
            p_other = probs.get(f"<|{other}|>", 0.0)
            if p_other > 0.5 and p_other > 2 * p_expected:
                language = other
        tokenizer = Tokenizer(model.hf_tokenizer, True, task="transcribe", language=language)
        tokens_in = [*tokenizer.sot_sequence, tokenizer.no_timestamps]
        if prompt:  # Whisper's "previous text": what was just said, to decode in its light
            tokens_in = [tokenizer.sot_prev, *tokenizer.encode(" " + prompt), *tokens_in]
        result = model.model.generate(
            encoded, [tokens_in], beam_size=1, max_length=len(tokens_in) + self.max_new_tokens,
            return_scores=True, return_no_speech_prob=True, suppress_blank=True,
            suppress_tokens=get_suppressed_tokens(tokenizer, (-1,)),
        )[0]
        tokens = [t for t in result.sequences_ids[0] if t < tokenizer.eot]
        text = tokenizer.decode(tokens).strip()
        n = len(tokens)
        avg_logprob = result.scores[0] * n / (n + 1) if n else -10.0
        return self._finish([(text, avg_logprob, result.no_speech_prob)], language, detect)

    def _decode_long(self, pcm: npt.NDArray[np.int16], language: str,
                     detect: bool) -> Transcript:
        """Segments are collected here, in the worker thread: faster-whisper decodes lazily."""
        audio = pcm.astype(np.float32) / 32768.0
        segments, _info = self._model.get().transcribe(
            audio, language=language, multilingual=detect, beam_size=1, temperature=0.0,
            condition_on_previous_text=False, max_new_tokens=self.max_new_tokens,
            vad_filter=False, without_timestamps=True,
        )
        return self._finish([(s.text.strip(), s.avg_logprob, s.no_speech_prob) for s in segments],
                            language, detect)

    @staticmethod
    def _finish(segments: list[tuple[str, float, float]], language: str,
                detect: bool) -> Transcript:
        """Drop Whisper's inventions, convert to Traditional, score what is left."""
        texts, scores = [], []
        for raw, avg_logprob, no_speech_prob in segments:
            text = _LOOP_TAIL.sub(r"\1", raw)  # 一二三…十一二三…十: said once, decoded twice
            if not text or _HALLUCINATIONS.search(text):
                continue
            if no_speech_prob > 0.6 and avg_logprob < -0.8:
                continue  # silence or noise decoded into words
            if compression_ratio(text) > 2.4:
                continue  # the same phrase over and over
            texts.append(text)
            scores.append(math.exp(avg_logprob) * (1.0 - no_speech_prob))
        language = script_language(" ".join(texts)) or language if detect else language
        joined = ("" if language == "zh" else " ").join(texts).strip()
        if language == "zh":
            joined = str(_s2twp().convert(joined))
        confidence = sum(scores) / len(scores) if scores else 0.0
        return Transcript(joined, language, round(confidence, 3))


def _load(model_dir: Path, threads: int) -> Any:
    from faster_whisper import WhisperModel

    return WhisperModel(
        str(model_dir), device="cpu", compute_type="int8", cpu_threads=threads,
        local_files_only=True,
    )


def _one_english_word(result: Transcript) -> bool:
    # by the script, not the label: a decode forced to Mandarin can still write "call"
    return script_language(result.text) == "en" and 0 < len(result.text.split()) <= 1
