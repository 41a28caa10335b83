// ESLint (flat config), run by `npm run lint`. The recommended sets of @eslint/js and typescript-eslint, not the
// type-checked set: that one needs a full TypeScript program per run and would double CI's lint time.
// Formatting is prettier's job (`prettier --check .`), so no stylistic rule is turned on here.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

// Node's globals for the plain JavaScript files (bin/, scripts/, native/); TypeScript files get theirs from tsc,
// and typescript-eslint turns no-undef off for them.
const nodeGlobals = Object.fromEntries(
  [
    "process",
    "console",
    "Buffer",
    "URL",
    "URLSearchParams",
    "setTimeout",
    "clearTimeout",
    "setInterval",
    "clearInterval",
    "setImmediate",
    "queueMicrotask",
    "structuredClone",
    "performance",
    "fetch",
    "TextEncoder",
    "TextDecoder",
  ].map((name) => [name, "readonly"]),
);

export default defineConfig(
  {
    // Build outputs, installed packages, run artefacts and generated declarations.
    ignores: ["dist/**", "node_modules/**", "native/build/**", "coverage/**", "runs/**", "out/**", "**/*.d.ts", ".gl/**", ".gpu/**", ".whl/**"],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ["**/*.{js,mjs,cjs}"],
    languageOptions: { globals: nodeGlobals },
  },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { ...nodeGlobals, module: "writable", require: "readonly", __dirname: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    rules: {
      // The codebase is `any`-free (CONTRACT): keep it that way.
      "@typescript-eslint/no-explicit-any": "error",
      // Unused bindings are dead code; a leading underscore marks one that is unused on purpose (a callback's
      // required parameter, a destructured field left out).
      "no-unused-vars": "off",
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          args: "after-used",
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          caughtErrorsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          ignoreRestSiblings: true,
        },
      ],
    },
  },
);
