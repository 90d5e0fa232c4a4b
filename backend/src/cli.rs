//! The `owf` command line: `serve`, `customs-sandbox`, `admin …`. Every flag has an environment
//! fallback.

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use owf_shared::codes::CodeTables;
use owf_shared::enterprise::{CreditLevel, NewEnterprise};
use owf_shared::field::Field;
use owf_shared::ids::{CustomsCode, Uscc};

use crate::auth::password;
use crate::customs::keys::SigningKeys;
use crate::customs::sandbox::{self, Faults, Sandbox, SandboxConfig, MAX_LATENCY_MS};
use crate::http::HttpConfig;
use crate::listener::Limits;
use crate::relay::backoff::Backoff;
use crate::relay::RelayConfig;
use crate::store::key_encryption::{KeyEncryptionKey, ENV_VAR as KEY_ENCRYPTION_VAR};
use crate::store::Store;
use crate::{demo, OwnSandbox, ServeConfig};

#[derive(Debug, Parser)]
#[command(
    name = "owf",
    version,
    about = "owf — 海外仓备案 (Overseas Warehouse Filing) server"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API and the built frontend, with the customs relay and the customs sandbox.
    Serve(ServeArgs),
    /// Run the customs sandbox alone.
    CustomsSandbox(SandboxServeArgs),
    /// Administer customs master data and users.
    Admin(AdminArgs),
}

#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// Database: `sqlite:PATH` (created when missing) or `postgres://user@host:port/db`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite:data/owf.db")]
    pub database_url: String,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Address to listen on.
    #[arg(long, env = "OWF_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Folder of the built frontend (trunk's output).
    #[arg(long, env = "OWF_DIST", default_value = "dist")]
    pub dist: PathBuf,
    /// Create the two demo enterprises and users if missing, and print their logins.
    #[arg(long, env = "OWF_DEMO")]
    pub demo: bool,
    /// How long a login lasts, in hours (1 to 8760).
    #[arg(long, env = "OWF_SESSION_HOURS", default_value_t = 8, value_parser = session_hours)]
    pub session_hours: i64,
    /// Login attempts allowed per client address and minute (a burst of that many, then one
    /// every 60/N seconds). Behind a reverse proxy every client shares the proxy's address.
    #[arg(long, env = "OWF_LOGIN_ATTEMPTS_PER_MINUTE", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub login_attempts_per_minute: u32,
    /// The app is served over HTTPS (e.g. behind a TLS-terminating proxy): the session cookie
    /// gets `Secure` and every response `Strict-Transport-Security`.
    #[arg(long, env = "OWF_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Other origins allowed to call the API with cookies (comma-separated,
    /// e.g. `http://static.example.test:8081`), for a frontend hosted apart from the backend.
    #[arg(long, env = "OWF_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub allowed_origins: Vec<String>,
    /// Run no customs sandbox in this process (the relay then needs `--customs-url`).
    #[arg(long, env = "OWF_NO_SANDBOX")]
    pub no_sandbox: bool,
    /// Where this process's customs sandbox listens: its own listener, loopback by default,
    /// never the app's (port 0: any free port).
    #[arg(long, env = "OWF_SANDBOX_LISTEN", default_value = "127.0.0.1:8090")]
    pub sandbox_listen: SocketAddr,
    /// Shared secret the relay sends to customs (`Authorization: Bearer …`) and this process's
    /// sandbox requires on every route. Default: none sent to another customs; a random one per
    /// process for the own sandbox.
    #[arg(long, env = "OWF_CUSTOMS_SECRET", value_parser = secret, hide_env_values = true)]
    pub customs_secret: Option<String>,
    #[command(flatten)]
    pub listener: ListenerArgs,
    #[command(flatten)]
    pub relay: RelayArgs,
    #[command(flatten)]
    pub sandbox: SandboxArgs,
}

