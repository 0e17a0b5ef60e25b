package naming_test

import (
	"encoding/json"
	"fmt"
	"log"
	"net/http"

	"github.com/cassette-go/cassette/naming"
)

func ExampleName() {
	get, _ := http.NewRequest("GET", "https://api.example.com/v1/users?sort=name&page=2", nil)
	fmt.Println(naming.Name(get, nil, naming.Default()))

	post, _ := http.NewRequest("POST", "https://api.example.com/v1/orders", nil)
	fmt.Println(naming.Name(post, []byte(`{"item":42}`), naming.Default()))

	// Upper case cannot be shown faithfully: the name ends in a URL hash.
	upper, _ := http.NewRequest("GET", "http://127.0.0.1:8080/Search?q=caf%C3%A9", nil)
	fmt.Println(naming.Name(upper, nil, naming.Default()))
	// Output:
	// GET_api.example.com_443_v1_users__page=2,sort=name
	// POST_api.example.com_443_v1_orders~bbc7941df
	// GET_127.0.0.1_8080_search__q=caf%C3%A9~u2d233354
}

func ExampleName_rules() {
	rules := naming.Rules{
		Headers:     []string{"Accept"},
		IgnoreQuery: []string{"_"},
	}
	r, _ := http.NewRequest("GET", "https://api.example.com/v1/report?_=1699999999&year=2024", nil)
	fmt.Println(naming.Name(r, nil, rules))
	r.Header.Set("Accept", "text/csv")
	fmt.Println(naming.Name(r, nil, rules))
	// Output:
	// GET_api.example.com_443_v1_report__year=2024
	// GET_api.example.com_443_v1_report__year=2024~h59f8b173
}

func ExampleWithoutHost() {
	fmt.Println(naming.WithoutHost("GET_api.example.com_443_v1_users__page=2"))
	fmt.Println(naming.WithoutHost("GET_127.0.0.1_53124_v1_users__page=2"))
	fmt.Println(naming.WithoutHost("POST_api.example.com_443~bbc7941df"))
	// Output:
	// GET_v1_users__page=2
	// GET_v1_users__page=2
	// POST~bbc7941df
}

func ExampleJSONBody() {
	rules := naming.Rules{Bodies: map[string]naming.BodyRule{
		"application/json": naming.JSONBody,
		"+json":            naming.JSONBody, // application/vnd.api+json, ...
	}}
	r, _ := http.NewRequest("POST", "https://api.example.com/v1/orders", nil)
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	a := []byte(`{"item": 42, "gift": true}`)
	b := []byte(`{"gift":true,"item":42}`)
	fmt.Println(naming.Name(r, a, rules))
	fmt.Println(naming.Name(r, b, rules))
	fmt.Printf("%s\n", rules.CanonicalBody(r, a)) // what the "~b" suffix hashes

	// Under the default rules, the bytes count.
	fmt.Println(naming.Name(r, a, naming.Default()))
	// Output:
	// POST_api.example.com_443_v1_orders~b2e00f40f
	// POST_api.example.com_443_v1_orders~b2e00f40f
	// {"gift":true,"item":42}
	// POST_api.example.com_443_v1_orders~b609db76e
}

// The rules for an AWS service that speaks JSON (DynamoDB, SQS, Kinesis):
// every operation is a POST to "/" named by its X-Amz-Target header, and
// the SDK writes map members in random order. Without the header,
// GetItem and DeleteItem of one key would share one cassette.
func ExampleRules_aws() {
	rules := naming.Rules{
		Headers: []string{"X-Amz-Target"},
		Bodies: map[string]naming.BodyRule{
			"application/x-amz-json-1.0": naming.JSONBody,
			"application/x-amz-json-1.1": naming.JSONBody,
		},
	}
	r, _ := http.NewRequest("POST", "https://dynamodb.us-east-1.amazonaws.com/", nil)
	r.Header.Set("Content-Type", "application/x-amz-json-1.0")
	key := []byte(`{"TableName":"users","Key":{"id":{"S":"u1"}}}`)
	shuffled := []byte(`{"Key":{"id":{"S":"u1"}},"TableName":"users"}`)
	r.Header.Set("X-Amz-Target", "DynamoDB_20120810.GetItem")
	fmt.Println(naming.Name(r, key, rules))
	fmt.Println(naming.Name(r, shuffled, rules))
	r.Header.Set("X-Amz-Target", "DynamoDB_20120810.DeleteItem")
	fmt.Println(naming.Name(r, key, rules))
	// Output:
	// POST_dynamodb.us-east-1.amazonaws.com_443~hd7cc00a0~b5223d6c9
	// POST_dynamodb.us-east-1.amazonaws.com_443~hd7cc00a0~b5223d6c9
	// POST_dynamodb.us-east-1.amazonaws.com_443~he9d6afa2~b5223d6c9
}

