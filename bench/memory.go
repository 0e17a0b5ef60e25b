package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/recorder"
	"github.com/cassette-go/cassette/replayserver"
)

func heapInuse() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// A heapWatch samples the heap in use every 2 ms, keeping the peak.
type heapWatch struct {
	base uint64 // in use when the watch started, after a GC
	peak atomic.Uint64
	stop chan struct{}
	done chan struct{}
}

func watchHeap() *heapWatch {
	runtime.GC()
	w := &heapWatch{base: heapInuse(), stop: make(chan struct{}), done: make(chan struct{})}
	w.peak.Store(w.base)
	go func() {
		defer close(w.done)
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-w.stop:
				return
			case <-tick.C:
				w.sample()
			}
		}
	}()
	return w
}

func (w *heapWatch) sample() {
	h := heapInuse()
	for {
		p := w.peak.Load()
		if h <= p || w.peak.CompareAndSwap(p, h) {
			return
		}
	}
}

// end stops the watch and returns the peak growth of the heap in use and
// the growth of the live heap (after a GC), in bytes.
func (w *heapWatch) end() (peak, live float64) {
	close(w.stop)
	<-w.done
	w.sample()
	runtime.GC()
	return float64(w.peak.Load()) - float64(w.base), float64(heapInuse()) - float64(w.base)
}

// growth is the heap growth since base after a GC.
func growth(base uint64) float64 {
	runtime.GC()
	return float64(heapInuse()) - float64(base)
}

const heapLimit = 100 << 20

// target5: serving a directory library whose bodies total cfg.memTotal
// keeps the heap under 100 MiB; a response of cfg.huge bytes is recorded
// and replayed without holding it in memory. Heap is HeapInuse, sampled
// every 2 ms, as growth over what was in use before (after a GC), so that
// what earlier targets left in the process does not count.
func target5(cfg config) []row {
	var rows []row

	count := int(cfg.memTotal >> 20)
	dir := dirLibrary(cfg, count, 1<<20)
	t := newTB("target5")
	w := watchHeap()
	srv := replayserver.New(t, dir, replayOpts()...)
	c := newClient()
	fmt.Fprintf(cfg.log, "bench: serving %d cassettes of 1 MiB\n", count)
	for i := range count {
		must(get(c, srv.URL+itemPath(i), 1<<20))
	}
	peak, live := w.end()
	c.CloseIdleConnections()
	must(t.close())
	afterClose := growth(w.base)
	rows = append(rows, row{
		target: fmt.Sprintf("5. heap while serving every cassette of a directory library of %s of bodies (%d × 1 MiB) over loopback", fmtBytes(float64(cfg.memTotal)), count),
		measured: fmt.Sprintf("peak +%s; live after serving +%s; after the server closed +%s",
			fmtBytes(peak), fmtBytes(live), fmtBytes(afterClose)),
		goal:   "< 100 MiB",
		result: passIf(peak < heapLimit),
	})

	// A huge response through the recording proxy into a directory
	// library: with the default size limit (forwarded, not stored), then
	// with the limit raised (recorded), then replayed over loopback.
	up := httptest.NewServer(hugeHandler(cfg.huge))
	defer up.Close()
	record := func(name string, opts ...recorder.Option) (peak, live float64, took time.Duration, stored []string, errs []error) {
		dir := filepath.Join(cfg.work, name)
		os.RemoveAll(dir)
		lib := mustV(library.Open(dir))
		var mu sync.Mutex
		opts = append(opts, recorder.Logf(discardLogf), recorder.OnError(func(err error) {
			mu.Lock()
			defer mu.Unlock()
			errs = append(errs, err)
		}))
		p := mustV(recorder.NewProxy(up.URL, lib, opts...))
		ps := httptest.NewServer(p)
		fmt.Fprintf(cfg.log, "bench: recording a response of %s (%s)\n", fmtBytes(float64(cfg.huge)), name)
		w := watchHeap()
		start := time.Now()
		must(get(c, ps.URL+"/download", int(cfg.huge)))
		took = time.Since(start)
		ps.Close()
		must(p.Close()) // the recorder saves in the background: wait for it
		peak, live = w.end()
		c.CloseIdleConnections()
		mu.Lock()
		defer mu.Unlock()
		return peak, live, took, mustV(mustV(library.Open(dir)).Names()), errs
	}

	peak, live, took, stored, errs := record("huge-default")
	rows = append(rows, row{
		target: fmt.Sprintf("5. forward a %s response through the recording proxy with the default size limit (64 MiB)", fmtBytes(float64(cfg.huge))),
		measured: fmt.Sprintf("peak heap +%s, live after +%s (%s); %d cassette stored, %d error(s) reported%s",
			fmtBytes(peak), fmtBytes(live), took.Round(time.Millisecond), len(stored), len(errs), firstErr(errs)),
		goal:   "(< 100 MiB)",
		result: resultInfo,
	})
	runtime.GC()

	peak, live, took, stored, errs = record("huge-rec", recorder.MaxBodySize(cfg.huge))
	ok := len(stored) == 1 && len(errs) == 0
	rows = append(rows, row{
		target: fmt.Sprintf("5. record a %s response with the size limit raised (recording proxy, MaxBodySize(%d), directory library)", fmtBytes(float64(cfg.huge)), cfg.huge),
		measured: fmt.Sprintf("peak heap +%s, live after recording +%s (%s); %d cassette stored, %d error(s) reported%s",
			fmtBytes(peak), fmtBytes(live), took.Round(time.Millisecond), len(stored), len(errs), firstErr(errs)),
		goal:   "< 100 MiB (streamed to disk)",
		result: passIf(peak < heapLimit && ok),
	})
	if !ok {
		return rows
	}
	recDir := filepath.Join(cfg.work, "huge-rec")
	runtime.GC()

	fmt.Fprintf(cfg.log, "bench: replaying it\n")
	t = newTB("target5")
	w = watchHeap()
	start := time.Now()
	srv = replayserver.New(t, recDir, replayserver.WithMode(replayserver.ModeReplay), replayserver.Upstream(up.URL), replayserver.Logf(discardLogf))
	must(get(c, srv.URL+"/download", int(cfg.huge)))
	repTook := time.Since(start)
	peak, live = w.end()
	c.CloseIdleConnections()
	must(t.close())
	rows = append(rows, row{
		target: fmt.Sprintf("5. replay that %s response over loopback", fmtBytes(float64(cfg.huge))),
		measured: fmt.Sprintf("peak heap +%s, live after replaying +%s (%s)",
			fmtBytes(peak), fmtBytes(live), repTook.Round(time.Millisecond)),
		goal:   "< 100 MiB (streamed from disk)",
		result: passIf(peak < heapLimit),
	})
	return rows
}

// firstErr returns ": " and the first error, or "".
func firstErr(errs []error) string {
	if len(errs) == 0 {
		return ""
	}
	return ": " + strings.ReplaceAll(errs[0].Error(), "\n", " ")
}

// hugeHandler answers every request with size bytes of text, with a
// Content-Length, written 64 KiB at a time without holding the body.
func hugeHandler(size int64) http.Handler {
	chunk := make([]byte, 64<<10)
	for i := range chunk {
		chunk[i] = 'a' + byte(i%26)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		for left := size; left > 0; {
			n := min(left, int64(len(chunk)))
			if _, err := w.Write(chunk[:n]); err != nil {
				return
			}
			left -= n
		}
	})
}
