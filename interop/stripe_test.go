package interop

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
	"github.com/stripe/stripe-go/v85"
	"github.com/valyala/fasthttp"
)

// fakeStripe is the "real API" of the Stripe test, served by fasthttp
// rather than net/http: its header names go out as written (lower case,
// as DisableHeaderNamesNormalizing leaves them), a list is streamed
// chunked by SetBodyStreamWriter, some answers close the connection, a
// payment intent is answered 429 (a lock timeout, "stripe-should-retry: true") before
// it is created, and a confirmation is declined with a 402.
type fakeStripe struct {
	calls   atomic.Int64
	intents atomic.Int64
}

func (f *fakeStripe) serve(ctx *fasthttp.RequestCtx) {
	f.calls.Add(1)
	h := &ctx.Response.Header
	h.SetContentType("application/json")
	h.Set("request-id", fmt.Sprintf("req_%d", f.calls.Load()))
	h.Set("stripe-version", "2026-11-25.clover")
	if k := ctx.Request.Header.Peek("Idempotency-Key"); len(k) > 0 {
		h.SetBytesV("idempotency-key", k)
	}
	if string(ctx.Request.Header.Peek("Authorization")) != "Bearer sk_test_interop123" {
		ctx.SetStatusCode(fasthttp.StatusUnauthorized)
		fmt.Fprint(ctx, `{"error":{"type":"invalid_request_error","message":"Invalid API Key provided"}}`)
		return
	}
	form := ctx.PostArgs()
	switch string(ctx.Method()) + " " + string(ctx.Path()) {
	case "POST /v1/customers":
		ctx.SetConnectionClose()
		fmt.Fprintf(ctx, `{"id":"cus_1","object":"customer","email":%q,"name":%q,"metadata":{"order":%q,"plan":%q}}`,
			form.Peek("email"), form.Peek("name"), form.Peek("metadata[order]"), form.Peek("metadata[plan]"))
	case "GET /v1/customers/cus_1":
		fmt.Fprint(ctx, `{"id":"cus_1","object":"customer","email":"ada@example.com","name":"Ada Lovelace"}`)
	case "GET /v1/customers":
		after := string(ctx.QueryArgs().Peek("starting_after"))
		page := `{"object":"list","url":"/v1/customers","has_more":true,"data":[{"id":"cus_1","object":"customer"},{"id":"cus_2","object":"customer"}]}`
		if after == "cus_2" {
			page = `{"object":"list","url":"/v1/customers","has_more":false,"data":[{"id":"cus_3","object":"customer"}]}`
		}
		ctx.SetBodyStreamWriter(func(w *bufio.Writer) {
			for _, part := range strings.SplitAfter(page, "},") {
				w.WriteString(part)
				w.Flush()
			}
		})
	case "POST /v1/payment_intents":
		if f.intents.Add(1) == 1 {
			h.Set("stripe-should-retry", "true")
			ctx.SetStatusCode(fasthttp.StatusTooManyRequests)
			fmt.Fprint(ctx, `{"error":{"type":"invalid_request_error","code":"lock_timeout","message":"This object cannot be accessed right now because another API request or Stripe process is currently accessing it."}}`)
			return
		}
		fmt.Fprintf(ctx, `{"id":"pi_1","object":"payment_intent","amount":%s,"currency":%q,"status":"requires_confirmation"}`, form.Peek("amount"), form.Peek("currency"))
	case "POST /v1/payment_intents/pi_1/confirm":
		ctx.SetConnectionClose()
		ctx.SetStatusCode(fasthttp.StatusPaymentRequired)
		fmt.Fprint(ctx, `{"error":{"type":"card_error","code":"card_declined","decline_code":"insufficient_funds","message":"Your card has insufficient funds.","payment_intent":{"id":"pi_1","object":"payment_intent","status":"requires_payment_method"}}}`)
	case "DELETE /v1/customers/cus_1":
		fmt.Fprint(ctx, `{"id":"cus_1","object":"customer","deleted":true}`)
	default:
		ctx.SetStatusCode(fasthttp.StatusNotFound)
		fmt.Fprintf(ctx, `{"error":{"type":"invalid_request_error","message":"Unrecognized request URL (%s: %s)."}}`, ctx.Method(), ctx.Path())
	}
}

// startFastHTTP serves handler with fasthttp on a loopback port and
// returns its URL and a function that stops it.
func startFastHTTP(t *testing.T, handler fasthttp.RequestHandler) (string, func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &fasthttp.Server{Handler: handler, DisableHeaderNamesNormalizing: true, NoDefaultServerHeader: true, NoDefaultDate: true}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	var once atomic.Bool
	stop := func() {
		if once.CompareAndSwap(false, true) {
			srv.Shutdown()
			<-done
		}
	}
	t.Cleanup(stop)
	return "http://" + ln.Addr().String(), stop
}

