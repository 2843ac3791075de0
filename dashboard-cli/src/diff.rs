//! `cargo xtask dashboards diff`: the dashboards as built now against Grafana, a git
//! revision or a directory, per dashboard and per panel.
//!
//! Exit status, like `git diff --exit-code`: 0 when nothing differs, 1 when something
//! does, 2 when the diff could not be made.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use anyhow::{bail, Context, Result};
use dashboard_sync::diff::{diff_sets, DiffDoc};
use dashboard_sync::{render, GrafanaClient};

use crate::push::{connect, local_dashboards};
use crate::{DiffArgs, DiffFormat, Project};

/// Never `Err`: errors are printed here and exit 2, so that 1 means "changes" only.
pub fn run(project: &Project, args: &DiffArgs) -> Result<ExitCode> {
    match diff(project, args) {
        Ok(changed) => Ok(ExitCode::from(u8::from(changed))),
        Err(e) => {
            eprintln!("error: {e:#}");
            Ok(ExitCode::from(2))
        }
    }
}

fn diff(project: &Project, args: &DiffArgs) -> Result<bool> {
    let now: Vec<DiffDoc> = local_dashboards(project, None)?
        .iter()
        .map(|d| d.to_diff_doc())
        .collect();
    let (base, base_name): (Vec<DiffDoc>, String) = if let Some(url) = &args.grafana_url {
        let client = connect(url, &args.conn)?;
        (from_grafana(&client, &now)?, format!("Grafana at {url}"))
    } else if let Some(git_ref) = &args.base {
        (
            from_git(&std::env::current_dir()?, project, git_ref)?,
            format!("git revision {git_ref}"),
        )
    } else if let Some(dir) = &args.against {
        (from_dir(dir)?, format!("directory {}", dir.display()))
    } else {
        unreachable!("clap requires one of --grafana-url, --base, --against")
    };
    // The old side is the base: say which one, the error says which dashboard.
    let d = diff_sets(&base, &now).with_context(|| format!("diffing against {base_name}"))?;
    match args.format {
        DiffFormat::Terminal => print!(
            "{}",
            render::terminal(&d, render::Style::detect(std::io::stdout().is_terminal()))
        ),
        DiffFormat::Markdown => print!("{}", render::markdown(&d)),
    }
    Ok(d.has_changes())
}

fn from_dir(dir: &Path) -> Result<Vec<DiffDoc>> {
    if !dir.is_dir() {
        bail!("--against {} is not a directory", dir.display());
    }
    Ok(crate::input::local_dashboards(dir)?
        .iter()
        .map(|d| d.to_diff_doc())
        .collect())
}

/// The live version of each dashboard built here. Dashboards in Grafana that this
/// project does not build are not listed: push never deletes, so they are not ours.
fn from_grafana(client: &GrafanaClient, now: &[DiffDoc]) -> Result<Vec<DiffDoc>> {
    client.health()?;
    client.check_auth()?;
    // Read through dashboard.grafana.app where Grafana serves it (12, 13), as push writes.
    dashboard_sync::push::choose_api(client, dashboard_sync::apis::ApiChoice::Auto, None)?;
    let next = AtomicUsize::new(0);
    let found: Mutex<Vec<Result<Option<DiffDoc>>>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..4.min(now.len()) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(d) = now.get(i) else { break };
                let r = client
                    .get_dashboard(&d.uid)
                    .and_then(|o| {
                        let Some(s) = o else { return Ok(None) };
                        // A resource names its folder by uid only.
                        let folder = match (s.folder_title, s.folder_uid) {
                            (Some(title), _) => Some(title),
                            (None, Some(uid)) => client.get_folder(&uid)?.map(|f| f.title),
                            (None, None) => None,
                        };
                        Ok(Some(DiffDoc {
                            uid: d.uid.clone(),
                            folder,
                            json: s.dashboard,
                        }))
                    })
                    .with_context(|| format!("reading {} from Grafana", d.uid));
                found.lock().expect("no panics holding it").push(r);
            });
        }
    });
    let mut out = Vec::new();
    for r in found.into_inner().expect("workers are done") {
        if let Some(d) = r? {
            out.push(d);
        }
    }
    Ok(out)
}

/// A `git worktree` in a temporary directory, removed on drop, on every path out.
struct Worktree {
    repo: PathBuf,
    path: PathBuf,
}

