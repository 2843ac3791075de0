//! Child processes that never outlive the tests.
//!
//! Three layers make sure nothing the harness starts keeps running:
//! 1. the owners' `Drop` (which also runs when a test panics) stops the process, or for
//!    Spark its whole process group, with SIGTERM, then SIGKILL after a grace period;
//! 2. every child is spawned from one long-lived thread with `PR_SET_PDEATHSIG`, so when the
//!    test process itself dies without unwinding (Ctrl-C, SIGKILL, `abort`), the kernel kills
//!    the child too (the signal is tied to the spawning *thread*, hence the dedicated one);
//! 3. Spark's JVMs follow their parent: the driver JVM exits when the Python process that
//!    launched it goes away, and the executor JVMs when the driver goes.
//!
//! Files: each component works in its own `$TMPDIR/harness-*` directory, deleted on drop.
//! A directory whose test process was killed without unwinding is deleted by the next
//! start of the same component (`sweep_stale_dirs`), together with that Spark run's
//! work directory and event log.

use std::collections::BTreeSet;
use std::fs;
use std::io;
use std::net::{Ipv4Addr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Mutex, OnceLock};
use std::thread;
use std::time::Duration;

use test_support::eventually::Eventually;

use super::HarnessError;

type SpawnRequest = (Command, mpsc::Sender<io::Result<Child>>);

/// Spawns `command` from the harness's spawner thread, which lives as long as the test
/// process, with `PR_SET_PDEATHSIG(SIGKILL)` so that the child dies with the test process.
pub(crate) fn spawn_tied(mut command: Command) -> io::Result<Child> {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        let parent = std::process::id();
        // SAFETY: only async-signal-safe calls (prctl, getppid) between fork and exec.
        unsafe {
            command.pre_exec(move || {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(io::Error::last_os_error());
                }
                // The parent may have died between fork and prctl.
                if libc::getppid() as u32 != parent {
                    return Err(io::Error::other("test process exited during spawn"));
                }
                Ok(())
            });
        }
    }
    static SPAWNER: OnceLock<Mutex<mpsc::Sender<SpawnRequest>>> = OnceLock::new();
    let sender = SPAWNER.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<SpawnRequest>();
        thread::Builder::new()
            .name("harness-spawner".into())
            .spawn(move || {
                for (mut command, reply) in rx {
                    let _ = reply.send(command.spawn());
                }
            })
            .expect("spawning the harness-spawner thread");
        Mutex::new(tx)
    });
    let (reply_tx, reply_rx) = mpsc::channel();
    sender
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .send((command, reply_tx))
        .map_err(|_| io::Error::other("harness-spawner thread is gone"))?;
    reply_rx
        .recv()
        .map_err(|_| io::Error::other("harness-spawner thread is gone"))?
}

/// A free TCP port on 127.0.0.1 (bound, then released; the caller retries on a clash).
pub(crate) fn free_port() -> Result<u16, HarnessError> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .map_err(|e| HarnessError::io("binding 127.0.0.1:0 to find a free port", e))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| HarnessError::io("reading the address of a bound socket", e))
}

/// Runs `attempt` (which starts a server on a port from [`free_port`]) up to three times
/// while it fails because the port was taken between probing and binding.
pub(crate) fn retry_on_port_clash<T>(
    mut attempt: impl FnMut() -> Result<T, HarnessError>,
) -> Result<T, HarnessError> {
    let mut last_error = None;
    for _attempt in 0..3 {
        match attempt() {
            Ok(started) => return Ok(started),
            Err(e @ HarnessError::ProcessExited { .. })
                if e.to_string().contains("address already in use") =>
            {
                last_error = Some(e)
            }
            Err(e) => return Err(e),
        }
    }
    Err(last_error.expect("three attempts"))
}

