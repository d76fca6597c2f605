package fmp4

import (
	"errors"
	"fmt"
)

// SPS is what the writer needs from an H.264 sequence parameter set: the
// picture size as displayed (after frame cropping) and the fields that go
// into avcC and the MSE codec string.
type SPS struct {
	Profile     uint8 // profile_idc: 66 baseline, 77 main, 100 high, …
	Constraints uint8 // the constraint_set0..5 flags and reserved bits, as one byte
	Level       uint8 // level_idc: 31 is level 3.1

	ChromaFormat   uint8 // chroma_format_idc: 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4
	BitDepthLuma   uint8
	BitDepthChroma uint8

	Width, Height int // displayed size: coded size minus the cropping
}

// Errors of the SPS parser. A damaged SPS returns one of these (wrapped with
// where it happened); it never panics.
var (
	errTruncated    = errors.New("truncated")
	errBadExpGolomb = errors.New("exp-Golomb code longer than 32 bits")
)

// maxMacroblocks bounds each dimension (16384 pixels): beyond every H.264
// level, so a larger value means a damaged SPS, not a big camera.
const maxMacroblocks = 1024

// Codec is the RFC 6381 codec string browsers' MediaSource.isTypeSupported
// and a <source type=…> expect: "avc1." and the profile, constraint and level
// bytes in hex, e.g. avc1.42c01f for constrained baseline level 3.1.
func (s SPS) Codec() string {
	return fmt.Sprintf("avc1.%02x%02x%02x", s.Profile, s.Constraints, s.Level)
}

// hasChromaInfo reports whether the profile's SPS carries chroma format, bit
// depths and scaling matrices (the High family and the SVC/MVC profiles).
func hasChromaInfo(profile uint8) bool {
	switch profile {
	case 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135:
		return true
	}
	return false
}

// ParseSPS reads a sequence parameter set NAL unit (header byte included,
// no start code) up to its frame cropping; the VUI is not needed.
func ParseSPS(nal []byte) (SPS, error) {
	if len(nal) < 4 {
		return SPS{}, fmt.Errorf("fmp4: SPS of %d bytes: %w", len(nal), errTruncated)
	}
	if t := nal[0] & 0x1f; t != nalSPS {
		return SPS{}, fmt.Errorf("fmp4: NAL unit type %d is not an SPS (7)", t)
	}
	r := &bitReader{data: unescapeRBSP(nal[1:])}
	s := SPS{ChromaFormat: 1, BitDepthLuma: 8, BitDepthChroma: 8}
	s.Profile = uint8(r.bits(8))
	s.Constraints = uint8(r.bits(8))
	s.Level = uint8(r.bits(8))
	if id := r.ue(); id > 31 {
		return SPS{}, fmt.Errorf("fmp4: SPS id %d > 31", id)
	}
	separatePlanes, err := readChromaInfo(r, &s)
	if err != nil {
		return SPS{}, err
	}
	if err := skipFrameNumAndPOC(r); err != nil {
		return SPS{}, err
	}
	r.ue()   // max_num_ref_frames
	r.flag() // gaps_in_frame_num_value_allowed_flag
	if err := readSize(r, &s, separatePlanes); err != nil {
		return SPS{}, err
	}
	return s, nil
}

// readChromaInfo reads the High profiles' chroma format, bit depths and
// scaling matrices; it reports separate_colour_plane_flag, which changes the
// cropping unit.
func readChromaInfo(r *bitReader, s *SPS) (separatePlanes bool, err error) {
	if !hasChromaInfo(s.Profile) {
		return false, nil
	}
	chroma := r.ue()
	if chroma > 3 {
		return false, fmt.Errorf("fmp4: SPS chroma_format_idc %d > 3", chroma)
	}
	s.ChromaFormat = uint8(chroma)
	if chroma == 3 {
		separatePlanes = r.flag()
	}
	luma, chromaDepth := r.ue(), r.ue()
	if luma > 6 || chromaDepth > 6 {
		return false, fmt.Errorf("fmp4: SPS bit depth %d/%d beyond 14", luma+8, chromaDepth+8)
	}
	s.BitDepthLuma, s.BitDepthChroma = uint8(luma+8), uint8(chromaDepth+8)
	r.flag()      // qpprime_y_zero_transform_bypass_flag
	if r.flag() { // seq_scaling_matrix_present_flag
		lists := 8
		if chroma == 3 {
			lists = 12
		}
		for i := range lists {
			if r.flag() {
				skipScalingList(r, scalingListSize(i))
			}
		}
	}
	if r.err != nil {
		return false, fmt.Errorf("fmp4: SPS chroma info: %w", r.err)
	}
	return separatePlanes, nil
}

