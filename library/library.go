package library

// Format is an on-disk encoding.
type Format string

// The supported formats.
const (
	JSON Format = "json"
	YAML Format = "yaml"
)

// A Library is a set of cassettes stored in one file or in a directory of
// files, one per cassette. It is safe for concurrent use.
//
// Reading is lazy: nothing is read by [Open]; a file library is decoded on
// first use (and cached for the process, keyed by path, size and
// modification time), a directory library lists its folder on first use and
// reads a cassette file when that cassette is first asked for.
// Changes are held in memory until [Library.Save].
type Library struct {
	// implementation to come
}

// An Option configures [Open].
type Option func(*options)

type options struct {
	format Format
}

// WithFormat sets the format of files written to a directory library that
// has none yet. Default: the format of the files already there, else JSON.
// For a file library the extension decides and this option is ignored.
func WithFormat(f Format) Option { return func(o *options) { o.format = f } }

// Open returns the library at path. A path ending in .json, .yaml or .yml is
// a single-file library in that format; any other path is a directory
// library. The path need not exist: [Library.Exists] tells, and
// [Library.Save] creates it. Open reads nothing; errors in the files are
// reported by the first method that needs them.
func Open(path string, opts ...Option) (*Library, error) { panic("not implemented") }

// Path returns the path the library was opened with.
func (l *Library) Path() string { panic("not implemented") }

// IsDir reports whether l is a directory library.
func (l *Library) IsDir() bool { panic("not implemented") }

// Format returns the format of files l writes.
func (l *Library) Format() Format { panic("not implemented") }

// Exists reports whether the library's file or directory exists on disk.
func (l *Library) Exists() bool { panic("not implemented") }

// Load reads and validates the whole library (every cassette file of a
// directory library). It returns the first error, naming the file and, for
// syntax errors, the line.
func (l *Library) Load() error { panic("not implemented") }

// Names returns the names of all cassettes, sorted. It does not read the
// cassette files of a directory library.
func (l *Library) Names() ([]string, error) { panic("not implemented") }

// Get returns the cassette called name. The cassette shares memory with the
// library: callers must not modify it. ok is false when there is none.
func (l *Library) Get(name string) (c Cassette, ok bool, err error) { panic("not implemented") }

// Append adds exchanges at the end of the cassette called name, creating
// it if needed. It returns an error for a name that is not a valid
// cassette name (see [ValidName]).
func (l *Library) Append(name string, ex ...Exchange) error { panic("not implemented") }

// Put replaces the cassette c.Name with c.
func (l *Library) Put(c Cassette) error { panic("not implemented") }

// Delete removes the cassette called name. Deleting a missing cassette is
// not an error.
func (l *Library) Delete(name string) error { panic("not implemented") }

// Clear removes every cassette, as if the library were new: the next
// [Library.Save] replaces what is on disk with what was added since.
func (l *Library) Clear() { panic("not implemented") }

// Save writes what changed since the last Save or load, atomically: each
// file is written to a temporary file in the same directory and renamed.
// A directory library writes one file per changed cassette and removes the
// files of deleted ones; a file library rewrites the file.
func (l *Library) Save() error { panic("not implemented") }

// File returns where the cassette called name is stored: for a directory
// library its file name relative to the library folder, for a file library
// the name itself. It is what an unused report lists.
func (l *Library) File(name string) string { panic("not implemented") }

// ValidName reports whether name can be stored: not empty, at most 200
// bytes, only ASCII letters, digits and ".-_=,~%", not starting with "." or
// "-", and not a reserved Windows device name. Every name made by package
// naming is valid.
func ValidName(name string) bool { panic("not implemented") }
