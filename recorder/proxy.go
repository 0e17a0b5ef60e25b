package recorder

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cassette-go/cassette/internal/bodiless"
	"github.com/cassette-go/cassette/internal/detach"
	"github.com/cassette-go/cassette/internal/forwarded"
	"github.com/cassette-go/cassette/internal/ownheader"
	"github.com/cassette-go/cassette/internal/redact"
	"github.com/cassette-go/cassette/internal/refusal"
	"github.com/cassette-go/cassette/internal/trailer"
	"github.com/cassette-go/cassette/library"
)

// A Proxy is the recording reverse proxy without a test around it: an
// [http.Handler] that forwards each request to the upstream and appends the
// exchange to the library, saving it after each exchange. It is safe for
// concurrent use. A server of one's own serving it sets
// [http.Server.DisableGeneralOptionsHandler], as [New] and cmd/cassette
// do: otherwise the server answers OPTIONS * itself, and it is neither
// forwarded nor recorded.
//
// Responses are streamed to the client as they arrive (event streams and
// chunked responses included), the header at once, and stored when their
// body has ended; an answer that can have no body (204, 304, the answer
// to a HEAD) is sent when it ends, its header ending it, as net/http's
// server sends one: over HTTP/2 a client then reads a 204's or a 304's
// ContentLength as 0. A
// request the upstream cannot answer (connection refused, reset) gets 502
// Bad Gateway, one that times out (see [UpstreamTimeout]) 504 Gateway
// Timeout, with a one-line plain-text message, and is not stored. A
// response whose body breaks off after its headers were sent is cut off
// for the client too (the connection is closed before the body's end) and
// not stored, which is logged. A client that goes away before the end of
// a stream (a watch, an event stream) has it stored as far as it arrived;
// one that goes away before the end of a body of known length has the
// rest read while it keeps coming, and stored whole (see "Bodies the
// client stops reading" in the package documentation). The cassette name
// is computed from the request as sent upstream, so it names the
// upstream's host and port, not the proxy's.
type Proxy struct {
	upstream *url.URL
	cfg      config
	rp       *httputil.ReverseProxy
	owned    *http.Transport // the transport NewProxy made (or cloned from Transport's); nil if Transport's is used as given
	redact   redact.Rules    // for the messages of requests not forwarded
	rt       *roundTripper
	awayTold atomic.Bool // an answer sending the client past the proxy was logged (see noteAway)
}

var _ http.Handler = (*Proxy)(nil)

// NewProxy returns a recording reverse proxy to upstream storing into lib.
// upstream must be an absolute http or https URL without credentials
// (user:password@, which the proxy would not send: each client's request
// goes with its own Authorization, or none); a path in it prefixes
// every forwarded path, and a request for the root ("/") goes to that path
// as it is (https://api.example.com/graphql, not /graphql/). The request is forwarded with its headers (those
// the client sent as Forwarded and X-Forwarded-* included), the Host
// header set to the upstream's and no X-Forwarded headers added. Naming
// rules that [naming.Rules.Validate] refuses are an error.
func NewProxy(upstream string, lib *library.Library, opts ...Option) (*Proxy, error) {
	u, err := parseUpstream(upstream)
	if err != nil {
		return nil, err
	}
	p := &Proxy{upstream: u, cfg: newConfig(opts)}
	if err := p.cfg.rulesError(); err != nil {
		return nil, err
	}
	if t, ok := p.cfg.transport.(*http.Transport); ok && !t.DisableCompression {
		// As given, it would ask for gzip for a client that did not and
		// decode the answer: the request would not go upstream as the
		// client sent it, nor the answer be stored as the upstream sent
		// it. A clone without that does both.
		c := t.Clone()
		c.DisableCompression = true
		p.cfg.transport, p.owned = c, c
	}
	next := p.cfg.transport
	if next == nil {
		p.owned = proxyTransport(p.cfg.timeout)
		next = p.owned
	}
	rt := newRoundTripper(lib, p.cfg, next)
	p.rt = rt
	p.redact = rt.redact
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			// As pr.SetURL, but the query kept as the client made it
			// (ReverseProxy drops parameters it cannot parse: "%zz",
			// ";"), and a request for the root sent to u's path as it
			// is (see forwarded.Target).
			pr.Out.URL = forwarded.Target(u, pr.In.URL)
			pr.Out.Host = u.Host
			forwarded.Keep(pr) // ReverseProxy removed the client's
			// An h2c upgrade made would splice the connection through,
			// unrecorded: the upstream answers over HTTP/1.1 without it.
			forwarded.DropH2C(pr.Out.Header)
			// The request's trailers come with the end of its body, which
			// the recorder reads after this: ReverseProxy's clone of the
			// map would stay empty, and the trailers never reach the
			// upstream. The incoming request's map is filled as its body
			// ends, before the transport sends them.
			pr.Out.Trailer = pr.In.Trailer
			// A client that closes a body of known length unread drops
			// its connection: the recorder may still read the rest.
			pr.Out = detach.Request(pr.Out)
		},
		Transport:     bodiless.Transport(rt), // for bodiless.Empty, below
		FlushInterval: -1,
		ModifyResponse: func(resp *http.Response) error {
			p.noteAway(resp)
			bodiless.Empty(resp)         // an answer that ended with its header is sent so
			return trailer.Unsized(resp) // the client waits for the trailers, and the end
		},
		ErrorHandler: p.badGateway,
	}
	if p.cfg.logf != nil {
		p.rp.ErrorLog = log.New(detach.ProxyLog(p.cfg.logf), "", 0)
	}
	return p, nil
}

