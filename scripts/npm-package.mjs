// Writes pkg/package.json from Cargo.toml's [package] table: the ES module
// for bundlers (start() in index.js, around the module wasm-bindgen made),
// the drop-in script under dist/ (what unpkg and jsdelivr serve), the
// licences and the schema.
// Usage: node scripts/npm-package.mjs Cargo.toml pkg/package.json
import { readFileSync, writeFileSync } from "node:fs";

const [cargoPath = "Cargo.toml", out = "pkg/package.json"] = process.argv.slice(2);
const cargo = readFileSync(cargoPath, "utf8");
const table = cargo.slice(cargo.indexOf("[package]"), cargo.indexOf("\n[", cargo.indexOf("[package]") + 1));
function field(name) {
  const line = table.match(new RegExp(`^${name} = (.+)$`, "m"));
  if (!line) throw new Error(`${cargoPath}: [package] has no ${name}`);
  return JSON.parse(line[1]); // Cargo.toml's strings and arrays of strings are JSON too.
}

const pkg = {
  name: field("name"),
  type: "module",
  description: field("description"),
  version: field("version"),
  license: field("license"),
  repository: { type: "git", url: field("repository") },
  files: ["index.js", "index.d.ts", "biscoito_bg.wasm", "biscoito.js", "biscoito.d.ts", "LICENSE-APACHE", "LICENSE-MIT", "dist/", "biscoito.schema.json"],
  // index.js: start() around wasm-bindgen's module (src/browser/start.js).
  main: "index.js",
  module: "index.js",
  types: "index.d.ts",
  sideEffects: ["./snippets/*"],
  keywords: field("keywords"),
  unpkg: "dist/biscoito.js",
  jsdelivr: "dist/biscoito.js",
  publishConfig: { access: "public" },
};
writeFileSync(out, `${JSON.stringify(pkg, null, 2)}\n`);
