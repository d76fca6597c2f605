"""The measuring end: rclpy subscriptions (reliable, keep last 2) that take
each message serialized (raw=True), so the subscriber's own Python work stays
small and equal for every publisher, and record per message the receipt time
and header.stamp read straight from the CDR bytes (same clock: the system's
realtime clock, on one machine).

  subscriber.py --topic /bench_3/image_raw --type raw|compressed [--count 3] --out rec.json
  subscriber.py --topic /b/image_raw --type raw --topic /b/image_raw/compressed --type compressed --out rec.json

--topic and --type may be repeated in pairs: every topic is subscribed at
once, --count times each, in one process (recorded in that order).
Prints "first <ns>" when every subscription has had a message. On SIGINT or
SIGTERM it writes {"subscriptions": [[[recv_ns, stamp_ns, size], ...], ...]}
to --out.
"""
import argparse
import json
import signal
import struct
import sys
import time

import rclpy
from rclpy.executors import ExternalShutdownException, SingleThreadedExecutor
from rclpy.node import Node
from rclpy.qos import HistoryPolicy, QoSProfile, ReliabilityPolicy
from rclpy.signals import SignalHandlerOptions
from sensor_msgs.msg import CompressedImage, Image

TYPES = {"raw": Image, "compressed": CompressedImage}


def stamp_ns(cdr):
    """header.stamp of a serialized Image or CompressedImage: after the 4-byte
    encapsulation header come int32 sec and uint32 nanosec, little-endian."""
    sec, nsec = struct.unpack_from("<iI", cdr, 4)
    return sec * 1_000_000_000 + nsec


class Recorder(Node):
    def __init__(self, topics, count):
        super().__init__("bench_subscriber")
        qos = QoSProfile(history=HistoryPolicy.KEEP_LAST, depth=2, reliability=ReliabilityPolicy.RELIABLE)
        pairs = [(topic, msg_type) for topic, msg_type in topics for _ in range(count)]
        self.records = [[] for _ in pairs]
        self.first = False
        self.subs = [self.create_subscription(msg_type, topic, self._callback(i), qos, raw=True)
                     for i, (topic, msg_type) in enumerate(pairs)]

    def _callback(self, i):
        box = self.records[i]

        def cb(cdr):
            now = time.time_ns()
            box.append((now, stamp_ns(cdr), len(cdr)))
            if not self.first and all(self.records):
                self.first = True
                print(f"first {now}", flush=True)
        return cb


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--topic", action="append", required=True)
    ap.add_argument("--type", action="append", choices=sorted(TYPES), required=True)
    ap.add_argument("--count", type=int, default=1, help="subscriptions to the topic (all recorded)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    if args.count < 1:
        ap.error(f"--count {args.count} must be at least 1")
    if len(args.topic) != len(args.type):
        ap.error("give one --type per --topic")

    stop = []

    def on_signal(*_):
        stop.append(True)

    # Our own handlers: the spin must end with the context still up, so the
    # records can be written (rclpy's would shut it down mid-spin).
    rclpy.init(signal_handler_options=SignalHandlerOptions.NO)
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    node = Recorder([(t, TYPES[m]) for t, m in zip(args.topic, args.type)], args.count)
    executor = SingleThreadedExecutor()
    executor.add_node(node)
    try:
        while not stop:
            executor.spin_once(timeout_sec=0.1)
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    with open(args.out, "w") as f:
        json.dump({"subscriptions": node.records}, f)
    rclpy.try_shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
