module github.com/cassette-go/cassette

go 1.26

require (
	github.com/google/go-cmp v0.7.0
	github.com/gorilla/mux v1.8.1
	gopkg.in/yaml.v3 v3.0.1
)
