package rclx

/*
#include <rcl/version.h>
*/
import "C"

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

// rclMajor is the major version of the rcl this binary is built against.
const rclMajor = C.RCL_VERSION_MAJOR

const (
	fastDDSProfileEnv     = "FASTDDS_DEFAULT_PROFILES_FILE"
	fastRTPSProfileEnv    = "FASTRTPS_DEFAULT_PROFILES_FILE" // the name Fast DDS 2.x (Jazzy) reads
	fastDDSOptOutEnv      = "WEBCAM_FASTDDS_PROFILE"         // "off" keeps Fast DDS's defaults
	fastDDSDefaultSegment = 512 << 10                        // what Fast DDS gives a writer
	maxShmSegment         = 64 << 20
	shmSegmentShareOfFree = 4 // use at most a quarter of /dev/shm's free space
	// A writer's segment holds its history (keep_last 2) and the sample in
	// flight, plus the small messages of the other topics: three of the
	// largest message and 1 MiB.
	shmMessages = 3
	shmSlack    = 1 << 20
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
// applies, with a segment that holds messages of largest bytes, and says
// what it did (for the log; "" when nothing was done).
func useLargeFrameTransport(largest int) string {
	if os.Getenv(fastDDSProfileEnv) != "" || os.Getenv(fastRTPSProfileEnv) != "" || os.Getenv(fastDDSOptOutEnv) == "off" {
		return ""
	}
	if rmw := os.Getenv("RMW_IMPLEMENTATION"); rmw != "" && rmw != "rmw_fastrtps_cpp" {
		return ""
	}
	want := shmSegmentFor(largest)
	if want == 0 {
		return "" // Fast DDS's own segment holds these messages
	}
	segment := min(want, shmRoom("/dev/shm"))
	if segment <= fastDDSDefaultSegment {
		return fmt.Sprintf("Fast DDS: /dev/shm has no room for a %d MiB shared-memory segment, keeping its default (large frames may be slow)", want>>20)
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("webcam-fastdds-shm-%d.xml", segment))
	if err := writeFileAtomic(path, []byte(fmt.Sprintf(fastDDSProfile, segment))); err != nil {
		return fmt.Sprintf("Fast DDS: cannot write the shared-memory profile (%v); keeping its defaults", err)
	}
	os.Setenv(profileEnv(), path)
	return fmt.Sprintf("Fast DDS: %d MiB shared-memory segment for messages of up to %d KiB (%s; %s=off to keep Fast DDS's defaults)",
		segment>>20, largest>>10, path, fastDDSOptOutEnv)
}

// profileEnv is the variable the linked Fast DDS reads its default profile
// from: 3.x (with rcl 10, Kilted on) reads only FASTDDS_…, and warns at every
// start when FASTRTPS_… is set too; 2.x (rcl 9 and older: Jazzy's 2.14,
// Humble) reads only FASTRTPS_….
func profileEnv() string {
	if rclMajor >= 10 {
		return fastDDSProfileEnv
	}
	return fastRTPSProfileEnv
}

// shmSegmentFor is the segment messages of largest bytes need, in whole
// MiB; 0 when Fast DDS's default holds them.
func shmSegmentFor(largest int) int {
	if largest <= 0 {
		return 0
	}
	if shmMessages*largest <= fastDDSDefaultSegment {
		return 0
	}
	want := shmMessages*largest + shmSlack
	return min((want+1<<20-1)&^(1<<20-1), maxShmSegment)
}

// shmRoom is the largest segment /dev/shm should give, in whole MiB
// (containers often have 64 MiB in all).
func shmRoom(dir string) int {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0
	}
	return int(int64(st.Bavail)*int64(st.Bsize)/shmSegmentShareOfFree) &^ (1<<20 - 1)
}

func writeFileAtomic(path string, data []byte) error {
	if b, err := os.ReadFile(path); err == nil && string(b) == string(data) {
		return nil // another webcam_node wrote the same profile
	}
	return atomicfile.Write(path, data)
}
