// The /webrtc page: a WHEP client (draft-ietf-wish-whep: one POST with the whole
// offer, no trickle ICE) that shows the camera's shared H.264 encode and
// measures it. If WebRTC fails it falls back to the MJPEG stream, saying why.
//
// window.webcamStats is what the page measured, for people and tests alike:
// frames shown, fps, size, kbit/s received, and the latency from capture to
// display. The server puts the capture time on the RTP clock (90 kHz since
// the Unix epoch), so each decoded frame's rtpTimestamp says when it was
// captured; the latency assumes this machine's clock agrees with the robot's
// (true on the robot itself, close with NTP elsewhere).
"use strict";
(() => {
  const main = document.getElementById("webrtc");
  const video = document.getElementById("video");
  const statsLine = document.getElementById("stats");
  const notice = document.getElementById("notice");
  const stats = window.webcamStats = {
    state: "connecting", frames: 0, fps: 0, width: 0, height: 0, kbps: 0, wireBytes: 0,
    latencyMs: [], latencyP50: null, fallback: null, resource: null,
  };
  const connectTimeoutMs = 8000;
  let pc = null;

  function fallback(why) {
    if (stats.fallback) return;
    stats.fallback = why;
    stats.state = "fallback";
    leave();
    notice.hidden = false;
    notice.textContent = "WebRTC is not available (" + why + "); showing the MJPEG stream instead.";
    const img = document.createElement("img");
    img.className = "stream";
    img.alt = "live view";
    img.src = main.dataset.fallback;
    video.replaceWith(img);
    statsLine.textContent = "MJPEG";
  }

  function leave() {
    if (stats.resource) {
      fetch(stats.resource, { method: "DELETE", keepalive: true }).catch(() => {});
      stats.resource = null;
    }
    if (pc) pc.close();
  }

  function gathered(pc, ms) {
    if (pc.iceGatheringState === "complete") return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => { if (pc.iceGatheringState === "complete") resolve(); };
      pc.addEventListener("icegatheringstatechange", done);
      setTimeout(resolve, ms); // host candidates come at once; send what there is
    });
  }

  // captureMs turns a 32-bit 90 kHz RTP timestamp into Unix milliseconds,
  // taking the wrap (every 13.3 h) nearest to now.
  function captureMs(rtp, nowMs) {
    const wrap = 4294967296;
    const nowTicks = nowMs * 90;
    const base = nowTicks - (nowTicks % wrap);
    let t = base + rtp;
    if (t - nowTicks > wrap / 2) t -= wrap;
    if (nowTicks - t > wrap / 2) t += wrap;
    return t / 90;
  }

  function onFrame(now, md) {
    stats.frames++;
    stats.width = md.width;
    stats.height = md.height;
    if (md.rtpTimestamp !== undefined) {
      const shownMs = performance.timeOrigin + md.presentationTime;
      const lat = shownMs - captureMs(md.rtpTimestamp, shownMs);
      stats.latencyMs.push(Math.round(lat * 10) / 10);
      if (stats.latencyMs.length > 600) stats.latencyMs.shift();
    }
    video.requestVideoFrameCallback(onFrame);
  }

  let lastBytes = 0, lastFrames = 0, lastAt = performance.now();
  async function tick() {
    if (!pc || stats.fallback) return;
    const now = performance.now();
    let bytes = 0;
    (await pc.getStats()).forEach((r) => {
      if (r.type === "inbound-rtp" && r.kind === "video") {
        bytes = r.bytesReceived;
        stats.wireBytes = r.bytesReceived + (r.headerBytesReceived || 0);
      }
    });
    const secs = (now - lastAt) / 1000;
    stats.kbps = Math.round((bytes - lastBytes) * 8 / secs / 1000);
    stats.fps = Math.round((stats.frames - lastFrames) / secs * 10) / 10;
    lastBytes = bytes; lastFrames = stats.frames; lastAt = now;
    const sorted = stats.latencyMs.slice(-90).sort((a, b) => a - b);
    stats.latencyP50 = sorted.length ? sorted[sorted.length >> 1] : null;
    statsLine.textContent = stats.width + "×" + stats.height + " · " + stats.fps + " fps · " +
      stats.kbps + " kbit/s · latency " + (stats.latencyP50 === null ? "–" : stats.latencyP50 + " ms") + " · " + stats.state;
  }

  async function start() {
    pc = new RTCPeerConnection({ iceServers: JSON.parse(main.dataset.ice || "[]") });
    pc.addTransceiver("video", { direction: "recvonly" });
    pc.ontrack = (e) => { video.srcObject = new MediaStream([e.track]); };
    pc.onconnectionstatechange = () => {
      stats.state = pc.connectionState;
      if (pc.connectionState === "failed") fallback("the connection failed");
    };
    await pc.setLocalDescription(await pc.createOffer());
    await gathered(pc, 2000);
    const resp = await fetch(main.dataset.whep, {
      method: "POST", headers: { "Content-Type": "application/sdp" }, body: pc.localDescription.sdp,
    });
    const body = await resp.text();
    if (resp.status !== 201) throw new Error("the server answered " + resp.status + ": " + body.trim());
    stats.resource = resp.headers.get("Location");
    await pc.setRemoteDescription({ type: "answer", sdp: body });
  }

  if (!window.RTCPeerConnection || !HTMLVideoElement.prototype.requestVideoFrameCallback) {
    fallback("this browser has no WebRTC");
    return;
  }
  video.requestVideoFrameCallback(onFrame);
  setInterval(tick, 1000);
  setTimeout(() => { if (stats.frames === 0) fallback("no picture within " + connectTimeoutMs / 1000 + " s"); }, connectTimeoutMs);
  window.addEventListener("pagehide", leave);
  start().catch((e) => fallback(e.message));
})();
