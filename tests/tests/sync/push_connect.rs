//! Before anything is written: unreachable, not Grafana, unhealthy, credentials refused.
//! And the credentials never show, in errors, reports or `--verbose` logs.

use crate::push_support;

use std::net::TcpListener;

use dashboard_sync::push::Outcome;
use dashboard_sync::{ApiError, Credentials, GrafanaClient, PushError, PushOptions, Secret};
use integration_tests::grafana::{Fault, Role, StandIn, ADMIN_TOKEN};
use push_support::*;
use serde_json::json;
use test_support::http::{HttpServer, Reply, Response};

fn token(t: &str) -> Credentials {
    Credentials::Token(Secret::new(t))
}

fn push_err(c: &GrafanaClient) -> PushError {
    dashboard_sync::push::push(c, &many(1, 1), &PushOptions::default(), &|_| {}).unwrap_err()
}

#[test]
fn unreachable() {
    // A port that was just free: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let c = GrafanaClient::new(config(&url, token(ADMIN_TOKEN))).unwrap();
    let e = push_err(&c);
    let PushError::Api(ApiError::Unreachable { detail, .. }) = &e else {
        panic!("{e:?}")
    };
    assert!(detail.starts_with("connection failed"), "{detail}");
    let msg = e.to_string();
    assert!(
        msg.starts_with(&format!("cannot reach Grafana at {url}: connection failed")),
        "{msg}"
    );
    assert!(msg.ends_with(
        "Check --grafana-url and that Grafana is running and reachable from this machine"
    ));
}

#[test]
fn an_html_page_is_not_grafana() {
    let g = StandIn::start();
    g.inject("GET", "/api/health", Fault::Html, 1);
    let e = push_err(&client(&g));
    assert!(
        matches!(e, PushError::Api(ApiError::NotGrafana { .. })),
        "{e:?}"
    );
    let msg = e.to_string();
    assert!(msg.contains("does not look like Grafana: /api/health answered with something that is not JSON (starts with \"<!doctype html>"), "{msg}");
    assert_eq!(g.saves(), 0);
}

#[test]
fn json_without_database_and_version_is_not_grafana() {
    let s = HttpServer::start(|_| Reply::Respond(Response::json(200, &json!({"status": "UP"}))))
        .unwrap();
    let c = GrafanaClient::new(config(&s.url(), token(ADMIN_TOKEN))).unwrap();
    let e = c.health().unwrap_err();
    assert!(
        e.to_string()
            .contains("answered JSON without Grafana's \"database\" and \"version\" fields"),
        "{e}"
    );
}

#[test]
fn a_404_for_health_is_not_grafana() {
    let s = HttpServer::start(|_| {
        Reply::Respond(Response::text(404, "text/plain", "404 page not found"))
    })
    .unwrap();
    let c = GrafanaClient::new(config(&s.url(), token(ADMIN_TOKEN))).unwrap();
    let e = c.health().unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("{} does not look like Grafana: /api/health answered 404 (starts with \"404 page not found\"). Check --grafana-url: it must be Grafana's root URL, the one that serves /api/health", s.url())
    );
}

#[test]
fn a_failing_database_is_unhealthy_not_unreachable() {
    let s = HttpServer::start(|_| {
        Reply::Respond(Response::json(
            503,
            &json!({"database": "failing", "version": "11.6.0", "commit": "x"}),
        ))
    })
    .unwrap();
    let mut cfg = config(&s.url(), token(ADMIN_TOKEN));
    cfg.retry = dashboard_sync::RetryPolicy::none();
    let e = GrafanaClient::new(cfg).unwrap().health().unwrap_err();
    assert!(matches!(e, ApiError::Unhealthy { .. }), "{e:?}");
}

#[test]
fn health_needs_no_credentials_but_everything_else_does() {
    let g = StandIn::start();
    let c = GrafanaClient::new(config(&g.url(), Credentials::None)).unwrap();
    assert_eq!(c.health().unwrap().version.as_deref(), Some("11.6.0"));
    let e = c.check_auth().unwrap_err();
    assert!(matches!(e, ApiError::Unauthorized { .. }), "{e:?}");
    assert!(!g.requests()[0].authorized);
}

