package main

import (
	"fmt"
	"slices"

	"github.com/cassette-go/cassette/internal/spill"
	"github.com/cassette-go/cassette/library"
)

// spillBodies returns c with each response body over spill.Size moved to
// a body file of lib, as the recorder stores such a body (see "Body
// files" in package library), so that an imported or converted library
// looks as a recorded one does and loads without holding large bodies in
// memory. A body file is replayed as one stream, without the chunks a
// streamed body arrived in: with keepStreams, a body that has chunks
// stays in its cassette, with them (convert, which loses nothing);
// without, it is moved and its chunks dropped, as the recorder drops them
// (import). The exchanges of c are not modified. If it fails, it gives
// up the body files it committed; so do [putSpilled] and
// [putConverted] if lib does not take the cassette.
func spillBodies(lib *library.Library, c library.Cassette, keepStreams bool) (library.Cassette, error) {
	var out []library.Exchange // a copy of c.Exchanges, once a body is spilled
	for i := range c.Exchanges {
		r := c.Exchanges[i].Response
		if r.BodyFile != "" || len(r.Body) <= spill.Size || keepStreams && len(r.Chunks) > 0 {
			continue
		}
		path, err := newBodyFile(lib, r.Body)
		if err != nil {
			releaseBodies(lib, out, c.Exchanges)
			return c, fmt.Errorf("cassette %s: %w", c.Name, err)
		}
		if out == nil {
			out = slices.Clone(c.Exchanges)
		}
		out[i].Response.Body = nil
		out[i].Response.Chunks = nil
		out[i].Response.BodyFile = path
	}
	if out != nil {
		c.Exchanges = out
	}
	return c, nil
}

// putSpilled puts c into lib with its large bodies in body files (see
// spillBodies), streamed ones too: cassette import.
func putSpilled(lib *library.Library, c library.Cassette) error {
	return putWithBodyFiles(lib, c, false)
}

// putConverted puts c into lib with its large bodies in body files but
// for streamed ones (see spillBodies): cassette convert.
func putConverted(lib *library.Library, c library.Cassette) error {
	return putWithBodyFiles(lib, c, true)
}

// putWithBodyFiles puts c into lib with its large bodies in body files
// (see spillBodies).
func putWithBodyFiles(lib *library.Library, c library.Cassette, keepStreams bool) error {
	spilled, err := spillBodies(lib, c, keepStreams)
	if err != nil {
		return err
	}
	if err := lib.Put(spilled); err != nil {
		releaseBodies(lib, spilled.Exchanges, c.Exchanges)
		return err
	}
	return nil
}

// newBodyFile writes body to a new body file of lib and returns its path.
func newBodyFile(lib *library.Library, body []byte) (string, error) {
	w, err := lib.NewBody()
	if err != nil {
		return "", err
	}
	if _, err := w.Write(body); err != nil {
		w.Abort()
		return "", err
	}
	return w.Commit()
}

// releaseBodies gives up the body files of spilled, a copy of orig whose
// large bodies spillBodies moved to body files of lib, which lib did not
// take (see library.Library.ReleaseBody). A nil spilled has none.
func releaseBodies(lib *library.Library, spilled, orig []library.Exchange) {
	for i := range spilled {
		if p := spilled[i].Response.BodyFile; p != "" && p != orig[i].Response.BodyFile {
			lib.ReleaseBody(p)
		}
	}
}
