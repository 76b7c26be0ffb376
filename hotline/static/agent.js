// The agent console: log in, watch the queue (server-sent events), accept a call (WebRTC),
// read the live transcript and the suggested replies, edit and submit the case, end the call,
// and finish the case after it (wrap-up: nothing typed is lost when the caller hangs up).
"use strict";
const $ = (id) => document.getElementById(id);
const REASONS = {
  caller_request: "來電者要求專人", repeated_failure: "機器人多次無法取得資訊",
  low_confidence: "語音辨識信心不足", out_of_scope: "非1999服務範圍",
  sensitive: "敏感事項", caller_distress: "來電者情緒激動", agent_first: "專人接聽線路",
};
const STATES = { ringing: "響鈴中", bot: "機器人服務中", waiting_agent: "等候專人",
                 agent: "專人通話中", ended: "已結束" };
const OUTCOMES = { case_filed: "已立案", answered: "已解答", escalated: "轉專人",
                   emergency_redirect: "轉緊急專線", unresolved: "未完成",
                   filed_by_agent: "專人立案" };
const AGENT_STATES = { available: "可接聽", on_call: "通話中" };
const LANGS = { zh: "中文", en: "English" };
const WHO = { caller: "民眾", bot: "機器人", agent: "專人" };
const DETAILS = { lamp_number: "燈桿編號", route: "公車路線", time: "時間", phone: "電話",
                  landmark: "地標" };
// Calls on the agents' own phones that the PBX copies to us: the AI only listens.
const DESK_PHONE = new Set(["audiosocket", "siprec"]);
const FORM = ["category", "district", "address", "phone", "description"];
const TITLE = document.title;
const desk = { me: null, events: null, pc: null, stream: null, activeId: null, call: null,
               wrapUp: false, filed: false, edited: new Set(), queueSeen: new Set(),
               timer: null, muted: false, used: new Set(), submitting: false,
               workers: {} };  // call id → the URL of the worker that holds it (many workers)
// Read by the browser tests: what this page has seen and heard.
window.agentConsole = { loggedIn: false, queue: [], callerPeak: 0, callerHeardAt: null,
                        suggestions: [], transcript: [], caseNumber: null, alerts: 0,
                        wrapUp: false, submits: 0, used: [], kbResults: [] };

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

