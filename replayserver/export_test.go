package replayserver

// ItemsLibrary is itemsLibrary, for the tests of package replayserver_test.
var ItemsLibrary = itemsLibrary

// SetExchange makes a rerecord swap folders with f, for the test's
// duration; f gets the swap rerecord would make.
func SetExchange(t interface{ Cleanup(func()) }, f func(real func(a, b string) error, a, b string) error) {
	real := exchange
	exchange = func(a, b string) error { return f(real, a, b) }
	t.Cleanup(func() { exchange = real })
}

// TransportSecret returns the secret that Server.Transport sends to h
// (in X-Cassette-Secret), for tests that send a request as it does.
func TransportSecret(h *Handler) string { return h.secret }

// SetMeasured makes f run, for the test's duration, each time a body file
// has been measured decoded, before its body is sent.
func SetMeasured(t interface{ Cleanup(func()) }, f func(bodyFile string)) {
	measured = f
	t.Cleanup(func() { measured = func(string) {} })
}
