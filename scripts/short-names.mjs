// Gives the module's imports and exports one- or two-letter names, in the
// wasm and in the glue that calls them. wasm-bindgen names every import after
// the web-sys function and a 16-digit hash, and every visitor downloads each
// of those names twice (import section and glue): 5.1 kB gzipped of 60.6.
// binaryen renames the wasm side; this script rewrites the glue to match and
// fails the build if any old name is left in it.
// Usage: node scripts/short-names.mjs long.wasm short.wasm glue.js
import { readFileSync, writeFileSync } from "node:fs";

const [longPath, shortPath, gluePath] = process.argv.slice(2);
const long = new WebAssembly.Module(readFileSync(longPath));
const short = new WebAssembly.Module(readFileSync(shortPath));
let glue = readFileSync(gluePath, "utf8");

// binaryen renames in place: the n-th import (export) of one module is the
// n-th of the other. Checked, not assumed.
function pairs(before, after, what) {
  if (before.length !== after.length) throw new Error(`${what}: ${before.length} before, ${after.length} after`);
  return before.map((b, i) => {
    if (b.kind !== after[i].kind) throw new Error(`${what} ${b.name}: ${b.kind} became ${after[i].kind}`);
    return [b, after[i]];
  });
}
const imports = pairs(WebAssembly.Module.imports(long), WebAssembly.Module.imports(short), "imports");
const exports = pairs(WebAssembly.Module.exports(long), WebAssembly.Module.exports(short), "exports");
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function replaceAll(pattern, replacement, expected, what) {
  let count = 0;
  glue = glue.replace(pattern, () => (count++, replacement));
  if (count !== expected) throw new Error(`${what}: found ${count} times in the glue, expected ${expected}`);
}

// The import object: one `module: object` entry per module, one
// `name: function` property per import.
for (const module of new Set(imports.map(([b]) => b.module))) {
  const renamed = imports.find(([b]) => b.module === module)[1].module;
  replaceAll(new RegExp(`${JSON.stringify(module)}(?=\\s*:)`, "g"), JSON.stringify(renamed), 1, `module ${module}`);
}
for (const [before, after] of imports) {
  replaceAll(new RegExp(`(?<![\\w$])${escape(before.name)}(?=\\s*:)`, "g"), JSON.stringify(after.name), 1, `import ${before.name}`);
}
// Exports are read as `wasm.name`, any number of times (some never).
for (const [before, after] of exports) {
  glue = glue.replace(new RegExp(`\\bwasm\\.${escape(before.name)}(?![\\w$])`, "g"), `wasm[${JSON.stringify(after.name)}]`);
}
// Import names are hashed, so any other mention is a use this script missed.
// (Export names are not: the glue's own wrappers are called `boot`, `init`...)
for (const [before] of imports) {
  if (new RegExp(`(?<![\\w$])${escape(before.name)}(?![\\w$])`).test(glue)) {
    throw new Error(`${before.name} is still in the glue under its old name: a use this script does not rewrite`);
  }
}
writeFileSync(gluePath, glue);
