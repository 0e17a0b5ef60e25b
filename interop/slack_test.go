package interop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/slack-go/slack"
)

const slackToken = "xoxb-1234-5678-SlackSecretInterop"

// fakeSlack is the "real API" of the Slack test: Web API methods posted as
// forms carrying the token in a token field (and a GET sending it as a
// bearer token), a channel list paged by cursor, and a 429 with
// Retry-After on the first conversations.history.
type fakeSlack struct {
	history atomic.Int64
}

func (f *fakeSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Slack-Req-Id", fmt.Sprintf("%p", r))
	r.ParseForm()
	token := r.PostForm.Get("token")
	if token == "" {
		token = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	}
	if token != slackToken {
		fmt.Fprint(w, `{"ok":false,"error":"invalid_auth"}`)
		return
	}
	reply := func(v any) { json.NewEncoder(w).Encode(v) }
	switch r.Method + " " + r.URL.Path {
	case "POST /api/auth.test":
		reply(map[string]any{"ok": true, "url": "https://acme.slack.com/", "team": "Acme", "user": "cassette-bot", "team_id": "T0001", "user_id": "U0001"})
	case "POST /api/chat.postMessage":
		reply(map[string]any{"ok": true, "channel": r.PostForm.Get("channel"), "ts": "1764000000.000100",
			"message": map[string]any{"type": "message", "text": r.PostForm.Get("text"), "ts": "1764000000.000100"}})
	case "GET /api/chat.getPermalink":
		q := r.URL.Query()
		reply(map[string]any{"ok": true, "channel": q.Get("channel"), "permalink": "https://acme.slack.com/archives/" + q.Get("channel") + "/p" + strings.ReplaceAll(q.Get("message_ts"), ".", "")})
	case "POST /api/conversations.list":
		page := map[string]any{"ok": true, "channels": []map[string]any{{"id": "C01", "name": "general", "is_channel": true}, {"id": "C02", "name": "random", "is_channel": true}},
			"response_metadata": map[string]any{"next_cursor": "dGVhbTpDMDI="}}
		if r.PostForm.Get("cursor") == "dGVhbTpDMDI=" {
			page = map[string]any{"ok": true, "channels": []map[string]any{{"id": "C03", "name": "ünïcode-ops", "is_channel": true}},
				"response_metadata": map[string]any{"next_cursor": ""}}
		}
		reply(page)
	case "POST /api/conversations.history":
		if f.history.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"ok":false,"error":"ratelimited"}`)
			return
		}
		reply(map[string]any{"ok": true, "messages": []map[string]any{{"type": "message", "text": "hello from the cassette", "ts": "1764000000.000100"}}, "has_more": false})
	default:
		fmt.Fprint(w, `{"ok":false,"error":"unknown_method"}`)
	}
}

// slackSession is what a test's code does with slack-go.
func slackSession(t *testing.T, base string, client *http.Client) []string {
	t.Helper()
	ctx := context.Background()
	api := slack.New(slackToken, slack.OptionAPIURL(base), slack.OptionHTTPClient(client))
	var seen []string

	auth, err := api.AuthTestContext(ctx)
	if err != nil {
		t.Fatalf("auth.test: %v", err)
	}
	seen = append(seen, fmt.Sprintf("auth: %s %s %s", auth.Team, auth.User, auth.UserID))

	ch, ts, err := api.PostMessageContext(ctx, "C01", slack.MsgOptionText("deploy ✅ done & dusted", false))
	if err != nil {
		t.Fatalf("chat.postMessage: %v", err)
	}
	seen = append(seen, fmt.Sprintf("posted to %s at %s", ch, ts))

	link, err := api.GetPermalinkContext(ctx, &slack.PermalinkParameters{Channel: ch, Ts: ts})
	if err != nil {
		t.Fatalf("chat.getPermalink: %v", err)
	}
	seen = append(seen, "permalink "+link)

	var names []string
	cursor := ""
	for {
		chans, next, err := api.GetConversationsContext(ctx, &slack.GetConversationsParameters{Cursor: cursor, Limit: 2, ExcludeArchived: true})
		if err != nil {
			t.Fatalf("conversations.list: %v", err)
		}
		for _, c := range chans {
			names = append(names, c.ID+"="+c.Name)
		}
		if next == "" {
			break
		}
		cursor = next
	}
	seen = append(seen, fmt.Sprintf("channels %v", names))

	params := &slack.GetConversationHistoryParameters{ChannelID: "C01", Limit: 10}
	_, err = api.GetConversationHistoryContext(ctx, params)
	var rl *slack.RateLimitedError
	if !errors.As(err, &rl) {
		t.Fatalf("conversations.history: err = %v, want a *slack.RateLimitedError", err)
	}
	seen = append(seen, fmt.Sprintf("rate limited for %s", rl.RetryAfter))
	hist, err := api.GetConversationHistoryContext(ctx, params)
	if err != nil {
		t.Fatalf("conversations.history again: %v", err)
	}
	seen = append(seen, fmt.Sprintf("history: %d message(s): %q", len(hist.Messages), hist.Messages[0].Text))
	return seen
}

// TestSlackClient records slack-go against a Slack look-alike and replays
// it, strict and with the API gone: through replayserver.New into a folder
// and into one JSON file, and through recorder.NewTransport. The token the
// client posts in every form body (and sends as a bearer token on a GET)
// is in no stored file, the cassettes are named after the Web API methods,
// and a message with other text misses with a report naming the cassette
// of the one recorded.
func TestSlackClient(t *testing.T) {
	want := []string{
		"auth: Acme cassette-bot U0001",
		"posted to C01 at 1764000000.000100",
		"permalink https://acme.slack.com/archives/C01/p1764000000000100",
		"channels [C01=general C02=random C03=ünïcode-ops]",
		"rate limited for 1s",
		`history: 1 message(s): "hello from the cassette"`,
	}
	slackBase := func(url string) string { return url + "/api/" }
	libs := probeSDK(t, func() http.Handler { return &fakeSlack{} }, 7, want, slackBase, nil, slackSession,
		slackToken, "SlackSecretInterop")

	files := cassetteFiles(t, libs["dir"])
	for _, method := range []string{"auth.test", "chat.postmessage", "chat.getpermalink", "conversations.list", "conversations.history"} {
		found := false
		for _, f := range files {
			found = found || strings.Contains(f, "_api_"+method)
		}
		if !found {
			t.Errorf("no cassette file named after %s among %q", method, files)
		}
	}

	report := missReport(t, libs["dir"], slackBase, func(base string, client *http.Client) {
		api := slack.New(slackToken, slack.OptionAPIURL(base), slack.OptionHTTPClient(client))
		if _, _, err := api.PostMessage("C01", slack.MsgOptionText("deploy ❌ failed", false)); err == nil {
			t.Errorf("a message with other text was answered")
		}
	})
	for _, s := range []string{"nearest #1: POST_", "_api_chat.postmessage", "deploy ❌ failed", "token"} {
		if !strings.Contains(report, s) {
			t.Errorf("the miss report lacks %q:\n%s", s, report)
		}
	}
	if strings.Contains(report, "SlackSecretInterop") {
		t.Errorf("the miss report shows the token:\n%s", report)
	}
}
