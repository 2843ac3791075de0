//! Datasource kinds and references. A query type names its kind, so attaching a TraceQL query
//! to a Prometheus datasource is a type error rather than a panel that errors at view time.

use std::marker::PhantomData;

use crate::model::DataSourceRef;

mod sealed {
    pub trait Sealed {}
}

/// A kind of datasource: its Grafana plugin id.
///
/// ```
/// use dashboard_dsl::datasource::{DatasourceKind, Prometheus, Tempo};
/// assert_eq!(Prometheus::TYPE, "prometheus");
/// assert_eq!(Tempo::TYPE, "tempo");
/// ```
pub trait DatasourceKind: sealed::Sealed + 'static {
    /// The plugin id Grafana stores in `datasource.type`.
    const TYPE: &'static str;
}

macro_rules! kind {
    ($(#[$m:meta])* $name:ident => $ty:literal) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name;
        impl sealed::Sealed for $name {}
        impl DatasourceKind for $name {
            const TYPE: &'static str = $ty;
        }
    };
}

kind!(
    /// Prometheus (PromQL).
    Prometheus => "prometheus"
);
kind!(
    /// Grafana Tempo (TraceQL).
    Tempo => "tempo"
);
kind!(
    /// Jaeger.
    Jaeger => "jaeger"
);
kind!(
    /// Grafana Loki (LogQL).
    Loki => "loki"
);

/// A fixed datasource of kind `K`, by uid.
///
/// ```
/// use dashboard_dsl::datasource::{AsDatasource, Datasource, Prometheus};
/// let prom = Datasource::<Prometheus>::uid("prometheus");
/// assert_eq!(prom.datasource_ref().uid, "prometheus");
/// assert_eq!(prom.datasource_ref().kind, "prometheus");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Datasource<K> {
    uid: String,
    kind: PhantomData<K>,
}

impl<K: DatasourceKind> Datasource<K> {
    /// The datasource with this uid.
    pub fn uid(uid: impl Into<String>) -> Self {
        Datasource {
            uid: uid.into(),
            kind: PhantomData,
        }
    }
}

/// Anything that designates a datasource of kind `K`: a fixed [`Datasource`] or a
/// [`crate::variable::DatasourceVar`].
///
/// ```
/// use dashboard_dsl::datasource::{AsDatasource, Tempo};
/// use dashboard_dsl::variable::DatasourceVar;
/// let tempo = DatasourceVar::<Tempo>::new("tempo");
/// assert_eq!(tempo.datasource_ref().uid, "${tempo}");
/// ```
pub trait AsDatasource<K: DatasourceKind> {
    /// The `{type, uid}` reference Grafana stores.
    fn datasource_ref(&self) -> DataSourceRef;
}

impl<K: DatasourceKind> AsDatasource<K> for Datasource<K> {
    fn datasource_ref(&self) -> DataSourceRef {
        DataSourceRef {
            kind: K::TYPE.into(),
            uid: self.uid.clone(),
        }
    }
}

impl<K: DatasourceKind, T: AsDatasource<K>> AsDatasource<K> for &T {
    fn datasource_ref(&self) -> DataSourceRef {
        (**self).datasource_ref()
    }
}
