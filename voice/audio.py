"""Audio at the edge: anything in (8–48 kHz, mono or stereo, int or float) → 16 kHz mono s16."""

from __future__ import annotations

import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soxr

from voice.frames import FRAME_SAMPLES, SAMPLE_RATE, Pcm

SUPPORTED_RATES = (8_000, 11_025, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000)


class AudioFormatError(ValueError):
    """Audio the pipeline cannot take; the message says what was wrong."""


def _to_float_mono(samples: npt.NDArray[np.generic], channels: int) -> npt.NDArray[np.float32]:
    if samples.dtype == np.int16:
        data = samples.astype(np.float32) / 32768.0
    elif samples.dtype == np.int32:
        data = samples.astype(np.float32) / 2_147_483_648.0
    elif samples.dtype == np.uint8:
        data = (samples.astype(np.float32) - 128.0) / 128.0
    elif np.issubdtype(samples.dtype, np.floating):
        data = samples.astype(np.float32)
    else:
        raise AudioFormatError(f"unsupported sample type {samples.dtype}")
    if channels > 1:
        if data.size % channels:
            raise AudioFormatError(f"{data.size} samples do not split into {channels} channels")
        data = data.reshape(-1, channels).mean(axis=1)
    return data


def _to_s16(data: npt.NDArray[np.float32]) -> Pcm:
    return (np.clip(data, -1.0, 1.0) * 32767.0).astype(np.int16)


def convert(samples: npt.NDArray[np.generic], rate: int, channels: int = 1) -> Pcm:
    """A whole clip to 16 kHz mono s16 (interleaved samples if stereo)."""
    if rate not in SUPPORTED_RATES:
        raise AudioFormatError(f"unsupported sample rate {rate} Hz")
    data = _to_float_mono(samples, channels)
    if rate != SAMPLE_RATE:
        data = soxr.resample(data, rate, SAMPLE_RATE, quality="HQ").astype(np.float32)
    return _to_s16(data)


class StreamConverter:
    """Converts a live stream chunk by chunk; the format must not change mid-stream."""

    def __init__(self) -> None:
        self._format: tuple[int, int] | None = None
        self._resampler: soxr.ResampleStream | None = None

    def push(self, samples: npt.NDArray[np.generic], rate: int, channels: int = 1) -> Pcm:
        if self._format is None:
            if rate not in SUPPORTED_RATES:
                raise AudioFormatError(f"unsupported sample rate {rate} Hz")
            self._format = (rate, channels)
            if rate != SAMPLE_RATE:
                self._resampler = soxr.ResampleStream(rate, SAMPLE_RATE, 1, dtype="float32")
        elif (rate, channels) != self._format:
            raise AudioFormatError(
                f"audio format changed mid-stream: {self._format[0]} Hz/{self._format[1]} ch "
                f"→ {rate} Hz/{channels} ch"
            )
        data = _to_float_mono(samples, channels)
        if self._resampler is not None:
            data = self._resampler.resample_chunk(data)
        return _to_s16(data)


def _half_band(taps: int = 47) -> npt.NDArray[np.float32]:
    """A low-pass at 3.7 kHz for 16 kHz audio (Hann-windowed sinc): what may pass into
    8 kHz telephone audio without folding back."""
    n = np.arange(taps) - (taps - 1) / 2
    cutoff = 3700 / SAMPLE_RATE
    h = 2 * cutoff * np.sinc(2 * cutoff * n) * np.hanning(taps)
    return np.asarray(h / h.sum(), dtype=np.float32)


_HALF_BAND = _half_band()


class PhoneRate:
    """16 kHz ↔ 8 kHz for the telephone network, chunk by chunk with no buffering delay
    (a stream resampler holds back ~100 ms and then releases it at once: on a phone line
    that is a stutter). Each direction keeps its filter's history between chunks."""

    def __init__(self) -> None:
        self._down_hist: npt.NDArray[np.float32] = np.zeros(len(_HALF_BAND) - 1, np.float32)
        self._up_hist: npt.NDArray[np.float32] = np.zeros(len(_HALF_BAND) - 1, np.float32)

    def down(self, pcm: Pcm) -> Pcm:
        """16 kHz → 8 kHz (an even number of samples in, half as many out)."""
        x = np.concatenate([self._down_hist, pcm.astype(np.float32)])
        self._down_hist = np.asarray(x[len(x) - len(self._down_hist):], np.float32)
        return _to_s16(np.asarray(np.convolve(x, _HALF_BAND, "valid")[::2] / 32768.0,
                                  np.float32))

    def up(self, pcm: Pcm) -> Pcm:
        """8 kHz → 16 kHz (twice as many samples out)."""
        stuffed = np.zeros(2 * len(pcm), np.float32)
        stuffed[::2] = pcm.astype(np.float32) * 2  # zero-stuffing halves the level
        x = np.concatenate([self._up_hist, stuffed])
        self._up_hist = np.asarray(x[len(x) - len(self._up_hist):], np.float32)
        return _to_s16(np.asarray(np.convolve(x, _HALF_BAND, "valid") / 32768.0, np.float32))


def frames(pcm: Pcm) -> Iterator[Pcm]:
    """20 ms frames; the last one padded with silence."""
    for start in range(0, len(pcm), FRAME_SAMPLES):
        frame = pcm[start:start + FRAME_SAMPLES]
        if len(frame) < FRAME_SAMPLES:
            frame = np.concatenate([frame, np.zeros(FRAME_SAMPLES - len(frame), np.int16)])
        yield frame


def read_audio(path: Path) -> Pcm:
    """A WAV file (or anything FFmpeg decodes) as 16 kHz mono s16; a clear error otherwise."""
    try:
        with wave.open(str(path), "rb") as wav:
            width, channels, rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
            raw = wav.readframes(wav.getnframes())
        dtype = {1: np.uint8, 2: np.int16, 4: np.int32}.get(width)
        if dtype is None:
            raise AudioFormatError(f"{path}: {8 * width}-bit WAV is not supported")
        return convert(np.frombuffer(raw, dtype=dtype), rate, channels)
    except (wave.Error, EOFError):
        return _read_with_av(path)
    except OSError as exc:
        raise AudioFormatError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def _read_with_av(path: Path) -> Pcm:
    import av

    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise AudioFormatError(f"{path}: no audio stream")
            resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
            chunks = []
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1))
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
    except av.error.FFmpegError as exc:
        raise AudioFormatError(f"{path}: not an audio file ({exc})") from exc
    if not chunks:
        raise AudioFormatError(f"{path}: no audio in the file")
    return np.concatenate(chunks).astype(np.int16)


def write_wav(path: Path, pcm: npt.NDArray[np.int16], rate: int = SAMPLE_RATE,
              channels: int = 1) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm.astype("<i2").tobytes())
