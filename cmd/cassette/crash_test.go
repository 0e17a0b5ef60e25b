package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cassette-go/cassette/internal/atomicfile"
	"github.com/cassette-go/cassette/library"
)

var crashSeed = flag.Uint64("crash.seed", 0, "seed of TestRecordSurvivesSIGKILL (0: from the clock)")

// crashBody returns the body the crash test's upstream sends for key: 512
// bytes to 16 KiB of text, different for each key.
func crashBody(key string) []byte {
	h := fnv.New32a()
	io.WriteString(h, key)
	size := 512 + int(h.Sum32()%(16<<10))
	var b bytes.Buffer
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "%s line %d\n", key, i)
	}
	return b.Bytes()[:size]
}

// crashResponse is what the upstream answers to method path with body.
func crashResponse(method, path string, body []byte) []byte {
	if method == http.MethodPost {
		sum := sha256.Sum256(body)
		return crashBody("POST " + path + " " + hex.EncodeToString(sum[:]))
	}
	return crashBody(method + " " + path)
}

// exeSuffix ends the name of a program built for this system: ".exe" on
// Windows, which runs only a file named so (go build -o names it as told).
var exeSuffix = func() string {
	if runtime.GOOS == "windows" {
		return ".exe"
	}
	return ""
}()

// TestRecordSurvivesSIGKILL runs "cassette record" 20 times against a
// loopback upstream, drives requests at it from several goroutines and
// kills it with SIGKILL after a random number of answers, alternating a
// directory library and a single-file JSON library, each kept from one
// run to the next. After each kill the library must load without error,
// hold only whole exchanges (each body the one the upstream sent for its
// request, each request once), and still hold every exchange it held
// before the run.
func TestRecordSurvivesSIGKILL(t *testing.T) {
	const (
		runs       = 20
		maxAnswers = 30 // the kill comes after 0 to maxAnswers answers
		senders    = 4
	)
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

	seed := *crashSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun with -crash.seed=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 0))

	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return // the recorder was killed
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(crashResponse(r.Method, r.URL.Path, body))
	}))
	defer api.Close()

	dir := t.TempDir()
	libs := []string{filepath.Join(dir, "lib"), filepath.Join(dir, "lib.json")}
	held := map[string]map[string]bool{} // library -> requests it holds
	var id atomic.Int64                  // request ids, unique across runs
	for run := range runs {
		if ctx.Err() != nil {
			t.Fatalf("run %d: out of time", run)
		}
		lib := libs[run%len(libs)]
		kill := rng.IntN(maxAnswers + 1)
		answered := crashRun(t, ctx, bin, api.URL, lib, kill, senders, &id)
		got := checkCrashedLibrary(t, lib)
		for req := range held[lib] {
			if !got[req] {
				t.Errorf("run %d: %s lost %s, stored by an earlier run", run, filepath.Base(lib), req)
			}
		}
		// A temporary file left behind tells of a kill during a save.
		tmps, _ := filepath.Glob(filepath.Join(dir, "*", atomicfile.TempPattern))
		tmps2, _ := filepath.Glob(filepath.Join(dir, atomicfile.TempPattern))
		t.Logf("run %d: %s killed after %d answers (target %d): holds %d exchanges; %d temporary files left by kills so far",
			run, filepath.Base(lib), answered, kill, len(got), len(tmps)+len(tmps2))
		held[lib] = got
		if t.Failed() {
			t.Fatalf("run %d failed (seed %d)", run, seed)
		}
	}
}

