package ogc

import (
	"net/http"
	"sort"
)

// openAPI serves the OpenAPI 3.0 definition of the API (f=html: a short
// page listing the paths).
func (a *api) openAPI(w http.ResponseWriter, r *http.Request) {
	html, ok := negotiate(w, r)
	if !ok {
		return
	}
	doc := a.openAPIDoc(a.base(r))
	if html {
		p := page{Title: "flightwatch OGC API - Features: API definition",
			Description: "The OpenAPI 3.0 document is at ?f=json.",
			Links:       selfLinks(a.base(r)+"/api", typeOpenAPI, true, "API definition"),
			Header:      []string{"path", "summary"}}
		paths := doc["paths"].(map[string]any)
		keys := make([]string, 0, len(paths))
		for k := range paths {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			op := paths[k].(map[string]any)["get"].(map[string]any)
			p.Rows = append(p.Rows, []string{k, op["summary"].(string)})
		}
		a.writeHTML(w, p)
		return
	}
	writeJSON(w, http.StatusOK, typeOpenAPI, doc)
}

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/" + name} }

func jsonContent(typ string, schema any) map[string]any {
	return map[string]any{typ: map[string]any{"schema": schema}, typeHTML: map[string]any{"schema": map[string]any{"type": "string"}}}
}

func response(desc, typ string, schema any) map[string]any {
	return map[string]any{"description": desc, "content": jsonContent(typ, schema)}
}

