"""The issues' targets, checked against this run's measurements."""
from cases import cpu_per_frame
from report import CAMERA_MODES, MIXES, by_id, faults_per_frame, fmt, ratio, topic_stats


def verdict(ok):
    return "—" if ok is None else ("met" if ok else "**missed**")


def targets(results, gobench):
    """Rows of (target, measured, verdict)."""
    r = by_id(results)
    rows = []

    def cpu(case_id):
        return cpu_per_frame(r[case_id]) if case_id in r else None

    # Raw 1080p30 delivered for 60 s: the long runs when they ran, else the
    # ordinary ones (marked as shorter).
    raws = [x for x in results if x["who"] == "ours" and x["size"] == "1920x1080" and x["stream"] == "raw"
            and not x.get("error") and not x.get("mode")]
    longs = [x for x in raws if x["seconds"] >= 60]
    for x in longs or raws:
        setting = x.get("transport") or "Fast DDS defaults"
        ok = x["fps"] >= 29.5 if x["seconds"] >= 60 else None
        rows.append((f"Raw 1080p30: ≥ 29.5 fps delivered for 60 s ({setting})",
                     f"{x['fps']:.2f} fps over {x['window_s']:.0f} s, {x['dropped']} of {x['expected']} dropped"
                     + ("" if x["seconds"] >= 60 else " (window shorter than 60 s)"), verdict(ok)))
    for size, t in (("640x480", ""), ("1280x720", ""), ("1920x1080", ""), ("1920x1080", "/64 MiB SHM")):
        ours, base = cpu(f"{size}/raw/ours{t}"), cpu(f"{size}/raw/baseline{t}")
        if ours is None and t:
            continue
        q = ratio(ours, base)
        b = r.get(f"{size}/raw/baseline{t}", {})
        faults = f" (baseline page faults/frame: {faults_per_frame(b)})" if b.get("minor_faults") is not None else ""
        rows.append((f"Raw {size}{t and ' (' + t[1:] + ')'}: publisher CPU/frame ≤ 1/3 of rclpy+cv2",
                     f"{fmt(ours)} vs {fmt(base)} ms = {fmt(q, 3)}×{faults}", verdict(None if q is None else q <= 1 / 3)))
    for size, key in (("1280x720", "1280x720"), ("1920x1080", "1920x1080")):
        floor = gobench.get(f"PublishImage/{key}/copy", {}).get("ns/op")
        for path, label in (("publish/subscribers=0", "no subscriber"), ("publishFrame/subscribers=1", "one subscriber"),
                            ("SHM64/publishFrame/subscribers=1", "one subscriber, 64 MiB SHM segment")):
            shm, path = path.startswith("SHM64/"), path.removeprefix("SHM64/")
            ns = gobench.get(f"{'SHM64/' if shm else ''}PublishImage/{key}/{path}", {}).get("ns/op")
            q = ratio(ns, floor)
            rows.append((f"Serialize+publish {size}, {label}: ≤ 2× memcpy floor",
                         f"{fmt(ns and ns / 1000, 0)} vs {fmt(floor and floor / 1000, 0)} µs = {fmt(q)}×",
                         verdict(None if q is None else q <= 2)))
        allocs = gobench.get(f"PublishImage/{key}/publishFrame/subscribers=1", {}).get("allocs/op")
        rows.append((f"No allocation per frame on the publish path ({size})",
                     f"{fmt(allocs, 0)} allocs/op in publishFrame", verdict(None if allocs is None else allocs == 0)))
    for size in ("640x480", "1280x720", "1920x1080"):
        ours = cpu(f"{size}/compressed/ours-mjpeg")
        enc, dec = cpu(f"{size}/compressed/baseline"), cpu(f"{size}/compressed/baseline-mjpeg")
        q = ratio(ours, enc)
        rows.append((f"Compressed {size} from MJPEG: CPU/frame ≤ 1/10 of the baseline's encode",
                     f"{fmt(ours)} ms vs {fmt(enc)} (pattern + imencode) = {fmt(q, 3)}×; "
                     f"vs {fmt(dec)} (same file, decode + imencode) = {fmt(ratio(ours, dec), 3)}×",
                     verdict(None if q is None else q <= 0.1)))
    for who, label in (("ours", "node encoding"), ("ours-mjpeg", "MJPEG passthrough")):
        c = r.get(f"1280x720/compressed/{who}")
        if c and not c.get("error"):
            rows.append((f"Latency 720p compressed ({label}): p50 ≤ 5 ms, p99 ≤ 15 ms",
                         f"p50 {c['lat_p50_ms']:.1f} ms, p99 {c['lat_p99_ms']:.1f} ms",
                         verdict(c["lat_p50_ms"] <= 5 and c["lat_p99_ms"] <= 15)))
    shared = [gobench.get(f"JPEGShared/{k}/consumers=4", {}).get("encodes/frame") for k in ("720p", "1080p")]
    shared = [s for s in shared if s is not None]
    one, three = cpu("1280x720/compressed/ours"), cpu("1280x720/compressed/ours/3subs")
    rows.append(("One JPEG encode per frame however many consumers",
                 f"{', '.join(fmt(s) for s in shared) or '—'} encodes/frame with 4 consumers (Go); "
                 f"node 720p CPU/frame {fmt(one)} ms with 1 subscriber, {fmt(three)} ms with 3",
                 verdict(None if not shared else all(s == 1 for s in shared))))
    return rows