/// Waits until `<url>/-/ready` answers 2xx (Prometheus and Alertmanager both serve it). A
/// child that exits ends the wait at once with its log's last lines and `hint`.
pub(crate) fn wait_http_ready(
    child: &mut Child,
    client: &reqwest::blocking::Client,
    url: &str,
    what: &str,
    log: &Path,
    timeout: Duration,
    hint: &str,
) -> Result<(), HarnessError> {
    let ready_url = format!("{url}/-/ready");
    // Ok(Err) ends the wait at once: no waiting brings back a process that exited.
    let ready = Eventually::new(timeout)
        .every(Duration::from_millis(100))
        .poll(|| {
            if let Ok(Some(status)) = child.try_wait() {
                return Ok(Err(HarnessError::ProcessExited {
                    what: what.to_string(),
                    status: describe_exit(status),
                    log: log.to_path_buf(),
                    log_tail: log_tail(log, 15),
                    hint: hint.to_string(),
                }));
            }
            match client.get(&ready_url).send() {
                Ok(r) if r.status().is_success() => Ok(Ok(())),
                Ok(r) => Err(format!("HTTP {}", r.status())),
                Err(e) => Err(super::error_chain(&e)),
            }
        });
    ready.unwrap_or_else(|timed_out| {
        Err(HarnessError::Timeout {
            what: format!("{what} to answer {ready_url}"),
            waited: timed_out.waited,
            details: format!(
                "last answer: {}\nlast lines of {}:\n{}",
                timed_out.last,
                log.display(),
                log_tail(log, 15)
            ),
        })
    })
}

/// Sends `signal` to every process of the process group `pgid`.
pub(crate) fn signal_group(pgid: u32, signal: i32) {
    // SAFETY: plain syscall; a negative pid addresses the process group.
    unsafe {
        libc::kill(-(pgid as i32), signal);
    }
}

/// Sends `signal` to one process.
pub(crate) fn signal_process(pid: u32, signal: i32) {
    // SAFETY: plain syscall.
    unsafe {
        libc::kill(pid as i32, signal);
    }
}

/// The live (not zombie) processes whose process group is `pgid`, from `/proc`.
///
/// Zombies are left out: once a process is a zombie it holds no ports or memory, and
/// orphans are reaped by whatever init the machine has, which may take its time.
pub fn process_group_members(pgid: u32) -> BTreeSet<u32> {
    let mut out = BTreeSet::new();
    let Ok(entries) = fs::read_dir("/proc") else {
        return out;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        if let Some((state, pgrp)) = stat_state_pgrp(pid) {
            if pgrp == pgid && state != 'Z' && state != 'X' {
                out.insert(pid);
            }
        }
    }
    out
}

/// Whether `pid` is a live (not zombie) process.
pub fn process_alive(pid: u32) -> bool {
    matches!(stat_state_pgrp(pid), Some((state, _)) if state != 'Z' && state != 'X')
}

