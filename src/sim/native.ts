// koffi bindings to the C ABI in src/sim/templates/capi.cpp.hbs.
//
// Why here and once: declaring a koffi function parses a prototype and builds
// a trampoline; doing it per Simulator or per call would dominate the cost of
// a poke. Libraries are cached by path, so every Simulator of one design shares
// one set of functions (instances are separate handles inside the library).
//
// Library isolation: koffi dlopen()s with RTLD_LOCAL and looks symbols up per
// library, and the model is compiled with -fvisibility=hidden, so two models
// that both define V<top> and tx_* load side by side in one process.

import { load } from 'koffi';

/** Must equal tx_abi_version() in the template. */
export const ABI_VERSION = 3;

/** Handle-based functions of one loaded model library. Return codes: 0 ok, -1 bad argument, -2 model error. */
export interface NativeLib {
  readonly soPath: string;
  readonly numPorts: number;
  readonly hasTrace: boolean;
  create(seed: number, randReset: number): number;
  destroy(h: number): number;
  eval(h: number): number;
  poke(h: number, idx: number, words: Uint32Array): number;
  peek(h: number, idx: number, words: Uint32Array): number;
  /** value: the port's word as an int32 (value | 0). */
  poke32(h: number, idx: number, value: number): number;
  /** The port's word as an int32 (sign-extended for signed ports; >>> 0 for unsigned). */
  peek32(h: number, idx: number): number;
  step(h: number, n: number): number;
  /** Run until clock k (index into the design's clocks) has risen n times and fallen after. */
  stepClock(h: number, k: number, n: number): number;
  /** Completed rising edges of the primary clock. */
  cycle(h: number): number;
  finished(h: number): number;
  runBatch(
    h: number,
    ncycles: number,
    nIn: number,
    inIdx: Int32Array,
    inWords: Uint32Array | Int32Array,
    nOut: number,
    outIdx: Int32Array,
    outWords: Uint32Array | Int32Array,
  ): number;
  traceOpen(h: number, path: string): number;
  traceClose(h: number): number;
  lastError(): string;
}

const libs = new Map<string, NativeLib>();

/** Load (once per path) a library built by build.ts and bind its functions. */
export function loadNative(soPath: string): NativeLib {
  const hit = libs.get(soPath);
  if (hit) return hit;
  const lib = load(soPath);
  const abi = lib.func('int32_t tx_abi_version(void)')() as number;
  if (abi !== ABI_VERSION) {
    throw new Error(`${soPath}: C ABI version ${abi}, expected ${ABI_VERSION} (a stale cache entry? delete ${soPath.replace(/\/[^/]+\/[^/]+$/, '')})`);
  }
  const hasTrace = (lib.func('int32_t tx_has_trace(void)')() as number) === 1;
  const noTrace = () => -1;
  // `void *` rather than `uint32_t *`: koffi then passes any TypedArray's
  // memory directly, without a copy or an element-type check.
  const native: NativeLib = {
    soPath,
    numPorts: lib.func('int32_t tx_num_ports(void)')() as number,
    hasTrace,
    create: lib.func('int32_t tx_create(int32_t seed, int32_t randReset)'),
    destroy: lib.func('int32_t tx_destroy(int32_t h)'),
    eval: lib.func('int32_t tx_eval(int32_t h)'),
    poke: lib.func('int32_t tx_poke(int32_t h, int32_t idx, void *words)'),
    peek: lib.func('int32_t tx_peek(int32_t h, int32_t idx, void *words)'),
    poke32: lib.func('int32_t tx_poke32(int32_t h, int32_t idx, int32_t value)'),
    peek32: lib.func('int32_t tx_peek32(int32_t h, int32_t idx)'),
    step: lib.func('int32_t tx_step(int32_t h, uint32_t n)'),
    stepClock: lib.func('int32_t tx_step_clock(int32_t h, int32_t k, uint32_t n)'),
    cycle: lib.func('double tx_cycle(int32_t h)'),
    finished: lib.func('int32_t tx_finished(int32_t h)'),
    runBatch: lib.func(
      'int32_t tx_run_batch(int32_t h, uint32_t ncycles, int32_t nIn, void *inIdx, void *inWords, int32_t nOut, void *outIdx, void *outWords)',
    ),
    traceOpen: hasTrace ? lib.func('int32_t tx_trace_open(int32_t h, const char *path)') : noTrace,
    traceClose: hasTrace ? lib.func('int32_t tx_trace_close(int32_t h)') : noTrace,
    lastError: lib.func('const char *tx_last_error(void)') as () => string,
  };
  libs.set(soPath, native);
  return native;
}
