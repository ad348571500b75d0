/**
 * The host link on a real serial device (`board train --port /dev/ttyUSB1`): a LinkPort over the
 * npm `serialport` package, 8N1 at the board's baud rate. An answer ends when the frame decoder
 * says so; a line quiet for GAP_MS in the middle of an answer is a gap (the decoder drops the
 * frame); no answer in ANSWER_TIMEOUT_MS sends the frame again (driver.ts).
 */
import type { LinkPort } from './driver.js';

export const ANSWER_TIMEOUT_MS = 2000;
export const GAP_MS = 20;

export class SerialPortError extends Error {
  override name = 'SerialPortError';
}

/** The minimal surface of serialport's SerialPort this file uses. */
interface Port {
  write(data: Uint8Array, cb: (err?: Error | null) => void): void;
  drain(cb: (err?: Error | null) => void): void;
  on(event: 'data', cb: (chunk: Uint8Array) => void): void;
  off(event: 'data', cb: (chunk: Uint8Array) => void): void;
  close(cb: (err?: Error | null) => void): void;
}

export interface SerialLink extends LinkPort {
  close(): Promise<void>;
}

/** Opens `path` at `baud`. @throws SerialPortError naming the port when it cannot be opened */
export async function openSerialLink(path: string, baud: number): Promise<SerialLink> {
  let SerialPort: new (o: { path: string; baudRate: number; autoOpen: boolean }) => Port & { open(cb: (err?: Error | null) => void): void };
  try {
    ({ SerialPort } = (await import('serialport')) as unknown as { SerialPort: typeof SerialPort });
  } catch (e) {
    throw new SerialPortError(`board: the npm package serialport is not installed (${(e as Error).message}); run npm install`);
  }
  const port = new SerialPort({ path, baudRate: baud, autoOpen: false });
  await new Promise<void>((resolve, reject) =>
    port.open((err) => (err ? reject(new SerialPortError(`board: cannot open serial port ${path}: ${err.message}`)) : resolve())),
  );
  return {
    exchange: (out, onByte, onGap) => exchange(port, out, onByte, onGap),
    close: () => new Promise<void>((resolve) => port.close(() => resolve())),
  };
}

function exchange(port: Port, out: Uint8Array, onByte: (b: number) => boolean, onGap: () => boolean): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    let gapTimer: NodeJS.Timeout | undefined;
    const finish = (answered: boolean) => {
      clearTimeout(timeout);
      clearTimeout(gapTimer);
      port.off('data', onData);
      resolve(answered);
    };
    const onData = (chunk: Uint8Array) => {
      clearTimeout(gapTimer);
      for (const b of chunk) if (onByte(b)) return finish(true);
      gapTimer = setTimeout(() => {
        if (onGap()) finish(true);
      }, GAP_MS);
    };
    const timeout = setTimeout(() => finish(false), ANSWER_TIMEOUT_MS);
    port.on('data', onData);
    port.write(out, (err) => {
      if (err) {
        finish(false);
        reject(new SerialPortError(`board: writing to the serial port failed: ${err.message}`));
      } else port.drain(() => {});
    });
  });
}
