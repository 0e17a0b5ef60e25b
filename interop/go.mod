module github.com/cassette-go/cassette/interop

go 1.26

require (
	github.com/cassette-go/cassette v0.0.0
	go.uber.org/goleak v1.3.0
	gopkg.in/dnaeon/go-vcr.v4 v4.0.7
)

require (
	github.com/google/go-cmp v0.7.0 // indirect
	github.com/gorilla/mux v1.8.1 // indirect
	github.com/kr/text v0.2.0 // indirect
	go.yaml.in/yaml/v4 v4.0.0-rc.6 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)

replace github.com/cassette-go/cassette => ../
