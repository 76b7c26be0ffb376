"""What each model is and where its files come from, read from ``manifest.toml``."""

from __future__ import annotations

import tomllib
from enum import StrEnum
from functools import cache
from importlib.resources import files
from pathlib import Path

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

_HEX = frozenset("0123456789abcdef")


class Role(StrEnum):
    ASR = "asr"
    LLM = "llm"
    TTS = "tts"


class ManifestError(ValueError):
    """The manifest is malformed; the message names the entry and field."""


class UnknownModelError(KeyError):
    """A model name that the manifest does not list."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.known = known

    def __str__(self) -> str:
        return f"unknown model {self.name!r}; known models: {', '.join(self.known)}"


class PackagePart(BaseModel):
    """One piece of a file, carried inside an installed PyPI package."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    package: str
    version: str
    path: str = Field(description="path of the piece relative to site-packages")


class ModelFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(description="file name inside the model's cache folder")
    sha256: str = Field(default="", description="hash of the whole file; empty = not published")
    size: int | None = Field(default=None, description="bytes, where known")
    parts: tuple[PackagePart, ...] = ()
    url: str | None = Field(default=None, description=(
        "https URL of this file where it is not under the model's URL (another repository)"))
    unpack: str = Field(default="", description=(
        "a .tar.gz whose files are unpacked into this folder of the model's once verified"))

    @field_validator("name", "unpack")
    @classmethod
    def _plain_name(cls, value: str, info: ValidationInfo) -> str:
        if info.field_name == "unpack" and not value:
            return value
        if not value or "/" in value or "\\" in value or value.startswith("."):
            raise ValueError(f"{info.field_name} must be a plain file name, got {value!r}")
        return value

    @field_validator("url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        if value and not value.startswith("https://"):
            raise ValueError("url must start with https://")
        return value

    @model_validator(mode="after")
    def _archive(self) -> ModelFile:
        if self.unpack and not self.name.endswith((".tar.gz", ".tgz")):
            raise ValueError(f"{self.name}: only a .tar.gz can be unpacked")
        return self

    @field_validator("sha256")
    @classmethod
    def _hex(cls, value: str) -> str:
        value = value.lower()
        if value and (len(value) != 64 or not set(value) <= _HEX):
            raise ValueError("sha256 must be 64 hex digits")
        return value


class ModelEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    role: Role
    languages: tuple[str, ...] = Field(description='ISO codes, or "multi"')
    format: str
    precision: str
    licence: str
    description: str
    default: bool = Field(default=False, description="installed by the README commands")
    quality: int = Field(default=0, description="higher is preferred among installed models")
    url: str | None = Field(default=None, description=(
        "https base URL the files are pulled from; {revision} stands for the revision"))
    revision: str = Field(default="", description=(
        "the source's commit or tag the files are pulled at; empty = the operator names it"))
    redirect_hosts: tuple[str, ...] = Field(default=(), description=(
        "hosts besides the URL's own that a download may be redirected to (a hub's CDN)"))
    files: tuple[ModelFile, ...] = Field(alias="file", min_length=1)

    @model_validator(mode="after")
    def _distinct_files(self) -> ModelEntry:
        names = [f.name for f in self.files] + [f.unpack for f in self.files if f.unpack]
        if len(set(names)) != len(names):
            raise ValueError("file and unpack folder names must be distinct")
        return self

    @field_validator("url")
    @classmethod
    def _https(cls, value: str | None) -> str | None:
        # A plain-HTTP download can be swapped on the way; a file without a published hash
        # would then be recorded as it arrived.
        if value and not value.startswith("https://"):
            raise ValueError("url must start with https://")
        return value

    def source_url(self, revision: str | None = None) -> str | None:
        """The base URL at ``revision`` (else the manifest's); None where the manifest has
        no URL. Raises ValueError when the URL needs a revision and none is known."""
        if not self.url:
            return None
        if "{revision}" not in self.url:
            return self.url
        rev = revision or self.revision
        if not rev:
            raise ValueError(f"{self.name}: the manifest pins no revision of {self.url}")
        return self.url.replace("{revision}", rev)

    @property
    def packages(self) -> dict[str, str]:
        """PyPI packages (name -> version) that carry this model's files."""
        return {p.package: p.version for f in self.files for p in f.parts}

    @property
    def from_pypi(self) -> bool:
        return all(f.parts for f in self.files)

    @property
    def size(self) -> int | None:
        sizes = [f.size for f in self.files]
        return None if any(s is None for s in sizes) else sum(s for s in sizes if s is not None)

    def speaks(self, language: str) -> bool:
        return "multi" in self.languages or language in self.languages


class Manifest(BaseModel):
    model_config = ConfigDict(frozen=True)

    models: tuple[ModelEntry, ...] = Field(alias="model")

    @model_validator(mode="after")
    def _distinct_names(self) -> Manifest:
        names = [m.name for m in self.models]
        if len(set(names)) != len(names):
            raise ValueError("model names must be distinct")
        return self

    @property
    def names(self) -> list[str]:
        return [m.name for m in self.models]

    def get(self, name: str) -> ModelEntry:
        for model in self.models:
            if model.name == name:
                return model
        raise UnknownModelError(name, self.names)

    def defaults(self) -> list[ModelEntry]:
        return [m for m in self.models if m.default]

    @classmethod
    def from_toml(cls, text: str, source: str = "manifest") -> Manifest:
        try:
            return cls.model_validate(tomllib.loads(text))
        except tomllib.TOMLDecodeError as exc:
            raise ManifestError(f"{source}: not valid TOML: {exc}") from exc
        except ValidationError as exc:
            raise ManifestError(f"{source}: {exc}") from exc

    @classmethod
    def from_file(cls, path: Path) -> Manifest:
        return cls.from_toml(path.read_text(encoding="utf-8"), str(path))


@cache
def builtin_manifest() -> Manifest:
    """The manifest shipped with the application."""
    text = files("models").joinpath("manifest.toml").read_text(encoding="utf-8")
    return Manifest.from_toml(text, "models/manifest.toml")
