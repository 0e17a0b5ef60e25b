package interop

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/recorder"
	"github.com/cassette-go/cassette/replayserver"
	"github.com/google/go-github/v72/github"
	"github.com/labstack/echo/v4"
)

// githubAPI is the "real API" of the go-github test, a GitHub look-alike
// built with echo: an organisation's repositories paged by Link headers
// (absolute URLs on the API's own host), a repository renamed (a 301 to
// /repositories/{id}), ETags and a 304 to If-None-Match, an archive link
// (a 302 the client does not follow), an issue created from JSON, a 404
// in GitHub's error JSON, and the primary rate limit, counted down in
// X-RateLimit-* headers on every answer until a 403 says it is spent.
func githubAPI() http.Handler {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	var remaining atomic.Int64
	remaining.Store(50)
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if c.Request().Header.Get("Authorization") != "Bearer ghp_interopToken123" {
				return c.JSON(http.StatusUnauthorized, map[string]string{"message": "Bad credentials"})
			}
			h := c.Response().Header()
			h.Set("X-RateLimit-Limit", "60")
			h.Set("X-RateLimit-Reset", "4102444800") // 2100-01-01
			h.Set("X-RateLimit-Resource", "core")
			h.Set("X-GitHub-Request-Id", "C0DE:1234")
			if strings.HasPrefix(c.Request().URL.Path, "/repos/rate-limited/") {
				h.Set("X-RateLimit-Remaining", "0")
				return c.JSON(http.StatusForbidden, map[string]string{
					"message":           "API rate limit exceeded for user ID 1.",
					"documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
				})
			}
			h.Set("X-RateLimit-Remaining", strconv.FormatInt(remaining.Add(-1)+1, 10))
			return next(c)
		}
	})
	repos := []string{"alpha", "beta", "gamma", "delta", "epsilon"}
	e.GET("/orgs/:org/repos", func(c echo.Context) error {
		per, _ := strconv.Atoi(c.QueryParam("per_page"))
		page, _ := strconv.Atoi(c.QueryParam("page"))
		if page == 0 {
			page = 1
		}
		last := (len(repos) + per - 1) / per
		link := func(p int, rel string) string {
			return fmt.Sprintf(`<%s://%s/orgs/%s/repos?page=%d&per_page=%d>; rel="%s"`, c.Scheme(), c.Request().Host, c.Param("org"), p, per, rel)
		}
		var links []string
		if page < last {
			links = append(links, link(page+1, "next"), link(last, "last"))
		}
		if page > 1 {
			links = append(links, link(1, "first"), link(page-1, "prev"))
		}
		c.Response().Header().Set("Link", strings.Join(links, ", "))
		var out []map[string]any
		for i := (page - 1) * per; i < page*per && i < len(repos); i++ {
			out = append(out, map[string]any{"id": i + 1, "name": repos[i], "full_name": c.Param("org") + "/" + repos[i]})
		}
		return c.JSON(http.StatusOK, out)
	})
	e.GET("/repos/octo/old-name", func(c echo.Context) error {
		return c.JSONBlob(http.StatusMovedPermanently, []byte(`{"message":"Moved Permanently"}`)) // Location set below
	}, func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Response().Header().Set("Location", c.Scheme()+"://"+c.Request().Host+"/repositories/42")
			return next(c)
		}
	})
	e.GET("/repositories/42", func(c echo.Context) error {
		const etag = `W/"7e1a"`
		c.Response().Header().Set("ETag", etag)
		if c.Request().Header.Get("If-None-Match") == etag {
			return c.NoContent(http.StatusNotModified)
		}
		return c.JSON(http.StatusOK, map[string]any{"id": 42, "name": "new-name", "full_name": "octo/new-name", "stargazers_count": 7})
	})
	e.GET("/repos/octo/new-name/tarball/main", func(c echo.Context) error {
		return c.Redirect(http.StatusFound, "https://codeload.github.com/octo/new-name/legacy.tar.gz/refs/heads/main?token=AAAXYZ")
	})
	e.POST("/repos/octo/new-name/issues", func(c echo.Context) error {
		var req struct {
			Title  string   `json:"title"`
			Labels []string `json:"labels"`
		}
		if err := c.Bind(&req); err != nil {
			return err
		}
		return c.JSON(http.StatusCreated, map[string]any{"number": 1347, "title": req.Title, "labels": []map[string]string{{"name": strings.Join(req.Labels, "+")}}})
	})
	e.GET("/users/nobody", func(c echo.Context) error {
		return c.JSON(http.StatusNotFound, map[string]string{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
	})
	return e
}

// githubSession is what the test's code does with go-github, its base
// URL set to base and its transport to rt.
func githubSession(t *testing.T, base string, rt http.RoundTripper) []string {
	t.Helper()
	ctx := context.Background()
	client := github.NewClient(&http.Client{Transport: rt}).WithAuthToken("ghp_interopToken123")
	u, err := url.Parse(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	client.BaseURL = u
	var seen []string

	opts := &github.RepositoryListByOrgOptions{ListOptions: github.ListOptions{PerPage: 2}}
	for {
		repos, resp, err := client.Repositories.ListByOrg(ctx, "octo", opts)
		if err != nil {
			t.Fatalf("ListByOrg page %d: %v", opts.Page, err)
		}
		var names []string
		for _, r := range repos {
			names = append(names, r.GetFullName())
		}
		seen = append(seen, fmt.Sprintf("page %d of %d (next %d, prev %d): %v, rate %d/%d", opts.Page, resp.LastPage, resp.NextPage, resp.PrevPage, names, resp.Rate.Remaining, resp.Rate.Limit))
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}

	repo, resp, err := client.Repositories.Get(ctx, "octo", "old-name")
	if err != nil {
		t.Fatalf("Get of a renamed repository: %v", err)
	}
	etag := resp.Header.Get("ETag")
	seen = append(seen, fmt.Sprintf("renamed: %s (%d stars) from %s, ETag %s", repo.GetFullName(), repo.GetStargazersCount(), resp.Request.URL.Path, etag))

	req, err := client.NewRequest(http.MethodGet, "repositories/42", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("If-None-Match", etag)
	resp, err = client.Do(ctx, req, nil)
	var er *github.ErrorResponse
	if !errors.As(err, &er) || resp == nil {
		t.Fatalf("conditional GET: err = %v, want an *github.ErrorResponse for a 304", err)
	}
	seen = append(seen, fmt.Sprintf("conditional: %d", resp.StatusCode))

	link, _, err := client.Repositories.GetArchiveLink(ctx, "octo", "new-name", github.Tarball, &github.RepositoryContentGetOptions{Ref: "main"}, 1)
	if err != nil {
		t.Fatalf("GetArchiveLink: %v", err)
	}
	seen = append(seen, "archive at "+link.Host+link.Path)

	issue, resp, err := client.Issues.Create(ctx, "octo", "new-name", &github.IssueRequest{Title: github.Ptr("Replay is flaky?"), Labels: &[]string{"bug", "question"}})
	if err != nil {
		t.Fatalf("Issues.Create: %v", err)
	}
	seen = append(seen, fmt.Sprintf("issue #%d %q %s: %d", issue.GetNumber(), issue.GetTitle(), issue.Labels[0].GetName(), resp.StatusCode))

	_, resp, err = client.Users.Get(ctx, "nobody")
	if !errors.As(err, &er) {
		t.Fatalf("Users.Get of nobody: err = %v, want an *github.ErrorResponse", err)
	}
	seen = append(seen, fmt.Sprintf("no user: %d %s", resp.StatusCode, er.Message))

	_, _, err = client.Repositories.Get(ctx, "rate-limited", "x")
	var rl *github.RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("Get over the rate limit: err = %v, want an *github.RateLimitError", err)
	}
	seen = append(seen, fmt.Sprintf("rate limited: %s, reset %d", rl.Message, rl.Rate.Reset.Unix()))
	// The client now refuses, without a request, until the reset.
	_, _, err = client.Users.Get(ctx, "nobody")
	if !errors.As(err, &rl) {
		t.Fatalf("Get after the rate limit: err = %v, want an *github.RateLimitError", err)
	}
	seen = append(seen, "refused by the client: "+strings.SplitN(rl.Message, " [", 2)[0])
	return seen
}

// TestGitHubClient records go-github against a GitHub look-alike built
// with echo, through recorder.NewTransport, and replays it in process,
// through replayserver.NewTransport in strict mode, with the API gone:
// pages followed by their Link headers, a 301 followed to a renamed
// repository, a 304 to If-None-Match on the same URL, a 302 archive link
// left unfollowed, a JSON POST, GitHub's error JSON, and the rate limit
// read from X-RateLimit-* headers (the 403 that spends it, then the
// client's own refusal) come back as the recording saw them.
func TestGitHubClient(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	lib := filepath.Join(t.TempDir(), "github.yaml")
	want := []string{
		"page 0 of 3 (next 2, prev 0): [octo/alpha octo/beta], rate 50/60",
		"page 2 of 3 (next 3, prev 1): [octo/gamma octo/delta], rate 49/60",
		"page 3 of 0 (next 0, prev 2): [octo/epsilon], rate 48/60",
		`renamed: octo/new-name (7 stars) from /repositories/42, ETag W/"7e1a"`,
		"conditional: 304",
		"archive at codeload.github.com/octo/new-name/legacy.tar.gz/refs/heads/main",
		`issue #1347 "Replay is flaky?" bug+question: 201`,
		"no user: 404 Not Found",
		"rate limited: API rate limit exceeded for user ID 1., reset 4102444800",
		"refused by the client: API rate limit of 60 still exceeded until 2100-01-01 00:00:00 +0000 UTC, not making remote request.",
	}
	// 10 requests: the 301 is followed, the last call never leaves the client.
	recordReplay(t, githubAPI(), 10, want,
		func(t *testing.T, upstream string) []string {
			return githubSession(t, upstream, recorder.NewTransport(t, lib))
		},
		func(t *testing.T, upstream string) []string {
			rt := replayserver.NewTransport(t, lib, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict(), replayserver.NoRepeat())
			return githubSession(t, upstream, rt)
		})
}
