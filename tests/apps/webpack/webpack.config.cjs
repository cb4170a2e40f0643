// The README's webpack 5 recipe: nothing Biscoito-specific. webpack emits
// the module that `new URL("biscoito_bg.wasm", import.meta.url)` names as an
// asset of its own.
const path = require("node:path");
const { readFileSync } = require("node:fs");

// The page itself, copied as it is (an app would use html-webpack-plugin).
class CopyPage {
  apply(compiler) {
    compiler.hooks.thisCompilation.tap("CopyPage", (compilation) => {
      compilation.hooks.processAssets.tap({ name: "CopyPage", stage: compiler.webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL }, () => {
        compilation.emitAsset("index.html", new compiler.webpack.sources.RawSource(readFileSync(path.join(__dirname, "index.html"))));
      });
    });
  }
}

module.exports = {
  mode: "production",
  entry: "./src/main.js",
  output: { path: path.resolve(__dirname, "dist"), filename: "main.js", publicPath: "/", clean: true },
  plugins: [new CopyPage()],
};
