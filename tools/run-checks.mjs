#!/usr/bin/env node
// `npm test`: builds (type-checks), lints and tests every project through Nx, then sums the
// per-project Vitest JSON reports; the closing line is `N passed, N failed` (skips on the line above).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const reports = join(process.cwd(), 'reports', 'vitest');
rmSync(reports, { recursive: true, force: true });

const targets = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['build', 'lint', 'test'];
const nx = spawnSync('npx', ['nx', 'run-many', '-t', ...targets, '--outputStyle=stream', '--nxBail=false'], {
  stdio: 'inherit',
  env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
});

let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
// Failing tests are named again at the end, where a CI log's tail shows them.
const failures = [];
if (existsSync(reports)) {
  for (const file of readdirSync(reports).filter((f) => f.endsWith('.json')).sort()) {
    const report = JSON.parse(readFileSync(join(reports, file), 'utf8'));
    const p = report.numPassedTests ?? 0;
    const f = (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
    const s = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    passed += p;
    failed += f;
    skipped += s;
    for (const suite of report.testResults ?? []) {
      const where = suite.name ? suite.name.replace(process.cwd() + '/', '') : file;
      if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) {
        failures.push(`  ${where}: ${firstLine(suite.message)}`);
      }
      for (const test of suite.assertionResults ?? []) {
        if (test.status === 'failed') failures.push(`  ${where} > ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
      }
    }
    rows.push(`  ${file.replace(/\.json$/, '').padEnd(16)} ${String(p).padStart(4)} passed ${String(f).padStart(3)} failed ${String(s).padStart(3)} skipped`);
  }
}
if (failures.length > 0) console.log(`\nFailed tests:\n${failures.join('\n')}`);
console.log('\nTests by project:');
console.log(rows.length > 0 ? rows.join('\n') : '  (no test reports: a build or lint step failed before the tests ran)');
// A build or lint failure is a failure even when every test that ran passed.
if (nx.status !== 0) {
  console.log(`\nnx run-many exited with ${nx.status ?? nx.signal}: see the failing target above.`);
  if (failed === 0) failed = 1;
}
console.log(`\n${skipped} skipped (real-data tests without ../shared/data, browser tests without chromium, Docker tests without an engine)`);
// The last line is exactly `N passed, N failed`: CI reads it.
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

function firstLine(text) {
  const line = String(text ?? '').split('\n').find((l) => l.trim() !== '') ?? '(no message)';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
