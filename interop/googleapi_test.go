package interop

import (
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/cassette-go/cassette/naming"
	"github.com/cassette-go/cassette/replayserver"
	"google.golang.org/api/googleapi"
	"google.golang.org/api/option"
	storage "google.golang.org/api/storage/v1"
)

const googleToken = "ya29.GoogleSecretInterop"

// fakeGCS is the "real API" of the Google API test, a Cloud Storage JSON
// API look-alike: objects listed in pages of two (pageToken), a multipart
// upload (multipart/related, metadata then media), a download (alt=media)
// and Google's error JSON for a missing object.
func fakeGCS() http.Handler {
	objects := []string{"a.txt", "b.txt", "c.txt", "d.txt", "e.txt"}
	gerr := func(w http.ResponseWriter, code int, msg string) {
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"error":{"code":%d,"message":%q,"errors":[{"message":%q,"domain":"global","reason":"notFound"}]}}`, code, msg, msg)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+googleToken {
			gerr(w, http.StatusUnauthorized, "Invalid Credentials")
			return
		}
		w.Header().Set("X-GUploader-UploadID", "ABPtcPo-per-request")
		q := r.URL.Query()
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/storage/v1/b/media/o":
			start := 0
			fmt.Sscanf(q.Get("pageToken"), "page-%d", &start)
			end := min(start+2, len(objects))
			page := map[string]any{"kind": "storage#objects"}
			var items []map[string]any
			for _, o := range objects[start:end] {
				items = append(items, map[string]any{"kind": "storage#object", "name": o, "bucket": "media", "size": "5"})
			}
			page["items"] = items
			if end < len(objects) {
				page["nextPageToken"] = fmt.Sprintf("page-%d", end)
			}
			w.Header().Set("Content-Type", "application/json; charset=UTF-8")
			json.NewEncoder(w).Encode(page)
		case r.Method == http.MethodPost && r.URL.Path == "/upload/storage/v1/b/media/o" && q.Get("uploadType") == "multipart":
			_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil {
				gerr(w, http.StatusBadRequest, err.Error())
				return
			}
			mr := multipart.NewReader(r.Body, params["boundary"])
			var meta map[string]any
			part, err := mr.NextPart()
			if err == nil {
				err = json.NewDecoder(part).Decode(&meta)
			}
			var media []byte
			if err == nil {
				part, err = mr.NextPart()
			}
			if err == nil {
				media, err = io.ReadAll(part)
			}
			if err != nil {
				gerr(w, http.StatusBadRequest, "bad multipart body: "+err.Error())
				return
			}
			sum := md5.Sum(media)
			w.Header().Set("Content-Type", "application/json; charset=UTF-8")
			json.NewEncoder(w).Encode(map[string]any{"kind": "storage#object", "name": meta["name"], "bucket": "media",
				"contentType": meta["contentType"], "size": fmt.Sprint(len(media)), "md5Hash": base64.StdEncoding.EncodeToString(sum[:])})
		case r.Method == http.MethodGet && r.URL.Path == "/storage/v1/b/media/o/hello.bin" && q.Get("alt") == "media":
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write([]byte{0, 1, 2, 0xff, 0xfe, 'h', 'i'})
		default:
			gerr(w, http.StatusNotFound, "No such object: media"+strings.TrimPrefix(r.URL.Path, "/storage/v1/b/media/o"))
		}
	})
}

// bearer adds an OAuth token to each request, as the oauth2 transport a
// real Google client is given would.
type bearer struct{ next http.RoundTripper }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+googleToken)
	next := b.next
	if next == nil {
		next = http.DefaultTransport
	}
	return next.RoundTrip(r)
}

// googleSession is what a test's code does with google.golang.org/api's
// storage/v1 client.
func googleSession(t *testing.T, endpoint string, client *http.Client) []string {
	t.Helper()
	ctx := context.Background()
	hc := &http.Client{Transport: bearer{client.Transport}}
	svc, err := storage.NewService(ctx, option.WithEndpoint(endpoint), option.WithHTTPClient(hc))
	if err != nil {
		t.Fatalf("storage.NewService: %v", err)
	}
	var seen []string

	var names []string
	pages := 0
	err = svc.Objects.List("media").MaxResults(2).Pages(ctx, func(objs *storage.Objects) error {
		pages++
		for _, o := range objs.Items {
			names = append(names, o.Name)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("objects.list: %v", err)
	}
	seen = append(seen, fmt.Sprintf("listed %v in %d pages", names, pages))

	obj, err := svc.Objects.Insert("media", &storage.Object{Name: "notes/räksmörgås.txt", ContentType: "text/plain"}).
		Media(strings.NewReader("uploaded through Cassette\n"), googleapi.ContentType("text/plain")).Context(ctx).Do()
	if err != nil {
		t.Fatalf("objects.insert: %v", err)
	}
	seen = append(seen, fmt.Sprintf("uploaded %s (%s, %d bytes, md5 %s)", obj.Name, obj.ContentType, obj.Size, obj.Md5Hash))

	resp, err := svc.Objects.Get("media", "hello.bin").Context(ctx).Download()
	if err != nil {
		t.Fatalf("objects.get alt=media: %v", err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("read hello.bin: %v", err)
	}
	seen = append(seen, fmt.Sprintf("downloaded %q", b))

	_, err = svc.Objects.Get("media", "missing.txt").Context(ctx).Do()
	var ge *googleapi.Error
	if !errors.As(err, &ge) {
		t.Fatalf("objects.get of a missing object: err = %v, want a *googleapi.Error", err)
	}
	seen = append(seen, fmt.Sprintf("missing: %d %s", ge.Code, ge.Message))
	return seen
}

// TestGoogleAPIClient records google.golang.org/api's storage/v1 client
// against a Cloud Storage look-alike and replays it, strict and with the
// API gone, through a folder, a JSON file and recorder.NewTransport: a list
// paged by pageToken, a multipart/related upload (its boundary new on
// every run, named part by part by naming.MultipartBody), a binary
// download and a googleapi.Error come back the same; the OAuth token is
// stored nowhere; and an upload of other bytes misses with a report naming
// the recorded upload.
func TestGoogleAPIClient(t *testing.T) {
	want := []string{
		"listed [a.txt b.txt c.txt d.txt e.txt] in 3 pages",
		"uploaded notes/räksmörgås.txt (text/plain, 26 bytes, md5 " + md5b64("uploaded through Cassette\n") + ")",
		`downloaded "\x00\x01\x02\xff\xfehi"`,
		"missing: 404 No such object: media/missing.txt",
	}
	endpoint := func(url string) string { return url + "/storage/v1/" }
	rules := naming.Rules{Bodies: map[string]naming.BodyRule{"multipart/*": naming.MultipartBody}}
	libs := probeSDK(t, fakeGCS, 6, want, endpoint, &rules, googleSession, googleToken)

	files := cassetteFiles(t, libs["dir"])
	for _, s := range []string{"_storage_v1_b_media_o__", "pagetoken=page-2", "_upload_storage_v1_b_media_o__", "_storage_v1_b_media_o_hello.bin__alt=media"} {
		found := false
		for _, f := range files {
			found = found || strings.Contains(strings.ToLower(f), strings.ToLower(s))
		}
		if !found {
			t.Errorf("no cassette file holds %q: %q", s, files)
		}
	}

	report := missReport(t, libs["dir"], endpoint, func(endpoint string, client *http.Client) {
		svc, err := storage.NewService(context.Background(), option.WithEndpoint(endpoint), option.WithHTTPClient(&http.Client{Transport: bearer{client.Transport}}))
		if err != nil {
			t.Fatal(err)
		}
		_, err = svc.Objects.Insert("media", &storage.Object{Name: "notes/räksmörgås.txt", ContentType: "text/plain"}).
			Media(strings.NewReader("other bytes\n"), googleapi.ContentType("text/plain")).Do()
		if err == nil {
			t.Errorf("an upload of other bytes was answered")
		}
	}, replayserver.Naming(rules))
	if !strings.Contains(report, "nearest #1: POST_127.0.0.1_") || !strings.Contains(report[strings.Index(report, "nearest #1"):], "_upload_storage_v1_b_media_o__") {
		t.Errorf("the miss report does not name the recorded upload first:\n%s", report)
	}
	if strings.Contains(report, googleToken) {
		t.Errorf("the miss report shows the token:\n%s", report)
	}
}

func md5b64(s string) string {
	sum := md5.Sum([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}