def targets_section(results, gobench):
    lines = ["## Targets (issue 7)", "", "| target | measured | |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {v} |" for t, m, v in targets(results, gobench)]
    return lines


def camera_targets(results):
    """Issue 13's targets for the camera modes: rows of (target, measured,
    verdict); a case that did not run (or failed) is reported unmeasured."""
    r = by_id(results)
    rows = []

    def pair(mode, size, mix):
        ours, peer = (r.get(f"{size}/{mode}/{mix}/{who}") for who in ("ours", "peer"))
        ok = ours is not None and peer is not None and not ours.get("error") and not peer.get("error")
        return (ours, peer) if ok else (None, None)

    for mode, size in CAMERA_MODES:
        for mix in MIXES:
            ours, peer = pair(mode, size, mix)
            limit = 0.05 if (mode, mix) == ("mjpeg", "compressed") else 0.5
            a, b = (cpu_per_frame(ours), cpu_per_frame(peer)) if ours else (None, None)
            q = ratio(a, b)
            rows.append((f"{mode.upper()} {size}, {mix}: node CPU/frame ≤ {limit:g}× the peer's",
                         f"{fmt(a)} vs {fmt(b)} ms = {fmt(q, 3)}×", verdict(None if q is None else q <= limit)))
    for mode, size in CAMERA_MODES:
        if mode != "mjpeg":
            continue
        ours, peer = pair(mode, size, "both")
        c = topic_stats(ours, "compressed") if ours else None
        rows.append((f"MJPEG {size}, both: compressed latency p50 ≤ 1.5 ms",
                     f"{fmt(c and c['lat_p50_ms'], 1)} ms (peer {fmt(topic_stats(peer, 'compressed')['lat_p50_ms'] if peer else None, 1)} ms)",
                     verdict(None if c is None else c["lat_p50_ms"] <= 1.5)))
        a, b = (topic_stats(ours, "raw"), topic_stats(peer, "raw")) if ours else (None, None)
        rows.append((f"MJPEG {size}, both: raw latency p50 ≤ the peer's",
                     f"{fmt(a and a['lat_p50_ms'], 1)} vs {fmt(b and b['lat_p50_ms'], 1)} ms",
                     verdict(None if a is None or b is None else a["lat_p50_ms"] <= b["lat_p50_ms"])))
    for mode, size in CAMERA_MODES:
        for mix in MIXES:
            ours, peer = pair(mode, size, mix)
            a, b = (ours["hwm_mib"], peer["hwm_mib"]) if ours else (None, None)
            rows.append((f"{mode.upper()} {size}, {mix}: node peak RSS ≤ the peer's",
                         f"{fmt(a, 0)} vs {fmt(b, 0)} MiB (VmHWM) = {fmt(ratio(a, b))}×",
                         verdict(None if a is None else a <= b)))
    return rows


def camera_targets_section(results):
    lines = ["## Targets (issue 13): camera modes, node against the peer in the same run", ""]
    if not any(x.get("mode") for x in results):
        return lines + ["Not measured: this run has no camera-mode rows."]
    lines += ["| target | measured | |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {v} |" for t, m, v in camera_targets(results)]
    return lines


def h264_ratio_of(text, fmt_name):
    """The ratio column of bench/h264_ratio.sh's row for an input format."""
    for line in text.splitlines():
        if line.startswith(f"h264 {fmt_name} "):
            try:
                return float(line.split()[3])
            except (IndexError, ValueError):
                return None
    return None


def webrtc_targets_section(gobench, h264_ratio):
    lat = gobench.get("WebRTC/latency", {})
    bw = gobench.get("WebRTC/bandwidth", {})
    cost = gobench.get("WebRTC/viewercost", {})
    rows = []

    def row(target, value, limit, unit="", digits=2):
        ok = None if value is None else value <= limit
        rows.append((target, "—" if value is None else f"{fmt(value, digits)}{unit}", verdict(ok)))

    row("WebRTC wire rate at defaults, camera-like 720p30 ≤ 2 Mbit/s", bw.get("webrtc-Mbit/s"), 2, " Mbit/s")
    mj = bw.get("mjpeg95/webrtc")
    rows.append(("… against the MJPEG stream (expect ≥ 10× less)", "—" if mj is None else f"{fmt(mj, 1)}× less",
                 verdict(None if mj is None else mj >= 10)))
    row("Latency capture → shown in Chromium, p50 ≤ 80 ms", lat.get("webrtc-p50-ms"), 80, " ms", 1)
    row("… p99 ≤ 150 ms", lat.get("webrtc-p99-ms"), 150, " ms", 1)
    for name in ("rgb8", "yuv422_yuy2", "jpeg"):
        row(f"Encode CPU per 720p frame from {name} ≤ 1.2× x264 alone", h264_ratio_of(h264_ratio, name), 1.2, "×")
    row("Each added WebRTC viewer ≤ 1 % of a core", cost.get("per-added-viewer-%core"), 1, " %")
    fps = cost.get("slowest-of-10-fps")
    rows.append(("Ten WebRTC viewers at 720p30: each ≥ 28 fps (the slowest)", "—" if fps is None else f"{fmt(fps, 1)} fps",
                 verdict(None if fps is None else fps >= 28)))
    lines = ["## Targets (issue 16)", "", "| target | measured | |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {v} |" for t, m, v in rows]
    return lines
