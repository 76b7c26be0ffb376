"""What the agent console shows of a call: its queue card and, for the agent on it, the whole
view (transcript, form, suggestions). One home, because other workers show them too (they are
published as they are, see hotline/cluster.py)."""

from __future__ import annotations

from typing import Any

from dialog.handoff import summarise
from hotline.calls import Call


def queue_entry(call: Call, position: int) -> dict[str, Any]:
    st = call.dialog
    handoff = st.handoff
    # the case so far, as it stands now (not as it was at the hand-over)
    summary = summarise(handoff.reason if handoff else None, st.fields, st.caller_lines())
    if handoff is None and st.emergency:  # an emergency the bot redirected
        summary = f"已請來電者撥打{st.emergency}；{summary}"
    return {
        "call_id": call.call_id, "position": position, "waiting_s": round(call.waited_s()),
        "emergency": st.emergency, "reason": handoff.reason.value if handoff else None,
        "summary": summary, "fields": dict(st.fields), "lang": st.lang,
        # how the caller came (webrtc, sip) and, on a phone, the number the network gave
        "channel": call.channel.kind, "caller_id": call.channel.remote.caller_id,
        # where the call's routes are when another worker holds it (None: here)
        "worker_url": None,
    }


def call_view(call: Call) -> dict[str, Any]:
    """What the agent on a call sees: transcript, form as the bot filled it, suggestions."""
    st = call.dialog
    return {
        **queue_entry(call, 0),
        "state": call.state, "seconds": round(call.seconds()), "hold": call.agent_hold,
        "transcript": [{"who": t.who, "text": t.text, "t": t.t} for t in st.transcript if t.text],
        "suggestions": suggestions(call),
        "case_number": st.case_number,
        # danger heard in the caller's words while a person has the call (the number)
        "alert": st.alert,
    }


def suggestions(call: Call) -> list[dict[str, Any]]:
    return [{"text": s.text, "kb_id": s.kb_id, "title": s.title} for s in call.suggestions]
