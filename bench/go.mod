module github.com/cassette-go/cassette/bench

go 1.26

require (
	github.com/cassette-go/cassette v0.0.0
	go.yaml.in/yaml/v4 v4.0.0-rc.6
	gopkg.in/dnaeon/go-vcr.v4 v4.0.7
)

require (
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/gorilla/mux v1.8.1 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)

replace github.com/cassette-go/cassette => ../
