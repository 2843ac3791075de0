//! `cargo xtask dashboards push`: the command line over `dashboard_sync::push`.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use crate::options::ApiArg;
use crate::{ConnectionArgs, Project, PushArgs};
use anyhow::{bail, Context, Result};
use dashboard_sync::apis::ApiChoice;
use dashboard_sync::{
    push, render::Style, ClientConfig, Credentials, GrafanaClient, LocalDashboard, PushOptions,
    Secret,
};

/// Credentials from `--token-file`, else `GRAFANA_TOKEN`, else `GRAFANA_USER` and
/// `GRAFANA_PASSWORD`. `env` is the environment, a parameter so tests need not set it.
pub fn credentials(
    token_file: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Credentials> {
    let set = |k: &str| env(k).filter(|v| !v.trim().is_empty());
    if let Some(path) = token_file {
        // The error names the file, never its content.
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the token file {}", path.display()))?;
        let token = Secret::new(text);
        if token.is_empty() {
            bail!("the token file {} is empty", path.display());
        }
        return Ok(Credentials::Token(token));
    }
    if let Some(t) = set("GRAFANA_TOKEN") {
        return Ok(Credentials::Token(Secret::new(t)));
    }
    match (set("GRAFANA_USER"), set("GRAFANA_PASSWORD")) {
        (Some(user), Some(password)) => Ok(Credentials::Basic {
            user,
            password: Secret::new(password),
        }),
        (Some(_), None) => bail!("GRAFANA_USER is set but GRAFANA_PASSWORD is not"),
        _ => bail!(
            "no Grafana credentials: set GRAFANA_TOKEN (a service-account token) or pass --token-file, \
             or set GRAFANA_USER and GRAFANA_PASSWORD"
        ),
    }
}

/// The client configuration for these arguments.
pub fn client_config(url: &str, conn: &ConnectionArgs, creds: Credentials) -> ClientConfig {
    let mut cfg = ClientConfig::new(url, creds);
    cfg.org_id = conn.org_id;
    cfg.timeout = Duration::from_secs(conn.timeout.max(1));
    cfg.connect_timeout = cfg.timeout.min(Duration::from_secs(10));
    cfg.insecure_skip_verify = conn.insecure_skip_verify;
    if conn.verbose {
        cfg.log = Some(Arc::new(|line: &str| eprintln!("[grafana] {line}")));
    }
    cfg
}

/// A connected client: the URL checked, the insecure mode announced.
pub fn connect(url: &str, conn: &ConnectionArgs) -> Result<GrafanaClient> {
    let creds = credentials(conn.token_file.as_deref(), &|k| std::env::var(k).ok())?;
    if conn.insecure_skip_verify {
        eprintln!(
            "WARNING: --insecure-skip-verify: Grafana's TLS certificate is NOT verified. Anyone on \
             the network path can read the credentials and change what is pushed. Use it only \
             against a test server."
        );
    }
    let cfg = client_config(url, conn, creds);
    if conn.verbose {
        eprintln!("[grafana] {cfg:?}");
    }
    Ok(GrafanaClient::new(cfg)?)
}

/// The dashboards to push or diff: from `--input`, or built in memory.
pub fn local_dashboards(project: &Project, input: Option<&Path>) -> Result<Vec<LocalDashboard>> {
    match input {
        Some(dir) => {
            if !dir.is_dir() {
                bail!("--input {} is not a directory", dir.display());
            }
            let d = crate::input::local_dashboards(dir)?;
            if d.is_empty() {
                bail!("--input {} holds no .json files", dir.display());
            }
            Ok(d)
        }
        None => Ok(crate::build::build_all(project)?
            .iter()
            .map(|b| LocalDashboard::from_model(&b.model, b.folder.as_ref()))
            .collect()),
    }
}

/// The subject of the commit checked out, for the version message; `None` without git
/// or outside a repository, and push's own default applies.
fn commit_subject() -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["log", "-1", "--format=%s"])
        .output()
        .ok()?;
    let subject = String::from_utf8(out.stdout).ok()?.trim().to_string();
    // Leave room for the content hash push appends within Grafana's 500 bytes.
    let mut end = subject.len().min(400);
    while !subject.is_char_boundary(end) {
        end -= 1;
    }
    (out.status.success() && !subject.is_empty()).then(|| subject[..end].to_string())
}

