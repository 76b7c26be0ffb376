"""DESIGN.md's layering: voice/ and dialog/ never import each other or hotline/; models/
imports none of them; channels (voice/channels) never import the pipeline, the dialog or the
calls."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {"voice": {"dialog", "hotline"}, "dialog": {"voice", "hotline"},
             "models": {"voice", "dialog", "hotline"}}


def imported_packages(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layering(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files
    for path in files:
        bad = imported_packages(path) & FORBIDDEN[package]
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_channels_know_transports_and_audio_never_the_pipeline_or_the_dialog() -> None:
    """A channel (WebRTC, a file, the phone line) brings audio in and takes it out; what a
    call does with it is the call core's business (hotline/calls) and the dialog's."""
    files = sorted((ROOT / "voice" / "channels").rglob("*.py"))
    assert len(files) >= 4
    for path in files:
        for module in imported_modules(path):
            assert module.split(".")[0] not in ("dialog", "hotline"), \
                f"{path.relative_to(ROOT)} imports {module}"
            assert module not in ("voice.pipeline", "voice.asr", "voice.tts"), \
                f"{path.relative_to(ROOT)} imports {module}"


def test_the_call_core_does_not_know_which_transport_a_call_came_by() -> None:
    """hotline/calls/call.py and the attendant work on any channel."""
    for name in ("call.py", "attendant.py", "agent_line.py"):
        path = ROOT / "hotline" / "calls" / name
        bad = {m for m in imported_modules(path) if "webrtc" in m or m.startswith("aiortc")}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"
