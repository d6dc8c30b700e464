/**
 * Progress on stderr while profiling: a bar redrawn in place on a terminal, plain lines otherwise (CI logs,
 * pipes), so a log never fills with carriage returns and a terminal never scrolls with every tick.
 */
import type { ProfileProgress } from '../advisor/profile.ts';
import { formatRate } from '../advisor/format.ts';

/** What the reporter writes to: stderr, or a stand-in in tests. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(chunk: string): unknown;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 100;

export class ProgressReporter {
  readonly #stream: ProgressStream;
  readonly #tty: boolean;
  #prefix = '';
  #status = 'starting';
  #index = 0;
  #total = 0;
  #trialStarted = 0;
  #trialBudgetMs = 0;
  #timer: NodeJS.Timeout | undefined;
  #drawn = false;

  constructor(stream: ProgressStream) {
    this.#stream = stream;
    this.#tty = stream.isTTY === true;
  }

  /** Starts a new task (the built-in run profiles several). */
  begin(name: string): void {
    this.#prefix = name;
    this.#index = 0;
    this.#total = 0;
    this.#line(`${name}: preflight`);
  }

  /** Handles one event from `profile()`. */
  update(event: ProfileProgress): void {
    switch (event.type) {
      case 'preflight':
        this.#status = 'preflight (one call in a worker)';
        break;
      case 'calibrating':
        this.#status = 'calibrating (serial calls)';
        if (!this.#tty) this.#line(`${this.#prefix}: calibrating`);
        break;
      case 'trial-start':
        this.#index = event.index;
        this.#total = event.total;
        this.#status = event.label;
        this.#trialStarted = performance.now();
        this.#trialBudgetMs = event.budgetMs;
        break;
      case 'trial-end': {
        this.#index = event.index + 1;
        const t = event.trial;
        const figure = t.status === 'ok' ? formatRate(t.throughput) : `${t.status}: ${t.error ?? ''}`;
        if (!this.#tty)
          this.#line(`${this.#prefix}: [${event.index + 1}/${event.total}] ${t.label}: ${figure}`);
        break;
      }
    }
    if (this.#tty) this.#draw();
  }

  /** Starts redrawing on a timer (terminals only), so the bar moves during a trial. */
  start(): void {
    if (!this.#tty || this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.#draw(), REDRAW_MS);
    this.#timer.unref();
  }

  /** Clears the bar so other output can be written; the next redraw brings it back below that output. */
  clear(): void {
    this.#clear();
  }

  /** Stops redrawing and clears the bar. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#clear();
  }

  #line(text: string): void {
    if (this.#tty) return;
    this.#stream.write(`${text}\n`);
  }

  #clear(): void {
    if (this.#tty && this.#drawn) this.#stream.write('\r\x1b[2K');
    this.#drawn = false;
  }

  #draw(): void {
    const within =
      this.#trialBudgetMs > 0
        ? Math.min(0.95, (performance.now() - this.#trialStarted) / (this.#trialBudgetMs * 1.3))
        : 0;
    const done =
      this.#total === 0
        ? 0
        : Math.min(1, (this.#index + (this.#index < this.#total ? within : 0)) / this.#total);
    const filled = Math.round(done * BAR_WIDTH);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
    const count = this.#total === 0 ? '' : ` ${Math.min(this.#index + 1, this.#total)}/${this.#total}`;
    let text = `${bar}${count} ${this.#prefix}: ${this.#status}`;
    const columns = this.#stream.columns ?? 80;
    if (text.length > columns - 1) text = text.slice(0, columns - 1);
    this.#stream.write(`\r\x1b[2K${text}`);
    this.#drawn = true;
  }
}
