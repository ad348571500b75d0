/**
 * The boards the host link's top is built for: the FPGA, the clock on the board, the UART's
 * clocks per bit and the pins (the pin constraints `fpga --board` writes).
 *
 * iCEBreaker (v1.0): iCE40 UP5K-SG48, a 12 MHz oscillator on pin 35, the FT2232H's second
 * channel as a UART (FPGA RX on pin 6, TX on pin 9), the user button BTN_N on pin 10 (active
 * low, with a pull-up). 12 MHz / 4 clocks per bit = 3 Mbaud, a rate the FT2232H makes exactly.
 */
export interface BoardInfo {
  readonly device: 'up5k' | 'hx8k';
  readonly clockMhz: number;
  readonly clocksPerBit: number;
  /** Top-level port → package pin. */
  readonly pins: Readonly<Record<string, number>>;
  /** Ports whose pins need the FPGA's pull-up. */
  readonly pullUps: readonly string[];
}

export const BOARDS = {
  icebreaker: {
    device: 'up5k',
    clockMhz: 12,
    clocksPerBit: 4,
    pins: { clk: 35, uart_rx: 6, uart_tx: 9, btn_n: 10 },
    pullUps: ['btn_n', 'uart_rx'],
  },
} as const satisfies Record<string, BoardInfo>;

export type BoardName = keyof typeof BOARDS;
export const BOARD_NAMES = Object.keys(BOARDS) as BoardName[];

/** The baud rate of a board's link. */
export const baudOf = (b: BoardInfo): number => (b.clockMhz * 1e6) / b.clocksPerBit;

/** A nextpnr-ice40 pin constraints file for the board's top. */
export function pcfOf(name: BoardName): string {
  const b: BoardInfo = BOARDS[name];
  const rows = Object.entries(b.pins).map(([port, pin]) => `set_io${b.pullUps.includes(port) ? ' -pullup yes' : ''} ${port} ${pin}`);
  return `# ${name}: taxonn board top (src/flows/board/boards.ts)\n${rows.join('\n')}\n`;
}
