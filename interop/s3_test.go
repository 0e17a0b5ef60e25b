package interop

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/cassette-go/cassette/replayserver"
)

// fakeS3 is the "real API" of the S3 test: path-style buckets holding
// objects in memory, answering PutObject, GetObject, HeadObject,
// DeleteObject and ListObjectsV2 as S3 does, errors in S3's XML.
type fakeS3 struct {
	mu      sync.Mutex
	objects map[string][]byte // "bucket/key"
	expect  bool              // a PUT came with "Expect: 100-continue"
}

func (f *fakeS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") {
		s3Error(w, http.StatusForbidden, "AccessDenied", "request is not signed")
		return
	}
	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case key == "" && r.Method == http.MethodGet && r.URL.Query().Get("list-type") == "2":
		prefix := r.URL.Query().Get("prefix")
		var keys []string
		for k := range f.objects {
			if b, name, _ := strings.Cut(k, "/"); b == bucket && strings.HasPrefix(name, prefix) {
				keys = append(keys, name)
			}
		}
		sort.Strings(keys)
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>%s</Name><Prefix>%s</Prefix><KeyCount>%d</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>`, bucket, prefix, len(keys))
		for _, k := range keys {
			fmt.Fprintf(w, `<Contents><Key>%s</Key><Size>%d</Size><ETag>%s</ETag><StorageClass>STANDARD</StorageClass></Contents>`, k, len(f.objects[bucket+"/"+k]), etag(f.objects[bucket+"/"+k]))
		}
		io.WriteString(w, `</ListBucketResult>`)
	case key != "" && r.Method == http.MethodPut:
		body, err := io.ReadAll(r.Body)
		if err != nil {
			s3Error(w, http.StatusBadRequest, "IncompleteBody", err.Error())
			return
		}
		f.objects[bucket+"/"+key] = body
		f.expect = f.expect || r.Header.Get("Expect") == "100-continue"
		w.Header().Set("ETag", etag(body))
		w.WriteHeader(http.StatusOK)
	case key != "" && (r.Method == http.MethodGet || r.Method == http.MethodHead):
		body, ok := f.objects[bucket+"/"+key]
		if !ok {
			if r.Method == http.MethodHead {
				w.WriteHeader(http.StatusNotFound)
				return
			}
			s3Error(w, http.StatusNotFound, "NoSuchKey", "The specified key does not exist.")
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.Header().Set("ETag", etag(body))
		w.Header().Set("Last-Modified", "Wed, 25 Nov 2026 10:00:00 GMT")
		if r.Method == http.MethodGet {
			w.Write(body)
		}
	case key != "" && r.Method == http.MethodDelete:
		delete(f.objects, bucket+"/"+key)
		w.WriteHeader(http.StatusNoContent)
	default:
		s3Error(w, http.StatusNotImplemented, "NotImplemented", r.Method+" "+r.URL.Path)
	}
}

func etag(b []byte) string {
	sum := md5.Sum(b)
	return `"` + hex.EncodeToString(sum[:]) + `"`
}

func s3Error(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>`, code, msg)
}

// photo is a binary object: not UTF-8, with a NUL byte.
const photo = "\x89PNG\r\n\x1a\n\x00\xff binary photo"

// bigObject is an upload large enough for the SDK to send it with
// "Expect: 100-continue".
var bigObject = bytes.Repeat([]byte("0123456789abcdef\x00\xff"), 3<<20/18)

// s3Client is the AWS SDK's own S3 client with its defaults (signing,
// checksums, retries, invocation ids that change every run), pointed at
// base.
func s3Client(base string) *s3.Client {
	return s3.New(s3.Options{
		Region:       "eu-west-3",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""),
		BaseEndpoint: aws.String(base),
		UsePathStyle: true,
	})
}

