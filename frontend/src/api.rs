//! The one typed client of the owf API: JSON in and out, every failure as a readable message.
//!
//! The API base URL comes from `config.json` next to `index.html` (empty = same origin), so one
//! build serves every deployment. Cookies travel with every request (`credentials: include`,
//! `withCredentials` for uploads), which a frontend on another origin of the same site needs.

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::sync::OnceLock;

use futures::future::{FutureExt, LocalBoxFuture, Shared};
use gloo_net::http::{Method, Request, RequestBuilder};
use leptos::prelude::*;
use owf_shared::api::{
    ApiError, AttachmentInfo, CancelRequest, FilingRow, ListQuery, LoginRequest, Page, SessionInfo,
    VersionCheck, WarehouseEligibility,
};
use owf_shared::codes::CodeTables;
use owf_shared::lease::LeaseFilter;
use owf_shared::status::Status;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ProgressEvent, RequestCredentials, UrlSearchParams, XmlHttpRequest};

/// Why a request failed, ready to show to the user.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// HTTP status; 0 when the server could not be reached.
    pub status: u16,
    pub error: ApiError,
}

impl Failure {
    fn network() -> Self {
        Self {
            status: 0,
            error: ApiError {
                code: "network".into(),
                message: "无法连接服务器，请检查网络后重试；已填写的内容不会丢失".into(),
                fields: Default::default(),
            },
        }
    }

    pub fn message(&self) -> &str {
        &self.error.message
    }

    /// 409: somebody changed the record meanwhile, or its status no longer allows the action.
    pub fn is_conflict(&self) -> bool {
        self.status == 409
    }
}

/// `config.json`: where the API lives.
#[derive(Deserialize)]
struct RuntimeConfig {
    #[serde(default)]
    api_base: String,
}

static API_BASE: OnceLock<String> = OnceLock::new();

/// An answer as it came: status and body, `None` when the server was not reached.
type Reply = Option<(u16, String)>;

/// A reply on its way, which more than one waiter can await.
type SharedReply = Shared<LocalBoxFuture<'static, Reply>>;

/// How long an answer asked ahead waits for its screen (ms).
const AHEAD_KEPT_MS: f64 = 10_000.0;

thread_local! {
    static ON_UNAUTHENTICATED: RefCell<Option<Box<dyn Fn()>>> = RefCell::new(None);
    static PENDING: RwSignal<u32> = RwSignal::new(0);
    /// GETs sent ahead of the screen that will send them ([`ask_ahead`]), by URL, with when
    /// they were sent (ms).
    static AHEAD: RefCell<HashMap<String, (f64, SharedReply)>> = RefCell::new(HashMap::new());
}

/// Reads `/config.json`; without one (or an unreadable one) the API is on this origin.
pub async fn load_config() {
    let config = async {
        let response = Request::get("/config.json").send().await.ok()?;
        crate::json::from_str::<RuntimeConfig>(&response.text().await.ok()?).ok()
    }
    .await;
    let base = config.map_or_else(String::new, |c| c.api_base.trim_end_matches('/').to_owned());
    let _ = API_BASE.set(base);
}

/// What to do when the session has ended (HTTP 401 on any request but the login itself).
pub fn on_unauthenticated(hook: impl Fn() + 'static) {
    ON_UNAUTHENTICATED.with(|slot| *slot.borrow_mut() = Some(Box::new(hook)));
}

/// Number of requests under way, for the busy indicator.
pub fn pending() -> RwSignal<u32> {
    PENDING.with(|pending| *pending)
}

/// The absolute URL of an API path such as `/registrations/7`.
pub fn url(path: &str) -> String {
    let base = API_BASE.get().map_or("", String::as_str);
    format!("{base}/api{path}")
}