impl Drop for Worktree {
    fn drop(&mut self) {
        let _ = Command::new("git")
            .arg("-C")
            .arg(&self.repo)
            .args(["worktree", "remove", "--force"])
            .arg(&self.path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if self.path.exists() {
            let _ = std::fs::remove_dir_all(&self.path);
        }
        // Drops the registration if the directory went first (or a run was killed).
        let _ = Command::new("git")
            .arg("-C")
            .arg(&self.repo)
            .args(["worktree", "prune"])
            .status();
    }
}

fn git(repo: &Path, args: &[&str]) -> Result<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .output()
        .context("running git (is it installed?)")?;
    if !out.status.success() {
        bail!(
            "git {} failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Where the old revision is built: a `diff-base` directory inside Cargo's target
/// directory. Kept across runs, so only the first `--base` compiles the dependencies; and
/// separate from the main one, because a second copy of the workspace crates (built from
/// the worktree's paths) in the main `deps/` makes rustdoc's doctests fail with E0460.
fn base_target_dir(repo: &Path) -> PathBuf {
    target_dir(repo).join("diff-base")
}

/// Cargo's target directory: CARGO_TARGET_DIR, else the one this binary was built in
/// (the directory holding `CACHEDIR.TAG` above it), else `<repo>/target`.
fn target_dir(repo: &Path) -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        let dir = PathBuf::from(dir);
        return if dir.is_absolute() {
            dir
        } else {
            std::env::current_dir().unwrap_or_default().join(dir)
        };
    }
    if let Ok(exe) = std::env::current_exe() {
        if let Some(dir) = exe.ancestors().find(|a| a.join("CACHEDIR.TAG").is_file()) {
            return dir.to_path_buf();
        }
    }
    repo.join("target")
}

/// Builds the dashboards as of `git_ref` with that revision's own `xtask dashboards
/// build`, in a detached worktree, and loads them.
/// The dashboards of the repository holding `dir` as of `git_ref`: `project.package` run
/// with `dashboards build` in a worktree checked out at that commit.
fn from_git(dir: &Path, project: &Project, git_ref: &str) -> Result<Vec<DiffDoc>> {
    let repo = PathBuf::from(git(dir, &["rev-parse", "--show-toplevel"])?);
    let commit = git(
        &repo,
        &["rev-parse", "--verify", &format!("{git_ref}^{{commit}}")],
    )
    .with_context(|| format!("--base {git_ref:?} is not a commit in {}", repo.display()))?;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let path = std::env::temp_dir().join(format!("xtask-diff-base-{}-{stamp}", std::process::id()));
    // The guard exists before the worktree does, so a half-made one is cleaned up too.
    let worktree = Worktree {
        repo: repo.clone(),
        path: path.clone(),
    };
    git(
        &repo,
        &[
            "worktree",
            "add",
            "--detach",
            &path.to_string_lossy(),
            &commit,
        ],
    )?;
    let out = path.join("dist").join("dashboards");
    let short: String = commit.chars().take(12).collect();
    eprintln!(
        "building the dashboards as of {git_ref} ({short}) in {}",
        path.display()
    );
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(&cargo)
        .current_dir(&path)
        .env("CARGO_TARGET_DIR", base_target_dir(&repo))
        .args([
            "run",
            "--quiet",
            "--package",
            project.package,
            "--",
            "dashboards",
            "build",
            "--out",
        ])
        .arg(&out)
        // Its one line per dashboard would mix into the diff on stdout.
        .stdout(Stdio::null())
        .status()
        .with_context(|| format!("running {cargo}"))?;
    if !status.success() {
        bail!("building the dashboards as of {git_ref} ({short}) failed; see the errors above");
    }
    let docs = from_dir(&out)?;
    drop(worktree);
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::spark;
    use clap::Parser;

    #[derive(Parser, Debug)]
    struct Cli {
        #[command(flatten)]
        diff: DiffArgs,
    }

    #[test]
    fn exactly_one_base_is_required() {
        assert!(Cli::try_parse_from(["diff"]).is_err());
        assert!(Cli::try_parse_from(["diff", "--base", "main", "--against", "x"]).is_err());
        let c = Cli::try_parse_from(["diff", "--base", "main", "--format", "markdown"]).unwrap();
        assert_eq!(c.diff.format, DiffFormat::Markdown);
        assert_eq!(c.diff.base.as_deref(), Some("main"));
    }

    #[test]
    fn a_bad_ref_is_an_error_and_leaves_no_worktree() {
        let before = git(Path::new("."), &["worktree", "list"]).unwrap();
        let e = from_git(Path::new("."), &spark(), "no-such-ref-anywhere").unwrap_err();
        assert!(format!("{e:#}").contains("is not a commit"), "{e:#}");
        assert_eq!(git(Path::new("."), &["worktree", "list"]).unwrap(), before);
    }

    fn args(extra: &[&str]) -> DiffArgs {
        let mut argv = vec!["diff"];
        argv.extend_from_slice(extra);
        Cli::try_parse_from(argv).unwrap().diff
    }

    #[test]
    fn exit_codes_are_those_of_git_diff_exit_code() {
        let dir = std::env::temp_dir().join(format!("xtask-diff-exit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        crate::build::run(&spark(), &dir, false).unwrap();
        let a = args(&["--against", dir.to_str().unwrap(), "--format", "markdown"]);
        assert!(
            !diff(&spark(), &a).unwrap(),
            "the build against itself: no change"
        );
        assert_eq!(run(&spark(), &a).unwrap(), ExitCode::from(0));

        let file = dir.join("Spark").join("spark-overview.json");
        let mut json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        json["panels"][1]["title"] = serde_json::json!("Renamed");
        std::fs::write(&file, json.to_string()).unwrap();
        assert!(diff(&spark(), &a).unwrap());
        assert_eq!(run(&spark(), &a).unwrap(), ExitCode::from(1));

        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(
            run(&spark(), &a).unwrap(),
            ExitCode::from(2),
            "an error is 2, not 1"
        );
    }

    /// A repository of its own whose one package writes a dashboard titled `title`: a build
    /// takes a second, where this workspace's would compile every dependency again in
    /// `diff-base` (75 s of a clean CI run).
    fn commit_project(repo: &Path, title: &str) {
        std::fs::create_dir_all(repo.join("src")).unwrap();
        std::fs::write(
            repo.join("Cargo.toml"),
            "[package]\nname = \"tiny-dashboards\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
        )
        .unwrap();
        // `dashboards build --out DIR`, as a project's binary answers it.
        let json = format!(r#"{{"uid": "tiny", "title": "{title}", "panels": []}}"#);
        let main = format!(
            "fn main() {{\n    \
             let out = std::env::args().nth(4).expect(\"--out DIR\");\n    \
             let dir = std::path::Path::new(&out).join(\"Spark\");\n    \
             std::fs::create_dir_all(&dir).unwrap();\n    \
             std::fs::write(dir.join(\"tiny.json\"), {json:?}).unwrap();\n}}\n"
        );
        std::fs::write(repo.join("src/main.rs"), main).unwrap();
        for args in [
            &["add", "--all"][..],
            &[
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@example.com",
                "commit",
                "--quiet",
                "-m",
                title,
            ],
        ] {
            git(repo, args).unwrap();
        }
    }

    struct Repo(PathBuf);

    impl Repo {
        fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Repo {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// The base is the revision's build, not the working tree's: the first commit's title
    /// comes back after a second commit and an uncommitted edit, and no worktree is left.
    #[test]
    fn base_builds_the_revision_in_a_worktree_and_cleans_up() {
        let dir = std::env::temp_dir().join(format!("xtask-diff-base-repo-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let repo = Repo(dir);
        git(repo.path(), &["init", "--quiet"]).unwrap();
        commit_project(repo.path(), "Old");
        let first = git(repo.path(), &["rev-parse", "HEAD"]).unwrap();
        commit_project(repo.path(), "New");
        std::fs::write(repo.path().join("src/main.rs"), "not rust").unwrap();
        let before = git(repo.path(), &["worktree", "list"]).unwrap();
        let project = Project::new("tiny-dashboards", dashboards::all);

        let docs = from_git(repo.path(), &project, &first).unwrap();
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].uid, "tiny");
        assert_eq!(docs[0].folder.as_deref(), Some("Spark"));
        assert_eq!(docs[0].json["title"], "Old");
        let docs = from_git(repo.path(), &project, "HEAD").unwrap();
        assert_eq!(docs[0].json["title"], "New");
        assert_eq!(git(repo.path(), &["worktree", "list"]).unwrap(), before);

        // A revision that does not build: the error names it, and the worktree goes too.
        let e = from_git(
            repo.path(),
            &Project::new("no-such-package", dashboards::all),
            "HEAD",
        )
        .unwrap_err();
        assert!(format!("{e:#}").contains("failed"), "{e:#}");
        assert_eq!(git(repo.path(), &["worktree", "list"]).unwrap(), before);
    }

    #[test]
    fn against_a_directory() {
        let dir = std::env::temp_dir().join(format!("xtask-diff-dir-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("Spark")).unwrap();
        std::fs::write(
            dir.join("Spark/x.json"),
            r#"{"uid": "x", "title": "X", "panels": []}"#,
        )
        .unwrap();
        let docs = from_dir(&dir).unwrap();
        assert_eq!(docs[0].folder.as_deref(), Some("Spark"));
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(from_dir(&dir).is_err());
    }
}
