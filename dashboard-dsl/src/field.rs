//! Field configuration: thresholds, colours, value mappings and override properties.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::model::{
    FieldColor, MappingResult, OverrideProperty, RangeMapping, RegexMapping, SpecialMapping,
    ThresholdStep, Thresholds, ValueMapping,
};
use crate::Unit;

/// Threshold steps: a base colour, then a colour from each value upwards. Colours are
/// Grafana's names or `#rrggbb` literals; build [`ThresholdStep`]s yourself for colours
/// computed at run time.
///
/// ```
/// use dashboard_dsl::field::thresholds;
/// let t = thresholds("green", &[(0.1, "orange"), (0.25, "red")]);
/// assert_eq!(t.steps.len(), 3);
/// assert_eq!(t.steps[0].value, None);
/// assert_eq!(t.mode, "absolute");
/// ```
pub fn thresholds(base: &'static str, steps: &[(f64, &'static str)]) -> Thresholds {
    let mut all = Vec::with_capacity(steps.len() + 1);
    all.push(ThresholdStep {
        color: base.into(),
        value: None,
    });
    all.extend(steps.iter().map(|(v, c)| ThresholdStep {
        color: (*c).into(),
        value: Some(*v),
    }));
    Thresholds {
        mode: "absolute".into(),
        steps: all,
    }
}

/// Like [`thresholds`], with values in percent of the field's min..max.
///
/// ```
/// assert_eq!(dashboard_dsl::field::percentage_thresholds("green", &[(80.0, "red")]).mode, "percentage");
/// ```
pub fn percentage_thresholds(base: &'static str, steps: &[(f64, &'static str)]) -> Thresholds {
    Thresholds {
        mode: "percentage".into(),
        ..thresholds(base, steps)
    }
}

/// How series are coloured.
///
/// ```
/// use dashboard_dsl::field::ColorMode;
/// assert_eq!(ColorMode::Thresholds.to_model().mode, "thresholds");
/// assert_eq!(ColorMode::Fixed("red".into()).to_model().fixed_color.as_deref(), Some("red"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum ColorMode {
    /// One colour per series from the classic palette.
    PaletteClassic,
    /// From the threshold steps.
    Thresholds,
    /// A gradient by value (green, yellow, red).
    GreenYellowRed,
    /// A gradient by value, over a named continuous scheme such as `continuous-BlPu`.
    Continuous(String),
    /// One fixed colour.
    Fixed(String),
}

impl ColorMode {
    /// The stored colour settings.
    pub fn to_model(&self) -> FieldColor {
        let (mode, fixed) = match self {
            ColorMode::PaletteClassic => ("palette-classic", None),
            ColorMode::Thresholds => ("thresholds", None),
            ColorMode::GreenYellowRed => ("continuous-GrYlRd", None),
            ColorMode::Continuous(s) => (s.as_str(), None),
            ColorMode::Fixed(c) => ("fixed", Some(c.clone())),
        };
        FieldColor {
            fixed_color: fixed,
            mode: mode.to_string(),
            series_by: None,
        }
    }
}

fn result(text: Option<&str>, color: Option<&str>) -> MappingResult {
    MappingResult {
        color: color.map(str::to_string),
        index: None,
        text: text.map(str::to_string),
    }
}

/// Value mappings.
///
/// ```
/// use dashboard_dsl::field::Mapping;
/// let m = Mapping::values(&[("0", "idle", "green"), ("1", "busy", "orange")]);
/// let json = serde_json::to_value(&m).unwrap();
/// assert_eq!(json["type"], "value");
/// assert_eq!(json["options"]["1"]["text"], "busy");
/// ```
pub struct Mapping;

impl Mapping {
    /// Exact values to text and colour.
    pub fn values(entries: &[(&str, &str, &str)]) -> ValueMapping {
        let options: BTreeMap<String, MappingResult> = entries
            .iter()
            .enumerate()
            .map(|(i, (v, text, color))| {
                let mut r = result(Some(text), Some(color));
                r.index = Some(i as u32);
                (v.to_string(), r)
            })
            .collect();
        ValueMapping::Value { options }
    }

