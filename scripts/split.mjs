// trunk's pre-build hook (Trunk.toml): builds the frontend as split WebAssembly modules, which
// trunk itself cannot (trunk issue #1022). The login screen and the layout stay in the first
// module; each `#[lazy]` screen of frontend/src/app.rs goes into a module of its own, loaded when
// first shown. The steps, in the order the splitter needs (cargo-leptos's `--split` does the same):
//
//   1. cargo: the frontend for wasm32, linked with `--emit-relocs` (the splitter reads them);
//   2. wasm-split-cli: the main module, one module per split point and shared chunks, and the
//      loader `__wasm_split.js`;
//   3. wasm-bindgen on the main module, `--keep-lld-exports` (the chunks import those exports);
//   4. release: wasm-opt -Oz on every module.
//
// The tools are the ones the Makefile installs: wasm-bindgen equal to the crate in Cargo.lock and
// wasm-split-cli and npm's wasm-opt (tools/binaryen) on PATH.
//
// The output goes into the staging dist as the folder `owf-frontend-<hash>/`, named by the hash
// of its content, so the server caches it for a year (backend/src/http/assets.rs); its files
// refer to each other relatively. The start-up (preloads and the script that starts the app),
// which index.html inlines, is written to target/split/start.html.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const NAME = "owf-frontend";
const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) {
  console.error("split: TRUNK_STAGING_DIR is not set (run by trunk's pre_build hook)");
  process.exit(1);
}
const release = process.env.TRUNK_PROFILE === "release";
const publicUrl = process.env.TRUNK_PUBLIC_URL ?? "/";

const run = (command, args) => execFileSync(command, args, { stdio: ["ignore", "inherit", "inherit"] });

// 1. cargo. `cargo rustc` gives the link argument to the frontend alone, so the dependencies
// keep the build cache they share with `cargo build` and clippy.
const profile = release ? "wasm-release" : "dev";
const metadata = JSON.parse(
  execFileSync("cargo", ["metadata", "--format-version=1", "--no-deps", "--offline"], { encoding: "utf8" }),
);
const workspace = metadata.workspace_root;
run("cargo", [
  "rustc", "--offline", "--package", NAME, "--bin", NAME, "--profile", profile,
  "--target", "wasm32-unknown-unknown", "--", "-Clink-arg=--emit-relocs",
]);
const profileDir = release ? profile : "debug";
const linked = join(metadata.target_directory, "wasm32-unknown-unknown", profileDir, `${NAME}.wasm`);

// 2. wasm-split-cli, into a fresh work folder.
const work = join(workspace, "target", "split");
const out = join(work, "out");
rmSync(work, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
run("wasm-split-cli", ["--target", "web", "--out-name", NAME, linked, out]);

// 3. wasm-bindgen on the main module, which the splitter wrote as NAME.wasm.
const main = join(work, `${NAME}.wasm`);
renameSync(join(out, `${NAME}.wasm`), main);
run("wasm-bindgen", [
  "--target", "web", "--keep-lld-exports", "--no-demangle", "--no-typescript",
  "--out-dir", out, "--out-name", NAME, main,
]);

// 4. release: wasm-opt -Oz on every module, with the features cargo-leptos enables for its split
// builds (binaryen's own defaults lack them). The browser tests pass against this build; the main
// module is 9 % smaller than with only its names stripped (about 2 % gzip).
const files = readdirSync(out).sort();
if (release) {
  for (const name of files.filter((name) => name.endsWith(".wasm"))) {
    const path = join(out, name);
    run("wasm-opt", ["-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int", path, "-o", path]);
  }
}

// The folder's name carries the hash of everything in it.
const hash = createHash("sha256");
for (const name of files) {
  hash.update(name).update("\0").update(readFileSync(join(out, name)));
}
const folder = `${NAME}-${hash.digest("hex").slice(0, 16)}`;
cpSync(out, join(staging, folder), { recursive: true });

// The start-up: what index.html inlines at the top of its head. The main module and its two
// scripts are preloaded, so that the browser asks for them while it reads the head: the script
// that starts the app is a module script, which waits for the stylesheets, and the glue imports
// the splitter's loader only once it has arrived itself. The script's fetch of the module is the
// preload's (same URL, mode and credentials).
// A browser that holds a login (the script-readable hint cookie the server sets beside the
// session's, backend/src/auth/session.rs) and opens a screen after login also asks at once for
// what that screen needs — the chunks the screens' modules share and its own module (the
// 订仓单's under /booking, the filings' elsewhere; frontend/src/screens.rs) — which would
// otherwise be asked for only once the first module runs — and for the login and the code
// tables, which the app asks for first and takes from `window.owfAhead` (frontend/src/api.rs).
const root = publicUrl.replace(/\/?$/, "/");
const base = `${root}${folder}/`;
const wasm = `${base}${NAME}_bg.wasm`;
const chunks = files.filter((name) => name.startsWith("chunk_") && name.endsWith(".wasm"));
const preloadScreens =
  `if (/(^|; )owf_signed_in=1(;|$)/.test(document.cookie) && location.pathname !== "${root}login") {\n` +
  `  const own = location.pathname.startsWith("${root}booking") ? "split_booking.wasm" : "split_screens.wasm";\n` +
  `  for (const name of [...${JSON.stringify(chunks)}, own]) {\n` +
  '    const link = Object.assign(document.createElement("link"), { rel: "preload", as: "fetch", crossOrigin: "" });\n' +
  `    link.href = "${base}" + name;\n` +
  "    document.head.append(link);\n" +
  "  }\n" +
  '  window.owfAhead = new Map(["/api/session", "/api/codes"].map((path) => {\n' +
  "    const url = new URL(path, location.href).href;\n" +
  '    return [url, fetch(url, { credentials: "include" })];\n' +
  "  }));\n" +
  "}\n";
writeFileSync(
  join(work, "start.html"),
  `<script>\n${preloadScreens}</script>\n` +
    `<link rel="preload" href="${wasm}" as="fetch" type="application/wasm" crossorigin>\n` +
    `<link rel="modulepreload" href="${base}${NAME}.js">\n` +
    `<link rel="modulepreload" href="${base}__wasm_split.js">\n` +
    "<script type=\"module\">\n" +
    `const wasm = fetch("${wasm}");\n` +
    `const { default: init } = await import("${base}${NAME}.js");\n` +
    "await init({ module_or_path: wasm });\n" +
    "</script>\n",
);
