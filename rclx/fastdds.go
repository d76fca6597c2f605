package rclx

import (
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"webcam/atomicfile"
)

// Fast DDS's default shared-memory segment (512 KiB) is smaller than one
// 720p or 1080p frame: large messages then overrun the writer's segment and
// wait for reliable repair, which caps 1080p raw at ≈27 fps with ≈50 ms
// latency (docs/bench.md). The segment belongs to the writer, so giving this
// process a larger one fixes delivery for every subscriber. We do it with a
// default participant profile, only when the user has not chosen a Fast DDS
// profile or another RMW, and never larger than /dev/shm can hold.

const (
	fastDDSProfileEnv     = "FASTDDS_DEFAULT_PROFILES_FILE"
	fastRTPSProfileEnv    = "FASTRTPS_DEFAULT_PROFILES_FILE" // the older name, still read
	fastDDSOptOutEnv      = "WEBCAM_FASTDDS_PROFILE"         // "off" keeps Fast DDS's defaults
	maxShmSegment         = 64 << 20
	minShmSegment         = 8 << 20
	shmSegmentShareOfFree = 4 // use at most a quarter of /dev/shm's free space
)

const fastDDSProfile = `<?xml version="1.0" encoding="UTF-8" ?>
<!-- Written by webcam_node: a shared-memory segment that holds whole camera
     frames. Set FASTDDS_DEFAULT_PROFILES_FILE to use your own profile, or
     WEBCAM_FASTDDS_PROFILE=off for Fast DDS's defaults. -->
<dds xmlns="http://www.eprosima.com">
  <profiles>
    <transport_descriptors>
      <transport_descriptor>
        <transport_id>webcam_shm</transport_id>
        <type>SHM</type>
        <segment_size>%d</segment_size>
      </transport_descriptor>
      <transport_descriptor>
        <transport_id>webcam_udp</transport_id>
        <type>UDPv4</type>
      </transport_descriptor>
    </transport_descriptors>
    <participant profile_name="webcam_large_frames" is_default_profile="true">
      <rtps>
        <userTransports>
          <transport_id>webcam_shm</transport_id>
          <transport_id>webcam_udp</transport_id>
        </userTransports>
        <useBuiltinTransports>false</useBuiltinTransports>
      </rtps>
    </participant>
  </profiles>
</dds>
`

// useLargeFrameTransport installs the profile before rcl_init when it
// applies, and says what it did (for the log; "" when nothing was done).
func useLargeFrameTransport() string {
	if os.Getenv(fastDDSProfileEnv) != "" || os.Getenv(fastRTPSProfileEnv) != "" || os.Getenv(fastDDSOptOutEnv) == "off" {
		return ""
	}
	if rmw := os.Getenv("RMW_IMPLEMENTATION"); rmw != "" && rmw != "rmw_fastrtps_cpp" {
		return ""
	}
	segment := shmSegmentSize("/dev/shm")
	if segment == 0 {
		return "Fast DDS: /dev/shm has little room, keeping its default shared-memory segment (large frames may be slow)"
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("webcam-fastdds-shm-%d.xml", segment))
	if err := writeFileAtomic(path, []byte(fmt.Sprintf(fastDDSProfile, segment))); err != nil {
		return fmt.Sprintf("Fast DDS: cannot write the shared-memory profile (%v); keeping its defaults", err)
	}
	os.Setenv(fastDDSProfileEnv, path)
	return fmt.Sprintf("Fast DDS: %d MiB shared-memory segment for whole frames (%s; %s=off to keep Fast DDS's defaults)", segment>>20, path, fastDDSOptOutEnv)
}

// shmSegmentSize is the segment to ask for, or 0 when /dev/shm is too small
// (containers often have 64 MiB in all).
func shmSegmentSize(dir string) int {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0
	}
	free := int64(st.Bavail) * int64(st.Bsize) / shmSegmentShareOfFree
	if free < minShmSegment {
		return 0
	}
	return int(min(free, maxShmSegment)) &^ (1<<20 - 1)
}

func writeFileAtomic(path string, data []byte) error {
	if b, err := os.ReadFile(path); err == nil && string(b) == string(data) {
		return nil // another webcam_node wrote the same profile
	}
	return atomicfile.Write(path, data)
}
