package main

import (
	"fmt"
	"net"
	"strconv"
	"strings"
)

// checkLoopback reports an error unless the listen address addr is on
// loopback, its host a loopback IP address (127.0.0.0/8, ::1) or
// "localhost", and has a port that can be listened on: a number from 0 to
// 65535 (not a service name such as "http", which net.Listen would take:
// the help says a number). A replay or
// recording server serves recorded responses and forwards to a real API
// with the caller's credentials: it must not be reachable from other
// machines. A bad port is a mistake in the command line, not a failure
// to listen, as a port in use is.
func checkLoopback(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %s: want HOST:PORT on loopback (127.0.0.0/8 such as 127.0.0.1, ::1 or localhost)", addr)
	}
	if ip := net.ParseIP(host); !strings.EqualFold(host, "localhost") && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-addr %s: listens on loopback only (127.0.0.0/8 such as 127.0.0.1, ::1 or localhost)", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 || strings.TrimLeft(port, "0123456789") != "" {
		return fmt.Errorf("-addr %s: port %q is not a port number; want one from 0 to 65535 (0 picks a free port)", addr, port)
	}
	return nil
}