/// The command line of a process, arguments joined by spaces.
pub fn process_cmdline(pid: u32) -> String {
    fs::read(format!("/proc/{pid}/cmdline"))
        .map(|b| {
            String::from_utf8_lossy(&b)
                .split('\0')
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

/// (state, pgrp) from `/proc/<pid>/stat`; the command name may contain spaces and parens.
fn stat_state_pgrp(pid: u32) -> Option<(char, u32)> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let _ppid = fields.next()?;
    let pgrp = fields.next()?.parse().ok()?;
    Some((state, pgrp))
}

/// Stops the process group led by `child`: SIGTERM, up to `grace` for everything to exit,
/// then SIGKILL and up to 5 s more. Reaps `child`. Returns the processes still alive.
pub(crate) fn stop_group(child: &mut Child, grace: Duration) -> BTreeSet<u32> {
    let pgid = child.id();
    signal_group(pgid, libc::SIGTERM);
    if wait_group_gone(child, pgid, grace) {
        return BTreeSet::new();
    }
    signal_group(pgid, libc::SIGKILL);
    wait_group_gone(child, pgid, Duration::from_secs(5));
    let _ = child.wait();
    process_group_members(pgid)
}

fn wait_group_gone(child: &mut Child, pgid: u32, limit: Duration) -> bool {
    // Every attempt lists /proc: not more often than every 50 ms.
    Eventually::new(limit)
        .every(Duration::from_millis(50))
        .poll(|| {
            let leader_done = !matches!(child.try_wait(), Ok(None));
            if leader_done && process_group_members(pgid).is_empty() {
                Ok(())
            } else {
                Err(())
            }
        })
        .is_ok()
}

/// Stops one process: SIGTERM, up to `grace`, then SIGKILL. Always reaps it.
pub(crate) fn stop_process(child: &mut Child, grace: Duration) {
    if !matches!(child.try_wait(), Ok(None)) {
        return;
    }
    signal_process(child.id(), libc::SIGTERM);
    let exited = Eventually::new(grace)
        .every(Duration::from_millis(25))
        .poll(|| match child.try_wait() {
            Ok(None) => Err(()),
            _ => Ok(()),
        });
    if exited.is_ok() {
        return;
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Marks a temporary directory as owned by this test process (see [`sweep_stale_dirs`]).
pub(crate) fn claim_dir(dir: &Path) -> Result<(), HarnessError> {
    let path = dir.join(OWNER_FILE);
    fs::write(&path, std::process::id().to_string())
        .map_err(|e| HarnessError::io(format!("writing {}", path.display()), e))
}

const OWNER_FILE: &str = ".harness-owner";

/// Deletes the temporary directories named `<prefix>*` whose owning test process is gone:
/// what a test run killed without unwinding (Ctrl-C, SIGKILL) left behind. `cleanup` runs
/// first on each, for leftovers outside the directory.
pub(crate) fn sweep_stale_dirs(prefix: &str, cleanup: impl Fn(&Path)) {
    let Ok(entries) = fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if !entry.file_name().to_string_lossy().starts_with(prefix) || !path.is_dir() {
            continue;
        }
        // No owner file yet: being created right now; leave it.
        let Some(owner) = fs::read_to_string(path.join(OWNER_FILE))
            .ok()
            .and_then(|s| s.trim().parse::<u32>().ok())
        else {
            continue;
        };
        if !process_alive(owner) {
            cleanup(&path);
            let _ = fs::remove_dir_all(&path);
        }
    }
}

/// Creates the log file a child process writes to; its stdout and stderr handles.
pub(crate) fn log_files(path: &Path) -> Result<(fs::File, fs::File), HarnessError> {
    let out = fs::File::create(path)
        .map_err(|e| HarnessError::io(format!("creating {}", path.display()), e))?;
    let err = out
        .try_clone()
        .map_err(|e| HarnessError::io("duplicating the log file handle", e))?;
    Ok((out, err))
}

/// A Prometheus-family server (Prometheus, Alertmanager) started from its own directory:
/// `bin --config.file=<config> --<storage_flag>=<dir>/data
/// --web.listen-address=127.0.0.1:<port>`, run in `dir`, its output in `<dir>/<log_name>`.
/// The caller adds its own flags to `command`, then [`LaunchedServer::spawn`]s it.
pub(crate) struct LaunchedServer {
    pub command: Command,
    pub port: u16,
    pub log: std::path::PathBuf,
    bin: std::path::PathBuf,
}

pub(crate) fn server_command(
    bin: &Path,
    dir: &Path,
    config: &Path,
    storage_flag: &str,
    log_name: &str,
) -> Result<LaunchedServer, HarnessError> {
    let port = free_port()?;
    let log = dir.join(log_name);
    let (log_file, log_err) = log_files(&log)?;
    let mut command = Command::new(bin);
    command
        .arg(format!("--config.file={}", config.display()))
        .arg(format!("--{storage_flag}={}", dir.join("data").display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(log_file)
        .stderr(log_err);
    Ok(LaunchedServer {
        command,
        port,
        log,
        bin: bin.to_path_buf(),
    })
}

impl LaunchedServer {
    /// Starts it, tied to the test process (see [`spawn_tied`]).
    pub(crate) fn spawn(self) -> Result<(Child, u16, std::path::PathBuf), HarnessError> {
        let child = spawn_tied(self.command)
            .map_err(|e| HarnessError::io(format!("starting {}", self.bin.display()), e))?;
        Ok((child, self.port, self.log))
    }
}

/// The last `lines` lines of a log file (carriage-return progress bars folded away),
/// indented for inclusion in an error message.
pub(crate) fn log_tail(path: &Path, lines: usize) -> String {
    let text = match fs::read(path) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => return format!("    (cannot read {}: {e})", path.display()),
    };
    let kept: Vec<&str> = text
        .lines()
        .map(|l| l.rsplit('\r').next().unwrap_or(l))
        .filter(|l| !l.trim().is_empty())
        .collect();
    let start = kept.len().saturating_sub(lines);
    if kept.is_empty() {
        return "    (empty)".into();
    }
    kept[start..]
        .iter()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Describes an exit status for an error message.
pub(crate) fn describe_exit(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit code {code}"),
        (None, Some(sig)) => format!("killed by signal {sig}"),
        _ => status.to_string(),
    }
}
