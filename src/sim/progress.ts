// A one-line progress display for long steps (a cold Verilator build takes 5-25 s): a spinner,
// the step and the time so far, on stderr, redrawn in place. Only on a terminal: when stderr is
// a file or a pipe (CI logs, a tool reading JSON) nothing extra is written. Commands that print
// JSON turn it off with setProgress(false).

let enabled = process.stderr.isTTY === true;

/** Turn the display on or off for this process (it is on exactly when stderr is a terminal). */
export function setProgress(on: boolean): void {
  enabled = on && process.stderr.isTTY === true;
}

export interface Progress {
  /** The current step, e.g. "verilating". */
  step(text: string): void;
  /** Clear the line; `line`, when given, is left in its place (a summary). */
  done(line?: string): void;
}

const FRAMES = ['|', '/', '-', '\\'];
const silent: Progress = { step: () => undefined, done: () => undefined };

/** A progress line titled `title` ("verilator: building fir4"), or a silent one off a terminal. */
export function progress(title: string): Progress {
  if (!enabled) return silent;
  const t0 = performance.now();
  let text = '';
  let frame = 0;
  const draw = () => {
    const secs = ((performance.now() - t0) / 1000).toFixed(0);
    process.stderr.write(`\r\x1b[K${FRAMES[frame++ % FRAMES.length]} ${title}: ${text} ${secs} s`);
  };
  const timer = setInterval(draw, 250);
  timer.unref();
  let finished = false;
  return {
    step(t) {
      text = t;
      draw();
    },
    done(line) {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      process.stderr.write(`\r\x1b[K${line ? `${line}\n` : ''}`);
    },
  };
}
