package replayserver_test

import (
	"net/http"

	"github.com/cassette-go/cassette/naming"
)

func nameOf(r *http.Request, body []byte) string { return naming.Name(r, body, naming.Default()) }
