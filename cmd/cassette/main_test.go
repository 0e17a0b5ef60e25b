package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// A proc is the cassette command running in process, as a test drives it.
type proc struct {
	t      *testing.T
	cancel context.CancelFunc // the first interrupt
	now    context.CancelFunc // the second interrupt
	lines  chan string        // stdout, line by line; closed when run returns
	stdout lockedBuffer       // all of stdout
	stderr lockedBuffer

	once sync.Once
	done chan int // run's exit status
	code int
}

// start runs cassette with args until stop is called (or the test ends).
func start(t *testing.T, args ...string) *proc {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	now, stopNow := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	p := &proc{t: t, cancel: cancel, now: stopNow, lines: make(chan string, 1024), done: make(chan int, 1)}
	go func() {
		code := run(withStopNow(ctx, now), args, pw, &p.stderr)
		pw.Close()
		p.done <- code
	}()
	go func() {
		defer close(p.lines)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			p.stdout.WriteString(sc.Text() + "\n")
			p.lines <- sc.Text()
		}
		io.Copy(io.Discard, pr) // never block run, even on a line too long
	}()
	t.Cleanup(func() { p.stop() })
	return p
}

// waitLine returns the first line of stdout not read yet that starts with
// prefix, failing the test if the command exits first.
func (p *proc) waitLine(prefix string) string {
	p.t.Helper()
	for line := range p.lines {
		if strings.HasPrefix(line, prefix) {
			return line
		}
	}
	code := p.stop()
	p.t.Fatalf("cassette exited with status %d before printing %q\nstdout:\n%s\nstderr:\n%s",
		code, prefix, p.stdout.String(), p.stderr.String())
	return ""
}

// baseURL waits for the line announcing the server and returns its URL.
func (p *proc) baseURL() string {
	p.t.Helper()
	_, u := p.announce()
	return u
}

// announce waits for the line announcing the server and returns it and
// the URL that ends it.
func (p *proc) announce() (line, url string) {
	p.t.Helper()
	line = p.waitLine("cassette: ")
	i := strings.LastIndex(line, " http://")
	if i < 0 {
		p.t.Fatalf("no URL at the end of first line %q", line)
	}
	return line, line[i+1:]
}

// stop cancels the command's context and returns its exit status once it
// has returned and its output has been read.
func (p *proc) stop() int {
	p.once.Do(func() {
		p.cancel()
		p.code = <-p.done
		for range p.lines {
		}
		p.now()
	})
	return p.code
}

// exited waits up to d for the command to return after an interrupt (see
// the fields cancel and now) and returns its exit status; ok is false if
// it is still running.
func (p *proc) exited(d time.Duration) (code int, ok bool) {
	select {
	case code := <-p.done:
		p.done <- code // for stop
		return p.stop(), true
	case <-time.After(d):
		return 0, false
	}
}