pub fn run(project: &Project, args: &PushArgs) -> Result<ExitCode> {
    let local = local_dashboards(project, args.input.as_deref())?;
    let client = connect(&args.grafana_url, &args.conn)?;
    let opts = PushOptions {
        dry_run: args.dry_run,
        force: args.force,
        message: args.message.clone().or_else(commit_subject),
        folder_override: args.folder.clone(),
        concurrency: args.concurrency,
        api: match args.api {
            ApiArg::Auto => ApiChoice::Auto,
            ApiArg::Apis => ApiChoice::Apis,
            ApiArg::Legacy => ApiChoice::Legacy,
        },
        lock: args.lock,
        namespace: args.namespace.clone(),
    };
    // indicatif hides the bar when stderr is not a terminal (CI logs stay clean); with
    // --verbose the request log is the progress, and a bar would garble it.
    let bar = if args.dry_run || args.conn.verbose || local.len() < 2 {
        indicatif::ProgressBar::hidden()
    } else {
        let bar = indicatif::ProgressBar::new(local.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} dashboards {msg}")
                .expect("a valid template"),
        );
        bar
    };
    let report = push::push(&client, &local, &opts, &|r| {
        bar.set_message(r.uid.clone());
        bar.inc(1);
    });
    bar.finish_and_clear();
    let report = report?;
    let style = Style::detect(std::io::stdout().is_terminal());
    print!("{}", push::render_report(&report, style));
    Ok(if report.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        push: PushArgs,
    }

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn token_beats_basic_auth_and_never_prints() {
        let c = credentials(
            None,
            &env(&[
                ("GRAFANA_TOKEN", "glsa_tok_9876543210"),
                ("GRAFANA_USER", "admin"),
                ("GRAFANA_PASSWORD", "pw123456"),
            ]),
        )
        .unwrap();
        assert!(matches!(c, Credentials::Token(_)));
        assert!(!format!("{c:?}").contains("9876543210"));
    }

    #[test]
    fn basic_auth_from_user_and_password() {
        let c = credentials(
            None,
            &env(&[("GRAFANA_USER", "admin"), ("GRAFANA_PASSWORD", "pw123456")]),
        )
        .unwrap();
        assert_eq!(c.describe(), "basic auth as admin");
        let e = credentials(None, &env(&[("GRAFANA_USER", "admin")])).unwrap_err();
        assert!(e.to_string().contains("GRAFANA_PASSWORD"));
        let e = credentials(None, &env(&[])).unwrap_err();
        assert!(e.to_string().contains("GRAFANA_TOKEN"));
    }

    #[test]
    fn token_file_is_trimmed_and_its_errors_do_not_show_it() {
        let dir = std::env::temp_dir().join(format!("xtask-token-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("token");
        std::fs::write(&path, "glsa_from_file_123\n").unwrap();
        let c = credentials(Some(&path), &env(&[("GRAFANA_TOKEN", "other")])).unwrap();
        assert_eq!(c, Credentials::Token(Secret::new("glsa_from_file_123")));
        std::fs::write(&path, "\n").unwrap();
        assert!(credentials(Some(&path), &env(&[]))
            .unwrap_err()
            .to_string()
            .contains("is empty"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn verbose_config_debug_hides_the_token() {
        let cli = Cli::parse_from([
            "push",
            "--grafana-url",
            "http://localhost:3000",
            "--org-id",
            "2",
            "--verbose",
        ]);
        let cfg = client_config(
            &cli.push.grafana_url,
            &cli.push.conn,
            Credentials::Token(Secret::new("glsa_verbose_secret")),
        );
        assert_eq!(cfg.org_id, Some(2));
        assert!(cfg.log.is_some());
        let shown = format!("{cfg:?} {:?}", cli.push);
        assert!(!shown.contains("glsa_verbose_secret"), "{shown}");
    }

    #[test]
    fn flags_parse() {
        let cli = Cli::parse_from([
            "push",
            "--grafana-url",
            "http://g",
            "--input",
            "dist/dashboards",
            "--folder",
            "ops",
            "--dry-run",
            "--force",
            "--message",
            "release 1.2",
            "--token-file",
            "/run/secrets/grafana",
        ]);
        let p = cli.push;
        assert!(p.dry_run && p.force);
        assert_eq!(p.folder.as_deref(), Some("ops"));
        assert_eq!(p.message.as_deref(), Some("release 1.2"));
        assert_eq!(p.concurrency, 4);
        assert_eq!((p.api, p.lock, p.namespace), (ApiArg::Auto, false, None));
        let p = Cli::parse_from([
            "push",
            "--grafana-url",
            "http://g",
            "--api",
            "apis",
            "--lock",
            "--namespace",
            "stacks-12",
        ])
        .push;
        assert_eq!(
            (p.api, p.lock, p.namespace.as_deref()),
            (ApiArg::Apis, true, Some("stacks-12"))
        );
        assert!(
            Cli::try_parse_from(["push", "--grafana-url", "http://g", "--api", "k8s"]).is_err()
        );
        assert_eq!(p.conn.timeout, 30);
    }
}
