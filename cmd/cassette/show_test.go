package main

import (
	"strings"
	"testing"
)

func TestShow(t *testing.T) {
	path := writeSample(t, "api")
	ex := sampleExchanges(t)
	tests := []struct {
		why  string
		args []string
		want []string // in stdout, in this order
		not  []string // not in stdout
	}{
		{"JSON bodies are indented, every exchange shown",
			[]string{nameOf(ex[0])},
			[]string{"2 exchange(s)", "=== exchange 1 of 2, recorded 2026-05-07T12:00:00Z, took 12.5ms",
				"GET https://api.example.com/v1/users?page=2", "Accept: */*",
				"200 OK", "Set-Cookie: a=1\nSet-Cookie: b=2\nSet-Cookie: c=3",
				"{\n  \"users\": [\n    {\n      \"id\": 1,", "=== exchange 2 of 2", `"next": null`, "(streamed in 2 chunk(s), the last at 3ms)"},
			nil},
		{"request body and trailers",
			[]string{nameOf(ex[2])},
			[]string{"POST https://api.example.com/v1/orders", "Content-Type: application/json", "\"item\": 2",
				"201 Created", "\"order\": 77", "trailers:\nX-Checksum: abc"},
			nil},
		{"binary body is summarized",
			[]string{nameOf(ex[3])},
			[]string{"<22 bytes, image/png>\n"}, []string{"PNG"}},
		{"gzip body is summarized with its encoding",
			[]string{nameOf(ex[4])},
			[]string{"<", " bytes, text/plain, gzip>"}, nil},
		{"-raw writes bodies as stored",
			[]string{"-raw", nameOf(ex[3])},
			[]string{string(pngBytes)}, []string{"bytes, image/png>"}},
		{"-raw does not indent JSON",
			[]string{nameOf(ex[2]), "-raw"},
			[]string{`{"order":77}`}, nil},
		{"a directory library's file name works",
			[]string{nameOf(ex[5]) + ".json"},
			[]string{"DELETE https://api.example.com/v1/orders/77", "404 Not Found", "bytes, text/plain; charset=iso-8859-1>\n"}, nil},
		{"a summary ends its line, though the body stored ends in a line break",
			[]string{nameOf(ex[5])},
			[]string{"<17 bytes, text/plain; charset=iso-8859-1>\n"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			args := append([]string{"show", path}, tt.args...)
			code, stdout, stderr := runSync(t, args...)
			if code != exitOK || stderr != "" {
				t.Fatalf("run(%q) = %d, stderr %q; want 0 and none", args, code, stderr)
			}
			rest := stdout
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("run(%q) stdout lacks %q (in order):\n%s", args, w, stdout)
				}
				rest = rest[i+len(w):]
			}
			for _, n := range tt.not {
				if strings.Contains(stdout, n) {
					t.Errorf("run(%q) stdout has %q:\n%s", args, n, stdout)
				}
			}
		})
	}
}

func TestShowUnknownNameListsNearest(t *testing.T) {
	path := writeSample(t, "api.json")
	ex := sampleExchanges(t)
	typo := strings.Replace(nameOf(ex[2]), "orders", "order", 1)
	code, stdout, stderr := runSync(t, "show", path, typo)
	if code != exitError || stdout != "" {
		t.Fatalf("show of an unknown name = %d, stdout %q; want 1 and none", code, stdout)
	}
	if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "no cassette \""+typo+"\"") {
		t.Errorf("stderr = %q, want one line saying there is no cassette %q", stderr, typo)
	}
	if _, near, _ := strings.Cut(stderr, "nearest: "); !strings.HasPrefix(near, nameOf(ex[2])) {
		t.Errorf("stderr = %q, want the nearest name %s first", stderr, nameOf(ex[2]))
	}
}

func TestNearest(t *testing.T) {
	names := []string{"GET_a_80_users", "GET_a_80_users_1", "POST_a_80_orders", "GET_b_80_x"}
	got := nearest("GET_a_80_user", names, 2)
	if strings.Join(got, " ") != "GET_a_80_users GET_a_80_users_1" {
		t.Errorf("nearest(GET_a_80_user) = %q, want the two users cassettes", got)
	}
	// A part of a name, or a name in another case, finds it: edit
	// distance alone ranks the shortest names first, whatever they hold.
	mixed := []string{"GET_a_80", "GET_a_80_v1_users", "GET_b_8080_v2_cities", "POST_b_8080_v2_alerts~b1bd08490",
		"GET_b_8080_v2_forecast__city=lyon~u1", "GET_b_8080_v2_forecast__city=paris~u2"}
	for _, tt := range []struct {
		why, name string
		n         int
		want      string
	}{
		{"a part of one name", "alerts", 1, "POST_b_8080_v2_alerts~b1bd08490"},
		{"a part of two names", "forecast", 2, "GET_b_8080_v2_forecast__city=lyon~u1 GET_b_8080_v2_forecast__city=paris~u2"},
		{"a part in another case", "V1_Users", 1, "GET_a_80_v1_users"},
		{"a name in another case", "get_b_8080_v2_cities", 1, "GET_b_8080_v2_cities"},
	} {
		if got := nearest(tt.name, mixed, tt.n); strings.Join(got, " ") != tt.want {
			t.Errorf("nearest(%s) = %q, want %s (%s)", tt.name, got, tt.want, tt.why)
		}
	}
	if got := nearest("x", nil, 3); len(got) != 0 {
		t.Errorf("nearest in no names = %q, want none", got)
	}
	if d := levenshtein("kitten", "sitting"); d != 3 {
		t.Errorf("levenshtein(kitten, sitting) = %d, want 3", d)
	}
}
