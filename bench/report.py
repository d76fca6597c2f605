"""The bench's results as markdown: machine, end-to-end table with ratios,
micro-benchmarks against their floors, and the issue's targets."""
from cases import cpu_per_frame

SIZES = ["640x480", "1280x720", "1920x1080"]
# Issue 13's camera modes: (the camera's format, size), as USB cameras give them.
CAMERA_MODES = [("mjpeg", "1280x720"), ("mjpeg", "1920x1080"), ("yuyv", "640x480"), ("yuyv", "1280x720")]
MIXES = ("compressed", "raw", "both")
GO_SIZES = {"1280x720": ("1280x720", "720p"), "1920x1080": ("1920x1080", "1080p")}


def fmt(v, digits=2, none="—"):
    if v is None:
        return none
    return f"{v:.{digits}f}"


def ratio(a, b):
    return a / b if a is not None and b else None


def by_id(results):
    return {r["id"]: r for r in results}


def baseline_of(r, results):
    """The rclpy+cv2 test-pattern case of the same size, stream and
    transport setting."""
    return next((b for b in results if b["who"] == "baseline" and b["size"] == r["size"]
                 and b["stream"] == r["stream"] and b.get("transport") == r.get("transport")
                 and not b.get("error")), None)


def faults_per_frame(r):
    if "minor_faults" not in r or not r.get("received"):
        return "—"
    return f"{r['minor_faults'] / r['received']:.0f}"


def machine_section(m):
    lines = ["## Machine", ""]
    for key, label in [("date", "Date"), ("cpu", "CPU"), ("nproc", "nproc"), ("mem", "Memory"),
                       ("kernel", "Kernel"), ("load_start", "Load average at start (1, 5, 15 min)"),
                       ("load_end", "Load average at end"), ("commit", "Commit"), ("go", "Go"),
                       ("python", "Python (baseline, subscriber)"), ("cv2", "OpenCV (cv2 in the baseline)"),
                       ("rmw", "RMW"), ("settings", "Settings")]:
        if m.get(key) not in (None, ""):
            lines.append(f"- {label}: {m[key]}")
    return lines


