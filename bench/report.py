"""The bench's results as markdown: machine, end-to-end table with ratios,
micro-benchmarks against their floors, and the issue's targets."""
from cases import cpu_per_frame

SIZES = ["640x480", "1280x720", "1920x1080"]
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
