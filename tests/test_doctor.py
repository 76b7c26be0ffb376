"""`hotline doctor`: each check finds its problem and names the fix."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hotline.cli import app
from hotline.config import Settings, load_settings
from hotline.doctor import (
    Level,
    check_cpu,
    check_database,
    check_mandarin_voice,
    check_models,
    check_port,
)


def test_port_in_use_is_a_failure_with_a_fix() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        check = check_port("127.0.0.1", port)
    assert check.level is Level.FAIL and "in use" in check.detail
    assert "HOTLINE_PORT" in check.fix
    assert check_port("127.0.0.1", port).level is Level.OK


def test_cpu_flags(tmp_path: Path) -> None:
    info = tmp_path / "cpuinfo"
    info.write_text("processor: 0\nflags\t\t: fpu sse2 avx avx2 fma f16c\n")
    assert check_cpu(info).level is Level.OK
    info.write_text("processor: 0\nflags\t\t: fpu sse2\n")
    old = check_cpu(info)
    assert old.level is Level.WARN and "AVX2" in old.detail


def test_database_writable_and_not(settings: Settings, clean_env: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    ok = check_database(settings)
    assert ok.level is Level.OK, ok.detail
    blocker = clean_env / "file"
    blocker.write_text("")
    monkeypatch.setenv("HOTLINE_DATABASE_URL", f"sqlite:///{blocker}/sub/hotline.db")
    bad = check_database(load_settings())
    assert bad.level is Level.FAIL and "HOTLINE_DATABASE_URL" in bad.fix


def test_missing_models_fail_with_the_install_command(settings: Settings) -> None:
    checks = check_models(settings)
    assert {c.level for c in checks} == {Level.FAIL}
    assert "hotline models install whisper-base" in {c.fix for c in checks}


def test_doctor_command_exits_1_when_something_fails(clean_env: Path) -> None:
    result = CliRunner().invoke(app, ["doctor"])
    assert result.exit_code == 1
    assert "FAIL model whisper-base" in result.output
    assert "fix: hotline models install whisper-base" in result.output
    assert "OK   database" in result.output


def test_agents_check_warns_until_someone_can_take_hand_offs(settings: Settings) -> None:
    from hotline.db import make_engine
    from hotline.desk.accounts import Accounts, Role
    from hotline.doctor import check_agents

    check = check_agents(settings)
    assert check.level is Level.WARN and "hotline agents add" in check.fix
    Accounts(make_engine(settings.db_url)).add("sue", "long enough pw", Role.SUPERVISOR)
    check = check_agents(settings)
    assert check.level is Level.OK and "1 active, 1 supervisor" in check.detail


def test_data_others_can_read_is_a_failure_with_the_chmod(settings: Settings) -> None:
    import os
    import subprocess

    from hotline.doctor import check_private_data

    assert check_database(settings).level is Level.OK  # creates the data folder and database
    ok = check_private_data(settings)
    assert ok.level is Level.OK and "0700/0600" in ok.detail
    db = settings.data_dir / "hotline.db"
    recordings = settings.recordings_dir
    recordings.mkdir(mode=0o755)
    (recordings / "c1-caller.wav").write_bytes(b"RIFF")
    os.chmod(recordings / "c1-caller.wav", 0o644)
    os.chmod(settings.data_dir, 0o755)
    os.chmod(db, 0o644)
    bad = check_private_data(settings)
    assert bad.level is Level.FAIL and "others on this machine can read" in bad.detail
    assert f"chmod 700 {settings.data_dir}" in bad.fix and f"chmod 600 {db}" in bad.fix
    assert f"chmod 700 {recordings}" in bad.fix
    assert f"chmod 600 {recordings / 'c1-caller.wav'}" in bad.fix
    subprocess.run(bad.fix, shell=True, check=True)  # the fix it prints works
    assert check_private_data(settings).level is Level.OK


def test_doctor_warns_of_a_pulled_model_nobody_confirmed(settings: Settings) -> None:
    from hotline.doctor import check_unverified_models
    from models.manifest import builtin_manifest
    from models.store import ModelStore, no_progress

    assert check_unverified_models(settings) == []
    usb = settings.data_dir.parent / "usb"
    usb.mkdir()
    (usb / "zh_CN-huayan-medium.onnx").write_bytes(b"onnx")
    (usb / "zh_CN-huayan-medium.onnx.json").write_bytes(b"{}")
    store = ModelStore(settings.models_dir, builtin_manifest(), no_progress)
    store.pull("piper-zh_CN-huayan-medium", str(usb))
    [warn] = check_unverified_models(settings)
    assert warn.level is Level.WARN and "zh_CN-huayan-medium.onnx.json" in warn.detail
    assert "hotline models confirm piper-zh_CN-huayan-medium" in warn.fix
    store.confirm("piper-zh_CN-huayan-medium")
    assert check_unverified_models(settings) == []


def test_the_robotic_mandarin_fallback_is_a_warning_with_the_fix(settings: Settings) -> None:
    check = check_mandarin_voice(settings)  # an empty model cache: no Mandarin piper voice
    assert check.level is Level.WARN and "robotic" in check.detail
    assert "piper-zh" in check.fix
