"""Audio at the edge and endpointing, on synthetic signals (no models)."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from tests.fakes import silence, vowel
from voice.audio import AudioFormatError, StreamConverter, convert, frames, read_audio, write_wav
from voice.events import SpeechPaused, SpeechStarted, SpeechStopped
from voice.frames import SAMPLE_RATE, Pcm
from voice.speech_text import speakable_en, speakable_zh, split_sentences
from voice.tts import EspeakMandarinTTS, Speech, VoiceBox
from voice.vad import Endpointer, VadConfig


@pytest.mark.parametrize(("rate", "channels"), [(8000, 1), (16000, 1), (44100, 2), (48000, 2)])
def test_convert_any_rate_and_layout_to_16k_mono(rate: int, channels: int) -> None:
    t = np.arange(rate) / rate
    mono = (np.sin(2 * np.pi * 440 * t) * 10000).astype(np.int16)
    samples = np.repeat(mono, channels) if channels == 2 else mono
    out = convert(samples, rate, channels)
    assert out.dtype == np.int16 and abs(len(out) - SAMPLE_RATE) <= 2
    assert 6000 < np.abs(out).max() <= 10100  # the tone survives, no clipping


def test_float_input_and_unsupported_rate() -> None:
    assert convert(np.zeros(800, np.float32), 8000).dtype == np.int16
    with pytest.raises(AudioFormatError, match="unsupported sample rate 12345"):
        convert(np.zeros(10, np.int16), 12345)


def test_stream_rejects_a_format_change_mid_stream() -> None:
    stream = StreamConverter()
    got = sum(len(stream.push(np.zeros(480, np.int16), 48000)) for _ in range(100))
    assert abs(got - 16000) < 400
    with pytest.raises(AudioFormatError, match=r"mid-stream: 48000 Hz/1 ch → 44100 Hz/1 ch"):
        stream.push(np.zeros(441, np.int16), 44100)


def test_read_wav_and_reject_what_is_not_audio(tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    write_wav(path, vowel(0.5), 16000)
    assert len(read_audio(path)) == 8000
    stereo = tmp_path / "s.wav"
    with wave.open(str(stereo), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(44100)
        w.writeframes(np.zeros(44100 * 2, "<i2").tobytes())
    assert abs(len(read_audio(stereo)) - 16000) <= 2
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"this is not audio at all" * 100)
    with pytest.raises(AudioFormatError, match=r"not an audio file|no audio"):
        read_audio(junk)
    with pytest.raises(AudioFormatError, match="cannot read"):
        read_audio(tmp_path / "missing.wav")


def run_vad(audio: Pcm, config: VadConfig | None = None) -> list[object]:
    ep = Endpointer(config)
    events: list[object] = []
    for i, frame in enumerate(frames(audio)):
        events += ep.push(frame, i * 0.02)
    return events + ep.flush(len(audio) / SAMPLE_RATE)


def test_endpointer_finds_start_pause_and_end() -> None:
    audio = np.concatenate([silence(1.0), vowel(1.5), silence(2.0)])
    events = run_vad(audio)
    kinds = [type(e) for e in events]
    assert kinds == [SpeechStarted, SpeechPaused, SpeechStopped]
    started, paused, stopped = events
    assert isinstance(started, SpeechStarted) and 0.7 <= started.t <= 1.15
    assert isinstance(stopped, SpeechStopped) and abs(stopped.speech_end - 2.5) < 0.1
    assert isinstance(paused, SpeechPaused) and paused.t < stopped.t
    assert abs(stopped.t - 2.5 - VadConfig().hangover_ms / 1000) < 0.1
    assert 1.4 <= len(stopped.audio) / SAMPLE_RATE <= 1.9  # the speech, a little context


def test_a_short_answer_ends_sooner_than_a_long_description() -> None:
    cfg = VadConfig()
    short = [e for e in run_vad(np.concatenate([silence(1.0), vowel(0.5), silence(2.0)]))
             if isinstance(e, SpeechStopped)]
    long = [e for e in run_vad(np.concatenate([silence(1.0), vowel(2.0), silence(2.0)]))
            if isinstance(e, SpeechStopped)]
    assert abs(short[0].t - short[0].speech_end - cfg.short_hangover_ms / 1000) < 0.06
    assert abs(long[0].t - long[0].speech_end - cfg.hangover_ms / 1000) < 0.06
    # a long description with a thinking pause (600 ms) stays one utterance
    paused = run_vad(np.concatenate([silence(1.0), vowel(1.5), silence(0.6), vowel(1.0),
                                     silence(2.0)]))
    assert len([e for e in paused if isinstance(e, SpeechStopped)]) == 1


def test_clicks_do_not_start_speech() -> None:
    clicks = np.concatenate([np.concatenate([silence(0.5), vowel(0.06)]) for _ in range(6)])
    assert run_vad(clicks) == []


def test_a_ten_minute_monologue_is_cut_into_pieces() -> None:
    events = run_vad(np.concatenate([silence(0.5), vowel(600.0), silence(1.0)]))
    stops = [e for e in events if isinstance(e, SpeechStopped)]
    assert all(len(s.audio) <= 30.5 * SAMPLE_RATE for s in stops)
    assert abs(sum(len(s.audio) for s in stops) / SAMPLE_RATE - 600) < 10  # nothing lost


def test_speakable_text() -> None:
    assert speakable_zh("編號1999-20261127-0001") == "編號幺九九九，二零二六幺幺二七，零零零幺"
    assert speakable_zh("請撥1910，中正路120號") == "請撥幺九幺零，中正路一百二十號"
    assert speakable_en("number 1999-20261127-0001") == "number 1 9 9 9, 2 0 2 6 1 1 2 7, 0 0 0 1"
    assert split_sentences("您好。請問？Yes. OK") == ["您好。", "請問？", "Yes.", "OK"]


def test_espeak_mandarin_fallback_speaks() -> None:
    tts = EspeakMandarinTTS()
    assert tts.to_pinyin("路燈壞了。") == "lu4 deng1 huai4 le5 ."
    speech = tts.synthesize("您好，這裡是1999。")
    assert speech.sample_rate == SAMPLE_RATE and speech.seconds > 1.0
    assert np.abs(speech.pcm).max() > 1000
    assert tts.synthesize("。。").seconds == 0


class _Recorder:
    loaded = True

    def __init__(self, language: str) -> None:
        self.language = language
        self.said: list[str] = []

    def load(self) -> None:
        pass

    def synthesize(self, text: str) -> Speech:
        self.said.append(text)
        return Speech(np.zeros(1600, np.int16))


def test_voicebox_routes_english_lines_and_caches_prompts() -> None:
    zh, en = _Recorder("zh"), _Recorder("en")
    box = VoiceBox({"zh": zh, "en": en})
    box.warm([("您好。", "zh"), ("For English, please just speak English.", "zh")])
    box.synthesize("您好。", "zh")  # cached: not synthesised again
    assert zh.said == ["您好。"] and en.said == ["For English, please just speak English."]
