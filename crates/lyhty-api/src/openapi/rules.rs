//! What the handlers' annotations cannot say for themselves, added to the document by rule.
//!
//! Many answers do not come from a handler but from the extractors and layers in front of it
//! (`auth`, `extract`): a missing token is a 401 before the handler runs, a body that is not
//! JSON a 415, an unreadable path parameter a 400. Writing those into each of fifty
//! annotations would drift; here one rule per extractor documents them on every operation
//! that has that extractor, with the same [`ErrorBody`](crate::error::ErrorBody), and an
//! answer already documented by its handler is left as it is. The same goes for the input
//! conventions enforced in [`crate::extract`]: every `*_cents` number a client sends carries
//! the money bound as `minimum`/`maximum`.

use lyhty_domain::Cents;
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// Applies every rule to the document (as JSON: the rules are about its shape).
pub fn apply(doc: &mut Value) {
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        for (name, schema) in super::release::schemas() {
            schemas.insert(name.to_string(), schema);
        }
    }
    // The handler sends the stored bytes as they are, so its annotation cannot name a type.
    if let Some(schema) =
        doc.pointer_mut("/paths/~1api~1releases~1{id}/get/responses/200/content/application~1json/schema")
    {
        *schema = json!({ "$ref": "#/components/schemas/Release" });
    }
    // Every 422 of publishing has `error`; a refusal by the audits also carries the report
    // (ReleaseRefused). Both shapes match a refusal, so `anyOf`, not `oneOf`.
    if let Some(schema) = doc.pointer_mut("/paths/~1api~1releases/post/responses/422/content/application~1json/schema")
    {
        *schema = json!({ "anyOf": [
            { "$ref": "#/components/schemas/ReleaseRefused" },
            { "$ref": "#/components/schemas/ErrorBody" }
        ]});
    }
    let request_schemas = request_schema_names(doc);
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        for (name, schema) in schemas.iter_mut() {
            if request_schemas.contains(name) {
                bound_money(schema);
            }
        }
    }
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            let Value::Object(item) = item else { continue };
            for (method, op) in item.iter_mut() {
                document_extractor_answers(path, method, op);
            }
        }
    }
}

/// The answers the extractors and layers give before (or around) the handler.
fn document_extractor_answers(path: &str, method: &str, op: &mut Value) {
    let params: Vec<(String, String)> = op
        .get("parameters")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .filter_map(|p| Some((p.get("in")?.as_str()?.to_string(), p.get("name")?.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    let body_types: Vec<String> = op
        .pointer("/requestBody/content")
        .and_then(Value::as_object)
        .map(|c| c.keys().cloned().collect())
        .unwrap_or_default();
    let signed_in = op.get("security").and_then(Value::as_array).is_some_and(|s| !s.is_empty());
    let mut answers: Vec<(&str, &str)> = Vec::new();
    if signed_in {
        answers.push(("401", "no token, or a bad, expired or revoked one (`unauthorized`)"));
        answers.push(("403", "the role or organisation may not do this (`forbidden`)"));
    }
    if params.iter().any(|(at, _)| at == "path") {
        answers.push(("400", "a path parameter is not of its type (`invalid_path`)"));
        if params.iter().any(|(at, name)| at == "path" && (name == "id" || name == "sid")) {
            answers.push(("404", "no such resource (`not_found`)"));
        }
    }
    if params.iter().any(|(at, _)| at == "query") {
        answers.push(("400", "a query parameter is not of its type (`invalid_query`)"));
        answers.push((
            "422",
            "a query parameter breaks the text or money rules (`control_character`, `amount_out_of_range`, …)",
        ));
    }
    if body_types.iter().any(|t| t == "application/json") {
        answers.push(("400", "the body is not JSON (`malformed_json`)"));
        answers.push(("413", "the body is over the size limit (`payload_too_large`)"));
        answers.push(("415", "the body is not sent as `application/json` (`expected_json`)"));
        answers.push((
            "422",
            "the body does not fit its schema (`invalid_request`) or breaks the text or money rules \
             (`control_character`, `line_break_not_allowed`, `bidi_control_character`, `amount_out_of_range`)",
        ));
    }
    if body_types.iter().any(|t| t.starts_with("multipart/")) {
        answers.push(("400", "the body is not multipart form data with the expected field (`malformed_multipart`)"));
        answers.push(("413", "the file is over the size limit (`payload_too_large`)"));
    }
    if path == "/api/releases/{id}" && method == "get" {
        answers.push(("304", "the client's copy (`If-None-Match`) is current; no body"));
    }
    let Some(Value::Object(responses)) = op.get_mut("responses") else { return };
    let error_body = json!({ "$ref": "#/components/schemas/ErrorBody" });
    for (status, description) in answers {
        if let Some(own) = responses.get_mut(status) {
            // The handler documents its own shape for this status (an upload's 422 is the
            // report); the extractor's refusal is an ErrorBody, so either may come.
            if let Some(schema) = own.pointer_mut("/content/application~1json/schema")
                && *schema != error_body
                && !schema.get("anyOf").and_then(Value::as_array).is_some_and(|a| a.contains(&error_body))
            {
                *schema = json!({ "anyOf": [schema.take(), error_body.clone()] });
            }
            continue;
        }
        let answer = if status == "304" {
            json!({ "description": description })
        } else {
            json!({
                "description": description,
                "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorBody" } } }
            })
        };
        responses.insert(status.to_string(), answer);
    }
}