impl ServeArgs {
    /// The settings, with the customs sandbox on `sandbox` if this process runs one.
    pub fn config(&self, sandbox: Option<tokio::net::TcpListener>) -> ServeConfig {
        ServeConfig {
            database_url: self.db.database_url.clone(),
            dist: self.dist.clone(),
            http: HttpConfig {
                session_hours: self.session_hours,
                allowed_origins: self.allowed_origins.clone(),
                login_attempts_per_minute: self.login_attempts_per_minute,
                secure_cookies: self.secure_cookies,
            },
            limits: self.listener.limits(),
            relay: (!self.relay.no_relay).then(|| self.relay.config()),
            customs_url: self.relay.customs_url.clone(),
            customs_secret: self.customs_secret.clone(),
            sandbox: sandbox.map(|listener| OwnSandbox {
                listener,
                config: self.sandbox.config(),
            }),
        }
    }
}

/// A shared secret: at least 16 printable ASCII characters, no spaces.
fn secret(text: &str) -> Result<String, String> {
    if text.len() >= 16 && text.bytes().all(|b| b.is_ascii_graphic()) {
        Ok(text.to_owned())
    } else {
        Err("密钥须为至少 16 个可打印 ASCII 字符（不含空格）".to_owned())
    }
}

const LIMITS: Limits = Limits::DEFAULT;

/// The bounds of every connection.
#[derive(Debug, Args)]
pub struct ListenerArgs {
    /// Seconds for a request's headers to arrive, counted from the connection's opening or its
    /// previous answer (so also how long a kept-alive connection waits); then 408 and closed.
    #[arg(long, env = "OWF_HEADER_TIMEOUT_SECS", default_value_t = LIMITS.header_timeout.as_secs(), value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout_secs: u64,
    /// Seconds for a request's body to arrive and its answer to begin; then 408 and closed.
    #[arg(long, env = "OWF_REQUEST_TIMEOUT_SECS", default_value_t = LIMITS.request_timeout.as_secs(), value_parser = clap::value_parser!(u64).range(1..))]
    pub request_timeout_secs: u64,
    /// Seconds a connection may stay open with no byte moving either way (e.g. a client that
    /// stops reading its answer).
    #[arg(long, env = "OWF_IDLE_TIMEOUT_SECS", default_value_t = LIMITS.idle_timeout.as_secs(), value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_timeout_secs: u64,
    /// Open connections at most; one more is closed as soon as it is accepted.
    #[arg(long, env = "OWF_MAX_CONNECTIONS", default_value_t = LIMITS.max_connections, value_parser = connections)]
    pub max_connections: usize,
}

impl ListenerArgs {
    pub fn limits(&self) -> Limits {
        Limits {
            header_timeout: Duration::from_secs(self.header_timeout_secs),
            request_timeout: Duration::from_secs(self.request_timeout_secs),
            idle_timeout: Duration::from_secs(self.idle_timeout_secs),
            max_connections: self.max_connections,
        }
    }
}

/// A connection cap: at least one.
fn connections(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("{text} 不是正整数")),
    }
}

const RELAY: RelayConfig = RelayConfig::DEFAULT;
const SANDBOX: SandboxConfig = SandboxConfig::DEFAULT;