// A body rule of one's own: a JSON body whose "timestamp" field changes on
// every run names the same without it.
func ExampleBodyRule() {
	withoutTimestamp := func(contentType string, body []byte) []byte {
		var fields map[string]json.RawMessage
		if json.Unmarshal(body, &fields) != nil {
			return naming.JSONBody(contentType, body) // not an object
		}
		delete(fields, "timestamp")
		body, _ = json.Marshal(fields)
		return naming.JSONBody(contentType, body)
	}
	rules := naming.Rules{Bodies: map[string]naming.BodyRule{"application/json": withoutTimestamp}}
	r, _ := http.NewRequest("POST", "https://api.example.com/v1/events", nil)
	r.Header.Set("Content-Type", "application/json")
	fmt.Println(naming.Name(r, []byte(`{"event":"login","timestamp":1700000000}`), rules))
	fmt.Println(naming.Name(r, []byte(`{"event":"login","timestamp":1700000042}`), rules))
	// Output:
	// POST_api.example.com_443_v1_events~b04ce4bf2
	// POST_api.example.com_443_v1_events~b04ce4bf2
}

func ExampleRules_Route() {
	// Search requests carry a random nonce in their body: ignore it there,
	// and only there. Everything else keeps the default rules.
	rules := naming.Default().
		Route("POST /v1/search", naming.Rules{Bodies: map[string]naming.BodyRule{"": naming.IgnoreBody}}).
		Route("/v1/reports/", naming.Rules{IgnoreQuery: []string{"_"}})
	if err := rules.Validate(); err != nil {
		log.Fatal(err)
	}
	search, _ := http.NewRequest("POST", "https://api.example.com/v1/search", nil)
	fmt.Println(naming.Name(search, []byte(`{"q":"go","nonce":"8f1c"}`), rules))
	orders, _ := http.NewRequest("POST", "https://api.example.com/v1/orders", nil)
	fmt.Println(naming.Name(orders, []byte(`{"item":42}`), rules))
	report, _ := http.NewRequest("GET", "https://api.example.com/v1/reports/2024?_=1699999999", nil)
	fmt.Println(naming.Name(report, nil, rules))
	// Output:
	// POST_api.example.com_443_v1_search
	// POST_api.example.com_443_v1_orders~bbc7941df
	// GET_api.example.com_443_v1_reports_2024
}

func ExampleRules_Validate() {
	rules := naming.Default().Route("POST /v1/search/{q", naming.Rules{})
	fmt.Println(rules.Validate())
	// Output:
	// route 0 "POST /v1/search/{q": wildcard must be a whole segment: {name}
}

// A form whose nonce changes on every run (and a JSON body with a
// timestamp) names the same run after run without those fields.
func ExampleFormBodyWithout() {
	rules := naming.Rules{Bodies: map[string]naming.BodyRule{
		"application/x-www-form-urlencoded": naming.FormBodyWithout("nonce", "metadata[run_id]"),
		"application/json":                  naming.JSONBodyWithout("timestamp"),
	}}
	r, _ := http.NewRequest("POST", "https://api.example.com/v1/customers", nil)
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	fmt.Printf("%s\n", rules.CanonicalBody(r, []byte("nonce=8f1e&email=ada%40example.com&metadata[run_id]=r-77")))
	r.Header.Set("Content-Type", "application/json")
	fmt.Printf("%s\n", rules.CanonicalBody(r, []byte(`{"email":"ada@example.com","timestamp":1764000000}`)))
	// Output:
	// email=ada%40example.com
	// {"email":"ada@example.com"}
}

// The default rules name a request by its method, host, port, path and
// query; the query's order does not count, and nor do headers.
func ExampleDefault() {
	a, _ := http.NewRequest("GET", "https://api.example.com/v1/users?page=2&sort=name", nil)
	b, _ := http.NewRequest("GET", "https://api.example.com/v1/users?sort=name&page=2", nil)
	b.Header.Set("Accept", "application/json")
	fmt.Println(naming.Name(a, nil, naming.Default()))
	fmt.Println(naming.Name(b, nil, naming.Default()))
	// Output:
	// GET_api.example.com_443_v1_users__page=2,sort=name
	// GET_api.example.com_443_v1_users__page=2,sort=name
}

