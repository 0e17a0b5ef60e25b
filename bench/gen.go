package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/cassette-go/cassette/library"
	"github.com/cassette-go/cassette/naming"
	yaml "go.yaml.in/yaml/v4"
	govcr "gopkg.in/dnaeon/go-vcr.v4/pkg/cassette"
)

// The generated exchanges: GET https://api.example.com/v1/items/I answered
// 200 with a JSON body of a fixed size. Cassette and go-vcr get the same
// exchanges.

const upstream = "https://api.example.com"

func itemPath(i int) string { return "/v1/items/" + strconv.Itoa(i) }

func itemURL(i int) string { return upstream + itemPath(i) }

// itemBody returns the body of exchange i: a JSON text of exactly size
// bytes (at least 32).
func itemBody(i, size int) []byte {
	head := fmt.Sprintf(`{"id":%d,"pad":"`, i)
	body := make([]byte, size)
	n := copy(body, head)
	for j := n; j < size-2; j++ {
		body[j] = 'a' + byte(j%26)
	}
	copy(body[size-2:], `"}`)
	return body
}

// cassetteName is the name Cassette gives the request of exchange i.
func cassetteName(i int) string {
	req, err := http.NewRequest(http.MethodGet, itemURL(i), nil)
	if err != nil {
		panic(err)
	}
	return naming.Name(req, nil, naming.Default())
}

func itemExchange(i, size int) library.Exchange {
	return library.Exchange{
		Request: library.Request{Method: http.MethodGet, URL: itemURL(i)},
		Response: library.Response{
			StatusCode: http.StatusOK,
			Header:     http.Header{"Content-Type": {"application/json"}},
			Body:       itemBody(i, size),
		},
	}
}

// writeFileLibrary writes a single-file library of n exchanges, one
// cassette each, with library.Append and Save; the extension of path
// (.json or .yaml) decides the format.
func writeFileLibrary(path string, n, size int) error {
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return err
	}
	lib, err := library.Open(path)
	if err != nil {
		return err
	}
	for i := range n {
		if err := lib.Append(cassetteName(i), itemExchange(i, size)); err != nil {
			return err
		}
	}
	return lib.Save()
}

// The documented schema of a cassette file of a directory library (see
// package library), written here directly: library.Save syncs every file
// to disk, which takes minutes for 100,000 files on this machine.
type dirFile struct {
	Version   int           `json:"version"`
	Exchanges []dirExchange `json:"exchanges"`
}

type dirExchange struct {
	Request struct {
		Method string `json:"method"`
		URL    string `json:"url"`
	} `json:"request"`
	Response struct {
		Status  int                 `json:"status"`
		Headers map[string][]string `json:"headers"`
		Body    string              `json:"body"`
	} `json:"response"`
}

// writeDirLibrary writes a directory library of n cassettes whose bodies
// have size bytes, one JSON file each, in the format library.Save writes.
func writeDirLibrary(dir string, n, size int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var buf bytes.Buffer
	for i := range n {
		var ex dirExchange
		ex.Request.Method = http.MethodGet
		ex.Request.URL = itemURL(i)
		ex.Response.Status = http.StatusOK
		ex.Response.Headers = map[string][]string{"Content-Type": {"application/json"}}
		ex.Response.Body = string(itemBody(i, size))
		buf.Reset()
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(dirFile{Version: library.Version, Exchanges: []dirExchange{ex}}); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, cassetteName(i)+".json"), buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// writeGoVCR writes a go-vcr cassette (format version 2) of n interactions
// at name+".yaml", as go-vcr's recorder would have recorded them for
// requests made with http.NewRequest and a client transport, with go-vcr's
// own types and YAML encoder.
func writeGoVCR(name string, n, size int) error {
	c := govcr.New(name)
	c.MarshalFunc = yaml.Marshal
	for i := range n {
		body := itemBody(i, size)
		c.AddInteraction(&govcr.Interaction{
			Request: govcr.Request{
				Proto:         "HTTP/1.1",
				ProtoMajor:    1,
				ProtoMinor:    1,
				ContentLength: 0,
				Host:          "api.example.com",
				URL:           itemURL(i),
				Method:        http.MethodGet,
			},
			Response: govcr.Response{
				Proto:         "HTTP/1.1",
				ProtoMajor:    1,
				ProtoMinor:    1,
				ContentLength: int64(len(body)),
				Body:          string(body),
				Headers:       http.Header{"Content-Type": {"application/json"}},
				Status:        "200 OK",
				Code:          http.StatusOK,
				Duration:      time.Duration(0),
			},
		})
	}
	return c.Save()
}
