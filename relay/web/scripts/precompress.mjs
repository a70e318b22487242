#!/usr/bin/env node
// Writes a gzip -9 sibling ("x.js.gz") next to every compressible file of a built portal, so
// ccc-relay can send it to browsers that accept gzip without compressing per request
// (relay/http/static_site.h). Usage: node scripts/precompress.mjs <build output dir>
//
// Only text formats are compressed (images and fonts already are), only files above 512
// bytes (smaller ones gain nothing once headers count), and a .gz that would not be smaller
// than its original is not written. The output is deterministic: no name or time in the
// gzip header, so the same build gives the same bytes (and the same ETag).
import { readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join, extname } from "node:path";
import { constants, gzipSync } from "node:zlib";

const EXTENSIONS = new Set([".js", ".mjs", ".css", ".html", ".svg", ".json", ".webmanifest"]);
const MIN_BYTES = 512;

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile()) yield path;
  }
}

async function main(root) {
  if (!root) throw new Error("usage: node precompress.mjs <dir>");
  if (!(await stat(root)).isDirectory()) throw new Error(`${root} is not a directory`);
  let written = 0;
  let before = 0;
  let after = 0;
  for await (const path of files(root)) {
    if (!EXTENSIONS.has(extname(path).toLowerCase())) continue;
    const body = await readFile(path);
    const target = `${path}.gz`;
    // A .gz from an earlier run must not outlive a change of its original.
    await rm(target, { force: true });
    if (body.length <= MIN_BYTES) continue;
    const gz = gzipSync(body, { level: constants.Z_BEST_COMPRESSION });
    if (gz.length >= body.length) continue;
    await writeFile(target, gz);
    written += 1;
    before += body.length;
    after += gz.length;
  }
  console.log(
    `precompress: ${written} files in ${root}, ${(before / 1024).toFixed(1)} KiB -> ` +
      `${(after / 1024).toFixed(1)} KiB gzip`,
  );
}

main(process.argv[2]).catch((error) => {
  console.error(`precompress: ${error.message}`);
  process.exit(1);
});
