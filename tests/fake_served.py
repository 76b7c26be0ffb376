"""``hotline serve`` with the tests' fakes for the models, as a process of its own:
``python -m tests.fake_served`` (settings from the HOTLINE_* environment, like the CLI).

Everything but the models is the real service: the HTTP app, /healthz and /metrics, the
phone line opened from the settings, the call records in the data folder's database, and
the signals (SIGINT stops, SIGTERM drains). Only two names of ``hotline.server`` are
replaced before it starts: the runtime (no model to find or load) and the speech stack (the
fake recogniser and voice of tests/fakes.py, the real rules-only dialog). Tests that need
several workers side by side (tests/test_sip_front.py) start these in seconds where the real
models would take a minute each.
"""

from __future__ import annotations

import hotline.server
from hotline.cli import _settings, _setup_logging
from hotline.config import Settings
from hotline.dialogs import dialog_factory
from hotline.runtime import Runtime, SpeechStack
from models.manifest import builtin_manifest
from models.store import ModelStore
from tests.fakes import FakeASR, FakeVoice
from voice.tts import VoiceBox


class _NoModels(Runtime):
    @classmethod
    def from_settings(cls, settings: Settings) -> Runtime:
        return cls(ModelStore(settings.models_dir, builtin_manifest()))  # no slots to load


def _fake_stack(settings: Settings, runtime: Runtime, database_url: str | None = None,
                use_llm: bool = True) -> SpeechStack:
    return SpeechStack(dialog_factory(settings, database_url, use_llm=False),
                       FakeASR(), VoiceBox({"zh": FakeVoice()}))  # type: ignore[arg-type]


def main() -> None:
    settings = _settings()
    _setup_logging(settings.log_level)
    vars(hotline.server).update(Runtime=_NoModels, speech_stack=_fake_stack)
    hotline.server.serve(settings)


if __name__ == "__main__":
    main()
