import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { classify } from '../../src/advisor/classify.ts';
import type { NamedProfile } from '../../src/advisor/decision-record.ts';
import { renderHtmlReport } from '../../src/advisor/html-report.ts';
import type { ProfileMeasurements } from '../../src/advisor/measurements.ts';
import { recommend } from '../../src/advisor/recommend.ts';
import { asyncIo, cpuBound } from '../fixtures/advisor-measurements.ts';

const CHROMIUM = '/usr/bin/chromium';

/** Runs in the page: the laid-out size of the charts and of the shapes drawn in them. */
const MEASURE_CHARTS = `(() => {
  const size = (selector) => [...document.querySelectorAll(selector)].map((e) => {
    const box = e.getBBox();
    return box.width * box.height + box.width + box.height;
  });
  return {
    charts: [...document.querySelectorAll('svg.chart')].map((svg) => svg.getBoundingClientRect().width),
    lines: size('path.series'),
    bars: size('rect.bar'),
    ranges: size('rect.range'),
  };
})()`;

function named(name: string, m: ProfileMeasurements): NamedProfile {
  const classification = classify(m);
  return {
    name,
    command: `spindle profile tasks.ts --task ${name}`,
    result: { classification, recommendation: recommend(m, classification), measurements: m },
  };
}

const profiles = [named('primes <fast>', cpuBound()), named('fetch', asyncIo())];
const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('renderHtmlReport', () => {
  test('is one self-contained page: no scripts, no external resources', () => {
    const html = renderHtmlReport(profiles);
    assert.doesNotMatch(html, /<script|<link|src=|@import|url\(/i);
    assert.match(html, /^<!doctype html>/);
  });

  test('draws four charts per task and a summary when there are several', () => {
    const html = renderHtmlReport(profiles);
    assert.equal(html.match(/<svg class="chart"/g)?.length, 8);
    assert.match(html, /<h2>Summary<\/h2>/);
    assert.doesNotMatch(renderHtmlReport(profiles.slice(0, 1)), /<h2>Summary<\/h2>/);
  });

  test('escapes names and marks the recommended row', () => {
    const html = renderHtmlReport(profiles);
    assert.match(html, /primes &#60;fast&#62;/);
    assert.match(html, /<tr class="chosen"><td>threads ×2<\/td>/);
  });

  test('renders in a real browser with non-empty charts', async (t) => {
    if (!existsSync(CHROMIUM)) {
      t.skip(`${CHROMIUM} is missing (install Debian's chromium package to run this test)`);
      return;
    }
    const { chromium } = await import('playwright-core');
    const dir = mkdtempSync(join(tmpdir(), 'spindle-report-'));
    dirs.push(dir);
    const file = join(dir, 'spindle-report.html');
    writeFileSync(file, renderHtmlReport(profiles));
    // A fresh profile directory per run (Playwright's way of passing --user-data-dir).
    const browser = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      viewport: { width: 1280, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(pathToFileURL(file).href);
      // A string, not a function: tsx's transform would add helpers the page does not have.
      const figures = (await page.evaluate(MEASURE_CHARTS)) as {
        charts: number[];
        lines: number[];
        bars: number[];
        ranges: number[];
      };
      await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
      assert.equal(figures.charts.length, 8);
      assert.ok(
        figures.charts.every((w) => w > 100),
        'every chart is laid out',
      );
      assert.ok(figures.lines.length >= 4 && figures.lines.every((s) => s > 0), 'lines are drawn');
      assert.ok(figures.bars.length > 0 && figures.bars.every((s) => s > 0), 'CPU bars are drawn');
      assert.ok(figures.ranges.length > 0 && figures.ranges.every((s) => s > 0), 'latency ranges are drawn');
      assert.deepEqual(
        requests.filter((url) => !url.startsWith('file:')),
        [],
        'the page fetches nothing',
      );
    } finally {
      await browser.close();
    }
  });
});