// scalingListSize: the first six lists are 4×4, the others 8×8.
func scalingListSize(i int) int {
	if i < 6 {
		return 16
	}
	return 64
}

// skipScalingList reads past one scaling_list() (7.3.2.1.1.1).
func skipScalingList(r *bitReader, size int) {
	last, next := int32(8), int32(8)
	for range size {
		if next != 0 {
			next = (last + r.se() + 256) % 256
		}
		if next != 0 {
			last = next
		}
		if r.err != nil {
			return
		}
	}
}

// skipFrameNumAndPOC reads past log2_max_frame_num and the picture order
// count fields, which the container does not need.
func skipFrameNumAndPOC(r *bitReader) error {
	if v := r.ue(); v > 12 {
		return fmt.Errorf("fmp4: SPS log2_max_frame_num_minus4 %d > 12", v)
	}
	switch pocType := r.ue(); pocType {
	case 0:
		r.ue() // log2_max_pic_order_cnt_lsb_minus4
	case 1:
		r.flag() // delta_pic_order_always_zero_flag
		r.se()   // offset_for_non_ref_pic
		r.se()   // offset_for_top_to_bottom_field
		n := r.ue()
		if n > 255 {
			return fmt.Errorf("fmp4: SPS num_ref_frames_in_pic_order_cnt_cycle %d > 255", n)
		}
		for range n {
			r.se()
		}
	case 2:
	default:
		return fmt.Errorf("fmp4: SPS pic_order_cnt_type %d > 2", pocType)
	}
	if r.err != nil {
		return fmt.Errorf("fmp4: SPS picture order fields: %w", r.err)
	}
	return nil
}

// readSize reads the coded size in macroblocks and the frame cropping, and
// sets the displayed Width and Height (7.4.2.1.1, CropUnitX/CropUnitY).
func readSize(r *bitReader, s *SPS, separatePlanes bool) error {
	// In 64 bits: a ue(v) can be 2³²−1, whose +1 (or ×2 for fields) wraps
	// in 32 and would slip a huge size past the limit below.
	widthMbs, heightUnits := uint64(r.ue())+1, uint64(r.ue())+1
	frameMbsOnly := r.flag()
	if !frameMbsOnly {
		r.flag() // mb_adaptive_frame_field_flag
	}
	r.flag() // direct_8x8_inference_flag
	var left, right, top, bottom uint32
	if r.flag() { // frame_cropping_flag
		left, right, top, bottom = r.ue(), r.ue(), r.ue(), r.ue()
	}
	if r.err != nil {
		return fmt.Errorf("fmp4: SPS size fields: %w", r.err)
	}
	fieldFactor := 2
	if frameMbsOnly {
		fieldFactor = 1
	}
	if widthMbs > maxMacroblocks || heightUnits*uint64(fieldFactor) > maxMacroblocks {
		return fmt.Errorf("fmp4: SPS size %d×%d macroblocks is beyond H.264", widthMbs, heightUnits*uint64(fieldFactor))
	}
	unitX, unitY := cropUnits(s.ChromaFormat, separatePlanes)
	unitY *= fieldFactor
	codedW, codedH := int(widthMbs)*16, int(heightUnits)*16*fieldFactor
	// The crop offsets are ue(v) up to 2³²: compare in int64 before subtracting.
	cropW := int64(unitX) * (int64(left) + int64(right))
	cropH := int64(unitY) * (int64(top) + int64(bottom))
	if cropW >= int64(codedW) || cropH >= int64(codedH) {
		return fmt.Errorf("fmp4: SPS cropping (%d, %d) leaves nothing of %d×%d", cropW, cropH, codedW, codedH)
	}
	s.Width, s.Height = codedW-int(cropW), codedH-int(cropH)
	return nil
}

// cropUnits: frame_crop offsets count chroma samples, so one unit is
// SubWidthC × SubHeightC luma pixels (1×1 without chroma, or with the three
// colour planes coded separately).
func cropUnits(chromaFormat uint8, separatePlanes bool) (x, y int) {
	if separatePlanes {
		return 1, 1
	}
	switch chromaFormat {
	case 1:
		return 2, 2
	case 2:
		return 2, 1
	}
	return 1, 1
}
