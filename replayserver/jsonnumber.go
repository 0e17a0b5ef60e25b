package replayserver

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// This file gives the numbers of a JSON body as a miss report shows and
// compares them: by their exact value. A float64 cannot hold every JSON
// number: two 64-bit ids past 2^53 (a GraphQL variable, a snowflake id)
// may round to the same float64, and a report comparing float64s would
// say that the bodies hold the same values where they do not.

// number is a JSON number that no float64 holds exactly, written in the
// canonical form of its value (see decimalValue): two numbers are equal
// when their values are, however each was written.
type number string

// numbersOf returns v, decoded with json.Decoder.UseNumber, with each
// json.Number replaced by its value: a float64 when one holds it exactly,
// as json.Unmarshal gives it, else a number; so is an integer from 2^53 on,
// which a diff then shows as an id is written, beside one a float64
// cannot hold ("9007199254740993" against "9007199254740992", not
// 9.007199254740992e+15).
func numbersOf(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, w := range x {
			x[k] = numbersOf(w)
		}
	case []any:
		for i, w := range x {
			x[i] = numbersOf(w)
		}
	case json.Number:
		return numberValue(string(x))
	}
	return v
}

// numberValue returns the value of the JSON number s.
func numberValue(s string) any {
	val, ok := decimalValue(s)
	if !ok {
		return number(s) // an exponent past an int: shown as written
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		fv, ok := decimalValue(strconv.FormatFloat(f, 'g', -1, 64))
		if ok && fv == val && !(f == math.Trunc(f) && math.Abs(f) >= 1<<53) {
			return f
		}
	}
	return number(val)
}

// maxNumberText bounds the length of a number, and its exponent, that
// decimalValue works with, so that the zeros it writes out and its sums
// stay small on every system: "1e9223372036854775807" made it write that
// many.
const maxNumberText = 1 << 16

// decimalValue returns the canonical form of the value of the JSON number
// s: no sign for zero, no leading or trailing zeros, a plain decimal when
// its exponent is small, else one digit before the point and an exponent
// ("9007199254740993", "0.10000000000000001", "1.5e400"). It reports false
// for text that is not a JSON number, and for a number or an exponent too
// long to work with (over maxNumberText bytes or digits): such a number is
// compared as written.
func decimalValue(s string) (string, bool) {
	if len(s) > maxNumberText || !jsonNumber(s) {
		return "", false
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mant, expText, hasExp := strings.Cut(strings.ToLower(s), "e")
	intPart, frac, _ := strings.Cut(mant, ".")
	exp := 0
	if hasExp {
		e, err := strconv.Atoi(strings.TrimPrefix(expText, "+"))
		if err != nil || e > maxNumberText || e < -maxNumberText {
			return "", false
		}
		exp = e
	}
	digits := intPart + frac
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return "", false
	}
	exp -= len(frac)
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return "0", true
	}
	trimmed := strings.TrimRight(digits, "0")
	exp += len(digits) - len(trimmed)
	digits = trimmed
	point := len(digits) + exp
	if point-1 > maxNumberText || point-1 < -maxNumberText {
		return "", false // its canonical form's exponent would be refused
	}
	const plain = 21 // the exponents within which a value is written without one
	var out string
	switch {
	case exp >= 0 && point <= plain:
		out = digits + strings.Repeat("0", exp)
	case exp < 0 && point > 0:
		out = digits[:point] + "." + digits[point:]
	case exp < 0 && point > -plain:
		out = "0." + strings.Repeat("0", -point) + digits
	default:
		out = digits[:1]
		if len(digits) > 1 {
			out += "." + digits[1:]
		}
		out += "e" + strconv.Itoa(point-1)
	}
	if neg {
		out = "-" + out
	}
	if len(out) > maxNumberText {
		return "", false // as its canonical form would be
	}
	return out, true
}

// jsonNumber reports whether s is a JSON number (RFC 8259, section 6):
// an optional minus, an integer part without leading zeros, an optional
// fraction and exponent, each with digits. ".5", "1.", "01", "+1" and
// "1e+-5" are not, though strconv and the steps of decimalValue take them.
func jsonNumber(s string) bool {
	i := 0
	digits := func() bool {
		start := i
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
		return i > start
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i < len(s) && s[i] == '0' {
		i++
	} else if !digits() {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	return i == len(s)
}
