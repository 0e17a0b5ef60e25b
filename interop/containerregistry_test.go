package interop

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

const (
	registryUser     = "ci-bot"
	registryPassword = "dckr_pat_Zq8v3Lw0PnRt5Yx2"
)

// redirectingBlobs is the blob store of the registry test: it keeps blobs
// in memory but answers a blob's GET with a 307 to an absolute URL of the
// API's own host (as registries send blobs to a CDN or object store), where
// blobstore serves them with Range support.
type redirectingBlobs struct {
	host  func() string
	mem   registry.BlobHandler
	store map[string][]byte
}

func (b *redirectingBlobs) Get(ctx context.Context, repo string, h v1.Hash) (io.ReadCloser, error) {
	rc, err := b.mem.Get(ctx, repo, h)
	if err != nil {
		return nil, err
	}
	rc.Close()
	return nil, registry.RedirectError{Location: "http://" + b.host() + "/blobstore/" + h.String(), Code: http.StatusTemporaryRedirect}
}

func (b *redirectingBlobs) Stat(ctx context.Context, repo string, h v1.Hash) (int64, error) {
	return b.mem.(registry.BlobStatHandler).Stat(ctx, repo, h)
}

func (b *redirectingBlobs) Put(ctx context.Context, repo string, h v1.Hash, rc io.ReadCloser) error {
	data, err := io.ReadAll(rc)
	if err != nil {
		return err
	}
	b.store[h.String()] = data
	return b.mem.(registry.BlobPutHandler).Put(ctx, repo, h, io.NopCloser(bytes.NewReader(data)))
}

// fakeRegistry is go-containerregistry's own in-memory registry behind
// Basic authentication (a 401 challenge to the client's ping), its blobs
// redirected to /blobstore on the host the request came to.
func fakeRegistry() http.Handler {
	var host string
	blobs := &redirectingBlobs{host: func() string { return host }, mem: registry.NewInMemoryBlobHandler(), store: map[string][]byte{}}
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)), registry.WithBlobHandler(blobs))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host = r.Host
		if digest, ok := strings.CutPrefix(r.URL.Path, "/blobstore/"); ok {
			data, found := blobs.store[digest]
			if !found {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Header().Set("ETag", `"`+digest+`"`)
			http.ServeContent(w, r, "", time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC), bytes.NewReader(data))
			return
		}
		if user, pass, ok := r.BasicAuth(); !ok || user != registryUser || pass != registryPassword {
			w.Header().Set("WWW-Authenticate", `Basic realm="registry"`)
			w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`)
			return
		}
		reg.ServeHTTP(w, r)
	})
}

// layerContent is the bytes of the test image's one layer, binary and not
// valid UTF-8.
func layerContent() []byte { return bytes.Repeat([]byte("cassette layer bytes\x00\xff"), 40*1024/22) }

// registryImage is an image whose bytes are the same on every run: one
// static layer of 40 KiB and the empty image's config.
func registryImage(t *testing.T) v1.Image {
	t.Helper()
	img, err := mutate.AppendLayers(empty.Image, static.NewLayer(layerContent(), types.DockerLayer))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// registrySession pushes the image (ping, blob HEADs, chunked uploads by
// POST, PATCH and PUT to the Locations the registry gives, the manifest),
// reads its digest by HEAD, pulls it back (its layer through the 307),
// lists the tags, reads a missing tag, and reads four bytes of the layer
// with a Range request.
func registrySession(t *testing.T, base string, client *http.Client) []string {
	t.Helper()
	host := strings.TrimPrefix(base, "http://")
	ref, err := name.ParseReference(host+"/team/app:v1", name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	auth := &authn.Basic{Username: registryUser, Password: registryPassword}
	opts := []remote.Option{remote.WithTransport(client.Transport), remote.WithAuth(auth), remote.WithJobs(1),
		remote.WithRetryBackoff(remote.Backoff{Steps: 1})}
	img := registryImage(t)
	if err := remote.Write(ref, img, opts...); err != nil {
		t.Fatalf("push: %v", err)
	}
	var seen []string
	digest, _ := img.Digest()
	desc, err := remote.Head(ref, opts...)
	if err != nil {
		t.Fatalf("head: %v", err)
	}
	seen = append(seen, fmt.Sprintf("head: %s %s pushed digest %v", desc.MediaType, desc.Digest, desc.Digest == digest))
	pulled, err := remote.Image(ref, opts...)
	if err != nil {
		t.Fatalf("pull: %v", err)
	}
	layers, err := pulled.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("pull: %d layers, %v", len(layers), err)
	}
	rc, err := layers[0].Compressed()
	if err != nil {
		t.Fatalf("pull layer: %v", err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatalf("pull layer: %v", err)
	}
	ld, _ := layers[0].Digest()
	seen = append(seen, fmt.Sprintf("pulled layer %s: %d bytes, same %v", ld, len(got), bytes.Equal(got, layerContent())))
	tags, err := remote.List(ref.Context(), opts...)
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	seen = append(seen, fmt.Sprintf("tags %v", tags))
	_, err = remote.Head(ref.Context().Tag("missing"), opts...)
	var terr *transport.Error
	if errors.As(err, &terr) {
		seen = append(seen, fmt.Sprintf("missing tag: %d", terr.StatusCode))
	} else {
		seen = append(seen, fmt.Sprintf("missing tag: %v", err))
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/v2/team/app/blobs/"+ld.String(), nil)
	req.SetBasicAuth(registryUser, registryPassword)
	req.Header.Set("Range", "bytes=21-24")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("range: %v", err)
	}
	part, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	seen = append(seen, fmt.Sprintf("range: %d %s %q", resp.StatusCode, resp.Header.Get("Content-Range"), part))
	return seen
}

// TestContainerRegistry pushes and pulls an image with
// go-containerregistry's remote client against its own in-memory registry
// (pkg/registry), recorded and replayed the three ways of probeSDK with the
// registry closed: the upload Locations (a random id each run while
// recording) lead to the recorded PATCH and PUT, the blob's 307 to the
// API's host is followed through srv.Client(), HEAD gives the
// Docker-Content-Digest, a 206 answers the Range; the Basic credentials
// are stored nowhere.
func TestContainerRegistry(t *testing.T) {
	img := registryImage(t)
	digest, _ := img.Digest()
	layers, _ := img.Layers()
	ld, _ := layers[0].Digest()
	size, _ := layers[0].Size()
	want := []string{
		fmt.Sprintf("head: %s %s pushed digest true", types.DockerManifestSchema2, digest),
		fmt.Sprintf("pulled layer %s: %d bytes, same true", ld, size),
		"tags [v1]",
		"missing tag: 404",
		`range: 206 bytes 21-24/` + fmt.Sprint(size) + ` "\xffcas"`,
	}
	probeSDK(t, fakeRegistry, 23, want, func(u string) string { return u }, nil, registrySession,
		registryPassword, "Y2ktYm90OmRja3JfcGF0")
}
