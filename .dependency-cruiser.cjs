// Layer rules of Linea, checked by `npm run lint:layers` (part of `npm run lint`).
//
// The pipeline reads bottom-up: ast → diagnostics → parser → compiler (checker, then the tfjs back end) →
// runtime sits beside it as a leaf library of spaces/operators/networks; verify, train and apps build on the
// compiler and runtime; cli is the top and nobody imports it. Each rule below says which edge it forbids and why.
// spec/lint/layers.spec.ts plants one violation per rule in a scratch tree and checks that it is reported.
//
// Type-only imports count (tsPreCompilationDeps: true): a layer that names another layer's types is coupled to
// it, and the checker must stay importable from a browser bundle whose bundler may not erase them.

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "runtime-is-a-leaf",
      comment:
        "src/runtime is the numeric library (spaces, operators, networks, backends, io) every stage runs on; it must " +
        "not know the language, so it imports nothing from the compiler, parser, verify, train, apps or cli.",
      severity: "error",
      from: { path: "^src/runtime/" },
      to: { path: "^src/(compiler|parser|verify|train|cli|apps)/" },
    },
    {
      name: "parser-without-runtime",
      comment:
        "The parser turns text into an AST and must load without TensorFlow.js (editors, the language server, a " +
        "browser), so it imports neither src/runtime nor any @tensorflow package.",
      severity: "error",
      from: { path: "^src/parser/" },
      to: { path: ["^src/runtime/", "(^|/)node_modules/@tensorflow/"] },
    },
    {
      name: "checker-without-tfjs",
      comment:
        "The checker is tfjs-free and browser-importable (the language server runs it on every keystroke), so no " +
        "module under src/compiler/checker may reach @tensorflow/* — directly or through any module it imports " +
        "(reachable: the whole transitive closure, e.g. a src/runtime file that imports tfjs-core).",
      severity: "error",
      from: { path: "^src/compiler/checker/" },
      to: { path: "(^|/)node_modules/@tensorflow/", reachable: true },
    },
    {
      name: "checker-without-node",
      comment:
        "Same reason as checker-without-tfjs: the checker core runs in a browser, so it reaches no node: builtin; " +
        "the disk host (nodeFileHost) lives in its own file, whose name says node (node_host.ts, nodeFileHost.ts…): " +
        "that file is the one exception.",
      severity: "error",
      from: { path: "^src/compiler/checker/", pathNot: "^src/compiler/checker/[^/]*[Nn]ode[^/]*\\.ts$" },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "diagnostics-bottom",
      comment:
        "src/diagnostics (codes, the error base class, rendering) is imported by every stage, so it may import only " +
        "src/ast (source locations); anything else would create a cycle between the stages and their messages.",
      severity: "error",
      from: { path: "^src/diagnostics/" },
      to: { path: "^src/", pathNot: "^src/(diagnostics|ast)/" },
    },
    {
      name: "no-cli-imports",
      comment:
        "src/cli is the top of the stack (flag parsing and printing); library code, tests of the library and " +
        "benches use src/apps or the stages themselves. Only the cli itself and the bin/ launcher import it.",
      severity: "error",
      from: { pathNot: ["^src/cli/", "^bin/"] },
      to: { path: "^src/cli/" },
    },
    {
      name: "no-circular",
      comment:
        "Import cycles make load order matter (undefined bindings at module init) and make a layer impossible to " +
        "lift out on its own; break them by moving the shared piece down a layer.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      comment: "An import dependency-cruiser cannot resolve is a typo or a missing package: tsc may not see it (bin/ is JS).",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: "no-orphans",
      comment:
        "A module nobody imports (and that is no entry point) is probably dead; warn only, because entry points " +
        "(src/index.ts, src/cli/main.ts, bin/linea.js) are orphans by design.",
      severity: "warn",
      from: {
        orphan: true,
        pathNot: ["(^|/)\\.[^/]+\\.(js|cjs|mjs|ts|json)$", "\\.d\\.ts$", "^src/index\\.ts$", "^bin/", "^src/cli/main\\.ts$"],
      },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["^dist/", "^native/build/"] },
    // Type-only imports are layer edges too (see the header).
    tsPreCompilationDeps: true,
    // Resolve through tsconfig.json (NodeNext): `./x.js` in a .ts file is the file x.ts.
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".mjs", ".cjs", ".json", ".d.ts"],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
