"""Camera-like clips for the camera-mode rows (issue 13): a natural scene with
sensor noise, not flat bars, so JPEG decode and encode cost what they cost
on a real camera's frames (flat content decodes 3-5x faster).

The scene: smooth sky and ground gradients, multi-scale value-noise texture
(foliage, walls), blurred shapes (buildings, discs, a road), a slow pan
across a wider canvas, an object crossing the frame, a slight exposure
flicker, then Gaussian per-pixel noise (sigma 2-3.5 levels, more in the dark)
added fresh every frame. Deterministic: numpy's PCG64 with a fixed seed.

  write_clips(dir, mjpeg_sizes, yuyv_sizes) -> {("mjpeg"|"yuyv", "WxH"): path}

MJPEG: an .avi written by OpenCV's own MJPEG writer at quality 85, like a UVC
camera's (the node's file:// source passes the stored JPEGs through).
YUYV: raw yuv422_yuy2 (Y0 U Y1 V), frames back to back, for rawfile://.
"""
import os

import cv2
import numpy as np

FPS = 30
FRAMES = 90  # 3 s, looped by both publishers
QUALITY = 85
SEED = 13
PAN = 3  # px per frame at 720p


def _value_noise(rng, h, w, cell):
    """Smooth random field in [0, 1): a coarse grid upsampled with cubic
    interpolation."""
    g = rng.random((h // cell + 2, w // cell + 2), dtype=np.float32)
    return cv2.resize(g, (g.shape[1] * cell, g.shape[0] * cell), interpolation=cv2.INTER_CUBIC)[:h, :w]


def _canvas(rng, w, h):
    """The static scene, BGR float32, wider than the frame for the pan."""
    s = h / 720
    y = np.linspace(0, 1, h, dtype=np.float32)[:, None]
    x = np.linspace(0, 1, w, dtype=np.float32)[None, :]
    horizon = int(h * 0.45)
    img = np.empty((h, w, 3), np.float32)
    # Sky: blue to pale toward the horizon; ground: green-brown, darker near.
    one = np.ones((h, w), np.float32)
    sky = np.stack([(235 - 60 * y) * one, 200 - 50 * y + 10 * x, 150 - 20 * y + 30 * x], axis=-1)
    ground = np.stack([60 + 20 * x - 30 * y, (110 - 40 * y) * one, 90 + 30 * x - 20 * y], axis=-1)
    img[:horizon] = sky[:horizon]
    img[horizon:] = ground[horizon:]
    # Texture at several scales: clouds above, grass and gravel below.
    tex = sum(a * (_value_noise(rng, h, w, max(2, int(c * s))) - 0.5)
              for a, c in ((60, 96), (40, 24), (30, 6), (24, 2)))
    img[:horizon] += 0.5 * tex[:horizon, :, None]
    img[horizon:] += tex[horizon:, :, None] * np.array([0.8, 1.0, 0.7], np.float32)
    # Buildings with windows, discs (trees, a sun), a road.
    for _ in range(int(w / h * 7)):
        bw, bh = int(rng.uniform(60, 200) * s), int(rng.uniform(80, 300) * s)
        x0 = int(rng.uniform(0, w - bw))
        col = rng.uniform(60, 200, 3)
        cv2.rectangle(img, (x0, horizon - bh), (x0 + bw, horizon), col.tolist(), -1)
        step = max(6, int(18 * s))
        for wy in range(horizon - bh + step, horizon - step, step):
            for wx in range(x0 + step // 2, x0 + bw - step, step):
                shade = float(rng.uniform(20, 240))
                cv2.rectangle(img, (wx, wy), (wx + step // 2, wy + step // 2), (shade, shade * 0.9, shade * 0.7), -1)
    for _ in range(int(w / h * 12)):
        c = (int(rng.uniform(0, w)), int(rng.uniform(horizon - 40 * s, h)))
        r = int(rng.uniform(15, 70) * s)
        cv2.circle(img, c, r, rng.uniform([20, 70, 20], [80, 160, 90]).tolist(), -1, cv2.LINE_AA)
    cv2.circle(img, (int(w * 0.7), int(h * 0.12)), int(40 * s), (200, 245, 255), -1, cv2.LINE_AA)
    road = np.array([[w * 0.35, h], [w * 0.48, horizon], [w * 0.52, horizon], [w * 0.65, h]], np.int32)
    cv2.fillPoly(img, [road], (90, 90, 95))
    img[horizon:] += 0.4 * tex[horizon:, :, None]  # gravel on the road, leaves on the trees
    # The lens: a slight blur, as optics and demosaicing soften edges.
    return cv2.GaussianBlur(img, (0, 0), 0.8 * max(1.0, s))


def frames(width, height, n=FRAMES, seed=SEED):
    """Yields n BGR uint8 frames of the scene."""
    rng = np.random.default_rng(seed)
    pan = max(1, round(PAN * height / 720))
    margin = pan * n // 2 + 2
    canvas = _canvas(rng, width + margin, height)
    s = height / 720
    for i in range(n):
        # Pan right then back (no jump at the loop point), object crossing.
        off = pan * (i if i < n // 2 else n - i)
        f = canvas[:, off:off + width].copy()
        cx = int((i / n) * (width + 200 * s) - 100 * s)
        cv2.ellipse(f, (cx, int(height * 0.7)), (int(90 * s), int(45 * s)), 0, 0, 360, (40, 40, 170), -1, cv2.LINE_AA)
        cv2.rectangle(f, (cx - int(60 * s), int(height * 0.62)), (cx + int(40 * s), int(height * 0.67)), (30, 30, 30), -1)
        f *= 1 + 0.02 * np.sin(i * 0.7)  # exposure flicker
        # Sensor noise: sigma 2-3.5 levels, larger in the shadows.
        noise = rng.standard_normal(f.shape, dtype=np.float32)
        f += noise * (2.0 + 1.5 * (1 - f / 255).clip(0, 1))
        yield np.clip(f, 0, 255).astype(np.uint8)


def write_clips(directory, mjpeg_sizes, yuyv_sizes, n=FRAMES):
    """Writes one MJPEG .avi per size in mjpeg_sizes and one raw YUYV file
    per size in yuyv_sizes (sizes as "WxH"); one render per size."""
    out = {}
    for size in sorted(set(mjpeg_sizes) | set(yuyv_sizes)):
        w, h = (int(v) for v in size.split("x"))
        vw = yuv = None
        if size in mjpeg_sizes:
            out[("mjpeg", size)] = path = os.path.join(directory, f"scene_{size}.avi")
            vw = cv2.VideoWriter(path, cv2.CAP_OPENCV_MJPEG, cv2.VideoWriter_fourcc(*"MJPG"), FPS, (w, h))
            if not vw.isOpened():
                raise RuntimeError(f"cannot write MJPEG video {path}")
            vw.set(cv2.VIDEOWRITER_PROP_QUALITY, QUALITY)
        if size in yuyv_sizes:
            out[("yuyv", size)] = path = os.path.join(directory, f"scene_{size}.yuyv")
            yuv = open(path, "wb")
        for f in frames(w, h, n):
            if vw is not None:
                vw.write(f)
            if yuv is not None:
                yuv.write(cv2.cvtColor(f, cv2.COLOR_BGR2YUV_YUY2).tobytes())
        if vw is not None:
            vw.release()
        if yuv is not None:
            yuv.close()
    return out


if __name__ == "__main__":
    # python bench/scene.py DIR: writes the clips and one PNG per size to look at.
    import sys
    d = sys.argv[1] if len(sys.argv) > 1 else "."
    paths = write_clips(d, ["1280x720", "1920x1080"], ["640x480", "1280x720"])
    for (kind, size), p in sorted(paths.items()):
        print(kind, size, p, os.path.getsize(p))
        if kind == "mjpeg":
            w, h = (int(v) for v in size.split("x"))
            cv2.imwrite(os.path.join(d, f"scene_{size}.png"), next(frames(w, h, 2)))
