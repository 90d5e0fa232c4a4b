//! A slow phone network and a slow phone CPU, as Lighthouse applies them through DevTools for
//! its mobile preset (`mobileSlow4G` in lighthouse's `core/config/constants.js`, sent by
//! `enableNetworkThrottling` and `Emulation.setCPUThrottlingRate`): 150 ms RTT, 1.6 Mbit/s down,
//! 750 kbit/s up, 4× CPU slowdown. DevTools throttles each request rather than packets, so
//! Lighthouse multiplies the latency by 3.75 and the throughputs by 0.9.

use owf_e2e::Browser;
use serde_json::json;

/// Lighthouse's `DEVTOOLS_RTT_ADJUSTMENT_FACTOR`.
const RTT_ADJUSTMENT: f64 = 3.75;
/// Lighthouse's `DEVTOOLS_THROUGHPUT_ADJUSTMENT_FACTOR`.
const THROUGHPUT_ADJUSTMENT: f64 = 0.9;

/// The phone the throttled loads emulate.
#[derive(Debug, Clone, Copy)]
pub struct Throttle {
    pub rtt_ms: f64,
    pub down_kbps: f64,
    pub up_kbps: f64,
    pub cpu_slowdown: f64,
}

/// Lighthouse's `mobileSlow4G`.
pub const MOBILE_SLOW_4G: Throttle = Throttle {
    rtt_ms: 150.0,
    down_kbps: 1.6 * 1024.0,
    up_kbps: 750.0,
    cpu_slowdown: 4.0,
};

/// The screen of Lighthouse's mobile preset (its `screenEmulation.mobile`, a moto g power).
pub const PHONE_SCREEN: (u32, u32) = (412, 823);

impl Throttle {
    /// The latency DevTools adds to each request (ms).
    pub fn request_latency_ms(&self) -> f64 {
        self.rtt_ms * RTT_ADJUSTMENT
    }

    /// DevTools takes bytes per second (Lighthouse: `Math.floor(kbps * 1024 / 8)`).
    fn bytes_per_sec(kbps: f64) -> f64 {
        (kbps * THROUGHPUT_ADJUSTMENT * 1024.0 / 8.0).floor()
    }

    /// Throttles the page `browser` shows; before the navigation it is to apply to.
    pub async fn apply(&self, browser: &Browser) {
        browser.cdp("Network.enable", json!({})).await;
        browser
            .cdp(
                "Network.emulateNetworkConditions",
                json!({
                    "offline": false,
                    "latency": self.request_latency_ms(),
                    "downloadThroughput": Self::bytes_per_sec(self.down_kbps),
                    "uploadThroughput": Self::bytes_per_sec(self.up_kbps),
                }),
            )
            .await;
        browser
            .cdp(
                "Emulation.setCPUThrottlingRate",
                json!({ "rate": self.cpu_slowdown }),
            )
            .await;
    }

    /// What the report states about the preset.
    pub fn describe(&self) -> String {
        format!(
            "Lighthouse's mobile preset `mobileSlow4G` through DevTools: {:.0} ms RTT \
             ({:.1} ms request latency), {:.1} kbit/s down ({:.1} × 0.9), {:.0} kbit/s up \
             ({:.0} × 0.9), {:.0}× CPU slowdown; a {}×{} phone screen",
            self.rtt_ms,
            self.request_latency_ms(),
            self.down_kbps * THROUGHPUT_ADJUSTMENT,
            self.down_kbps,
            self.up_kbps * THROUGHPUT_ADJUSTMENT,
            self.up_kbps,
            self.cpu_slowdown,
            PHONE_SCREEN.0,
            PHONE_SCREEN.1,
        )
    }
}
