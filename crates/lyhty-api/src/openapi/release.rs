//! The schema of the release JSON of `DISCLOSURE.md`.
//!
//! A release cell is serialised by hand (`lyhty_aggregate::release`): its dimension members
//! are keyed by the table's dimension names and its figures by the measures' keys, so no
//! derive can describe it. It is written here from the same constants the serialiser uses
//! (`Measure::ALL`), so a new measure shows up in the document by itself.

use lyhty_aggregate::{Dimension, Measure};
use serde_json::{Value, json};

/// `components.schemas.Release` and what it refers to.
pub fn schemas() -> Vec<(&'static str, Value)> {
    let mut cell_properties = serde_json::Map::new();
    cell_properties.insert("status".into(), json!({ "$ref": "#/components/schemas/CellStatus" }));
    cell_properties.insert(
        "organisations".into(),
        json!({ "type": ["integer", "null"], "minimum": 0,
                "description": "Contributing organisations; null when the cell is suppressed." }),
    );
    for m in Measure::ALL {
        cell_properties.insert(
            m.key().into(),
            json!({ "type": ["integer", "null"], "format": "int64", "description": "null when the cell is suppressed." }),
        );
    }
    cell_properties.insert(
        "avg_unit_price_cents".into(),
        json!({ "type": "integer", "format": "int64",
                "description": "The published average unit price, on end-user and server cells that have one." }),
    );
    let mut range_properties = serde_json::Map::new();
    for m in Measure::ALL {
        range_properties.insert(
            m.key().into(),
            json!({ "type": "array", "items": { "type": "integer", "format": "int64", "minimum": 0 },
                    "minItems": 2, "maxItems": 2, "description": "[low, high], round ends, containing the value." }),
        );
    }
    cell_properties.insert(
        "range".into(),
        json!({ "type": "object",
                "description": "On a suppressed cell of min_orgs or more contributors only: per measure an interval \
                    that contains the value (DISCLOSURE.md, \"Ranges instead of blanks\").",
                "properties": Value::Object(range_properties),
                "required": Measure::ALL.iter().map(|m| m.key()).collect::<Vec<_>>(),
                "additionalProperties": false }),
    );
    // The members, by dimension name: `vendor` in every table, one other dimension in a
    // `vendor_by_<dimension>` table. Listed by name (not as `additionalProperties`) so that a
    // cell is a closed object and the web UI's generated type keeps its figures numbers.
    cell_properties.insert(
        "vendor".into(),
        json!({ "type": "string", "description": "The vendor, `*` for the margin over vendors." }),
    );
    for d in Dimension::ALL {
        cell_properties.insert(
            d.key().into(),
            json!({ "type": "string",
                    "description": "In a `vendor_by_<dimension>` table: the member, `*` for the margin over it." }),
        );
    }
    let mut required: Vec<&str> = vec!["vendor", "status", "organisations"];
    required.extend(Measure::ALL.iter().map(|m| m.key()));
    vec![
        (
            "ReleaseCell",
            json!({
                "type": "object",
                "description": "One cell: its member of each dimension of its table (`vendor`, and e.g. `sector`), \
                    `*` for the margin over that dimension, then its status and figures.",
                "properties": Value::Object(cell_properties),
                "required": required,
                "additionalProperties": false
            }),
        ),
        (
            "ReleaseTable",
            json!({
                "type": "object",
                "properties": {
                    "name": { "type": "string", "description": "`vendor` or `vendor_by_<dimension>`." },
                    "dimensions": { "type": "array", "items": { "type": "string" } },
                    "cells": { "type": "array", "items": { "$ref": "#/components/schemas/ReleaseCell" } }
                },
                "required": ["name", "dimensions", "cells"]
            }),
        ),
        (
            "Release",
            json!({
                "type": "object",
                "description": "A published release (DISCLOSURE.md): linked tables of the network's inventories, \
                    suppressed cells without figures. Immutable.",
                "properties": {
                    "id": { "type": "string", "format": "uuid" },
                    "as_of": { "type": "string", "format": "date" },
                    "created_at": { "type": "string", "format": "date-time" },
                    "measures": { "type": "array", "items": { "$ref": "#/components/schemas/Measure" } },
                    "held_back_organisations": { "type": "integer", "minimum": 0,
                        "description": "How many organisations' updates this release holds back; never which." },
                    "tables": { "type": "array", "items": { "$ref": "#/components/schemas/ReleaseTable" } }
                },
                "required": ["id", "as_of", "created_at", "measures", "tables"]
            }),
        ),
    ]
}
