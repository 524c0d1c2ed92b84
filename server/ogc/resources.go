package ogc

import (
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/flightwatch/flightwatch/server/httperr"
)

// Media types.
const (
	typeJSON    = "application/json"
	typeGeoJSON = "application/geo+json"
	typeHTML    = "text/html"
	typeOpenAPI = "application/vnd.oai.openapi+json;version=3.0"
	typeSchema  = "application/schema+json"
)

// Conformance classes implemented.
var conformanceClasses = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
	"http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
	"http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
	"http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions",
	"http://www.opengis.net/spec/cql2/1.0/conf/property-property",
}

// crs84 is the default and storage CRS: longitude, latitude on WGS 84.
const crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

// Link is a web link of the OGC API.
type Link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// wantHTML decides between JSON and HTML: the f parameter (json, geojson or
// html) wins; otherwise the Accept header, JSON when it does not prefer
// text/html. ok is false for an unknown f.
func wantHTML(r *http.Request) (html, ok bool) {
	switch f := r.URL.Query().Get("f"); f {
	case "json", "geojson":
		return false, true
	case "html":
		return true, true
	case "":
	default:
		return false, false
	}
	best, bestQ := "", -1.0
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if v, err := strconv.ParseFloat(s, 64); err == nil {
				q = v
			}
		}
		switch mt {
		case typeHTML, "application/xhtml+xml":
			mt = typeHTML
		case typeJSON, typeGeoJSON, "application/*", "*/*", typeSchema, "application/vnd.oai.openapi+json":
			mt = typeJSON
		default:
			continue
		}
		// Ties go to JSON, the default.
		if q > bestQ || (q == bestQ && mt == typeJSON) {
			best, bestQ = mt, q
		}
	}
	return best == typeHTML && bestQ > 0, true
}

// negotiate answers 400 for an unknown f and reports whether to write HTML.
func negotiate(w http.ResponseWriter, r *http.Request) (html, ok bool) {
	html, ok = wantHTML(r)
	if !ok {
		httperr.Write(w, http.StatusBadRequest, "ogc: f must be json, geojson or html")
	}
	return html, ok
}

// selfLinks returns self and alternate links of a resource at href
// (absolute, without query), whose JSON form has jsonType.
func selfLinks(href, jsonType string, html bool, title string) []Link {
	js := Link{Href: href + "?f=json", Type: jsonType, Title: title + " as JSON"}
	ht := Link{Href: href + "?f=html", Type: typeHTML, Title: title + " as HTML"}
	if html {
		ht.Rel, js.Rel = "self", "alternate"
		return []Link{ht, js}
	}
	js.Rel, ht.Rel = "self", "alternate"
	return []Link{js, ht}
}

func (a *api) landing(w http.ResponseWriter, r *http.Request) {
	html, ok := negotiate(w, r)
	if !ok {
		return
	}
	b := a.base(r)
	links := append(selfLinks(b+"/", typeJSON, html, "This document"),
		Link{Href: b + "/api", Rel: "service-desc", Type: typeOpenAPI, Title: "The API definition (OpenAPI 3.0)"},
		Link{Href: b + "/api?f=html", Rel: "service-doc", Type: typeHTML, Title: "The API documentation"},
		Link{Href: b + "/conformance", Rel: "conformance", Type: typeJSON, Title: "Conformance classes implemented"},
		Link{Href: b + "/conformance", Rel: "http://www.opengis.net/def/rel/ogc/1.0/conformance", Type: typeJSON, Title: "Conformance classes implemented"},
		Link{Href: b + "/collections", Rel: "data", Type: typeJSON, Title: "Feature collections"},
		Link{Href: b + "/collections", Rel: "http://www.opengis.net/def/rel/ogc/1.0/data", Type: typeJSON, Title: "Feature collections"},
	)
	doc := map[string]any{
		"title":       "flightwatch",
		"description": "Live and recorded flight positions, flight legs, planned routes, alerts and enforcement reports as OGC API - Features.",
		"links":       links,
	}
	if html {
		a.writeHTML(w, page{Title: "flightwatch OGC API - Features", Description: doc["description"].(string), Links: links})
		return
	}
	writeJSON(w, http.StatusOK, typeJSON, doc)
}

func (a *api) conformance(w http.ResponseWriter, r *http.Request) {
	html, ok := negotiate(w, r)
	if !ok {
		return
	}
	links := selfLinks(a.base(r)+"/conformance", typeJSON, html, "Conformance")
	if html {
		p := page{Title: "Conformance", Links: links, Header: []string{"conformance class"}}
		for _, c := range conformanceClasses {
			p.Rows = append(p.Rows, []string{c})
		}
		a.writeHTML(w, p)
		return
	}
	writeJSON(w, http.StatusOK, typeJSON, map[string]any{"conformsTo": conformanceClasses, "links": links})
}

// collectionDoc is the JSON description of one collection.
type collectionDoc struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Extent      extent   `json:"extent"`
	ItemType    string   `json:"itemType"`
	CRS         []string `json:"crs"`
	StorageCRS  string   `json:"storageCrs"`
	Links       []Link   `json:"links"`
}

