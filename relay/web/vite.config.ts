import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The relay serves the build output; during development `npm run dev` proxies the API to a
// running relay (CCC_RELAY_URL, default the demo's port).
const relay = process.env.CCC_RELAY_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  build: {
    target: "es2022",
    sourcemap: false,
    // A strict CSP (script-src 'self') forbids inline scripts: keep everything in files.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: { proxy: { "/api": relay } },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
  },
});