// parseUpstream parses and checks an upstream URL (see [forwarded.Upstream]).
func parseUpstream(upstream string) (*url.URL, error) {
	u, err := forwarded.Upstream(upstream)
	if err != nil {
		return nil, fmt.Errorf("recorder: %w", err)
	}
	return u, nil
}

// proxyTransport returns the default transport of a proxy: the default
// transport's settings without transparent decompression, so bodies reach
// the library and the client as the upstream sent them, waiting timeout
// for response headers (0 or less: no limit).
func proxyTransport(timeout time.Duration) *http.Transport {
	var t *http.Transport
	if dt, ok := http.DefaultTransport.(*http.Transport); ok {
		t = dt.Clone()
	} else {
		t = &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true}
	}
	t.DisableCompression = true
	t.ResponseHeaderTimeout = max(timeout, 0)
	return t
}

// ServeHTTP forwards r to the upstream, streams the response to w and
// stores the exchange. The client gets no Content-Type the upstream did
// not send.
//
// A CONNECT, which asks for a tunnel (the client was given the proxy as
// its HTTPS proxy), is answered 501 Not Implemented and not forwarded: a
// tunnel is no request to the API, and what would pass through it is
// encrypted, so nothing of it could be recorded. So is one that names a
// path, which asks to hand the connection over to another protocol
// (net/rpc's DialHTTP, HTTP/2's extended CONNECT). [OnError] is told why
// ([New] fails the test).
//
// A request in absolute-form (GET http://host/path, as a client sends it
// to its HTTP proxy: curl -x, HTTP_PROXY) for the upstream's host and
// port, or for the proxy's own address, is forwarded to the upstream as
// any other. The host may be spelled any way (localhost for 127.0.0.1 or
// ::1 and back, an IPv4 address as IPv6, a name with a trailing dot), and
// the upstream's host on the default port of the URL's scheme names an
// upstream on the default port of its own (http://api.example.com/x the
// upstream https://api.example.com). One
// for another host is answered 502 Bad Gateway, with a message naming
// the host asked for and the upstream, and neither forwarded nor
// recorded: the upstream would answer it in that host's stead, and it
// would be stored under the upstream's host. [OnError] is told why ([New]
// fails the test). Only requests a server read are so checked: one given
// to ServeHTTP directly (httptest.NewRequest("GET",
// "http://example.com/x", nil)) goes upstream whatever its URL's host.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		refused := &refusal.Error{Kind: refusal.Tunnel, Target: forwarded.ConnectTarget(r), Upstream: p.upstream.Redacted()}
		if to := forwarded.HandOver(r); to != "" {
			refused.Kind, refused.Protocol = refusal.HandOver, to
		}
		p.refuse(w, refused)
		return
	}
	if host := p.otherHost(r); host != "" {
		p.refuseOtherHost(w, r, host)
		return
	}
	// Trailers a chunked request sends unannounced come in a map that
	// net/http's server makes as the body ends: r gets one now, which
	// the outgoing request shares (see Rewrite) and its body fills, but
	// the replay server's own headers.
	r = ownheader.WithoutTrailers(r, r)
	// No Content-Type the upstream did not send (see forwarded.Unsniffed);
	// the header of an answer that has no body goes with its end, in one
	// HTTP/2 frame, as net/http sends it (see bodiless).
	p.rp.ServeHTTP(bodiless.Writer(forwarded.Unsniffed(w), r))
}

