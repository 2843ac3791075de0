//! Template variables as typed handles. A handle both declares the variable (it turns into
//! the stored [`Variable`]) and is what queries interpolate, so a query can only name a
//! variable that exists as a Rust value.

use std::marker::PhantomData;

use crate::datasource::{AsDatasource, DatasourceKind};
use crate::model::{DataSourceRef, Variable, VariableKind, VariableOption};

/// The Grafana name of a variable handle, as queries reference it (`$name`).
///
/// ```
/// use dashboard_dsl::variable::{CustomVar, VarName};
/// assert_eq!(CustomVar::new("quantile").var_name(), "quantile");
/// ```
pub trait VarName {
    /// The name without `$`.
    fn var_name(&self) -> &str;
}

impl<T: VarName + ?Sized> VarName for &T {
    fn var_name(&self) -> &str {
        (**self).var_name()
    }
}

/// A handle that declares a template variable.
///
/// ```
/// use dashboard_dsl::variable::{ConstantVar, IntoVariable};
/// let v = ConstantVar::new("namespace").value("sparkci").to_variable();
/// assert_eq!(v.query.as_deref(), Some("sparkci"));
/// ```
pub trait IntoVariable {
    /// The stored variable.
    fn to_variable(&self) -> Variable;
}

/// A set of variables, usually a struct with `#[derive(Variables)]`.
///
/// ```
/// use dashboard_dsl::variable::{CustomVar, IntoVariable, Variables};
/// struct Vars { q: CustomVar }
/// impl Variables for Vars {
///     fn variables(&self) -> Vec<dashboard_dsl::model::Variable> { vec![self.q.to_variable()] }
/// }
/// let vars = Vars { q: CustomVar::new("q").values(["0.5", "0.99"]) };
/// assert_eq!(vars.variables()[0].query.as_deref(), Some("0.5,0.99"));
/// ```
pub trait Variables {
    /// The variables in declaration order (Grafana resolves them in this order).
    fn variables(&self) -> Vec<Variable>;
}

/// When a query variable re-runs its query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Refresh {
    /// Only when the dashboard is saved.
    Never = 0,
    /// When the dashboard loads.
    OnLoad = 1,
    /// When the time range changes: right for `label_values` over short-lived series such as
    /// Spark applications.
    #[default]
    OnTimeRangeChange = 2,
}

/// How a query variable sorts its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Sort {
    /// As the datasource returned them.
    #[default]
    Disabled = 0,
    AlphabeticalAsc = 1,
    AlphabeticalDesc = 2,
    NumericalAsc = 3,
    NumericalDesc = 4,
    AlphabeticalCaseInsensitiveAsc = 5,
    AlphabeticalCaseInsensitiveDesc = 6,
    NaturalAsc = 7,
    NaturalDesc = 8,
}

/// What of a variable the dashboard shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Hide {
    /// Label and picker.
    #[default]
    Nothing = 0,
    /// The picker without its label.
    Label = 1,
    /// Nothing; the variable still works.
    Variable = 2,
}

// The setters every variable type shares; generated so each handle keeps inherent methods
// (derive expansions call them without importing a trait).
macro_rules! common_setters {
    () => {
        /// The label shown next to the picker.
        pub fn label(mut self, label: &str) -> Self {
            self.var.label = Some(label.to_string());
            self
        }

        /// The tooltip of the picker.
        pub fn description(mut self, description: &str) -> Self {
            self.var.description = Some(description.to_string());
            self
        }

        /// Hide the label or the whole picker.
        pub fn hide(mut self, hide: Hide) -> Self {
            self.var.hide = (hide != Hide::Nothing).then_some(hide as u8);
            self
        }

        /// Keep the value out of the URL.
        pub fn skip_url_sync(mut self, skip: bool) -> Self {
            self.var.skip_url_sync = skip.then_some(true);
            self
        }
    };
}

macro_rules! multi_setters {
    () => {
        /// Allow picking several values; queries then receive a regex alternation.
        pub fn multi(mut self, multi: bool) -> Self {
            self.var.multi = Some(multi);
            self
        }

        /// Offer an "All" option.
        pub fn include_all(mut self, include_all: bool) -> Self {
            self.var.include_all = Some(include_all);
            self
        }

        /// What "All" sends instead of every value, such as `.*`.
        pub fn all_value(mut self, all_value: &str) -> Self {
            self.var.all_value = Some(all_value.to_string());
            self
        }

        /// The value selected by default.
        pub fn default(mut self, value: &str) -> Self {
            self.var.current = Some(VariableOption {
                selected: true,
                text: value.to_string(),
                value: value.to_string(),
            });
            self
        }
    };
}

macro_rules! handle {
    ($name:ident) => {
        impl VarName for $name {
            fn var_name(&self) -> &str {
                &self.var.name
            }
        }
        impl IntoVariable for $name {
            fn to_variable(&self) -> Variable {
                self.var.clone()
            }
        }
    };
}

