// The generated JSON Schema (docs/biscoito.schema.json) is a valid 2020-12
// schema that accepts every config the project ships and refuses the bad one:
// what an editor would tell a maintainer agrees with what the banner does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';

const root = new URL('../../', import.meta.url).pathname;
const schema = JSON.parse(readFileSync(join(root, 'docs/biscoito.schema.json'), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true, validateFormats: false });
const validate = ajv.compile(schema);

// This page tests how an invalid inline config is reported.
const INVALID_ON_PURPOSE = 'www/test/order.html';

function inlineConfig(page) {
  const inline = readFileSync(page, 'utf8').match(/<script[^>]*id="biscoito-config"[^>]*>([\s\S]*?)<\/script>/);
  return inline && inline[1];
}

function htmlFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? htmlFiles(path) : path.endsWith('.html') ? [path] : [];
  });
}

test('every demo page config and the good sample satisfy the schema', () => {
  const configs = [[join(root, 'tests/configs/good.json'), readFileSync(join(root, 'tests/configs/good.json'), 'utf8')]];
  for (const page of htmlFiles(join(root, 'www'))) {
    const inline = inlineConfig(page);
    if (inline && !page.endsWith(INVALID_ON_PURPOSE)) configs.push([page, inline]);
  }
  assert.ok(configs.length >= 5, `found ${configs.length} configs`);
  for (const [where, text] of configs) {
    assert.ok(validate(JSON.parse(text)), `${where}: ${ajv.errorsText(validate.errors)}`);
  }
});

test('the deliberately invalid test page config is refused', () => {
  assert.equal(validate(JSON.parse(inlineConfig(join(root, INVALID_ON_PURPOSE)))), false);
});

test('the bad sample is refused at the same fields the validator names', () => {
  const bad = JSON.parse(readFileSync(join(root, 'tests/configs/bad.json'), 'utf8'));
  assert.equal(validate(bad), false);
  const paths = validate.errors.map((e) => e.instancePath + (e.params.additionalProperty ? '/' + e.params.additionalProperty : ''));
  assert.ok(paths.includes('/expiresAfterDays'), paths.join(' '));
  assert.ok(paths.includes('/policyUrl'), paths.join(' '));
  assert.ok(paths.includes('/categories/1/enabled'), paths.join(' '));
});

// A static portal repeats its config on every page; a page that drifts from
// the others would ask visitors again as they move between them.
test('every page of a demo portal carries the same config', () => {
  const portals = {
    defensoria: [join(root, 'www/index.html'), join(root, 'www/defensoria/privacidade.html')],
    tribunal: htmlFiles(join(root, 'www/tribunal')),
  };
  for (const [portal, pages] of Object.entries(portals)) {
    assert.ok(pages.length >= 2, `${portal}: ${pages.length} pages`);
    const [first, ...rest] = pages.map((page) => [page, JSON.parse(inlineConfig(page))]);
    for (const [page, config] of rest) assert.deepEqual(config, first[1], `${page} differs from ${first[0]}`);
  }
});