/// The customs relay.
#[derive(Debug, Args)]
pub struct RelayArgs {
    /// Run no customs relay in this process (e.g. another `owf serve` on the same PostgreSQL
    /// runs it).
    #[arg(long, env = "OWF_NO_RELAY")]
    pub no_relay: bool,
    /// Base URL of customs. Default: this process's own sandbox, `http://<--sandbox-listen>`.
    #[arg(long, env = "OWF_CUSTOMS_URL")]
    pub customs_url: Option<String>,
    /// Delivery attempts before a message is given up as 发送海关失败.
    #[arg(long, env = "OWF_RELAY_MAX_ATTEMPTS", default_value_t = RELAY.max_attempts)]
    pub relay_max_attempts: u32,
    /// Wait before the first retry, in milliseconds; it doubles per attempt (with jitter).
    #[arg(long, env = "OWF_RELAY_BACKOFF_MS", default_value_t = RELAY.backoff.initial.as_millis() as u64)]
    pub relay_backoff_ms: u64,
    /// Longest wait between retries, in milliseconds.
    #[arg(long, env = "OWF_RELAY_MAX_BACKOFF_MS", default_value_t = RELAY.backoff.max.as_millis() as u64)]
    pub relay_max_backoff_ms: u64,
    /// How long a claimed message is exclusive to one relay, in seconds (must exceed the
    /// request timeout).
    #[arg(long, env = "OWF_RELAY_LEASE_SECS", default_value_t = RELAY.lease.as_secs())]
    pub relay_lease_secs: u64,
    /// Pause when there is nothing to send or receive, in milliseconds.
    #[arg(long, env = "OWF_RELAY_POLL_MS", default_value_t = RELAY.poll_interval.as_millis() as u64)]
    pub relay_poll_ms: u64,
    /// Messages claimed and sent concurrently at once.
    #[arg(long, env = "OWF_RELAY_BATCH", default_value_t = RELAY.batch_size)]
    pub relay_batch: u32,
    /// Batches being sent at once: the next batch is claimed while the ones before are in
    /// flight, up to this many.
    #[arg(long, env = "OWF_RELAY_BATCHES_IN_FLIGHT", default_value_t = RELAY.batches_in_flight)]
    pub relay_batches_in_flight: u32,
    /// Timeout of every call to customs, in milliseconds.
    #[arg(long, env = "OWF_RELAY_TIMEOUT_MS", default_value_t = RELAY.request_timeout.as_millis() as u64)]
    pub relay_timeout_ms: u64,
}

impl RelayArgs {
    pub fn config(&self) -> RelayConfig {
        RelayConfig {
            max_attempts: self.relay_max_attempts.max(1),
            backoff: Backoff {
                initial: Duration::from_millis(self.relay_backoff_ms),
                max: Duration::from_millis(self.relay_max_backoff_ms),
            },
            lease: Duration::from_secs(self.relay_lease_secs),
            poll_interval: Duration::from_millis(self.relay_poll_ms),
            batch_size: self.relay_batch.max(1),
            batches_in_flight: self.relay_batches_in_flight.max(1),
            request_timeout: Duration::from_millis(self.relay_timeout_ms),
        }
    }
}

/// How long a login lasts: whole hours from 1 to a year.
fn session_hours(text: &str) -> Result<i64, String> {
    match text.parse::<i64>() {
        Ok(hours) if (1..=8760).contains(&hours) => Ok(hours),
        _ => Err(format!(
            "{text} 不是有效的登录时长：须为 1 到 8760 之间的整数小时"
        )),
    }
}

/// A share between 0 and 1.
fn rate(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(r) if sandbox::is_rate(r) => Ok(r),
        _ => Err(format!("{text} 不是 0 到 1 之间的比例")),
    }
}

/// The customs sandbox: receipt delays and fault knobs (the knobs can also be changed at run
/// time with `PUT /admin/faults` on the sandbox's listener, with the secret).
#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// From acceptance to the 120 海关入库 receipt, in milliseconds.
    #[arg(long, env = "OWF_SANDBOX_RECEIVED_DELAY_MS", default_value_t = SANDBOX.received_delay.as_millis() as u64)]
    pub sandbox_received_delay_ms: u64,
    /// From acceptance to the verdict (399 审核通过 / 100 退单), in milliseconds.
    #[arg(long, env = "OWF_SANDBOX_VERDICT_DELAY_MS", default_value_t = SANDBOX.verdict_delay.as_millis() as u64)]
    pub sandbox_verdict_delay_ms: u64,
    /// Fault: latency added to every sandbox answer, in milliseconds (for a message, after it
    /// is stored).
    #[arg(long, env = "OWF_SANDBOX_LATENCY_MS", default_value_t = 0, value_parser = clap::value_parser!(u64).range(..=MAX_LATENCY_MS))]
    pub sandbox_latency_ms: u64,
    /// Fault: share of sandbox requests answered 500 (0–1).
    #[arg(long, env = "OWF_SANDBOX_ERROR_RATE", default_value_t = 0.0, value_parser = rate)]
    pub sandbox_error_rate: f64,
    /// Fault: share of new messages processed but whose acknowledgement is lost (0–1).
    #[arg(long, env = "OWF_SANDBOX_DROP_ACK_RATE", default_value_t = 0.0, value_parser = rate)]
    pub sandbox_drop_ack_rate: f64,
    /// Fault: start with the sandbox down (every request answered 503).
    #[arg(long, env = "OWF_SANDBOX_DOWN")]
    pub sandbox_down: bool,
}

