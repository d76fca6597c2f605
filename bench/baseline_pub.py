"""The baseline: the camera node a user writes from "read frames with OpenCV
and fill sensor_msgs/Image" — rclpy, a 30 Hz timer, a numpy frame per tick,
Image via tobytes or CompressedImage via cv2.imencode (quality 80), publish.

It is given every fair advantage: frames are drawn in OpenCV's native BGR,
only the stream being measured is published, and it uses the node's QoS
(reliable, volatile, keep last 2). The stamp is taken when the tick starts,
before the frame is drawn or read, as the node stamps the capture start.

  baseline_pub.py --width 1280 --height 720 --fps 30 --stream raw|compressed
                  [--video /abs/clip.avi] [--namespace /bench_3]
With --video the frames come from the file through cv2.VideoCapture (decoded,
then encoded again for compressed), as a user would read an MJPEG camera.
"""
import argparse
import sys
from pathlib import Path

import cv2
import rclpy
from rclpy.executors import ExternalShutdownException
from rclpy.node import Node
from rclpy.qos import HistoryPolicy, QoSProfile, ReliabilityPolicy
from sensor_msgs.msg import CompressedImage, Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pattern import Pattern  # noqa: E402


class VideoFrames:
    """Frames of a video file, looping."""

    def __init__(self, path):
        self.path = path
        self.cap = self._open()

    def _open(self):
        cap = cv2.VideoCapture(self.path, cv2.CAP_FFMPEG)
        if not cap.isOpened():
            raise SystemExit(f"baseline: cannot open video {self.path}")
        return cap

    def next(self):
        ok, frame = self.cap.read()
        if not ok:
            self.cap.release()
            self.cap = self._open()
            ok, frame = self.cap.read()
        return frame


class BaselineCamera(Node):
    def __init__(self, args):
        super().__init__("baseline_camera", namespace=args.namespace)
        qos = QoSProfile(history=HistoryPolicy.KEEP_LAST, depth=2, reliability=ReliabilityPolicy.RELIABLE)
        self.stream = args.stream
        if self.stream == "raw":
            self.pub = self.create_publisher(Image, "image_raw", qos)
        else:
            self.pub = self.create_publisher(CompressedImage, "image_raw/compressed", qos)
        self.w, self.h = args.width, args.height
        self.video = VideoFrames(args.video) if args.video else None
        self.pattern = Pattern(args.width, args.height, "bgr")
        self.counter = 0
        self.started = False
        self.timer = self.create_timer(1.0 / args.fps, self.tick)

    def grab(self):
        if self.video:
            return self.video.next()
        frame = self.pattern.render(self.counter)
        self.counter += 1
        return frame

    def tick(self):
        stamp = self.get_clock().now().to_msg()
        frame = self.grab()
        if self.stream == "raw":
            msg = Image()
            msg.header.stamp = stamp
            msg.header.frame_id = "camera"
            msg.height, msg.width = frame.shape[:2]
            msg.encoding = "bgr8"
            msg.step = frame.shape[1] * 3
            msg.data = frame.tobytes()
        else:
            ok, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 80])
            if not ok:
                self.get_logger().error("JPEG encoding failed")
                return
            msg = CompressedImage()
            msg.header.stamp = stamp
            msg.header.frame_id = "camera"
            msg.format = "jpeg"
            msg.data = jpeg.tobytes()
        self.pub.publish(msg)
        if not self.started:
            self.started = True
            self.get_logger().info("baseline: publishing")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--width", type=int, default=640)
    ap.add_argument("--height", type=int, default=480)
    ap.add_argument("--fps", type=float, default=30)
    ap.add_argument("--stream", choices=("raw", "compressed"), default="raw")
    ap.add_argument("--video", help="absolute path of a video file to play instead of the pattern")
    ap.add_argument("--namespace", default="/baseline")
    args = ap.parse_args()
    rclpy.init()  # its signal handlers turn SIGINT and SIGTERM into a clean shutdown
    node = BaselineCamera(args)
    try:
        rclpy.spin(node)
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    finally:
        node.destroy_node()
        rclpy.try_shutdown()


if __name__ == "__main__":
    main()
