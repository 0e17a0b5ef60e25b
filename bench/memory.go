package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
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

	// A huge response, recorded through the recording proxy into a
	// directory library, then replayed over loopback.
	up := httptest.NewServer(hugeHandler(cfg.huge))
	defer up.Close()
	recDir := filepath.Join(cfg.work, "huge-rec")
	os.RemoveAll(recDir)
	lib := mustV(library.Open(recDir))
	p := mustV(recorder.NewProxy(up.URL, lib, recorder.Logf(discardLogf)))
	ps := httptest.NewServer(p)
	fmt.Fprintf(cfg.log, "bench: recording a response of %s\n", fmtBytes(float64(cfg.huge)))
	w = watchHeap()
	start := time.Now()
	must(get(c, ps.URL+"/download", int(cfg.huge)))
	recTook := time.Since(start)
	peak, live = w.end()
	ps.Close()
	c.CloseIdleConnections()
	rows = append(rows, row{
		target: fmt.Sprintf("5. record a %s response (recording proxy, directory library)", fmtBytes(float64(cfg.huge))),
		measured: fmt.Sprintf("peak heap +%s, live after recording +%s (%s); no size limit to raise, the body is buffered whole: streaming to disk not supported",
			fmtBytes(peak), fmtBytes(live), recTook.Round(time.Millisecond)),
		goal:   "< 100 MiB (streamed to disk)",
		result: passIf(peak < heapLimit),
	})
	runtime.GC()

	fmt.Fprintf(cfg.log, "bench: replaying it\n")
	t = newTB("target5")
	w = watchHeap()
	start = time.Now()
	srv = replayserver.New(t, recDir, replayserver.WithMode(replayserver.ModeReplay), replayserver.Upstream(up.URL), replayserver.Logf(discardLogf))
	must(get(c, srv.URL+"/download", int(cfg.huge)))
	repTook := time.Since(start)
	peak, live = w.end()
	c.CloseIdleConnections()
	must(t.close())
	rows = append(rows, row{
		target: fmt.Sprintf("5. replay that %s response over loopback", fmtBytes(float64(cfg.huge))),
		measured: fmt.Sprintf("peak heap +%s, live after replaying +%s (%s): the cassette file is read and decoded whole",
			fmtBytes(peak), fmtBytes(live), repTook.Round(time.Millisecond)),
		goal:   "< 100 MiB (streamed from disk)",
		result: passIf(peak < heapLimit),
	})
	return rows
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