/// A list query as a URL query string (absent conditions omitted), `application/x-www-form-urlencoded`
/// in the order of the query's fields.
pub fn encode_query(query: &ListQuery) -> String {
    let Ok(params) = UrlSearchParams::new() else {
        return String::new();
    };
    let status = query.status.map(|s| s.code().to_string());
    let page = query.page.map(|n| n.to_string());
    let page_size = query.page_size.map(|n| n.to_string());
    let desc = query.desc.then(|| "true".to_owned());
    let lease = query.lease.map(|l| l.code().to_owned());
    let pairs = [
        ("apply_no", &query.apply_no),
        ("customs_code", &query.customs_code),
        ("ent_name", &query.ent_name),
        ("wh_name", &query.wh_name),
        ("country_code", &query.country_code),
        ("trade_mode", &query.trade_mode),
        ("status", &status),
        ("decl_from", &query.decl_from),
        ("decl_to", &query.decl_to),
        ("lease", &lease),
        ("page", &page),
        ("page_size", &page_size),
        ("sort", &query.sort),
        ("desc", &desc),
    ];
    for (key, value) in pairs {
        if let Some(value) = value {
            params.append(key, value);
        }
    }
    params.to_string().into()
}

/// A URL query string as a list query; an unreadable value gives the empty query.
pub fn decode_query(search: &str) -> ListQuery {
    let Ok(params) = UrlSearchParams::new_with_str(search) else {
        return ListQuery::default();
    };
    read_query(&params).unwrap_or_default()
}

fn read_query(params: &UrlSearchParams) -> Option<ListQuery> {
    let get = |key: &str| params.get(key);
    let number = |key: &str| match get(key) {
        None => Some(None),
        Some(value) => value.parse::<u32>().ok().map(Some),
    };
    Some(ListQuery {
        apply_no: get("apply_no"),
        customs_code: get("customs_code"),
        ent_name: get("ent_name"),
        wh_name: get("wh_name"),
        country_code: get("country_code"),
        trade_mode: get("trade_mode"),
        status: match get("status") {
            None => None,
            Some(code) => Some(code.parse().ok().and_then(Status::from_code)?),
        },
        decl_from: get("decl_from"),
        decl_to: get("decl_to"),
        lease: match get("lease") {
            None => None,
            Some(code) => Some(LeaseFilter::from_code(&code)?),
        },
        page: number("page")?,
        page_size: number("page_size")?,
        sort: get("sort"),
        desc: match get("desc").as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(_) => return None,
        },
    })
}

fn request(method: Method, path: &str) -> RequestBuilder {
    RequestBuilder::new(&url(path))
        .method(method)
        .credentials(RequestCredentials::Include)
}

/// The failure an answer with an error `status` and `body` stands for; a 401 of an ended
/// session runs the hook.
fn failure(status: u16, body: &str) -> Failure {
    let error = crate::json::from_str::<ApiError>(body).unwrap_or_else(|_| ApiError {
        code: "http".into(),
        message: format!("服务器返回错误（HTTP {status}），请稍后重试"),
        fields: Default::default(),
    });
    if status == 401 && error.code == "unauthenticated" {
        ON_UNAUTHENTICATED.with(|hook| {
            if let Some(hook) = hook.borrow().as_ref() {
                hook();
            }
        });
    }
    Failure { status, error }
}

/// An answer — `None` when the server was not reached — as its body text or the failure;
/// the one mapping of every request, however it was sent.
fn answer(reply: Option<(u16, String)>) -> Result<String, Failure> {
    match reply {
        Some((status, body)) if (200..300).contains(&status) => Ok(body),
        Some((status, body)) => Err(failure(status, &body)),
        None => Err(Failure::network()),
    }
}

/// Waits for `exchange` with the request counted as under way.
async fn counted<T>(exchange: impl Future<Output = T>) -> T {
    let pending = pending();
    pending.update(|n| *n += 1);
    let result = exchange.await;
    pending.update(|n| *n = n.saturating_sub(1));
    result
}

pub fn json<T: DeserializeOwned>(body: &str) -> Result<T, Failure> {
    crate::json::from_str(body).map_err(|_| Failure::network())
}

async fn exchange(request: Result<Request, gloo_net::Error>) -> Result<String, Failure> {
    let request = request.map_err(|_| Failure::network())?;
    let reply = match taken_ahead(&request) {
        Some(reply) => reply.await,
        None => counted(reply(request)).await,
    };
    answer(reply)
}

