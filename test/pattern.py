"""Reads back the test pattern's documented layout (see capture/testpattern.go)."""
import numpy as np

BARS = [(255, 255, 255), (255, 255, 0), (0, 255, 255), (0, 255, 0),
        (255, 0, 255), (255, 0, 0), (0, 0, 255), (0, 0, 0)]


def band_height(h):
    return max(8, h // 16)


def counter(rgb):
    """The frame counter encoded in the top band (32 cells, MSB first)."""
    h, w, _ = rgb.shape
    row = rgb[band_height(h) // 2]
    value = 0
    for i in range(32):
        x = int((i + 0.5) * w / 32)
        value = value << 1 | int(row[x].mean() > 127)
    return value


def check_bars(rgb, count, tolerance=40):
    """Asserts the colour bars sit where the counter says; returns how many
    columns were checked (columns within 4 px of a bar edge are left out)."""
    h, w, _ = rgb.shape
    y = band_height(h) + (h - band_height(h)) // 4
    shift = (count * 4) % w
    checked = 0
    for x in range(3, w, w // 24):
        pos = (x + shift) % w
        bar = pos * 8 // w
        if min(pos - bar * w // 8, (bar + 1) * w // 8 - pos) < 4:
            continue
        got = rgb[y, x].astype(int)
        want = np.array(BARS[bar])
        assert np.abs(got - want).max() <= tolerance, \
            f"column {x}: got {got.tolist()}, want bar {bar} {want.tolist()} (counter {count})"
        checked += 1
    return checked
