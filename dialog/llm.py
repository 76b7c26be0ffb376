"""The language model the dialog asks, shared by all calls: one interface, two homes.

``LocalLLM`` loads the GGUF into this process (llama.cpp); ``ServerLLM``
(``dialog/llm_server.py``) asks an OpenAI-compatible server on the city's network instead, so
call workers need not hold the model. Which one is chosen once, at start-up, from the
settings (``hotline/dialogs.py``); nothing else knows the difference.
"""

from __future__ import annotations

import functools
import json
import threading
from pathlib import Path
from typing import Any, Protocol

from models.loading import Lazy


class LLMUnavailable(RuntimeError):
    """The model gave no usable answer (a server refused, was slow or garbled). The message
    names what went wrong, never what the caller said: it is logged."""


class LLM(Protocol):
    """What the service needs of a language model. Calls block: use a worker thread."""

    @property
    def name(self) -> str:
        """What logs, ``/healthz`` and ``hotline doctor`` call it."""
        ...

    @property
    def loaded(self) -> bool: ...

    def load(self) -> None: ...

    def chat(self, messages: list[dict[str, str]], max_tokens: int = 128) -> str: ...

    def chat_json(self, messages: list[dict[str, str]], schema: dict[str, Any],
                  max_tokens: int = 64) -> str:
        """A reply constrained to JSON that ``schema`` allows."""
        ...

    def warm(self, messages: list[dict[str, str]]) -> None:
        """Evaluate a fixed prompt prefix now, so the first caller does not wait for it."""
        ...


class LocalLLM:
    """llama-cpp-python on the CPU. Calls block and are serialised: use a worker thread."""

    def __init__(self, gguf_path: Path, threads: int = 2, context: int = 4096) -> None:
        self.gguf_path = gguf_path
        self._llm: Lazy[Any] = Lazy(lambda: _load(gguf_path, threads, context))
        self._busy = threading.Lock()  # one llama context cannot serve two calls at once

    @property
    def name(self) -> str:
        return self.gguf_path.name

    @property
    def loaded(self) -> bool:
        return self._llm.loaded

    def load(self) -> None:
        self._llm.get()

    def chat(self, messages: list[dict[str, str]], max_tokens: int = 128) -> str:
        with self._busy:
            out = self._llm.get().create_chat_completion(
                messages=messages, max_tokens=max_tokens, temperature=0.0
            )
        return str(out["choices"][0]["message"]["content"] or "")

    def chat_json(self, messages: list[dict[str, str]], schema: dict[str, Any],
                  max_tokens: int = 64) -> str:
        """A reply that the grammar built from ``schema`` forces to be valid JSON."""
        grammar = self._grammar(json.dumps(schema, sort_keys=True))
        with self._busy:
            out = self._llm.get().create_chat_completion(
                messages=messages, max_tokens=max_tokens, temperature=0.0, grammar=grammar
            )
        return str(out["choices"][0]["message"]["content"] or "")

    @functools.lru_cache(maxsize=8)  # noqa: B019 (one LocalLLM per process; grammars are small)
    def _grammar(self, schema_json: str) -> Any:
        from llama_cpp.llama_grammar import LlamaGrammar

        return LlamaGrammar.from_json_schema(schema_json, verbose=False)

    def warm(self, messages: list[dict[str, str]]) -> None:
        self.chat(messages, max_tokens=1)


def _load(path: Path, threads: int, context: int) -> Any:
    from llama_cpp import Llama

    return Llama(model_path=str(path), n_ctx=context, n_threads=threads, verbose=False)