// Close waits for the exchanges recorded so far to be saved, saves what is
// left (giving up what cannot be saved, with the body files written for
// it, as the Close of [NewRoundTripper]'s RoundTripper does) and closes
// the idle connections of the transport NewProxy made, then tells
// [OnBrokenBody] of the cassettes that lack an answer so far.
// Call it after the server serving p has shut down; the proxy can still
// be used afterwards (a retry after it no longer makes up for a break
// told).
func (p *Proxy) Close() error {
	p.closeIdleConnections()
	err := p.rt.end()
	p.rt.reportLost()
	return err
}

// badGateway answers a request that could not be forwarded: 504 Gateway
// Timeout when the upstream did not answer in time, else 502 Bad Gateway.
func (p *Proxy) badGateway(w http.ResponseWriter, r *http.Request, err error) {
	msg := fmt.Sprintf("recorder: forward %s %s to upstream %s: %v", r.Method, p.redact.URL(r.URL).RequestURI(), p.upstream.Redacted(), err)
	code := http.StatusBadGateway
	if isTimeout(err) && r.Context().Err() == nil {
		code = http.StatusGatewayTimeout
		if p.owned != nil && strings.Contains(err.Error(), "awaiting response headers") {
			msg += fmt.Sprintf(" (none within %v; raise it with recorder.UpstreamTimeout)", p.cfg.timeout)
		}
	}
	msg = strings.ReplaceAll(msg, "\n", " ")
	p.cfg.logError("%s", msg)
	if p.cfg.onUnanswered != nil && upstreamFault(r, err) {
		p.cfg.onUnanswered(errors.New(msg))
	}
	http.Error(w, msg, code)
}

// upstreamFault reports whether the forwarding of r failed with err
// because of the upstream (no answer, a reset, a timeout), not because
// the client left (canceled, or broke off its request body) or the
// recording server stopped.
func upstreamFault(r *http.Request, err error) bool {
	var body requestBodyError
	switch {
	case r.Context().Err() != nil, errors.Is(err, context.Canceled), errors.As(err, &body):
		return false
	case errors.Is(err, detach.ErrStopped), strings.Contains(err.Error(), detach.ErrStopped.Error()):
		return false
	}
	return true
}

// isTimeout reports whether err is a timeout: a network timeout or a
// deadline exceeded.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout())
}

// closeIdleConnections closes the idle connections of the transport the
// proxy made for itself.
func (p *Proxy) closeIdleConnections() {
	if p.owned != nil {
		p.owned.CloseIdleConnections()
	}
}

// noteAway logs, once, an answer that sends the client next to the API
// itself (see forwarded.Away): a client that follows it leaves the proxy,
// and what it sends there is not recorded.
func (p *Proxy) noteAway(resp *http.Response) {
	if p.cfg.logf == nil {
		return
	}
	name, to := forwarded.Away(resp)
	if name == "" || p.awayTold.Swap(true) {
		return
	}
	if u, err := url.Parse(to); err == nil {
		to = p.redact.URL(u).String()
	}
	p.cfg.logf("recorder: %s %s was answered %d with %s %s, the API's own address: a client that follows it goes to the API itself, past the recorder, and what it sends there is not recorded (a redirect, a resumable upload's session). "+
		"Record such a client with replayserver.New and srv.Client(), or with recorder.NewTransport, which see every request it sends",
		resp.Request.Method, p.redact.URL(resp.Request.URL), resp.StatusCode, name, to)
}
