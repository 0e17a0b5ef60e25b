// Package bomtext reads text files that Windows tools write: UTF-8 with a
// byte order mark (Notepad's "UTF-8 with BOM"), or UTF-16 with one
// (PowerShell 5's > and Out-File).
package bomtext

import (
	"bytes"
	"encoding/binary"
	"unicode/utf16"
)

// UTF8 returns data as UTF-8 without a byte order mark: data in UTF-16
// with its byte order mark (little- or big-endian) is decoded, one in
// UTF-8 with a mark loses it, and any other is returned as it is.
func UTF8(data []byte) []byte {
	var order binary.ByteOrder
	switch {
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}):
		order = binary.LittleEndian
	case bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		order = binary.BigEndian
	default:
		return bytes.TrimPrefix(data, []byte("\ufeff"))
	}
	data = data[2:]
	units := make([]uint16, len(data)/2) // an odd last byte is dropped
	for i := range units {
		units[i] = order.Uint16(data[2*i:])
	}
	return []byte(string(utf16.Decode(units)))
}
