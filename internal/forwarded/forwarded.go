// Package forwarded deals with what passes a recording reverse proxy: it
// says where a request goes ([Target]), keeps the forwarding headers a
// client sent ([Keep]), keeps the server from adding a Content-Type the
// upstream did not send ([Unsniffed]), and finds the answers that send a
// client next to the API itself, past the proxy ([Away]).
//
// An [httputil.ReverseProxy] with a Rewrite function removes the
// Forwarded, X-Forwarded-For, X-Forwarded-Host and X-Forwarded-Proto
// headers of the incoming request before it calls Rewrite, so that a
// proxy facing the Internet does not pass on what a client made up. A
// recorder stands in for no proxy: the API is to get the request as the
// client sent it, and the library is to hold that, as with the recording
// transports, which send the request as it is. (A test's own proxy in
// front of the recorder, or an API building links from
// X-Forwarded-Host, depends on them.)
package forwarded

import (
	"bufio"
	"bytes"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"unicode/utf8"
)

// names are the headers ReverseProxy removes before Rewrite.
var names = [...]string{"Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Forwarded-Proto"}

// Keep gives pr.Out the forwarding headers of pr.In, as the client sent
// them: call it from a ReverseProxy's Rewrite function. It adds none the
// client did not send, nor one the client's Connection header named
// (hop-by-hop: for the recorder only, removed as any other so named).
func Keep(pr *httputil.ProxyRequest) {
	for _, name := range names {
		if v, ok := pr.In.Header[name]; ok && !hopByHop(pr.In.Header, name) {
			if pr.Out.Header == nil {
				pr.Out.Header = make(http.Header)
			}
			pr.Out.Header[name] = append([]string(nil), v...)
		}
	}
}

// Unsniffed returns w readied, before a ReverseProxy copies an answer
// into it, to send the upstream's Content-Type, or none when the upstream
// sent none: without it net/http's server (over HTTP/1.1 and HTTP/2) adds
// one it sniffs from the first bytes of the body, as it does for an
// answer whose body ends when the upstream closes the connection. A
// client of a recording proxy would see that type while recording, and
// never on replay, which sends what was stored: the upstream's header.
// ReverseProxy adds the upstream's values to the empty list it leaves.
// The ReverseProxy is to serve the writer returned: it clears w's header
// once it passed on an interim answer (a 103 Early Hints), and the writer
// leaves the list there again as the final answer's header goes out. It
// unwraps to w (see [http.ResponseController]).
func Unsniffed(w http.ResponseWriter) http.ResponseWriter {
	unsniff(w.Header())
	return unsniffed{w}
}

// unsniff leaves an empty Content-Type in h when it holds none.
func unsniff(h http.Header) {
	if _, ok := h["Content-Type"]; !ok {
		h["Content-Type"] = nil
	}
}

// unsniffed is the writer of [Unsniffed].
type unsniffed struct{ http.ResponseWriter }

// WriteHeader sends the header, with an empty Content-Type when it holds
// none and code is that of a final answer.
func (u unsniffed) WriteHeader(code int) {
	if code >= 200 {
		unsniff(u.Header())
	}
	u.ResponseWriter.WriteHeader(code)
}

// Unwrap returns the writer u wraps.
func (u unsniffed) Unwrap() http.ResponseWriter { return u.ResponseWriter }

// HandOver returns what a CONNECT that names a path, not a host and port,
// asks to hand the connection over to: the protocol of an HTTP/2
// extended CONNECT (":protocol websocket"), else the path (net/rpc's
// DialHTTP sends CONNECT /_goRPC_). Such a CONNECT asks for no proxy's
// tunnel. It returns "" for a proxy's CONNECT, or any other request.
func HandOver(r *http.Request) string {
	if r.Method != http.MethodConnect || r.URL.Path == "" {
		return ""
	}
	if p := r.Header.Get(":protocol"); p != "" {
		return ":protocol " + p
	}
	return "path " + r.URL.EscapedPath()
}

// ConnectTarget returns what the CONNECT r asks for, as its request line
// names it: a host and port (a proxy's tunnel), or a path (see
// [HandOver]).
func ConnectTarget(r *http.Request) string {
	if r.URL.Path == "" && r.URL.Host != "" {
		return r.URL.Host
	}
	return r.URL.EscapedPath()
}

// hopByHop reports whether h's Connection header names the header name.
func hopByHop(h http.Header, name string) bool {
	for _, v := range h["Connection"] {
		for opt := range strings.SplitSeq(v, ",") {
			if http.CanonicalHeaderKey(strings.TrimSpace(opt)) == name {
				return true
			}
		}
	}
	return false
}

// Away returns the header of resp that sends its client next to an
// absolute URL on the host and port that answered (a host name that is
// not ASCII in either spelling: see HostPort), and that URL: where a client
// pointed at a proxy goes to the API itself, past the proxy, and what it
// sends there is not recorded. Such are the Location of a redirect (3xx,
// which Go's client follows), of a 200 or 202 (a resumable upload's
// session, as Google Cloud Storage answers; an operation to poll), and an
// Operation-Location or Azure-AsyncOperation. The Location of a 201 names
// what was created, which clients seldom fetch: it is left out. name is
// "" when there is none.
func Away(resp *http.Response) (name, value string) {
	if resp.Request == nil || resp.Request.URL == nil {
		return "", ""
	}
	host := HostPort(resp.Request.URL)
	for _, name := range []string{"Location", "Operation-Location", "Azure-Asyncoperation"} {
		if name == "Location" && !(resp.StatusCode >= 300 && resp.StatusCode < 400 || resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusAccepted) {
			continue
		}
		v := resp.Header.Get(name)
		if v == "" {
			continue
		}
		if u, err := url.Parse(v); err == nil && u.IsAbs() && strings.EqualFold(HostPort(u), host) {
			return name, v
		}
	}
	return "", ""
}

// HostPort returns u's host, in lower case, and port, the port of its
// scheme filled in: "api.example.com:443". A host name that is not ASCII
// is spelled as Go's client sends it (see wireName), so that its two
// spellings give one HostPort: http://bücher.example/ and
// http://xn--bcher-kva.example/ both give "xn--bcher-kva.example:80".
func HostPort(u *url.URL) string {
	port := u.Port()
	if port == "" {
		switch strings.ToLower(u.Scheme) {
		case "http":
			port = "80"
		case "https":
			port = "443"
		}
	}
	// In lower case first: net/http converts a name as it comes, and
	// BÜCHER.example would not give bücher.example's punycode.
	return strings.ToLower(wireName(strings.ToLower(u.Hostname()))) + ":" + port
}

// wireName returns the host name host as Go's client sends it in a Host
// header: a name that is not ASCII (bücher.example) in punycode, IDNA's
// ASCII form (xn--bcher-kva.example), which is how the API gets it and
// names itself back in a Location; an ASCII name as it is. net/http converts a name so but exports no call that does it
// alone: wireName writes the head of a request for host with it and
// reads the Host header back. A name net/http cannot convert is
// returned as it is.
func wireName(host string) string {
	if isASCII(host) {
		return host
	}
	var b bytes.Buffer
	req := &http.Request{Method: "GET", URL: &url.URL{Path: "/"}, Host: host, Header: http.Header{}}
	if err := req.Write(&b); err != nil {
		return host
	}
	back, err := http.ReadRequest(bufio.NewReader(&b))
	if err != nil || !isASCII(back.Host) {
		return host
	}
	return back.Host
}

// isASCII reports whether s holds only ASCII characters.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
