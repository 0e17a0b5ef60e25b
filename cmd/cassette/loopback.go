package main

import (
	"fmt"
	"net"
	"strings"
)

// checkLoopback reports an error unless the listen address addr is on
// loopback: its host a loopback IP address (127.0.0.0/8, ::1) or
// "localhost". A replay or recording server serves recorded responses and
// forwards to a real API with the caller's credentials: it must not be
// reachable from other machines.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("-addr %s: want HOST:PORT on loopback (127.0.0.1, ::1 or localhost)", addr)
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("-addr %s: listens on loopback only (127.0.0.1, ::1 or localhost)", addr)
}
