"""Test vectors for the Go cdr package, made by rclpy.

Builds many sensor_msgs / diagnostic_msgs messages from a seed (odd sizes,
empty and long strings, non-ASCII UTF-8, embedded NULs, extreme numbers,
NaNs), serializes each with rclpy (rmw_fastrtps_cpp), deserializes the bytes
again, and writes one JSON document to stdout:

  {"vectors": [{"type": "sensor_msgs/msg/Image", "name": "...",
                "fields": {...},    # what was set on the message
                "decoded": {...},   # what rclpy read back from the bytes
                "cdr": "0001..."}]} # rclpy's serialized bytes, hex

Byte sequences are hex strings; float64 values are the hex of their IEEE-754
bits (big-endian, 16 digits) so NaN payloads and -0.0 survive JSON.
cdr/rclpy_test.go runs this with the project's venv python.

Usage: cdr_vectors.py [--seed N] [--count N]   (count per message type)
"""

import argparse
import json
import random
import struct
import sys

from builtin_interfaces.msg import Time
from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
from rclpy.serialization import deserialize_message, serialize_message
from sensor_msgs.msg import CameraInfo, CompressedImage, Image, RegionOfInterest
from std_msgs.msg import Header

U32_MAX = 2**32 - 1
I32_MIN, I32_MAX = -(2**31), 2**31 - 1

# Characters of every UTF-8 length: 1 (ASCII), 2 (é, ß, Ω), 3 (中, €), 4 (emoji).
ALPHABET = "abcxyzABC019_/-. :;é ßΩ中文€😀🎥"
FIXED_STRINGS = [
    "", "a", "ab", "abc", "abcd", "abcde", "camera", "camera_optical_frame",
    "rgb8", "bgr8", "mono8", "mono16", "yuv422_yuy2", "16UC1", "jpeg", "png",
    "kamera_ü", "カメラ", "😀", "tab\tnew\nline", "a\x00b",
]
FLOAT_SPECIALS = [
    0.0, -0.0, 1.0, -1.0, 0.5, 1e-300, 5e-324, -5e-324, 2.2250738585072014e-308,
    1.7976931348623157e308, -1.7976931348623157e308,
    float("inf"), float("-inf"), float("nan"),
]
# NaNs with payloads and sign, given as bits so Python does not canonicalise them.
NAN_BITS = [0x7FF8000000000001, 0xFFF8000000000000, 0x7FF80000DEADBEEF]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def string(self):
        r = self.r
        pick = r.random()
        if pick < 0.4:
            return r.choice(FIXED_STRINGS)
        n = r.choice([r.randint(0, 12), r.randint(0, 40), r.randint(100, 700)])
        return "".join(r.choice(ALPHABET) for _ in range(n))

    def u32(self):
        return self.r.choice([0, 1, 2, 3, 4, 640, 480, 1920, U32_MAX, U32_MAX - 1,
                              self.r.randint(0, U32_MAX)])

    def stamp(self):
        r = self.r
        sec = r.choice([0, 1, -1, I32_MIN, I32_MAX, 1700000000, r.randint(I32_MIN, I32_MAX)])
        nanosec = r.choice([0, 1, 999999999, 1000000000, U32_MAX, r.randint(0, 999999999)])
        return Time(sec=sec, nanosec=nanosec)

    def header(self):
        return Header(stamp=self.stamp(), frame_id=self.string())

    def octets(self, big=False):
        r = self.r
        if big:
            n = r.randint(100000, 300000)
        else:
            n = r.choice([0, 1, 2, 3, 5, 7, r.randint(0, 64), r.randint(0, 5000)])
        return r.randbytes(n)

    def float_bits(self):
        r = self.r
        pick = r.random()
        if pick < 0.3:
            return struct.unpack(">Q", struct.pack(">d", r.choice(FLOAT_SPECIALS)))[0]
        if pick < 0.35:
            return r.choice(NAN_BITS)
        if pick < 0.7:
            return struct.unpack(">Q", struct.pack(">d", r.uniform(-2000, 2000)))[0]
        bits = r.getrandbits(64)
        return bits


def bits_to_float(b):
    return struct.unpack(">d", struct.pack(">Q", b))[0]


def float_hex(x):
    return struct.pack(">d", float(x)).hex()


def header_json(h):
    return {"sec": h.stamp.sec, "nanosec": h.stamp.nanosec, "frame_id": h.frame_id}


def image_json(m):
    return {"header": header_json(m.header), "height": m.height, "width": m.width,
            "encoding": m.encoding, "is_bigendian": m.is_bigendian, "step": m.step,
            "data": bytes(m.data).hex()}


