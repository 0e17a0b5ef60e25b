package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"time"
)

// shutdownTimeout bounds how long a stopping server waits for requests in
// flight before it closes their connections.
const shutdownTimeout = 10 * time.Second

// serveUntilDone listens on addr and serves h until ctx is done, then shuts
// down gracefully. Once listening it calls started with the server's base
// URL. The server's own errors are logged to stderr with prefix.
func serveUntilDone(ctx context.Context, addr string, h http.Handler, stderr io.Writer, prefix string, started func(baseURL string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          log.New(stderr, prefix+": ", 0),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	started(baseURL(ln.Addr()))

	select {
	case err := <-served:
		return err // Serve never returns nil
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		fmt.Fprintf(stderr, "%s: shutdown: %v\n", prefix, err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// baseURL returns the URL clients use to reach a server listening on a.
// An unspecified address (":8080") is reached on loopback.
func baseURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		if ip.To4() != nil {
			host = "127.0.0.1"
		} else {
			host = "::1"
		}
	}
	return "http://" + net.JoinHostPort(host, port)
}

// checkUpstream reports whether s is an absolute http or https URL.
func checkUpstream(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("-upstream %q: want an absolute http or https URL such as https://api.example.com", s)
	}
	return nil
}
