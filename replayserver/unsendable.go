package replayserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/cassette-go/cassette/internal/slowbody"
)

// unsendable returns the error http.Transport returns, before it sends
// anything, for a request it refuses (see net/http's Transport.roundTrip):
// a header or trailer field whose name is no token or whose value holds
// a control character other than a tab, a scheme other than http and
// https, a method that is no token, a URL without a host, and an http://
// request with a ContentLength but no body. NewTransport
// stands in for http.Transport, so it refuses them too, with the same
// error: answered from a cassette, a test replaying in process would pass
// with a request the real API never gets. nil for a request it sends.
func unsendable(req *http.Request) error {
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("unsupported protocol scheme %q", req.URL.Scheme)
	}
	if field := invalidField(req.Header); field != "" {
		return fmt.Errorf("net/http: invalid header %s", field)
	}
	if field := invalidField(req.Trailer); field != "" {
		return fmt.Errorf("net/http: invalid trailer %s", field)
	}
	if req.Method != "" && !validFieldName(req.Method) { // a method is a token too
		return fmt.Errorf("net/http: invalid method %q", req.Method)
	}
	if req.URL.Host == "" {
		return errors.New("http: no Host in request URL")
	}
	if req.URL.Scheme == "http" && req.Body == nil && req.ContentLength != 0 {
		// A length with no body to send, which http.Transport refuses
		// over HTTP/1.1, as it sends an http:// request (over HTTP/2, to
		// an https:// URL, it goes as a request without a body).
		return fmt.Errorf("http: Request.ContentLength=%d with nil Body", req.ContentLength)
	}
	return nil
}

// undialable returns the error http.Transport's dial gives, before any
// connection or DNS query, for the address of u (an http or https URL
// with a host): a port over 65535 ("dial tcp: address 99999: invalid
// port"), a host and port that do not split, and a port that is no number,
// which url.URL.Port leaves in the host name, where a resolver finds no
// host ("dial tcp: lookup h:abc: no such host", as Go's resolver says it
// without a query). nil for any other address: an empty host (":80")
// dials the local system, which a cassette may have answered for.
func undialable(u *url.URL) error {
	port := u.Port()
	if commonAddress(u.Hostname(), port) {
		return nil // what every request of a test is: no string built
	}
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	// As http.Transport's canonicalAddr joins them and net's dial
	// splits them again.
	host, port, err := net.SplitHostPort(net.JoinHostPort(u.Hostname(), port))
	if err == nil {
		_, err = net.LookupPort("tcp", port) // a number: no lookup
	}
	if err == nil && strings.Contains(host, ":") && isASCII(host) {
		if ip, _, _ := strings.Cut(host, "%"); net.ParseIP(ip) == nil {
			err = &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
		}
	}
	if err != nil {
		return &net.OpError{Op: "dial", Net: "tcp", Err: err}
	}
	return nil
}

// commonAddress reports whether host and port (as url.URL's Hostname and
// Port give them: a port is digits or empty) are an address that
// http.Transport's dial splits without error: a host with none of the
// characters of an IPv6 literal or of a port left in it, and a port
// within 0-65535. undialable's other checks are then sure to pass.
func commonAddress(host, port string) bool {
	if strings.ContainsAny(host, ":[]%") || len(port) > 5 {
		return false
	}
	n := 0
	for i := 0; i < len(port); i++ {
		n = n*10 + int(port[i]-'0')
	}
	return n <= 65535
}

// lengthMismatch returns the error http.Transport gives a request whose
// body, read whole, is not as long as its ContentLength says (0 or -1:
// unknown); nil when it is, or was not read whole (over is true).
func lengthMismatch(req *http.Request, body []byte, over bool) error {
	if over || req.ContentLength <= 0 || req.Body == nil || req.Body == http.NoBody || int64(len(body)) == req.ContentLength {
		return nil
	}
	return lengthError(req.ContentLength, int64(len(body)))
}

// lengthError is http.Transport's error for a body of n bytes whose
// request's ContentLength says contentLength.
func lengthError(contentLength, n int64) error {
	return fmt.Errorf("http: ContentLength=%d with Body length %d", contentLength, n)
}

// overLength closes req's body, over [MaxBodySize], of which read was
// read, and returns nil, unless read is longer than its ContentLength
// says: then it reads the rest first, to count it as http.Transport
// counts the body it sends, and returns the error http.Transport gives
// it (see lengthMismatch), or the body's own error. A body whose length
// is unknown, or not yet passed, is not read further: one shorter than
// its length is not found. The body is closed once, as http.Transport
// closes it; one that has not ended when req's context ends is closed
// then, and the context's cause returned.
func (h *Handler) overLength(req *http.Request, read []byte) error {
	if req.ContentLength <= 0 || int64(len(read)) <= req.ContentLength {
		req.Body.Close()
		return nil
	}
	stop := context.AfterFunc(req.Context(), func() { req.Body.Close() })
	n, err := slowbody.Discard(req.Body, slowbody.After, func(n int64) {
		h.logf("replayserver: %s", slowbody.Message(req.Method+" "+h.redact.URL(req.URL).String(), slowbody.After, int64(len(read))+n))
	})
	if !stop() {
		return context.Cause(req.Context())
	}
	req.Body.Close()
	if err != nil {
		return err
	}
	return lengthError(req.ContentLength, int64(len(read))+n)
}

// invalidField describes the first field of h that HTTP forbids, as
// http.Transport does (naming the field, never quoting its value, which
// may be a secret); "" when there is none.
func invalidField(h http.Header) string {
	for k, vv := range h {
		if !validFieldName(k) {
			return fmt.Sprintf("field name %q", k)
		}
		for _, v := range vv {
			for i := 0; i < len(v); i++ {
				if c := v[i]; c < ' ' && c != '\t' || c == 0x7f {
					return fmt.Sprintf("field value for %q", k)
				}
			}
		}
	}
	return ""
}
