package configs

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/flightwatch/flightwatch/feeds"
)

var (
	unknownKeyRe = regexp.MustCompile(`(?s)^line (\d+): field (.+) not found in type \S+$`)
	badValueRe   = regexp.MustCompile("(?s)^line (\\d+): cannot unmarshal \\S+ `(.*)` into (\\S+)$")
	badNodeRe    = regexp.MustCompile(`^line (\d+): cannot unmarshal !*(\S*) into (\S+)$`)
	// valueRe: an error of a field's own decoder, on its value.
	valueRe = regexp.MustCompile(`^line (\d+): ("[^"]*"): (.*)$`)
)

// yamlError says what is wrong with the decoded document doc in the
// file's own terms: each problem as "line N: key.path: reason", without
// the decoder's Go type names.
func yamlError(doc []byte, err error) error {
	var root yaml.Node
	_ = yaml.Unmarshal(doc, &root) // a document that fails here reports its syntax error below
	msgs := []string{err.Error()}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	out := make([]string, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, explain(&root, m))
	}
	return errors.New(strings.Join(out, "; "))
}

func explain(root *yaml.Node, msg string) string {
	if m := unknownKeyRe.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		path := find(root, "", line, m[2], true)
		if path == "" {
			path = m[2]
		}
		return fmt.Sprintf("line %d: unknown key %s", line, path)
	}
	if m := badValueRe.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		path := find(root, "", line, m[2], false)
		if path != "" {
			path += ": "
		}
		return fmt.Sprintf("line %d: %s%q is not %s", line, path, m[2], kindOf(m[3]))
	}
	if m := badNodeRe.FindStringSubmatch(msg); m != nil {
		got := map[string]string{"seq": "a list", "map": "a mapping"}[m[2]]
		if got == "" {
			got = "a " + m[2]
		}
		return fmt.Sprintf("line %s: want %s, not %s", m[1], kindOf(m[3]), got)
	}
	msg = strings.TrimPrefix(msg, feeds.ErrConfig.Error()+": ")
	if m := valueRe.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		v, _ := strconv.Unquote(m[2])
		if path := find(root, "", line, v, false); path != "" {
			return fmt.Sprintf("line %d: %s %s: %s", line, path, m[2], m[3])
		}
	}
	return strings.TrimPrefix(msg, "yaml: ")
}

// find returns the key path (feeds[0].kind) of the mapping key (key true)
// or the scalar value named value on line, "" when there is none.
func find(n *yaml.Node, path string, line int, value string, key bool) string {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			if p := find(c, path, line, value, key); p != "" {
				return p
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			sub := k.Value
			if path != "" {
				sub = path + "." + k.Value
			}
			if key && k.Line == line && k.Value == value {
				return sub
			}
			if p := find(v, sub, line, value, key); p != "" {
				return p
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if p := find(c, fmt.Sprintf("%s[%d]", path, i), line, value, key); p != "" {
				return p
			}
		}
	case yaml.ScalarNode:
		if !key && n.Line == line && n.Value == value {
			return path
		}
	}
	return ""
}

// kindOf names what a field of the Go type typ takes.
func kindOf(typ string) string {
	switch {
	case typ == "time.Duration" || typ == "feeds.Duration":
		return "a duration (e.g. 10s, 5m)"
	case strings.HasPrefix(typ, "float"):
		return "a number"
	case strings.HasPrefix(typ, "int") || strings.HasPrefix(typ, "uint"):
		return "a whole number"
	case typ == "bool":
		return "true or false"
	case typ == "string":
		return "a string"
	case strings.HasPrefix(typ, "[]") || strings.HasPrefix(typ, "["):
		return "a list"
	case strings.HasPrefix(typ, "map["):
		return "a mapping"
	}
	return "a mapping of the section's keys"
}
