//! `cargo xtask test`: the one command that prepares and runs every test.
//!
//! Before `cargo test --workspace` (then `cargo test -p dashboard-cli --no-default-features
//! --lib`, the unit tests of the code built without `remote`) it makes sure the
//! integration-test harness (`tests/src/harness`) has what it needs, idempotently (a
//! second run only checks):
//!
//! - Prometheus and promtool (Debian's `prometheus` package; installed with apt-get when
//!   missing and running as root);
//! - Alertmanager and amtool (Debian's `prometheus-alertmanager`, 0.25 on bookworm; the
//!   same way), with the service the package enables stopped and disabled: the tests run
//!   their own Alertmanagers on free ports, and a system one on 9093 would only confuse;
//! - Java 17 or newer (checked; pyspark starts its JVMs with it);
//! - a Python virtualenv with pyspark [`PYSPARK_VERSION`] in `<target dir>/pyspark-venv`
//!   (created when missing or broken), and one with pyspark [`PYSPARK_35_VERSION`] in
//!   `<target dir>/pyspark35-venv`: the dashboards are validated against both;
//! - in the same virtualenv, the Kubernetes manifest validators of the provisioning tests:
//!   `kubernetes-validate` [`KUBERNETES_VALIDATE_VERSION`] (ships the Kubernetes JSON
//!   schemas, works offline) and `cloudcoil-models-prometheus-operator`
//!   [`PROMETHEUS_OPERATOR_MODELS_VERSION`] (models generated from the prometheus-operator
//!   CRDs, for PodMonitor and ServiceMonitor).
//!
//! It exports `PROMETHEUS_BIN`, `PROMTOOL_BIN`, `ALERTMANAGER_BIN`, `AMTOOL_BIN`,
//! `SPARK_DASHBOARDS_PYTHON`,
//! `SPARK_DASHBOARDS_PYTHON_35` and `KUBERNETES_VALIDATE_PYTHON` to the tests.
//! A plain `cargo test` afterwards finds the same locations by default. Each variable set
//! by the caller is respected (and checked) instead.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use anyhow::{bail, Context, Result};

/// The pyspark the harness runs; the fixtures in `../shared/fixtures/spark` were recorded
/// with it.
pub const PYSPARK_VERSION: &str = "4.3.0";

/// The Spark 3.5 the dashboards are also validated against (the oldest line they support).
pub const PYSPARK_35_VERSION: &str = "3.5.9";

/// The `kubernetes-validate` the provisioning tests check Kubernetes manifests with.
pub const KUBERNETES_VALIDATE_VERSION: &str = "1.37.0";

/// The `cloudcoil-models-prometheus-operator` (prometheus-operator v0.80.1 CRDs as pydantic
/// models) the provisioning tests check PodMonitor and ServiceMonitor with.
pub const PROMETHEUS_OPERATOR_MODELS_VERSION: &str = "0.80.1.0";

#[derive(clap::Args)]
pub struct TestArgs {
    /// Extra arguments passed to `cargo test` (after `--`).
    #[arg(last = true)]
    pub cargo_args: Vec<String>,
}

