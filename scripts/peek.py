#!/usr/bin/env python3
"""Prints what a webcam node publishes: rate, size, encoding, latency.

    .venv/bin/python scripts/peek.py /demo      (namespace of the node)
"""
import sys
import time

import rclpy
from rclpy.executors import ExternalShutdownException
from sensor_msgs.msg import CompressedImage, Image


def main():
    ns = sys.argv[1].rstrip("/") if len(sys.argv) > 1 else ""
    rclpy.init()
    node = rclpy.create_node("webcam_peek")
    seen = {}

    def track(topic):
        def cb(msg):
            now = time.time()
            stamp = msg.header.stamp.sec + msg.header.stamp.nanosec * 1e-9
            s = seen.setdefault(topic, {"n": 0, "lat": 0.0, "desc": ""})
            s["n"] += 1
            s["lat"] = max(s["lat"], now - stamp)
            s["desc"] = (f"{msg.width}x{msg.height} {msg.encoding}" if isinstance(msg, Image)
                         else f"{msg.format} {len(msg.data)} B")
        return cb

    node.create_subscription(Image, f"{ns}/image_raw", track("image_raw"), 2)
    node.create_subscription(CompressedImage, f"{ns}/image_raw/compressed", track("image_raw/compressed"), 2)
    try:
        t0 = time.time()
        while True:
            rclpy.spin_once(node, timeout_sec=0.1)
            if time.time() - t0 >= 1.0:
                line = "  ".join(f"{k}: {v['n']/(time.time()-t0):.1f} fps {v['desc']} max latency {v['lat']*1000:.1f} ms"
                                 for k, v in sorted(seen.items())) or "waiting for frames…"
                print(line, flush=True)
                seen.clear()
                t0 = time.time()
    except (KeyboardInterrupt, ExternalShutdownException):
        pass


if __name__ == "__main__":
    main()