def compressed_json(m):
    return {"header": header_json(m.header), "format": m.format, "data": bytes(m.data).hex()}


def camera_info_json(m):
    return {"header": header_json(m.header), "height": m.height, "width": m.width,
            "distortion_model": m.distortion_model,
            "d": [float_hex(x) for x in m.d], "k": [float_hex(x) for x in m.k],
            "r": [float_hex(x) for x in m.r], "p": [float_hex(x) for x in m.p],
            "binning_x": m.binning_x, "binning_y": m.binning_y,
            "roi": {"x_offset": m.roi.x_offset, "y_offset": m.roi.y_offset,
                    "height": m.roi.height, "width": m.roi.width,
                    "do_rectify": bool(m.roi.do_rectify)}}


def diagnostic_json(m):
    return {"header": header_json(m.header), "status": [
        {"level": s.level[0], "name": s.name, "message": s.message,
         "hardware_id": s.hardware_id,
         "values": [{"key": kv.key, "value": kv.value} for kv in s.values]}
        for s in m.status]}


def make_image(g, i):
    r = g.r
    m = Image(header=g.header(), encoding=g.string(), is_bigendian=r.choice([0, 1, 255]))
    if r.random() < 0.5:
        # A plausible frame: odd sizes, rows padded or not.
        m.height, m.width = r.randint(0, 37), r.randint(0, 41)
        bpp = r.choice([1, 2, 3, 4])
        m.step = m.width * bpp + r.choice([0, 0, 1, 3])
        m.data = r.randbytes(m.step * m.height)
    else:
        m.height, m.width, m.step = g.u32(), g.u32(), g.u32()
        m.data = g.octets(big=(i % 75 == 7))
    return m


def make_compressed(g, i):
    return CompressedImage(header=g.header(), format=g.string(), data=g.octets(big=(i % 75 == 3)))


def make_camera_info(g, i):
    r = g.r
    m = CameraInfo(header=g.header(), height=g.u32(), width=g.u32(),
                   distortion_model=r.choice(["plumb_bob", "rational_polynomial",
                                              "equidistant", g.string()]),
                   binning_x=g.u32(), binning_y=g.u32())
    nd = r.choice([0, 5, 8, 1, 4, 12, 14, r.randint(0, 30)])
    m.d = [bits_to_float(g.float_bits()) for _ in range(nd)]
    m.k = [bits_to_float(g.float_bits()) for _ in range(9)]
    m.r = [bits_to_float(g.float_bits()) for _ in range(9)]
    m.p = [bits_to_float(g.float_bits()) for _ in range(12)]
    m.roi = RegionOfInterest(x_offset=g.u32(), y_offset=g.u32(), height=g.u32(),
                             width=g.u32(), do_rectify=r.random() < 0.5)
    return m


def make_diagnostic(g, i):
    r = g.r
    m = DiagnosticArray(header=g.header())
    for _ in range(r.choice([0, 1, 2, 3, r.randint(0, 9)])):
        s = DiagnosticStatus(level=bytes([r.choice([0, 1, 2, 3, 255, r.randint(0, 255)])]),
                             name=g.string(), message=g.string(), hardware_id=g.string())
        s.values = [KeyValue(key=g.string(), value=g.string())
                    for _ in range(r.choice([0, 1, 2, r.randint(0, 7)]))]
        m.status.append(s)
    return m


KINDS = [
    ("sensor_msgs/msg/Image", Image, make_image, image_json),
    ("sensor_msgs/msg/CompressedImage", CompressedImage, make_compressed, compressed_json),
    ("sensor_msgs/msg/CameraInfo", CameraInfo, make_camera_info, camera_info_json),
    ("diagnostic_msgs/msg/DiagnosticArray", DiagnosticArray, make_diagnostic, diagnostic_json),
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=150, help="messages per type")
    args = ap.parse_args()
    g = Gen(args.seed)
    vectors = []
    for type_name, cls, make, to_json in KINDS:
        short = type_name.rsplit("/", 1)[1]
        for i in range(args.count):
            m = make(g, i)
            raw = serialize_message(m)
            back = deserialize_message(raw, cls)
            vectors.append({"type": type_name, "name": f"{short}-{args.seed}-{i}",
                            "fields": to_json(m), "decoded": to_json(back), "cdr": raw.hex()})
    json.dump({"seed": args.seed, "vectors": vectors}, sys.stdout)


if __name__ == "__main__":
    main()
