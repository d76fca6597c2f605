package fmp4

// Timescale is the track's clock: 90 kHz, as RTP and MPEG-TS use for video,
// fine enough for any frame rate and the stamps of a live camera.
const Timescale = 90000

// trackID of the one video track.
const trackID = 1

// paramSets are the SPS and PPS NAL units (header byte included) the init
// segment's avcC carries, with the first SPS parsed.
type paramSets struct {
	sps    [][]byte
	pps    [][]byte
	parsed SPS
}

// appendInit appends the initialization segment: ftyp and a moov that
// describes one H.264 track with no samples (they all come in fragments) and
// announces the fragments with mvex.
func appendInit(w *boxBuffer, p *paramSets) {
	ftyp := w.open("ftyp")
	// iso5 (and iso6) announce movie fragments with default-base-is-moof and
	// tfdt, which is what follows; mp41 for players that look for an MP4 brand.
	w.b = append(w.b, "iso5"...)
	w.u32(512) // minor_version, as ffmpeg writes it
	w.b = append(w.b, "iso5iso6mp41"...)
	w.close(ftyp)

	moov := w.open("moov")
	appendMvhd(w)
	trak := w.open("trak")
	appendTkhd(w, p.parsed)
	mdia := w.open("mdia")
	appendMdhd(w)
	appendHdlr(w)
	minf := w.open("minf")
	appendVmhdDinf(w)
	appendStbl(w, p)
	w.close(minf)
	w.close(mdia)
	w.close(trak)
	appendMvex(w)
	w.close(moov)
}

func appendMvhd(w *boxBuffer) {
	at := w.openFull("mvhd", 0, 0)
	w.zeros(8)     // creation and modification time: unknown
	w.u32(1000)    // timescale of the (empty) movie duration
	w.u32(0)       // duration: 0, the fragments carry it
	w.u32(1 << 16) // rate 1.0
	w.u16(1 << 8)  // volume 1.0
	w.zeros(10)
	w.unityMatrix()
	w.zeros(24)        // pre_defined
	w.u32(trackID + 1) // next_track_ID
	w.close(at)
}

func appendTkhd(w *boxBuffer, s SPS) {
	at := w.openFull("tkhd", 0, 3) // enabled, in movie
	w.zeros(8)
	w.u32(trackID)
	w.zeros(4) // reserved
	w.u32(0)   // duration
	w.zeros(8)
	w.u16(0) // layer
	w.u16(0) // alternate_group
	w.u16(0) // volume: video has none
	w.zeros(2)
	w.unityMatrix()
	w.u32(uint32(s.Width) << 16) // 16.16 fixed point
	w.u32(uint32(s.Height) << 16)
	w.close(at)
}

func appendMdhd(w *boxBuffer) {
	at := w.openFull("mdhd", 0, 0)
	w.zeros(8)
	w.u32(Timescale)
	w.u32(0)      // duration
	w.u16(0x55c4) // language "und", packed ISO-639-2/T
	w.u16(0)
	w.close(at)
}

func appendHdlr(w *boxBuffer) {
	at := w.openFull("hdlr", 0, 0)
	w.u32(0) // pre_defined
	w.b = append(w.b, "vide"...)
	w.zeros(12)
	w.b = append(w.b, "VideoHandler\x00"...)
	w.close(at)
}

// appendVmhdDinf appends the video media header and a data reference saying
// the samples are in this file.
func appendVmhdDinf(w *boxBuffer) {
	vmhd := w.openFull("vmhd", 0, 1)
	w.zeros(8) // graphicsmode, opcolor
	w.close(vmhd)
	dinf := w.open("dinf")
	dref := w.openFull("dref", 0, 0)
	w.u32(1)
	url := w.openFull("url ", 0, 1) // flag 1: media in the same file
	w.close(url)
	w.close(dref)
	w.close(dinf)
}

// appendStbl appends the sample table: the avc1 sample description and empty
// time-to-sample, sample-to-chunk, size and offset tables.
func appendStbl(w *boxBuffer, p *paramSets) {
	stbl := w.open("stbl")
	stsd := w.openFull("stsd", 0, 0)
	w.u32(1)
	appendAvc1(w, p)
	w.close(stsd)
	for _, typ := range []string{"stts", "stsc", "stco"} {
		at := w.openFull(typ, 0, 0)
		w.u32(0) // entry_count
		w.close(at)
	}
	stsz := w.openFull("stsz", 0, 0)
	w.u32(0) // sample_size
	w.u32(0) // sample_count
	w.close(stsz)
	w.close(stbl)
}

func appendAvc1(w *boxBuffer, p *paramSets) {
	at := w.open("avc1")
	w.zeros(6)
	w.u16(1) // data_reference_index
	w.zeros(16)
	w.u16(uint16(p.parsed.Width))
	w.u16(uint16(p.parsed.Height))
	w.u32(0x00480000) // 72 dpi
	w.u32(0x00480000)
	w.u32(0)
	w.u16(1)    // frame_count
	w.zeros(32) // compressorname
	w.u16(0x18) // depth: colour
	w.u16(0xffff)
	appendAvcC(w, p)
	w.close(at)
}

// appendAvcC appends the AVCDecoderConfigurationRecord (ISO/IEC 14496-15
// 5.3.3.1): the parameter sets, and 4-byte NAL unit lengths in the samples.
func appendAvcC(w *boxBuffer, p *paramSets) {
	at := w.open("avcC")
	s := p.parsed
	w.u8(1) // configurationVersion
	w.u8(s.Profile)
	w.u8(s.Constraints)
	w.u8(s.Level)
	w.u8(0xfc | 3) // lengthSizeMinusOne = 3
	w.u8(0xe0 | uint8(len(p.sps)))
	for _, sps := range p.sps {
		w.u16(uint16(len(sps)))
		w.b = append(w.b, sps...)
	}
	w.u8(uint8(len(p.pps)))
	for _, pps := range p.pps {
		w.u16(uint16(len(pps)))
		w.b = append(w.b, pps...)
	}
	if hasChromaInfo(s.Profile) {
		w.u8(0xfc | s.ChromaFormat)
		w.u8(0xf8 | (s.BitDepthLuma - 8))
		w.u8(0xf8 | (s.BitDepthChroma - 8))
		w.u8(0) // numOfSequenceParameterSetExt
	}
	w.close(at)
}

// appendMvex says the movie continues in fragments, with trex defaults that
// every trun overrides.
func appendMvex(w *boxBuffer) {
	mvex := w.open("mvex")
	trex := w.openFull("trex", 0, 0)
	w.u32(trackID)
	w.u32(1) // default_sample_description_index
	w.u32(0) // default_sample_duration
	w.u32(0) // default_sample_size
	w.u32(0) // default_sample_flags
	w.close(trex)
	w.close(mvex)
}
