//! Export of a result as a CSV file the clerk opens in a spreadsheet.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::components::result_table::{Header, Row};

/// One CSV value: quoted when needed; a leading `=`, `+`, `-` or `@` is neutralised so a
/// spreadsheet does not run it as a formula.
fn value(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The rows as CSV with a header line, BOM first so spreadsheet programs read UTF-8.
pub fn to_csv(headers: &[Header], rows: &[Row]) -> String {
    let line = |cells: Vec<String>| cells.join(",") + "\r\n";
    let mut csv = String::from('\u{FEFF}');
    csv += &line(headers.iter().map(|h| value(h.label)).collect());
    for row in rows {
        csv += &line(row.iter().map(|c| value(&c.text)).collect());
    }
    csv
}

/// Lets the browser save `content` as `file_name`.
pub fn download(file_name: &str, content: &str) {
    let href = format!(
        "data:text/csv;charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(content))
    );
    let link = document()
        .create_element("a")
        .ok()
        .and_then(|el| el.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(link) = link {
        link.set_href(&href);
        link.set_download(file_name);
        link.click();
    }
}
