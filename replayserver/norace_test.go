//go:build !race

package replayserver_test

const raceEnabled = false
