"""The node's test pattern (capture/testpattern.go), drawn with numpy and
OpenCV the way a Python user would: a frame that changes every tick, so the
baseline publisher does the same source work as `testpattern://`.

Layout: a top band with the frame counter as 32 black/white cells (MSB first),
eight colour bars below scrolled left 4 px per frame, and a caption box near
the bottom with "#counter time size".
"""
import time

import cv2
import numpy as np

# The bar colours, left to right, as RGB (PatternBars in testpattern.go).
BARS_RGB = np.array([(255, 255, 255), (255, 255, 0), (0, 255, 255), (0, 255, 0),
                     (255, 0, 255), (255, 0, 0), (0, 0, 255), (0, 0, 0)], dtype=np.uint8)


class Pattern:
    """Renders frames of one size in "rgb" or "bgr" channel order."""

    def __init__(self, width, height, order="bgr"):
        if order not in ("rgb", "bgr"):
            raise ValueError(f"channel order {order!r} is not one of rgb, bgr")
        self.w, self.h = width, height
        self.band = max(8, height // 16)
        bars = BARS_RGB if order == "rgb" else BARS_RGB[:, ::-1]
        x = np.arange(2 * width)
        # Two widths of bars, so any shift is one contiguous slice.
        self.row = np.ascontiguousarray(bars[(x % width) * 8 // width])
        self.bits = 31 - np.arange(width) * 32 // width
        self.scale = height / 480
        self.thick = max(1, int(2 * self.scale))
        self.pad = max(2, int(6 * self.scale))

    def render(self, counter, at=None):
        w, h = self.w, self.h
        frame = np.empty((h, w, 3), dtype=np.uint8)
        cells = ((counter >> self.bits) & 1).astype(np.uint8) * 255
        frame[:self.band] = cells[None, :, None]
        shift = counter * 4 % w
        frame[self.band:] = self.row[shift:shift + w]
        at = time.time() if at is None else at
        clock = time.strftime("%H:%M:%S", time.localtime(at)) + f".{int(at * 1000) % 1000:03d}"
        text = f"#{counter} {clock} {w}x{h}"
        (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, self.scale, self.thick)
        p = self.pad
        x0, y0, x1, y1 = p, h - th - 3 * p, min(w - 1, tw + 3 * p), h - p
        cv2.rectangle(frame, (x0, y0), (x1, y1), (0, 0, 0), -1)
        cv2.putText(frame, text, (x0 + p, y1 - p), cv2.FONT_HERSHEY_SIMPLEX, self.scale, (255, 255, 255), self.thick)
        return frame


def write_mjpeg(path, width, height, fps=30, frames=150, quality=80):
    """Writes an MJPEG .avi of the pattern with OpenCV's own MJPEG writer
    (whose quality setting works), as an MJPEG camera would record it."""
    fourcc = cv2.VideoWriter_fourcc(*"MJPG")
    vw = cv2.VideoWriter(str(path), cv2.CAP_OPENCV_MJPEG, fourcc, fps, (width, height))
    if not vw.isOpened():
        raise RuntimeError(f"cannot write MJPEG video {path}")
    vw.set(cv2.VIDEOWRITER_PROP_QUALITY, quality)
    pattern = Pattern(width, height, "bgr")
    for i in range(frames):
        vw.write(pattern.render(i, at=i / fps))
    vw.release()
    return path