async fn reply(request: Request) -> Reply {
    let response = request.send().await.ok()?;
    Some((response.status(), response.text().await.ok()?))
}

/// Sends the GET of `path` now, while the screen that will ask for it is still on its way (its
/// module arriving): the screen's own request for the same URL, if it comes within 10 s, takes
/// this answer instead of asking again.
pub fn ask_ahead(path: &str) {
    let Ok(request) = request(Method::GET, path).build() else {
        return;
    };
    let url = request.url();
    let reply = counted(reply(request)).boxed_local().shared();
    leptos::task::spawn_local(reply.clone().map(drop));
    let now = js_sys::Date::now();
    AHEAD.with(|ahead| {
        let mut ahead = ahead.borrow_mut();
        ahead.retain(|_, (sent, _)| now - *sent < AHEAD_KEPT_MS);
        ahead.insert(url, (now, reply));
    });
}

/// The answer asked ahead for `request`, if it is a GET of such a URL sent less than 10 s ago;
/// it is taken once.
fn taken_ahead(request: &Request) -> Option<SharedReply> {
    if request.method() != Method::GET {
        return None;
    }
    let (sent, reply) = AHEAD.with(|ahead| ahead.borrow_mut().remove(&request.url()))?;
    (js_sys::Date::now() - sent < AHEAD_KEPT_MS).then_some(reply)
}

async fn send<T: DeserializeOwned>(
    request: Result<Request, gloo_net::Error>,
) -> Result<T, Failure> {
    json(&exchange(request).await?)
}

/// For answers without a body (204).
async fn send_empty(request: Result<Request, gloo_net::Error>) -> Result<(), Failure> {
    exchange(request).await.map(drop)
}

fn with_body(builder: RequestBuilder, body: &impl Serialize) -> Result<Request, gloo_net::Error> {
    builder.json(body)
}

pub async fn login(body: &LoginRequest) -> Result<SessionInfo, Failure> {
    send(with_body(request(Method::POST, "/session"), body)).await
}

pub async fn whoami() -> Result<SessionInfo, Failure> {
    send(request(Method::GET, "/session").build()).await
}

/// 延长登录: the session ends one session length from now.
pub async fn extend_session() -> Result<SessionInfo, Failure> {
    send(request(Method::POST, "/session/refresh").build()).await
}

pub async fn logout() -> Result<(), Failure> {
    send_empty(request(Method::DELETE, "/session").build()).await
}

/// 海外仓备案查询: both filings together.
pub async fn filings(query: ListQuery) -> Result<Page<FilingRow>, Failure> {
    list("/filings", query).await
}

/// A page of the collection `api` (e.g. `/registrations`).
pub async fn list<T: DeserializeOwned>(api: &str, query: ListQuery) -> Result<Page<T>, Failure> {
    send(request(Method::GET, &list_path(api, &query)).build()).await
}

/// The path of a page of the collection `api`.
pub fn list_path(api: &str, query: &ListQuery) -> String {
    format!("{api}?{}", encode_query(query))
}

/// Record `id` of the collection `api`.
pub async fn get<T: DeserializeOwned>(api: &str, id: i64) -> Result<T, Failure> {
    send(request(Method::GET, &format!("{api}/{id}")).build()).await
}

/// 暂存 in the collection `api` (e.g. `/registrations`): creates the record when `id` is
/// `None`, else saves over it. `body` is the JSON of the save request; the answer is the
/// stored record's JSON.
pub async fn save(
    api: &str,
    id: Option<i64>,
    body: serde_json::Result<String>,
) -> Result<String, Failure> {
    let builder = match id {
        None => request(Method::POST, api),
        Some(id) => request(Method::PUT, &format!("{api}/{id}")),
    };
    let request = body.map_err(gloo_net::Error::from).and_then(|body| {
        builder
            .header("Content-Type", "application/json")
            .body(body)
    });
    exchange(request).await
}

pub async fn delete(api: &str, id: i64, version: i64) -> Result<(), Failure> {
    let path = format!("{api}/{id}?version={version}");
    send_empty(request(Method::DELETE, &path).build()).await
}

