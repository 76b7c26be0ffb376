"""Many workers on one PostgreSQL database, one queue.

Each worker registers itself (id, URL, capacity, live calls) and beats every ``beat_s``. It
publishes its live calls (the queue card and the agent's view of each) to the ``live_calls``
table and says so on PostgreSQL's ``LISTEN/NOTIFY`` channel; every other worker hears it,
reads the rows again and wakes its agent consoles' streams, so an agent logged in anywhere
sees every waiting call within a fraction of a second. A call's routes (accept, case, end…)
belong to the worker that holds its audio: the console follows the call's ``worker_url``
(and a worker asked about another's call redirects there).

A worker that stops beating for ``timeout_s`` is taken out by whichever other worker sees it
first: its calls' records, kept as they went on, are closed with what was said up to then,
and its queue entries removed.

Why PostgreSQL's own channel, not Redis: the state is in PostgreSQL already (one server to
run, back up and secure, no second copy to disagree), and a notification is sent when the
transaction that changed the rows commits, so a listener never reads rows older than the
notice. The notice carries only the worker's id; rows are read back (nothing of a caller is in
the channel's payload).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import psycopg
from sqlalchemy import JSON, Boolean, DateTime, Engine, Integer, String, delete, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from dialog.orm import Base
from hotline.calls import Call, CallService
from hotline.db import utc
from hotline.desk.views import call_view, queue_entry
from hotline.records import close_lost
from hotline.schema import ensure_current

log = logging.getLogger(__name__)

CHANNEL = "hotline_calls"
PUBLISH_GAP_S = 0.05  # this worker's changes this close together are published together


class WorkerRow(Base):
    __tablename__ = "workers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    url: Mapped[str] = mapped_column(String(200))
    capacity: Mapped[int] = mapped_column(Integer)
    live_calls: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class LiveCallRow(Base):
    """A live call as every worker's console shows it (its holder writes it)."""

    __tablename__ = "live_calls"

    call_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    worker_id: Mapped[str] = mapped_column(String(32), index=True)
    queued: Mapped[bool] = mapped_column(Boolean)
    agent: Mapped[str | None] = mapped_column(String(64))
    # the agent's view of the call (hotline/desk/views.py), and when its wait began
    view: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class Worker:
    id: str
    url: str
    capacity: int
    live_calls: int
    heartbeat_age_s: float


@dataclass(frozen=True)
class RemoteCall:
    """Another worker's live call."""

    call_id: str
    worker_id: str
    worker_url: str
    queued: bool
    agent: str | None
    view: dict[str, Any]

    def card(self) -> dict[str, Any]:
        """Its view with the wait as of now and where its routes are."""
        waited = 0.0
        if self.view.get("queued_since") is not None:
            waited = max(0.0, time.time() - float(self.view["queued_since"]))
        card = {k: v for k, v in self.view.items() if k != "queued_since"}
        return {**card, "waiting_s": round(waited), "worker_url": self.worker_url}


