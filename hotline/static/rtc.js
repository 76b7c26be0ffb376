// Shared by the call page and the agent console: WebRTC helpers with no dependencies.
"use strict";

// Host candidates come at once; never wait for gathering longer than two seconds.
function iceComplete(pc) {
  if (pc.iceGatheringState === "complete") return Promise.resolve();
  return new Promise((resolve) => {
    pc.addEventListener("icegatheringstatechange", () => {
      if (pc.iceGatheringState === "complete") resolve();
    });
    setTimeout(resolve, 2000);
  });
}

// Calls onPeak(peak) for every animation frame while keepGoing() is true: the loudness of
// what this page receives (level meters, and the tests' "was it heard?").
function watchPeaks(stream, onPeak, keepGoing) {
  const ctx = new AudioContext();
  const analyser = ctx.createAnalyser();
  ctx.createMediaStreamSource(stream).connect(analyser);
  const data = new Float32Array(analyser.fftSize);
  const tick = () => {
    analyser.getFloatTimeDomainData(data);
    onPeak(data.reduce((m, v) => Math.max(m, Math.abs(v)), 0));
    if (keepGoing()) requestAnimationFrame(tick);
  };
  tick();
}
