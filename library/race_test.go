//go:build race

package library

// raceEnabled is true when testing with the race detector, which slows
// single-threaded exhaustive tests tenfold and finds nothing in them.
const raceEnabled = true
