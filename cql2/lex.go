package cql2

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// token kinds
const (
	tEOF = iota
	tIdent
	tString
	tNumber
	tPunct // ( ) , and comparison operators
)

type token struct {
	kind int
	text string // identifier (as written), string contents, number text, punctuation
	pos  int    // 0-based byte offset
}

// lexer reads tokens one at a time from a cql2-text filter.
type lexer struct {
	src string
	pos int
	tok token // current token
	err *Error
}

func (l *lexer) at(pos int) string {
	// 1-based character position
	return strconv.Itoa(utf8.RuneCountInString(l.src[:min(pos, len(l.src))]) + 1)
}

// next reads the next token into l.tok.
func (l *lexer) next() {
	if l.err != nil {
		l.tok = token{kind: tEOF, pos: len(l.src)}
		return
	}
	for l.pos < len(l.src) {
		r, n := utf8.DecodeRuneInString(l.src[l.pos:])
		if !unicode.IsSpace(r) {
			break
		}
		l.pos += n
	}
	start := l.pos
	if l.pos >= len(l.src) {
		l.tok = token{kind: tEOF, pos: start}
		return
	}
	c := l.src[l.pos]
	switch {
	case c == '\'':
		var b strings.Builder
		l.pos++
		for {
			if l.pos >= len(l.src) {
				l.fail(start, "unterminated string")
				return
			}
			if l.src[l.pos] == '\'' {
				if l.pos+1 < len(l.src) && l.src[l.pos+1] == '\'' {
					b.WriteByte('\'')
					l.pos += 2
					continue
				}
				l.pos++
				break
			}
			b.WriteByte(l.src[l.pos])
			l.pos++
		}
		if !utf8.ValidString(b.String()) {
			l.fail(start, "string is not valid UTF-8")
			return
		}
		l.tok = token{kind: tString, text: b.String(), pos: start}
	case c == '"':
		end := strings.IndexByte(l.src[l.pos+1:], '"')
		if end < 0 {
			l.fail(start, "unterminated quoted property name")
			return
		}
		name := l.src[l.pos+1 : l.pos+1+end]
		l.pos += end + 2
		if name == "" || !utf8.ValidString(name) {
			l.fail(start, "empty or invalid quoted property name")
			return
		}
		// a quoted identifier is never a keyword: mark it with a leading quote
		l.tok = token{kind: tIdent, text: "\"" + name, pos: start}
	case c >= '0' && c <= '9' || c == '.' && l.pos+1 < len(l.src) && isDigit(l.src[l.pos+1]) ||
		(c == '-' || c == '+') && l.pos+1 < len(l.src) && (isDigit(l.src[l.pos+1]) || l.src[l.pos+1] == '.'):
		l.pos++
		for l.pos < len(l.src) {
			d := l.src[l.pos]
			if isDigit(d) || d == '.' || d == 'e' || d == 'E' ||
				(d == '-' || d == '+') && (l.src[l.pos-1] == 'e' || l.src[l.pos-1] == 'E') {
				l.pos++
				continue
			}
			break
		}
		text := l.src[start:l.pos]
		if _, err := strconv.ParseFloat(text, 64); err != nil {
			l.fail(start, "bad number "+strconv.Quote(text))
			return
		}
		l.tok = token{kind: tNumber, text: text, pos: start}
	case isIdentStart(c):
		for l.pos < len(l.src) && isIdentPart(l.src[l.pos]) {
			l.pos++
		}
		l.tok = token{kind: tIdent, text: l.src[start:l.pos], pos: start}
	case c == '<' || c == '>':
		l.pos++
		if l.pos < len(l.src) && (l.src[l.pos] == '=' || c == '<' && l.src[l.pos] == '>') {
			l.pos++
		}
		l.tok = token{kind: tPunct, text: l.src[start:l.pos], pos: start}
	case c == '!' && l.pos+1 < len(l.src) && l.src[l.pos+1] == '=':
		l.pos += 2
		l.tok = token{kind: tPunct, text: "<>", pos: start}
	case c == '=' || c == '(' || c == ')' || c == ',':
		l.pos++
		l.tok = token{kind: tPunct, text: string(c), pos: start}
	default:
		r, _ := utf8.DecodeRuneInString(l.src[l.pos:])
		l.fail(start, "unexpected character "+strconv.QuoteRune(r))
	}
}

func (l *lexer) fail(pos int, msg string) {
	if l.err == nil {
		l.err = errorf(l.at(pos), "%s", msg)
	}
	l.tok = token{kind: tEOF, pos: len(l.src)}
}

func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isIdentPart(c byte) bool  { return isIdentStart(c) || isDigit(c) || c == '.' || c == ':' }

// keyword reports whether the current token is the keyword kw (upper case).
func (l *lexer) keyword(kw string) bool {
	return l.tok.kind == tIdent && strings.EqualFold(l.tok.text, kw)
}

func (l *lexer) punct(p string) bool { return l.tok.kind == tPunct && l.tok.text == p }

// describe names the current token for an error message.
func (l *lexer) describe() string {
	switch l.tok.kind {
	case tEOF:
		return "end of filter"
	case tString:
		return "string " + strconv.Quote(l.tok.text)
	case tIdent:
		return strconv.Quote(strings.TrimPrefix(l.tok.text, "\""))
	}
	return strconv.Quote(l.tok.text)
}
