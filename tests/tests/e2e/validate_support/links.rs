//! The dashboards' links into the live Spark UI, followed on the run: every link URL of a
//! built dashboard that uses the `spark_ui` variable, filled in as Grafana would (the
//! variable, then the field or value the link reads), must open the page of the SQL
//! execution it names. The status alone proves nothing: Spark answers 200 with an error page
//! for an unknown execution id (spark-exporter/tests/fixtures/sql/README.md), and its
//! heading names the id either way (Spark's ExecutionPage.scala), so the page must also hold
//! the execution, not "No information to display".

use std::collections::BTreeSet;

use integration_tests::harness::{fetch, HarnessError, Prometheus, SparkRun};
use serde_json::Value;

/// The placeholders an execution link may read its id from: a table cell's value, or the
/// series' `execution_id` label.
const EXECUTION_ID_PLACEHOLDERS: [&str; 2] = ["${__value.raw}", "${__field.labels.execution_id}"];

/// Follows every Spark UI link of the built dashboards for up to three of the run's SQL
/// executions (as spark-exporter exports them) and fails unless each opens that execution's
/// page. Returns how many links it followed.
pub fn spark_ui_links_open_their_execution(
    spark: &SparkRun,
    prometheus: &Prometheus,
    dashboards: &[Value],
) -> Result<usize, HarnessError> {
    let templates: BTreeSet<String> = dashboards.iter().flat_map(spark_ui_urls).collect();
    assert!(
        !templates.is_empty(),
        "no dashboard links to the Spark UI (${{spark_ui}})"
    );
    let executions = prometheus.query(&format!(
        r#"spark_sql_execution_info{{application_id="{}"}}"#,
        spark.app_id
    ))?;
    let ids: BTreeSet<&str> = executions
        .iter()
        .map(|s| s.labels["execution_id"].as_str())
        .take(3)
        .collect();
    assert!(
        !ids.is_empty(),
        "spark-exporter exports no SQL execution of {}",
        spark.app_id
    );
    let base = format!("http://{}", spark.ui_address);
    let mut followed = 0;
    for template in &templates {
        for id in &ids {
            let mut url = template.replace("${spark_ui}", &base);
            for placeholder in EXECUTION_ID_PLACEHOLDERS {
                url = url.replace(placeholder, id);
            }
            assert!(
                !url.contains("${"),
                "{template}: a placeholder this test cannot fill: {url}"
            );
            let (status, page) = fetch(&url)?;
            assert_eq!(status, 200, "{url} (from {template})");
            assert!(
                page.contains(&format!("Details for Query {id}"))
                    && !page.contains("No information to display"),
                "{url} (from {template}) is not execution {id}'s page:\n{}",
                &page[..page.len().min(2000)]
            );
            followed += 1;
        }
    }
    Ok(followed)
}

/// The link URLs of one built dashboard that start at the Spark UI variable.
fn spark_ui_urls(dashboard: &Value) -> Vec<String> {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(url)) = m.get("url") {
                    if url.starts_with("${spark_ui}") {
                        out.push(url.clone());
                    }
                }
                m.values().for_each(|v| walk(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(dashboard, &mut out);
    out
}
