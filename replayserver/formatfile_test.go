package replayserver_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/replayserver"
)

// The Python library's insert(filename, file_format) took file_format
// over the extension of a file. Here a single-file library's extension
// gives its format, and Format, which chooses the files of a directory
// library, is ignored for it: the server says so in the test's log rather
// than write YAML where the test asked for JSON without a word (cassette
// convert and import refuse such a -format as a usage error).
func TestFormatForAFileLibraryOfAnotherFormatIsLogged(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	for _, tc := range []struct {
		lib    string
		format library.Format
		warn   bool
	}{
		{"api.yaml", library.JSON, true},
		{"api.yml", library.JSON, true},
		{"api.json", library.YAML, true},
		{"api.json", library.JSON, false},
		{"api.YAML", library.YAML, false},
		{"api", library.YAML, false},
	} {
		t.Run(tc.lib+" "+string(tc.format), func(t *testing.T) {
			path := writeLibrary(t, filepath.Join(t.TempDir(), tc.lib), "api.example.com", "/a")
			var log logBook
			srv := replayserver.New(t, path, replayserver.Format(tc.format), log.option())
			srv.Close()
			var tlog logBook
			replayserver.NewTransport(t, path, replayserver.Format(tc.format), tlog.option())
			for who, b := range map[string]*logBook{"New": &log, "NewTransport": &tlog} {
				got := b.String()
				said := strings.Contains(got, "Format("+string(tc.format)+") is ignored for "+path)
				if said != tc.warn {
					t.Errorf("%s(%s, Format(%s)) logged:\n%s\nwant a line saying Format is ignored: %v", who, tc.lib, tc.format, got, tc.warn)
				}
				if said && !strings.Contains(got, "extension") {
					t.Errorf("%s(%s, Format(%s)) logged %q; want it to say the extension gives the format", who, tc.lib, tc.format, got)
				}
			}
		})
	}
}
