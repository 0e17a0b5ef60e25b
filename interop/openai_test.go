package interop

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
)

// fakeOpenAI is the "real API" of the OpenAI test: chat completions, whole
// or streamed as server-sent events, and a 429 (with Retry-After-Ms) on the
// first request of a conversation marked "busy", which the client retries.
type fakeOpenAI struct {
	busy atomic.Int64
}

func (f *fakeOpenAI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/chat/completions" {
		http.Error(w, `{"error":{"message":"unknown route","type":"invalid_request_error"}}`, http.StatusNotFound)
		return
	}
	if r.Header.Get("Authorization") != "Bearer sk-test-123" {
		http.Error(w, `{"error":{"message":"bad key","type":"invalid_request_error"}}`, http.StatusUnauthorized)
		return
	}
	var req struct {
		Model    string `json:"model"`
		Stream   bool   `json:"stream"`
		Messages []struct {
			Content string `json:"content"`
		} `json:"messages"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || len(req.Messages) == 0 {
		http.Error(w, `{"error":{"message":"bad body","type":"invalid_request_error"}}`, http.StatusBadRequest)
		return
	}
	question := req.Messages[len(req.Messages)-1].Content
	if strings.Contains(question, "busy") && f.busy.Add(1) == 1 {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Retry-After-Ms", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}`)
		return
	}
	answer := []string{"Replayed ", "answers ", "are ", "fast, ", "naïvely ", "so."}
	if !req.Stream {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"chatcmpl-1","object":"chat.completion","created":1764000000,"model":%q,"choices":[{"index":0,"message":{"role":"assistant","content":%q},"finish_reason":"stop"}],"usage":{"prompt_tokens":9,"completion_tokens":6,"total_tokens":15}}`, req.Model, "to "+question+": "+strings.Join(answer, ""))
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	flusher := w.(http.Flusher)
	for _, part := range answer {
		fmt.Fprintf(w, "data: {\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",\"created\":1764000000,\"model\":%q,\"choices\":[{\"index\":0,\"delta\":{\"content\":%q},\"finish_reason\":null}]}\n\n", req.Model, part)
		flusher.Flush()
	}
	io.WriteString(w, "data: [DONE]\n\n")
}

// openaiSession is what the test's code does with the OpenAI client: a
// completion, a streamed one, and one the API first answers 429.
func openaiSession(t *testing.T, base string) []string {
	t.Helper()
	ctx := context.Background()
	client := openai.NewClient(option.WithAPIKey("sk-test-123"), option.WithBaseURL(base+"/v1/"), option.WithMaxRetries(2))
	var seen []string
	for _, q := range []string{"why replay?", "why replay when busy?"} {
		c, err := client.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
			Model:    openai.ChatModelGPT5_2,
			Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage(q)},
		})
		if err != nil {
			t.Fatalf("completion of %q: %v", q, err)
		}
		seen = append(seen, fmt.Sprintf("%s: %s (%d tokens)", c.Model, c.Choices[0].Message.Content, c.Usage.TotalTokens))
	}
	stream := client.Chat.Completions.NewStreaming(ctx, openai.ChatCompletionNewParams{
		Model:    openai.ChatModelGPT5_2,
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("stream it")},
	})
	var acc openai.ChatCompletionAccumulator
	chunks := 0
	for stream.Next() {
		acc.AddChunk(stream.Current())
		chunks++
	}
	if err := stream.Err(); err != nil {
		t.Fatalf("streamed completion: %v", err)
	}
	stream.Close()
	seen = append(seen, fmt.Sprintf("stream of %d chunks: %s", chunks, acc.Choices[0].Message.Content))
	return seen
}

// TestOpenAI records the OpenAI Go SDK against a look-alike API and replays
// it in strict mode with the upstream gone: the SDK's retry and platform
// headers (X-Stainless-*) do not stop a match, a streamed answer (server-
// sent events) comes back chunk for chunk, and the 429 and its retry
// replay in their recorded order.
func TestOpenAI(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	lib := filepath.Join(t.TempDir(), "openai.yaml")
	want := []string{
		"gpt-5.2: to why replay?: Replayed answers are fast, naïvely so. (15 tokens)",
		"gpt-5.2: to why replay when busy?: Replayed answers are fast, naïvely so. (15 tokens)",
		"stream of 6 chunks: Replayed answers are fast, naïvely so.",
	}
	// 4 requests: one of them is answered 429, and retried.
	recordReplay(t, &fakeOpenAI{}, 4, want,
		func(t *testing.T, upstream string) []string {
			srv := replayserver.New(t, lib, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(upstream))
			return openaiSession(t, srv.URL)
		},
		func(t *testing.T, _ string) []string {
			srv := replayserver.New(t, lib, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict(), replayserver.NoRepeat())
			return openaiSession(t, srv.URL)
		})
}
