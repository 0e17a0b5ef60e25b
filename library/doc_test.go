package library

import (
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

// docExamples returns the indented blocks of the package documentation.
func docExamples(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []string
	var cur []string
	for _, line := range strings.Split(f.Doc.Text(), "\n") {
		if strings.HasPrefix(line, "\t") {
			cur = append(cur, strings.TrimPrefix(line, "\t"))
			continue
		}
		if cur != nil {
			blocks = append(blocks, strings.Join(cur, "\n")+"\n")
			cur = nil
		}
	}
	return blocks
}

// TestDocExamples checks that the examples of the file format in the
// package documentation load, and are exactly what Save writes.
func TestDocExamples(t *testing.T) {
	found := 0
	for _, block := range docExamples(t) {
		switch {
		case strings.HasPrefix(block, "{\n"):
			found++
			c, err := decodeCassette("doc.json", JSON, "x", []byte(block))
			if err != nil {
				t.Errorf("JSON example: %v\n%s", err, block)
				continue
			}
			if got, _ := encodeCassette(JSON, &c); string(got) != block {
				t.Errorf("JSON example is not what Save writes:\n%s\nwant\n%s", block, got)
			}
		case strings.HasPrefix(block, "version: 1\n"):
			found++
			cs, err := decodeFile("doc.yaml", YAML, []byte(block))
			if err != nil {
				t.Errorf("YAML example: %v\n%s", err, block)
				continue
			}
			if got, _ := encodeFile(YAML, cs); string(got) != block {
				t.Errorf("YAML example is not what Save writes:\n%s\nwant\n%s", block, got)
			}
			for _, c := range cs {
				if !ValidName(c.Name) {
					t.Errorf("YAML example: invalid name %q", c.Name)
				}
			}
		}
	}
	if found != 2 {
		t.Errorf("found %d examples of the file format in the package documentation, want 2", found)
	}
}
