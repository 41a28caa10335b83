// Prints the plain closing line CI reads ("N passed, N failed, N skipped") from vitest's JSON reports.
import { readFileSync } from "node:fs";

const files = process.argv.length > 2 ? process.argv.slice(2) : [".vitest-report.json"];
let passed = 0,
  failed = 0,
  skipped = 0;
for (const file of files) {
  let report;
  try {
    report = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    console.log(`vitest report ${file} unreadable: ${error.message}`);
    failed += 1;
    continue;
  }
  passed += report.numPassedTests ?? 0;
  // A file that fails to load has no tests of its own but is a failure all the same.
  const brokenSuites = (report.testResults ?? []).filter((r) => r.status === "failed" && (r.assertionResults ?? []).every((a) => a.status !== "failed")).length;
  const fileFailed = (report.numFailedTests ?? 0) + brokenSuites;
  // success:false with nothing counted (a crashed worker, an unhandled error) is a failure too
  failed += fileFailed > 0 ? fileFailed : report.success === false ? 1 : 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
