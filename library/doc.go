// Package library stores recorded HTTP exchanges: one file holding every
// cassette, or a directory holding one file per cassette, in JSON or YAML.
//
// (Format specification to be written: see the "File format" heading.)
package library
