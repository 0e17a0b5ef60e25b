package interop

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/replayserver"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// grpcCall is what a grpc-go client saw of one call: the answer's status,
// its header metadata and its trailer metadata.
type grpcCall struct {
	serving healthpb.HealthCheckResponse_ServingStatus
	code    codes.Code
	header  metadata.MD
	trailer metadata.MD
}

// checkHealth makes the calls of the gRPC test through a grpc-go client of
// srv, whose TLS certificate it trusts: a service that is serving, and one
// the API does not know (NotFound).
func checkHealth(t *testing.T, srv *replayserver.Server) []grpcCall {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	conn, err := grpc.NewClient("passthrough:///"+strings.TrimPrefix(srv.URL, "https://"),
		grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{RootCAs: pool})))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	return healthCalls(t, healthpb.NewHealthClient(conn))
}

// healthCalls makes the calls of the gRPC tests with client: a service
// that is serving, and one the API does not know (NotFound).
func healthCalls(t *testing.T, client healthpb.HealthClient) []grpcCall {
	t.Helper()
	var calls []grpcCall
	for _, service := range []string{"shop", "nobody"} {
		var c grpcCall
		resp, err := client.Check(context.Background(), &healthpb.HealthCheckRequest{Service: service},
			grpc.Header(&c.header), grpc.Trailer(&c.trailer))
		c.code = status.Code(err)
		if resp != nil {
			c.serving = resp.Status
		}
		calls = append(calls, c)
	}
	return calls
}

// grpc-go's client and server, recorded through a replay server in record
// mode over TLS (HTTP/2 with trailers) and replayed: the client sees the
// same answers, statuses and metadata, and no header the API did not send
// (a replayed gRPC answer's trailers are not announced in a Trailer header,
// which grpc-go would show in the header metadata).
func TestGRPC(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	hs := health.NewServer()
	hs.SetServingStatus("shop", healthpb.HealthCheckResponse_SERVING)
	// grpc-go's own server (its own HTTP/2, which announces no trailers)
	// on a listener with httptest's certificate.
	api := httptest.NewUnstartedServer(nil)
	api.EnableHTTP2 = true
	api.StartTLS() // only for its certificate and client
	cert := api.TLS.Certificates[0]
	api.Close()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gs := grpc.NewServer(grpc.Creds(credentials.NewServerTLSFromCert(&cert)))
	healthpb.RegisterHealthServer(gs, hs)
	go gs.Serve(lis)
	defer gs.Stop() // if the test stops before the replay
	path := filepath.Join(t.TempDir(), "grpc")

	var recorded []grpcCall
	t.Run("record", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.TLS(), replayserver.WithMode(replayserver.ModeRecord),
			replayserver.Upstream("https://"+lis.Addr().String()), replayserver.UpstreamTransport(api.Client().Transport))
		recorded = checkHealth(t, srv)
	})
	if len(recorded) != 2 || recorded[0].serving != healthpb.HealthCheckResponse_SERVING || recorded[1].code != codes.NotFound {
		t.Fatalf("recording: the API answered %+v; want SERVING, then NotFound", recorded)
	}
	gs.Stop() // the replay is offline: the API is gone
	t.Run("replay", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.TLS(), replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())
		replayed := checkHealth(t, srv)
		for i, c := range replayed {
			r := recorded[i]
			if c.serving != r.serving || c.code != r.code {
				t.Errorf("call %d: replayed %v, %v; recorded %v, %v", i, c.serving, c.code, r.serving, r.code)
			}
			if !sameMD(c.header, r.header) {
				t.Errorf("call %d: replayed header metadata %s; recorded %s", i, mdString(c.header), mdString(r.header))
			}
			if !sameMD(c.trailer, r.trailer) {
				t.Errorf("call %d: replayed trailer metadata %s; recorded %s", i, mdString(c.trailer), mdString(r.trailer))
			}
			if _, ok := c.header["trailer"]; ok {
				t.Errorf("call %d: a Trailer header reached grpc-go's header metadata: %s", i, mdString(c.header))
			}
		}
	})
}

// sameMD reports whether a and b hold the same metadata, but for the date,
// which the recording server and the replay server set each time (grpc-go's
// server sends none).
func sameMD(a, b metadata.MD) bool {
	clean := func(md metadata.MD) metadata.MD {
		md = md.Copy()
		delete(md, "date")
		return md
	}
	a, b = clean(a), clean(b)
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if strings.Join(v, "\x00") != strings.Join(b[k], "\x00") {
			return false
		}
	}
	return true
}

// mdString writes md in full, sorted by key (metadata.MD's own String
// hides some values).
func mdString(md metadata.MD) string {
	keys := make([]string, 0, len(md))
	for k := range md {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%q ", k, md[k])
	}
	return strings.TrimSpace(b.String())
}

// grpc-go without TLS (insecure credentials, HTTP/2 from the start: h2c
// with prior knowledge) against a replay server without TLS(): recorded
// from grpc-go's own server, also without TLS, through an upstream
// transport that speaks h2c, and replayed with the API gone.
func TestGRPCWithoutTLS(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	hs := health.NewServer()
	hs.SetServingStatus("shop", healthpb.HealthCheckResponse_SERVING)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gs := grpc.NewServer()
	healthpb.RegisterHealthServer(gs, hs)
	go gs.Serve(lis)
	defer gs.Stop()
	h2c := &http.Transport{Protocols: new(http.Protocols)}
	h2c.Protocols.SetUnencryptedHTTP2(true)
	defer h2c.CloseIdleConnections()
	path := filepath.Join(t.TempDir(), "grpc")
	check := func(t *testing.T, srv *replayserver.Server) []grpcCall {
		t.Helper()
		conn, err := grpc.NewClient("passthrough:///"+strings.TrimPrefix(srv.URL, "http://"),
			grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		return healthCalls(t, healthpb.NewHealthClient(conn))
	}
	var recorded []grpcCall
	t.Run("record", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeRecord),
			replayserver.Upstream("http://"+lis.Addr().String()), replayserver.UpstreamTransport(h2c))
		recorded = check(t, srv)
	})
	if len(recorded) != 2 || recorded[0].serving != healthpb.HealthCheckResponse_SERVING || recorded[1].code != codes.NotFound {
		t.Fatalf("recording: the API answered %+v; want SERVING, then NotFound", recorded)
	}
	gs.Stop()
	t.Run("replay", func(t *testing.T) {
		srv := replayserver.New(t, path, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict())
		replayed := check(t, srv)
		for i, c := range replayed {
			r := recorded[i]
			if c.serving != r.serving || c.code != r.code || !sameMD(c.trailer, r.trailer) {
				t.Errorf("call %d: replayed %v, %v, trailer %s; recorded %v, %v, trailer %s", i, c.serving, c.code, mdString(c.trailer), r.serving, r.code, mdString(r.trailer))
			}
		}
	})
}
