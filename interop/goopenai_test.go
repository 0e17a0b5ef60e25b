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
	goopenai "github.com/sashabaranov/go-openai"
)

const goopenaiKey = "sk-proj-Zq8mX2vN4bT6yR1wK3pL5sJ7hF9dG0cA"

// fakeChat is the "real API" of the go-openai test: chat completions,
// whole or streamed as server-sent events (with a usage chunk at the end),
// and a 400 for an unknown model.
func fakeChat() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Openai-Organization", "org-interop")
		w.Header().Set("X-Request-Id", "req_"+r.Header.Get("Content-Length"))
		if r.Header.Get("Authorization") != "Bearer "+goopenaiKey {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`)
			return
		}
		var req struct {
			Model    string `json:"model"`
			Stream   bool   `json:"stream"`
			Messages []struct {
				Content string `json:"content"`
			} `json:"messages"`
		}
		if r.URL.Path != "/v1/chat/completions" || json.NewDecoder(r.Body).Decode(&req) != nil || len(req.Messages) == 0 {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		if req.Model != "gpt-4o-mini" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"error":{"message":"The model %s does not exist","type":"invalid_request_error","param":"model","code":"model_not_found"}}`, req.Model)
			return
		}
		words := []string{"Cassettes ", "replay ", "what ", "was ", "recorded", "—byte ", "for ", "byte."}
		if !req.Stream {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"id":"chatcmpl-9x","object":"chat.completion","created":1764000000,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":%q},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":8,"total_tokens":20},"system_fingerprint":"fp_0ba0d124f1"}`, strings.Join(words, ""))
			return
		}
		w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
		f := w.(http.Flusher)
		io.WriteString(w, ": keep-alive\n\n")
		fmt.Fprint(w, "data: {\"id\":\"chatcmpl-9y\",\"object\":\"chat.completion.chunk\",\"created\":1764000000,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n")
		f.Flush()
		for _, word := range words {
			fmt.Fprintf(w, "data: {\"id\":\"chatcmpl-9y\",\"object\":\"chat.completion.chunk\",\"created\":1764000000,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{\"content\":%q},\"finish_reason\":null}]}\n\n", word)
			f.Flush()
		}
		io.WriteString(w, "data: {\"id\":\"chatcmpl-9y\",\"object\":\"chat.completion.chunk\",\"created\":1764000000,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":8,\"total_tokens\":20}}\n\n")
		f.Flush()
		io.WriteString(w, "data: [DONE]\n\n")
	})
}

// goopenaiSession asks for a completion, a streamed one (chunk by chunk),
// and one of a model that does not exist.
func goopenaiSession(question string) rtSession {
	return func(t *testing.T, base string, rt http.RoundTripper) []string {
		t.Helper()
		cfg := goopenai.DefaultConfig(goopenaiKey)
		cfg.BaseURL = base + "/v1"
		if rt != nil {
			cfg.HTTPClient = &http.Client{Transport: rt}
		}
		client := goopenai.NewClientWithConfig(cfg)
		ctx := context.Background()
		req := goopenai.ChatCompletionRequest{
			Model:    "gpt-4o-mini",
			Messages: []goopenai.ChatCompletionMessage{{Role: goopenai.ChatMessageRoleUser, Content: question}},
		}
		var seen []string
		res, err := client.CreateChatCompletion(ctx, req)
		if err != nil {
			t.Fatalf("completion: %v", err)
		}
		seen = append(seen, fmt.Sprintf("%s %s: %s (%d tokens, %s)", res.ID, res.Model, res.Choices[0].Message.Content, res.Usage.TotalTokens, res.Header().Get("X-Request-Id")))

		req.Stream = true
		req.StreamOptions = &goopenai.StreamOptions{IncludeUsage: true}
		stream, err := client.CreateChatCompletionStream(ctx, req)
		if err != nil {
			t.Fatalf("streamed completion: %v", err)
		}
		var chunks []string
		for {
			c, err := stream.Recv()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("stream: %v", err)
			}
			if len(c.Choices) > 0 {
				chunks = append(chunks, fmt.Sprintf("%q", c.Choices[0].Delta.Content))
			} else if c.Usage != nil {
				chunks = append(chunks, fmt.Sprintf("usage %d", c.Usage.TotalTokens))
			}
		}
		stream.Close()
		seen = append(seen, "stream: "+strings.Join(chunks, " "))

		req.Stream, req.StreamOptions, req.Model = false, nil, "gpt-9"
		_, err = client.CreateChatCompletion(ctx, req)
		var apiErr *goopenai.APIError
		if !errors.As(err, &apiErr) {
			t.Fatalf("unknown model: err = %v, want an *openai.APIError", err)
		}
		seen = append(seen, fmt.Sprintf("error %d %s: %s", apiErr.HTTPStatusCode, apiErr.Code, apiErr.Message))
		return seen
	}
}

// TestGoOpenAI records sashabaranov/go-openai against an OpenAI
// look-alike and replays it in strict mode with the API gone: the
// completion, every chunk of the streamed one (after an SSE comment) and
// the 400 come back; the API key is not stored; another question misses
// and is told its nearest cassette.
func TestGoOpenAI(t *testing.T) {
	want := []string{
		"chatcmpl-9x gpt-4o-mini-2024-07-18: Cassettes replay what was recorded—byte for byte. (20 tokens, req_94)",
		`stream: "" "Cassettes " "replay " "what " "was " "recorded" "—byte " "for " "byte." usage 20`,
		"error 400 model_not_found: The model gpt-9 does not exist",
	}
	libs := threeWays(t, fakeChat(), 3, want, goopenaiSession("Why cassettes?"))
	checkRedacted(t, libs, goopenaiKey)

	t.Run("miss", func(t *testing.T) {
		t.Setenv(replayserver.EnvMode, "replay")
		cfg := goopenai.DefaultConfig("sk-someone-else")
		cfg.BaseURL = "http://127.0.0.1:1/v1"
		cfg.HTTPClient = &http.Client{Transport: replayserver.NewTransport(t, libs[2])}
		_, err := goopenai.NewClientWithConfig(cfg).CreateChatCompletion(context.Background(), goopenai.ChatCompletionRequest{
			Model:    "gpt-4o-mini",
			Messages: []goopenai.ChatCompletionMessage{{Role: goopenai.ChatMessageRoleUser, Content: "Why not cassettes?"}},
		})
		var miss *replayserver.MissError
		if !errors.As(err, &miss) {
			t.Fatalf("another question: err = %v, want a *replayserver.MissError", err)
		}
		if len(miss.Near) == 0 || !strings.Contains(miss.Near[0], "chat_completions") || !strings.Contains(miss.Report, "Why not cassettes?") {
			t.Errorf("miss names nearest %q, want a chat completion first; report:\n%s", miss.Near, miss.Report)
		}
	})
}
