// Package weatherapi is a small, deterministic weather API: the "real"
// upstream that the library in testdata/weather at the root of the module
// was recorded from.
//
// [Handler] serves it:
//
//	GET  /v2/cities                   200, JSON list of cities; sets the
//	                                  "session" and "prefs" cookies
//	GET  /v2/forecast?city=Lyon&days=3
//	                                  200, JSON forecast (days 1 to 7);
//	                                  404 JSON error for an unknown city,
//	                                  400 for bad parameters
//	POST /v2/alerts  {"item":2,"qty":3}
//	                                  201, JSON alert with a Location header;
//	                                  400 for a bad body
//	GET  /v2/map.png                  200, a 2x2 PNG
//	GET  /v2/bulletin                 200, plain text, gzip-encoded
//	                                  (Content-Encoding: gzip) when the
//	                                  request accepts gzip
//
// Every other path is a 404 JSON error. Errors have the shape
// {"code":"...","message":"..."}. Its answers never depend on the time, the
// order of requests or randomness, so recording it twice gives the same
// bodies. The command in cmd/weatherapi serves it on a port, for trying the
// cassette command by hand.
package weatherapi
