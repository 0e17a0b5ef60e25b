// Package library stores recorded HTTP exchanges: one file holding every
// cassette, or a directory holding one file per cassette, in JSON or YAML.
//
// A [Cassette] is the list of exchanges recorded for one request name (see
// package naming); a [Library] holds cassettes by name. [Open] picks the
// store from the path: a path ending in .json, .yaml or .yml is a single
// file in that format, any other path a directory of files named after
// their cassettes, NAME.json or NAME.yaml:
//
//	lib, err := library.Open("testdata/api")      // testdata/api/GET_example.com_443.json, ...
//	lib, err := library.Open("testdata/api.yaml") // one file
//
// Reading is lazy, and files of up to 1 MiB are cached for the process;
// changes stay in memory until [Library.Save], which writes atomically. See [Library] for the details.
//
// # File format
//
// JSON and YAML files share one schema, made to be read in code review and
// edited by hand. A single-file library is an object with the schema
// version and the list of cassettes, sorted by name:
//
//	{"version": 1, "cassettes": [{"name": NAME, "exchanges": [EXCHANGE, ...]}, ...]}
//
// A file of a directory library holds one cassette, whose name is the file
// name without its extension:
//
//	{"version": 1, "exchanges": [EXCHANGE, ...]}
//
// The version is required. This package writes [Version] and refuses
// files of a later version, asking to upgrade. The exchanges of a cassette
// are replayed in the order they are listed. An exchange is an object:
//
//   - "request": an object with "method" (required), "url" (the absolute
//     URL), "headers" and "body".
//   - "response": an object with "status" (required, 100 to 999),
//     "headers", "body" (or "body_file", see "Body files" below),
//     "trailers" and, for a body that was streamed
//     (sent without a Content-Length), "chunks": how it arrived, a list of
//     "SIZE@TIME" strings ("128@15ms": 128 bytes, 15ms after the request
//     was sent) whose sizes add up to the body's length.
//   - "latency": how long the exchange took, as Go's time.Duration writes
//     it ("12.5ms"); omitted when unknown.
//   - "recorded_at": when it was recorded, in RFC 3339 ("2024-05-01T10:00:00Z",
//     written in UTC); omitted when unknown.
//
// Headers and trailers are objects from each header name to the list of
// its values, in order (a response with three Set-Cookie headers lists
// three values); names are written sorted, as they were recorded (no
// change of case; a null in a list of values, in JSON or YAML, is an empty
// value, and a name that is null in YAML, a plain "null" or "~", is an
// error, in a mapping merged in with "<<" too: quote it). Methods, URLs,
// header names and values are text: bytes in them that are not UTF-8 are
// replaced by U+FFFD.
//
// A body is stored byte for byte. A body that is UTF-8 text is the "body"
// string itself; any other body (binary, compressed, another encoding) is
// written in standard base64 with "body_encoding": "base64", the only
// encoding. An empty body is omitted. Hand-written base64 may omit the
// padding and contain line breaks.
//
// Files are written with their keys in a fixed order and two-space
// indentation, JSON without escaping <, > and &, and YAML with text of
// several lines as a literal block ("|"), or double-quoted where a block
// could not hold it exactly (carriage returns, trailing spaces). Unknown
// fields are errors, so that a misspelt field is not silently ignored, and
// so is a field given twice in one object (in JSON, in any case, as
// encoding/json matches them; in a header map, the same name), which
// would be read as its last and saved without the others, and so is an
// empty (null) item in the list of cassettes, of exchanges or of chunks.
// Here is a cassette file of a directory library, GET_api.example.com_443_v1_users.json:
//
//	{
//	  "version": 1,
//	  "exchanges": [
//	    {
//	      "request": {
//	        "method": "GET",
//	        "url": "https://api.example.com/v1/users",
//	        "headers": {
//	          "Accept": ["application/json"]
//	        }
//	      },
//	      "response": {
//	        "status": 200,
//	        "headers": {
//	          "Content-Type": ["application/json"],
//	          "Set-Cookie": ["a=1", "b=2"]
//	        },
//	        "body": "{\"users\": [\"ann\", \"bob\"]}\n"
//	      },
//	      "latency": "12.5ms",
//	      "recorded_at": "2024-05-01T10:00:00Z"
//	    }
//	  ]
//	}
//
// and a single-file library in YAML with that cassette and one more, whose
// request has a text body and whose response a binary body and a trailer:
//
//	version: 1
//	cassettes:
//	  - name: GET_api.example.com_443_v1_users
//	    exchanges:
//	      - request:
//	          method: GET
//	          url: https://api.example.com/v1/users
//	          headers:
//	            Accept: [application/json]
//	        response:
//	          status: 200
//	          headers:
//	            Content-Type: [application/json]
//	            Set-Cookie: [a=1, b=2]
//	          body: |
//	            {"users": ["ann", "bob"]}
//	        latency: 12.5ms
//	        recorded_at: "2024-05-01T10:00:00Z"
//	  - name: POST_api.example.com_443_v1_upload~b1a2b3c4d
//	    exchanges:
//	      - request:
//	          method: POST
//	          url: https://api.example.com/v1/upload
//	          body: |
//	            line 1
//	            line 2
//	        response:
//	          status: 201
//	          body_encoding: base64
//	          body: iVBORw0KGgo=
//	          trailers:
//	            X-Checksum: [abc]
//
// # Body files
//
// A response body may be stored in a file of its own instead of the
// cassette: "body_file" then names that file, relative to the folder of the
// cassette file, with "/" between folders, and "body" and "body_encoding"
// are absent. The file holds the body byte for byte. The recorder stores
// this way every response body larger than 8 MiB (see package
// recorder), so that a body of any size is written to disk as it arrives
// and replayed from disk without being held in memory (`cassette import`
// stores so the large bodies it reads from HAR and go-vcr files); a hand-written
// cassette may point at any file inside its folder:
//
//	"response": {
//	  "status": 200,
//	  "headers": {"Content-Type": ["application/octet-stream"]},
//	  "body_file": "bodies/5d41402abc4b2a76b9719d911017c592.bin"
//	}
//
// The files a library writes are named after their content (the first 128
// bits of their SHA-256, in hex, then ".bin") and kept in a folder beside
// the cassettes: "bodies" inside a directory library, NAME.json.bodies
// beside a single-file library NAME.json (NAME.yaml.bodies beside
// NAME.yaml). Putting a cassette read from another library copies its
// body files into this one on [Library.Save]; a file placed by hand and
// named in a hand-written body_file stays where it is. Symbolic links
// included, a body file does not lead out of the folder of its cassette
// file: a link there must be relative and lead to a file inside it, and
// opening a body file that leads out is an error, so that a cassette
// cannot have any other file served. Save removes the body files that no cassette refers to any more when it
// knows every cassette (a single-file library, or a directory library whose
// cassettes were all read or cleared); `cassette prune` removes the rest.
// A body file committed for an exchange that is then not added (a hook
// refused it) is removed by [Library.ReleaseBody] when no other exchange
// may use it.
//
// # Directory libraries
//
// A directory library holds only cassette files and its "bodies" folder: a
// file with another extension, another subdirectory, two files for one
// cassette (x.json and x.yaml) or a file name that is not a valid cassette
// name (see [ValidName]) is an error. Files and folders whose names start
// with "." (.gitkeep, and the temporary files of an interrupted Save) and
// the desktop.ini and Thumbs.db that Windows Explorer writes are ignored
// (see [IgnoredFile]).
//
// Errors name the file and, for syntax and type errors and values that do
// not decode (invalid base64, a latency that is no duration, a duplicate or
// invalid cassette name), the line.
package library