async function api(path, body) {
  const resp = await fetch(path, {
    method: body === undefined ? "GET" : "POST", credentials: "same-origin",
    headers: Object.assign({ "Content-Type": "application/json" },
                           desk.me ? { "X-CSRF-Token": desk.me.csrf } : {}),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await resp.json().catch(() => ({ error: resp.statusText }));
  if (resp.status === 401 && desk.me) showLogin("請重新登入 / Please log in again");
  return { ok: resp.ok, status: resp.status, data };
}

// With many workers a call's routes are on the worker that holds its audio (the card's
// worker_url, reached through the same front); null: this one.
function callPath(callId, action) {
  return `${desk.workers[callId] || ""}/api/agent/calls/${callId}/${action}`;
}

function showLogin(message) {
  desk.me = null;
  window.agentConsole.loggedIn = false;
  if (desk.events) desk.events.close();
  $("desk").hidden = true; $("logout").hidden = true; $("login").hidden = false;
  $("who").textContent = "";
  $("login-error").textContent = message || "";
}

function showDesk(me) {
  desk.me = me;
  window.agentConsole.loggedIn = true;
  $("login").hidden = true; $("desk").hidden = false; $("logout").hidden = false;
  $("who").textContent = `${me.name}（${me.role === "supervisor" ? "督導" : "專人"}）`;
  $("supervisor").hidden = me.role !== "supervisor";
  $("f-category").replaceChildren(el("option", { value: "", textContent: "—" }),
    ...me.categories.map((c) => el("option", { value: c.code, textContent: c.name })));
  $("f-district").replaceChildren(el("option", { value: "", textContent: "—" }),
    ...me.districts.map((d) => el("option", { value: d, textContent: d })));
  desk.events = new EventSource("/api/agent/events");
  desk.events.onmessage = (event) => render(JSON.parse(event.data));
  desk.events.onerror = async () => {
    // A closed stream: an expired session gets the login form, anything else reconnects.
    const who = await api("/api/agent/me");
    if (!who.ok && who.status === 401) showLogin("請重新登入 / Please log in again");
  };
}

function minutes(seconds) {
  seconds = Math.max(0, Math.floor(seconds));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

function categoryName(code) {
  const found = desk.me && desk.me.categories.find((c) => c.code === code);
  return found ? found.name : "";
}

// What the caller wants and where, in words: the first thing an agent reads.
function wantText(fields) {
  const what = fields.category ? categoryName(fields.category) : "事由未明";
  const where = [fields.district, fields.address || fields.landmark].filter(Boolean).join("");
  return `${what}・${where || "地點未取得"}`;
}

function detailsText(fields) {
  return Object.entries(DETAILS).filter(([k]) => fields[k])
    .map(([k, label]) => `${label} ${fields[k]}`).join("　");
}

// How the caller came: a phone (with the number the network gave, for a call-back) or the web.
function lineText(c) {
  if (c.channel === "sip") return `電話來電 ${c.caller_id || "（未顯示號碼）"}`;
  if (DESK_PHONE.has(c.channel)) return `桌機通話・AI 旁聽 ${c.caller_id || ""}`;
  return "網路來電";
}

// A new call in the queue: the tab title counts them, and a short chime (when sound is allowed).
function alertNewCalls(queue) {
  const fresh = queue.filter((c) => !desk.queueSeen.has(c.call_id));
  desk.queueSeen = new Set(queue.map((c) => c.call_id));
  document.title = queue.length ? `(${queue.length}) ${TITLE}` : TITLE;
  if (!fresh.length) return;
  window.agentConsole.alerts += fresh.length;
  try {
    const ctx = new AudioContext();
    const tone = ctx.createOscillator();
    const gain = ctx.createGain();
    tone.frequency.value = fresh.some((c) => c.emergency) ? 1320 : 880;
    gain.gain.setValueAtTime(0.15, ctx.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.4);
    tone.connect(gain).connect(ctx.destination);
    tone.start();
    tone.stop(ctx.currentTime + 0.4);
    tone.onended = () => ctx.close();
  } catch (err) { /* no sound allowed yet: the title still counts */ }
}

function render(snap) {
  window.agentConsole.queue = snap.queue;
  alertNewCalls(snap.queue);
  $("queue-count").textContent = snap.queue.length ? `(${snap.queue.length})` : "";
  $("queue-empty").hidden = snap.queue.length > 0;
  $("queue").replaceChildren(...snap.queue.map((c) => {
    const accept = el("button", { type: "button", textContent: "接聽 / Accept",
                                  disabled: desk.activeId !== null });
    accept.dataset.call = c.call_id;
    accept.addEventListener("click", () => acceptCall(c.call_id));
    return el("li", { className: c.emergency ? "emergency" : "" },
      el("div", { className: "reason", textContent:
        (c.emergency ? `⚠ 緊急 ${c.emergency}　` : "") +
        (c.reason ? (REASONS[c.reason] || c.reason) : "機器人已轉介緊急專線") }),
      el("div", { className: "want", textContent: wantText(c.fields) }),
      el("div", { className: "summary", textContent: c.summary }),
      el("div", { className: "line", textContent:
        `${lineText(c)}　${LANGS[c.lang] || c.lang}　${detailsText(c.fields)}` }),
      el("div", { className: "row" },
        el("span", { className: "wait", textContent: `等候 ${minutes(c.waiting_s)}` }), accept));
  }));
  for (const c of [...snap.queue, ...snap.mine]) {
    if (c.worker_url) desk.workers[c.call_id] = c.worker_url;
  }
  // A call that became this agent's without an accept here (a desk-phone call the PBX
  // copies to us): the pane takes it.
  if (desk.activeId === null && snap.mine.length) {
    desk.activeId = snap.mine[0].call_id;
    resetPane();
  }
  const mine = snap.mine.find((c) => c.call_id === desk.activeId) || null;
  if (mine) renderCall(mine);
  else if (desk.activeId && !desk.wrapUp && desk.call && !snap.starting) startWrapUp();
  $("idle").hidden = desk.activeId !== null || (snap.overview !== undefined);
  if (snap.overview) renderOverview(snap.overview);
}

function renderCall(call) {
  desk.call = call;
  $("active").hidden = false;
  $("active-line").textContent = lineText(call);
  // A desk-phone call is the PBX's: ending here only stops the AI listening.
  if (!desk.wrapUp) {
    $("end").textContent = DESK_PHONE.has(call.channel) ? "停止旁聽 / Stop listening"
                                                        : "結束通話 / End call";
  }
  $("mute").hidden = $("hold").hidden = DESK_PHONE.has(call.channel) || desk.wrapUp;
  $("hold").classList.toggle("on", Boolean(call.hold));
  $("hold").textContent = call.hold ? "恢復通話 / Resume" : "保留 / Hold";
  $("active-lang").textContent = LANGS[call.lang] || call.lang;
  $("active-want").textContent = wantText(call.fields);
  // Danger in the caller's words: first thing on the pane, at once.
  $("active-alert").hidden = !call.alert;
  $("active-alert").textContent = call.alert
    ? `⚠ 來電內容可能有立即危險：請確認，必要時請民眾撥打 ${call.alert} / Possible danger: consider ${call.alert}`
    : "";
  $("active-summary").textContent = call.summary;
  startTimer(call.seconds);
  window.agentConsole.transcript = call.transcript;
  const list = $("transcript");
  const atEnd = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  list.replaceChildren(...call.transcript.map((t) => el("li", { className: t.who },
    el("span", { className: "at", textContent: minutes(t.t) }),
    el("span", { className: "who", textContent: WHO[t.who] || t.who }), t.text)));
  if (atEnd) list.scrollTop = list.scrollHeight;  // never yank an agent reading back up
  // Short for reading aloud: the entry's title, the answer, and where it comes from (the
  // entry id on hover, for the record).
  showSuggestions(call.suggestions);
  // The bot's form fills fields the agent has not touched (marked AI until they are); the
  // agent's edits win.
  for (const key of FORM) {
    const value = call.fields[key];
    if (desk.edited.has(key) || !value) continue;
    $("f-" + key).value = value;
    $("f-" + key).closest("label").classList.add("unconfirmed");
  }
  if (call.case_number) showFiled(call.case_number);
}

function showSuggestions(suggestions) {
  window.agentConsole.suggestions = suggestions;
  $("suggestions").replaceChildren(...suggestions.map((s) => {
    // one line to read out (the first sentence); all of it on hover, and when copied
    const line = s.text.split(/(?<=[。！？.!?])\s*/)[0] || s.text;
    const item = el("li", { className: desk.used.has(s.kb_id) ? "used" : "", title: s.text },
      s.title ? el("strong", { textContent: s.title + "：" }) : "", line,
      el("span", { className: "kb", title: s.kb_id || "", textContent:
        s.kb_id ? `知識庫・${s.title || s.kb_id}` : "程序 / procedure" }));
    item.addEventListener("click", () => useSuggestion(s, item));
    return item;
  }));
}

// A suggestion clicked is copied (to paste or read out) and counted as used.
async function useSuggestion(s, item) {
  try { await navigator.clipboard.writeText(s.text); } catch (err) { /* copy refused */ }
  if (!s.kb_id || desk.used.has(s.kb_id) || !desk.activeId) return;
  const resp = await api(callPath(desk.activeId, "suggestions/used"), { kb_id: s.kb_id });
  if (resp.ok) {
    desk.used.add(s.kb_id);
    item.classList.add("used");
    window.agentConsole.used = [...desk.used];
  }
}

async function searchKb(query) {
  const resp = await api(`/api/agent/kb?q=${encodeURIComponent(query)}`);
  const results = resp.ok ? resp.data.results : [];
  window.agentConsole.kbResults = results;
  $("kb-results").replaceChildren(...results.map((r) => {
    const item = el("li", {}, el("strong", { textContent: r.title + "：" }), r.answer,
      el("span", { className: "kb", title: r.id, textContent: "知識庫" }));
    item.addEventListener("click", () => navigator.clipboard.writeText(r.answer).catch(() => {}));
    return item;
  }));
  if (!resp.ok) $("kb-results").replaceChildren(el("li", { className: "error", textContent: resp.data.error }));
}

function startTimer(seconds) {
  const since = performance.now() - seconds * 1000;
  clearInterval(desk.timer);
  const tick = () => { $("active-timer").textContent = minutes((performance.now() - since) / 1000); };
  tick();
  desk.timer = setInterval(tick, 1000);
}

function showFiled(number) {
  desk.filed = true;
  window.agentConsole.caseNumber = number;
  $("case-result").className = "";
  $("case-result").textContent = `案件編號 ${number}`;
  $("submit-case").textContent = "更新案件 / Update case";
}

// The call is over (the caller hung up, or the agent ended it): the pane stays, with what was
// typed, until the case is filed or the agent closes it.
function startWrapUp() {
  desk.wrapUp = true;
  window.agentConsole.wrapUp = true;
  hangUpLocal();
  clearInterval(desk.timer);
  $("active").classList.add("wrap-up");
  $("active-state").textContent = "通話已結束・整理案件 / Call ended: wrap-up";
  $("end").textContent = "關閉 / Close";
  $("mute").hidden = $("hold").hidden = true;
}

function closePane() {
  if (!desk.filed && !confirm("案件尚未送出，關閉後這通電話的草稿會遺失。確定關閉？\n" +
                              "The case is not filed: close and lose this draft?")) return;
  desk.activeId = null; desk.call = null; desk.wrapUp = false; desk.filed = false;
  window.agentConsole.wrapUp = false;
  $("active").hidden = true;
  $("active").classList.remove("wrap-up");
  $("idle").hidden = false;
  for (const button of document.querySelectorAll("#queue button")) button.disabled = false;
}

function renderOverview(o) {
  const outcomes = Object.entries(o.outcomes_today)
    .map(([k, v]) => `${OUTCOMES[k] || k} ${v}`).join("、");
  $("overview-figures").textContent =
    `通話中 ${o.live_calls.length}　等候 ${o.queue_length}　最久等候 ${minutes(o.longest_wait_s)}` +
    `　今日結果：${outcomes || "—"}`;
  $("live-calls").tBodies[0].replaceChildren(...o.live_calls.map((c) => el("tr", {},
    el("td", { textContent: (c.emergency ? "⚠ " : "") + c.call_id }),
    el("td", { textContent: STATES[c.state] || c.state }), el("td", { textContent: minutes(c.seconds) }),
    el("td", { textContent: c.agent || "—" }))));
  $("agents").tBodies[0].replaceChildren(...o.agents.map((a) => el("tr", {},
    el("td", { textContent: `${a.name}${a.role === "supervisor" ? "（督導）" : ""}` }),
    el("td", { textContent: AGENT_STATES[a.state] || a.state }),
    el("td", { textContent: a.call_id || "—" }))));
}

function listen(stream) {
  // How loud the caller is at this end (the tests read it; a level meter for people).
  watchPeaks(stream, (peak) => {
    window.agentConsole.callerPeak = Math.max(window.agentConsole.callerPeak, peak);
    if (peak > 0.02 && window.agentConsole.callerHeardAt === null) {
      window.agentConsole.callerHeardAt = performance.now();
    }
  }, () => desk.pc !== null);
}

function resetPane() {
  desk.edited.clear();
  desk.filed = false; desk.wrapUp = false; desk.call = null; desk.muted = false;
  desk.used = new Set();
  $("kb-results").replaceChildren();
  window.agentConsole.caseNumber = null; window.agentConsole.wrapUp = false;
  $("case").reset();
  for (const label of document.querySelectorAll("#case label")) label.classList.remove("unconfirmed");
  $("case-result").textContent = "";
  $("submit-case").textContent = "送出案件 / Submit case";
  $("end").textContent = "結束通話 / End call";
  $("active-state").textContent = "通話中 / On the line";
  $("mute").hidden = false; $("mute").classList.remove("on");
  $("hold").hidden = false; $("hold").classList.remove("on");
  $("active").classList.remove("wrap-up");
}

async function acceptCall(callId) {
  if (desk.activeId) return;
  desk.activeId = callId;
  resetPane();
  try {
    desk.stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch (err) {
    desk.activeId = null;
    alert("無法使用麥克風 / No microphone: " + err.message);
    return;
  }
  const pc = new RTCPeerConnection({ iceServers: [] });
  desk.pc = pc;
  desk.stream.getTracks().forEach((t) => pc.addTrack(t, desk.stream));
  pc.ontrack = (event) => {
    const remote = event.streams[0] || new MediaStream([event.track]);
    $("caller-audio").srcObject = remote;
    listen(remote);
  };
  await pc.setLocalDescription(await pc.createOffer());
  await iceComplete(pc);
  const resp = await api(callPath(callId, "accept"),
                         { sdp: pc.localDescription.sdp, type: "offer" });
  if (!resp.ok) {
    alert(resp.data.error);
    hangUpLocal();
    desk.activeId = null;
    return;
  }
  await pc.setRemoteDescription({ sdp: resp.data.sdp, type: resp.data.type });
  renderCall(resp.data.call);
}

function hangUpLocal() {
  if (desk.pc) desk.pc.close();
  desk.pc = null;
  if (desk.stream) desk.stream.getTracks().forEach((t) => t.stop());
  desk.stream = null;
}

async function submitCase() {
  if (!desk.activeId || !desk.call || desk.submitting) return;  // (one Submit at a time)
  const form = {};
  for (const key of FORM) form[key] = $("f-" + key).value;
  window.agentConsole.submits += 1;
  desk.submitting = true;
  $("submit-case").disabled = true;
  let resp;
  try {
    resp = await api(callPath(desk.activeId, "case"), form);
  } finally {
    desk.submitting = false;
    $("submit-case").disabled = false;
  }
  if (resp.ok) {
    showFiled(resp.data.case_number);
    for (const label of document.querySelectorAll("#case label")) label.classList.remove("unconfirmed");
  } else {
    $("case-result").className = "error";
    $("case-result").textContent = resp.data.error;
  }
}

async function endOrClose() {
  if (!desk.activeId || !desk.call) return;  // (an accept still in flight: nothing to end)
  if (desk.wrapUp) { closePane(); return; }
  const resp = await api(callPath(desk.activeId, "end"), {});
  // ended now, or already over (gone from the server: 404): the wrap-up begins
  if ((resp.ok || resp.status === 404) && desk.activeId && !desk.wrapUp) startWrapUp();
}

// Hold: the caller hears a short notice now and then instead of the agent (the server's).
async function toggleHold() {
  if (!desk.activeId || desk.wrapUp || !desk.call || DESK_PHONE.has(desk.call.channel)) return;
  const resp = await api(callPath(desk.activeId, "hold"), { on: !desk.call.hold });
  if (resp.ok) {
    desk.call.hold = resp.data.hold;
    $("hold").classList.toggle("on", resp.data.hold);
    $("hold").textContent = resp.data.hold ? "恢復通話 / Resume" : "保留 / Hold";
  }
}

function toggleMute() {
  if (!desk.stream) return;
  desk.muted = !desk.muted;
  desk.stream.getAudioTracks().forEach((t) => { t.enabled = !desk.muted; });
  $("mute").classList.toggle("on", desk.muted);
  $("mute").textContent = desk.muted ? "已靜音 / Muted" : "靜音 / Mute";
}

$("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  const resp = await api("/api/agent/login", { name: $("name").value,
                                               password: $("password").value });
  $("password").value = "";
  if (resp.ok) showDesk(resp.data);
  else $("login-error").textContent = resp.data.error;
});

$("logout").addEventListener("click", async () => {
  if (desk.activeId && !desk.filed && !confirm("案件尚未送出，確定登出？ / The case is not filed: log out?")) return;
  await api("/api/agent/logout", {});
  hangUpLocal();
  desk.activeId = null;
  $("active").hidden = true;
  showLogin();
});

for (const key of FORM) {
  $("f-" + key).addEventListener("input", () => {
    desk.edited.add(key);
    $("f-" + key).closest("label").classList.remove("unconfirmed");
  });
}
// Enter in a field never files the case (only the button or Ctrl+Enter do).
$("case").addEventListener("submit", (event) => event.preventDefault());
$("case").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.ctrlKey && event.target.tagName !== "TEXTAREA") {
    event.preventDefault();
  }
});
$("submit-case").addEventListener("click", submitCase);
// The agent's category: the suggestions are searched again for it.
$("f-category").addEventListener("change", async () => {
  const category = $("f-category").value;
  if (!category || !desk.activeId || desk.wrapUp) return;
  const resp = await api(callPath(desk.activeId, "category"), { category });
  if (resp.ok) showSuggestions(resp.data.suggestions);
});
$("kb-search").addEventListener("submit", (event) => {
  event.preventDefault();
  const query = $("kb-q").value.trim();
  if (query) searchKb(query);
});
$("end").addEventListener("click", endOrClose);
$("mute").addEventListener("click", toggleMute);
$("hold").addEventListener("click", toggleHold);

// Keyboard: Alt+A accepts the first waiting call, Ctrl+Enter submits, Alt+E ends (or closes
// the wrap-up), Alt+M mutes, Alt+H holds, Alt+K searches the knowledge base.
document.addEventListener("keydown", (event) => {
  if (!desk.me) return;
  const key = event.key.toLowerCase();
  if (event.ctrlKey && key === "enter") { event.preventDefault(); submitCase(); return; }
  if (!event.altKey) return;
  if (key === "a" && !desk.activeId && window.agentConsole.queue.length) {
    event.preventDefault(); acceptCall(window.agentConsole.queue[0].call_id);
  } else if (key === "e") { event.preventDefault(); endOrClose(); }
  else if (key === "k") { event.preventDefault(); $("kb-q").focus(); }
  else if (key === "m") { event.preventDefault(); toggleMute(); }
  else if (key === "h") { event.preventDefault(); toggleHold(); }
});

// Leaving the page with a case not filed asks first.
window.addEventListener("beforeunload", (event) => {
  if (desk.activeId && !desk.filed) event.preventDefault();
});

(async () => {
  const who = await api("/api/agent/me");
  if (who.ok) showDesk(who.data);
  else showLogin();
})();
