package interop

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"testing"

	gitlab "gitlab.com/gitlab-org/api/client-go"
)

const gitlabToken = "glpat-Hx7qV2mN9sK4wB1zR8cT"

// fakeGitLab is the "real API" of the GitLab test: projects listed two
// per page with GitLab's X-Page, X-Next-Page and X-Total headers and a
// Link header repeating the query, a project read by its escaped path
// (group%2Fapp), an issue created from a JSON body, and a 404; every
// request needs the PRIVATE-TOKEN header.
func fakeGitLab() http.Handler {
	projects := []string{"app", "api", "web", "docs", "infra"}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Private-Token") != gitlabToken {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"message":"401 Unauthorized"}`)
			return
		}
		switch r.Method + " " + r.URL.EscapedPath() {
		case "GET /api/v4/projects":
			page, _ := strconv.Atoi(r.URL.Query().Get("page"))
			per, _ := strconv.Atoi(r.URL.Query().Get("per_page"))
			if page < 1 {
				page = 1
			}
			from, to := (page-1)*per, min(page*per, len(projects))
			w.Header().Set("X-Page", fmt.Sprint(page))
			w.Header().Set("X-Per-Page", fmt.Sprint(per))
			w.Header().Set("X-Total", fmt.Sprint(len(projects)))
			w.Header().Set("X-Total-Pages", fmt.Sprint((len(projects)+per-1)/per))
			if to < len(projects) {
				w.Header().Set("X-Next-Page", fmt.Sprint(page+1))
				w.Header().Set("Link", fmt.Sprintf(`<http://%s/api/v4/projects?page=%d&per_page=%d&private_token=%s>; rel="next"`, r.Host, page+1, per, gitlabToken))
			} else {
				w.Header().Set("X-Next-Page", "")
			}
			var list []map[string]any
			for i := from; i < to; i++ {
				list = append(list, map[string]any{"id": i + 1, "path_with_namespace": "group/" + projects[i]})
			}
			json.NewEncoder(w).Encode(list)
		case "GET /api/v4/projects/group%2Fapp":
			io.WriteString(w, `{"id":1,"path_with_namespace":"group/app","default_branch":"main","star_count":42}`)
		case "POST /api/v4/projects/1/issues":
			var in struct {
				Title  string
				Labels string
			}
			if json.NewDecoder(r.Body).Decode(&in) != nil {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintf(w, `{"id":901,"iid":7,"project_id":1,"title":%q,"labels":[%q],"state":"opened"}`, in.Title, in.Labels)
		default:
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"message":"404 Project Not Found"}`)
		}
	})
}

// gitlabSession pages through the projects by X-Next-Page, reads one by
// its path, opens an issue and reads a project that is not there.
func gitlabSession(t *testing.T, base string, client *http.Client) []string {
	t.Helper()
	gl, err := gitlab.NewClient(gitlabToken, gitlab.WithBaseURL(base+"/api/v4"), gitlab.WithHTTPClient(client), gitlab.WithoutRetries())
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	opt := &gitlab.ListProjectsOptions{ListOptions: gitlab.ListOptions{PerPage: 2, Page: 1}}
	for {
		list, resp, err := gl.Projects.ListProjects(opt)
		if err != nil {
			t.Fatalf("list projects page %d: %v", opt.Page, err)
		}
		var names []string
		for _, p := range list {
			names = append(names, p.PathWithNamespace)
		}
		seen = append(seen, fmt.Sprintf("page %d of %d (%d in all): %v, next %d", resp.CurrentPage, resp.TotalPages, resp.TotalItems, names, resp.NextPage))
		if resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	p, _, err := gl.Projects.GetProject("group/app", nil)
	if err != nil {
		t.Fatalf("get project: %v", err)
	}
	seen = append(seen, fmt.Sprintf("project %d %s on %s, %d stars", p.ID, p.PathWithNamespace, p.DefaultBranch, p.StarCount))
	labels := gitlab.LabelOptions{"bug"}
	issue, resp, err := gl.Issues.CreateIssue(p.ID, &gitlab.CreateIssueOptions{Title: gitlab.Ptr("replay breaks"), Labels: &labels})
	if err != nil {
		t.Fatalf("create issue: %v", err)
	}
	seen = append(seen, fmt.Sprintf("issue %d #%d %q %v %s", resp.StatusCode, issue.IID, issue.Title, issue.Labels, issue.State))
	_, resp, err = gl.Projects.GetProject("group/gone", nil)
	var gerr *gitlab.ErrorResponse
	seen = append(seen, fmt.Sprintf("missing project: %d, ErrorResponse %v, not found %v", resp.StatusCode, errors.As(err, &gerr), errors.Is(err, gitlab.ErrNotFound)))
	return seen
}

// TestGitLab records GitLab's client against a GitLab look-alike and
// replays it the three ways of probeSDK, strict, with the API closed:
// pages followed by X-Next-Page, a project path escaped as group%2Fapp, a
// JSON body, a 404; the PRIVATE-TOKEN header, and the private_token in
// the Link header's URLs, are stored REDACTED and still match.
func TestGitLab(t *testing.T) {
	want := []string{
		"page 1 of 3 (5 in all): [group/app group/api], next 2",
		"page 2 of 3 (5 in all): [group/web group/docs], next 3",
		"page 3 of 3 (5 in all): [group/infra], next 0",
		"project 1 group/app on main, 42 stars",
		`issue 201 #7 "replay breaks" [bug] opened`,
		"missing project: 404, ErrorResponse false, not found true",
	}
	libs := probeSDK(t, fakeGitLab, 6, want, func(u string) string { return u }, nil, gitlabSession, gitlabToken)
	checkRedacted(t, []string{libs["dir"], libs["file"], libs["transport"]})
}
