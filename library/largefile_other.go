//go:build !linux

package library

// oLargeFile is 0: a file of any size opens without a flag here (see the
// Linux file).
const oLargeFile = 0
