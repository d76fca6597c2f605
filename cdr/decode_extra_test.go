package cdr

// Decoders the node does not need (it only publishes these messages), kept
// for the tests: they check the encoders by round trip and fuzz the reader.

// DecodeCameraInfo decodes a serialized sensor_msgs/msg/CameraInfo.
func DecodeCameraInfo(b []byte) (*CameraInfo, error) {
	return decodeCameraInfo(newReader(cameraInfoType, b))
}

// DecodeDiagnosticArray decodes a serialized
// diagnostic_msgs/msg/DiagnosticArray.
func DecodeDiagnosticArray(b []byte) (*DiagnosticArray, error) {
	return decodeDiagnosticArray(newReader(diagnosticArrayType, b))
}
