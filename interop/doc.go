// Package interop holds the tests that need third-party code: that
// cassette works with the cassettes of other tools, written by those tools
// themselves (go-vcr); that real SDKs record and replay through it (the AWS
// SDK's S3 client, the OpenAI SDK, go-github, stripe-go, resty,
// go-retryablehttp, grpc-go), against APIs served by net/http, gin, echo,
// fasthttp and through httputil.ReverseProxy, by every way to record and
// to replay, and WebSockets (coder/websocket) pass through recording; and
// that its servers leak no goroutines (goleak); acceptance_probe_test.go
// checks the promises of the design contract black-box, through the
// public API only. It is a module of its own so that these dependencies
// stay out of cassette's go.mod; the repository's go.work lets the root run
// its tests with
//
//	go test -race ./... ./interop/...
//
// and regenerate the go-vcr sample that cassette's own tests import,
// ../testdata/interop/govcr-sample.yaml, with
//
//	go test -run TestGoVCR -update
package interop
