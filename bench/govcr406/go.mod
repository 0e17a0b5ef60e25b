module github.com/cassette-go/cassette/bench/govcr406

go 1.26

require gopkg.in/dnaeon/go-vcr.v4 v4.0.6

require go.yaml.in/yaml/v4 v4.0.0-rc.3 // indirect