type extent struct {
	Spatial  spatialExtent   `json:"spatial"`
	Temporal *temporalExtent `json:"temporal,omitempty"`
}

type spatialExtent struct {
	BBox [][4]float64 `json:"bbox"`
	CRS  string       `json:"crs"`
}

type temporalExtent struct {
	Interval [][2]*string `json:"interval"`
	TRS      string       `json:"trs"`
}

func (a *api) describe(r *http.Request, c *collection, html bool) (collectionDoc, error) {
	b := a.base(r) + "/collections/" + url.PathEscape(c.id)
	ext, err := a.extentOf(r, c)
	if err != nil {
		return collectionDoc{}, err
	}
	links := append(selfLinks(b, typeJSON, html, c.title),
		Link{Href: b + "/items?f=json", Rel: "items", Type: typeGeoJSON, Title: c.title + " items"},
		Link{Href: b + "/items?f=html", Rel: "items", Type: typeHTML, Title: c.title + " items as HTML"},
		Link{Href: b + "/schema", Rel: "describedby", Type: typeSchema, Title: "Schema of " + c.title},
		Link{Href: b + "/schema", Rel: "http://www.opengis.net/def/rel/ogc/1.0/schema", Type: typeSchema, Title: "Schema of " + c.title},
		Link{Href: b + "/queryables", Rel: "http://www.opengis.net/def/rel/ogc/1.0/queryables", Type: typeSchema, Title: "Queryables of " + c.title},
	)
	desc := c.description
	if c.restricted && !a.rawAllowed(r) {
		desc += " Raw report points are restricted: without the read:raw scope the items are an empty page saying so (a single item answers 403); use report-cells for aggregates."
	}
	return collectionDoc{ID: c.id, Title: c.title, Description: desc, Extent: ext, ItemType: "feature",
		CRS: crsURIs(), StorageCRS: crs84, Links: links}, nil
}

func (a *api) collectionsList(w http.ResponseWriter, r *http.Request) {
	html, ok := negotiate(w, r)
	if !ok {
		return
	}
	links := selfLinks(a.base(r)+"/collections", typeJSON, html, "Collections")
	docs := make([]collectionDoc, 0, len(a.colls))
	for _, c := range a.colls {
		d, err := a.describe(r, c, false)
		if err != nil {
			a.storeError(w, r, err)
			return
		}
		docs = append(docs, d)
	}
	if html {
		p := page{Title: "Collections", Links: links, Header: []string{"id", "title", "description"}}
		for _, d := range docs {
			p.Rows = append(p.Rows, []string{d.ID, d.Title, d.Description})
			p.RowLinks = append(p.RowLinks, a.base(r)+"/collections/"+url.PathEscape(d.ID)+"?f=html")
		}
		a.writeHTML(w, p)
		return
	}
	writeJSON(w, http.StatusOK, typeJSON, map[string]any{"links": links, "collections": docs, "crs": crsURIs()})
}

func (a *api) lookup(w http.ResponseWriter, r *http.Request) (*collection, bool) {
	c, ok := a.byID[r.PathValue("id")]
	if !ok {
		httperr.Write(w, http.StatusNotFound, "ogc: no collection "+strconv.Quote(r.PathValue("id")))
	}
	return c, ok
}

func (a *api) collection(w http.ResponseWriter, r *http.Request) {
	c, ok := a.lookup(w, r)
	if !ok {
		return
	}
	html, ok := negotiate(w, r)
	if !ok {
		return
	}
	d, err := a.describe(r, c, html)
	if err != nil {
		a.storeError(w, r, err)
		return
	}
	if html {
		p := page{Title: d.Title, Description: d.Description, Links: d.Links, Header: []string{"property", "type", "description"}}
		for _, f := range c.fields {
			p.Rows = append(p.Rows, []string{f.name, f.typ, f.desc})
		}
		a.writeHTML(w, p)
		return
	}
	writeJSON(w, http.StatusOK, typeJSON, d)
}

func (a *api) schema(w http.ResponseWriter, r *http.Request) {
	c, ok := a.lookup(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, typeSchema, c.jsonSchema(a.base(r)))
}

// jsonSchema returns the JSON Schema of the collection's features.
func (c *collection) jsonSchema(base string) map[string]any {
	props := map[string]any{}
	names := make([]string, 0, len(c.fields))
	for _, f := range c.fields {
		s := map[string]any{"type": f.typ, "description": f.desc, "title": f.name}
		if f.format != "" {
			s["format"] = f.format
		}
		if f.typ == "array" {
			s["items"] = map[string]any{"type": "string"}
		}
		props[f.name] = s
		names = append(names, f.name)
	}
	sort.Strings(names)
	return map[string]any{
		"$schema":     "https://json-schema.org/draft/2019-09/schema",
		"$id":         base + "/collections/" + c.id + "/schema",
		"type":        "object",
		"title":       c.title,
		"description": c.description,
		"properties":  props,
	}
}
