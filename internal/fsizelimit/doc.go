// Package fsizelimit lets a test make writes fail as they fail on a full
// disk, without the privileges a small file system of its own would take:
// it limits the size of the files of the test's process (RLIMIT_FSIZE,
// `ulimit -f`). Linux only; elsewhere the tests that use it do not build.
//
// The limit is the whole process's, and go test's own log of the files a
// test opens (-test.testlogfile, written as the tests run) is one of its
// files: past the limit it could not be written, and the whole package
// failed ("can't write testlog.txt: file too large"). So a test that sets
// the limit runs in a process of its own ([InOwnProcess]), started
// without that log.
package fsizelimit
