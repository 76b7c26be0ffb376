"""Prometheus figures for operators: models, live calls, the agents' queue, call outcomes
and voice-to-voice latency. Nothing about a caller goes into a metric."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from dialog.llm_server import ServerLLM
from hotline.calls import Call, CallService
from hotline.runtime import LoadState, Runtime

STATES = ("ringing", "bot", "waiting_agent", "agent")


class ServiceMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.model_loaded = Gauge("hotline_model_loaded", "1 when the model is loaded",
                                  ["role", "model"], registry=registry)
        self.llm_server_up = Gauge(
            "hotline_llm_server_up", "with HOTLINE_LLM_URL: 1 when the LLM server answered "
            "when last asked (0: the rules understand alone)", ["server"], registry=registry)
        self.calls_live = Gauge("hotline_calls_live", "live calls by state", ["state"],
                                registry=registry)
        self.queue_length = Gauge("hotline_queue_length", "calls waiting for an agent",
                                  registry=registry)
        self.longest_wait = Gauge("hotline_queue_longest_wait_seconds",
                                  "the longest wait in the queue now", registry=registry)
        self.calls_ended = Counter("hotline_calls_ended",
                                   "ended calls by outcome, handler and channel "
                                   "(webrtc, sip, audiosocket)",
                                   ["outcome", "handled_by", "channel"], registry=registry)
        self.voice_to_voice = Histogram(
            "hotline_voice_to_voice_seconds", "caller stops speaking → the answer's first audio",
            buckets=(0.5, 0.75, 1.0, 1.25, 1.6, 2.0, 2.5, 3.5, 5.0), registry=registry)
        self.suggestions = Histogram(
            "hotline_agent_suggestions_seconds",
            "caller stops speaking → the agent's suggestions refreshed",
            buckets=(0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0), registry=registry)
        # the use rate is used / shown: how often a suggested reply helped an agent
        self.suggestions_shown = Counter(
            "hotline_agent_suggestions_shown", "suggested replies shown to agents (each "
            "knowledge entry once per call, counted when the call ends)", registry=registry)
        self.suggestions_used = Counter(
            "hotline_agent_suggestions_used", "suggested replies agents used (clicked or "
            "copied; each entry once per call)", registry=registry)

    def scrape(self, runtime: Runtime, service: CallService | None) -> None:
        """Refresh the gauges (on each scrape)."""
        for slot in runtime.slots.values():
            self.model_loaded.labels(slot.role, slot.name or "").set(
                1 if slot.state is LoadState.LOADED else 0)
        if isinstance(runtime.llm, ServerLLM):
            self.llm_server_up.labels(runtime.llm.host).set(
                1 if runtime.llm.state.answering else 0)
        calls = [c for c in service.calls.values() if not c.ended] if service else []
        for state in STATES:
            self.calls_live.labels(state).set(sum(1 for c in calls if c.state == state))
        queue = service.queue() if service else []
        self.queue_length.set(len(queue))
        self.longest_wait.set(max((c.waited_s() for c in queue), default=0))

    def call_ended(self, call: Call) -> None:
        self.calls_ended.labels(call.dialog.outcome.value, "agent" if call.agent else "bot",
                                call.channel.kind).inc()
        for ms in call.pipeline.stats.voice_to_voice_ms:
            self.voice_to_voice.observe(ms / 1000)
        for ms in call.suggest_ms:
            self.suggestions.observe(ms / 1000)
        if call.agent is not None:
            self.suggestions_shown.inc(len(call.suggestions_shown))

    def suggestion_used(self, _call: Call) -> None:
        self.suggestions_used.inc()
