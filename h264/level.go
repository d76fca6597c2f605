package h264

import "fmt"

// level is one row of H.264's Table A-1 (the limits a decoder of that level
// promises to handle).
type level struct {
	idc      int // level_idc: 31 is level 3.1
	mbPerSec int // MaxMBPS
	mbFrame  int // MaxFS, macroblocks per frame
	kbps     int // MaxBR for Baseline (VCL, 1000 bits/s units)
}

// levels lists Table A-1 in increasing order (level 1b left out: no browser
// needs it and Baseline signals it awkwardly).
var levels = []level{
	{10, 1485, 99, 64},
	{11, 3000, 396, 192},
	{12, 6000, 396, 384},
	{13, 11880, 396, 768},
	{20, 11880, 396, 2000},
	{21, 19800, 792, 4000},
	{22, 20250, 1620, 4000},
	{30, 40500, 1620, 10000},
	{31, 108000, 3600, 14000},
	{32, 216000, 5120, 20000},
	{40, 245760, 8192, 20000},
	{41, 245760, 8192, 50000},
	{42, 522240, 8704, 50000},
	{50, 589824, 22080, 135000},
	{51, 983040, 36864, 240000},
	{52, 2073600, 36864, 240000},
}

// LevelFor is the lowest H.264 level_idc whose limits hold a stream of this
// size, rate and bitrate (Table A-1, and A.3.1's frame-side rule: neither
// side longer than √(8·MaxFS) macroblocks). The SPS carries it, and with it
// the profile-level-id a WebRTC offer names (42c01f: 720p30 at level 3.1).
func LevelFor(width, height, fps, kbps int) (int, error) {
	mbw, mbh := (width+15)/16, (height+15)/16
	perFrame := mbw * mbh
	for _, l := range levels {
		if perFrame <= l.mbFrame && perFrame*fps <= l.mbPerSec && kbps <= l.kbps &&
			mbw*mbw <= 8*l.mbFrame && mbh*mbh <= 8*l.mbFrame {
			return l.idc, nil
		}
	}
	top := levels[len(levels)-1]
	return 0, fmt.Errorf("h264: no H.264 level holds %dx%d at %d fps and %d kbit/s (level 5.2 allows %d macroblocks a frame, %d a second, %d kbit/s)",
		width, height, fps, kbps, top.mbFrame, top.mbPerSec, top.kbps)
}
