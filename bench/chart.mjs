// The bench's chart: one panel per figure a visitor pays, one bar per
// manager (medians; thin line = min–max). Plain SVG, no dependency.
// `node chart.mjs` redraws docs/bench/chart.svg from docs/bench/results.json.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
const PANELS = [
  { title: "Bytes transferred on a first visit (gzip, kB)", value: (r) => [r.bytes.gzip / 1000], range: () => null, unit: "" },
  { title: "Time to banner, no throttling (ms)", value: (r) => [r.cpu1x.bannerMs.median], range: (r) => r.cpu1x.bannerMs },
  { title: "Time to banner, 4× CPU throttling (ms)", value: (r) => [r.cpu4x.bannerMs.median], range: (r) => r.cpu4x.bannerMs },
  { title: "Returning visitor: analytics requested, 4× throttling (ms)", value: (r) => [r.cpu4x.returningMs.median], range: (r) => r.cpu4x.returningMs },
];
const COLORS = { biscoito: "#b3541e", cookieconsent: "#3d5a80", klaro: "#5c7f4f", tarteaucitron: "#6d597a" };

const escape = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

export function chart(environment, summary) {
  const names = Object.keys(summary);
  const width = 760, labelWidth = 170, barArea = width - labelWidth - 70, barHeight = 18, gap = 6;
  const panelHeight = 28 + names.length * (barHeight + gap) + 14;
  const height = 44 + PANELS.length * panelHeight + 40;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif" font-size="13" role="img" aria-labelledby="t">`,
    `<title id="t">Biscoito bench ${escape(environment.date)}: bytes, time to banner and returning-visitor time per consent manager</title>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="12" y="24" font-size="15" font-weight="bold">Biscoito bench, ${escape(environment.date)} (medians of ${environment.runs} runs, shorter is better)</text>`,
  ];
  PANELS.forEach((panel, p) => {
    const top = 44 + p * panelHeight;
    const max = Math.max(...names.map((n) => Math.max(panel.value(summary[n])[0], panel.range(summary[n])?.max ?? 0)));
    parts.push(`<text x="12" y="${top + 16}" font-weight="bold">${escape(panel.title)}</text>`);
    names.forEach((name, i) => {
      const y = top + 26 + i * (barHeight + gap);
      const value = panel.value(summary[name])[0];
      const w = Math.max(1, (value / max) * barArea);
      parts.push(`<text x="12" y="${y + 13}">${escape(summary[name].label)}</text>`);
      parts.push(`<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="${COLORS[name] || "#666"}"/>`);
      const range = panel.range(summary[name]);
      let end = labelWidth + w;
      if (range) {
        const x1 = labelWidth + (range.min / max) * barArea, x2 = labelWidth + (range.max / max) * barArea;
        parts.push(`<line x1="${x1.toFixed(1)}" x2="${x2.toFixed(1)}" y1="${y + barHeight / 2}" y2="${y + barHeight / 2}" stroke="#111" stroke-width="1.5"/>`);
        end = Math.max(end, x2);
      }
      parts.push(`<text x="${(end + 6).toFixed(1)}" y="${y + 13}">${value.toFixed(value < 100 ? 1 : 0)}</text>`);
    });
  });
  parts.push(`<text x="12" y="${height - 24}" font-size="11" fill="#444">${escape(environment.machine)}; Chromium ${escape(environment.chromium)}; Node ${escape(environment.node)}</text>`);
  parts.push(`<text x="12" y="${height - 8}" font-size="11" fill="#444">${escape(Object.entries(environment.versions).map(([k, v]) => `${k} ${v}`).join(", "))}</text>`);
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = new URL("../docs/bench/", import.meta.url);
  const { environment, summary } = JSON.parse(readFileSync(new URL("results.json", dir), "utf8"));
  writeFileSync(new URL("chart.svg", dir), chart(environment, summary));
}