fn new_variable(name: &str, kind: VariableKind) -> Variable {
    Variable {
        name: name.to_string(),
        kind,
        ..Variable::default()
    }
}

/// A datasource picker restricted to plugin kind `K`; panels use it as their datasource.
///
/// ```
/// use dashboard_dsl::datasource::{AsDatasource, Prometheus};
/// use dashboard_dsl::variable::{DatasourceVar, IntoVariable};
/// let prom = DatasourceVar::<Prometheus>::new("prometheus").label("Prometheus");
/// assert_eq!(prom.to_variable().query.as_deref(), Some("prometheus"));
/// assert_eq!(prom.datasource_ref().uid, "${prometheus}");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DatasourceVar<K> {
    var: Variable,
    kind: PhantomData<K>,
}

impl<K: DatasourceKind> DatasourceVar<K> {
    /// A picker of datasources of kind `K`.
    pub fn new(name: &str) -> Self {
        let mut var = new_variable(name, VariableKind::Datasource);
        var.query = Some(K::TYPE.to_string());
        DatasourceVar {
            var,
            kind: PhantomData,
        }
    }

    /// Only datasources whose name matches this regex.
    pub fn regex(mut self, regex: &str) -> Self {
        self.var.regex = Some(regex.to_string());
        self
    }

    /// Select this datasource (by uid) unless the URL says otherwise.
    pub fn default(mut self, uid: &str) -> Self {
        self.var.current = Some(VariableOption {
            selected: true,
            text: uid.to_string(),
            value: uid.to_string(),
        });
        self
    }

    common_setters!();
}

impl<K> VarName for DatasourceVar<K> {
    fn var_name(&self) -> &str {
        &self.var.name
    }
}

impl<K> IntoVariable for DatasourceVar<K> {
    fn to_variable(&self) -> Variable {
        self.var.clone()
    }
}

impl<K: DatasourceKind> AsDatasource<K> for DatasourceVar<K> {
    fn datasource_ref(&self) -> DataSourceRef {
        DataSourceRef {
            kind: K::TYPE.into(),
            // Sized up front: `format!` would grow the string twice, once per query.
            uid: {
                let mut uid = String::with_capacity(self.var.name.len() + 3);
                uid.push_str("${");
                uid.push_str(&self.var.name);
                uid.push('}');
                uid
            },
        }
    }
}

/// Values from a datasource query, such as `label_values(metric, label)`.
///
/// ```
/// use dashboard_dsl::datasource::Prometheus;
/// use dashboard_dsl::variable::{DatasourceVar, IntoVariable, QueryVar};
/// let prom = DatasourceVar::<Prometheus>::new("prometheus");
/// let app = QueryVar::new("app")
///     .datasource(&prom)
///     .query("label_values(metrics_executor_activeTasks, application_name)")
///     .multi(true)
///     .include_all(true)
///     .to_variable();
/// assert_eq!(app.datasource.unwrap().uid, "${prometheus}");
/// assert_eq!(app.refresh, Some(2));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct QueryVar {
    var: Variable,
}

impl QueryVar {
    /// A query variable that refreshes when the time range changes.
    pub fn new(name: &str) -> Self {
        let mut var = new_variable(name, VariableKind::Query);
        var.refresh = Some(Refresh::OnTimeRangeChange as u8);
        QueryVar { var }
    }

    /// Which datasource runs the query.
    pub fn datasource<K: DatasourceKind>(mut self, ds: &impl AsDatasource<K>) -> Self {
        self.var.datasource = Some(ds.datasource_ref());
        self
    }

    /// The query, such as `label_values(metric{app=~"$app"}, executor_id)`.
    pub fn query(mut self, query: &str) -> Self {
        self.var.query = Some(query.to_string());
        self.var.definition = Some(query.to_string());
        self
    }

    /// Keep (or extract, with a capture group) only matching values.
    pub fn regex(mut self, regex: &str) -> Self {
        self.var.regex = Some(regex.to_string());
        self
    }

    /// When the query re-runs.
    pub fn refresh(mut self, refresh: Refresh) -> Self {
        self.var.refresh = Some(refresh as u8);
        self
    }

    /// How values are sorted.
    pub fn sort(mut self, sort: Sort) -> Self {
        self.var.sort = (sort != Sort::Disabled).then_some(sort as u8);
        self
    }

    common_setters!();
    multi_setters!();
}
handle!(QueryVar);

/// A fixed list of values.
///
/// ```
/// use dashboard_dsl::variable::{CustomVar, IntoVariable};
/// let v = CustomVar::new("quantile").values(["0.5", "0.9", "0.99"]).default("0.99").to_variable();
/// assert_eq!(v.query.as_deref(), Some("0.5,0.9,0.99"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CustomVar {
    var: Variable,
}

impl CustomVar {
    /// A custom variable with no values yet.
    pub fn new(name: &str) -> Self {
        CustomVar {
            var: new_variable(name, VariableKind::Custom),
        }
    }

