package library_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/cassette-go/cassette/library"
)

func ExampleOpen() {
	dir, err := os.MkdirTemp("", "cassette-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// A path without an extension is a directory library: one file per
	// cassette.
	lib, err := library.Open(filepath.Join(dir, "api"))
	if err != nil {
		log.Fatal(err)
	}
	err = lib.Append("GET_api.example.com_443_v1_ping", library.Exchange{
		Request: library.Request{Method: "GET", URL: "https://api.example.com/v1/ping"},
		Response: library.Response{
			StatusCode: 200,
			Header:     http.Header{"Content-Type": {"text/plain"}},
			Body:       []byte("pong\n"),
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := lib.Save(); err != nil {
		log.Fatal(err)
	}

	file := lib.File("GET_api.example.com_443_v1_ping")
	data, err := os.ReadFile(filepath.Join(dir, "api", file))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s:\n%s", file, data)
	// Output:
	// GET_api.example.com_443_v1_ping.json:
	// {
	//   "version": 1,
	//   "exchanges": [
	//     {
	//       "request": {
	//         "method": "GET",
	//         "url": "https://api.example.com/v1/ping"
	//       },
	//       "response": {
	//         "status": 200,
	//         "headers": {
	//           "Content-Type": ["text/plain"]
	//         },
	//         "body": "pong\n"
	//       }
	//     }
	//   ]
	// }
}

func ExampleLibrary_Get() {
	// A path with an extension is a single-file library.
	lib, err := library.Open("testdata/library.yaml")
	if err != nil {
		log.Fatal(err)
	}
	names, err := lib.Names()
	if err != nil {
		log.Fatal(err)
	}
	for _, name := range names {
		c, _, err := lib.Get(name)
		if err != nil {
			log.Fatal(err)
		}
		for _, ex := range c.Exchanges {
			fmt.Printf("%s %s: %d, %d bytes\n", ex.Request.Method, ex.Request.URL, ex.Response.StatusCode, len(ex.Response.Body))
		}
	}
	// Output:
	// GET https://api.example.com/v1/users: 200, 26 bytes
	// POST https://api.example.com/v1/upload: 201, 8 bytes
}

func ExampleLibrary_File() {
	// In a directory library, File names a cassette's file in the folder:
	// what to remove to prune an unused cassette.
	lib, err := library.Open("testdata/api")
	if err != nil {
		log.Fatal(err)
	}
	names, err := lib.Names()
	if err != nil {
		log.Fatal(err)
	}
	for _, name := range names {
		fmt.Println(lib.File(name))
	}
	// Output:
	// GET_api.example.com_443_v1_users.json
	// POST_api.example.com_443_v1_upload~b1a2b3c4d.yaml
}

// A body too large to hold in memory is written to a body file, which the
// cassette refers to.
func ExampleLibrary_NewBody() {
	dir, err := os.MkdirTemp("", "cassette-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	lib, err := library.Open(filepath.Join(dir, "api"))
	if err != nil {
		log.Fatal(err)
	}

	w, err := lib.NewBody()
	if err != nil {
		log.Fatal(err)
	}
	for range 3 { // as the body arrives, piece by piece
		fmt.Fprintln(w, "a line of a large export")
	}
	path, err := w.Commit()
	if err != nil {
		log.Fatal(err)
	}
	err = lib.Append("GET_api.example.com_443_export", library.Exchange{
		Request:  library.Request{Method: "GET", URL: "https://api.example.com/export"},
		Response: library.Response{StatusCode: 200, BodyFile: path},
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := lib.Save(); err != nil {
		log.Fatal(err)
	}

	cassette, _ := os.ReadFile(filepath.Join(dir, "api", "GET_api.example.com_443_export.json"))
	for _, line := range strings.Split(string(cassette), "\n") {
		if strings.Contains(line, "body_file") {
			fmt.Println(strings.TrimSpace(line))
		}
	}
	body, _ := os.ReadFile(path)
	fmt.Print(string(body))
	// Output:
	// "body_file": "bodies/a7403a6b51e8c7d86aa59b36258d9b61.bin"
	// a line of a large export
	// a line of a large export
	// a line of a large export
}

// An exchange whose body is already in a body file may still be refused
// (a hook finds a secret in it): ReleaseBody gives the file up, and
// removes it, as no other exchange uses it.
func ExampleLibrary_ReleaseBody() {
	dir, err := os.MkdirTemp("", "cassette-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	lib, err := library.Open(filepath.Join(dir, "api"))
	if err != nil {
		log.Fatal(err)
	}

	w, err := lib.NewBody()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintln(w, `{"password": "hunter2"}`)
	path, err := w.Commit()
	if err != nil {
		log.Fatal(err)
	}
	if body, _ := os.ReadFile(path); bytes.Contains(body, []byte("password")) {
		// Not appended: give the body file up.
		if err := lib.ReleaseBody(path); err != nil {
			log.Fatal(err)
		}
	}
	_, err = os.Stat(path)
	fmt.Println("body file removed:", errors.Is(err, fs.ErrNotExist))
	// Output:
	// body file removed: true
}

func ExampleLibrary_DropExchanges() {
	dir, err := os.MkdirTemp("", "cassette-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	lib, err := library.Open(filepath.Join(dir, "api.json"))
	if err != nil {
		log.Fatal(err)
	}
	ping := func(status int) library.Exchange {
		return library.Exchange{
			Request:  library.Request{Method: "GET", URL: "https://api.example.com/v1/ping"},
			Response: library.Response{StatusCode: status},
		}
	}
	if err := lib.Append("ping", ping(503), ping(200), ping(503)); err != nil {
		log.Fatal(err)
	}

	// Drop the answers recorded while the API was down.
	n, err := lib.DropExchanges("ping", func(ex library.Exchange) bool {
		return ex.Response.StatusCode >= 500
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := lib.Save(); err != nil {
		log.Fatal(err)
	}
	c, _, err := lib.Get("ping")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("dropped %d, kept %d: %d\n", n, len(c.Exchanges), c.Exchanges[0].Response.StatusCode)
	// Output:
	// dropped 2, kept 1: 200
}

// A directory library leaves alone the files it does not take for
// cassettes: dot files, and what Windows Explorer writes into a folder.
func ExampleIgnoredFile() {
	for _, name := range []string{".gitkeep", "desktop.ini", "Thumbs.db", "GET_api.example.com_443.json", "notes.txt"} {
		fmt.Printf("%s: %v\n", name, library.IgnoredFile(name))
	}
	// Output:
	// .gitkeep: true
	// desktop.ini: true
	// Thumbs.db: true
	// GET_api.example.com_443.json: false
	// notes.txt: false
}

// A name that comes from outside (a flag, a file listing) is checked
// before it is used: names made by package naming always pass.
func ExampleValidName() {
	for _, name := range []string{
		"GET_api.example.com_443_v1_users__page=2,sort=name",
		"POST_api.example.com_443_v1_orders~bbc7941df",
		"GET_api.example.com_443_v1/../secrets",
		".hidden",
		"con",
		"",
	} {
		fmt.Printf("%q %v\n", name, library.ValidName(name))
	}
	// Output:
	// "GET_api.example.com_443_v1_users__page=2,sort=name" true
	// "POST_api.example.com_443_v1_orders~bbc7941df" true
	// "GET_api.example.com_443_v1/../secrets" false
	// ".hidden" false
	// "con" false
	// "" false
}

// A directory library writes its new cassettes in YAML.
func ExampleWithFormat() {
	dir, err := os.MkdirTemp("", "cassette-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	lib, err := library.Open(filepath.Join(dir, "api"), library.WithFormat(library.YAML))
	if err != nil {
		log.Fatal(err)
	}
	err = lib.Append("GET_api.example.com_443_v1_ping", library.Exchange{
		Request:  library.Request{Method: "GET", URL: "https://api.example.com/v1/ping"},
		Response: library.Response{StatusCode: 200, Body: []byte("pong\n")},
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := lib.Save(); err != nil {
		log.Fatal(err)
	}
	file := lib.File("GET_api.example.com_443_v1_ping")
	data, err := os.ReadFile(filepath.Join(dir, "api", file))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s:\n%s", file, data)
	// Output:
	// GET_api.example.com_443_v1_ping.yaml:
	// version: 1
	// exchanges:
	//   - request:
	//       method: GET
	//       url: https://api.example.com/v1/ping
	//     response:
	//       status: 200
	//       body: |
	//         pong
}
