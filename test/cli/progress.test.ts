import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { trial } from '../fixtures/advisor-measurements.ts';
import { ProgressReporter } from '../../src/cli/progress.ts';

function stream(isTTY: boolean): {
  isTTY: boolean;
  columns: number;
  text: string;
  write(chunk: string): void;
} {
  return {
    isTTY,
    columns: 100,
    text: '',
    write(chunk: string) {
      this.text += chunk;
    },
  };
}

function drive(reporter: ProgressReporter): void {
  reporter.begin('work');
  reporter.update({ type: 'preflight' });
  reporter.update({ type: 'calibrating' });
  reporter.update({ type: 'trial-start', index: 0, total: 2, label: 'serial', budgetMs: 1e9 });
  reporter.update({ type: 'trial-end', index: 0, total: 2, trial: trial('serial', 0, 123) });
  reporter.stop();
}

describe('ProgressReporter', () => {
  test('plain lines when the stream is not a terminal', () => {
    const out = stream(false);
    drive(new ProgressReporter(out));
    assert.equal(out.text, 'work: preflight\nwork: calibrating\nwork: [1/2] serial: 123/s\n');
  });

  test('a bar redrawn in place on a terminal, cleared at the end', () => {
    const out = stream(true);
    drive(new ProgressReporter(out));
    assert.doesNotMatch(out.text, /\n/);
    const clearLine = '\r\x1b[2K';
    assert.ok(out.text.includes(`${clearLine}${'█'.repeat(12)}${'░'.repeat(12)} 2/2 work: serial`), out.text);
    assert.ok(out.text.endsWith('\r\x1b[2K'));
  });
});
