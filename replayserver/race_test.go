//go:build race

package replayserver_test

// raceEnabled is true when testing with the race detector, under which
// sync.Pool drops what it is given at random: allocations are not
// counted then.
const raceEnabled = true