#[test]
fn a_bad_token_is_refused_with_401_before_anything_is_written() {
    let g = StandIn::start();
    let c = GrafanaClient::new(config(&g.url(), token("glsa_wrong_token_value"))).unwrap();
    let e = push_err(&c);
    let msg = e.to_string();
    assert_eq!(
        msg,
        "Grafana refused the credentials (a token): 401 Unauthorized: Invalid API key. Check GRAFANA_TOKEN or --token-file (or GRAFANA_USER and GRAFANA_PASSWORD) and --org-id"
    );
    assert_eq!(g.count("POST", "/"), 0);
    assert_eq!(g.count("GET", "/api/search"), 1, "401 is not retried");
}

#[test]
fn basic_auth_works_and_a_wrong_password_is_refused() {
    let g = StandIn::start();
    g.add_user("admin", "correct-horse", Role::Admin);
    let good = Credentials::Basic {
        user: "admin".into(),
        password: Secret::new("correct-horse"),
    };
    let r = push(
        &GrafanaClient::new(config(&g.url(), good)).unwrap(),
        &many(1, 1),
        &PushOptions::default(),
    );
    assert!(r.success());
    let bad = Credentials::Basic {
        user: "admin".into(),
        password: Secret::new("wrong-horse"),
    };
    let e = push_err(&GrafanaClient::new(config(&g.url(), bad)).unwrap());
    assert!(
        e.to_string()
            .starts_with("Grafana refused the credentials (basic auth as admin): 401"),
        "{e}"
    );
}

#[test]
fn a_token_without_access_gets_a_clear_403() {
    let g = StandIn::start();
    g.add_token("glsa_no_access_token", Role::NoAccess);
    let e = push_err(&GrafanaClient::new(config(&g.url(), token("glsa_no_access_token"))).unwrap());
    let msg = e.to_string();
    assert!(msg.starts_with("Grafana accepted the credentials (a token) but denied checking the credentials with /api/search: 403 Forbidden"), "{msg}");
    assert!(msg.contains("Editor role"), "{msg}");
}

#[test]
fn a_viewer_token_fails_every_dashboard_and_says_why() {
    let g = StandIn::start();
    g.add_token("glsa_viewer_token", Role::Viewer);
    let c = GrafanaClient::new(config(&g.url(), token("glsa_viewer_token"))).unwrap();
    let r = push(&c, &many(2, 1), &PushOptions::default());
    assert!(!r.success());
    for uid in ["d-000", "d-001"] {
        let Outcome::Failed { error } = outcome_of(&r, uid) else {
            panic!("{}", text(&r))
        };
        assert!(
            error.contains("its folder spark is not available"),
            "{error}"
        );
        assert!(error.contains("403 Forbidden"), "{error}");
    }
    assert_eq!(g.saves(), 0);
}

#[test]
fn credentials_never_show_even_when_the_server_echoes_them() {
    let secret = "glsa_this_must_never_be_printed_42";
    let g = StandIn::start();
    g.echo_credentials_in_errors();
    // Wrong token: the 401 body contains the Authorization header.
    let (c, log) = logging_client(&g.url(), token(secret));
    let e = push_err(&c);
    let password = "pw_this_must_never_be_printed_43";
    let (b, blog) = logging_client(
        &g.url(),
        Credentials::Basic {
            user: "admin".into(),
            password: Secret::new(password),
        },
    );
    let be = push_err(&b);
    let shown = [
        e.to_string(),
        format!("{e:?}"),
        be.to_string(),
        format!("{be:?}"),
        format!("{c:?} {b:?}"),
        log.lock().unwrap().join("\n"),
        blog.lock().unwrap().join("\n"),
    ]
    .join("\n");
    assert!(
        shown.contains("(got Bearer ***)"),
        "the echo was redacted, not lost: {shown}"
    );
    assert!(!shown.contains(secret), "{shown}");
    assert!(!shown.contains(password), "{shown}");
    // Basic auth goes base64-encoded: that must not show either.
    assert!(!shown.contains("YWRtaW46cHdf"), "{shown}");
}

#[test]
fn verbose_logs_of_a_whole_push_hold_no_secret() {
    let g = StandIn::start();
    g.inject(
        "POST",
        "/api/dashboards/db",
        Fault::Status {
            status: 500,
            retry_after: None,
        },
        1,
    );
    let (c, log) = logging_client(&g.url(), token(ADMIN_TOKEN));
    let r = push(&c, &many(3, 1), &PushOptions::default());
    let everything = format!("{}\n{}\n{r:?}", log.lock().unwrap().join("\n"), text(&r));
    assert!(
        everything.contains("GET /api/health -> 200"),
        "{everything}"
    );
    assert!(
        everything.contains("d-000: not in Grafana; local sha256:"),
        "{everything}"
    );
    assert!(!everything.contains(ADMIN_TOKEN));
}
