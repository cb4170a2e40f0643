// Completes the package.json wasm-pack writes into pkg/: the drop-in script
// under dist/ (what unpkg and jsdelivr serve), the licences and the schema.
import { readFileSync, writeFileSync } from "node:fs";

const path = process.argv[2] || "pkg/package.json";
const pkg = JSON.parse(readFileSync(path, "utf8"));
pkg.files = [...new Set([...(pkg.files || []), "dist/", "LICENSE-MIT", "LICENSE-APACHE", "biscoito.schema.json"])];
pkg.unpkg = "dist/biscoito.js";
pkg.jsdelivr = "dist/biscoito.js";
pkg.publishConfig = { access: "public" };
writeFileSync(path, `${JSON.stringify(pkg, null, 2)}\n`);
