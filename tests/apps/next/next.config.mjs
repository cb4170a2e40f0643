// A static export: `next build` renders every page on the server (in Node,
// without a DOM) and writes plain files to out/.
export default { output: "export", distDir: "dist", images: { unoptimized: true } };
