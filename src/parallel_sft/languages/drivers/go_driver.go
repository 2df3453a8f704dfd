// The Go test driver of function problems (protocol: languages/functions.py), one file
// with the candidate's code: go_functions.py fills in the candidate's imports, the
// generated calls and result writers, and the candidate's declarations (the comment lines
// starting with an @ are the places). The driver's imports carry names of their own, so
// the candidate's imports of the same packages do not clash with them.
package main

import (
	psftfmt "fmt"
	psftmath "math"
	psftos "os"
	psftstrconv "strconv"
	psftutf8 "unicode/utf8"
)

//@IMPORTS@

// The first package-level variable in declaration order: Go initialises it before any
// variable or init function of the candidate, so the token is read (and fd 1 opened as a
// file of the driver's own) before any candidate code runs.
var psftOut, psftToken = psftStart()

func psftStart() (*psftos.File, string) {
	out := psftos.NewFile(1, "stdout")
	var token []byte
	one := make([]byte, 1)
	for len(token) < 200 {
		n, err := psftos.Stdin.Read(one)
		if n == 0 || err != nil || one[0] == '\n' {
			break
		}
		if one[0] != '\r' && one[0] != ' ' {
			token = append(token, one[0])
		}
	}
	return out, string(token)
}

// A newline first: a candidate's print without one cannot swallow the report.
func psftReport(line string) {
	psftOut.Write([]byte("\n" + psftToken + " " + line + "\n"))
}

// The call's result line, or its panic as an error line (the call did not return).
func psftRun(index int, call func() []byte) (line string) {
	prefix := psftstrconv.Itoa(index)
	returned := false
	defer func() {
		if !returned {
			line = prefix + " error " + string(psftString(nil, psftDescribe(recover())))
		}
	}()
	out := call()
	returned = true
	return prefix + " ok " + string(out)
}

func psftDescribe(value interface{}) (text string) {
	defer func() {
		if recover() != nil {
			text = "panic (describing its value panicked again)"
		}
	}()
	switch v := value.(type) {
	case nil:
		text = "panic(nil)"
	case psftFail:
		text = string(v)
	case error:
		text = "panic: " + v.Error()
	case string:
		text = "panic: " + v
	default:
		text = "panic: " + psftfmt.Sprint(v)
	}
	if !psftutf8.ValidString(text) {
		text = "panic: (a message that is not UTF-8)"
	}
	if runes := []rune(text); len(runes) > 300 {
		text = string(runes[:300])
	}
	return text
}

// psftFail ends a result the driver cannot write: the call's error line says why.
type psftFail string

func (f psftFail) Error() string { return string(f) }

func psftSome[T any](value T) *T { return &value }

func psftInt(b []byte, v int) []byte { return psftstrconv.AppendInt(b, int64(v), 10) }

func psftIntKey(b []byte, v int) []byte {
	b = append(b, '"')
	return append(psftstrconv.AppendInt(b, int64(v), 10), '"')
}

func psftFloat(b []byte, v float64) []byte {
	if psftmath.IsNaN(v) {
		return append(b, "NaN"...)
	}
	if psftmath.IsInf(v, 0) {
		if v > 0 {
			return append(b, "Infinity"...)
		}
		return append(b, "-Infinity"...)
	}
	text := psftstrconv.FormatFloat(v, 'g', -1, 64) // shortest round-trip digits
	for _, c := range text {
		if c == '.' || c == 'e' {
			return append(b, text...)
		}
	}
	return append(b, text+".0"...)
}

func psftBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

const psftHex = "0123456789abcdef"

func psftString(b []byte, v string) []byte {
	if !psftutf8.ValidString(v) {
		panic(psftFail("returned a string that is not UTF-8"))
	}
	b = append(b, '"')
	for _, r := range v {
		switch {
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r >= 0x20 && r < 0x7f:
			b = append(b, byte(r))
		case r > 0xffff: // a surrogate pair, as JSON writes it
			r -= 0x10000
			b = psftEscape(psftEscape(b, 0xd800+(r>>10)), 0xdc00+(r&0x3ff))
		default:
			b = psftEscape(b, r)
		}
	}
	return append(b, '"')
}

// ASCII only: a line separator (U+2028, U+0085) raw in a report would split its line.
func psftEscape(b []byte, r rune) []byte {
	return append(b, '\\', 'u', psftHex[r>>12&15], psftHex[r>>8&15], psftHex[r>>4&15], psftHex[r&15])
}

//@CALLS@

func main() {
	for index, call := range psftCalls {
		psftReport(psftRun(index, call))
	}
	psftReport("done")
}

//@CANDIDATE@
