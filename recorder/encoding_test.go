package recorder_test

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
)

func zlibbed(b []byte) []byte {
	var buf bytes.Buffer
	zw := zlib.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func deflated(b []byte) []byte {
	var buf bytes.Buffer
	fw, _ := flate.NewWriter(&buf, flate.DefaultCompression)
	fw.Write(b)
	fw.Close()
	return buf.Bytes()
}

// inflate decodes a deflate body, zlib-wrapped or raw.
func inflate(b []byte) ([]byte, error) {
	if zr, err := zlib.NewReader(bytes.NewReader(b)); err == nil {
		if d, err := io.ReadAll(zr); err == nil {
			return d, nil
		}
	}
	return io.ReadAll(flate.NewReader(bytes.NewReader(b)))
}

// A hook that leaves a body that no longer decodes under the coding its
// Content-Encoding says fails as the hook's error would, whatever the
// coding checked (gzip, and deflate zlib-wrapped or raw) and wherever the
// body was (inline, or in a body file the hook moved inline). Plain text
// under deflate, and a body file moved inline as plain text under gzip,
// used to be stored, and failed every client that replayed them.
func TestBeforeSaveEncodingChecked(t *testing.T) {
	const secret = `{"password":"hunter2"}`
	redacted := func(b []byte) []byte { return bytes.ReplaceAll(b, []byte("hunter2"), []byte("REDACTED")) }
	plain := func(decode func([]byte) ([]byte, error)) func(*library.Exchange) error {
		return func(ex *library.Exchange) error {
			b, err := decode(ex.Response.Body)
			if err != nil {
				return err
			}
			ex.Response.Body = redacted(b)
			return nil
		}
	}
	again := func(decode func([]byte) ([]byte, error), encode func([]byte) []byte) func(*library.Exchange) error {
		return func(ex *library.Exchange) error {
			b, err := decode(ex.Response.Body)
			if err != nil {
				return err
			}
			ex.Response.Body = encode(redacted(b))
			return nil
		}
	}
	// inline moves a body file inline, its body decoded, redacted, and
	// given to encode.
	inline := func(encode func([]byte) []byte) func(*library.Exchange) error {
		return func(ex *library.Exchange) error {
			if ex.Response.BodyFile == "" {
				return nil
			}
			b, err := ex.Response.ReadBody()
			if err != nil {
				return err
			}
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				return err
			}
			d, err := io.ReadAll(zr)
			if err != nil {
				return err
			}
			ex.Response.Body, ex.Response.BodyFile = encode(redacted(d)), ""
			return nil
		}
	}
	ungzip := func(b []byte) ([]byte, error) {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		return io.ReadAll(zr)
	}
	plainText := func(b []byte) []byte { return b }
	// large is a gzip body over SpillSize, which goes to a body file: stored
	// uncompressed in it, so that it is that large.
	large := func() []byte {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.NoCompression)
		zw.Write([]byte(secret))
		zw.Write(bytes.Repeat([]byte{' '}, recorder.SpillSize))
		zw.Close()
		return buf.Bytes()
	}()

	tests := []struct {
		name     string
		coding   string // the Content-Encoding the upstream sends
		sent     []byte
		hook     func(*library.Exchange) error
		decode   func([]byte) ([]byte, error) // decodes what is stored
		stored   bool
		wantErr  string // in what OnError got
		wantBody string // the start of the stored body, decoded
	}{
		{"plain text under deflate (zlib) fails", "deflate", zlibbed([]byte(secret)), plain(inflate), nil, false,
			"the response body is no longer deflate, but its Content-Encoding still says so, and it would not replay: a hook that rewrites a deflate-encoded body decodes it, then encodes it again with deflate (compress/zlib)", ""},
		{"plain text under raw deflate fails", "deflate", deflated([]byte(secret)), plain(inflate), nil, false,
			"the response body is no longer deflate, but its Content-Encoding still says so", ""},
		{"deflate encoded again with zlib is stored", "deflate", zlibbed([]byte(secret)), again(inflate, zlibbed), inflate, true, "", `{"password":"REDACTED"}`},
		{"deflate encoded again raw is stored", "Deflate", zlibbed([]byte(secret)), again(inflate, deflated), inflate, true, "", `{"password":"REDACTED"}`},
		{"an upstream's deflate that does not decode is stored as sent", "deflate", []byte("not deflate " + secret), plain(func(b []byte) ([]byte, error) { return b, nil }),
			func(b []byte) ([]byte, error) { return b, nil }, true, "", "not deflate " + `{"password":"REDACTED"}`},
		{"a body file moved inline as plain text under gzip fails", "gzip", large, inline(plainText), nil, false,
			"the response body is no longer gzip, but its Content-Encoding still says so", ""},
		{"a body file moved inline and encoded again is stored", "gzip", large, inline(gzipped), ungzip, true, "", `{"password":"REDACTED"}`},
		{"a body file left as it was is stored", "gzip", large, func(*library.Exchange) error { return nil }, ungzip, true, "", secret},
		// The library says what is wrong with a body file it cannot
		// read: it is not a body that is no longer gzip.
		{"a body file named by a relative path fails for it", "gzip", gzipped([]byte(secret)), func(ex *library.Exchange) error {
			ex.Response.Body, ex.Response.BodyFile = nil, "bodies/redacted.bin"
			return nil
		}, nil, false, `body file "bodies/redacted.bin" is not an absolute path`, ""},
	}
	for _, rc := range recordings {
		for _, tc := range tests {
			t.Run(rc.name+"/"+tc.name, func(t *testing.T) {
				api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Encoding", tc.coding)
					w.Write(tc.sent)
				}))
				defer api.Close()
				path := t.TempDir()
				var reported names
				client, base, wait := rc.start(t, api.URL, path, func(string) {},
					recorder.BeforeSave(tc.hook), recorder.OnError(func(err error) { reported.add(err.Error()) }))
				// Identity: both recordings hand the client the body as
				// sent.
				req, _ := http.NewRequest(http.MethodGet, base+"/login", nil)
				req.Header.Set("Accept-Encoding", "identity")
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				wait()
				if !bytes.Equal(b, tc.sent) {
					t.Errorf("client got %d bytes, want the %d the upstream sent", len(b), len(tc.sent))
				}
				got := reported.list()
				if tc.wantErr == "" && len(got) != 0 || tc.wantErr != "" && (len(got) != 1 || !strings.Contains(got[0], tc.wantErr)) {
					t.Errorf("OnError got %q, want %q", got, tc.wantErr)
				}
				lib := readLibrary(t, path)
				if !tc.stored {
					if len(lib) != 0 {
						t.Errorf("library holds %d cassettes, want none", len(lib))
					}
					if done, _ := bodyFolderFiles(t, path); len(done) != 0 {
						t.Errorf("%d body files left, want none: the exchange refused takes its body file with it", len(done))
					}
					return
				}
				_, ex := onlyExchange(t, path)
				stored, err := ex.Response.ReadBody()
				if err != nil {
					t.Fatal(err)
				}
				d, err := tc.decode(stored)
				if err != nil || !strings.HasPrefix(string(d), tc.wantBody) {
					t.Errorf("stored body decodes to %.40q, %v; want it to start %q", d, err, tc.wantBody)
				}
			})
		}
	}
}
