package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLs(t *testing.T) {
	useClock(t)
	for _, lib := range []string{"api", "api.yaml"} {
		t.Run(lib, func(t *testing.T) {
			path := writeSample(t, lib)
			code, stdout, stderr := runSync(t, "ls", path)
			if code != exitOK || stderr != "" {
				t.Fatalf("ls %s = %d, stderr %q; want 0 and none", path, code, stderr)
			}
			rows := map[string]string{}
			lines := strings.Split(strings.TrimSpace(stdout), "\n")
			if got := strings.Join(strings.Fields(lines[0]), " "); got != "NAME METHOD URL STATUS SIZE TIMES AGE" {
				t.Errorf("header = %q", got)
			}
			for _, l := range lines[1:] {
				f := strings.Fields(l)
				rows[f[0]] = strings.Join(f[1:], " ")
			}
			ex := sampleExchanges(t)
			want := map[string]string{
				// Two exchanges: the last one's status and size, the newest age.
				nameOf(ex[0]): "GET https://api.example.com/v1/users?page=2 200 24 B 2 5h",
				nameOf(ex[2]): "POST https://api.example.com/v1/orders 201 12 B 1 40d",
				nameOf(ex[3]): "GET https://cdn.example.com/logo.png 200 22 B 1 100d",
				nameOf(ex[4]): "GET https://api.example.com/v1/news 200 37 B 1 -",
				nameOf(ex[5]): "DELETE https://api.example.com/v1/orders/77 404 17 B 1 1m",
			}
			if len(rows) != len(want) {
				t.Errorf("ls listed %d cassettes, want %d:\n%s", len(rows), len(want), stdout)
			}
			for name, w := range want {
				if rows[name] != w {
					t.Errorf("ls row of %s = %q, want %q", name, rows[name], w)
				}
			}
		})
	}
}

func TestLsErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nothing-here")
	code, stdout, stderr := runSync(t, "ls", missing)
	if code != exitError || stdout != "" || !strings.Contains(stderr, missing) {
		t.Errorf("ls on a missing library = %d, stdout %q, stderr %q; want 1 and an error naming it", code, stdout, stderr)
	}
}

func TestHumanSize(t *testing.T) {
	tests := []struct {
		n    int64
		want string
	}{
		{-1, "?"}, // a body file that cannot be read
		{0, "0 B"},
		{1023, "1023 B"},
		{1024, "1.0 KiB"},
		{1536, "1.5 KiB"},
		{20 << 10, "20 KiB"},
		{3 << 20, "3.0 MiB"},
		{1 << 30, "1.0 GiB"}, // a body file
	}
	for _, tt := range tests {
		if got := humanSize(tt.n); got != tt.want {
			t.Errorf("humanSize(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestAge(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{3*24*time.Hour + 5*time.Hour, "3d"},
		{5*time.Hour + 59*time.Minute, "5h"},
		{90 * time.Second, "1m"},
		{10 * time.Second, "10s"},
		{-time.Hour, "0s"}, // recorded "in the future": clock skew
	}
	for _, tt := range tests {
		if got := age(fixedNow, fixedNow.Add(-tt.d)); got != tt.want {
			t.Errorf("age(now, now-%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
	if got := age(fixedNow, time.Time{}); got != "-" {
		t.Errorf("age of an unknown time = %q, want \"-\"", got)
	}
}

// A directory library made on Linux may hold cassettes whose names differ
// only in case: ls lists them, and warns on stderr that a clone on macOS or
// Windows keeps one of them.
func TestLsWarnsOfNamesDifferingOnlyInCase(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "api")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"GET_api.example.com_users", "GET_api.example.com_Users", "GET_api.example.com_items"} {
		if err := os.WriteFile(filepath.Join(dir, name+".json"), []byte(`{"version": 1, "exchanges": []}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 3 {
		t.Skip("this file system takes names differing only in case for one file (as macOS's and Windows's do): no twins here")
	}
	code, stdout, stderr := runSync(t, "ls", dir)
	if code != exitOK || strings.Count(stdout, "\n") != 4 {
		t.Errorf("ls = %d, stdout:\n%s\nwant 0 and 3 cassettes listed", code, stdout)
	}
	want := "warning: cassettes whose names differ only in case: GET_api.example.com_Users, GET_api.example.com_users (a clone on macOS or Windows"
	if !strings.Contains(stderr, want) || strings.Contains(stderr, "_items") {
		t.Errorf("stderr = %q; want a warning naming the twins only", stderr)
	}
}