// crashRun starts "cassette record" into lib, sends it requests from
// senders goroutines and kills it with SIGKILL once kill answers came
// back. It returns the number of answers.
func crashRun(t *testing.T, ctx context.Context, bin, upstream, lib string, kill, senders int, id *atomic.Int64) int {
	t.Helper()
	cmd := exec.CommandContext(ctx, bin, "record", "-upstream", upstream, lib)
	var stderr lockedBuffer
	cmd.Stderr = &stderr
	pr, pw := io.Pipe()
	cmd.Stdout = pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	base := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if i := strings.LastIndex(sc.Text(), " via http://"); i >= 0 {
				base <- sc.Text()[i+len(" via "):]
			}
		}
		io.Copy(io.Discard, pr)
	}()
	var proxy string
	select {
	case proxy = <-base:
	case <-ctx.Done():
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("cassette record never announced its address; stderr:\n%s", stderr.String())
	}

	var (
		answered atomic.Int64
		killOnce sync.Once
		killed   = make(chan struct{})
		wg       sync.WaitGroup
	)
	doKill := func() {
		killOnce.Do(func() {
			close(killed)      // first, so that senders expect the errors to come
			cmd.Process.Kill() // SIGKILL
		})
	}
	if kill == 0 {
		doKill()
	}
	tr := &http.Transport{MaxIdleConnsPerHost: senders}
	client := &http.Client{Transport: tr}
	for range senders {
		wg.Go(func() {
			for {
				select {
				case <-killed:
					return
				default:
				}
				n := id.Add(1)
				var req *http.Request
				if n%3 == 0 {
					req, _ = http.NewRequestWithContext(ctx, "POST", fmt.Sprintf("%s/echo/%d", proxy, n),
						bytes.NewReader(crashBody(fmt.Sprintf("payload %d", n))))
				} else {
					req, _ = http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("%s/item/%d", proxy, n), nil)
				}
				resp, err := client.Do(req)
				if err != nil {
					select {
					case <-killed:
					default:
						t.Errorf("%s %s before the kill: %v", req.Method, req.URL.Path, err)
						doKill()
					}
					return
				}
				_, err = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err == nil && resp.StatusCode == http.StatusOK && answered.Add(1) >= int64(kill) {
					doKill()
				}
			}
		})
	}
	wg.Wait()
	cmd.Wait()
	pw.Close()
	tr.CloseIdleConnections()
	return int(answered.Load())
}

// checkCrashedLibrary opens and loads the library at path and checks that
// each exchange it holds is whole: its request one the test sent, once,
// and its body the one the upstream sent for it. It returns the requests
// the library holds.
func checkCrashedLibrary(t *testing.T, path string) map[string]bool {
	t.Helper()
	got := map[string]bool{}
	lib, err := library.Open(path)
	if err != nil {
		t.Fatalf("library.Open(%s) after SIGKILL: %v", path, err)
	}
	if !lib.Exists() {
		return got
	}
	if err := lib.Load(); err != nil {
		t.Fatalf("Load() of %s after SIGKILL: %v", path, err)
	}
	names, err := lib.Names()
	if err != nil {
		t.Fatalf("Names() of %s after SIGKILL: %v", path, err)
	}
	for _, name := range names {
		c, ok, err := lib.Get(name)
		if err != nil || !ok {
			t.Fatalf("Get(%s) of %s after SIGKILL = %v, %v", name, path, ok, err)
		}
		for i, ex := range c.Exchanges {
			u, err := url.Parse(ex.Request.URL)
			if err != nil {
				t.Errorf("cassette %s, exchange %d: %v", name, i+1, err)
				continue
			}
			req := ex.Request.Method + " " + u.Path
			if got[req] {
				t.Errorf("cassette %s, exchange %d: %s is stored twice", name, i+1, req)
			}
			got[req] = true
			var id int
			if _, err := fmt.Sscanf(u.Path[strings.LastIndex(u.Path, "/")+1:], "%d", &id); err != nil {
				t.Errorf("cassette %s, exchange %d: %s was never sent", name, i+1, req)
				continue
			}
			if ex.Request.Method == http.MethodPost && !bytes.Equal(ex.Request.Body, crashBody(fmt.Sprintf("payload %d", id))) {
				t.Errorf("cassette %s, exchange %d: %s stored with a request body of %d bytes that is not the one sent", name, i+1, req, len(ex.Request.Body))
			}
			want := crashResponse(ex.Request.Method, u.Path, ex.Request.Body)
			if ex.Response.StatusCode != http.StatusOK || !bytes.Equal(ex.Response.Body, want) {
				t.Errorf("cassette %s, exchange %d: %s stored as %d with a body of %d bytes, want 200 and the %d bytes sent",
					name, i+1, req, ex.Response.StatusCode, len(ex.Response.Body), len(want))
			}
		}
	}
	return got
}
