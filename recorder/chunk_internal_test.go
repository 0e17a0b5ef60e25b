package recorder

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/cassette-go/cassette/library"
)

func TestAddChunk(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		why   string
		reads []library.Chunk // each read's size and time
		want  []library.Chunk
	}{
		{"small reads, even close together, stay apart: events keep their boundaries",
			[]library.Chunk{ch(10, 1*ms), ch(10, 1*ms), ch(10, 5*ms)},
			[]library.Chunk{ch(10, 1*ms), ch(10, 1*ms), ch(10, 5*ms)}},
		{"a bulk transfer is merged while reads follow each other closely",
			[]library.Chunk{ch(chunkBulk, 0), ch(chunkBulk, 100*time.Microsecond), ch(5, 200*time.Microsecond)},
			[]library.Chunk{ch(2*chunkBulk+5, 200*time.Microsecond)}},
		{"a pause after a bulk chunk starts a new chunk",
			[]library.Chunk{ch(chunkBulk, 0), ch(7, 10*ms)},
			[]library.Chunk{ch(chunkBulk, 0), ch(7, 10*ms)}},
	}
	for _, tc := range tests {
		var got []library.Chunk
		for _, r := range tc.reads {
			got = addChunk(got, r.Size, r.At)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.why, diff)
		}
	}
}

func ch(size int, at time.Duration) library.Chunk { return library.Chunk{Size: size, At: at} }
