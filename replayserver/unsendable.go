package replayserver

import (
	"errors"
	"fmt"
	"net/http"
)

// unsendable returns the error http.Transport returns, before it sends
// anything, for a request it refuses (see net/http's Transport.roundTrip):
// a header or trailer field whose name is no token or whose value holds
// a control character other than a tab, a scheme other than http and
// https, a method that is no token, a URL without a host. NewTransport
// stands in for http.Transport, so it refuses them too, with the same
// error: answered from a cassette, a test replaying in process would pass
// with a request the real API never gets. nil for a request it sends.
func unsendable(req *http.Request) error {
	isHTTP := req.URL.Scheme == "http" || req.URL.Scheme == "https"
	if isHTTP {
		if field := invalidField(req.Header); field != "" {
			return fmt.Errorf("net/http: invalid header %s", field)
		}
		if field := invalidField(req.Trailer); field != "" {
			return fmt.Errorf("net/http: invalid trailer %s", field)
		}
	}
	if !isHTTP {
		return fmt.Errorf("unsupported protocol scheme %q", req.URL.Scheme)
	}
	if req.Method != "" && !validFieldName(req.Method) { // a method is a token too
		return fmt.Errorf("net/http: invalid method %q", req.Method)
	}
	if req.URL.Host == "" {
		return errors.New("http: no Host in request URL")
	}
	return nil
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
