package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/cassette-go/cassette/replayserver"
	"github.com/google/go-cmp/cmp"
)

const (
	chromiumHAR = "../../testdata/chromium-sample.har"
	govcrSample = "../../testdata/interop/govcr-sample.yaml" // written by go-vcr (see interop)
)

func TestImportHARThenReplay(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	dst := filepath.Join(t.TempDir(), "api")
	code, stdout, stderr := runSync(t, "import", "-from", "har", "-format", "yaml", chromiumHAR, dst)
	if code != exitOK || stderr != "" {
		t.Fatalf("import -from har = %d, stderr %q", code, stderr)
	}
	if want := "imported 6 exchange(s) from 1 file(s) into 6 cassette(s) in " + dst + "\n"; stdout != want {
		t.Errorf("stdout = %q, want %q", stdout, want)
	}
	if _, err := os.Stat(filepath.Join(dst, "GET_127.0.0.1_40099_v2_cities.yaml")); err != nil {
		t.Errorf("import -format yaml: %v", err)
	}

	srv := replayserver.New(t, dst)
	resp, err := srv.Client().Get(srv.URL + "/v2/bulletin")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(body) != 650 || !strings.HasPrefix(string(body), "all the news") {
		t.Errorf("replayed gzip-in-HAR bulletin = %d, %d bytes %.20q; want 200 and the 650 decoded bytes", resp.StatusCode, len(body), body)
	}
	resp, err = srv.Client().Post(srv.URL+"/v2/alerts", "application/json", strings.NewReader(`{"item":2,"qty":3}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 201 || string(body) != `{"order":77,"got":{"item":2,"qty":3}}` {
		t.Errorf("replayed POST /v2/alerts = %d %q", resp.StatusCode, body)
	}

	// Importing again replaces, not duplicates.
	code, stdout, _ = runSync(t, "import", "-from", "har", chromiumHAR, dst)
	if code != exitOK || !strings.Contains(stdout, "(6 replaced)") {
		t.Errorf("import again = %d, stdout %q; want 6 replaced", code, stdout)
	}
	for _, c := range loadAll(t, dst) {
		if len(c.Exchanges) != 1 {
			t.Errorf("after a second import %s has %d exchanges, want 1", c.Name, len(c.Exchanges))
		}
	}
}

func TestImportGoVCR(t *testing.T) {
	for _, src := range []string{govcrSample, filepath.Dir(govcrSample)} {
		dst := filepath.Join(t.TempDir(), "api.json")
		code, stdout, stderr := runSync(t, "import", "-from", "go-vcr", src, dst)
		if code != exitOK || stderr != "" {
			t.Fatalf("import -from go-vcr %s = %d, stderr %q", src, code, stderr)
		}
		if !strings.HasPrefix(stdout, "imported 4 exchange(s) from 1 file(s) into 4 cassette(s)") {
			t.Errorf("stdout = %q", stdout)
		}
		all := loadAll(t, dst)
		statuses := map[int]int{}
		for _, c := range all {
			ex := c.Exchanges[0]
			statuses[ex.Response.StatusCode]++
			switch {
			case strings.HasSuffix(c.Name, "_logo.png"):
				if want := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x00\x01"); !bytes.Equal(ex.Response.Body, want) {
					t.Errorf("logo body = %q, want %q", ex.Response.Body, want)
				}
			case strings.HasPrefix(c.Name, "POST_"):
				if string(ex.Request.Body) != `{"item":2,"qty":3}` || ex.Latency <= 0 {
					t.Errorf("POST exchange: request body %q, latency %v", ex.Request.Body, ex.Latency)
				}
			case strings.HasSuffix(c.Name, "_v1_users"):
				if got := ex.Response.Header["Set-Cookie"]; strings.Join(got, ";") != "a=REDACTED;b=REDACTED" {
					t.Errorf("users Set-Cookie = %q, want [a=REDACTED b=REDACTED]", got)
				}
			}
		}
		if statuses[200] != 2 || statuses[201] != 1 || statuses[404] != 1 {
			t.Errorf("statuses = %v, want two 200, one 201, one 404", statuses)
		}
	}
}

func TestImportErrors(t *testing.T) {
	dir := t.TempDir()
	vcrpy := filepath.Join(dir, "vcrpy.yaml")
	os.WriteFile(vcrpy, []byte("interactions:\n- request: {uri: 'http://x/', method: GET, body: null, headers: {}}\n  response: {status: {code: 200, message: OK}, headers: {}, body: {string: ''}}\nversion: 1\n"), 0o644)
	dst := filepath.Join(dir, "out")
	code, _, stderr := runSync(t, "import", "-from", "go-vcr", vcrpy, dst)
	if code != exitError || !strings.Contains(stderr, "vcrpy") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("import of a vcrpy cassette = %d, stderr %q; want 1 and one line naming vcrpy", code, stderr)
	}
	if _, err := os.Stat(dst); err == nil {
		t.Errorf("failed import created %s", dst)
	}
	code, _, stderr = runSync(t, "import", "-from", "har", dir, dst)
	if code != exitError || !strings.Contains(stderr, "no .har file in") {
		t.Errorf("import -from har of a folder without HAR = %d, stderr %q", code, stderr)
	}

	tests := []struct {
		args []string
		want string
	}{
		{[]string{"import", "a.har", "lib"}, "cassette import: missing -from go-vcr|har (see cassette import -h)"},
		{[]string{"import", "-from", "vcrpy", "a", "lib"}, `cassette import: unknown -from "vcrpy": want go-vcr or har (see cassette import -h)`},
		{[]string{"import", "-from", "har", "a.har"}, "cassette import: want SRC and DST (see cassette import -h)"},
		{[]string{"export", "lib", "a.har"}, "cassette export: missing -to har (see cassette export -h)"},
		{[]string{"export", "-to", "postman", "lib", "a.json"}, `cassette export: unknown -to "postman": want har (see cassette export -h)`},
		{[]string{"export", "-to", "har", "lib", "a.har", "b"}, `cassette export: too many arguments ["b"] (see cassette export -h)`},
	}
	for _, tt := range tests {
		code, stdout, stderr := runSync(t, tt.args...)
		if code != exitUsage || stderr != tt.want+"\n" || stdout != "" {
			t.Errorf("run(%q) = %d, stdout %q, stderr %q; want 2 and the line %q", tt.args, code, stdout, stderr, tt.want)
		}
	}
}

// TestExportImportRoundTrip exports a library to HAR and imports it back:
// the same cassettes.
// A null interaction in a go-vcr cassette stops the import, as an
// interaction without a request or response does, with an error naming the
// file and the interaction; nothing is written.
func TestImportGoVCRNullInteraction(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "null.yaml")
	cassette := "version: 2\ninteractions:\n  - {id: 0, request: {method: GET, url: 'https://api.example.com/a'}, response: {code: 200}}\n  - null\n"
	if err := os.WriteFile(src, []byte(cassette), 0o644); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "out")
	code, stdout, stderr := runSync(t, "import", "-from", "go-vcr", src, dst)
	if want := "cassette import: " + src + ": read go-vcr cassette: line 4: interaction 2 is null"; code != exitError || !strings.HasPrefix(stderr, want) || stdout != "" {
		t.Errorf("import of a cassette with a null interaction = %d, stdout %q, stderr %q; want %d and stderr starting %q", code, stdout, stderr, exitError, want)
	}
	if _, err := os.Stat(dst); err == nil {
		t.Errorf("failed import created %s", dst)
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	src := writeSample(t, "api")
	har := filepath.Join(t.TempDir(), "out.har")
	code, stdout, stderr := runSync(t, "export", "-to", "har", src, har)
	if code != exitOK || stderr != "" || stdout != "exported 6 exchange(s) of 5 cassette(s) to "+har+"\n" {
		t.Fatalf("export = %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	data, _ := os.ReadFile(har)
	var v struct {
		Log struct {
			Version string
			Creator struct{ Name string }
			Entries []json.RawMessage
		}
	}
	if err := json.Unmarshal(data, &v); err != nil || v.Log.Version != "1.2" || v.Log.Creator.Name != "cassette" || len(v.Log.Entries) != 6 {
		t.Errorf("exported HAR: %v, version %q, creator %q, %d entries", err, v.Log.Version, v.Log.Creator.Name, len(v.Log.Entries))
	}

	dst := filepath.Join(t.TempDir(), "back.yaml")
	if code, _, stderr := runSync(t, "import", "-from", "har", "-no-redact", har, dst); code != exitOK {
		t.Fatalf("import = %d, stderr %q", code, stderr)
	}
	if diff := cmp.Diff(loadAll(t, src), loadAll(t, dst)); diff != "" {
		t.Errorf("library -> HAR -> library differs (-src +dst):\n%s", diff)
	}

	// No overwrite without -force; "-" is stdout.
	if code, _, stderr := runSync(t, "export", "-to", "har", src, har); code != exitError || !strings.Contains(stderr, "-force") {
		t.Errorf("export onto a file = %d, stderr %q; want 1 and a hint at -force", code, stderr)
	}
	if code, _, stderr := runSync(t, "export", "-to", "har", "-force", src, har); code != exitOK {
		t.Errorf("export -force = %d, stderr %q", code, stderr)
	}
	code, stdout, _ = runSync(t, "export", "-to", "har", src, "-")
	if code != exitOK || stdout != string(data) {
		t.Errorf("export to - = %d, stdout differs from the file", code)
	}
}

func TestImportProgress(t *testing.T) {
	for _, term := range []bool{false, true} {
		setTerminal(t, term)
		var out, errOut bytes.Buffer
		dst := filepath.Join(t.TempDir(), "api")
		if code := run(context.Background(), []string{"import", "-from", "har", chromiumHAR, dst}, &out, &errOut); code != exitOK {
			t.Fatalf("import = %d, stderr %q", code, errOut.String())
		}
		got := errOut.String()
		if !term && got != "" {
			t.Errorf("import with stderr not a terminal wrote %q, want nothing", got)
		}
		if term && !strings.Contains(got, "\rimporting 6/6") {
			t.Errorf("import with stderr a terminal wrote %q, want progress up to \\rimporting 6/6", got)
		}
	}
}

// TestImportRedacts imports credentials as the recorder stores them:
// redacted, and named after the redacted request, so the replay server
// (which names incoming requests the same way) finds them.
func TestImportRedacts(t *testing.T) {
	t.Setenv("CASSETTE_MODE", "")
	useClock(t)
	const har = `{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[
	{"startedDateTime":"2026-05-01T00:00:00Z","time":1,
	 "request":{"method":"GET","url":"https://api.example.com/v1/me?api_key=0123456789abcdef0123456789abcdef&page=1",
	   "headers":[{"name":"Authorization","value":"Bearer s3cr3t-t0ken"},{"name":"Cookie","value":"sid=abc123"}]},
	 "response":{"status":200,"headers":[{"name":"Set-Cookie","value":"sid=def456; Path=/"},{"name":"Content-Type","value":"application/json"}],
	   "content":{"size":11,"mimeType":"application/json","text":"{\"me\":\"ada\"}"}}}]}}`
	src := filepath.Join(t.TempDir(), "session.har")
	os.WriteFile(src, []byte(har), 0o644)
	dst := filepath.Join(t.TempDir(), "api")
	if code, _, stderr := runSync(t, "import", "-from", "har", src, dst); code != exitOK {
		t.Fatalf("import = %d, stderr %q", code, stderr)
	}
	all := loadAll(t, dst)
	if len(all) != 1 || !strings.HasPrefix(all[0].Name, "GET_api.example.com_443_v1_me__api-key=redacted,page=1~u") {
		t.Fatalf("imported cassettes %v, want one named after the redacted query", all)
	}
	ex := all[0].Exchanges[0]
	if got := ex.Request.Header.Get("Authorization") + "|" + ex.Request.Header.Get("Cookie") + "|" + ex.Response.Header.Get("Set-Cookie"); got != "Bearer REDACTED|sid=REDACTED|sid=REDACTED; Path=/" {
		t.Errorf("imported credentials = %q, want them redacted", got)
	}
	if code, stdout, _ := runSync(t, "audit", dst); code != exitOK {
		t.Errorf("audit of the imported library = %d:\n%s", code, stdout)
	}

	// Another developer's key finds the cassette.
	srv := replayserver.New(t, dst)
	resp, err := srv.Client().Get(srv.URL + "/v1/me?api_key=another&page=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != `{"me":"ada"}` {
		t.Errorf("replayed GET /v1/me with another key = %d %q", resp.StatusCode, body)
	}

	// -no-redact keeps everything.
	raw := filepath.Join(t.TempDir(), "raw.json")
	if code, _, stderr := runSync(t, "import", "-from", "har", "-no-redact", src, raw); code != exitOK {
		t.Fatalf("import -no-redact = %d, stderr %q", code, stderr)
	}
	if code, _, _ := runSync(t, "audit", raw); code != exitError {
		t.Errorf("audit of a library imported with -no-redact = %d, want 1", code)
	}
}

// TestImportHARFormsAndNothing: a HAR form given as postData.params (and a
// body typed only by postData.mimeType) is imported with its body, its
// password redacted; a HAR with nothing to import is an error, not a
// success that made no library.
func TestImportHARFormsAndNothing(t *testing.T) {
	dir := t.TempDir()
	forms := filepath.Join(dir, "forms.har")
	os.WriteFile(forms, []byte(`{"log":{"version":"1.2","entries":[
		{"request":{"method":"POST","url":"https://api.example.com/login","postData":{"mimeType":"application/x-www-form-urlencoded","params":[{"name":"user","value":"bob"},{"name":"password","value":"hunter2"}]}},
		 "response":{"status":200,"content":{"text":"ok"}}},
		{"request":{"method":"POST","url":"https://api.example.com/login2","postData":{"mimeType":"application/x-www-form-urlencoded","text":"user=bob&password=hunter2"}},
		 "response":{"status":200,"content":{"text":"ok"}}}]}}`), 0o644)
	dst := filepath.Join(dir, "lib")
	if code, _, stderr := runSync(t, "import", "-from", "har", forms, dst); code != exitOK {
		t.Fatalf("import = %d, stderr %q", code, stderr)
	}
	files, _ := filepath.Glob(filepath.Join(dst, "*.json"))
	if len(files) != 2 {
		t.Fatalf("imported files %q; want 2", files)
	}
	for _, f := range files {
		data, _ := os.ReadFile(f)
		if strings.Contains(string(data), "hunter2") || !strings.Contains(string(data), "user=bob&password=REDACTED") {
			t.Errorf("%s: want the form body with its password redacted:\n%s", f, data)
		}
	}

	empty := filepath.Join(dir, "empty.har")
	os.WriteFile(empty, []byte(`{"log":{"version":"1.2","entries":[]}}`), 0o644)
	nothing := filepath.Join(dir, "nothing")
	code, _, stderr := runSync(t, "import", "-from", "har", empty, nothing)
	if code != exitError || !strings.Contains(stderr, "holds no exchange to import") {
		t.Errorf("import of an empty HAR = %d, stderr %q; want 1 saying there is nothing to import", code, stderr)
	}
}

// A HAR file that starts with a UTF-8 byte order mark, as Windows editors
// save one, imports as the same file without it: it used to be refused as
// not JSON. So does one in UTF-16 with its mark, as PowerShell 5's > and
// Out-File write it.
func TestImportHARWithByteOrderMark(t *testing.T) {
	data, err := os.ReadFile(chromiumHAR)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	without := filepath.Join(dir, "plain.json")
	if code, _, stderr := runSync(t, "import", "-from", "har", chromiumHAR, without); code != exitOK {
		t.Fatalf("import -from har of %s = %d, stderr %q; want 0", chromiumHAR, code, stderr)
	}
	utf16Of := func(order binary.AppendByteOrder, mark []byte) []byte {
		out := slices.Clone(mark)
		for _, u := range utf16.Encode([]rune(string(data))) {
			out = order.AppendUint16(out, u)
		}
		return out
	}
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"utf-8", append([]byte("\ufeff"), data...)},
		{"utf-16le", utf16Of(binary.LittleEndian, []byte{0xff, 0xfe})},
		{"utf-16be", utf16Of(binary.BigEndian, []byte{0xfe, 0xff})},
	} {
		t.Run(c.name, func(t *testing.T) {
			bom := filepath.Join(dir, c.name+".har")
			if err := os.WriteFile(bom, c.data, 0o644); err != nil {
				t.Fatal(err)
			}
			withBOM := filepath.Join(dir, c.name+".json")
			code, stdout, stderr := runSync(t, "import", "-from", "har", bom, withBOM)
			if code != exitOK || !strings.HasPrefix(stdout, "imported ") {
				t.Fatalf("import -from har of %s = %d, stdout %q, stderr %q; want 0", bom, code, stdout, stderr)
			}
			if diff := cmp.Diff(loadAll(t, without), loadAll(t, withBOM)); diff != "" {
				t.Errorf("import of the HAR in %s with a byte order mark differs from without (-without +with):\n%s", c.name, diff)
			}
		})
	}
}

// A go-vcr cassette that yaml.v3 panics on (a mapping used as a key beside
// a merge key) stops the import with an error naming the file and the line
// of that key; nothing is written.
func TestImportGoVCRKeyBesideMerge(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "merge.yaml")
	cassette := "version: 2\ninteractions:\n  - id: 0\n    request: {method: GET, url: 'https://api.example.com/a'}\n    response:\n      code: 200\n      {a: b}: 1\n      <<: {}\n"
	if err := os.WriteFile(src, []byte(cassette), 0o644); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "out")
	code, stdout, stderr := runSync(t, "import", "-from", "go-vcr", src, dst)
	if want := "cassette import: " + src + ": read go-vcr cassette: line 7: a mapping is used as a key beside a merge key (<<)"; code != exitError || !strings.HasPrefix(stderr, want) || stdout != "" {
		t.Errorf("import = %d, stdout %q, stderr %q; want %d and stderr starting %q", code, stdout, stderr, exitError, want)
	}
	if _, err := os.Stat(dst); err == nil {
		t.Errorf("failed import created %s", dst)
	}
}

// A go-vcr cassette whose interactions are under a misspelt key fails,
// naming the file, the key's line and the key go-vcr writes: it said only
// that it held no exchange to import.
func TestImportGoVCRMisspeltInteractions(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "typo.yaml")
	cassette := "version: 2\nInteractions:\n  - id: 0\n    request: {method: GET, url: 'https://api.example.com/a'}\n    response: {code: 200}\n"
	if err := os.WriteFile(src, []byte(cassette), 0o644); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "out")
	code, stdout, stderr := runSync(t, "import", "-from", "go-vcr", src, dst)
	if want := "cassette import: " + src + `: read go-vcr cassette: line 2: unknown key "Interactions" at the top of the cassette, and no "interactions"`; code != exitError || !strings.HasPrefix(stderr, want) || stdout != "" {
		t.Errorf("import = %d, stdout %q, stderr %q; want %d and stderr starting %q", code, stdout, stderr, exitError, want)
	}
	if _, err := os.Stat(dst); err == nil {
		t.Errorf("failed import created %s", dst)
	}
}