pub fn run(args: &TestArgs) -> Result<ExitCode> {
    let env = prepare()
        .context("preparing the integration tests' prerequisites (Prometheus, Java, pyspark)")?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .args(["test", "--workspace"])
        .args(&args.cargo_args)
        .envs(env)
        .status()
        .with_context(|| format!("running {cargo} test"))?;
    if !status.success() {
        return Ok(ExitCode::FAILURE);
    }
    // The workspace tests build dashboard-cli with its default `remote` feature; the code
    // compiled without it (reexec) has unit tests of its own.
    let status = Command::new(&cargo)
        .args(LOCAL_CLI_TESTS)
        .status()
        .with_context(|| format!("running {cargo} {}", LOCAL_CLI_TESTS.join(" ")))?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// dashboard-cli's unit tests without the `remote` feature, after the workspace's.
const LOCAL_CLI_TESTS: [&str; 5] = [
    "test",
    "--package",
    "dashboard-cli",
    "--no-default-features",
    "--lib",
];

/// Makes sure everything is in place; returns the variables to export to the tests.
fn prepare() -> Result<Vec<(&'static str, OsString)>> {
    let (prometheus, promtool) = prometheus_binaries()?;
    let (alertmanager, amtool) = alertmanager_binaries()?;
    check_java()?;
    let python = pyspark_python("SPARK_DASHBOARDS_PYTHON", "pyspark-venv", PYSPARK_VERSION)?;
    let python_35 = pyspark_python(
        "SPARK_DASHBOARDS_PYTHON_35",
        "pyspark35-venv",
        PYSPARK_35_VERSION,
    )?;
    let kube_python = kubernetes_validate_python(&python)?;
    Ok(vec![
        ("PROMETHEUS_BIN", prometheus.into_os_string()),
        ("PROMTOOL_BIN", promtool.into_os_string()),
        ("ALERTMANAGER_BIN", alertmanager.into_os_string()),
        ("AMTOOL_BIN", amtool.into_os_string()),
        ("SPARK_DASHBOARDS_PYTHON", python.into_os_string()),
        ("SPARK_DASHBOARDS_PYTHON_35", python_35.into_os_string()),
        ("KUBERNETES_VALIDATE_PYTHON", kube_python.into_os_string()),
    ])
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ has a parent")
        .to_path_buf()
}

/// The same rule as the harness: `CARGO_TARGET_DIR` (relative to the repository) or
/// `<repository>/target`.
fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => workspace_root().join(dir),
        _ => workspace_root().join("target"),
    }
}

// ---------------------------------------------------------------- Prometheus

fn prometheus_binaries() -> Result<(PathBuf, PathBuf)> {
    let mut found = (
        find_program("PROMETHEUS_BIN", "prometheus")?,
        find_program("PROMTOOL_BIN", "promtool")?,
    );
    if found.0.is_none() || found.1.is_none() {
        install_prometheus()?;
        disable_service("prometheus");
        found = (
            find_program("PROMETHEUS_BIN", "prometheus")?,
            find_program("PROMTOOL_BIN", "promtool")?,
        );
    }
    let (Some(prometheus), Some(promtool)) = found else {
        bail!("prometheus/promtool still missing after installing the `prometheus` package");
    };
    let version = first_line_of(Command::new(&prometheus).arg("--version"))
        .with_context(|| format!("running {} --version", prometheus.display()))?;
    println!("xtask test: {version} ({})", prometheus.display());
    Ok((prometheus, promtool))
}

/// `$VAR` if set (must exist), else `/usr/bin/<name>`, else `<name>` on PATH.
fn find_program(var: &str, name: &str) -> Result<Option<PathBuf>> {
    if let Some(p) = std::env::var_os(var).filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        if !p.is_file() {
            bail!(
                "{var}={} does not exist; point it at {name} or unset it",
                p.display()
            );
        }
        return Ok(Some(p));
    }
    Ok(which(name))
}

