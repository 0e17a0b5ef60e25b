package replayserver

import (
	"net/http"
	"net/url"

	"github.com/cassette-go/cassette/internal/headerkey"
)

// This file is the memory of names: a test sends the same requests again
// and again, and a request read by the server is named once. The memory
// keeps, for each request named, its name, the URL it stands for and the
// cassette it got, so that a repeated request costs one map lookup.

// A nameKey is what the name of a request depends on when it has no body
// and the naming rules read no header: a request of the same key gets the
// same name and target (see Handler.names).
type nameKey struct {
	method, host, uri, scheme string
	// For a client's request (NewTransport): host from its URL, uri its
	// escaped path, query its raw query and force its ForceQuery, which
	// tell apart all its request URI does, with no string built.
	query         string
	client, force bool
}

// A namedRequest is the outcome of naming a request: its name, the URL it
// stands for (not to be modified: it is shared) and whether any host will
// do; and once found, the cassette it gets.
type namedRequest struct {
	name    string
	target  *url.URL
	anyHost bool
	served  *served // guarded by Handler.mu; nil until found (names is reset when a cassette is recorded)
}

// maxNames bounds the names a handler remembers: enough for the requests
// of a test suite against one API, not a copy of a library of 100,000.
const maxNames = 1 << 12

// maxNameKey bounds the length of the method, host and request URI of a
// request the memory keeps (and of the RawPath of a client's URL, which
// the memory keeps a copy of), so that maxNames bounds its size too: a
// longer one (NewTransport takes methods and URLs of any length) is named
// every time.
const maxNameKey = 8 << 10

// namesRetry is how many requests go by, once the memory of names was
// dropped, before it is tried again: the requests that walked a large
// library may be over, and the next ones (another test of the same
// server, say) ask for a few cassettes again and again.
const namesRetry = 1 << 14

// remember adds a request just named to the memory of names. Once it is
// full, a request not in it is one more miss; when the misses outnumber
// the hits by more than maxNames (the requests walk a library much larger
// than the memory, and looking costs more than it saves), the memory is
// dropped, until namesRetry requests later (see nameKey). h.mu is held.
func (h *Handler) remember(key nameKey, n *namedRequest) {
	if h.namesOff.Load() {
		return
	}
	if h.names == nil {
		h.names = make(map[nameKey]*namedRequest)
	}
	if len(h.names) < maxNames {
		h.names[key] = n
		return
	}
	h.namesMiss++
	if h.namesMiss-h.namesUse > maxNames {
		h.names, h.namesUse, h.namesMiss = nil, 0, 0
		h.namesSkipped.Store(0)
		h.namesOff.Store(true)
	}
}

// retryNames counts a request that the memory of names, dropped, did not
// see, and takes the memory up again after namesRetry of them.
func (h *Handler) retryNames() {
	if h.namesSkipped.Add(1) < namesRetry {
		return
	}
	h.mu.Lock()
	h.namesOff.Store(false) // remember starts an empty memory
	h.mu.Unlock()
}

// nameKey returns the key of r in the memory of names, and whether r can
// be remembered: a request without a body or a Range (which names read
// whatever the rules say; a Range under any spelling of its key, as a
// server reads req.Header["range"] a client set, and as names read it in
// a request a Handler is given directly), named by rules that
// read no header, and read by a server (RequestURI set: the scheme is in
// the key, as schemeOf reads a header, the server's own address in the
// host) or sent by a client
// through NewTransport (its URL absolute, without user information, an
// opaque part or a fragment, its context not that of a request a server
// read: the name and target are then those of its scheme, host and
// request URI). A request NewTransport got is a client's, whatever its
// RequestURI (one made with httptest.NewRequest keeps it when its URL is
// changed; http.Transport never reads it): its URL names it.
func (h *Handler) nameKey(r *http.Request, body []byte) (nameKey, bool) {
	// Under any spelling: a client's request may hold one, and so may a
	// request a Handler is given directly (httptest.NewRequest, a
	// middleware), whose keys no server made canonical.
	if len(body) > 0 || h.namesReadHeaders || len(headerkey.Values(r.Header, "Range")) > 0 {
		return nameKey{}, false
	}
	var key nameKey
	switch u := r.URL; {
	case r.RequestURI != "" && u.Host == "" && !h.forTransport:
		key = nameKey{method: r.Method, host: r.Host, uri: r.RequestURI, scheme: schemeOf(r)}
	case (r.RequestURI == "" || h.forTransport) && u.Host != "" && u.Scheme != "" && u.User == nil && u.Opaque == "" && u.Fragment == "" && u.RawFragment == "" && (r.Host == "" || r.Host == u.Host) && r.Header[schemeHeader] == nil &&
		r.Context().Value(http.LocalAddrContextKey) == nil: // else sent from a server's handler, which isOwnAddress reads
		key = nameKey{method: r.Method, host: u.Host, uri: u.EscapedPath(), query: u.RawQuery, force: u.ForceQuery, scheme: u.Scheme, client: true}
	default:
		return nameKey{}, false
	}
	size := len(key.method) + len(key.host) + len(key.uri) + len(key.query)
	if key.client {
		// The URL the memory keeps holds a RawPath its request URI
		// leaves out when it is no encoding of its Path.
		size += len(r.URL.RawPath)
	}
	if size > maxNameKey {
		return nameKey{}, false
	}
	if h.namesOff.Load() {
		h.retryNames()
		return nameKey{}, false
	}
	return key, true
}
