//go:build linux

// The example here needs a file system that tells names apart by case, as
// Linux's do by default (macOS's and Windows's do not: its two files would
// be one there).

package library_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/cassette-go/cassette/library"
)

// Files of a directory library whose names differ only in case, made on
// Linux, are one file on macOS or Windows: a clone there keeps one of
// them. CaseTwins lists them, to rename or delete the others.
func ExampleLibrary_CaseTwins() {
	dir, err := os.MkdirTemp("", "lib")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	for _, name := range []string{"GET_api.example.com_443_users", "GET_api.example.com_443_Users", "GET_api.example.com_443_items"} {
		if err := os.WriteFile(filepath.Join(dir, name+".json"), []byte(`{"version": 1, "exchanges": []}`), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	lib, err := library.Open(dir)
	if err != nil {
		log.Fatal(err)
	}
	twins, err := lib.CaseTwins()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(twins)
	// Output:
	// [[GET_api.example.com_443_Users GET_api.example.com_443_users]]
}
