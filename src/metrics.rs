//! Prometheus metrics kept in process: request counts and latency histograms by route,
//! method and status, rendered in the text exposition format with the pool's usage.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;

/// Upper bounds (seconds) of the latency histogram's buckets.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
struct Series {
    count: u64,
    sum: f64,
    /// Observations at or below each bucket's bound (cumulative on output).
    buckets: [u64; BUCKETS.len()],
}

/// (route pattern, method, status).
type Key = (String, String, u16);

/// The request metrics of this process.
#[derive(Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<Key, Series>>,
}

/// Connections of the database pool at one moment.
pub struct PoolUsage {
    pub max: u32,
    pub open: u32,
    pub idle: u32,
}

impl Metrics {
    /// Records one answered request.
    pub fn observe(&self, route: &str, method: &str, status: u16, seconds: f64) {
        let mut series = self.series.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let s = series.entry((route.to_string(), method.to_string(), status)).or_default();
        s.count += 1;
        s.sum += seconds;
        if let Some(i) = BUCKETS.iter().position(|b| seconds <= *b) {
            s.buckets[i] += 1;
        }
    }

    /// The text exposition of every series and the pool's usage.
    pub fn render(&self, pool: &PoolUsage) -> String {
        let series = self.series.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut out = String::new();
        out.push_str("# HELP stakemap_http_requests_total Requests answered, by route, method and status.\n");
        out.push_str("# TYPE stakemap_http_requests_total counter\n");
        for ((route, method, status), s) in series.iter() {
            let _ = writeln!(
                out,
                "stakemap_http_requests_total{{{}}} {}",
                labels(route, method, *status),
                s.count
            );
        }
        out.push_str(
            "# HELP stakemap_http_request_duration_seconds Time to answer, by route, method and status.\n",
        );
        out.push_str("# TYPE stakemap_http_request_duration_seconds histogram\n");
        for ((route, method, status), s) in series.iter() {
            let l = labels(route, method, *status);
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(s.buckets) {
                cumulative += n;
                let _ = writeln!(
                    out,
                    "stakemap_http_request_duration_seconds_bucket{{{l},le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ =
                writeln!(out, "stakemap_http_request_duration_seconds_bucket{{{l},le=\"+Inf\"}} {}", s.count);
            let _ = writeln!(out, "stakemap_http_request_duration_seconds_sum{{{l}}} {}", s.sum);
            let _ = writeln!(out, "stakemap_http_request_duration_seconds_count{{{l}}} {}", s.count);
        }
        let in_use = pool.open.saturating_sub(pool.idle);
        out.push_str("# HELP stakemap_db_pool_connections Database connections by state.\n");
        out.push_str("# TYPE stakemap_db_pool_connections gauge\n");
        let _ = writeln!(out, "stakemap_db_pool_connections{{state=\"in_use\"}} {in_use}");
        let _ = writeln!(out, "stakemap_db_pool_connections{{state=\"idle\"}} {}", pool.idle);
        out.push_str("# HELP stakemap_db_pool_max_connections The pool's size limit.\n");
        out.push_str("# TYPE stakemap_db_pool_max_connections gauge\n");
        let _ = writeln!(out, "stakemap_db_pool_max_connections {}", pool.max);
        out
    }
}

fn labels(route: &str, method: &str, status: u16) -> String {
    format!("route=\"{}\",method=\"{}\",status=\"{status}\"", escape(route), escape(method))
}

/// Label values escape backslash, quote and newline.
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative() {
        let m = Metrics::default();
        m.observe("/v1/x/{id}", "GET", 200, 0.003);
        m.observe("/v1/x/{id}", "GET", 200, 0.2);
        m.observe("/v1/x/{id}", "GET", 200, 30.0);
        let text = m.render(&PoolUsage { max: 8, open: 3, idle: 2 });
        let l = r#"route="/v1/x/{id}",method="GET",status="200""#;
        assert!(text.contains(&format!("stakemap_http_requests_total{{{l}}} 3\n")));
        assert!(text.contains(&format!("_bucket{{{l},le=\"0.001\"}} 0\n")));
        assert!(text.contains(&format!("_bucket{{{l},le=\"0.005\"}} 1\n")));
        assert!(text.contains(&format!("_bucket{{{l},le=\"0.25\"}} 2\n")));
        assert!(text.contains(&format!("_bucket{{{l},le=\"10\"}} 2\n")));
        assert!(text.contains(&format!("_bucket{{{l},le=\"+Inf\"}} 3\n")));
        assert!(text.contains("stakemap_db_pool_connections{state=\"in_use\"} 1\n"));
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