// stripeSession is what the test's code does with stripe-go, its API
// backend at base.
func stripeSession(t *testing.T, base string, client *http.Client) []string {
	t.Helper()
	ctx := context.Background()
	backend := stripe.GetBackendWithConfig(stripe.APIBackend, &stripe.BackendConfig{
		URL:               stripe.String(base),
		HTTPClient:        client,
		MaxNetworkRetries: stripe.Int64(2),
		EnableTelemetry:   stripe.Bool(true), // a header made anew for every request
		LeveledLogger:     &stripe.LeveledLogger{Level: stripe.LevelNull},
	})
	backend.(*stripe.BackendImplementation).SetNetworkRetriesSleep(false)
	sc := stripe.NewClient("sk_test_interop123", stripe.WithBackends(&stripe.Backends{API: backend, Connect: backend, Uploads: backend, MeterEvents: backend}))
	var seen []string

	c, err := sc.V1Customers.Create(ctx, &stripe.CustomerCreateParams{
		Email:    stripe.String("ada@example.com"),
		Name:     stripe.String("Ada Lovelace"),
		Metadata: map[string]string{"plan": "pro", "order": "6735"},
	})
	if err != nil {
		t.Fatalf("create a customer: %v", err)
	}
	seen = append(seen, fmt.Sprintf("created %s %s <%s> %v: %s, %s, idempotency key sent back: %v", c.ID, c.Name, c.Email, c.Metadata, c.LastResponse.RequestID, c.LastResponse.Header.Get("Stripe-Version"), c.LastResponse.IdempotencyKey != ""))

	c, err = sc.V1Customers.Retrieve(ctx, "cus_1", nil)
	if err != nil {
		t.Fatalf("retrieve a customer: %v", err)
	}
	seen = append(seen, fmt.Sprintf("retrieved %s %s: %s", c.ID, c.Name, c.LastResponse.RequestID))

	var ids []string
	for c, err := range sc.V1Customers.List(ctx, &stripe.CustomerListParams{ListParams: stripe.ListParams{Limit: stripe.Int64(2)}}).All(ctx) {
		if err != nil {
			t.Fatalf("list customers: %v", err)
		}
		ids = append(ids, c.ID)
	}
	seen = append(seen, fmt.Sprintf("listed %v", ids))

	pi, err := sc.V1PaymentIntents.Create(ctx, &stripe.PaymentIntentCreateParams{Amount: stripe.Int64(2000), Currency: stripe.String("eur")})
	if err != nil {
		t.Fatalf("create a payment intent: %v", err)
	}
	seen = append(seen, fmt.Sprintf("intent %s %d %s %s after a retry: %s", pi.ID, pi.Amount, pi.Currency, pi.Status, pi.LastResponse.RequestID))

	_, err = sc.V1PaymentIntents.Confirm(ctx, "pi_1", &stripe.PaymentIntentConfirmParams{PaymentMethod: stripe.String("pm_card_visa_chargeDeclinedInsufficientFunds")})
	var se *stripe.Error
	if !errors.As(err, &se) {
		t.Fatalf("confirm: err = %v, want a *stripe.Error", err)
	}
	seen = append(seen, fmt.Sprintf("declined %d %s %s %s: %s (%s)", se.HTTPStatusCode, se.Type, se.Code, se.DeclineCode, se.Msg, se.RequestID))

	c, err = sc.V1Customers.Delete(ctx, "cus_1", nil)
	if err != nil {
		t.Fatalf("delete a customer: %v", err)
	}
	seen = append(seen, fmt.Sprintf("deleted %s: %v", c.ID, c.Deleted))
	return seen
}

// TestStripeClient records stripe-go against a Stripe look-alike served
// by fasthttp, through replayserver.New, and replays it in strict mode
// with the API gone: form bodies (metadata in brackets), idempotency keys
// and telemetry headers made anew on every run, a 429 lock timeout that the client
// retries, a 402 card error, a list paged by starting_after and streamed
// chunked, and fasthttp's lower-case header names and closed connections
// come back as the recording saw them.
func TestStripeClient(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	lib := filepath.Join(t.TempDir(), "stripe")
	api := &fakeStripe{}
	url, stop := startFastHTTP(t, api.serve)
	want := []string{
		"created cus_1 Ada Lovelace <ada@example.com> map[order:6735 plan:pro]: req_1, 2026-11-25.clover, idempotency key sent back: true",
		"retrieved cus_1 Ada Lovelace: req_2",
		"listed [cus_1 cus_2 cus_3]",
		"intent pi_1 2000 eur requires_confirmation after a retry: req_6",
		"declined 402 card_error card_declined insufficient_funds: Your card has insufficient funds. (req_7)",
		"deleted cus_1: true",
	}
	recordReplayAt(t, url, stop, &api.calls, 8, want,
		func(t *testing.T, upstream string) []string {
			srv := replayserver.New(t, lib, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(upstream))
			return stripeSession(t, srv.URL, srv.Client())
		},
		func(t *testing.T, _ string) []string {
			srv := replayserver.New(t, lib, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict(), replayserver.NoRepeat())
			return stripeSession(t, srv.URL, srv.Client())
		})
}
