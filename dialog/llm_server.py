"""The language model behind an OpenAI-compatible server (llama.cpp's server, vLLM).

Call workers then need no model in memory; one server (a GPU machine with vLLM, or a CPU
machine with llama.cpp) serves them all. The callers' words travel to that server, so it
must be on the city's network (docs/models-off-worker.md).

Every way the server can fail — refused, slow, an error status, garbage, an answer of the
wrong shape or too large — ends in ``LLMUnavailable``, which the understanding treats
exactly like a local model that is unsure: the rules answer and the call goes on. No call
waits longer than the timeout, and after a refusal or a timeout the server is left alone
for ``QUIET_S`` so that a dead server does not cost every caller the timeout.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

import aiohttp

from dialog.llm import LLMUnavailable

log = logging.getLogger(__name__)

# A label answer is ~300 bytes and a model list a few kB: anything near this is not an answer.
MAX_BODY = 64 * 1024
# Which models the server has (GET /models) must come back quickly: /healthz waits for it.
PROBE_S = 2.0
# After a refusal, an overload status or a timeout, the server is not asked again for this
# long (the rules answer at once instead); a probe that succeeds ends the pause early.
QUIET_S = 15.0
# The waiting thread gives the loop this much beyond the request's own deadline.
_GRACE_S = 1.0

ResponseFormat = Literal["json_object", "json_schema"]


@dataclass(frozen=True)
class ServerState:
    """What is known of the server: from the last request or probe."""

    answering: bool | None  # None: not asked yet
    model: str | None  # the model it serves (as it names it)
    error: str | None  # why it did not answer, without the caller's words
    at: float | None  # time.monotonic() of that answer (or its absence)


class ServerLLM:
    """An OpenAI-compatible ``/v1/chat/completions``, asked over HTTP. Calls block, like
    ``LocalLLM``'s: use a worker thread. The requests run on a private event loop in a
    daemon thread, so a caller's thread waits at most the timeout whatever the network does
    (a hung name lookup included)."""

    def __init__(self, url: str, api_key: str = "", timeout_s: float = 5.0,
                 response_format: ResponseFormat = "json_object",
                 model: str | None = None) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("expected an http:// URL of an OpenAI-compatible server")
        self.url = url.rstrip("/")
        self.host = parts.netloc  # what /healthz and doctor show: never the path or a token
        self.timeout_s = timeout_s
        self.response_format = response_format
        self._wanted = model  # the model to ask for; None = the first the server names
        self._headers = {"Accept": "application/json", "Accept-Encoding": "identity"}
        if api_key:
            self._headers["Authorization"] = f"Bearer {api_key}"
        self.state = ServerState(None, model, None, None)
        self._loaded = False
        self._quiet_until = 0.0
        self._probing = threading.Lock()
        self._loop_lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    # ---- the LLM interface ----------------------------------------------------------------

    @property
    def name(self) -> str:
        return f"{self.state.model} at {self.host}" if self.state.model else f"server {self.host}"

    @property
    def loaded(self) -> bool:
        return self._loaded

    def load(self) -> None:
        """Ready once the server was asked which model it has. A server that does not answer
        yet does not stop the service: the rules understand alone until it does."""
        state = self.probe()
        self._loaded = True
        if not state.answering:
            log.warning("LLM server %s does not answer (%s): rules-only understanding until "
                        "it does", self.host, state.error)

    def chat(self, messages: list[dict[str, str]], max_tokens: int = 128) -> str:
        return self._complete(messages, max_tokens, None)

    def chat_json(self, messages: list[dict[str, str]], schema: dict[str, Any],
                  max_tokens: int = 64) -> str:
        return self._complete(messages, max_tokens, self._constraint(schema))

    def warm(self, messages: list[dict[str, str]]) -> None:
        """Have the server evaluate the fixed system prompt (llama.cpp keeps it cached for
        the next request with the same prefix; vLLM's prefix cache likewise)."""
        # (a failure was logged when the state changed; calls work without the warm-up)
        with contextlib.suppress(LLMUnavailable):
            self.chat(messages, max_tokens=1)

    # ---- health --------------------------------------------------------------------------

    def probe(self) -> ServerState:
        """Ask the server which models it serves (``GET /models``): does it answer now?
        Not held back by the pause after a failure: this is how a server's return is seen."""
        if not self._probing.acquire(blocking=False):
            return self.state  # another thread is asking right now
        try:
            try:
                served = _model_ids(self._exchange("GET", "/models", None,
                                                   min(self.timeout_s, PROBE_S)))
                if self._wanted is not None and self._wanted not in served:
                    raise LLMUnavailable(f"it does not serve the model {self._wanted!r} "
                                         f"(it has {', '.join(served[:3])})")
            except LLMUnavailable as exc:
                self._note(False, str(exc))
            else:
                self._quiet_until = 0.0
                self._note(True, None, model=self._wanted or served[0])
            return self.state
        finally:
            self._probing.release()

    def stale(self, seconds: float) -> bool:
        """Whether the last word from the server is older than ``seconds`` (or there is none)."""
        at = self.state.at
        return at is None or time.monotonic() - at > seconds

    def close(self) -> None:
        """Stop the private event loop (tests; the service keeps it until the process ends)."""
        with self._loop_lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is not None and thread is not None:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(5)
            loop.close()

    # ---- requests ------------------------------------------------------------------------

    def _constraint(self, schema: dict[str, Any]) -> dict[str, Any]:
        """The JSON schema, as the server expects it: both forms make the server constrain
        decoding to the schema, as the local grammar does."""
        if self.response_format == "json_schema":  # vLLM, OpenAI (and llama.cpp's llama-server)
            return {"type": "json_schema",
                    "json_schema": {"name": "answer", "schema": schema, "strict": True}}
        # llama-cpp-python's server turns this into the grammar LocalLLM builds in-process
        # (LlamaGrammar.from_json_schema); llama.cpp's llama-server accepts it too.
        return {"type": "json_object", "schema": schema}

    def _complete(self, messages: list[dict[str, str]], max_tokens: int,
                  response_format: dict[str, Any] | None) -> str:
        if time.monotonic() < self._quiet_until:
            raise LLMUnavailable("the server failed moments ago; not asked again yet")
        if self.state.model is None and not self.probe().answering:
            raise LLMUnavailable(self.state.error or "the server does not answer")
        body: dict[str, Any] = {"model": self.state.model, "messages": messages,
                                "max_tokens": max_tokens, "temperature": 0.0, "stream": False}
        if response_format is not None:
            body["response_format"] = response_format
        data = self._exchange("POST", "/chat/completions", body, self.timeout_s)
        try:
            content = data["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError) as exc:
            raise self._failed("its answer has the wrong shape") from exc
        if content is not None and not isinstance(content, str):
            raise self._failed("its answer has the wrong shape")
        self._note(True, None)
        return content or ""

    def _exchange(self, method: str, path: str, body: dict[str, Any] | None,
                  limit: float) -> Any:
        """One request, answered with its JSON within ``limit`` seconds, or LLMUnavailable."""
        future = asyncio.run_coroutine_threadsafe(self._fetch(method, path, body, limit),
                                                  self._running_loop())
        try:
            return future.result(timeout=limit + _GRACE_S)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise self._failed(f"no answer within {limit:g} s", pause=True) from None

    async def _fetch(self, method: str, path: str, body: dict[str, Any] | None,
                     limit: float) -> Any:
        try:
            async with asyncio.timeout(limit), aiohttp.ClientSession(
                    headers=self._headers, trust_env=False,  # no proxy from the environment
                    auto_decompress=False) as session, session.request(
                    method, self.url + path, json=body, allow_redirects=False) as resp:
                if resp.status != 200:
                    overloaded = resp.status >= 500 or resp.status == 429
                    raise self._failed(f"it answered HTTP {resp.status}", pause=overloaded)
                raw = await _read_capped(resp)
                if raw is None:
                    raise self._failed(f"its answer is larger than {MAX_BODY} bytes")
        except TimeoutError:
            raise self._failed(f"no answer within {limit:g} s", pause=True) from None
        except aiohttp.ClientError as exc:
            raise self._failed(f"it cannot be reached ({type(exc).__name__})",
                               pause=True) from None
        try:
            return json.loads(raw)
        except ValueError:  # (UnicodeDecodeError included)
            raise self._failed("its answer is not JSON") from None

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        with self._loop_lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(target=loop.run_forever, name="llm-server-http",
                                          daemon=True)
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    def _failed(self, why: str, pause: bool = False) -> LLMUnavailable:
        if pause:
            self._quiet_until = time.monotonic() + QUIET_S
        self._note(False, why)
        return LLMUnavailable(f"LLM server {self.host}: {why}")

    def _note(self, answering: bool, error: str | None, model: str | None = None) -> None:
        before = self.state
        self.state = ServerState(answering, model or before.model, error, time.monotonic())
        # Said once when it changes, not at every turn of every call.
        if before.answering is not False and not answering:
            log.warning("LLM server %s gives no answer: %s (the rules understand meanwhile)",
                        self.host, error)
        elif before.answering is False and answering:
            log.info("LLM server %s answers again", self.host)


async def _read_capped(resp: aiohttp.ClientResponse) -> bytes | None:
    """The body, or None as soon as it is known to be larger than MAX_BODY (the rest is
    never read: the connection is dropped with it)."""
    if resp.content_length is not None and resp.content_length > MAX_BODY:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in resp.content.iter_any():
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _model_ids(data: Any) -> list[str]:
    """The ids in an OpenAI model list: ``{"data": [{"id": "…"}, …]}``."""
    items = data.get("data") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise LLMUnavailable("its model list has the wrong shape")
    ids = [m["id"] for m in items if isinstance(m, dict) and isinstance(m.get("id"), str)]
    if not ids:
        raise LLMUnavailable("it serves no model")
    return ids