    /// Exact values to text, colours left as they are: for a column of names shown as
    /// sentences or links.
    ///
    /// ```
    /// use dashboard_dsl::field::Mapping;
    /// let m = Mapping::texts([("JobFailed", "A job failed")]);
    /// let json = serde_json::to_value(&m).unwrap();
    /// assert_eq!(json["options"]["JobFailed"], serde_json::json!({"index": 0, "text": "A job failed"}));
    /// ```
    pub fn texts<'a>(entries: impl IntoIterator<Item = (&'a str, &'a str)>) -> ValueMapping {
        let options: BTreeMap<String, MappingResult> = entries
            .into_iter()
            .enumerate()
            .map(|(i, (v, text))| {
                let mut r = result(Some(text), None);
                r.index = Some(i as u32);
                (v.to_string(), r)
            })
            .collect();
        ValueMapping::Value { options }
    }

    /// A numeric range to text and colour; `None` bounds are open.
    pub fn range(from: Option<f64>, to: Option<f64>, text: &str, color: &str) -> ValueMapping {
        ValueMapping::Range {
            options: RangeMapping {
                from,
                result: result(Some(text), Some(color)),
                to,
            },
        }
    }

    /// Values matching a regex to text.
    pub fn regex(pattern: &str, text: &str) -> ValueMapping {
        ValueMapping::Regex {
            options: RegexMapping {
                pattern: pattern.to_string(),
                result: result(Some(text), None),
            },
        }
    }

    /// Null and NaN to text, such as "no data".
    pub fn null_as(text: &str) -> ValueMapping {
        ValueMapping::Special {
            options: SpecialMapping {
                matches: "null+nan".into(),
                result: result(Some(text), None),
            },
        }
    }
}

/// A property set by an override.
///
/// ```
/// use dashboard_dsl::{field::FieldProp, Unit};
/// let p = FieldProp::Unit(Unit::Seconds).to_model();
/// assert_eq!(p.id, "unit");
/// assert_eq!(p.value, "s");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum FieldProp {
    /// The unit.
    Unit(Unit),
    /// Decimals shown.
    Decimals(u8),
    /// Axis or gauge minimum.
    Min(f64),
    /// Axis or gauge maximum.
    Max(f64),
    /// The series name.
    DisplayName(String),
    /// A fixed colour.
    Color(String),
    /// Draw as bars, lines or points (`bars`, `line`, `points`).
    DrawStyle(String),
    /// Fill opacity, 0 to 100.
    FillOpacity(u8),
    /// Put the axis on the right, or hide it (`right`, `hidden`).
    AxisPlacement(String),
    /// Dashed line, for reference series such as a limit.
    Dashed,
    /// Hide the series from legend, tooltip and graph.
    Hidden,
    /// Thresholds.
    Thresholds(Thresholds),
    /// In a table, colour the cell's background from the thresholds.
    CellColor,
    /// Value mappings of this field alone (text and colour per value).
    Mappings(Vec<ValueMapping>),
    /// Data links of this field alone: in a table, its cells link; `${__value.text}` is
    /// the cell's text after the mappings.
    Links(Vec<crate::link::PanelLink>),
}

impl FieldProp {
    /// The stored `{id, value}`.
    pub fn to_model(&self) -> OverrideProperty {
        let (id, value): (&str, Value) = match self {
            FieldProp::Unit(u) => ("unit", json!(u.id())),
            FieldProp::Decimals(d) => ("decimals", json!(d)),
            FieldProp::Min(v) => ("min", json!(v)),
            FieldProp::Max(v) => ("max", json!(v)),
            FieldProp::DisplayName(n) => ("displayName", json!(n)),
            FieldProp::Color(c) => ("color", json!({"fixedColor": c, "mode": "fixed"})),
            FieldProp::DrawStyle(s) => ("custom.drawStyle", json!(s)),
            FieldProp::FillOpacity(o) => ("custom.fillOpacity", json!(o)),
            FieldProp::AxisPlacement(p) => ("custom.axisPlacement", json!(p)),
            FieldProp::Dashed => (
                "custom.lineStyle",
                json!({"dash": [10, 10], "fill": "dash"}),
            ),
            FieldProp::Hidden => (
                "custom.hideFrom",
                json!({"legend": true, "tooltip": true, "viz": true}),
            ),
            FieldProp::Thresholds(t) => (
                "thresholds",
                serde_json::to_value(t).expect("thresholds serialise"),
            ),
            FieldProp::CellColor => (
                "custom.cellOptions",
                json!({"mode": "basic", "type": "color-background"}),
            ),
            FieldProp::Mappings(m) => (
                "mappings",
                serde_json::to_value(m).expect("mappings serialise"),
            ),
            FieldProp::Links(l) => (
                "links",
                serde_json::to_value(l.iter().map(|l| l.to_model()).collect::<Vec<_>>())
                    .expect("links serialise"),
            ),
        };
        OverrideProperty {
            id: id.to_string(),
            value,
        }
    }
}
