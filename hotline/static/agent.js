// The agent console: log in, watch the queue (server-sent events), accept a call (WebRTC),
// read the live transcript and the suggested replies, edit and submit the case, end the call.
"use strict";
const $ = (id) => document.getElementById(id);
const REASONS = {
  caller_request: "來電者要求專人", repeated_failure: "機器人多次無法取得資訊",
  low_confidence: "語音辨識信心不足", out_of_scope: "非1999服務範圍",
  sensitive: "敏感事項", caller_distress: "來電者情緒激動",
};
const WHO = { caller: "民眾", bot: "機器人", agent: "專人" };
const desk = { me: null, events: null, pc: null, stream: null, activeId: null, edited: new Set() };
// Read by the browser tests: what this page has seen and heard.
window.agentConsole = { loggedIn: false, queue: [], callerPeak: 0, callerHeardAt: null,
                        suggestions: [], transcript: [], caseNumber: null };

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
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

function fieldsText(fields) {
  return ["category", "district", "address", "lamp_number", "route", "time", "phone"]
    .filter((k) => fields[k]).map((k) => `${k}: ${fields[k]}`).join("　");
}

// How the caller came: a phone (with the number the network gave, for a call-back) or the web.
function lineText(c) {
  if (c.channel === "sip") return `電話來電 ${c.caller_id || "（未顯示號碼）"}`;
  return "網路來電";
}

function render(snap) {
  window.agentConsole.queue = snap.queue;
  $("queue-count").textContent = snap.queue.length ? `(${snap.queue.length})` : "";
  $("queue-empty").hidden = snap.queue.length > 0;
  $("queue").replaceChildren(...snap.queue.map((c) => {
    const accept = el("button", { type: "button", textContent: "接聽 / Accept",
                                  disabled: desk.activeId !== null });
    accept.dataset.call = c.call_id;
    accept.addEventListener("click", () => acceptCall(c.call_id));
    return el("li", { className: c.emergency ? "emergency" : "" },
      el("div", {},
        el("div", { className: "reason", textContent:
          (c.emergency ? `⚠ 緊急 ${c.emergency}　` : "") +
          (c.reason ? (REASONS[c.reason] || c.reason) : "機器人已轉介緊急專線") }),
        el("div", { textContent: c.summary }),
        el("div", { className: "fields", textContent: fieldsText(c.fields) }),
        el("div", { className: "line", textContent: lineText(c) })),
      el("div", {}, el("div", { className: "wait", textContent: `等候 ${minutes(c.waiting_s)}` }),
         accept));
  }));
  const mine = snap.mine.find((c) => c.call_id === desk.activeId) || null;
  if (mine) renderCall(mine);
  else if (desk.activeId && !snap.starting) callEnded();
  if (snap.overview) renderOverview(snap.overview);
}

function renderCall(call) {
  $("active").hidden = false;
  $("active-id").textContent = call.call_id;
  $("active-summary").textContent = call.summary;
  $("active-line").textContent = lineText(call);
  window.agentConsole.transcript = call.transcript;
  $("transcript").replaceChildren(...call.transcript.map((t) => el("li", { className: t.who },
    el("span", { className: "who", textContent: WHO[t.who] || t.who }), t.text)));
  $("transcript").scrollTop = $("transcript").scrollHeight;
  window.agentConsole.suggestions = call.suggestions;
  $("suggestions").replaceChildren(...call.suggestions.map((s) => el("li", {}, s.text,
    el("span", { className: "kb", textContent: s.kb_id ? `知識庫 ${s.kb_id}` : "程序" }))));
  // The bot's form fills fields the agent has not touched; the agent's edits win.
  const form = { category: call.fields.category, district: call.fields.district,
                 address: call.fields.address, phone: call.fields.phone,
                 description: call.fields.description };
  for (const [key, value] of Object.entries(form)) {
    if (!desk.edited.has(key) && value) $("f-" + key).value = value;
  }
  if (call.case_number) {
    window.agentConsole.caseNumber = call.case_number;
    $("case-result").textContent = `案件編號 ${call.case_number}`;
  }
}

function renderOverview(o) {
  const outcomes = Object.entries(o.outcomes_today).map(([k, v]) => `${k} ${v}`).join("、");
  $("overview-figures").textContent =
    `通話中 ${o.live_calls.length}　等候 ${o.queue_length}　最久等候 ${minutes(o.longest_wait_s)}` +
    `　今日結果：${outcomes || "—"}`;
  $("live-calls").tBodies[0].replaceChildren(...o.live_calls.map((c) => el("tr", {},
    el("td", { textContent: (c.emergency ? "⚠ " : "") + c.call_id }),
    el("td", { textContent: c.state }), el("td", { textContent: minutes(c.seconds) }),
    el("td", { textContent: c.agent || "—" }))));
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

async function acceptCall(callId) {
  if (desk.activeId) return;
  desk.activeId = callId;
  desk.edited.clear();
  $("case").reset();
  $("case-result").textContent = "";
  window.agentConsole.caseNumber = null;
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
  const resp = await api(`/api/agent/calls/${callId}/accept`,
                         { sdp: pc.localDescription.sdp, type: "offer" });
  if (!resp.ok) {
    alert(resp.data.error);
    hangUpLocal();
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
  desk.activeId = null;
}

function callEnded() {
  hangUpLocal();
  $("active").hidden = true;
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
  await api("/api/agent/logout", {});
  hangUpLocal();
  showLogin();
});

for (const key of ["category", "district", "address", "phone", "description"]) {
  $("f-" + key).addEventListener("input", () => desk.edited.add(key));
}

$("case").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (!desk.activeId) return;
  const form = {};
  for (const key of ["category", "district", "address", "phone", "description"]) {
    form[key] = $("f-" + key).value;
  }
  const resp = await api(`/api/agent/calls/${desk.activeId}/case`, form);
  $("case-result").className = resp.ok ? "" : "error";
  $("case-result").textContent = resp.ok ? `案件編號 ${resp.data.case_number}` : resp.data.error;
  if (resp.ok) window.agentConsole.caseNumber = resp.data.case_number;
});

$("end").addEventListener("click", async () => {
  if (!desk.activeId) return;
  await api(`/api/agent/calls/${desk.activeId}/end`, {});
  callEnded();
});

(async () => {
  const who = await api("/api/agent/me");
  if (who.ok) showDesk(who.data);
  else showLogin();
})();
