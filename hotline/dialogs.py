"""Builds dialog managers for calls: knowledge base, case store and (when installed) the LLM."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from dialog.cases import CaseStore
from dialog.knowledge import KnowledgeBase
from dialog.llm import LLM, LocalLLM
from dialog.llm_server import ServerLLM
from dialog.manager import DialogManager
from dialog.nlu_llm import SYSTEM_PROMPT, LLMUnderstanding
from hotline.config import Settings
from hotline.db import make_engine
from hotline.schema import ensure_current
from models.manifest import Role, builtin_manifest
from models.store import ModelError, ModelStore

log = logging.getLogger(__name__)


@dataclass
class DialogFactory:
    kb: KnowledgeBase
    cases: CaseStore
    llm: LLMUnderstanding | None
    always_consult_llm: bool = False  # benchmark only: an LLM call on every open turn

    def new(self, call_id: str | None = None) -> DialogManager:
        return DialogManager(self.kb, self.cases, self.llm, call_id=call_id,
                             always_consult_llm=self.always_consult_llm)

    @property
    def mode(self) -> str:
        return "rules+llm" if self.llm else "rules-only"


def configured_llm(settings: Settings, store: ModelStore | None = None) -> tuple[str, LLM]:
    """The one place the LLM is chosen: (its name, the model) — the server at ``llm_url``
    when one is set, else the best installed GGUF in this process. ModelError when neither."""
    if settings.llm_url:
        server = ServerLLM(settings.llm_url, settings.llm_api_key.get_secret_value(),
                           settings.llm_timeout_s, settings.llm_response_format,
                           model=settings.llm_model)
        return server.name, server
    store = store or ModelStore(settings.models_dir, builtin_manifest())
    entry = store.best(Role.LLM, "zh", settings.llm_model)
    path = store.cache_dir / entry.name / entry.files[0].name
    return entry.name, LocalLLM(path, threads=settings.llm_threads, context=settings.llm_context)


def load_llm(settings: Settings, llm: LLM | None = None) -> LLMUnderstanding | None:
    """The LLM understanding, warmed up; None (rules-only mode, logged) when no model."""
    if llm is None:
        try:
            _name, llm = configured_llm(settings)
        except ModelError as exc:
            log.warning("rules-only mode: %s", exc)
            return None
    llm.load()
    # Evaluate the fixed system prompt once: every later call reuses its KV cache.
    llm.warm([{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": "你好"}])
    log.info("dialog understanding: rules + LLM %s", llm.name)
    return LLMUnderstanding(llm)


def dialog_factory(settings: Settings, database_url: str | None = None,
                   use_llm: bool = True, llm: LLM | None = None) -> DialogFactory:
    kb = KnowledgeBase.load()
    engine = make_engine(database_url or settings.db_url)
    ensure_current(engine)
    cases = CaseStore(engine)
    understanding = load_llm(settings, llm) if use_llm else None
    if not use_llm:
        log.warning("rules-only mode: the LLM was switched off")
    return DialogFactory(kb, cases, understanding)
