// The citizen's call page: microphone → WebRTC → the hotline; captions of both sides.
"use strict";
const $ = (id) => document.getElementById(id);
const state = { pc: null, stream: null, callId: null, token: null };
window.hotline = { greetingHeardMs: null, connectedAt: null, state: "idle", agentHeardAt: null };

const LABEL = {
  ringing: "接通中 / Connecting", bot: "通話中 / Connected",
  waiting_agent: "正在為您轉接專人 / Transferring to a person",
  agent: "專人服務中 / With an agent", ended: "通話結束 / Call ended",
};

function setStatus(text) { $("status").textContent = text; }

function watchLevel(stream) {
  // Measures when the bot's first audio reaches this page (the greeting).
  watchPeaks(stream, (peak) => {
    if (peak > 0.02 && window.hotline.greetingHeardMs === null && window.hotline.connectedAt) {
      window.hotline.greetingHeardMs = performance.now() - window.hotline.connectedAt;
    }
    // After an agent took the call, what this page hears is the agent's voice.
    if (peak > 0.02 && window.hotline.state === "agent" && window.hotline.agentHeardAt === null) {
      window.hotline.agentHeardAt = performance.now();
    }
  }, () => state.pc !== null);
}

async function call() {
  $("call").disabled = true;
  setStatus("請允許使用麥克風 / Allow the microphone");
  try {
    state.stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch (err) {
    setStatus("無法使用麥克風 / No microphone: " + err.message);
    $("call").disabled = false;
    return;
  }
  const pc = new RTCPeerConnection({ iceServers: [] });
  state.pc = pc;
  state.stream.getTracks().forEach((t) => pc.addTrack(t, state.stream));
  pc.ontrack = (event) => {
    const remote = event.streams[0] || new MediaStream([event.track]);
    $("bot").srcObject = remote;
    watchLevel(remote);
  };
  pc.onconnectionstatechange = () => {
    if (pc.connectionState === "connected") window.hotline.connectedAt = performance.now();
    if (["failed", "closed"].includes(pc.connectionState)) hangUp();
  };
  setStatus(LABEL.ringing);
  await pc.setLocalDescription(await pc.createOffer());
  await iceComplete(pc);
  const resp = await fetch("/api/calls", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ sdp: pc.localDescription.sdp, type: "offer" }),
  });
  const body = await resp.json();
  if (!resp.ok) {
    setStatus((resp.status === 503 ? "系統啟動中，請稍後再撥 / Please call again shortly: "
                                   : "錯誤 / Error: ") + body.error);
    hangUp();
    return;
  }
  state.callId = body.call_id;
  state.token = body.token;
  await pc.setRemoteDescription({ sdp: body.sdp, type: body.type });
  $("hangup").disabled = false;
  follow();
}

async function follow() {
  // Server-sent events over fetch (EventSource cannot send the Bearer token).
  const callId = state.callId;
  try {
    const resp = await fetch(`/api/calls/${callId}/events`,
                             { headers: { Authorization: "Bearer " + state.token } });
    if (!resp.ok) return;
    const reader = resp.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (event.startsWith("data: ")) show(JSON.parse(event.slice(6)));
      }
    }
  } catch (err) {
    // the stream broke (network): try again below while the call is on
  }
  if (state.callId === callId && window.hotline.state !== "ended") setTimeout(follow, 1000);
}

function show(call) {
  window.hotline.state = call.state;
  setStatus(LABEL[call.state] || call.state);
  const list = $("captions");
  list.replaceChildren(...call.transcript.filter((t) => t.text).map((t) => {
    const li = document.createElement("li");
    li.className = t.who;
    li.textContent = t.text;
    return li;
  }));
  if (call.state === "ended") hangUp();
}

function hangUp() {
  if (state.callId && window.hotline.state !== "ended") {
    // keepalive: the request survives the page closing
    fetch("/api/calls/" + state.callId, { method: "DELETE", keepalive: true,
      headers: { Authorization: "Bearer " + state.token } }).catch(() => {});
    window.hotline.state = "ended";
  }
  if (state.pc) state.pc.close();
  state.pc = null;
  if (state.stream) state.stream.getTracks().forEach((t) => t.stop());
  $("hangup").disabled = true;
  $("call").disabled = false;
  if (window.hotline.state !== "ended") setStatus(LABEL.ended);
}

$("call").addEventListener("click", call);
$("hangup").addEventListener("click", hangUp);
window.addEventListener("pagehide", hangUp);