impl SandboxArgs {
    pub fn config(&self) -> SandboxConfig {
        SandboxConfig {
            received_delay: Duration::from_millis(self.sandbox_received_delay_ms),
            verdict_delay: Duration::from_millis(self.sandbox_verdict_delay_ms),
            faults: Faults {
                latency_ms: self.sandbox_latency_ms,
                error_rate: self.sandbox_error_rate,
                drop_ack_rate: self.sandbox_drop_ack_rate,
                down: self.sandbox_down,
            },
        }
    }
}

/// `owf customs-sandbox`
#[derive(Debug, Args)]
pub struct SandboxServeArgs {
    /// The database holding the sandbox's tables and the customs master data (enterprises and
    /// their certificates): normally the same database as `owf serve`'s.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Address to listen on; point `owf serve --no-sandbox --customs-url http://<this>` at it.
    #[arg(long, env = "OWF_SANDBOX_LISTEN", default_value = "127.0.0.1:8090")]
    pub listen: SocketAddr,
    /// Shared secret every caller must send (`Authorization: Bearer …`); give `owf serve` the
    /// same one.
    #[arg(long, env = "OWF_CUSTOMS_SECRET", value_parser = secret, hide_env_values = true)]
    pub customs_secret: String,
    #[command(flatten)]
    pub listener: ListenerArgs,
    #[command(flatten)]
    pub sandbox: SandboxArgs,
}

