package ogc

import (
	"fmt"
	"html/template"
	"net/http"
	"sort"

	"github.com/paulmach/orb"

	"github.com/flightwatch/flightwatch/feature"
)

// page is what the HTML template shows: a title, links and a table.
type page struct {
	Title, Description string
	Links              []Link
	Header             []string
	Rows               [][]string
	RowLinks           []string // optional link per row (first cell)
}

var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{.Title}}</title>
<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}</style>
</head><body>
<h1>{{.Title}}</h1>
{{with .Description}}<p>{{.}}</p>{{end}}
<ul>{{range .Links}}<li><a href="{{.Href}}" rel="{{.Rel}}"{{with .Type}} type="{{.}}"{{end}}>{{if .Title}}{{.Title}}{{else}}{{.Rel}}{{end}}</a> ({{.Rel}})</li>{{end}}</ul>
{{if .Header}}<table><thead><tr>{{range .Header}}<th>{{.}}</th>{{end}}</tr></thead><tbody>
{{range $i, $row := .Rows}}<tr>{{range $j, $cell := $row}}<td>{{if and (eq $j 0) (index $.RowLinks $i)}}<a href="{{index $.RowLinks $i}}">{{$cell}}</a>{{else}}{{$cell}}{{end}}</td>{{end}}</tr>
{{end}}</tbody></table>{{end}}
</body></html>
`))

func (a *api) writeHTML(w http.ResponseWriter, p page) {
	for len(p.RowLinks) < len(p.Rows) {
		p.RowLinks = append(p.RowLinks, "")
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := pageTmpl.Execute(w, p); err != nil {
		a.log.Warn("render html", "err", err)
	}
}

// pageOf renders features as a table: id, geometry, then the properties.
func pageOf(c *collection, fs []feat, links []Link) page {
	p := page{Title: c.title, Description: c.description, Links: links, Header: []string{"id", "geometry"}}
	names := make([]string, 0, len(c.fields))
	for _, f := range c.fields {
		names = append(names, f.name)
	}
	sort.Strings(names)
	p.Header = append(p.Header, names...)
	for _, f := range fs {
		row := []string{f.id, geomText(f.geom)}
		for _, n := range names {
			v := feature.JSONValue(f.vals[n])
			if v == nil {
				row = append(row, "")
				continue
			}
			row = append(row, fmt.Sprint(v))
		}
		p.Rows = append(p.Rows, row)
	}
	return p
}

func geomText(g orb.Geometry) string {
	switch g := g.(type) {
	case nil:
		return ""
	case orb.Point:
		return fmt.Sprintf("Point %.5f, %.5f", g[0], g[1])
	case orb.LineString:
		return fmt.Sprintf("LineString, %d points", len(g))
	default:
		return g.GeoJSONType()
	}
}
