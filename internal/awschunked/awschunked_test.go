package awschunked

import "testing"

// What follows the last chunk is a trailer only when it is fields and an
// end: data after them (a second upload, junk) is more than a trailer.
func TestTrailerOnly(t *testing.T) {
	tests := []struct {
		rest string
		want bool
	}{
		{"", true},
		{"\r\n", true},
		{"\n", true},
		{"x-amz-checksum-crc32:AAAAAA==\r\n\r\n", true},
		{"x-amz-checksum-crc32c:sOO8/Q==\nx-amz-trailer-signature:abc\r\n\r\n", true},
		{"x-amz-checksum-crc32:AAAAAA==\r\n", true},
		{"\r\nmore", false},
		{"\r\n\r\n", false},
		{"x-amz-checksum-crc32:AAAAAA==\r\n\r\n7\r\n{\"b\":2}\r\n", false},
		{"no colon here\r\n\r\n", false},
		{":value\r\n\r\n", false},
		{"bad name:value\r\n\r\n", false},
	}
	for _, tt := range tests {
		if got := TrailerOnly([]byte(tt.rest)); got != tt.want {
			t.Errorf("TrailerOnly(%q) = %v, want %v", tt.rest, got, tt.want)
		}
	}
}

// Split gives what follows the line of the last chunk, unread.
func TestSplit(t *testing.T) {
	payload, rest, ok := Split([]byte("3;chunk-signature=ab\r\nabc\r\n0;chunk-signature=cd\r\nx:1\r\n\r\n"))
	if !ok || string(payload) != "abc" || string(rest) != "x:1\r\n\r\n" {
		t.Errorf("Split = %q, %q, %v; want \"abc\", \"x:1\\r\\n\\r\\n\", true", payload, rest, ok)
	}
	if _, rest, ok := Split([]byte("3\r\nab")); ok || rest != nil {
		t.Errorf("Split of a cut body = %q, %v; want nil, false", rest, ok)
	}
}
