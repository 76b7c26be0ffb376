"""Many workers' shared state, on SQLite and a real PostgreSQL server: agent sessions any
worker accepts (and a logout anywhere ends), call records kept as calls go on, the workers'
registry, and a silent worker taken out with its calls' records closed as they were. (The
two real workers are in test_many_workers.py.)"""

from __future__ import annotations

import datetime as dt
import time

from sqlalchemy import text, update
from sqlalchemy.orm import Session

from dialog.transcript import TranscriptLine
from hotline.cluster import Cluster, LiveCallRow, WorkerRow
from hotline.db import make_engine
from hotline.desk.accounts import Agent, Role
from hotline.desk.auth import Sessions, SessionStore
from hotline.records import CallRecord, CallRecords


def live_record(call_id: str, *lines: str, ended: bool = False) -> CallRecord:
    start = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    return CallRecord(call_id, start, dt.datetime.now(dt.UTC) if ended else None, "escalated",
                      None, None, None, "bot",
                      [TranscriptLine("caller", line, float(i)) for i, line in enumerate(lines)])


async def test_a_session_opened_on_one_worker_is_good_on_another_until_logged_out(
        db_url: str) -> None:
    engine = make_engine(db_url)
    now = [0.0]
    on_a = Sessions(clock=lambda: now[0], store=SessionStore(engine))
    on_b = Sessions(clock=lambda: now[0], store=SessionStore(engine))
    token, opened = await on_a.open(Agent("alice", Role.AGENT), epoch=3)
    seen = await on_b.check(token)
    assert seen is not None and (seen.agent, seen.csrf, seen.epoch) == (
        opened.agent, opened.csrf, 3)
    assert await on_b.check("not a token") is None
    assert [a.name for a in await on_b.signed_in_anywhere()] == ["alice"]
    with engine.connect() as conn:  # only the token's hash is kept
        kept = conn.execute(text("SELECT token_hash FROM agent_sessions")).scalars().all()
    assert len(kept) == 1 and token not in kept[0]

    await on_a.close(token)  # logged out on A
    assert await on_b.check(token) is seen  # (B re-reads the store every recheck_s)
    now[0] += on_b.recheck_s
    assert await on_b.check(token) is None
    assert await on_b.signed_in_anywhere() == []
    engine.dispose()


def test_a_calls_record_follows_it_and_its_end_is_final(db_url: str) -> None:
    engine = make_engine(db_url)
    records = CallRecords(engine, worker_id="w1")
    records.progress(live_record("c1", "路燈壞了"))
    records.progress(live_record("c1", "路燈壞了", "在北屯區"))
    kept = records.get("c1")
    assert kept is not None and kept.ended_at is None and len(kept.transcript) == 2
    assert records.outcomes_since(kept.started_at) == {}  # a live call is no outcome yet
    records.save(live_record("c1", "路燈壞了", "在北屯區", "對", ended=True))
    records.progress(live_record("c1", "路燈壞了"))  # late: changes nothing
    final = records.get("c1")
    assert final is not None and final.ended_at is not None and len(final.transcript) == 3
    assert records.outcomes_since(final.started_at) == {"escalated": 1}
    engine.dispose()


def test_a_silent_worker_is_taken_out_once_with_its_calls_records_closed(db_url: str) -> None:
    engine = make_engine(db_url)
    x = Cluster(engine, "x", "http://10.0.0.1:8000/", 4, beat_s=1.0, timeout_s=5.0)
    y = Cluster(engine, "y", "http://10.0.0.2:8000", 4, beat_s=1.0, timeout_s=5.0)
    x._register()
    y._register()
    CallRecords(engine, worker_id="x").progress(live_record("on-x", "有人在吵架"))
    CallRecords(engine, worker_id="y").progress(live_record("on-y", "路燈壞了"))
    queued_since = time.time() - 30
    with Session(engine) as db:
        db.add(LiveCallRow(call_id="on-x", worker_id="x", queued=True, agent=None,
                           view={"call_id": "on-x", "emergency": None,
                                 "queued_since": queued_since},
                           updated_at=dt.datetime.now(dt.UTC)))
        db.commit()
    remote, workers = y._others()
    card = remote["on-x"].card()
    assert card["worker_url"] == "http://10.0.0.1:8000" and "queued_since" not in card
    assert 29 <= card["waiting_s"] <= 40
    assert {w.id for w in workers} == {"x", "y"}
    assert y.holder("on-x") is None  # (not read into y.remote yet)

    assert y._take_out_the_dead() == []  # x is alive
    last = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=60)
    with Session(engine) as db:
        db.execute(update(WorkerRow).where(WorkerRow.id == "x").values(heartbeat_at=last))
        db.commit()
    assert y._take_out_the_dead() == ["x"]
    assert y._take_out_the_dead() == []  # once
    lost = CallRecords(engine).get("on-x")
    assert lost is not None and lost.ended_at is not None
    assert abs((lost.ended_at - last).total_seconds()) < 1  # its last sign of life
    assert [t.text for t in lost.transcript] == ["有人在吵架"]  # what was said is kept
    other = CallRecords(engine).get("on-y")
    assert other is not None and other.ended_at is None  # y's own call goes on
    remote, workers = y._others()
    assert remote == {} and [w.id for w in workers] == ["y"]

    assert x._beat(0) is True  # x was only paused: it joins again
    assert {w.id for w in y._others()[1]} == {"x", "y"}
    assert x._beat(1) is False
    engine.dispose()


def test_a_worker_restarting_under_its_name_ends_what_it_held_before(db_url: str) -> None:
    engine = make_engine(db_url)
    before = Cluster(engine, "w0", "http://10.0.0.1:8000", 4)
    before._register()
    CallRecords(engine, worker_id="w0").progress(live_record("old", "有人倒在地上"))
    with Session(engine) as db:
        db.add(LiveCallRow(call_id="old", worker_id="w0", queued=True, agent=None,
                           view={"call_id": "old", "emergency": "119"},
                           updated_at=dt.datetime.now(dt.UTC)))
        db.commit()
    # it crashed; nobody took it out; it comes back under the same name (a StatefulSet pod)
    again = Cluster(engine, "w0", "http://10.0.0.1:8000", 4)
    again._register()
    other = Cluster(engine, "w1", "http://10.0.0.2:8000", 4)
    remote, workers = other._others()
    assert remote == {} and [w.id for w in workers] == ["w0"]  # its old queue entry is gone
    old = CallRecords(engine).get("old")
    assert old is not None and old.ended_at is not None
    assert [t.text for t in old.transcript] == ["有人倒在地上"]
    engine.dispose()


def test_one_worker_closes_what_a_crash_left_going_on(db_url: str) -> None:
    engine = make_engine(db_url)
    records = CallRecords(engine)  # one machine: no worker names
    records.progress(live_record("crashed", "路燈壞了", "在北屯區"))
    records.save(live_record("done", "謝謝", ended=True))
    assert records.close_unfinished() == 1
    assert records.close_unfinished() == 0
    crashed = records.get("crashed")
    assert crashed is not None and crashed.ended_at is not None
    assert (crashed.ended_at - crashed.started_at).total_seconds() == 1.0  # its last line
    assert CallRecords(engine, worker_id="w9").close_unfinished() == 0  # not another's
    engine.dispose()
