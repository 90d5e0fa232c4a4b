//! First render: cold loads (a fresh Chromium profile each) of the login page and of a
//! logged-in user's first page of 海外仓备案查询, up to the app's Performance marks
//! `owf-login-ready` and `owf-results-drawn`; beside each, a static HTML page of what the app
//! draws there (`static_pages`), served by the same server and read at the same mark. Every
//! page is loaded on loopback and throttled as a slow phone (`throttle`), app and baseline taking
//! turns; after each throttled cold load of the app's login, the same browser visits the login
//! again.

use std::path::Path;
use std::time::Duration;

use owf_e2e::Browser;

use crate::page_load::{log_in, until_mark, Load};
use crate::server::Owf;
use crate::static_pages;
use crate::stats::median;
use crate::throttle::{Throttle, MOBILE_SLOW_4G, PHONE_SCREEN};

/// Loads of one page: the app's, and the static baseline's.
#[derive(Debug, Default)]
pub struct Pair {
    pub app: Vec<Load>,
    pub baseline: Vec<Load>,
}

/// Median milliseconds to the mark.
pub fn median_ms(loads: &[Load]) -> f64 {
    median(&mut loads.iter().map(|l| l.ms).collect::<Vec<_>>())
}

/// Median bytes transferred before the mark.
pub fn median_bytes(loads: &[Load]) -> f64 {
    median(&mut loads.iter().map(|l| l.bytes as f64).collect::<Vec<_>>())
}

/// The two screens under one network.
#[derive(Debug, Default)]
pub struct Screens {
    pub login: Pair,
    pub results: Pair,
}

pub struct Render {
    pub loads: usize,
    pub throttle: Throttle,
    pub loopback: Screens,
    pub throttled: Screens,
    /// The login visited again (from `about:blank`) in the browser of a throttled cold load of it.
    pub second_visit: Vec<Load>,
}

#[derive(Debug, Clone, Copy)]
enum Screen {
    Login,
    Results,
}

#[derive(Debug, Clone, Copy)]
enum Side {
    App,
    Baseline,
}

impl Screen {
    fn mark(self) -> &'static str {
        match self {
            Screen::Login => "owf-login-ready",
            Screen::Results => "owf-results-drawn",
        }
    }

    fn path(self, side: Side) -> &'static str {
        match (self, side) {
            (Screen::Login, Side::App) => "/login",
            (Screen::Login, Side::Baseline) => static_pages::LOGIN,
            (Screen::Results, Side::App) => "/query?page=1",
            (Screen::Results, Side::Baseline) => static_pages::RESULTS,
        }
    }

    fn of(self, screens: &mut Screens) -> &mut Pair {
        match self {
            Screen::Login => &mut screens.login,
            Screen::Results => &mut screens.results,
        }
    }
}

impl Side {
    fn of(self, pair: &mut Pair) -> &mut Vec<Load> {
        match self {
            Side::App => &mut pair.app,
            Side::Baseline => &mut pair.baseline,
        }
    }
}

/// How long the bytes must stay the same after the mark: longer than a small answer takes.
fn settle(throttle: Option<Throttle>) -> Duration {
    throttle.map_or(Duration::from_millis(200), |t| {
        Duration::from_secs_f64(2.0 * t.request_latency_ms() / 1000.0)
    })
}

/// A cold load of `screen` on `side` in a fresh browser (a phone's screen and network under
/// `throttle`); the browser stays open on the page.
async fn cold_load(
    server: &Owf,
    screen: Screen,
    side: Side,
    throttle: Option<Throttle>,
) -> (Browser, Load) {
    let b = match throttle {
        Some(_) => Browser::start_sized("bench", PHONE_SCREEN.0, PHONE_SCREEN.1).await,
        None => Browser::start("bench").await,
    };
    if matches!(screen, Screen::Results) {
        log_in(&b, server).await;
    }
    if let Some(t) = throttle {
        b.goto("about:blank").await;
        t.apply(&b).await;
    }
    b.goto(&server.url(screen.path(side))).await;
    let load = until_mark(&b, screen.mark(), settle(throttle)).await;
    (b, load)
}

/// `loads` cold loads of each page, on loopback and throttled, against `owf serve` on `url` (a
/// database whose zone enterprise has filings).
pub async fn run(bin: &Path, dist: &Path, url: &str, loads: usize) -> Render {
    let copy = static_pages::copy_dist(dist);
    let server = Owf::start(bin, url, &copy.0, &["--no-relay"]).await;
    static_pages::write(&copy.0, &server).await;
    let mut render = Render {
        loads,
        throttle: MOBILE_SLOW_4G,
        loopback: Screens::default(),
        throttled: Screens::default(),
        second_visit: Vec::new(),
    };
    for n in 0..loads {
        // App and baseline take turns at going first: the machine's drift weighs on both.
        let sides = if n % 2 == 0 {
            [Side::App, Side::Baseline]
        } else {
            [Side::Baseline, Side::App]
        };
        for throttle in [None, Some(render.throttle)] {
            for screen in [Screen::Login, Screen::Results] {
                for side in sides {
                    let (b, load) = cold_load(&server, screen, side, throttle).await;
                    let screens = match throttle {
                        Some(_) => &mut render.throttled,
                        None => &mut render.loopback,
                    };
                    side.of(screen.of(screens)).push(load);
                    if let (Some(t), Screen::Login, Side::App) = (throttle, screen, side) {
                        b.goto("about:blank").await;
                        b.goto(&server.url("/login")).await;
                        let again = until_mark(&b, screen.mark(), settle(Some(t))).await;
                        render.second_visit.push(again);
                    }
                    b.close().await;
                }
            }
        }
    }
    render
}