/// `/usr/bin/<name>`, else `<name>` on PATH.
fn which(name: &str) -> Option<PathBuf> {
    let usr_bin = Path::new("/usr/bin").join(name);
    if usr_bin.is_file() {
        return Some(usr_bin);
    }
    std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

fn install_prometheus() -> Result<()> {
    const WHAT: &str = "Prometheus 2.x and promtool are needed by the integration tests \
                        (Debian/Ubuntu: `apt-get install -y prometheus`), or set PROMETHEUS_BIN \
                        and PROMTOOL_BIN";
    apt_install("prometheus", WHAT)
}

// ---------------------------------------------------------------- Alertmanager

/// Debian names the server `prometheus-alertmanager`; upstream's tarball `alertmanager`.
const ALERTMANAGER_NAMES: [&str; 2] = ["prometheus-alertmanager", "alertmanager"];

fn alertmanager_binaries() -> Result<(PathBuf, PathBuf)> {
    let find = || -> Result<(Option<PathBuf>, Option<PathBuf>)> {
        let server = match find_program("ALERTMANAGER_BIN", ALERTMANAGER_NAMES[0])? {
            Some(p) => Some(p),
            None => which(ALERTMANAGER_NAMES[1]),
        };
        Ok((server, find_program("AMTOOL_BIN", "amtool")?))
    };
    let mut found = find()?;
    if found.0.is_none() || found.1.is_none() {
        const WHAT: &str = "Alertmanager and amtool are needed by the integration tests \
                            (Debian/Ubuntu: `apt-get install -y prometheus-alertmanager`), or \
                            set ALERTMANAGER_BIN and AMTOOL_BIN";
        apt_install("prometheus-alertmanager", WHAT)?;
        disable_service("prometheus-alertmanager");
        found = find()?;
    }
    let (Some(alertmanager), Some(amtool)) = found else {
        bail!("alertmanager/amtool still missing after installing `prometheus-alertmanager`");
    };
    let version = first_line_of(Command::new(&alertmanager).arg("--version"))
        .with_context(|| format!("running {} --version", alertmanager.display()))?;
    println!("xtask test: {version} ({})", alertmanager.display());
    Ok((alertmanager, amtool))
}

/// Stops and disables the service a Debian package just enabled. Under systemd the package's
/// postinst starts it (deb-systemd-invoke) unless policy-rc.d forbids, as in most containers;
/// without systemd its init script may have started it. Best effort: a failure only means
/// there was nothing to stop, and the tests use free ports anyway.
fn disable_service(service: &str) {
    let quiet = |command: &mut Command| {
        let _ = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    };
    if Path::new("/run/systemd/system").is_dir() {
        quiet(Command::new("systemctl").args(["disable", "--now", service]));
    } else {
        let script = Path::new("/etc/init.d").join(service);
        if script.is_file() {
            quiet(Command::new(&script).arg("stop"));
        }
        if which("update-rc.d").is_some() {
            quiet(Command::new("update-rc.d").args([service, "disable"]));
        }
    }
    println!("xtask test: `{service}` service stopped and disabled (the tests start their own)");
}

/// `apt-get update` and `apt-get install` of one package, as root; `what` says what it is
/// for when it cannot be installed.
fn apt_install(package: &str, what: &str) -> Result<()> {
    let is_root = first_line_of(Command::new("id").arg("-u")).is_ok_and(|uid| uid == "0");
    let has_apt = which("apt-get").is_some();
    if !is_root || !has_apt {
        bail!(
            "{what}. Not installing it myself: {}.",
            if has_apt {
                "not running as root"
            } else {
                "apt-get not found"
            }
        );
    }
    println!("xtask test: installing Debian's `{package}` package (apt-get)");
    // --no-install-recommends: the recommended node exporter would start a daemon.
    for args in [
        &["update", "-q"][..],
        &["install", "-y", "-q", "--no-install-recommends", package][..],
    ] {
        let status = Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdin(Stdio::null())
            .status()
            .context("running apt-get")?;
        if !status.success() {
            bail!("`apt-get {}` failed ({status}). {what}.", args.join(" "));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- Java

fn check_java() -> Result<()> {
    const WHAT: &str = "pyspark needs Java 17 or newer: install a JDK/JRE 17 (Debian: \
                        `apt-get install -y openjdk-17-jre-headless`) and put `java` on PATH";
    let output = Command::new("java")
        .arg("-version")
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running `java -version`. {WHAT}"))?;
    // `openjdk version "17.0.15" 2025-04-15` (on stderr).
    let text = String::from_utf8_lossy(&output.stderr).into_owned()
        + &String::from_utf8_lossy(&output.stdout);
    let first = text.lines().next().unwrap_or("").to_string();
    let major = first
        .split('"')
        .nth(1)
        .and_then(|v| v.split(['.', '-', '+']).next())
        .and_then(|m| m.parse::<u32>().ok());
    match major {
        Some(m) if output.status.success() && m >= 17 => {
            println!("xtask test: {first}");
            Ok(())
        }
        _ => bail!("`java -version` says {first:?}. {WHAT}"),
    }
}

// ---------------------------------------------------------------- pyspark

/// A Python that imports pyspark `version`: `$var` if set (checked: same major.minor), else
/// the virtualenv `<target>/<venv>`, created and filled when needed.
fn pyspark_python(var: &str, venv: &str, version: &str) -> Result<PathBuf> {
    if let Some(p) = std::env::var_os(var).filter(|p| !p.is_empty()) {
        let python = PathBuf::from(p);
        let found = check_given_python(&python, var, version)?;
        println!(
            "xtask test: pyspark {found} ({}, from {var})",
            python.display()
        );
        return Ok(python);
    }
    let venv = target_dir().join(venv);
    let python = venv.join("bin/python");
    if let Ok(found) = pyspark_version(&python) {
        if found == version {
            println!("xtask test: pyspark {found} ({})", venv.display());
            return Ok(python);
        }
    }
    let base = std::env::var_os("PYTHON").unwrap_or_else(|| "python3".into());
    println!(
        "xtask test: installing pyspark=={version} into {} (about 30 s)",
        venv.display()
    );
    std::fs::create_dir_all(target_dir())
        .with_context(|| format!("creating {}", target_dir().display()))?;
    run_checked(
        Command::new(&base)
            .args(["-m", "venv", "--clear"])
            .arg(&venv),
        &format!(
            "creating a virtualenv with `{} -m venv` (needs Python 3.10+ with the venv module; \
             Debian: `apt-get install -y python3-venv`; or set PYTHON to another interpreter)",
            base.to_string_lossy()
        ),
    )?;
    run_checked(
        Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .arg(format!("pyspark=={version}")),
        &format!("installing pyspark=={version} from PyPI with pip"),
    )?;
    let found = pyspark_version(&python).context("pyspark was installed but cannot be imported")?;
    println!("xtask test: pyspark {found} ({})", venv.display());
    Ok(python)
}

/// The pyspark version of a Python the caller chose in `var`, which must be on the same
/// major.minor line as `version`.
fn check_given_python(python: &Path, var: &str, version: &str) -> Result<String> {
    let line = |v: &str| v.split('.').take(2).collect::<Vec<_>>().join(".");
    let found = pyspark_version(python).with_context(|| {
        format!(
            "{var}={} cannot import pyspark; unset it to let `cargo xtask test` create its \
             own virtualenv",
            python.display()
        )
    })?;
    if line(&found) != line(version) {
        bail!(
            "{var}={} has pyspark {found}, but the tests behind {var} need {}.x; unset it to \
             let `cargo xtask test` install pyspark=={version}",
            python.display(),
            line(version)
        );
    }
    Ok(found)
}

/// `pyspark.__version__` as `python` sees it.
fn pyspark_version(python: &Path) -> Result<String> {
    if !python.is_file() {
        bail!("{} does not exist", python.display());
    }
    first_line_of(Command::new(python).args(["-c", "import pyspark; print(pyspark.__version__)"]))
}

// ---------------------------------------------------------------- Kubernetes validators

/// A Python with the Kubernetes manifest validators: `KUBERNETES_VALIDATE_PYTHON` if set
/// (checked), else the pyspark Python. The packages are installed with pip when missing or
/// at another version, but only into the project's own virtualenv, never into a Python the
/// caller chose.
fn kubernetes_validate_python(pyspark: &Path) -> Result<PathBuf> {
    let packages = [
        format!("kubernetes-validate=={KUBERNETES_VALIDATE_VERSION}"),
        format!("cloudcoil-models-prometheus-operator=={PROMETHEUS_OPERATOR_MODELS_VERSION}"),
    ];
    let wanted = format!("{KUBERNETES_VALIDATE_VERSION} {PROMETHEUS_OPERATOR_MODELS_VERSION}");
    if let Some(p) = std::env::var_os("KUBERNETES_VALIDATE_PYTHON").filter(|p| !p.is_empty()) {
        let python = PathBuf::from(p);
        let found = kubernetes_validators(&python).with_context(|| {
            format!(
                "KUBERNETES_VALIDATE_PYTHON={} cannot import the validators; install {} into \
                 it, or unset it to use the project's virtualenv",
                python.display(),
                packages.join(" ")
            )
        })?;
        println!(
            "xtask test: Kubernetes validators {found} ({})",
            python.display()
        );
        return Ok(python);
    }
    if kubernetes_validators(pyspark).is_ok_and(|v| v == wanted) {
        println!(
            "xtask test: Kubernetes validators {wanted} ({})",
            pyspark.display()
        );
        return Ok(pyspark.to_path_buf());
    }
    let ours = target_dir().join("pyspark-venv/bin/python");
    if pyspark != ours {
        bail!(
            "{} (SPARK_DASHBOARDS_PYTHON) lacks the Kubernetes validators the provisioning \
             tests use: install {} into it with pip, or set KUBERNETES_VALIDATE_PYTHON to a \
             Python that has them",
            pyspark.display(),
            packages.join(" ")
        );
    }
    println!(
        "xtask test: installing {} into {}",
        packages.join(" "),
        pyspark.display()
    );
    run_checked(
        Command::new(pyspark)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(&packages),
        &format!("installing {} from PyPI with pip", packages.join(" ")),
    )?;
    let found = kubernetes_validators(pyspark)
        .context("the Kubernetes validators were installed but cannot be imported")?;
    println!(
        "xtask test: Kubernetes validators {found} ({})",
        pyspark.display()
    );
    Ok(pyspark.to_path_buf())
}

/// `"<kubernetes-validate version> <prometheus-operator models version>"` as `python` sees
/// them.
fn kubernetes_validators(python: &Path) -> Result<String> {
    if !python.is_file() {
        bail!("{} does not exist", python.display());
    }
    first_line_of(Command::new(python).args([
        "-c",
        "import importlib.metadata as m, kubernetes_validate, \
         cloudcoil.models.prometheus_operator.v1; \
         print(m.version('kubernetes-validate'), \
         m.version('cloudcoil-models-prometheus-operator'))",
    ]))
}

// ---------------------------------------------------------------- helpers

/// Runs a command to completion; its first line of stdout, or an error with its stderr.
fn first_line_of(command: &mut Command) -> Result<String> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("running {command:?}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        bail!(
            "{command:?} failed ({}): {}",
            output.status,
            stderr.trim().lines().last().unwrap_or("no output")
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .to_string())
}

/// Runs a command with inherited output; fails with `what` when it fails.
fn run_checked(command: &mut Command, what: &str) -> Result<()> {
    let status = command
        .stdin(Stdio::null())
        .status()
        .with_context(|| format!("{what}: cannot run {command:?}"))?;
    if !status.success() {
        bail!("{what}: {command:?} failed ({status})");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_alertmanager_0_25_and_amtool() {
        // `cargo xtask test` installed Debian's package before running the tests.
        let (alertmanager, amtool) = alertmanager_binaries().unwrap();
        assert!(amtool.ends_with("amtool"), "{}", amtool.display());
        let version = first_line_of(Command::new(&alertmanager).arg("--version")).unwrap();
        // 0.25 at least: the provisioning reads PagerDuty's routing key from a file (0.25.0).
        let minor = version
            .strip_prefix("alertmanager, version 0.")
            .and_then(|v| v.split('.').next())
            .and_then(|m| m.parse::<u32>().ok());
        assert!(minor.is_some_and(|m| m >= 25), "{version}");
    }

    #[test]
    fn a_chosen_python_must_have_the_right_pyspark_line() {
        // `cargo xtask test` created this virtualenv before running the tests.
        let python = target_dir().join("pyspark-venv/bin/python");
        assert!(
            python.is_file(),
            "{} missing: run `cargo xtask test` once",
            python.display()
        );
        assert_eq!(
            check_given_python(&python, "SPARK_DASHBOARDS_PYTHON", PYSPARK_VERSION).unwrap(),
            PYSPARK_VERSION
        );
        let err = check_given_python(&python, "SPARK_DASHBOARDS_PYTHON_35", PYSPARK_35_VERSION)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(&format!("has pyspark {PYSPARK_VERSION}"))
                && err.contains("need 3.5.x")
                && err.contains("install pyspark==3.5.9"),
            "{err}"
        );
        let missing =
            check_given_python(Path::new("/nonexistent/python"), "X", "3.5.9").unwrap_err();
        assert!(
            format!("{missing:#}").contains("X=/nonexistent/python cannot import pyspark"),
            "{missing:#}"
        );
    }
}
