// `biscoito import-govbr` on the gov.br Design System's own sample cookie
// bar configuration, read from the design system's npm package (a dev
// dependency of these tests only; nothing of it ships): the output is a
// config the schema and `biscoito check` accept, and what the old setup
// lacked is said.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv2020 from "ajv/dist/2020.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const BIN = process.env.BISCOITO_BIN || join(root, "target", "debug", "biscoito");

/** The design system's sample, as its own cookie bar example loads it. */
function designSystemSample() {
  // The package's bundle is a browser UMD module that names `self`.
  globalThis.self ??= globalThis;
  const require = createRequire(import.meta.url);
  return require("@govbr-ds/core/dist/components/cookiebar/jsonData.js").default;
}

function biscoito(...args) {
  const run = spawnSync(BIN, args, { encoding: "utf8" });
  assert.equal(run.error, undefined, `${BIN} could not run: make test-e2e builds it`);
  return run;
}

test("the design system's sample cookie bar imports into a config the schema and biscoito check accept", () => {
  const dir = mkdtempSync(join(tmpdir(), "biscoito-govbr-"));
  const input = join(dir, "cookiebar.json");
  writeFileSync(input, designSystemSample());
  const run = biscoito("import-govbr", input);
  assert.equal(run.status, 0, run.stderr);
  const config = JSON.parse(run.stdout);

  const schema = JSON.parse(readFileSync(join(root, "docs", "biscoito.schema.json"), "utf8"));
  const validate = new Ajv2020({ allErrors: true, strict: true, validateFormats: false }).compile(schema);
  assert.ok(validate(config), JSON.stringify(validate.errors));

  // The sample's three groups: the one that cannot be opted out of is required.
  const sample = JSON.parse(designSystemSample())[0];
  assert.deepEqual(config.categories.map((c) => [c.id, !!c.required]),
    sample.cookieGroups.map((g) => [g.groupId, !g.groupOptOut]));
  assert.equal(config.categories[0].cookies.length, sample.cookieGroups[0].cookieList.length);
  assert.equal(config.categories[0].title, sample.cookieGroups[0].groupName);
  assert.equal(config.texts["pt-BR"].bannerTitle, sample.mainTitle);

  // stderr: what was left out, with its path, and what the old setup lacked.
  assert.match(run.stderr, /not imported: \[0\]\.cookieGroups\[0\]\.cookieList\[0\]\.domain:/);
  assert.match(run.stderr, /not imported: \[0\]\.acceptButton:/);
  assert.match(run.stderr, /old setup: \[0\]:\n {2}pt-BR: O br-cookiebar não tem "Rejeitar todos"/);
  // The sample pre-selects its "desempenho" group: not carried, and said why.
  assert.ok(sample.cookieGroups[1].groupSelected && sample.cookieGroups[1].groupOptOut);
  assert.match(run.stderr, /old setup: \[0\]\.cookieGroups\[1\]\.groupSelected:\n {2}pt-BR: Grupo opcional pré-selecionado/);
  // Its only link is "#": no policy link, which the lint then asks for.
  assert.match(run.stderr, /compliance \(biscoito check\): policyUrl:/);

  const output = join(dir, "biscoito.json");
  writeFileSync(output, run.stdout);
  const check = biscoito("check", output);
  assert.doesNotMatch(check.stdout, /error:/, check.stdout);
  assert.match(check.stdout, /0 error\(s\), 1 compliance finding\(s\)/);
});

test("import-govbr says clearly when the input is not a cookie bar configuration", () => {
  const dir = mkdtempSync(join(tmpdir(), "biscoito-govbr-"));
  const notJson = join(dir, "a.json");
  writeFileSync(notJson, "[{");
  let run = biscoito("import-govbr", notJson);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /not valid JSON/);
  assert.equal(run.stdout, "", "nothing half-written to stdout");
  const other = join(dir, "b.json");
  writeFileSync(other, JSON.stringify({ categories: [] }));
  run = biscoito("import-govbr", other);
  assert.equal(run.status, 1);
  assert.match(run.stderr, /no br-cookiebar language object/);
  run = biscoito("import-govbr", join(dir, "missing.json"));
  assert.equal(run.status, 2);
  assert.match(run.stderr, /cannot read/);
});
