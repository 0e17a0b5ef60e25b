package interop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
	"github.com/elastic/go-elasticsearch/v8"
)

// fakeElasticsearch is the "real API" of the Elasticsearch test: it sends
// X-Elastic-Product on every answer, as Elasticsearch 8 does (the client
// refuses answers without it), indexes, searches, takes a bulk request
// in NDJSON, and answers 404 for a document it does not have.
func fakeElasticsearch() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Elastic-Product", "Elasticsearch")
		w.Header().Set("Content-Type", "application/vnd.elasticsearch+json;compatible-with=8")
		if r.Header.Get("Authorization") != "APIKey ZXNrZXk6c2VjcmV0LWVzLWtleQ==" {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":{"type":"security_exception","reason":"missing authentication credentials"},"status":401}`)
			return
		}
		body, _ := io.ReadAll(r.Body)
		switch r.Method + " " + r.URL.Path {
		case "PUT /books/_doc/1":
			if r.URL.Query().Get("refresh") != "true" || !json.Valid(body) {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, `{"_index":"books","_id":"1","_version":1,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":0,"_primary_term":1}`)
		case "POST /books/_search":
			var q struct {
				Query struct {
					Match map[string]string `json:"match"`
				} `json:"query"`
			}
			json.Unmarshal(body, &q)
			fmt.Fprintf(w, `{"took":2,"timed_out":false,"hits":{"total":{"value":1,"relation":"eq"},"max_score":0.29,"hits":[{"_index":"books","_id":"1","_score":0.29,"_source":{"title":"Dune","matched":%q}}]}}`, q.Query.Match["title"])
		case "POST /_bulk":
			lines := strings.Split(strings.TrimSuffix(string(body), "\n"), "\n")
			if !strings.HasSuffix(string(body), "\n") {
				w.WriteHeader(http.StatusBadRequest)
				io.WriteString(w, `{"error":"The bulk request must be terminated by a newline [\n]","status":400}`)
				return
			}
			fmt.Fprintf(w, `{"took":5,"errors":false,"items":[{"index":{"_index":"books","_id":"2","status":201}},{"index":{"_index":"books","_id":"3","status":201}}],"lines":%d}`, len(lines))
		case "GET /books/_doc/missing":
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"_index":"books","_id":"missing","found":false}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(w, `{"error":"no handler found for uri [%s] and method [%s]","status":404}`, r.URL.Path, r.Method)
		}
	})
}

// esSession indexes a document, searches, sends a bulk request and gets a
// document that is not there.
func esSession(title string) rtSession {
	return func(t *testing.T, base string, rt http.RoundTripper) []string {
		t.Helper()
		es, err := elasticsearch.NewClient(elasticsearch.Config{
			Addresses:    []string{base},
			APIKey:       "ZXNrZXk6c2VjcmV0LWVzLWtleQ==",
			Transport:    rt,
			DisableRetry: true,
		})
		if err != nil {
			t.Fatal(err)
		}
		var seen []string
		see := func(what string, res interface {
			String() string
		}, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			seen = append(seen, what+": "+res.String())
		}
		res, err := es.Index("books", strings.NewReader(`{"title":"Dune","year":1965}`), es.Index.WithDocumentID("1"), es.Index.WithRefresh("true"))
		see("index", res, err)
		res, err = es.Search(es.Search.WithContext(context.Background()), es.Search.WithIndex("books"),
			es.Search.WithBody(strings.NewReader(fmt.Sprintf(`{"query":{"match":{"title":%q}}}`, title))))
		see("search", res, err)
		res, err = es.Bulk(strings.NewReader("{\"index\":{\"_index\":\"books\",\"_id\":\"2\"}}\n{\"title\":\"Emma\"}\n{\"index\":{\"_index\":\"books\",\"_id\":\"3\"}}\n{\"title\":\"Ulysses\"}\n"))
		see("bulk", res, err)
		res, err = es.Get("books", "missing")
		see("get", res, err)
		return seen
	}
}

// TestElasticsearch records go-elasticsearch against an Elasticsearch
// look-alike and replays it in strict mode with the API gone: the
// product header the client insists on comes back, so do the search, the
// NDJSON bulk request and the 404; the API key is not stored; a search for
// another title misses and is told its nearest cassette.
func TestElasticsearch(t *testing.T) {
	want := []string{
		`index: [201 Created] {"_index":"books","_id":"1","_version":1,"result":"created","_shards":{"total":2,"successful":1,"failed":0},"_seq_no":0,"_primary_term":1}`,
		`search: [200 OK] {"took":2,"timed_out":false,"hits":{"total":{"value":1,"relation":"eq"},"max_score":0.29,"hits":[{"_index":"books","_id":"1","_score":0.29,"_source":{"title":"Dune","matched":"Dune"}}]}}`,
		`bulk: [200 OK] {"took":5,"errors":false,"items":[{"index":{"_index":"books","_id":"2","status":201}},{"index":{"_index":"books","_id":"3","status":201}}],"lines":4}`,
		`get: [404 Not Found] {"_index":"books","_id":"missing","found":false}`,
	}
	libs := threeWays(t, fakeElasticsearch(), 4, want, esSession("Dune"))
	checkRedacted(t, libs, "ZXNrZXk6c2VjcmV0LWVzLWtleQ==")

	t.Run("miss", func(t *testing.T) {
		t.Setenv(replayserver.EnvMode, "replay")
		rt := replayserver.NewTransport(t, libs[2])
		es, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: []string{"http://127.0.0.1:1"}, Transport: rt, DisableRetry: true})
		if err != nil {
			t.Fatal(err)
		}
		_, err = es.Search(es.Search.WithIndex("books"), es.Search.WithBody(strings.NewReader(`{"query":{"match":{"title":"Emma"}}}`)))
		var miss *replayserver.MissError
		if !errors.As(err, &miss) {
			t.Fatalf("search for another title: err = %v, want a *replayserver.MissError", err)
		}
		if len(miss.Near) == 0 || !strings.Contains(miss.Near[0], "books_-search") || !strings.Contains(miss.Report, miss.Near[0]) {
			t.Errorf("miss names nearest %q, want the recorded search first; report:\n%s", miss.Near, miss.Report)
		}
	})
}
