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

The camera-mode peer (issue 13) does a camera driver's job instead:

  baseline_pub.py --camera mjpeg|yuyv --clip /abs/clip --width W --height H
                  [--fps 30] [--namespace /bench_3]

It advertises image_raw and image_raw/compressed, captures a frame every
tick (stamped before the read, as the node stamps the capture start) and
does only the work its subscribers need (get_subscription_count), publishing
compressed first:
  mjpeg: the clip (an MJPEG .avi) through cv2.VideoCapture with
         CAP_PROP_FORMAT -1, which hands over the stored JPEG bytes as a V4L2
         MJPEG camera would; compressed publishes those bytes, raw decodes
         them with cv2.imdecode straight to RGB (IMREAD_COLOR_RGB) -> rgb8.
  yuyv:  the clip is raw yuv422_yuy2 frames, read one per tick into a fresh
         array; raw is cv2.cvtColor(COLOR_YUV2RGB_YUY2) -> rgb8, compressed
         cv2.cvtColor(COLOR_YUV2BGR_YUY2) then cv2.imencode at quality 80
         (the node's default jpeg_quality).
"""
import argparse
import sys
from pathlib import Path

import cv2
import numpy as np
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


class JPEGPackets:
    """The stored JPEG of each frame of an MJPEG file, looping."""

    def __init__(self, path):
        self.path = path
        self.cap = self._open()

    def _open(self):
        cap = cv2.VideoCapture(self.path, cv2.CAP_FFMPEG)
        if not cap.isOpened() or not cap.set(cv2.CAP_PROP_FORMAT, -1):
            raise SystemExit(f"baseline: cannot read the JPEG packets of {self.path}")
        return cap

    def next(self):
        ok, packet = self.cap.read()
        if not ok:
            self.cap.release()
            self.cap = self._open()
            ok, packet = self.cap.read()
        if not ok or packet.ndim != 2 or packet.shape[0] != 1 or packet[0, 0] != 0xFF or packet[0, 1] != 0xD8:
            raise SystemExit(f"baseline: {self.path} gave no JPEG packet")
        return packet.reshape(-1)


class YUYVFrames:
    """Raw yuv422_yuy2 frames of a file, looping; each read into a fresh
    array, as a driver copies out of its capture buffer."""

    def __init__(self, path, width, height):
        self.f = open(path, "rb", buffering=0)
        self.shape = (height, width, 2)
        self.size = width * height * 2

    def next(self):
        frame = np.empty(self.shape, np.uint8)
        if self.f.readinto(frame) != self.size:
            self.f.seek(0)
            if self.f.readinto(frame) != self.size:
                raise SystemExit(f"baseline: {self.f.name} holds no whole {self.shape[1]}x{self.shape[0]} frame")
        return frame


class CameraPeer(Node):
    """The camera-mode peer: see the module's doc."""

    def __init__(self, args):
        super().__init__("baseline_camera", namespace=args.namespace)
        qos = QoSProfile(history=HistoryPolicy.KEEP_LAST, depth=2, reliability=ReliabilityPolicy.RELIABLE)
        self.raw = self.create_publisher(Image, "image_raw", qos)
        self.compressed = self.create_publisher(CompressedImage, "image_raw/compressed", qos)
        self.mjpeg = args.camera == "mjpeg"
        self.source = JPEGPackets(args.clip) if self.mjpeg else YUYVFrames(args.clip, args.width, args.height)
        self.started = False
        self.source.next()
        self.get_logger().info("baseline: ready")
        self.timer = self.create_timer(1.0 / args.fps, self.tick)

    def header(self, msg, stamp):
        msg.header.stamp = stamp
        msg.header.frame_id = "camera"
        return msg

    def publish_rgb(self, rgb, stamp):
        msg = self.header(Image(), stamp)
        msg.height, msg.width = rgb.shape[:2]
        msg.encoding = "rgb8"
        msg.step = rgb.shape[1] * 3
        msg.data = rgb.tobytes()
        self.raw.publish(msg)

    def tick(self):
        stamp = self.get_clock().now().to_msg()
        frame = self.source.next()
        want_c = self.compressed.get_subscription_count() > 0
        want_raw = self.raw.get_subscription_count() > 0
        if want_c:
            msg = self.header(CompressedImage(), stamp)
            msg.format = "jpeg"
            if self.mjpeg:
                msg.data = frame.tobytes()
            else:
                ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(frame, cv2.COLOR_YUV2BGR_YUY2),
                                        [cv2.IMWRITE_JPEG_QUALITY, 80])
                if not ok:
                    self.get_logger().error("JPEG encoding failed")
                    return
                msg.data = jpeg.tobytes()
            self.compressed.publish(msg)
        if want_raw:
            if self.mjpeg:
                rgb = cv2.imdecode(frame, cv2.IMREAD_COLOR_RGB)
                if rgb is None:
                    self.get_logger().error("JPEG decoding failed")
                    return
            else:
                rgb = cv2.cvtColor(frame, cv2.COLOR_YUV2RGB_YUY2)
            self.publish_rgb(rgb, stamp)
        if not self.started and (want_c or want_raw):
            self.started = True
            self.get_logger().info("baseline: publishing")


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
    ap.add_argument("--camera", choices=("mjpeg", "yuyv"), help="the camera-mode peer: what --clip holds")
    ap.add_argument("--clip", help="absolute path of the camera-mode clip (MJPEG .avi or raw YUYV)")
    args = ap.parse_args()
    if bool(args.camera) != bool(args.clip):
        ap.error("--camera and --clip go together")
    rclpy.init()  # its signal handlers turn SIGINT and SIGTERM into a clean shutdown
    node = CameraPeer(args) if args.camera else BaselineCamera(args)
    try:
        rclpy.spin(node)
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    finally:
        node.destroy_node()
        rclpy.try_shutdown()


if __name__ == "__main__":
    main()
