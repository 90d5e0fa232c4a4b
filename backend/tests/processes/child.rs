//! The `owf` executable as a child process — `owf serve` or `owf customs-sandbox` on a port the
//! system picks, killed when dropped, and its memory — or any `owf` command run to its end.

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use owf_backend::store::key_encryption;
use owf_shared::fixtures::ZONE;

use crate::common::wait::eventually;

/// Runs `owf args` to its end with `stdin` as its input and `key` as the key encryption key
/// (`None`: unset, and no `OWF_DEMO` either); returns its exit success and everything it printed.
/// Fails if it is still running after 30 s.
pub fn run(args: &[&str], key: Option<&str>, stdin: &str) -> (bool, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_owf"));
    command
        .args(args)
        .env_remove(key_encryption::ENV_VAR)
        .env_remove("OWF_DEMO")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(key) = key {
        command.env(key_encryption::ENV_VAR, key);
    }
    let mut child = command.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).unwrap();
    drop(input);
    let deadline = Instant::now() + Duration::from_secs(30);
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("owf {args:?} is still running after 30 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// `owf admin --database-url <db> <args>`, [`run`] with `key` and `stdin`.
pub fn admin(db: &str, args: &[&str], key: Option<&str>, stdin: &str) -> (bool, String) {
    let all: Vec<&str> = ["admin", "--database-url", db]
        .iter()
        .chain(args)
        .copied()
        .collect();
    run(&all, key, stdin)
}

/// The arguments of `owf admin` that add [`ZONE`]'s enterprise, under another name.
pub const ADD_ENTERPRISE: [&str; 10] = [
    "enterprise",
    "add",
    "--customs-code",
    ZONE.customs_code,
    "--uscc",
    ZONE.uscc,
    "--name",
    "深圳测试企业",
    "--district",
    ZONE.customs_district,
];

/// A child `owf serve` or `owf customs-sandbox`, killed when dropped.
pub struct Owf {
    child: Child,
    /// The app's (or the standalone sandbox's) listener.
    pub addr: SocketAddr,
    /// The listener of the sandbox `owf serve` runs beside the app, if it runs one.
    pub sandbox: Option<SocketAddr>,
}

/// Starts `command`, which listens on port 0, and reads from its output where it listens: the
/// line starting `ready` names the listener, and a line starting `海关沙箱：` before it the
/// sandbox's. Its further output is read and dropped.
fn listening(mut command: Command, ready: &str) -> Owf {
    let mut child = command.stdout(Stdio::piped()).spawn().expect("start owf");
    let (lines, said) = std::sync::mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let address = |line: &str, prefix: &str| -> Option<SocketAddr> {
        let url = line.strip_prefix(prefix)?;
        Some(url.trim().trim_start_matches("http://").parse().unwrap())
    };
    // Killed on drop should it never say where it listens.
    let mut owf = Owf {
        child,
        addr: SocketAddr::from(([0, 0, 0, 0], 0)),
        sandbox: None,
    };
    loop {
        let line = said
            .recv_timeout(Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("owf did not say `{ready}` within 20 s"));
        owf.sandbox = owf.sandbox.or_else(|| address(&line, "海关沙箱："));
        if let Some(addr) = address(&line, ready) {
            owf.addr = addr;
            return owf;
        }
    }
}

impl Owf {
    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Peak resident memory of the process so far, in MiB (VmHWM of `/proc/<pid>/status`).
    pub fn peak_mb(&self) -> u64 {
        self.status_mb("VmHWM:")
    }

    /// Resident memory of the process now, in MiB (VmRSS of `/proc/<pid>/status`).
    pub fn resident_mb(&self) -> u64 {
        self.status_mb("VmRSS:")
    }

    fn status_mb(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kb: u64 = status
            .lines()
            .find_map(|line| line.strip_prefix(field))
            .and_then(|rest| rest.trim().strip_suffix("kB"))
            .and_then(|kb| kb.trim().parse().ok())
            .unwrap_or_else(|| panic!("{field} in /proc/<pid>/status"));
        kb / 1024
    }
}

impl Drop for Owf {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `owf serve --database-url <database_url> <args>` on a port the system picks, serving
/// no frontend, and waits until it answers `/healthz`.
pub async fn owf_serve(database_url: &str, args: &[&str]) -> Owf {
    let mut command = Command::new(env!("CARGO_BIN_EXE_owf"));
    command
        .args(["serve", "--database-url", database_url])
        .args(["--listen", "127.0.0.1:0", "--dist", "/nonexistent-dist"])
        .args(args)
        .env("OWF_LOG", "warn")
        .env(key_encryption::ENV_VAR, key_encryption::DEMO_KEY_HEX);
    let server = listening(command, "owf 已启动：");
    let health = format!("http://{}/healthz", server.addr);
    let client = reqwest::Client::new();
    eventually(Duration::from_secs(20), "owf serve to answer", || async {
        client
            .get(&health)
            .send()
            .await
            .ok()
            .filter(|r| r.status().is_success())
    })
    .await;
    server
}

/// Starts `owf customs-sandbox --database-url <database_url> --customs-secret <secret>` on a port
/// the system picks and waits until it answers (with the secret).
pub async fn owf_customs_sandbox(database_url: &str, secret: &str) -> Owf {
    let mut command = Command::new(env!("CARGO_BIN_EXE_owf"));
    command
        .args(["customs-sandbox", "--database-url", database_url])
        .args(["--listen", "127.0.0.1:0", "--customs-secret", secret])
        .env("OWF_LOG", "warn");
    let sandbox = listening(command, "海关沙箱已启动：");
    let receipts = format!("http://{}/receipts?after=0&limit=1", sandbox.addr);
    let client = reqwest::Client::new();
    eventually(Duration::from_secs(20), "the sandbox to answer", || async {
        client
            .get(&receipts)
            .bearer_auth(secret)
            .send()
            .await
            .ok()
            .filter(|r| r.status().is_success())
    })
    .await;
    sandbox
}
