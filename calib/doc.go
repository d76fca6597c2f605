// Package calib loads, stores and serves camera calibrations the way ROS's
// camera_info_manager does, without ROS: no cgo, no rclgo.
//
// A calibration is a CameraInfo (the fields of sensor_msgs/CameraInfo minus
// the header). It lives in a file named by a camera_info_url:
//
//	file:///abs/path/cam.yaml         a local file
//	package://<pkg>/calib/cam.yaml    a file in an installed ROS package,
//	                                  found through AMENT_PREFIX_PATH
//	""                                file://${ROS_HOME}/camera_info/${NAME}.yaml
//
// with ${NAME} (the camera name) and ${ROS_HOME} (ROS_HOME, else ~/.ros)
// substituted. Files are the YAML written by ROS's camera_calibration tool
// and camera_calibration_parsers (.yaml/.yml) or the older Videre INI format
// (.ini), chosen by extension as camera_calibration_parsers does.
//
// Manager is the piece a camera node uses: it loads the URL once, hands every
// frame a CameraInfo (uncalibrated when there is no usable file), and stores
// calibrations sent through set_camera_info atomically. It logs what
// camera_info_manager logs, at the same levels, through log/slog.
//
// Environment lookups (HOME, ROS_HOME, AMENT_PREFIX_PATH) go through an Env
// value, so tests and tools can resolve URLs against any environment.
package calib