def e2e_section(results):
    lines = ["## End to end: publisher → rclpy subscriber (loopback)", "",
             "| size | stream | publisher | subs | fps | dropped | latency p50 / p99 ms | CPU ms/frame | CPU × baseline | CPU ms/frame, no subscriber | page faults/frame | RSS / HWM MiB | load 1 min |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        if r.get("mode"):
            continue  # camera_section's
        head = f"| {r['size']} | {r['stream']} | {r['publisher']}"
        extra = [x for x in (r.get("transport"), r.get("note")) if x]
        if extra:
            head += f" ({', '.join(extra)})"
        if r.get("error"):
            first = r["error"].splitlines()[0]
            lines.append(f"{head} | {r['subscribers']} | failed: {first} | | | | | | | | |")
            continue
        cpu = cpu_per_frame(r)
        base = baseline_of(r, results)
        rel = ratio(cpu, cpu_per_frame(base)) if base and base is not r else None
        lines.append(f"{head} | {r['subscribers']} | {r['fps']:.2f} | {r['dropped']} of {r['expected']} | "
                     f"{r['lat_p50_ms']:.1f} / {r['lat_p99_ms']:.1f} | {fmt(cpu)} | {fmt(rel, 3)} | "
                     f"{fmt(r.get('idle_cpu_ms_per_frame'))} | {faults_per_frame(r)} | "
                     f"{r['rss_mib']:.0f} / {r['hwm_mib']:.0f} | {r['load1']:.2f} |")
    lines += ["", "fps and dropped over the measured window (dropped = 30 × window − received); "
              "latency = receipt time − header.stamp (both the system clock); CPU = publisher "
              "utime+stime from /proc/<pid>/stat over the window ÷ frames delivered; "
              "CPU × baseline = ÷ the rclpy+cv2 test-pattern row of the same size and stream; "
              "no subscriber = the same publisher's CPU per 1/30 s before anyone subscribed (our node then only "
              "captures; the baseline publishes anyway); page faults = the publisher's minor faults over the "
              "window ÷ frames (a 1080p rgb8 buffer is 1519 pages: fresh buffers cost CPU in the kernel)."]
    return lines


def publish_section(gobench):
    lines = ["## Serialize + publish one rgb8 frame (Go, node/publish_bench_test.go)", "",
             "| size | path | µs/frame | GB/s | CPU ms/frame | allocs/op | B/op | failed/op | × memcpy floor |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    # (result name prefix, path, label): SHM64/ is the run with a 64 MiB
    # shared-memory segment (bench/fastdds_large_shm.xml).
    paths = [("", "copy", "plain copy of the pixels (floor)"),
             ("", "serialize", "CDR into rcl's reused buffer, not published"),
             ("", "publish/subscribers=0", "serialize + rcl_publish_serialized_message, no subscriber"),
             ("", "publishFrame/subscribers=1", "node's publishFrame, one subscriber process"),
             ("", "publishFrame/subscribers=0", "node's publishFrame, nobody subscribed (skips)"),
             ("SHM64/", "publish/subscribers=0", "serialize + publish, no subscriber, 64 MiB SHM segment"),
             ("SHM64/", "publishFrame/subscribers=1", "node's publishFrame, one subscriber, 64 MiB SHM segment")]
    for size, (key, _) in GO_SIZES.items():
        floor = gobench.get(f"PublishImage/{key}/copy", {}).get("ns/op")
        for prefix, path, label in paths:
            g = gobench.get(f"{prefix}PublishImage/{key}/{path}")
            if not g:
                continue
            mbs = g.get("MB/s")
            lines.append(f"| {size} | {label} | {g['ns/op'] / 1000:.1f} | {fmt(mbs / 1000 if mbs else None)} | "
                         f"{fmt(g.get('cpu-ms/frame'), 3)} | {g.get('allocs/op', 0):.0f} | {g.get('B/op', 0):.0f} | "
                         f"{fmt(g.get('failed/op'), 3)} | {fmt(ratio(g['ns/op'], floor))} |")
    return lines


def jpeg_section(gobench):
    lines = ["## JPEG encode per frame, quality 80 (Go, capture/encode_bench_test.go)", "",
             "| size | path | ms/frame | CPU ms/frame | allocs/op | × IMEncode |", "|---|---|---:|---:|---:|---:|"]
    paths = [("IMEncode", "gocv.IMEncode alone, BGR Mat (floor)"),
             ("Frame.JPEG_from_bgr8", "Frame.JPEG from a bgr8 frame"),
             ("Frame.JPEG_from_rgb8", "Frame.JPEG from an rgb8 frame (converts to BGR first)")]
    for size, (_, key) in GO_SIZES.items():
        floor = gobench.get(f"JPEGEncode/{key}/IMEncode", {}).get("ns/op")
        for path, label in paths:
            g = gobench.get(f"JPEGEncode/{key}/{path}")
            if g:
                lines.append(f"| {size} | {label} | {g['ns/op'] / 1e6:.2f} | {fmt(g.get('cpu-ms/frame'))} | "
                             f"{g.get('allocs/op', 0):.0f} | {fmt(ratio(g['ns/op'], floor))} |")
    lines += ["", "| size | consumers asking for the same frame's JPEG at once | ms/frame | CPU ms/frame | encodes/frame |",
              "|---|---:|---:|---:|---:|"]
    for size, (_, key) in GO_SIZES.items():
        for n in (1, 4):
            g = gobench.get(f"JPEGShared/{key}/consumers={n}")
            if g:
                lines.append(f"| {size} | {n} | {g['ns/op'] / 1e6:.2f} | {fmt(g.get('cpu-ms/frame'))} | "
                             f"{fmt(g.get('encodes/frame'))} |")
    return lines


def source_section(gobench):
    """What the bench's sources cost per frame, unpaced: part of every
    end-to-end row, paid by no real camera."""
    lines = ["## Sources (Go, capture/source_bench_test.go, capture/bench_test.go)", "",
             "| size | source work per frame | CPU ms/frame | allocs/op |", "|---|---|---:|---:|"]
    paths = [("TestPatternRender/{}/rgb8", "test pattern drawn (rgb8)"),
             ("TestPatternRender/{}/mjpeg", "test pattern drawn and JPEG-encoded (?format=mjpeg)"),
             ("MJPEGFileSource/packets/{}", "MJPEG file: next JPEG packet read through OpenCV/FFmpeg")]
    for size, (_, key) in GO_SIZES.items():
        for path, label in paths:
            g = gobench.get(path.format(key))
            if g:
                lines.append(f"| {size} | {label} | {fmt(g.get('cpu-ms/frame'))} | {g.get('allocs/op', 0):.0f} |")
    return lines


def topic_stats(r, topic):
    """One topic's delivery and latency in a camera-mode result, or None."""
    if r.get("error"):
        return None
    return r.get("topics", {r["stream"]: r}).get(topic)


def peer_of(r, results):
    """The peer's result for the same camera mode, size and mix."""
    return next((p for p in results if p.get("mode") == r["mode"] and p["size"] == r["size"]
                 and p["stream"] == r["stream"] and p["who"] == "peer"), None)


def idle_of(r, results):
    """No-subscriber CPU per frame of the same publisher and mode (measured
    with one of its mixes)."""
    return next((x["idle_cpu_ms_per_frame"] for x in results if x.get("mode") == r["mode"]
                 and x["size"] == r["size"] and x["who"] == r["who"] and "idle_cpu_ms_per_frame" in x), None)


def camera_section(results):
    rows = [r for r in results if r.get("mode")]
    lines = ["## Camera modes (issue 13): node and peer on a camera-like clip", "",
             "Each camera format and size × who subscribes: `compressed` (image_raw/compressed only), `raw` "
             "(image_raw only) or `both` (one subscriber process on both topics at once). The clip is "
             "bench/scene.py's: a 3 s scene (gradients, texture, shapes, a pan and a moving object, Gaussian "
             "sensor noise of σ 2–3.5 levels, seed 13), written per run as an MJPEG .avi by OpenCV's writer at "
             "quality 85 (JPEG 4:2:0, ≈300 KB at 720p) and as raw yuv422_yuy2; both publishers loop it at 30 fps. "
             "webcam_node reads the .avi with `file://` (the stored JPEGs) and the YUYV file with "
             "`rawfile://…?format=yuyv&width=W&height=H&fps=30`, at its defaults (rgb8, JPEG quality 80). "
             "The peer (bench/baseline_pub.py --camera) advertises both topics, captures every tick and does only "
             "what its subscribers need: MJPEG packets from cv2.VideoCapture (CAP_PROP_FORMAT −1), published "
             "as they are, `cv2.imdecode(IMREAD_COLOR_RGB)` for rgb8; YUYV through `cv2.cvtColor` "
             "(YUV2RGB_YUY2 for rgb8, YUV2BGR_YUY2 + `cv2.imencode` q80 for compressed).", ""]
    if not rows:
        return lines + ["No camera-mode rows in this run: `make bench` (or `BENCH_CASES='/mjpeg/|/yuyv/'`) measures them."]
    lines += ["| camera | size | subscribed | publisher | fps | dropped | compressed latency p50 / p99 ms | "
              "raw latency p50 / p99 ms | CPU ms/frame | CPU × peer | CPU ms/frame, no subscriber | "
              "page faults/frame | RSS / HWM MiB | HWM × peer | load 1 min |",
              "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        head = f"| {r['mode'].upper()} | {r['size']} | {r['stream']} | {r['publisher']}"
        if r.get("error"):
            lines.append(f"{head} | failed: {r['error'].splitlines()[0]} | | | | | | | | | | |")
            continue
        lat = []
        for topic in ("compressed", "raw"):
            t = topic_stats(r, topic)
            lat.append(f"{t['lat_p50_ms']:.1f} / {t['lat_p99_ms']:.1f}" if t else "—")
        peer = peer_of(r, results)
        ok_peer = peer is not None and peer is not r and not peer.get("error")
        cpu = cpu_per_frame(r)
        rel = ratio(cpu, cpu_per_frame(peer)) if ok_peer else None
        hwm = ratio(r["hwm_mib"], peer["hwm_mib"]) if ok_peer else None
        lines.append(f"{head} | {r['fps']:.2f} | {r['dropped']} of {r['expected']} | {lat[0]} | {lat[1]} | "
                     f"{fmt(cpu)} | {fmt(rel, 3)} | {fmt(idle_of(r, results))} | {faults_per_frame(r)} | "
                     f"{r['rss_mib']:.0f} / {r['hwm_mib']:.0f} | {fmt(hwm)} | {r['load1']:.2f} |")
    lines += ["", "fps and dropped: the worst subscribed topic's; latency = receipt − header.stamp per topic; "
              "CPU = publisher utime+stime over the window ÷ frames delivered (on the worst topic); × peer = "
              "÷ the peer's row of the same camera, size and mix; no subscriber = CPU per 1/30 s before anyone "
              "subscribed (measured once per publisher and mode, with the compressed-only case: both then only "
              "capture); RSS at the end of the window, HWM = peak RSS (VmHWM)."]
    return lines


def h264_presets_section(text):
    """bench/h264_presets.sh's table (CPU, bitrate, PSNR and SSIM per x264
    preset, h264/ and the x264 CLI) as a markdown table."""
    lines = ["## H.264 quality per preset (bench/h264_presets.sh)", ""]
    rows = [line.split() for line in text.splitlines() if line.split() and line.split()[1:2] in (["h264"], ["x264"])]
    if not rows:
        return lines + ["Not measured in this run."]
    notes = [line.strip() for line in text.splitlines() if line.startswith("(")]
    lines += ["Each preset the node accepts (`h264_preset`, the `preset` URL parameter) at the default bitrate, GOP "
              "and VBV, on BenchmarkEncode720p's camera-like clip: h264/ from its rgb8 frames and the x264 CLI from "
              "the same pixels as y4m; PSNR and SSIM of ffmpeg's decode of each output against those pixels "
              "(ffmpeg's psnr and ssim filters). CPU is user+sys per frame. " + " ".join(notes), "",
              "| preset | encoder | CPU ms/frame | kbit/s | PSNR Y dB | PSNR dB | SSIM |",
              "|---|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        if len(r) >= 7:
            lines.append(f"| {r[0]} | {'h264/' if r[1] == 'h264' else 'x264 CLI'} | " + " | ".join(r[2:7]) + " |")
    return lines


def webrtc_section(gobench, h264_ratio):
    """Issue 16: H.264 over WebRTC in Chromium next to MJPEG (BenchmarkWebRTC)
    and the encoder against the x264 CLI (bench/h264_ratio.sh)."""
    lat = gobench.get("WebRTC/latency", {})
    bw = gobench.get("WebRTC/bandwidth", {})
    cost = gobench.get("WebRTC/viewercost", {})
    relay = gobench.get("WebRTC/relaycost", {})
    lines = ["## H.264 over WebRTC against MJPEG, in Chromium (issue 16: httpview/webrtc_bench_test.go)", "",
             "Debian's headless Chromium is the viewer, on loopback. Latency: capture stamp → frame shown, from the "
             "test pattern's counter read out of each decoded 1280x720 frame (WebRTC: requestVideoFrameCallback; "
             "MJPEG: the `<img>` of /stream_viewer sampled at each animation frame, up to 1/60 s late). Wire rate: "
             "the camera-like 720p30 clip of bench/scene.py (its own JPEGs at quality 85), WebRTC at the default "
             "settings (1.8 Mbit/s target, ultrafast, GOP 60) from Chromium's inbound-rtp bytes and header bytes, "
             "against the MJPEG stream of the same source (an MJPEG camera's JPEGs are served as they are). Viewer "
             "cost: the server process's CPU with 1 and with 10 WebRTC viewers of one shared encode.", "",
             "| path | fps | latency p50 / p99 ms | wire Mbit/s |", "|---|---:|---:|---:|",
             f"| WebRTC (H.264) | {fmt(lat.get('webrtc-fps'), 1)} | {fmt(lat.get('webrtc-p50-ms'), 1)} / "
             f"{fmt(lat.get('webrtc-p99-ms'), 1)} | {fmt(bw.get('webrtc-Mbit/s'))} |",
             f"| MJPEG `<img>` | {fmt(lat.get('mjpeg-fps'), 1)} | {fmt(lat.get('mjpeg-p50-ms'), 1)} / "
             f"{fmt(lat.get('mjpeg-p99-ms'), 1)} | {fmt(bw.get('mjpeg-q95-Mbit/s'))} |", "",
             f"MJPEG ÷ WebRTC wire rate: {fmt(bw.get('mjpeg95/webrtc'), 1)}×. Server CPU: "
             f"{fmt(cost.get('cpu-1-viewer-%core'), 1)} % of a core with 1 viewer, "
             f"{fmt(cost.get('cpu-10-viewers-%core'), 1)} % with 10: "
             f"{fmt(cost.get('per-added-viewer-%core'))} % per added viewer.", "",
             "The same scene from an H.264 source (the clip encoded once by the x264 CLI at the node's defaults), "
             "relayed to the viewers with no decode and no encode: server CPU "
             f"{fmt(relay.get('cpu-1-viewer-%core'), 1)} % of a core with 1 viewer, "
             f"{fmt(relay.get('cpu-10-viewers-%core'), 1)} % with 10 "
             f"({fmt(relay.get('per-added-viewer-%core'))} % per added viewer), slowest of the 10 at "
             f"{fmt(relay.get('slowest-of-10-fps'), 1)} fps; {fmt(relay.get('encodes'), 0)} encodes, "
             f"{fmt(relay.get('relayed'), 0)} access units relayed.", ""]
    if h264_ratio:
        lines += ["H.264 encode per 720p frame against the x264 CLI on the same camera-like frames and settings "
                  "(bench/h264_ratio.sh; ours includes the conversion from the input format, the JPEG rows their "
                  "decode; jpeg422 is the same frames as 4:2:2 JPEGs; the last row, for reference only, is the CLI "
                  "decoding the jpeg row's JPEGs itself):", "", "```", h264_ratio.strip(), "```"]
    return lines
