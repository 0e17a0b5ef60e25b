// Command weatherapi serves the example weather API (package weatherapi) so
// that recording can be tried by hand:
//
//	go run ./examples/weather/weatherapi/cmd/weatherapi -addr 127.0.0.1:8080
//
// then point a recorder or the cassette command at http://127.0.0.1:8080.
package main

import (
	"flag"
	"log"
	"net"
	"net/http"

	"github.com/cassette-go/cassette/examples/weather/weatherapi"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on (port 0 picks a free one)")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("weatherapi: serving on http://%s", ln.Addr())
	log.Fatal(http.Serve(ln, weatherapi.Handler()))
}
