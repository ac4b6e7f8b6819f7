package chart

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/png"
)

// encodePNG encodes a rendered chart. Charts are opaque, so it writes 8-bit
// RGB with the "Up" filter on every row and deflate at BestSpeed: image/png
// tries all five filters on every row (adaptive filtering, a third of the
// encoding time here) to save a few percent of size that a notebook output
// sent once does not need. An image with any transparency goes to
// image/png. Format: PNG specification, ISO/IEC 15948, §11.2 (IHDR), §9
// (filters).
func encodePNG(img *image.RGBA) ([]byte, error) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	var buf bytes.Buffer
	buf.Grow(w * h / 4)
	buf.WriteString("\x89PNG\r\n\x1a\n")
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 2 // bit depth 8, colour type 2 (RGB)
	writeChunk(&buf, "IHDR", ihdr[:])

	var idat bytes.Buffer
	zw, err := zlib.NewWriterLevel(&idat, zlib.BestSpeed)
	if err != nil {
		return nil, err
	}
	prev := make([]byte, 3*w)
	cur := make([]byte, 3*w)
	line := make([]byte, 1+3*w)
	line[0] = 2 // filter type Up
	for y := range h {
		row := img.Pix[(y)*img.Stride : (y)*img.Stride+4*w]
		for x := range w {
			p := row[4*x : 4*x+4 : 4*x+4]
			if p[3] != 0xff {
				return fallbackPNG(img)
			}
			cur[3*x], cur[3*x+1], cur[3*x+2] = p[0], p[1], p[2]
		}
		f := line[1:]
		for i, v := range cur {
			f[i] = v - prev[i]
		}
		if _, err := zw.Write(line); err != nil {
			return nil, err
		}
		prev, cur = cur, prev
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	writeChunk(&buf, "IDAT", idat.Bytes())
	writeChunk(&buf, "IEND", nil)
	return buf.Bytes(), nil
}

func fallbackPNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	err := enc.Encode(&buf, img)
	return buf.Bytes(), err
}

// writeChunk writes a PNG chunk: length, type, data, CRC of type and data.
func writeChunk(buf *bytes.Buffer, typ string, data []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(data)))
	buf.Write(n[:])
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(data)
	buf.WriteString(typ)
	buf.Write(data)
	binary.BigEndian.PutUint32(n[:], crc.Sum32())
	buf.Write(n[:])
}