func (a *api) openAPIDoc(base string) map[string]any {
	ids := make([]string, len(a.colls))
	for i, c := range a.colls {
		ids[i] = c.id
	}
	errResp := map[string]any{"description": "error", "content": map[string]any{typeJSON: map[string]any{"schema": ref("schemas/error")}}}
	std := func(ok map[string]any, extra ...string) map[string]any {
		m := map[string]any{"200": ok, "400": errResp, "500": errResp}
		for _, code := range extra {
			m[code] = errResp
		}
		return m
	}
	get := func(id, summary string, params []any, responses map[string]any) map[string]any {
		return map[string]any{"get": map[string]any{"operationId": id, "summary": summary, "tags": []string{"features"},
			"parameters": append(params, ref("parameters/f")), "responses": responses}}
	}
	collID := ref("parameters/collectionId")
	linksSchema := map[string]any{"type": "array", "items": ref("schemas/link")}
	fcSchema := map[string]any{"type": "object", "required": []string{"type", "features"}, "properties": map[string]any{
		"type": map[string]any{"type": "string", "enum": []string{"FeatureCollection"}}, "features": map[string]any{"type": "array", "items": ref("schemas/feature")},
		"links": linksSchema, "timeStamp": map[string]any{"type": "string", "format": "date-time"},
		"numberMatched": map[string]any{"type": "integer", "minimum": 0}, "numberReturned": map[string]any{"type": "integer", "minimum": 0}}}
	schemas := map[string]any{
		"error": map[string]any{"type": "object", "required": []string{"error"}, "properties": map[string]any{"error": map[string]any{"type": "string"}}},
		"link": map[string]any{"type": "object", "required": []string{"href", "rel"}, "properties": map[string]any{
			"href": map[string]any{"type": "string"}, "rel": map[string]any{"type": "string"}, "type": map[string]any{"type": "string"}, "title": map[string]any{"type": "string"}}},
		"landingPage": map[string]any{"type": "object", "required": []string{"links"}, "properties": map[string]any{
			"title": map[string]any{"type": "string"}, "description": map[string]any{"type": "string"}, "links": linksSchema}},
		"confClasses": map[string]any{"type": "object", "required": []string{"conformsTo"}, "properties": map[string]any{
			"conformsTo": map[string]any{"type": "array", "items": map[string]any{"type": "string"}}}},
		"collection": map[string]any{"type": "object", "required": []string{"id", "links"}, "properties": map[string]any{
			"id": map[string]any{"type": "string"}, "title": map[string]any{"type": "string"}, "description": map[string]any{"type": "string"},
			"links": linksSchema, "extent": map[string]any{"type": "object"}, "itemType": map[string]any{"type": "string"},
			"crs": map[string]any{"type": "array", "items": map[string]any{"type": "string"}}}},
		"collections": map[string]any{"type": "object", "required": []string{"links", "collections"}, "properties": map[string]any{
			"links": linksSchema, "collections": map[string]any{"type": "array", "items": ref("schemas/collection")}}},
		"feature": map[string]any{"type": "object", "required": []string{"type", "geometry", "properties"}, "properties": map[string]any{
			"type": map[string]any{"type": "string", "enum": []string{"Feature"}}, "id": map[string]any{"type": "string"},
			"geometry": map[string]any{"type": "object", "nullable": true}, "properties": map[string]any{"type": "object", "nullable": true},
			"links": linksSchema}},
		"featureCollection": fcSchema,
	}
	for _, c := range a.colls {
		schemas["properties-"+c.id] = c.jsonSchema(base)
	}
	params := map[string]any{
		"f": map[string]any{"name": "f", "in": "query", "required": false, "description": "response format; default from the Accept header, else JSON",
			"schema": map[string]any{"type": "string", "enum": []string{"json", "geojson", "html"}}, "style": "form", "explode": false},
		"collectionId": map[string]any{"name": "collectionId", "in": "path", "required": true, "description": "collection id",
			"schema": map[string]any{"type": "string", "enum": ids}},
		"featureId": map[string]any{"name": "featureId", "in": "path", "required": true, "description": "feature id",
			"schema": map[string]any{"type": "string"}},
		"limit": map[string]any{"name": "limit", "in": "query", "required": false, "style": "form", "explode": false,
			"description": "page size; larger values are clamped to the maximum",
			"schema":      map[string]any{"type": "integer", "minimum": 1, "maximum": a.cfg.MaxLimit, "default": a.cfg.DefaultLimit}},
		"offset": map[string]any{"name": "offset", "in": "query", "required": false, "style": "form", "explode": false,
			"description": "number of matching features to skip (paging)", "schema": map[string]any{"type": "integer", "minimum": 0, "default": 0}},
		"bbox": map[string]any{"name": "bbox", "in": "query", "required": false, "style": "form", "explode": false,
			"description": "minLon,minLat,maxLon,maxLat in CRS84 (6 numbers with heights also accepted); minLon > maxLon crosses the antimeridian",
			"schema":      map[string]any{"type": "array", "minItems": 4, "maxItems": 6, "items": map[string]any{"type": "number"}}},
		"datetime": map[string]any{"name": "datetime", "in": "query", "required": false, "style": "form", "explode": false,
			"description": "an RFC 3339 instant or an interval start/end with .. for an open end",
			"schema":      map[string]any{"type": "string"}},
		"res": map[string]any{"name": "res", "in": "query", "required": false, "style": "form", "explode": false,
			"description": "report-cells only: H3 resolution, one of those the store aggregates",
			"schema":      map[string]any{"type": "integer", "minimum": 0, "maximum": 15, "default": a.cfg.CellRes}},
		"filter": map[string]any{"name": "filter", "in": "query", "required": false, "style": "form", "explode": false,
			"description": "a CQL2 filter, e.g. class = 'removal' AND S_INTERSECTS(geometry, BBOX(-120,10,-80,35)); see queryables for the properties",
			"schema":      map[string]any{"type": "string"}},
		"filter-lang": map[string]any{"name": "filter-lang", "in": "query", "required": false, "style": "form", "explode": false,
			"description": "language of filter (cql-text is read as cql2-text)",
			"schema":      map[string]any{"type": "string", "enum": filterLangs, "default": "cql2-text"}},
		"filter-crs": map[string]any{"name": "filter-crs", "in": "query", "required": false, "style": "form", "explode": false,
			"description": "CRS of the geometries in filter", "schema": map[string]any{"type": "string", "format": "uri", "enum": crsURIs(), "default": crs84}},
		"crs": map[string]any{"name": "crs", "in": "query", "required": false, "style": "form", "explode": false,
			"description": "CRS of the response geometries (EPSG:4326 in latitude, longitude order)",
			"schema":      map[string]any{"type": "string", "format": "uri", "enum": crsURIs(), "default": crs84}},
		"bbox-crs": map[string]any{"name": "bbox-crs", "in": "query", "required": false, "style": "form", "explode": false,
			"description": "CRS of bbox", "schema": map[string]any{"type": "string", "format": "uri", "enum": crsURIs(), "default": crs84}},
	}
	itemParams := []any{ref("parameters/limit"), ref("parameters/offset"), ref("parameters/bbox"), ref("parameters/bbox-crs"),
		ref("parameters/datetime"), ref("parameters/res"), ref("parameters/filter"), ref("parameters/filter-lang"),
		ref("parameters/filter-crs"), ref("parameters/crs")}
	paths := map[string]any{
		"/": get("getLandingPage", "Landing page", []any{}, std(response("links to the API definition, conformance and collections", typeJSON, ref("schemas/landingPage")))),
		"/conformance": get("getConformanceDeclaration", "Conformance classes implemented", []any{},
			std(response("the conformance classes", typeJSON, ref("schemas/confClasses")))),
		"/api": get("getAPI", "This API definition", []any{},
			std(map[string]any{"description": "the OpenAPI 3.0 document", "content": map[string]any{typeOpenAPI: map[string]any{"schema": map[string]any{"type": "object"}}}})),
		"/collections": get("getCollections", "The feature collections", []any{},
			std(response("the collections", typeJSON, ref("schemas/collections")), "503")),
		"/collections/{collectionId}": get("describeCollection", "Describe a collection", []any{collID},
			std(response("the collection", typeJSON, ref("schemas/collection")), "404", "503")),
		"/collections/{collectionId}/schema": get("getCollectionSchema", "JSON Schema of a collection's feature properties", []any{collID},
			std(map[string]any{"description": "the schema", "content": map[string]any{typeSchema: map[string]any{"schema": map[string]any{"type": "object"}}}}, "404")),
		"/collections/{collectionId}/items": get("getFeatures", "Features of a collection",
			append([]any{collID}, itemParams...),
			std(response("a page of features", typeGeoJSON, ref("schemas/featureCollection")), "403", "404", "503")),
		"/collections/{collectionId}/queryables": get("getQueryables", "Properties usable in filter and as query parameters", []any{collID},
			std(map[string]any{"description": "the queryables", "content": map[string]any{typeSchema: map[string]any{"schema": map[string]any{"type": "object"}}}}, "404")),
		"/collections/{collectionId}/items/{featureId}": get("getFeature", "One feature",
			[]any{collID, ref("parameters/featureId")},
			std(response("the feature", typeGeoJSON, ref("schemas/feature")), "403", "404", "503")),
	}
	// Each collection's items path lists its queryables as query
	// parameters (equality), which is how clients such as GDAL find them.
	for _, c := range a.colls {
		ps := append([]any{}, itemParams...)
		for _, f := range c.fields {
			if reserved[f.name] {
				continue
			}
			ps = append(ps, map[string]any{"name": f.name, "in": "query", "required": false, "style": "form", "explode": true,
				"description": "only features whose " + f.name + " equals this (repeat for any of several): " + f.desc,
				"schema":      propertySchema(f)})
		}
		paths["/collections/"+c.id+"/items"] = get("getFeatures-"+c.id, c.title+": features", ps,
			std(response("a page of features", typeGeoJSON, ref("schemas/featureCollection")), "403", "404", "503"))
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "flightwatch OGC API - Features", "version": "1.0.0",
			"description": "Flight positions, tracks, legs, planned routes, alerts and enforcement reports.",
			"license":     map[string]any{"name": "Place names: GeoNames (geonames.org), CC BY 4.0; airports: OurAirports, public domain"}},
		"servers":    []any{map[string]any{"url": base}},
		"tags":       []any{map[string]any{"name": "features"}},
		"paths":      paths,
		"components": map[string]any{"schemas": schemas, "parameters": params},
	}
}