    /// The values (Grafana stores them comma-separated).
    pub fn values<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, values: I) -> Self {
        let joined: Vec<String> = values.into_iter().map(|v| v.as_ref().to_string()).collect();
        self.var.query = Some(joined.join(","));
        self
    }

    /// The values as Grafana's comma-separated string, `key : value` pairs allowed.
    pub fn query(mut self, query: &str) -> Self {
        self.var.query = Some(query.to_string());
        self
    }

    common_setters!();
    multi_setters!();
}
handle!(CustomVar);

/// A time interval picker, optionally with an `auto` choice.
///
/// ```
/// use dashboard_dsl::variable::{IntervalVar, IntoVariable};
/// let v = IntervalVar::new("window").values(["1m", "5m", "15m"]).auto(30, "10s").to_variable();
/// assert_eq!(v.auto, Some(true));
/// assert_eq!(v.auto_count, Some(30));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct IntervalVar {
    var: Variable,
}

impl IntervalVar {
    /// An interval variable with no values yet.
    pub fn new(name: &str) -> Self {
        let mut var = new_variable(name, VariableKind::Interval);
        var.refresh = Some(Refresh::OnTimeRangeChange as u8);
        IntervalVar { var }
    }

    /// The intervals offered.
    pub fn values<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, values: I) -> Self {
        let joined: Vec<String> = values.into_iter().map(|v| v.as_ref().to_string()).collect();
        self.var.query = Some(joined.join(","));
        self
    }

    /// The intervals as Grafana's comma-separated string.
    pub fn query(mut self, query: &str) -> Self {
        self.var.query = Some(query.to_string());
        self
    }

    /// Add an `auto` option that divides the range into `steps`, never below `min`.
    pub fn auto(mut self, steps: u32, min: &str) -> Self {
        self.var.auto = Some(true);
        self.var.auto_count = Some(steps);
        self.var.auto_min = Some(min.to_string());
        self
    }

    /// The interval selected by default.
    pub fn default(mut self, value: &str) -> Self {
        self.var.current = Some(VariableOption {
            selected: true,
            text: value.to_string(),
            value: value.to_string(),
        });
        self
    }

    common_setters!();
}
handle!(IntervalVar);

/// A hidden constant, such as the Spark metrics namespace.
///
/// ```
/// use dashboard_dsl::variable::{ConstantVar, IntoVariable};
/// assert_eq!(ConstantVar::new("ns").value("sparkci").to_variable().hide, Some(2));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ConstantVar {
    var: Variable,
}

impl ConstantVar {
    /// A constant; Grafana never shows constants.
    pub fn new(name: &str) -> Self {
        let mut var = new_variable(name, VariableKind::Constant);
        var.hide = Some(Hide::Variable as u8);
        ConstantVar { var }
    }

    /// Its value.
    pub fn value(mut self, value: &str) -> Self {
        self.var.query = Some(value.to_string());
        self
    }

    /// Its value (the name the derive's `query = "…"` attribute uses).
    pub fn query(self, value: &str) -> Self {
        self.value(value)
    }

    common_setters!();
}
handle!(ConstantVar);

/// Free text typed by the viewer.
///
/// ```
/// use dashboard_dsl::variable::{IntoVariable, TextboxVar};
/// assert_eq!(TextboxVar::new("trace").default("").to_variable().query.as_deref(), Some(""));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TextboxVar {
    var: Variable,
}

impl TextboxVar {
    /// An empty text box.
    pub fn new(name: &str) -> Self {
        TextboxVar {
            var: new_variable(name, VariableKind::Textbox),
        }
    }

    /// The text it starts with.
    pub fn default(mut self, value: &str) -> Self {
        self.var.query = Some(value.to_string());
        self
    }

    /// The text it starts with (the name the derive's `query = "…"` attribute uses).
    pub fn query(self, value: &str) -> Self {
        self.default(value)
    }

    common_setters!();
}
handle!(TextboxVar);

/// Ad hoc label filters applied to every query of one datasource.
///
/// ```
/// use dashboard_dsl::datasource::Prometheus;
/// use dashboard_dsl::variable::{AdhocVar, DatasourceVar, IntoVariable};
/// let prom = DatasourceVar::<Prometheus>::new("prometheus");
/// assert!(AdhocVar::new("filters").datasource(&prom).to_variable().datasource.is_some());
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct AdhocVar {
    var: Variable,
}

impl AdhocVar {
    /// Ad hoc filters; they need a datasource.
    pub fn new(name: &str) -> Self {
        AdhocVar {
            var: new_variable(name, VariableKind::Adhoc),
        }
    }

    /// The datasource whose queries the filters apply to.
    pub fn datasource<K: DatasourceKind>(mut self, ds: &impl AsDatasource<K>) -> Self {
        self.var.datasource = Some(ds.datasource_ref());
        self
    }

    common_setters!();
}
handle!(AdhocVar);
