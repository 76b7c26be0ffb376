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


def test_freed_memory_goes_back_to_the_system() -> None:
    """What a call freed is handed back when it ends (malloc_trim), so the resident size
    falls again: 64 MB freed in small blocks leave far less resident after a trim."""
    code = """
import ctypes, re
from hotline.memory import trim
def rss():
    return int(re.search(r"VmRSS:\\s+(\\d+)", open("/proc/self/status").read()).group(1))
blocks = [ctypes.create_string_buffer(4096) for _ in range(16384)]
keep = blocks[::64]  # a few stay, as in a heap other calls still use
del blocks
before = rss()
print(trim(), before - rss())
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    done, released_kb = out.stdout.split()
    assert done == "True" and int(released_kb) > 16 * 1024, out.stdout
