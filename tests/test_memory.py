"""The service caps glibc's malloc arenas (its resident size otherwise creeps up per call)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from hotline.memory import limit_malloc_arenas


def test_the_cap_is_set_in_a_fresh_process() -> None:
    # In a child, so the test process's own allocator is left as it is.
    code = "from hotline.memory import limit_malloc_arenas as f; print(f())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "True", out.stderr


def test_an_operators_own_setting_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_malloc_arenas() is False
