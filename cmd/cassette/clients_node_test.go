package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// clientNode is the Node client: the global fetch (undici), which keeps
// its connections alive and sends headers of its own (accept-language,
// sec-fetch-mode, accept-encoding).
const clientNode = `
const [base, token, cookie] = process.argv.slice(1);
async function show(r, text = true) {
  console.log(r.status, r.statusText, r.url.slice(base.length));
  for (const [k, v] of r.headers) console.log(k + ": " + v);
  if (text) console.log(JSON.stringify(await r.text()));
}
await show(await fetch(base + "/echo?lib=fetch&q=%C3%A9t%C3%A9"));
await show(await fetch(base + "/gz?lib=fetch"));
await show(await fetch(base + "/echo?lib=fetch&json=1", {method: "POST",
  headers: {"content-type": "application/json"}, body: JSON.stringify({a: [1, 2.5, "\u00e9"]})}));
await show(await fetch(base + "/echo?lib=fetch&bin=1", {method: "PUT", body: new Uint8Array([0, 255, 1, 254, 0x1f, 0x8b])}));
await show(await fetch(base + "/echo?lib=fetch&stream=1", {method: "POST", duplex: "half",
  body: new ReadableStream({start(c) { c.enqueue(new TextEncoder().encode("piece 1,")); c.enqueue(new TextEncoder().encode("piece 2")); c.close(); }})}));
await show(await fetch(base + "/login", {headers: {authorization: "Bearer " + token, cookie: "sid=" + cookie}}));
await show(await fetch(base + "/file", {headers: {range: "bytes=10-14"}}));
await show(await fetch(base + "/trailers"));
const r = await fetch(base + "/events", {headers: {accept: "text/event-stream"}});
await show(r, false);
const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
let events = "";
for (;;) { const {done, value} = await reader.read(); if (done) break; events += value; }
console.log(JSON.stringify(events.split("\n\n")));
`

// Node's fetch, recorded through cassette record and replayed by cassette
// serve -mode record -upstream (every request a hit, none forwarded),
// prints the same as it did live, twice over: its own headers, a gzip
// answer it decodes, JSON, binary and streamed (chunked) uploads,
// credentials (stored REDACTED), a range, trailers and an event stream
// read as it comes.
func TestNodeFetchRecordThenServe(t *testing.T) {
	node := lookTool(t, "node")
	t.Setenv("CASSETTE_MODE", "")
	t.Setenv("CI", "")
	api := newClientsAPI(t)
	lib := filepath.Join(t.TempDir(), "api")
	client := func(base string) string {
		return runTool(t, nil, node, "--input-type=module", "-e", clientNode, base, clientToken, clientCookie)
	}

	rec := start(t, "record", "-upstream", api.URL, lib)
	live := client(rec.baseURL())
	if code := rec.stop(); code != exitOK {
		t.Fatalf("record exited with %d, want 0; stderr:\n%s", code, rec.stderr.String())
	}
	for _, want := range []string{`Sec-Fetch-Mode: [\"cors\"]`, `{\"gzip\":true`, "content-encoding: gzip", "chunked=true", "credentials ok=true", "206 Partial Content", `"part 1\npart 2\n"`, `"id: 2\nevent: tick\ndata: {\"n\":2}"`} {
		if !strings.Contains(live, want) {
			t.Fatalf("fetch through cassette record printed no %q:\n%s", want, live)
		}
	}
	checkRedacted(t, lib)
	replayTwice(t, api, live, client, "-mode", "record", "-upstream", api.URL, lib)
}