class Cluster:
    """This worker's membership of the cluster (one per process)."""

    def __init__(self, engine: Engine, worker_id: str, url: str, capacity: int,
                 beat_s: float = 2.0, timeout_s: float = 10.0) -> None:
        self.engine = engine
        self.id = worker_id
        self.url = url.rstrip("/")
        self.capacity = capacity
        self.beat_s = beat_s
        self.timeout_s = timeout_s
        self.remote: dict[str, RemoteCall] = {}
        self._service: CallService | None = None
        self._due = asyncio.Event()  # this worker's calls changed
        self._stale = asyncio.Event()  # another worker's changed
        self._tasks: list[asyncio.Task[None]] = []
        self._writing = threading.Lock()  # a publish in flight finishes before leaving
        self._left = False
        self._in_touch: float | None = None  # when this worker's last beat reached the database
        ensure_current(engine)

    # ---- life ------------------------------------------------------------------------------

    async def start(self, service: CallService) -> None:
        self._service = service
        await asyncio.to_thread(self._register)
        self._in_touch = time.monotonic()
        service.on_change = self._due.set
        self._due.set()  # what is live now (calls opened while joining)
        await self._read()
        self._tasks = [asyncio.create_task(self._publishing(), name="cluster-publish"),
                       asyncio.create_task(self._reading(), name="cluster-read"),
                       asyncio.create_task(self._beating(), name="cluster-beat")]
        if self.engine.dialect.name == "postgresql":
            self._tasks.append(asyncio.create_task(self._listening(), name="cluster-listen"))
        log.info("worker %s (%s) joined the cluster", self.id, self.url)

    async def stop(self) -> None:
        """Leave: this worker's calls are over (their records are saved by the service)."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        try:
            await asyncio.to_thread(self._leave)
        except Exception:  # the others take it out after the timeout anyway
            log.exception("could not leave the cluster")

    # ---- what this worker holds ------------------------------------------------------------

    async def _publishing(self) -> None:
        while True:
            await self._due.wait()
            await asyncio.sleep(PUBLISH_GAP_S)  # changes close together go out together
            self._due.clear()
            try:
                await asyncio.to_thread(self._publish, self._rows())
            except Exception:
                log.exception("could not publish this worker's calls")
                await asyncio.sleep(self.beat_s)
                self._due.set()  # try again

    def _rows(self) -> list[LiveCallRow]:
        """This worker's live calls as rows (built on the event loop: the calls change there).
        Other workers' agents see what the queue shows of a call; the whole view (transcript,
        suggestions) only goes out for the call's own agent."""
        assert self._service is not None
        now = dt.datetime.now(dt.UTC)
        rows = []
        for call in list(self._service.calls.values()):
            if call.ended or (call.brain.listen_only and call.agent is None):
                continue
            agent = _agent_on(call)
            if agent is not None:
                view = call_view(call)
            else:
                view = queue_entry(call, 0)
                view["state"], view["seconds"] = call.state, round(call.seconds())
            view["queued_since"] = time.time() - call.waited_s() if call.queued else None
            rows.append(LiveCallRow(call_id=call.call_id, worker_id=self.id, queued=call.queued,
                                    agent=agent, view=view, updated_at=now))
        return rows

    def _publish(self, rows: list[LiveCallRow]) -> None:
        with self._writing, Session(self.engine) as db:
            if self._left:
                return
            db.execute(delete(LiveCallRow).where(
                LiveCallRow.worker_id == self.id,
                LiveCallRow.call_id.not_in([r.call_id for r in rows])))
            for row in rows:
                db.merge(row)
            self._notify(db)
            db.commit()

    def _notify(self, db: Session) -> None:
        if self.engine.dialect.name == "postgresql":  # sent when the change commits
            db.execute(text("SELECT pg_notify(:channel, :worker)"),
                       {"channel": CHANNEL, "worker": self.id})

    # ---- the others -------------------------------------------------------------------------

    async def _reading(self) -> None:
        while True:
            await self._stale.wait()
            await asyncio.sleep(0.05)  # notices close together: one read
            self._stale.clear()
            try:
                await self._read()
            except Exception:  # the beat reads again anyway
                log.exception("could not read the other workers' calls")

    async def _read(self) -> None:
        """Read the other workers' calls and the registry again; wake the consoles if the
        queue or the calls changed."""
        remote, _workers = await asyncio.to_thread(self._others)
        changed = remote != self.remote
        self.remote = remote
        if changed and self._service is not None:
            self._service.wake()

    def _others(self) -> tuple[dict[str, RemoteCall], list[Worker]]:
        with Session(self.engine) as db:
            now = _db_now(db)
            urls = {}
            workers = []
            for w in db.scalars(select(WorkerRow).order_by(WorkerRow.started_at)):
                urls[w.id] = w.url
                age = (now - utc(w.heartbeat_at)).total_seconds()
                workers.append(Worker(w.id, w.url, w.capacity, w.live_calls, round(age, 1)))
            remote = {
                r.call_id: RemoteCall(r.call_id, r.worker_id, urls[r.worker_id], r.queued,
                                      r.agent, dict(r.view))
                for r in db.scalars(select(LiveCallRow).where(LiveCallRow.worker_id != self.id))
                if r.worker_id in urls  # (a worker taken out a moment ago: its calls are gone)
            }
        return remote, workers

    async def _listening(self) -> None:
        """Hear the other workers' changes as they commit (PostgreSQL LISTEN). A connection
        that a firewall dropped in silence is noticed by TCP keepalives and a query now and
        then; meanwhile the beat reads."""
        conninfo = self.engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False)
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                        conninfo, autocommit=True, connect_timeout=5, keepalives=1,
                        keepalives_idle=10, keepalives_interval=5, keepalives_count=3) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    self._stale.set()  # whatever changed while not listening
                    while True:
                        async for notice in conn.notifies(timeout=30.0):
                            if notice.payload != self.id:
                                self._stale.set()
                        await conn.execute("SELECT 1")  # still there?
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the server restarted: the beat reads meanwhile
                log.warning("cluster: not listening (%s); again in %.0f s", exc, self.beat_s)
                await asyncio.sleep(self.beat_s)

    # ---- life signs ---------------------------------------------------------------------------

    async def _beating(self) -> None:
        while True:
            await asyncio.sleep(self.beat_s)
            try:
                assert self._service is not None
                rejoined = await asyncio.to_thread(self._beat, self._service.live)
                # Take others out only when this worker itself stayed in touch: after a
                # database outage every beat is old, and the first to come back must not
                # end everyone's calls.
                was_in_touch = self._in_touch is not None and \
                    time.monotonic() - self._in_touch <= self.timeout_s
                self._in_touch = time.monotonic()
                if rejoined:
                    self._due.set()
                lost = await asyncio.to_thread(self._take_out_the_dead) if was_in_touch else []
                await self._read()  # (also when a notice was missed)
                if lost:
                    log.warning("cluster: took out worker(s) %s (no heartbeat for %.0f s)",
                                ", ".join(lost), self.timeout_s)
            except Exception:
                log.exception("cluster heartbeat failed")

    def _register(self) -> None:
        """Join at start. A worker that restarts under its name after a crash (nobody took it
        out meanwhile) first ends what it held then: its calls are gone."""
        with Session(self.engine) as db:
            now = _db_now(db)
            before = db.get(WorkerRow, self.id)
            if before is not None:
                db.execute(delete(LiveCallRow).where(LiveCallRow.worker_id == self.id))
                closed = db.execute(close_lost(self.id, utc(before.heartbeat_at)))
                log.warning("worker %s restarted: %d call record(s) of before closed as they "
                            "were", self.id, getattr(closed, "rowcount", 0))
            db.merge(WorkerRow(id=self.id, url=self.url, capacity=self.capacity, live_calls=0,
                               started_at=now, heartbeat_at=now))
            self._notify(db)
            db.commit()

    def _beat(self, live: int) -> bool:
        """Say this worker is alive (the database's clock: workers' clocks may differ); True
        when it had been taken out (it paused too long) and joined again."""
        with Session(self.engine) as db:
            now = _db_now(db)
            row = db.get(WorkerRow, self.id)
            if row is not None:
                row.heartbeat_at, row.live_calls = now, live
                db.commit()
                return False
            log.warning("worker %s had been taken out (no heartbeat in time): joining again",
                        self.id)
            db.add(WorkerRow(id=self.id, url=self.url, capacity=self.capacity, live_calls=live,
                             started_at=now, heartbeat_at=now))
            self._notify(db)
            db.commit()
            return True

    def _take_out_the_dead(self) -> list[str]:
        """Workers silent for ``timeout_s``: their live calls end (records closed with what
        was kept), their queue entries go. One worker does it (the row's delete decides)."""
        with Session(self.engine) as db:
            cutoff = _db_now(db) - dt.timedelta(seconds=self.timeout_s)
            dead = db.execute(delete(WorkerRow).where(
                WorkerRow.heartbeat_at < cutoff, WorkerRow.id != self.id).returning(
                    WorkerRow.id, WorkerRow.heartbeat_at)).all()
            for worker_id, last in dead:
                db.execute(delete(LiveCallRow).where(LiveCallRow.worker_id == worker_id))
                closed = db.execute(close_lost(worker_id, utc(last)))
                log.warning("cluster: worker %s lost; %d call record(s) closed as they were",
                            worker_id, getattr(closed, "rowcount", 0))
            if dead:
                self._notify(db)
            db.commit()
        return [worker_id for worker_id, _ in dead]

    def _leave(self) -> None:
        with self._writing, Session(self.engine) as db:
            self._left = True
            db.execute(delete(LiveCallRow).where(LiveCallRow.worker_id == self.id))
            db.execute(delete(WorkerRow).where(WorkerRow.id == self.id))
            self._notify(db)
            db.commit()

    # ---- for the console ---------------------------------------------------------------------

    def holder(self, call_id: str) -> str | None:
        """The URL of the worker holding another worker's live call (None: not known)."""
        found = self.remote.get(call_id)
        return found.worker_url if found else None


def _db_now(db: Session) -> dt.datetime:
    """The database's time: the one clock every worker shares."""
    now = db.scalar(text("SELECT CURRENT_TIMESTAMP"))
    if isinstance(now, str):  # SQLite: 'YYYY-MM-DD HH:MM:SS', UTC
        now = dt.datetime.fromisoformat(now)
    return utc(now)


def _agent_on(call: Call) -> str | None:
    return call.agent.name if call.agent is not None and not call.agent_left else None

