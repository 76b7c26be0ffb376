"""The local language model (llama.cpp GGUF), loaded once and shared by all calls."""

from __future__ import annotations

import functools
import json
import threading
from pathlib import Path
from typing import Any

from models.loading import Lazy


class LocalLLM:
    """llama-cpp-python on the CPU. Calls block and are serialised: use a worker thread."""

    def __init__(self, gguf_path: Path, threads: int = 2, context: int = 4096) -> None:
        self.gguf_path = gguf_path
        self._llm: Lazy[Any] = Lazy(lambda: _load(gguf_path, threads, context))
        self._busy = threading.Lock()  # one llama context cannot serve two calls at once

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
        """Evaluate a fixed prompt prefix now, so the first caller does not wait for it."""
        self.chat(messages, max_tokens=1)


def _load(path: Path, threads: int, context: int) -> Any:
    from llama_cpp import Llama

    return Llama(model_path=str(path), n_ctx=context, n_threads=threads, verbose=False)