// runSync runs cassette with args to its end.
func runSync(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// A lockedBuffer is a bytes.Buffer safe for concurrent use.
type lockedBuffer struct {
	mu sync.Mutex // guards b
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) WriteString(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.b.WriteString(s)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		why  string
		args []string
		want string // the one line on stderr
	}{
		{"no command", nil,
			"cassette: missing command (see cassette -h)"},
		{"unknown command", []string{"frobnicate"},
			`cassette: unknown command "frobnicate" (see cassette -h)`},
		{"flag before the command", []string{"-v", "serve"},
			"cassette: unknown flag -v before the command (see cassette -h)"},
		{"serve needs a library", []string{"serve"},
			"cassette serve: missing PATH (see cassette serve -h)"},
		{"serve takes one library", []string{"serve", "a", "b"},
			`cassette serve: too many arguments ["b"] (see cassette serve -h)`},
		{"unknown flag", []string{"serve", "-nope", "lib"},
			"cassette serve: flag provided but not defined: -nope (see cassette serve -h)"},
		{"flag without its value", []string{"serve", "lib", "-addr"},
			"cassette serve: flag needs an argument: -addr (see cassette serve -h)"},
		{"unknown mode", []string{"serve", "-mode", "fast", "lib"},
			`cassette serve: unknown -mode "fast": want replay, once, record, rerecord or passthrough (see cassette serve -h)`},
		{"serve upstream not a URL", []string{"serve", "-upstream", "api.example.com", "lib"},
			`cassette serve: -upstream "api.example.com": want an absolute http or https URL such as https://api.example.com (see cassette serve -h)`},
		{"record needs an upstream", []string{"record", "lib"},
			"cassette record: missing -upstream URL (see cassette record -h)"},
		{"record needs a library", []string{"record", "-upstream", "http://127.0.0.1:1"},
			"cassette record: missing PATH (see cassette record -h)"},
		{"record takes one library", []string{"record", "-upstream", "http://127.0.0.1:1", "a", "b", "c"},
			`cassette record: too many arguments ["b" "c"] (see cassette record -h)`},
		{"record upstream not http", []string{"record", "-upstream", "ftp://example.com", "lib"},
			`cassette record: -upstream "ftp://example.com": want an absolute http or https URL such as https://api.example.com (see cassette record -h)`},
		{"record -max-body-size of an unknown unit", []string{"record", "-upstream", "http://127.0.0.1:1", "-max-body-size", "64XB", "lib"},
			`cassette record: invalid value "64XB" for flag -max-body-size: want a whole number of bytes, or one with a unit such as 512KiB, 64MiB, 1GiB or 100MB; 0 for no limit (see cassette record -h)`},
		{"record -max-body-size negative", []string{"record", "-upstream", "http://127.0.0.1:1", "-max-body-size", "-1", "lib"},
			`cassette record: invalid value "-1" for flag -max-body-size: want a whole number of bytes, or one with a unit such as 512KiB, 64MiB, 1GiB or 100MB; 0 for no limit (see cassette record -h)`},
		{"serve -max-body-size not whole", []string{"serve", "-mode", "record", "-upstream", "http://127.0.0.1:1", "-max-body-size", "1.5GiB", "lib"},
			`cassette serve: invalid value "1.5GiB" for flag -max-body-size: want a whole number of bytes, or one with a unit such as 512KiB, 64MiB, 1GiB or 100MB; 0 for no limit (see cassette serve -h)`},
		{"serve -max-body-size too large", []string{"serve", "-max-body-size", "9000000TiB", "lib"},
			`cassette serve: invalid value "9000000TiB" for flag -max-body-size: too large a size (see cassette serve -h)`},
		{"ls needs a library", []string{"ls"},
			"cassette ls: missing PATH (see cassette ls -h)"},
		{"ls takes one library", []string{"ls", "a", "b"},
			`cassette ls: too many arguments ["b"] (see cassette ls -h)`},
		{"show needs a library and a name", []string{"show"},
			"cassette show: missing PATH and NAME (see cassette show -h)"},
		{"show needs a name", []string{"show", "lib"},
			"cassette show: missing NAME (see cassette show -h)"},
		{"show takes one name", []string{"show", "lib", "a", "b"},
			`cassette show: too many arguments ["b"] (see cassette show -h)`},
		{"version takes no arguments", []string{"version", "now"},
			`cassette version: too many arguments ["now"] (see cassette version -h)`},
		{"help about an unknown command", []string{"help", "frobnicate"},
			`cassette help: unknown command "frobnicate" (see cassette -h)`},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			code, stdout, stderr := runSync(t, tt.args...)
			if code != exitUsage {
				t.Errorf("run(%q) = %d, want %d", tt.args, code, exitUsage)
			}
			if stderr != tt.want+"\n" {
				t.Errorf("run(%q) stderr:\n%s\nwant the one line:\n%s", tt.args, stderr, tt.want)
			}
			if stdout != "" {
				t.Errorf("run(%q) stdout = %q, want none", tt.args, stdout)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	tests := []struct {
		why  string
		args []string
		want []string // in stdout
	}{
		{"-h lists the commands", []string{"-h"},
			[]string{"Usage:", "cassette <command>", "serve ", "record ", "version ", "help "}},
		{"help lists the commands", []string{"help"},
			[]string{"Usage:", "serve ", "record ", "version "}},
		{"help -h lists the commands", []string{"help", "-h"},
			[]string{"Usage:", "serve ", "record ", "version "}},
		{"serve -h shows flags, defaults and an example", []string{"serve", "-h"},
			[]string{"Usage: cassette serve [-addr ADDR] [-upstream URL] [-mode MODE] [-strict] [-unused FILE] [-max-body-size SIZE] [-no-redact] [-rules FILE] [-header NAME] [-ignore-query KEY] [-body TYPE=RULE] PATH",
				"-addr address", `(default "127.0.0.1:0")`, "-mode mode", `(default "replay")`, "-max-body-size SIZE", "(default 64MiB)",
				"-strict", "-unused FILE", "-upstream URL", "CASSETTE_MODE", "Example:", "cassette serve -addr",
				"Naming rules", "-rules FILE", "-header NAME", "-ignore-query KEY", "-body TYPE=RULE", "json-without:", `"ignoreQuery": ["_"]`,
				"cassette serve -header X-Tenant"}},
		{"help serve is serve -h", []string{"help", "serve"},
			[]string{"Usage: cassette serve", "Example:"}},
		{"-h after other flags", []string{"serve", "-strict", "-h"},
			[]string{"Usage: cassette serve"}},
		{"record --help shows flags and an example", []string{"record", "--help"},
			[]string{"Usage: cassette record -upstream URL [-addr ADDR] [-strict] [-unused FILE] [-max-body-size SIZE] [-no-redact] [-rules FILE] [-header NAME] [-ignore-query KEY] [-body TYPE=RULE] PATH",
				"-upstream URL", "-addr address", `(default "127.0.0.1:0")`, "-max-body-size SIZE", "(default 64MiB)", "Example:", "cassette record -upstream",
				"Naming rules", "-rules FILE", "-header NAME", "-ignore-query KEY", "-body TYPE=RULE", "form-without:", "-rules testdata/api-rules.json"}},
		{"ls -h", []string{"ls", "-h"},
			[]string{"Usage: cassette ls PATH", "AGE", "Example:", "cassette ls testdata/api"}},
		{"show -h", []string{"show", "-h"},
			[]string{"Usage: cassette show [-raw] PATH NAME", "-raw", "nearest names", "Example:", "cassette show "}},
		{"prune -h", []string{"prune", "-h"},
			[]string{"Usage: cassette prune -unused FILE [-force] PATH", "-unused file", "-force", "dry run", "Example:", "cassette prune -unused"}},
		{"convert -h", []string{"convert", "-h"},
			[]string{"Usage: cassette convert [-format json|yaml] [-force] SRC DST", "-format format", "-force", "losslessly", "Example:", "cassette convert "}},
		{"import -h", []string{"import", "-h"},
			[]string{"Usage: cassette import -from go-vcr|har", "-from tool", "-format format", "-no-redact", "REDACTED", "Content-Encoding", "vcrpy", "over 8 MiB is stored in a body file", "Example:", "cassette import -from go-vcr",
				"[-rules FILE] [-header NAME] [-ignore-query KEY] [-body TYPE=RULE] SRC DST", "Naming rules", "-rules FILE", "-header NAME", "-ignore-query KEY", "-body TYPE=RULE", "json-without:",
				"cassette import -from har -rules testdata/api-rules.json"}},
		{"export -h", []string{"export", "-h"},
			[]string{"Usage: cassette export -to har [-force] SRC DST", "-to format", "-force", "HAR 1.2", "Example:", "cassette export -to har"}},
		{"audit -h", []string{"audit", "-h"},
			[]string{"Usage: cassette audit [-max-age AGE] PATH...", "-max-age AGE", "pre-commit", "REDACTED", "Example:", "cassette audit -max-age 90d"}},
		{"drift -h", []string{"drift", "-h"},
			[]string{"Usage: cassette drift -upstream URL", "-upstream URL", "-ignore-fields keys", "-headers headers", "-ignore-headers headers", "-H header", "Example:", "cassette drift -upstream"}},
		{"help lists the new commands", []string{"help"},
			[]string{"ls ", "show ", "prune ", "convert ", "import ", "export ", "audit ", "drift "}},
		{"version -h", []string{"version", "-h"},
			[]string{"Usage: cassette version"}},
	}
	for _, tt := range tests {
		t.Run(tt.why, func(t *testing.T) {
			code, stdout, stderr := runSync(t, tt.args...)
			if code != exitOK {
				t.Errorf("run(%q) = %d, want 0; stderr:\n%s", tt.args, code, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("run(%q) stdout lacks %q:\n%s", tt.args, w, stdout)
				}
			}
			if stderr != "" {
				t.Errorf("run(%q) stderr = %q, want none", tt.args, stderr)
			}
		})
	}
}

func TestVersion(t *testing.T) {
	code, stdout, stderr := runSync(t, "version")
	if code != exitOK || stderr != "" {
		t.Fatalf("run(version) = %d, stderr %q; want 0 and none", code, stderr)
	}
	if !strings.HasPrefix(stdout, "cassette ") || strings.Count(stdout, "\n") != 1 {
		t.Errorf("run(version) stdout = %q, want one line \"cassette VERSION\"", stdout)
	}
}

// TestInterruptTwiceStopsTheBinaryAtOnce builds cassette and interrupts
// "cassette record" twice with SIGINT while a client holds an event stream
// open through it: the first interrupt must say that it waits and that
// Ctrl-C again stops at once, the second must stop it within seconds
// (where it used to be ignored, the stop taking the whole 10 seconds), and
// the stream must be saved as far as it had come.
func TestInterruptTwiceStopsTheBinaryAtOnce(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGINT to send on windows")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command to build cassette: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	bin := filepath.Join(t.TempDir(), "cassette"+exeSuffix)
	if out, err := exec.CommandContext(ctx, goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	api := endlessAPI(t)
	lib := filepath.Join(t.TempDir(), "api")
	cmd := exec.CommandContext(ctx, bin, "record", "-upstream", api, lib)
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	base := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if i := strings.LastIndex(sc.Text(), " via http://"); i >= 0 {
				base <- sc.Text()[i+len(" via "):]
			}
		}
		exited <- cmd.Wait()
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	var proxy string
	select {
	case proxy = <-base:
	case err := <-exited:
		exited <- err
		t.Fatalf("cassette record exited before announcing its address: %v; stderr:\n%s", err, stderr.String())
	}

	open(t, proxy+"/events", "data: one\n\n")
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	waitStderr(t, &stderr, "cassette record: stopping: waiting up to 10s for 1 open request(s) to end; Ctrl-C again stops at once\n")
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		exited <- err
		if err != nil {
			t.Errorf("cassette record after two interrupts: %v, want status 0 (the stream it cut off is stored); stderr:\n%s", err, stderr.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("cassette record did not exit within 5s of the second interrupt; stderr:\n%s", stderr.String())
	}
	for _, want := range []string{
		"cassette record: stopped at once, cutting off 1 open request(s)\n",
		"cassette record: 1 request(s) cut off by the stop, stored as far as it had come",
	} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr does not say %q:\n%s", want, stderr.String())
		}
	}
	if cs := loadAll(t, lib); len(cs) != 1 || len(cs[0].Exchanges) != 1 || string(cs[0].Exchanges[0].Response.Body) != "data: one\n\n" {
		t.Errorf("%s after two interrupts holds %+v, want the stream as far as it had come", lib, cs)
	}
}
