// Command govcr406 drives go-vcr v4.0.6 for the comparison program in
// the folder above, which builds and runs it: one module cannot require
// two versions of go-vcr, so this one is a module of its own.
//
// It reads commands on standard input and answers each with one line on
// standard output, "error: ..." on failure:
//
//	open NAME N SIZE   load the cassette NAME.yaml of N interactions of SIZE
//	                   bytes for replaying, answers "ok"
//	replay OPS         replay OPS requests through the recorder's client, in
//	                   the fixed random order of the comparison program;
//	                   answers the nanoseconds they took
//	load NAME OPS      load NAME.yaml OPS times; answers the nanoseconds
//
// The replay and load code is that of ../govcr.go: keep them in step.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
	"gopkg.in/dnaeon/go-vcr.v4/pkg/recorder"
)

const upstream = "https://api.example.com"

func itemURL(i int) string { return upstream + "/v1/items/" + strconv.Itoa(i) }

func order(n int) []int { return rand.New(rand.NewPCG(1, 2)).Perm(n) }

// A replayer replays the interactions of one cassette.
type replayer struct {
	rec    *recorder.Recorder
	client *http.Client
	n      int
	size   int
	ord    []int
	next   int
}

func open(name string, n, size int) (*replayer, error) {
	rec, err := recorder.New(name,
		recorder.WithMode(recorder.ModeReplayOnly),
		recorder.WithReplayableInteractions(true),
		recorder.WithSkipRequestLatency(true),
	)
	if err != nil {
		return nil, err
	}
	return &replayer{rec: rec, client: rec.GetDefaultClient(), n: n, size: size, ord: order(n)}, nil
}

func (r *replayer) replay(ops int) (time.Duration, error) {
	start := time.Now()
	for range ops {
		url := itemURL(r.ord[r.next%r.n])
		r.next++
		resp, err := r.client.Get(url)
		if err != nil {
			return 0, err
		}
		got, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || got != int64(r.size) {
			return 0, fmt.Errorf("GET %s: status %d, %d bytes, %v", url, resp.StatusCode, got, err)
		}
	}
	return time.Since(start), nil
}

// load collects garbage before each load, outside the time measured, so
// that every load starts from the same heap.
func load(name string, ops int) (time.Duration, error) {
	var el time.Duration
	for range ops {
		runtime.GC()
		start := time.Now()
		if _, err := cassette.Load(name); err != nil {
			return 0, err
		}
		el += time.Since(start)
	}
	return el, nil
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	var r *replayer
	for in.Scan() {
		f := strings.Fields(in.Text())
		answer, err := do(f, &r)
		if err != nil {
			fmt.Printf("error: %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
			continue
		}
		fmt.Println(answer)
	}
}

func do(f []string, r **replayer) (string, error) {
	num := func(i int) int {
		if i >= len(f) {
			return -1
		}
		n, err := strconv.Atoi(f[i])
		if err != nil {
			return -1
		}
		return n
	}
	switch {
	case len(f) == 4 && f[0] == "open":
		rp, err := open(f[1], num(2), num(3))
		if err != nil {
			return "", err
		}
		*r = rp
		return "ok", nil
	case len(f) == 2 && f[0] == "replay":
		if *r == nil {
			return "", errors.New("replay before open")
		}
		d, err := (*r).replay(num(1))
		return strconv.FormatInt(d.Nanoseconds(), 10), err
	case len(f) == 3 && f[0] == "load":
		d, err := load(f[1], num(2))
		return strconv.FormatInt(d.Nanoseconds(), 10), err
	}
	return "", fmt.Errorf("unknown command %q", strings.Join(f, " "))
}
