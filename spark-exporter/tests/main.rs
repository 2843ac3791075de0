//! The integration tests of spark-exporter, in one binary: the binary run on recorded
//! Spark data ([`binary`]), and property tests of the Graphite side ([`graphite_props`])
//! and of the REST decoding ([`rest_props`]).

mod binary;
mod graphite_props;
mod rest_props;
mod support;
