"""Runs the Go micro-benchmarks and parses `go test -bench` output."""
import os
import re
import subprocess

BENCH = os.path.dirname(os.path.abspath(__file__))

# (name prefix, package, benchmark regexp, extra environment): serialize +
# publish against the memcpy floor, with Fast DDS's default transports and
# with a shared-memory segment that holds a whole frame; the JPEG encode
# against IMEncode alone, and shared encodes; what the sources themselves
# cost per frame (test pattern drawing, MJPEG file packets).
SUITES = [
    ("", "./node/", "^BenchmarkPublishImage$", {}),
    ("SHM64/", "./node/", "^BenchmarkPublishImage$/./publish",
     {"FASTDDS_DEFAULT_PROFILES_FILE": os.path.join(BENCH, "fastdds_large_shm.xml")}),
    ("", "./capture/", "^(BenchmarkJPEGEncode|BenchmarkJPEGShared|BenchmarkTestPatternRender)$", {}),
    ("", "./capture/", "^BenchmarkMJPEGFileSource$/packets", {}),
    # Issue 16: WebRTC and MJPEG in Debian's Chromium (latency, wire rate on
    # WEBCAM_BENCH_CLIP, CPU per added viewer); one iteration, about a minute.
    ("", "./httpview/", "^BenchmarkWebRTC$", {}),
]

LINE = re.compile(r"^(Benchmark\S+?)(?:-\d+)?\s+(\d+)\s+(.*)$")


def parse(output, prefix=""):
    """{name: {unit: value}} from benchmark lines, e.g.
    BenchmarkPublishImage/1280x720/copy-2  9392  125438 ns/op  0 allocs/op"""
    out = {}
    for line in output.splitlines():
        m = LINE.match(line.strip())
        if not m:
            continue
        name, iters, rest = m.groups()
        fields = rest.split()
        metrics = {"iterations": int(iters)}
        for value, unit in zip(fields[0::2], fields[1::2]):
            try:
                metrics[unit] = float(value)
            except ValueError:
                break
        out[prefix + name.removeprefix("Benchmark")] = metrics
    return out


def run(root, env, log):
    """Runs every suite; returns (results, errors)."""
    results, errors = {}, []
    for prefix, pkg, pattern, extra in SUITES:
        cmd = ["go", "test", "-run", "^$", "-bench", pattern, "-benchmem", "-count", "1", pkg]
        shown = " ".join(f"{k}={v}" for k, v in extra.items()) + (" " if extra else "") + " ".join(cmd)
        print("$", shown, flush=True)
        p = subprocess.run(cmd, cwd=root, env={**env, **extra}, capture_output=True, text=True)
        log.write(f"$ {shown}\n{p.stdout}{p.stderr}\n")
        for line in p.stdout.splitlines():
            if line.startswith("Benchmark"):
                print("  " + line, flush=True)
        results.update(parse(p.stdout, prefix))
        if p.returncode != 0:
            errors.append(f"{' '.join(cmd)} failed ({p.returncode}):\n{p.stdout[-2000:]}{p.stderr[-2000:]}")
    return results, errors


if __name__ == "__main__":
    import json
    import sys
    res, errs = run(os.getcwd(), os.environ, sys.stderr)
    print(json.dumps(res, indent=1))
    sys.exit(1 if errs else 0)
