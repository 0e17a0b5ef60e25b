// Package rawupstream is an upstream for tests that answers as net/http's
// server never does: a body that ends when the connection closes, with no
// Content-Type, after interim answers of its own choosing, as an HTTP/1.0
// or legacy server answers.
package rawupstream

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"testing"
)

// EarlyHints is an interim answer an upstream may send before its answer.
const EarlyHints = "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"

// CloseDelimited starts an upstream, closed when the test ends, that
// answers every request with interim (interim answers, or nothing), then a
// 200 whose body, body, ends when it closes the connection, and no
// Content-Type; it returns the upstream's URL.
func CloseDelimited(t testing.TB, interim, body string) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
					return
				}
				io.WriteString(c, interim+"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"+body)
			}()
		}
	}()
	return "http://" + l.Addr().String()
}
