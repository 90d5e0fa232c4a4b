//! The `owf` command line: `serve`, `admin …`. Every flag has an environment fallback.

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use owf_shared::api::CreditLevel;
use owf_shared::codes::{Code, CustomsDistrict};
use owf_shared::ids::{CustomsCode, Uscc};

use crate::auth::password;
use crate::http::HttpConfig;
use crate::store::accounts::NewEnterprise;
use crate::store::Store;
use crate::{demo, ServeConfig};

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
    /// Serve the API and the built frontend.
    Serve(ServeArgs),
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
    /// How long a login lasts, in hours.
    #[arg(long, env = "OWF_SESSION_HOURS", default_value_t = 8)]
    pub session_hours: i64,
    /// Other origins allowed to call the API with cookies (comma-separated,
    /// e.g. `http://static.example.test:8081`), for a frontend hosted apart from the backend.
    #[arg(long, env = "OWF_ALLOWED_ORIGINS", value_delimiter = ',')]
    pub allowed_origins: Vec<String>,
}

impl ServeArgs {
    pub fn config(&self) -> ServeConfig {
        ServeConfig {
            database_url: self.db.database_url.clone(),
            dist: self.dist.clone(),
            http: HttpConfig {
                session_hours: self.session_hours,
                allowed_origins: self.allowed_origins.clone(),
            },
        }
    }
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
        /// 主管海关 (4-digit customs district code).
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
            let credit_level = CreditLevel::from_code(&credit_level).ok_or_else(|| {
                format!("未知信用等级 {credit_level}（advanced | registered | discredited）")
            })?;
            let customs_code =
                CustomsCode::parse(customs_code.trim()).map_err(|e| format!("海关编码{e}"))?;
            let uscc = Uscc::parse(uscc.trim()).map_err(|e| format!("统一社会信用代码{e}"))?;
            let district =
                CustomsDistrict::parse(district.trim()).map_err(|e| format!("主管海关{e}"))?;
            let name = name.trim().to_owned();
            if name.is_empty() {
                return Err("企业名称不能为空".to_owned());
            }
            let enterprise = NewEnterprise {
                customs_code: customs_code.as_str().to_owned(),
                uscc: uscc.as_str().to_owned(),
                name,
                customs_district: district.code().to_owned(),
                in_zone,
                credit_level,
            };
            match store
                .add_enterprise(&enterprise)
                .await
                .map_err(|e| e.to_string())?
            {
                Some(id) => Ok(format!(
                    "已添加企业 {} {}（id {id}）",
                    enterprise.customs_code, enterprise.name
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
    let config = args.config();
    let store = Store::connect(&config.database_url)
        .await
        .map_err(|e| e.to_string())?;
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
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("无法监听 {}：{e}", args.listen))?;
    println!("owf 已启动：http://{}", args.listen);
    crate::serve(config, store, listener, shutdown_signal())
        .await
        .map_err(|e| e.to_string())
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
