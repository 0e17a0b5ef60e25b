package interop

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/machinebox/graphql"
)

const graphqlToken = "ghp_GraphQLSecretInterop"

// fakeGraphQL is the "real API" of the GraphQL test: one endpoint,
// POST /graphql, answering two queries and a mutation by the operation in
// the JSON body and its variables, and a GraphQL error (status 200) for
// an unknown repository.
func fakeGraphQL() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method != http.MethodPost || r.URL.Path != "/graphql" {
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"message":"Not Found"}`)
			return
		}
		if r.Header.Get("Authorization") != "Bearer "+graphqlToken {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"message":"Bad credentials"}`)
			return
		}
		var req struct {
			Query     string         `json:"query"`
			Variables map[string]any `json:"variables"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"errors":[{"message":%q}]}`, err.Error())
			return
		}
		v := req.Variables
		switch {
		case strings.Contains(req.Query, "viewer"):
			fmt.Fprint(w, `{"data":{"viewer":{"login":"ada","name":"Ada Lovelace"}}}`)
		case strings.Contains(req.Query, "repository") && v["name"] == "cassette":
			fmt.Fprintf(w, `{"data":{"repository":{"id":"R_1","nameWithOwner":"%s/%s","stargazerCount":41}}}`, v["owner"], v["name"])
		case strings.Contains(req.Query, "repository"):
			fmt.Fprintf(w, `{"data":{"repository":null},"errors":[{"type":"NOT_FOUND","path":["repository"],"message":"Could not resolve to a Repository with the name '%s/%s'."}]}`, v["owner"], v["name"])
		case strings.Contains(req.Query, "mutation") && strings.Contains(req.Query, "addStar"):
			input, _ := v["input"].(map[string]any)
			fmt.Fprintf(w, `{"data":{"addStar":{"clientMutationId":%q,"starrable":{"id":%q,"stargazerCount":42}}}}`, input["clientMutationId"], input["starrableId"])
		default:
			fmt.Fprint(w, `{"errors":[{"message":"unknown operation"}]}`)
		}
	})
}

// graphqlSession is what a test's code does with machinebox/graphql: every
// request is a POST to the same endpoint, told apart by its body only.
func graphqlSession(t *testing.T, endpoint string, client *http.Client) []string {
	t.Helper()
	ctx := context.Background()
	gql := graphql.NewClient(endpoint, graphql.WithHTTPClient(client))
	run := func(q string, vars map[string]any, resp any) error {
		req := graphql.NewRequest(q)
		for k, v := range vars {
			req.Var(k, v)
		}
		req.Header.Set("Authorization", "Bearer "+graphqlToken)
		return gql.Run(ctx, req, resp)
	}
	var seen []string

	var viewer struct{ Viewer struct{ Login, Name string } }
	if err := run(`query { viewer { login name } }`, nil, &viewer); err != nil {
		t.Fatalf("viewer: %v", err)
	}
	seen = append(seen, fmt.Sprintf("viewer %s (%s)", viewer.Viewer.Login, viewer.Viewer.Name))

	const repoQuery = `query Repo($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { id nameWithOwner stargazerCount } }`
	var repo struct {
		Repository struct {
			ID             string
			NameWithOwner  string
			StargazerCount int
		}
	}
	if err := run(repoQuery, map[string]any{"owner": "cassette-go", "name": "cassette"}, &repo); err != nil {
		t.Fatalf("repository: %v", err)
	}
	seen = append(seen, fmt.Sprintf("repository %s %s: %d stars", repo.Repository.ID, repo.Repository.NameWithOwner, repo.Repository.StargazerCount))

	err := run(repoQuery, map[string]any{"owner": "cassette-go", "name": "nothing"}, &repo)
	seen = append(seen, fmt.Sprintf("missing repository: %v", err))

	var star struct {
		AddStar struct {
			ClientMutationID string
			Starrable        struct {
				ID             string
				StargazerCount int
			}
		}
	}
	if err := run(`mutation Star($input: AddStarInput!) { addStar(input: $input) { clientMutationId starrable { id stargazerCount } } }`,
		map[string]any{"input": map[string]any{"starrableId": "R_1", "clientMutationId": "m-1"}}, &star); err != nil {
		t.Fatalf("addStar: %v", err)
	}
	seen = append(seen, fmt.Sprintf("starred %s (%s): %d stars", star.AddStar.Starrable.ID, star.AddStar.ClientMutationID, star.AddStar.Starrable.StargazerCount))
	return seen
}

// TestGraphQLClient records machinebox/graphql against a GraphQL
// look-alike and replays it, strict and with the API gone, through a
// folder, a JSON file and recorder.NewTransport: four requests to one URL,
// told apart by their bodies alone, each get their own answer (a GraphQL
// error included); the bearer token is stored nowhere; and a query with
// other variables misses with a report that diffs them against the
// nearest recorded query.
func TestGraphQLClient(t *testing.T) {
	want := []string{
		"viewer ada (Ada Lovelace)",
		"repository R_1 cassette-go/cassette: 41 stars",
		"missing repository: graphql: Could not resolve to a Repository with the name 'cassette-go/nothing'.",
		"starred R_1 (m-1): 42 stars",
	}
	graphqlEndpoint := func(url string) string { return url + "/graphql" }
	libs := probeSDK(t, fakeGraphQL, 4, want, graphqlEndpoint, nil, graphqlSession, graphqlToken)

	files := cassetteFiles(t, libs["dir"])
	if len(files) != 4 {
		t.Errorf("the folder holds %d cassettes, want 4 (one per body): %q", len(files), files)
	}
	for _, f := range files {
		if !strings.HasPrefix(f, "POST_127.0.0.1_") || !strings.Contains(f, "_graphql~b") {
			t.Errorf("cassette %q is not named after POST /graphql and a body hash", f)
		}
	}

	report := missReport(t, libs["file"], graphqlEndpoint, func(endpoint string, client *http.Client) {
		gql := graphql.NewClient(endpoint, graphql.WithHTTPClient(client))
		req := graphql.NewRequest(`query Repo($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { id nameWithOwner stargazerCount } }`)
		req.Var("owner", "cassette-go")
		req.Var("name", "cassette-py")
		req.Header.Set("Authorization", "Bearer "+graphqlToken)
		var resp any
		if err := gql.Run(context.Background(), req, &resp); err == nil {
			t.Errorf("a query with other variables was answered")
		}
	})
	for _, s := range []string{"nearest #1: POST_", `-`, `"cassette"`, `+`, `"cassette-py"`} {
		if !strings.Contains(report, s) {
			t.Errorf("the miss report lacks %q:\n%s", s, report)
		}
	}
	// The nearest cassette is the query with other variables, not the viewer's or the mutation's.
	if i := strings.Index(report, "nearest #2"); i < 0 || !strings.Contains(report[:i], `"cassette"`) {
		t.Errorf("the nearest cassette is not the same query with other variables:\n%s", report)
	}
	if strings.Contains(report, graphqlToken) {
		t.Errorf("the miss report shows the token:\n%s", report)
	}
}
