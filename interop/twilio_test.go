package interop

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
	"github.com/twilio/twilio-go"
	twclient "github.com/twilio/twilio-go/client"
	twapi "github.com/twilio/twilio-go/rest/api/v2010"
)

const (
	twilioSID   = "AC0123456789abcdef0123456789abcdef"
	twilioToken = "9f8e7d6c5b4a39281706f5e4d3c2b1a0"
)

// fakeTwilio is the "real API" of the Twilio test: it sends a message
// (a form-encoded POST with Basic authentication), fetches it, and
// answers 404 for a message it does not have.
func fakeTwilio() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Twilio-Request-Id", "RQ0123456789abcdef0123456789abcdef")
		if u, p, ok := r.BasicAuth(); !ok || u != twilioSID || p != twilioToken {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}`)
			return
		}
		base := "/2010-04-01/Accounts/" + twilioSID + "/Messages"
		switch r.Method + " " + r.URL.Path {
		case "POST " + base + ".json":
			if err := r.ParseForm(); err != nil || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintf(w, `{"sid":"SM1f0e8ae6ade43cb3c0ce4525424e404f","account_sid":%q,"to":%q,"from":%q,"body":%q,"status":"queued","num_segments":"1","price":null,"uri":"%s/SM1f0e8ae6ade43cb3c0ce4525424e404f.json"}`,
				twilioSID, r.PostForm.Get("To"), r.PostForm.Get("From"), r.PostForm.Get("Body"), base)
		case "GET " + base + "/SM1f0e8ae6ade43cb3c0ce4525424e404f.json":
			fmt.Fprintf(w, `{"sid":"SM1f0e8ae6ade43cb3c0ce4525424e404f","account_sid":%q,"to":"+15558675310","from":"+15017122661","body":"Replayed, not sent.","status":"delivered","num_segments":"1","price":"-0.00790","price_unit":"USD"}`, twilioSID)
		default:
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(w, `{"code":20404,"message":"The requested resource %s was not found","more_info":"https://www.twilio.com/docs/errors/20404","status":404}`, r.URL.Path)
		}
	})
}

// toBase sends every request to base (scheme and host) through rt: the
// Twilio client's API host is fixed.
type toBase struct {
	base *url.URL
	rt   http.RoundTripper
}

func (b toBase) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.URL.Scheme, r.URL.Host, r.Host = b.base.Scheme, b.base.Host, ""
	return b.rt.RoundTrip(r)
}

// twilioSession sends an SMS, fetches it and fetches one that is not there.
func twilioSession(t *testing.T, base string, rt http.RoundTripper) []string {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	if rt == nil {
		rt = http.DefaultTransport
	}
	c := &twclient.Client{Credentials: twclient.NewCredentials(twilioSID, twilioToken), HTTPClient: &http.Client{Transport: toBase{u, rt}}}
	c.SetAccountSid(twilioSID)
	tw := twilio.NewRestClientWithParams(twilio.ClientParams{Client: c})
	var seen []string
	m, err := tw.Api.CreateMessage(new(twapi.CreateMessageParams).SetTo("+15558675310").SetFrom("+15017122661").SetBody("Replayed, not sent."))
	if err != nil {
		t.Fatalf("send a message: %v", err)
	}
	seen = append(seen, fmt.Sprintf("sent %s to %s: %s (%s)", *m.Sid, *m.To, *m.Body, *m.Status))
	m, err = tw.Api.FetchMessage(*m.Sid, nil)
	if err != nil {
		t.Fatalf("fetch a message: %v", err)
	}
	seen = append(seen, fmt.Sprintf("fetched %s: %s, price %s %s", *m.Sid, *m.Status, *m.Price, *m.PriceUnit))
	_, err = tw.Api.FetchMessage("SM00000000000000000000000000000000", nil)
	var te *twclient.TwilioRestError
	if !errors.As(err, &te) {
		t.Fatalf("fetch a missing message: err = %v, want a *client.TwilioRestError", err)
	}
	seen = append(seen, fmt.Sprintf("missing: %d %d", te.Status, te.Code))
	return seen
}

// TestTwilio records twilio-go against a Twilio look-alike and replays it
// in strict mode with the API gone: the form-encoded POST, the fetch and
// the 404 come back, and the auth token of the Basic authentication is not
// stored.
func TestTwilio(t *testing.T) {
	t.Setenv("TWILIO_EDGE", "")
	t.Setenv("TWILIO_REGION", "")
	want := []string{
		"sent SM1f0e8ae6ade43cb3c0ce4525424e404f to +15558675310: Replayed, not sent. (queued)",
		"fetched SM1f0e8ae6ade43cb3c0ce4525424e404f: delivered, price -0.00790 USD",
		"missing: 404 20404",
	}
	libs := threeWays(t, fakeTwilio(), 3, want, twilioSession)
	checkRedacted(t, libs, twilioToken, base64.StdEncoding.EncodeToString([]byte(twilioSID+":"+twilioToken)))

	t.Run("miss", func(t *testing.T) {
		t.Setenv(replayserver.EnvMode, "replay")
		rt := replayserver.NewTransport(t, libs[2])
		c := &twclient.Client{Credentials: twclient.NewCredentials(twilioSID, "0a1b2c3d4e5f60718293a4b5c6d7e8f9"), HTTPClient: &http.Client{Transport: toBase{&url.URL{Scheme: "http", Host: "127.0.0.1:1"}, rt}}}
		c.SetAccountSid(twilioSID)
		tw := twilio.NewRestClientWithParams(twilio.ClientParams{Client: c})
		_, err := tw.Api.CreateMessage(new(twapi.CreateMessageParams).SetTo("+15558675310").SetFrom("+15017122661").SetBody("Another text."))
		var miss *replayserver.MissError
		if !errors.As(err, &miss) {
			t.Fatalf("another text: err = %v, want a *replayserver.MissError", err)
		}
		if len(miss.Near) == 0 || !strings.Contains(miss.Near[0], "POST") || !strings.Contains(miss.Near[0], "messages.json") {
			t.Errorf("miss names nearest %q, want the recorded message first; report:\n%s", miss.Near, miss.Report)
		}
	})
}
