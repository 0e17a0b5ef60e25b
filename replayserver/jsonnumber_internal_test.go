package replayserver

import (
	"math/big"
	"strings"
	"testing"
)

// The canonical form of a JSON number's value: equal for numbers written
// otherwise, distinct for values a float64 would round together.
func TestDecimalValue(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"0", "0"},
		{"-0", "0"},
		{"0.000", "0"},
		{"1", "1"},
		{"1.0", "1"},
		{"1e2", "100"},
		{"100E-2", "1"},
		{"-12.50", "-12.5"},
		{"9007199254740993", "9007199254740993"},
		{"0.10000000000000001", "0.10000000000000001"},
		{"1e400", "1e400"},
		{"15e399", "1.5e400"},
		{"1e-30", "1e-30"},
		{"0.00123", "0.00123"},
		{"123456789012345678901234567890", "1.2345678901234567890123456789e29"},
	} {
		if got, ok := decimalValue(tc.in); !ok || got != tc.want {
			t.Errorf("decimalValue(%q) = %q, %v; want %q, true", tc.in, got, ok, tc.want)
		}
	}
	// Text that is no JSON number, though strconv or the steps of
	// decimalValue take it.
	for _, in := range []string{"", "-", ".5", "-.5", "1.", "1.e5", "01", "-00", "+1", "1e", "1e+", "1e+-5", "1e++5", "1E-+5", "0x10", "1_0", " 1", "1 ", "Inf", "NaN", "1e5.5"} {
		if got, ok := decimalValue(in); ok {
			t.Errorf("decimalValue(%q) = %q, true; want false: it is no JSON number", in, got)
		}
	}
	if got, ok := decimalValue("1e99999999999999999999999"); ok {
		t.Errorf("decimalValue of an exponent past an int = %q, true; want false", got)
	}
	// An exponent an int holds but whose zeros no memory does (it
	// panicked in strings.Repeat), and the sums near its limits.
	// So is one whose canonical form would be refused: its exponent past
	// the bound (10000e65533 is 1e65537), or its text past it (0.000...1).
	longTiny := strings.Repeat("1", 65529) + "e-65549"
	for _, in := range []string{"1e9223372036854775807", "10e9223372036854775807", "1e-9223372036854775808", "0.1e-9223372036854775808", "1e65537", "10000e65533", "0.0001e-65533", longTiny} {
		if got, ok := decimalValue(in); ok {
			t.Errorf("decimalValue(%q) = %.40q, true; want false (compared as written)", in, got)
		}
		if v := numberValue(in); v != number(in) {
			t.Errorf("numberValue(%q) = %#v, want it as written", in, v)
		}
	}
	for _, tc := range []struct {
		a, b  string
		equal bool
	}{
		{"1", "1.0", true},
		{"2", "2", true},
		{"9007199254740993", "9007199254740992", false},
		{"9007199254740993", "9007199254740993.0", true},
		{"0.1", "0.10000000000000001", false},
	} {
		if a, b := numberValue(tc.a), numberValue(tc.b); (a == b) != tc.equal {
			t.Errorf("numberValue(%q) = %#v, numberValue(%q) = %#v: equal %v, want %v", tc.a, a, tc.b, b, a == b, tc.equal)
		}
	}
	if v, ok := numberValue("2").(float64); !ok || v != 2 {
		t.Errorf("numberValue(2) = %#v, want float64(2), as json.Unmarshal gives it", numberValue("2"))
	}
	if v := numberValue("9007199254740992"); v != number("9007199254740992") {
		t.Errorf("numberValue(9007199254740992) = %#v, want the id as written, beside its neighbours no float64 holds", v)
	}
}

// FuzzNumberValue: no text makes decimalValue or numberValue panic; what
// decimalValue takes is a JSON number, its canonical form is one whose
// canonical form is itself; and two JSON numbers (of a few digits and an
// exponent math/big works out at once) are equal by numberValue exactly
// when their values are.
func FuzzNumberValue(f *testing.F) {
	for _, seed := range [][2]string{
		{"1", "1.0"}, {"1e0", "10E-1"}, {"-0.0", "0e5"}, {"1E+2", "100"}, {".5", "0.5"},
		{"9007199254740993", "9007199254740992"}, {"0.1", "0.10000000000000001"},
		{"1e400", "15e399"}, {"5e-324", "4e-324"}, {"1e9223372036854775807", "1e65537"}, {"01", "1e+-5"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		for _, s := range []string{a, b} {
			if v, ok := decimalValue(s); ok {
				if !jsonNumber(s) {
					t.Errorf("decimalValue(%q) = %q, true, but it is no JSON number", s, v)
				}
				if w, ok := decimalValue(v); !ok || w != v {
					t.Errorf("decimalValue(%q) = %q, whose own is %q, %v", s, v, w, ok)
				}
			}
		}
		small := func(s string) bool {
			_, exp, _ := strings.Cut(strings.ToLower(s), "e")
			return jsonNumber(s) && len(s) <= 64 && len(strings.TrimLeft(strings.TrimLeft(exp, "+-"), "0")) <= 3
		}
		if !small(a) || !small(b) {
			return
		}
		ra, ok1 := new(big.Rat).SetString(a)
		rb, ok2 := new(big.Rat).SetString(b)
		if !ok1 || !ok2 {
			t.Fatalf("math/big does not read %q or %q", a, b)
		}
		if va, vb := numberValue(a), numberValue(b); (va == vb) != (ra.Cmp(rb) == 0) {
			t.Errorf("numberValue(%q) = %#v, numberValue(%q) = %#v: equal %v, but their values are equal: %v", a, va, b, vb, va == vb, ra.Cmp(rb) == 0)
		}
	})
}