/// 申报 of record `id` of the collection `api`; the answer is the record's JSON.
pub async fn declare(api: &str, id: i64, version: i64) -> Result<String, Failure> {
    let builder = request(Method::POST, &format!("{api}/{id}/declare"));
    exchange(with_body(builder, &VersionCheck { version })).await
}

/// 变更 of the approved record `id` of the collection `api`; the answer is the change draft's JSON.
pub async fn open_change(api: &str, id: i64, version: i64) -> Result<String, Failure> {
    let builder = request(Method::POST, &format!("{api}/{id}/change"));
    exchange(with_body(builder, &VersionCheck { version })).await
}

/// 注销 of the approved record `id` of the collection `api`; the answer is the record's JSON.
pub async fn cancel(api: &str, id: i64, body: &CancelRequest) -> Result<String, Failure> {
    let builder = request(Method::POST, &format!("{api}/{id}/cancel"));
    exchange(with_body(builder, body)).await
}

/// The JSON of the approved versions of record `id` of the collection `api`, oldest first.
pub async fn versions(api: &str, id: i64) -> Result<String, Failure> {
    exchange(request(Method::GET, &format!("{api}/{id}/versions")).build()).await
}

/// The customs master data (`/api/codes`, one CSV cached by the browser), which the `codes`
/// module keeps for every screen.
pub async fn code_tables() -> Result<CodeTables, Failure> {
    let csv = exchange(request(Method::GET, "/codes").build()).await?;
    CodeTables::from_combined_csv(&csv).map_err(|_| Failure::network())
}

pub async fn eligibility() -> Result<WarehouseEligibility, Failure> {
    send(request(Method::GET, "/warehouses/eligibility").build()).await
}

/// Sends `file` as the body of a POST to `path` with `XMLHttpRequest`, which — unlike
/// `fetch` — reports upload progress: `progress` gets the percentage sent.
async fn post_file(
    path: &str,
    file: &web_sys::File,
    progress: impl Fn(u32) + 'static,
) -> Result<String, Failure> {
    let xhr = XmlHttpRequest::new().map_err(|_| Failure::network())?;
    xhr.open("POST", &url(path))
        .and_then(|()| xhr.set_request_header("Content-Type", &file.type_()))
        .map_err(|_| Failure::network())?;
    xhr.set_with_credentials(true);
    let on_progress = Closure::<dyn Fn(ProgressEvent)>::new(move |event: ProgressEvent| {
        if event.length_computable() && event.total() > 0.0 {
            progress((event.loaded() * 100.0 / event.total()) as u32);
        }
    });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
    }
    let done = js_sys::Promise::new(&mut |resolve, _| xhr.set_onloadend(Some(&resolve)));
    let reply = counted(async {
        xhr.send_with_opt_blob(Some(file)).ok()?;
        JsFuture::from(done).await.ok()?;
        let status = xhr.status().ok().filter(|&status| status != 0)?;
        Some((
            status,
            xhr.response_text().ok().flatten().unwrap_or_default(),
        ))
    })
    .await;
    answer(reply)
}

/// Uploads a proof document (证明材料) of warehouse `id` as the raw request body, reporting
/// the percentage sent to `progress`.
pub async fn upload_attachment(
    id: i64,
    doc_type: &str,
    file: &web_sys::File,
    progress: impl Fn(u32) + 'static,
) -> Result<AttachmentInfo, Failure> {
    let name: String = js_sys::encode_uri_component(&file.name()).into();
    let path = format!("/warehouses/{id}/attachments?doc_type={doc_type}&file_name={name}");
    json(&post_file(&path, file, progress).await?)
}

pub async fn delete_attachment(id: i64, attachment: i64) -> Result<(), Failure> {
    let path = format!("/warehouses/{id}/attachments/{attachment}");
    send_empty(request(Method::DELETE, &path).build()).await
}

/// Where the browser downloads a stored proof document.
pub fn attachment_url(id: i64, attachment: i64) -> String {
    url(&format!("/warehouses/{id}/attachments/{attachment}"))
}