// s3Session is what the test's code does with S3; it returns what it saw,
// so a replay can be compared with the recording.
func s3Session(t *testing.T, c *s3.Client) []string {
	t.Helper()
	ctx := context.Background()
	var seen []string
	for _, obj := range []struct {
		key  string
		body []byte
	}{{"notes/hello.txt", []byte("hello, S3\n")}, {"photos/cat 1.png", []byte(photo)}} {
		out, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("album"), Key: aws.String(obj.key), Body: strings.NewReader(string(obj.body))})
		if err != nil {
			t.Fatalf("PutObject %s: %v", obj.key, err)
		}
		seen = append(seen, "put "+obj.key+" "+aws.ToString(out.ETag))
	}
	// Over 2 MiB, the SDK asks "Expect: 100-continue" before sending it.
	if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("backup"), Key: aws.String("big.bin"), Body: bytes.NewReader(bigObject)}); err != nil {
		t.Fatalf("PutObject of %d bytes: %v", len(bigObject), err)
	}
	big, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("backup"), Key: aws.String("big.bin")})
	if err != nil {
		t.Fatalf("GetObject big.bin: %v", err)
	}
	bigBack, err := io.ReadAll(big.Body)
	big.Body.Close()
	if err != nil {
		t.Fatalf("GetObject big.bin body: %v", err)
	}
	seen = append(seen, fmt.Sprintf("big object back whole: %v", bytes.Equal(bigBack, bigObject)))
	list, err := c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("album")})
	if err != nil {
		t.Fatalf("ListObjectsV2: %v", err)
	}
	for _, o := range list.Contents {
		seen = append(seen, fmt.Sprintf("list %s %d", aws.ToString(o.Key), aws.ToInt64(o.Size)))
	}
	get, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("album"), Key: aws.String("photos/cat 1.png")})
	if err != nil {
		t.Fatalf("GetObject: %v", err)
	}
	body, err := io.ReadAll(get.Body)
	get.Body.Close()
	if err != nil {
		t.Fatalf("GetObject body: %v", err)
	}
	seen = append(seen, fmt.Sprintf("get %q %d", body, aws.ToInt64(get.ContentLength)))
	head, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("album"), Key: aws.String("notes/hello.txt")})
	if err != nil {
		t.Fatalf("HeadObject: %v", err)
	}
	seen = append(seen, fmt.Sprintf("head %d %s", aws.ToInt64(head.ContentLength), aws.ToString(head.ETag)))
	if _, err := c.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("album"), Key: aws.String("notes/hello.txt")}); err != nil {
		t.Fatalf("DeleteObject: %v", err)
	}
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("album"), Key: aws.String("notes/hello.txt")})
	var nsk *types.NoSuchKey
	if !errors.As(err, &nsk) {
		t.Fatalf("GetObject of a deleted key: err = %v, want *types.NoSuchKey", err)
	}
	seen = append(seen, "get deleted: NoSuchKey")
	return seen
}

// TestS3 records the AWS SDK's S3 client against an S3 look-alike and
// replays it in strict mode with the upstream gone: SigV4 signatures,
// x-amz-date, invocation ids and checksums change on every run and must
// not stop a request from matching; binary bodies, HEAD, 204 and S3's XML
// errors come back as recorded.
func TestS3(t *testing.T) {
	t.Setenv(replayserver.EnvMode, "")
	lib := filepath.Join(t.TempDir(), "s3")
	want := []string{
		`put notes/hello.txt "` + md5hex("hello, S3\n") + `"`,
		`put photos/cat 1.png "` + md5hex(photo) + `"`,
		"big object back whole: true",
		"list notes/hello.txt 10",
		"list photos/cat 1.png 23",
		fmt.Sprintf("get %q 23", photo),
		`head 10 "` + md5hex("hello, S3\n") + `"`,
		"get deleted: NoSuchKey",
	}
	api := &fakeS3{objects: map[string][]byte{}}
	recordReplay(t, api, 9, want,
		func(t *testing.T, upstream string) []string {
			srv := replayserver.New(t, lib, replayserver.WithMode(replayserver.ModeRecord), replayserver.Upstream(upstream))
			return s3Session(t, s3Client(srv.URL))
		},
		func(t *testing.T, _ string) []string {
			srv := replayserver.New(t, lib, replayserver.WithMode(replayserver.ModeReplay), replayserver.Strict(), replayserver.NoRepeat())
			return s3Session(t, s3Client(srv.URL))
		})
	if !api.expect {
		t.Errorf(`no PUT reached the API with "Expect: 100-continue"`)
	}
}

func md5hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}
