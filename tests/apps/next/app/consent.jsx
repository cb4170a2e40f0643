"use client";
// The README's Next.js recipe: a client component in the root layout. The
// package is imported here, so the server render imports it too (without a
// DOM); start() runs only in the browser, from the effect.
import { useEffect } from "react";
import { start } from "biscoito";

const config = {
  revision: 1,
  policyUrl: "/privacidade.html",
  categories: [{ id: "necessary", required: true }, { id: "analytics" }, { id: "videos" }],
  googleAnalytics: { measurementId: "G-VITEAPP123" },
};

export default function Consent() {
  useEffect(() => { start(config); }, []);
  return null;
}
