"""Shared fixtures: isolated settings, a tiny manifest whose files come from a fake PyPI package."""

from __future__ import annotations

import hashlib
import importlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from hotline.config import Settings, load_settings
from models.manifest import Manifest
from models.store import ModelStore, no_progress

# the desk and kb fixtures; PostgreSQL and the databases tests run on
pytest_plugins = ["tests.agent_desk", "tests.postgres"]


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No HOTLINE_* variable from the outside; data and models under tmp_path."""
    import os

    for var in list(os.environ):
        if var.startswith("HOTLINE_"):
            monkeypatch.delenv(var)
    monkeypatch.setenv("HOTLINE_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("HOTLINE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


@pytest.fixture
def settings(clean_env: Path) -> Settings:
    return load_settings()


@dataclass
class FakePackage:
    """A real installed distribution (dist-info on sys.path) carrying model pieces."""

    site: Path
    name: str
    version: str
    contents: dict[str, bytes]

    def path_of(self, piece: str) -> str:
        return f"{self.name.replace('-', '_')}/data/{piece}"


@pytest.fixture
def fake_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakePackage]:
    site = tmp_path / "site"
    name, version = "hotline-test-weights", "1.2.3"
    contents = {"a.part1": b"hello " * 1000, "a.part2": b"world" * 777, "b.txt": b"config\n"}
    module = site / name.replace("-", "_") / "data"
    module.mkdir(parents=True)
    for piece, data in contents.items():
        (module / piece).write_bytes(data)
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    yield FakePackage(site, name, version, contents)
    importlib.invalidate_caches()
    sys.path_importer_cache.clear()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def tiny_manifest(pkg: FakePackage, *, bad_hash: bool = False, url: str = "") -> Manifest:
    joined = pkg.contents["a.part1"] + pkg.contents["a.part2"]
    a_hash = "0" * 64 if bad_hash else sha(joined)
    part = f'package = "{pkg.name}", version = "{pkg.version}"'
    text = f'''
[[model]]
name = "tiny-asr"
role = "asr"
languages = ["multi"]
format = "ctranslate2"
precision = "int8"
licence = "MIT"
description = "test model"
default = true
quality = 10

[[model.file]]
name = "model.bin"
sha256 = "{a_hash}"
size = {len(joined)}
parts = [{{ {part}, path = "{pkg.path_of('a.part1')}" }},
         {{ {part}, path = "{pkg.path_of('a.part2')}" }}]

[[model.file]]
name = "config.json"
sha256 = "{sha(pkg.contents['b.txt'])}"
parts = [{{ {part}, path = "{pkg.path_of('b.txt')}" }}]

[[model]]
name = "big-asr"
role = "asr"
languages = ["multi"]
format = "ctranslate2"
precision = "float16"
licence = "MIT"
description = "a better model pulled from a server"
quality = 50
url = "{url}"
file = [{{ name = "model.bin", sha256 = "{sha(joined)}" }}, {{ name = "config.json" }}]

[[model]]
name = "en-voice"
role = "tts"
languages = ["en"]
format = "piper-onnx"
precision = "float32"
licence = "CC0-1.0"
description = "test voice"
file = [{{ name = "v.onnx", sha256 = "{sha(pkg.contents['b.txt'])}" }}]
'''
    return Manifest.from_toml(text, "test manifest")


@pytest.fixture
def store(tmp_path: Path, fake_package: FakePackage) -> ModelStore:
    return ModelStore(tmp_path / "cache", tiny_manifest(fake_package), progress=no_progress)