#[derive(Debug, Args)]
pub struct AdminArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    #[command(subcommand)]
    pub command: AdminCommand,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Enterprises (customs master data).
    #[command(subcommand)]
    Enterprise(EnterpriseCommand),
    /// Users (IC card holders).
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Debug, Subcommand)]
pub enum EnterpriseCommand {
    /// Add an enterprise.
    Add {
        /// 海关编码 (10 characters).
        #[arg(long)]
        customs_code: String,
        /// 统一社会信用代码 (18 characters).
        #[arg(long)]
        uscc: String,
        /// 企业名称.
        #[arg(long)]
        name: String,
        /// 主管海关: any code of the customs district table (关区代码表), e.g. 5304 蛇口海关.
        #[arg(long)]
        district: String,
        /// The enterprise is a 区内企业 (special-zone enterprise).
        #[arg(long)]
        in_zone: bool,
        /// 信用等级: advanced | registered | discredited.
        #[arg(long, default_value = "registered")]
        credit_level: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user to an enterprise; the password is read from standard input.
    Add {
        /// 海关编码 of the user's enterprise.
        #[arg(long)]
        enterprise: String,
        /// IC卡号.
        #[arg(long)]
        card_no: String,
        /// The user's name.
        #[arg(long)]
        name: String,
        /// Read the password from standard input (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Clear a user's login lockout.
    Unlock {
        /// IC卡号.
        #[arg(long)]
        card_no: String,
    },
}

/// Runs an admin command; the message says what was done.
pub async fn run_admin(args: AdminArgs) -> Result<String, String> {
    let store = Store::connect(&args.db.database_url)
        .await
        .map_err(|e| e.to_string())?;
    match args.command {
        AdminCommand::Enterprise(EnterpriseCommand::Add {
            customs_code,
            uscc,
            name,
            district,
            in_zone,
            credit_level,
        }) => {
            let store = store.with_key_encryption(key_encryption_key(false)?);
            let credit_level = CreditLevel::from_code(&credit_level).ok_or_else(|| {
                format!("未知信用等级 {credit_level}（advanced | registered | discredited）")
            })?;
            let customs_code = CustomsCode::parse(&Field::CustomsCode.normalize(&customs_code))
                .map_err(|e| format!("海关编码{e}"))?;
            let uscc = Uscc::parse(&Field::Uscc.normalize(&uscc))
                .map_err(|e| format!("统一社会信用代码{e}"))?;
            let tables = CodeTables::embedded();
            let district = tables
                .districts
                .parse(&Field::CustomsDistrict.normalize(&district))
                .map_err(|e| format!("主管海关{e}"))?;
            let name = name.trim().to_owned();
            if name.is_empty() {
                return Err("企业名称不能为空".to_owned());
            }
            let enterprise = NewEnterprise {
                id: (),
                customs_code: customs_code.as_str().to_owned(),
                uscc: uscc.as_str().to_owned(),
                name,
                customs_district: district.code.clone(),
                in_zone,
                credit_level,
            };
            match SigningKeys::new(store)
                .add_enterprise(&enterprise)
                .await
                .map_err(|e| e.to_string())?
            {
                Some(id) => Ok(format!(
                    "已添加企业 {} {}（id {id}），主管海关 {}",
                    enterprise.customs_code,
                    enterprise.name,
                    district.display()
                )),
                None => Err("海关编码或统一社会信用代码已存在".to_owned()),
            }
        }
        AdminCommand::User(UserCommand::Add {
            enterprise,
            card_no,
            name,
            password_stdin: _,
        }) => {
            let mut input = String::new();
            std::io::stdin()
                .read_to_string(&mut input)
                .map_err(|e| format!("无法读取密码：{e}"))?;
            let password = input.trim_end_matches(['\n', '\r']);
            if password.chars().count() < 8 {
                return Err("密码至少 8 个字符".to_owned());
            }
            let ent = store
                .enterprise_by_customs_code(&enterprise)
                .await
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("没有海关编码为 {enterprise} 的企业"))?;
            match store
                .add_user(ent.id, &card_no, &name, &password::hash(password))
                .await
                .map_err(|e| e.to_string())?
            {
                Some(_) => Ok(format!(
                    "已为 {} 添加用户 {name}（IC卡号 {card_no}）",
                    ent.name
                )),
                None => Err(format!("IC卡号 {card_no} 已存在")),
            }
        }
        AdminCommand::User(UserCommand::Unlock { card_no }) => {
            if store
                .unlock_user(&card_no)
                .await
                .map_err(|e| e.to_string())?
            {
                Ok(format!("已解锁 IC卡号 {card_no}"))
            } else {
                Err(format!("没有 IC卡号为 {card_no} 的用户"))
            }
        }
    }
}

/// `owf serve`: migrate, optionally seed the demo, listen, serve until Ctrl-C / SIGTERM.
pub async fn run_serve(args: ServeArgs) -> Result<(), String> {
    let key = key_encryption_key(args.demo)?;
    let store = Store::connect(&args.db.database_url)
        .await
        .map_err(|e| e.to_string())?
        .with_key_encryption(key);
    let encrypted = store
        .encrypt_signing_keys()
        .await
        .map_err(|e| e.to_string())?;
    if encrypted > 0 {
        tracing::info!(encrypted, "stored plaintext signing keys are now encrypted");
    }
    if args.demo {
        let accounts = demo::seed(&store).await.map_err(|e| e.to_string())?;
        println!("演示账户 (demo accounts):");
        for a in &accounts {
            let zone = if a.enterprise.in_zone {
                "区内企业"
            } else {
                "非区内企业"
            };
            println!(
                "  IC卡号 {}  密码 {}  — {}（{}，海关编码 {}）",
                a.card_no, a.password, a.enterprise.name, zone, a.enterprise.customs_code
            );
        }
    }
    let sandbox = if args.no_sandbox {
        None
    } else {
        let bound = tokio::net::TcpListener::bind(args.sandbox_listen).await;
        let bound = bound.map_err(|e| format!("海关沙箱无法监听 {}：{e}", args.sandbox_listen))?;
        println!("海关沙箱：{}", listening_at(&bound)?);
        Some(bound)
    };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("无法监听 {}：{e}", args.listen))?;
    println!("owf 已启动：{}", listening_at(&listener)?);
    crate::serve(args.config(sandbox), store, listener, shutdown_signal())
        .await
        .map_err(|e| e.to_string())
}

