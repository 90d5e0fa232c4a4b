// trunk's post-build hook (Trunk.toml): writes NAME.br (brotli, quality 11) and NAME.gz (gzip -9)
// beside every compressible file of the build, which `owf serve` sends to browsers that accept
// them (backend/src/http/assets.rs). Node's own zlib: nothing to install beyond the node that
// already runs binaryen's wasm-opt.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error("precompress: TRUNK_STAGING_DIR is not set (run by trunk's post_build hook)");
  process.exit(1);
}
// Every file, in the folders too (the split modules: scripts/split.mjs).
for (const name of readdirSync(dir, { recursive: true })) {
  // config.json is left out: a deployment edits it after the build (its `api_base`).
  if (!/\.(wasm|js|css|html)$/.test(name)) continue;
  const path = join(dir, name);
  if (!statSync(path).isFile()) continue;
  const raw = readFileSync(path);
  const br = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
  writeFileSync(`${path}.br`, br);
  writeFileSync(`${path}.gz`, gzipSync(raw, { level: 9 }));
}
