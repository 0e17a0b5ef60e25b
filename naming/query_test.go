package naming

import "testing"

func TestNameQuery(t *testing.T) {
	runNameTests(t, []nameTest{
		{"query follows two underscores", get("http://h/a?q=1"), "GET_h_80_a__q=1"},
		{"root query follows the port", get("http://h/?q=1"), "GET_h_80__q=1"},
		{"pairs are sorted by key", get("http://h/?sort=name&page=2"), "GET_h_80__page=2,sort=name"},
		{"repeated key keeps its values in order", get("http://h/?tag=b&q=x&tag=a"), "GET_h_80__q=x,tag=b,tag=a"},
		{"pairs sort by decoded key", get("http://h/?b=1&%61=2"), "GET_h_80__%61=2,b=1"},
		{"key without value stays bare", get("http://h/?flag&a="), "GET_h_80__a=,flag"},
		{"plus stays", get("http://h/?q=a+b"), "GET_h_80__q=a+b"},
		{"escape stays", get("http://h/?q=th%C3%A9"), "GET_h_80__q=th%C3%A9"},
		{"raw unicode is a dash and lossy", get("http://h/?q=thé"), "GET_h_80__q=th-~u########"},
		{"upper case is lower-cased and lossy", get("http://h/?Q=A"), "GET_h_80__q=a~u########"},
		{"comma is a dash and lossy", get("http://h/?q=a,b"), "GET_h_80__q=a-b~u########"},
		{"underscore is a dash and lossy", get("http://h/?a_b=1"), "GET_h_80__a-b=1~u########"},
		{"empty pairs are dropped", get("http://h/?&a=1&&"), "GET_h_80__a=1"},
		{"ignored parameter is dropped",
			spec{method: "GET", url: "http://h/?_=123&page=1", rules: Rules{IgnoreQuery: []string{"_"}}}, "GET_h_80__page=1"},
		{"ignored parameter is dropped in every occurrence",
			spec{method: "GET", url: "http://h/?ts=1&ts=2", rules: Rules{IgnoreQuery: []string{"ts"}}}, "GET_h_80"},
		{"ignoring is case-sensitive",
			spec{method: "GET", url: "http://h/?TS=1", rules: Rules{IgnoreQuery: []string{"ts"}}}, "GET_h_80__ts=1~u########"},
	})
}
