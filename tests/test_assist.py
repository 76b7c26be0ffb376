"""The assist pane's API with fakes for the models: the agent's category steers the
suggestions, a used suggestion is kept in the call's record and the metrics (the use rate the
city evaluates), the agent searches the knowledge base; weak matches are never suggested."""

from __future__ import annotations

import pytest

from dialog.handoff import suggest_replies
from dialog.knowledge import KnowledgeBase
from tests.agent_desk import Desk
from tests.test_agent_console import first_event, login
from tests.test_call_lifecycle import taken_by_alice


async def test_the_agents_category_steers_the_suggestions(desk: Desk) -> None:
    call, base, csrf, pc = await taken_by_alice(desk)
    before = {s.kb_id for s in call.suggestions}
    resp = await desk.client.post(base + "/category", json={"category": "streetlight"},
                                  headers=csrf)
    assert resp.status == 200
    shown = (await resp.json())["suggestions"]
    assert shown[0]["kb_id"] and "streetlight" in shown[0]["kb_id"] and shown[0]["title"]
    assert {s["kb_id"] for s in shown} != before
    assert call.agent_fields == {"category": "streetlight"}
    bad = await desk.client.post(base + "/category", json={"category": "ufo"}, headers=csrf)
    assert bad.status == 400
    sue = await login(desk.client, "sue")  # not sue's call
    other = await desk.client.post(base + "/category", json={"category": "noise"},
                                   headers={"X-CSRF-Token": sue["csrf"]})
    assert other.status == 409
    await desk.service.end(call)
    await pc.close()


async def test_a_used_suggestion_is_kept_in_the_record_and_the_use_rate(desk: Desk) -> None:
    call, base, csrf, pc = await taken_by_alice(desk)
    await desk.client.post(base + "/category", json={"category": "noise"}, headers=csrf)
    kb_id = next(s.kb_id for s in call.suggestions if s.kb_id)
    for _ in range(2):  # twice is once
        resp = await desk.client.post(base + "/suggestions/used", json={"kb_id": kb_id},
                                      headers=csrf)
        assert resp.status == 200 and (await resp.json())["used"] == [kb_id]
    never = await desk.client.post(base + "/suggestions/used", json={"kb_id": "tax-xyz"},
                                   headers=csrf)
    assert never.status == 404  # only what was suggested on this call
    assert (await desk.client.post(base + "/suggestions/used", json={"kb_id": 3},
                                   headers=csrf)).status == 400
    await desk.service.end(call)
    record = desk.service.records.get(call.call_id)  # type: ignore[union-attr]
    assert record is not None and record.suggestions_used == [kb_id]
    metrics = await (await desk.client.get("/metrics")).text()
    used = _value(metrics, "hotline_agent_suggestions_used_total")
    shown = _value(metrics, "hotline_agent_suggestions_shown_total")
    assert used == 1.0 and shown >= 2.0  # the use rate: used / shown
    await pc.close()


def _value(metrics: str, name: str) -> float:
    line = next(line for line in metrics.splitlines() if line.startswith(name + " "))
    return float(line.split()[1])


async def test_the_agent_searches_the_knowledge_base(desk: Desk) -> None:
    assert (await desk.client.get("/api/agent/kb?q=停水")).status == 401
    await login(desk.client)
    resp = await desk.client.get("/api/agent/kb", params={"q": "停水了要找誰"})
    assert resp.status == 200
    results = (await resp.json())["results"]
    assert results and "1910" in results[0]["answer"] and results[0]["id"]
    english = await (await desk.client.get("/api/agent/kb",
                                           params={"q": "water outage"})).json()
    assert english["results"] and english["results"][0]["answer"].isascii()
    for bad in ("", "x" * 201):
        assert (await desk.client.get("/api/agent/kb", params={"q": bad})).status == 400
    assert (await desk.client.get("/api/agent/kb")).status == 400


@pytest.mark.parametrize("line", [
    "隔壁工地早上六點就開始施工，吵到沒辦法睡", "半夜一直有改裝車在飆車很吵",
    "我家旁邊的快速道路車子很吵，晚上睡不著", "the traffic noise from the highway is terrible",
])
def test_a_noise_complaint_gets_no_traffic_entries(line: str) -> None:
    """Both live console runs offered a freeway-traffic entry for a noise complaint."""
    kb = KnowledgeBase.load()
    for fields in ({}, {"category": "noise"}):
        ids = [s.kb_id for s in suggest_replies(kb, [line], fields) if s.kb_id]
        assert not any("freeway" in i or "traffic" in i for i in ids), (line, ids)


async def test_the_agent_holds_and_resumes(desk: Desk) -> None:
    call, base, csrf, pc = await taken_by_alice(desk)
    resp = await desk.client.post(base + "/hold", json={"on": True}, headers=csrf)
    assert resp.status == 200 and (await resp.json())["hold"] is True and call.agent_hold
    event = await first_event(desk.client)
    assert event["mine"][0]["hold"] is True
    assert (await desk.client.post(base + "/hold", json={"on": "yes"},
                                   headers=csrf)).status == 400
    resp = await desk.client.post(base + "/hold", json={"on": False}, headers=csrf)
    assert (await resp.json())["hold"] is False and not call.agent_hold
    sue = await login(desk.client, "sue")
    assert (await desk.client.post(base + "/hold", json={"on": True},
                                   headers={"X-CSRF-Token": sue["csrf"]})).status == 409
    await desk.service.end(call)
    await pc.close()
