package trailer

import (
	"net/http"
	"testing"
)

func TestUnsized(t *testing.T) {
	withTrailer := &http.Response{Header: http.Header{"Content-Length": {"15"}}, ContentLength: 15, Trailer: http.Header{"Grpc-Status": nil}}
	Unsized(withTrailer)
	if withTrailer.ContentLength != -1 || withTrailer.Header.Get("Content-Length") != "" {
		t.Errorf("a response announcing trailers keeps its length: %d, %v", withTrailer.ContentLength, withTrailer.Header)
	}
	plain := &http.Response{Header: http.Header{"Content-Length": {"15"}}, ContentLength: 15}
	Unsized(plain)
	if plain.ContentLength != 15 || plain.Header.Get("Content-Length") != "15" {
		t.Errorf("a response without trailers lost its length: %d, %v", plain.ContentLength, plain.Header)
	}
}