/// The key that encrypts the enterprises' signing keys at rest, from `OWF_KEY_ENCRYPTION_KEY`;
/// with `--demo` and no variable, the public demo key and a warning.
fn key_encryption_key(demo: bool) -> Result<KeyEncryptionKey, String> {
    match std::env::var_os(KEY_ENCRYPTION_VAR) {
        Some(value) => value
            .to_str()
            .ok_or_else(|| format!("{KEY_ENCRYPTION_VAR} 不是有效的文本"))
            .and_then(|hex| KeyEncryptionKey::from_hex(hex).map_err(|e| e.to_string())),
        None if demo => {
            tracing::warn!(
                "!!! {KEY_ENCRYPTION_VAR} 未设置：企业签名密钥用公开的演示密钥加密 —— 只可用于演示，\
                 切勿用于真实企业；正式部署请设置自己的密钥（`openssl rand -hex 32`）!!!"
            );
            Ok(KeyEncryptionKey::demo())
        }
        None => Err(format!(
            "未设置 {KEY_ENCRYPTION_VAR}：企业签名密钥须加密存储。请设置 32 字节的密钥\
             （64 个十六进制字符，例如 `openssl rand -hex 32` 的输出）并妥善保管；只做演示时可用 --demo"
        )),
    }
}

/// `owf customs-sandbox`: migrate, listen, serve the sandbox until Ctrl-C / SIGTERM.
pub async fn run_sandbox(args: SandboxServeArgs) -> Result<(), String> {
    let store = Store::connect(&args.db.database_url)
        .await
        .map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("无法监听 {}：{e}", args.listen))?;
    println!("海关沙箱已启动：{}", listening_at(&listener)?);
    let sandbox = Sandbox::new(store, args.sandbox.config(), &args.customs_secret);
    crate::listener::serve(
        listener,
        sandbox.router(),
        args.listener.limits(),
        shutdown_signal(),
    )
    .await;
    Ok(())
}

/// The base URL of a bound listener: its real port, also when asked for port 0.
fn listening_at(listener: &tokio::net::TcpListener) -> Result<String, String> {
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    Ok(crate::local_url(addr))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve(args: &[&str]) -> Result<ServeArgs, clap::Error> {
        let cli = Cli::try_parse_from(["owf", "serve"].iter().chain(args))?;
        match cli.command {
            Command::Serve(args) => Ok(args),
            other => panic!("parsed as {other:?}"),
        }
    }

    #[test]
    fn session_hours_below_one_are_refused_with_a_clear_message() {
        let err = serve(&["--session-hours", "0"]).unwrap_err().to_string();
        assert!(
            err.contains("0 不是有效的登录时长：须为 1 到 8760 之间的整数小时"),
            "{err}"
        );
        assert!(serve(&["--session-hours", "8761"]).is_err());
        assert_eq!(serve(&["--session-hours", "1"]).unwrap().session_hours, 1);
    }

    #[test]
    fn secure_cookies_and_the_login_limit_reach_the_http_settings() {
        let http = serve(&["--secure-cookies", "--login-attempts-per-minute", "30"])
            .unwrap()
            .config(None)
            .http;
        assert!(http.secure_cookies);
        assert_eq!(http.login_attempts_per_minute, 30);
        assert!(serve(&["--login-attempts-per-minute", "0"]).is_err());
    }
}