// ExactBody is the default: two bodies that differ in a byte name two
// cassettes, even when they mean the same.
func ExampleExactBody() {
	rules := naming.Rules{Bodies: map[string]naming.BodyRule{"application/json": naming.ExactBody}}
	r, _ := http.NewRequest("POST", "https://api.example.com/v1/orders", nil)
	r.Header.Set("Content-Type", "application/json")
	fmt.Println(naming.Name(r, []byte(`{"item":42}`), rules))
	fmt.Println(naming.Name(r, []byte(`{"item": 42}`), rules))
	fmt.Println(naming.Name(r, []byte(`{"item":42}`), naming.Default()))
	// Output:
	// POST_api.example.com_443_v1_orders~bbc7941df
	// POST_api.example.com_443_v1_orders~b26a33af1
	// POST_api.example.com_443_v1_orders~bbc7941df
}

// A form's field order does not tell cassettes apart under FormBody.
func ExampleFormBody() {
	rules := naming.Rules{Bodies: map[string]naming.BodyRule{
		"application/x-www-form-urlencoded": naming.FormBody,
	}}
	r, _ := http.NewRequest("POST", "https://api.example.com/v1/login", nil)
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	a := []byte("user=ada&scope=read&scope=write")
	b := []byte("scope=write&user=ada&scope=read")
	fmt.Println(naming.Name(r, a, rules))
	fmt.Println(naming.Name(r, b, rules))
	fmt.Printf("%s\n", rules.CanonicalBody(r, b))
	// Output:
	// POST_api.example.com_443_v1_login~b12d6dc29
	// POST_api.example.com_443_v1_login~b12d6dc29
	// scope=read&scope=write&user=ada
}

// A body that holds nothing stable (a signed token, a random nonce) does
// not tell cassettes apart under IgnoreBody: the name has no "~b" suffix.
func ExampleIgnoreBody() {
	rules := naming.Rules{Bodies: map[string]naming.BodyRule{"": naming.IgnoreBody}} // "" matches every content type
	r, _ := http.NewRequest("POST", "https://api.example.com/v1/token", nil)
	r.Header.Set("Content-Type", "application/jwt")
	fmt.Println(naming.Name(r, []byte("eyJhbGciOi.first"), rules))
	fmt.Println(naming.Name(r, []byte("eyJhbGciOi.second"), rules))
	// Output:
	// POST_api.example.com_443_v1_token
	// POST_api.example.com_443_v1_token
}

// A JSON-RPC call's top-level id changes on every run: the pointer "/id"
// leaves it out there only, so params.id still tells calls apart.
func ExampleJSONBodyWithout() {
	rules := naming.Rules{Bodies: map[string]naming.BodyRule{
		"application/json": naming.JSONBodyWithout("/id"),
	}}
	r, _ := http.NewRequest("POST", "https://rpc.example.com/", nil)
	r.Header.Set("Content-Type", "application/json")
	fmt.Printf("%s\n", rules.CanonicalBody(r, []byte(`{"jsonrpc":"2.0","id":7,"method":"get","params":{"id":"u1"}}`)))
	fmt.Println(naming.Name(r, []byte(`{"id":7,"method":"get","params":{"id":"u1"}}`), rules))
	fmt.Println(naming.Name(r, []byte(`{"id":8,"method":"get","params":{"id":"u1"}}`), rules))
	fmt.Println(naming.Name(r, []byte(`{"id":8,"method":"get","params":{"id":"u2"}}`), rules))
	// Output:
	// {"jsonrpc":"2.0","method":"get","params":{"id":"u1"}}
	// POST_rpc.example.com_443~bf7e6d68e
	// POST_rpc.example.com_443~bf7e6d68e
	// POST_rpc.example.com_443~b6ef8fe5b
}

// The boundary of a multipart form is random: under MultipartBody, only
// the parts count.
func ExampleMultipartBody() {
	rules := naming.Rules{Bodies: map[string]naming.BodyRule{"multipart/form-data": naming.MultipartBody}}
	form := func(boundary string) []byte {
		return []byte("--" + boundary + "\r\n" +
			`Content-Disposition: form-data; name="file"; filename="a.txt"` + "\r\n" +
			"Content-Type: text/plain\r\n\r\n" +
			"hello\r\n" +
			"--" + boundary + "--\r\n")
	}
	for _, boundary := range []string{"X1b2", "Q9z8"} {
		r, _ := http.NewRequest("POST", "https://api.example.com/v1/upload", nil)
		r.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
		fmt.Println(naming.Name(r, form(boundary), rules))
	}
	r, _ := http.NewRequest("POST", "https://api.example.com/v1/upload", nil)
	r.Header.Set("Content-Type", "multipart/form-data; boundary=X1b2")
	fmt.Printf("%s", rules.CanonicalBody(r, form("X1b2")))
	// Output:
	// POST_api.example.com_443_v1_upload~bdb838200
	// POST_api.example.com_443_v1_upload~bdb838200
	// part name="file" filename="a.txt" type="text/plain" size=5
	// hello
}