/// The component schemas a client sends: those a request body refers to, and what they
/// refer to in turn.
fn request_schema_names(doc: &Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut todo: Vec<Value> = Vec::new();
    if let Some(Value::Object(paths)) = doc.get("paths") {
        for item in paths.values().filter_map(Value::as_object) {
            for op in item.values() {
                if let Some(body) = op.get("requestBody") {
                    todo.push(body.clone());
                }
            }
        }
    }
    while let Some(v) = todo.pop() {
        for name in refs(&v) {
            if found.insert(name.clone())
                && let Some(schema) = doc.pointer(&format!("/components/schemas/{name}"))
            {
                todo.push(schema.clone());
            }
        }
    }
    found
}

fn refs(v: &Value) -> Vec<String> {
    match v {
        Value::Object(m) => {
            let own = m.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/schemas/"));
            own.map(str::to_string).into_iter().chain(m.values().flat_map(refs)).collect()
        }
        Value::Array(items) => items.iter().flat_map(refs).collect(),
        _ => Vec::new(),
    }
}

/// Puts the money bound on every integer `*_cents` property of a request schema.
fn bound_money(schema: &mut Value) {
    let Value::Object(m) = schema else {
        if let Value::Array(items) = schema {
            items.iter_mut().for_each(bound_money);
        }
        return;
    };
    if let Some(Value::Object(props)) = m.get_mut("properties") {
        for (name, prop) in props.iter_mut() {
            if name.ends_with("_cents") {
                set_bounds(prop);
            }
        }
    }
    for v in m.values_mut() {
        if v.is_object() || v.is_array() {
            bound_money(v);
        }
    }
}

/// On the integer schema itself, or on the integer branch of a nullable `oneOf`.
fn set_bounds(prop: &mut Value) {
    let is_integer = |m: &Map<String, Value>| match m.get("type") {
        Some(Value::String(t)) => t == "integer",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "integer"),
        _ => false,
    };
    match prop {
        Value::Object(m) if is_integer(m) => {
            m.insert("minimum".into(), json!(-Cents::MAX_INPUT.0));
            m.insert("maximum".into(), json!(Cents::MAX_INPUT.0));
        }
        Value::Object(m) => {
            for key in ["oneOf", "anyOf", "allOf"] {
                if let Some(Value::Array(branches)) = m.get_mut(key) {
                    branches.iter_mut().for_each(set_bounds);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        json!({
            "paths": {
                "/api/things/{id}": {
                    "post": {
                        "parameters": [{"in": "path", "name": "id"}],
                        "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Req"}}}},
                        "responses": {"201": {"description": "made"}, "422": {"description": "own words"}},
                        "security": [{"bearer": []}]
                    },
                    "get": {"responses": {"200": {"description": "ok"}}},
                    "put": {
                        "parameters": [{"in": "query", "name": "dry_run"}],
                        "responses": {"422": {"description": "report",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Report"}}}}},
                        "security": [{"bearer": []}]
                    }
                }
            },
            "components": {"schemas": {
                "Req": {"type": "object", "properties": {
                    "amount_cents": {"type": "integer", "format": "int64"},
                    "budget_cents": {"type": ["integer", "null"]},
                    "line": {"$ref": "#/components/schemas/Line"},
                    "year": {"type": "integer"}
                }},
                "Line": {"type": "object", "properties": {"rate_cents": {"type": "integer"}}},
                "Out": {"type": "object", "properties": {"total_cents": {"type": "integer"}}}
            }}
        })
    }

    #[test]
    fn request_money_is_bounded_and_responses_are_not() {
        let mut d = doc();
        apply(&mut d);
        let max = json!(Cents::MAX_INPUT.0);
        assert_eq!(d.pointer("/components/schemas/Req/properties/amount_cents/maximum"), Some(&max));
        assert_eq!(d.pointer("/components/schemas/Req/properties/budget_cents/maximum"), Some(&max));
        assert_eq!(d.pointer("/components/schemas/Line/properties/rate_cents/maximum"), Some(&max));
        assert_eq!(d.pointer("/components/schemas/Req/properties/year/maximum"), None);
        // A response total may exceed any single input: it is not bounded.
        assert_eq!(d.pointer("/components/schemas/Out/properties/total_cents/maximum"), None);
    }

    #[test]
    fn extractor_answers_are_added_without_overwriting_the_handlers_own() {
        let mut d = doc();
        apply(&mut d);
        let post = d.pointer("/paths/~1api~1things~1{id}/post/responses").unwrap();
        for status in ["400", "401", "403", "404", "413", "415", "422"] {
            assert!(post.get(status).is_some(), "{status} missing");
        }
        assert_eq!(post["422"]["description"], "own words");
        // A handler's own 422 shape is kept beside the extractor's ErrorBody.
        let upload =
            d.pointer("/paths/~1api~1things~1{id}/put/responses/422/content/application~1json/schema").unwrap();
        assert_eq!(upload["anyOf"][0]["$ref"], "#/components/schemas/Report");
        assert_eq!(upload["anyOf"][1]["$ref"], "#/components/schemas/ErrorBody");
        assert_eq!(post["415"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/ErrorBody");
        // A public route without parameters or body gains nothing.
        let get = d.pointer("/paths/~1api~1things~1{id}/get/responses").unwrap();
        assert_eq!(get.as_object().unwrap().len(), 1);
    }
}
