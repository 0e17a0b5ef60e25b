package naming

import "github.com/cassette-go/cassette/internal/awschunked"

// awsChunkedPayload is [awschunked.Payload]: the payload of a body framed
// in aws-chunked, and true, or the body as it is, and false.
func awsChunkedPayload(body []byte) ([]byte, bool) { return awschunked.Payload(body) }
