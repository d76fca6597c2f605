package fmp4

import "encoding/binary"

// Sample flags (ISO/IEC 14496-12 8.8.3.1) of a trun entry.
const (
	// A sync sample: depends on no other (sample_depends_on = 2).
	syncSampleFlags = 2 << 24
	// Any other: depends on others (1), sample_is_non_sync_sample set.
	nonSyncSampleFlags = 1<<24 | 1<<16
)

// tfhd and trun flags used here.
const (
	tfhdDefaultBaseIsMoof = 0x020000
	trunDataOffset        = 0x000001
	trunSampleDuration    = 0x000100
	trunSampleSize        = 0x000200
	trunSampleFlags       = 0x000400
)

// sample is one access unit as a fragment carries it.
type sample struct {
	sequence   uint32 // mfhd sequence_number, from 1
	decodeTime uint64 // tfdt, in Timescale ticks
	duration   uint32 // in Timescale ticks
	sync       bool
}

// fragmentMarks are where appendFragmentHead left fields that depend on the
// sample's size.
type fragmentMarks struct {
	sampleSizeAt int // trun's sample_size
	mdat         int // the mdat box
}

// appendFragmentHead appends a moof for one sample and the mdat header; the
// caller appends the sample's bytes after it and then calls finishFragment.
func appendFragmentHead(w *boxBuffer, s sample) fragmentMarks {
	moof := w.open("moof")
	mfhd := w.openFull("mfhd", 0, 0)
	w.u32(s.sequence)
	w.close(mfhd)
	traf := w.open("traf")
	tfhd := w.openFull("tfhd", 0, tfhdDefaultBaseIsMoof)
	w.u32(trackID)
	w.close(tfhd)
	tfdt := w.openFull("tfdt", 1, 0) // version 1: 64-bit decode time
	w.u64(s.decodeTime)
	w.close(tfdt)
	trun := w.openFull("trun", 0, trunDataOffset|trunSampleDuration|trunSampleSize|trunSampleFlags)
	w.u32(1) // sample_count
	// data_offset counts from the moof's start (default-base-is-moof): the
	// moof, then mdat's 8-byte header. Known once the moof is closed.
	dataOffsetAt := len(w.b)
	w.u32(0)
	w.u32(s.duration)
	marks := fragmentMarks{sampleSizeAt: len(w.b)}
	w.u32(0)
	if s.sync {
		w.u32(syncSampleFlags)
	} else {
		w.u32(nonSyncSampleFlags)
	}
	w.close(trun)
	w.close(traf)
	w.close(moof)
	binary.BigEndian.PutUint32(w.b[dataOffsetAt:], uint32(len(w.b)-moof+8))
	marks.mdat = w.open("mdat")
	return marks
}

// finishFragment fills in the sample size and the mdat size once the sample
// bytes have been appended after the fragment head.
func finishFragment(w *boxBuffer, m fragmentMarks) {
	binary.BigEndian.PutUint32(w.b[m.sampleSizeAt:], uint32(len(w.b)-m.mdat-8))
	w.close(m.mdat)
}

// appendSampleData appends an access unit's NAL units as the sample: each
// with a 4-byte length instead of a start code, leaving out the units that
// belong in avcC or carry nothing (AUD, SPS, PPS, SPS extension, filler).
func appendSampleData(w *boxBuffer, nals [][]byte) {
	for _, nal := range nals {
		switch nalType(nal) {
		case nalAUD, nalSPS, nalPPS, nalSPSExt, nalFiller:
			continue
		}
		w.u32(uint32(len(nal)))
		w.b = append(w.b, nal...)
	}
}
