/**
 * Modules: ports, wires, registers, memories, submodule instances and a body of when/switch
 * blocks. Build one with `buildModule(name, params, m => { ... })`. Mistakes are recorded (with
 * the user's source line) and reported together by `elaborate()`.
 */
import { popModule, pushModule, type ErrorSink } from './context.js';
import { designError, type DesignError, type DesignErrorKind } from './errors.js';
import { Expr, Signal, lit, toExpr, type Operand, type SignalOwner, type SignalRole } from './expr.js';
import type { AssignStmt, IfStmt, Stmt, SwitchStmt } from './ir.js';
import { Memory, type MemoryHost, type ReadDuringWrite } from './memory.js';
import { callerLoc, callerStack, type SourceLoc } from './source.js';
import { Bool, clog2, fits, sameType, typeName, type HdlType } from './types.js';
import { reportError } from './context.js';
import {
  Bundle,
  type BundleShape,
  type VecShape,
  buildValue,
  describeShape,
  interfaceInfo,
  isShape,
  leavesOf,
  type InterfaceInfo,
  type Value,
} from './interface.js';
import { runModuleChecks, type CombSummary } from './checks.js';
import type { CdcSummary } from './cdc.js';
import { ClockDomain, type DomainOptions, type ResetKind, type Timing } from './domain.js';

export interface RegOptions {
  /**
   * Value loaded by the synchronous reset (a constant, or an expression such as a seed input);
   * without it the register is not reset.
   */
  init?: number | bigint | Expr;
  /** The register only loads while `enable` is high (clock enable). */
  enable?: Expr;
  /** The clock domain (default: the one current where the register is made; see inDomain). */
  domain?: ClockDomain;
}

export interface RegInfo {
  readonly init: Expr | undefined;
  readonly enable: Expr | undefined;
  readonly domain: ClockDomain;
  /** The first stage of a synchroniser: it may sample another domain (see synchronizer()). */
  readonly syncStage?: boolean;
}

export interface InputOptions {
  /**
   * The domain whose clock the input is synchronous to, or 'async' for a pin that no clock
   * times (a button, another chip's flag): then only a synchroniser may sample it. Without it the
   * input is taken to be synchronous to whichever domain samples it (one domain only).
   */
  domain?: ClockDomain | 'async';
}

export interface SynchronizerOptions {
  /** The domain that samples the value (default: the current one). */
  domain?: ClockDomain;
  /** Flip-flops in the chain, 2 (default) or more. */
  stages?: number;
  /**
   * A multi-bit value may settle bit by bit in different cycles and tear; allow it only for a
   * value of which one bit changes at a time (a Gray-coded count).
   */
  grayCoded?: boolean;
}

/** Generator parameters, recorded in the emitted header (any JSON-like object). */
export type ParamValue = object;

export class Instance {
  readonly inputs = new Map<string, { expr: Expr; loc: SourceLoc | undefined }>();
  readonly outputs = new Map<string, Signal>();
  /** The parent's domain each of the child's domains runs in (the default maps to the parent's default unless given). */
  readonly domains = new Map<ClockDomain, ClockDomain>();

  constructor(
    readonly name: string,
    readonly module: Module,
    readonly parent: Module,
    readonly loc: SourceLoc | undefined,
  ) {}

  /** The instance's output port `port` as a signal of the parent module. */
  out(port: string): Signal {
    const s = this.outputs.get(port);
    if (s) return s;
    const known = this.module.ports.find((p) => p.name === port);
    this.parent.record(
      'unknown-port',
      known
        ? `'${port}' is an input of module ${this.module.name}, not an output (instance ${this.name})`
        : `module ${this.module.name} has no output '${port}' (instance ${this.name}); outputs: ${this.outputNames()}`,
      callerLoc(),
    );
    return this.parent.dummy(`${this.name}_${port}`);
  }

  private readonly ios = new Map<string, unknown>();

  /**
   * The instance's interface port `name` as seen from the parent: its outputs are readable
   * signals, its inputs are parent wires (named `<instance>_<port>`) to drive or connect.
   */
  io<S extends BundleShape | VecShape = BundleShape | VecShape>(name: string): Value<S> {
    const hit = this.ios.get(name);
    if (hit) return hit as Value<S>;
    const loc = callerLoc();
    const decl = this.module.interfaces.get(name);
    if (!decl) {
      const known = [...this.module.interfaces.keys()].join(', ') || '(none)';
      this.parent.record('unknown-port', `module ${this.module.name} has no interface port '${name}' (instance ${this.name}); interfaces: ${known}`, loc);
      return buildValue(Bundle({}), 'either', `instance ${this.name}'s ${name}`, () => this.parent.dummy(name)) as Value<S>;
    }
    // The child's output interface produces data in the parent: a source there.
    const side = decl.dir === 'output' ? 'source' : 'sink';
    const value = buildValue(decl.shape, side, `port ${name} of instance ${this.name} (module ${this.module.name})`, (leaf) => {
      const port = `${name}_${leaf.suffix}`;
      const isOutput = (leaf.flow === 'out') === (decl.dir === 'output');
      return isOutput ? this.out(port) : this.parent.instanceInputWire(this, port, leaf.type, loc);
    });
    this.ios.set(name, value);
    return value as Value<S>;
  }

  /** Connect input `port` to `value` (an alternative to the connection map of `instance()`). */
  connect(port: string, value: Operand): void {
    this.parent.connectInput(this, port, value, callerLoc());
  }

  private readonly inWires = new Map<string, Signal>();

  /**
   * The instance's input `port` as a wire of the parent (named `<instance>_<port>`) that drives it:
   * assign it later, when the value exists (an instance whose inputs depend on its own outputs'
   * consumers). Left unassigned, it is reported as an unconnected input.
   */
  in(port: string): Signal {
    const hit = this.inWires.get(port);
    if (hit) return hit;
    const loc = callerLoc();
    const p = this.module.ports.find((x) => x.name === port && x.role === 'input');
    if (!p) {
      const inputs = this.module.ports.filter((x) => x.role === 'input').map((x) => x.name);
      this.parent.record(
        'unknown-port',
        `module ${this.module.name} has no input '${port}' (instance ${this.name}); inputs: ${inputs.join(', ') || '(none)'}`,
        loc,
      );
      return this.parent.dummy(`${this.name}_${port}`);
    }
    const w = this.parent.instanceInputWire(this, port, p.type, loc);
    this.inWires.set(port, w);
    return w;
  }

  private outputNames(): string {
    return [...this.outputs.keys()].join(', ') || '(none)';
  }
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Verilog-2005 keywords. */
const VERILOG_KEYWORDS = new Set(
  (
    'always and assign automatic begin buf bufif0 bufif1 case casex casez cell cmos config deassign default defparam ' +
    'design disable edge else end endcase endconfig endfunction endgenerate endmodule endprimitive endspecify endtable ' +
    'endtask event for force forever fork function generate genvar highz0 highz1 if ifnone incdir include initial inout ' +
    'input instance integer join large liblist library localparam macromodule medium module nand negedge nmos nor ' +
    'noshowcancelled not notif0 notif1 or output parameter pmos posedge primitive pull0 pull1 pulldown pullup ' +
    'pulsestyle_onevent pulsestyle_ondetect rcmos real realtime reg release repeat rnmos rpmos rtran rtranif0 rtranif1 ' +
    'scalared showcancelled signed small specify specparam strong0 strong1 supply0 supply1 table task time tran ' +
    'tranif0 tranif1 tri tri0 tri1 triand trior trireg unsigned use uwire vectored wait wand weak0 weak1 while wire wor ' +
    'xnor xor '
  )
    .trim()
    .split(' '),
);
/** SystemVerilog keywords: Verilator and Yosys parse them as keywords even in .v files. */
const SV_KEYWORDS = new Set(
  (
    'alias always_comb always_ff always_latch assert assume before bind bins binsof bit break byte chandle checker ' +
    'class clocking const constraint context continue cover covergroup coverpoint cross dist do endchecker endclass ' +
    'endclocking endgroup endinterface endpackage endprogram endproperty endsequence enum eventually expect export ' +
    'extends extern final first_match foreach forkjoin global iff ignore_bins illegal_bins implies import inside int ' +
    'interface intersect join_any join_none let local logic longint matches modport new null package packed priority ' +
    'program property protected pure rand randc randcase randsequence ref restrict return s_always s_eventually ' +
    's_nexttime s_until s_until_with sequence shortint shortreal soft solve static string strong struct super sync_accept_on ' +
    'sync_reject_on tagged this throughout timeprecision timeunit type typedef union unique unique0 until until_with ' +
    'untyped var virtual void wait_order weak wildcard with within accept_on checker reject_on nexttime '
  )
    .trim()
    .split(' '),
);
const IMPLICIT_NAMES = new Set(['clk', 'rst', 'rst_n', 'unused_bits']);
const reserved = new Set([...VERILOG_KEYWORDS, ...SV_KEYWORDS, ...IMPLICIT_NAMES]);

function whyReserved(name: string): string {
  if (IMPLICIT_NAMES.has(name)) return 'a name taxonn gives implicit ports and wires (clk, rst, rst_n, unused_bits)';
  if (VERILOG_KEYWORDS.has(name)) return 'a Verilog keyword';
  return 'a SystemVerilog keyword (Verilator and Yosys reserve it even in .v files)';
}

export class Module implements SignalOwner, ErrorSink, MemoryHost {
  readonly ports: Signal[] = [];
  /** Internal signals in declaration order: wires, registers, memory read data, instance outputs. */
  readonly signals: Signal[] = [];
  readonly regs = new Map<Signal, RegInfo>();
  readonly memories: Memory[] = [];
  /** Simulation-only checks (assert()). */
  readonly assertions: Assertion[] = [];
  readonly instances: Instance[] = [];
  readonly body: Stmt[] = [];
  /** Targets driven by a continuous assignment (exactly one each). */
  readonly continuous = new Map<Signal, AssignStmt>();
  /** Targets of procedural assignments (in when/switch blocks), with the first assignment's line. */
  readonly procedural_ = new Map<Signal, SourceLoc | undefined>();
  readonly errors: DesignError[] = [];
  /** Targets whose assignment was rejected: not reported again as undriven or latched. */
  readonly broken = new Set<Signal>();
  /** The implicit domain: ports clk and rst (see ModuleOptions.reset). */
  readonly defaultDomain: ClockDomain;
  /** Further domains, in declaration order. */
  readonly domains: ClockDomain[] = [];
  /** The clock gates of the gated domains (m.gatedDomain): the domain, its enable wire and the gate's flip-flop. */
  readonly clockGates: { readonly domain: ClockDomain; readonly enable: Signal; readonly gateReg: string; readonly loc: SourceLoc | undefined }[] = [];
  /** Inputs declared with a domain (or 'async'). */
  readonly inputTiming = new Map<Signal, Timing>();
  /** Interface ports by name, with the direction they were declared with. */
  readonly interfaces = new Map<string, { shape: BundleShape | VecShape; dir: 'input' | 'output' }>();
  /** Parent wires that feed instance inputs of interface ports (for the undriven message). */
  readonly instanceInputWires = new Map<Signal, { inst: Instance; port: string }>();
  /** Named constants (FSM states) used by this module, emitted as localparams. */
  readonly localparams = new Map<string, Expr>();
  /** Which inputs each output depends on combinationally; set by the checks. */
  comb: CombSummary = new Map();
  /** Which domains sample each input, what times each output; set by the checks (cdc.ts). */
  cdc: CdcSummary = { inputSampling: new Map(), outputTiming: new Map() };
  private readonly names = new Map<string, SourceLoc | undefined>();
  private readonly blocks: Stmt[][] = [this.body];
  private finished = false;

  constructor(
    readonly name: string,
    readonly params: Readonly<ParamValue>,
    readonly loc: SourceLoc | undefined,
    /** Where it was built, then who called the generator that built it, … (user frames only). */
    readonly callers: readonly SourceLoc[] = loc ? [loc] : [],
    /** See ModuleOptions.exactName. */
    readonly exactName = false,
    reset: { kind?: ResetKind; activeLow?: boolean; clockPort?: string } = {},
  ) {
    this.defaultDomain = new ClockDomain('default', this, reset.kind ?? 'sync', reset.activeLow ?? false, undefined, reset.clockPort);
    this.currentDomain = this.defaultDomain;
    // a renamed clock port is taken like any declared name (an input of that name is an error)
    if (reset.clockPort !== undefined) this.claimName(reset.clockPort, loc, true);
  }

  private currentDomain: ClockDomain;

  /**
   * A further clock domain: ports `<name>_clk` and (unless reset 'none') `<name>_rst`, or
   * `<name>_rst_n` active low. Make its registers inside `m.inDomain(d, () => …)` or with
   * `{ domain: d }`. Connect an instance's domains by name in the instance's connection map
   * (`{ fast: myDomain }`; `default` maps the child's default domain).
   */
  clockDomain(name: string, opts: DomainOptions = {}): ClockDomain {
    const loc = callerLoc();
    const d = new ClockDomain(name, this, opts.reset ?? 'sync', opts.activeLow ?? false);
    if (!identifier.test(name) || name === 'default') this.record('name', `'${name}' is not a valid clock domain name`, loc);
    else if (this.domains.some((x) => x.name === name)) this.record('name', `clock domain '${name}' is declared twice`, loc);
    else {
      this.claimName(d.clock, loc, true);
      if (d.reset) this.claimName(d.reset, loc, true);
      this.domains.push(d);
    }
    return d;
  }

  /**
   * A domain on the default clock whose synchronous, active-high reset is `reset`, a value of this
   * module (wire `<name>_rst`), not a port: for a power-on reset or a button. Registers made in it
   * (`m.inDomain`) and instances mapped to it (`{ default: d }`) are reset by that value.
   */
  resetDomain(name: string, reset: Operand): ClockDomain {
    const loc = callerLoc();
    const wire = this.wire(`${name}_rst`, Bool);
    this.assignAt(wire, reset, loc);
    if (!identifier.test(name) || name === 'default') this.record('name', `'${name}' is not a valid clock domain name`, loc);
    return new ClockDomain(name, this, 'sync', false, { base: this.defaultDomain, resetWire: wire.name });
  }

  /**
   * A domain on the default clock through a clock gate: its registers and memories (m.inDomain)
   * and the instances mapped to it (`{ default: d }`) see a rising clock edge only in cycles where
   * `enable`, a value of the default domain, is 1, so they behave as with that clock enable; in
   * the other cycles their flip-flops are not clocked at all (on an ASIC, their clock power). The
   * gate is a flip-flop on the falling edge that samples `enable` (and the default domain's reset,
   * so synchronous resets still apply) and an AND with the clock, `<name>_clk`: glitch-free, no
   * latch, the same in every simulator. The domain shares the default domain's clock and reset:
   * no crossing between them.
   */
  gatedDomain(name: string, enable: Operand): ClockDomain {
    const loc = callerLoc();
    if (!identifier.test(name) || name === 'default') this.record('name', `'${name}' is not a valid clock domain name`, loc);
    const wire = this.wire(`${name}_clk_en`, Bool);
    this.assignAt(wire, enable, loc);
    const clock = this.claimName(`${name}_clk`, loc);
    const gateReg = this.claimName(`${name}_clk_gate_q`, loc);
    const d = new ClockDomain(name, this, this.defaultDomain.resetKind, this.defaultDomain.activeLow, { base: this.defaultDomain, clockWire: clock });
    this.clockGates.push({ domain: d, enable: wire, gateReg, loc });
    return d;
  }

  /**
   * Runs `body` in a gated domain of `enable` (m.gatedDomain(name, enable) and m.inDomain), or,
   * with `gate` false, in the current domain: the same values either way, as long as the
   * registers made in `body` change only in cycles where `enable` is 1 (with the gate the others
   * are not clocked). The switch for a generator that gates its clocks on one target only.
   */
  gated(name: string, enable: Operand, body: () => void, gate = true): void {
    if (gate) this.inDomain(this.gatedDomain(name, enable), body);
    else body();
  }

  /** Runs `body` with `domain` current: registers and memories made in it belong to it. */
  inDomain(domain: ClockDomain, body: () => void): void {
    const loc = callerLoc();
    if (domain.module !== this)
      this.record('cross-module', `${domain.describe()} cannot be used in module ${this.name}: pass it to an instance in its connection map`, loc);
    const saved = this.currentDomain;
    this.currentDomain = domain;
    try {
      body();
    } finally {
      this.currentDomain = saved;
    }
  }

  /** The domain registers made here now belong to. */
  get domain(): ClockDomain {
    return this.currentDomain;
  }

  /**
   * A value from another clock domain (or an 'async' input), made safe to sample in `domain`: a
   * chain of `stages` flip-flops (`<name>_meta`, …, `<name>`), the first of which is allowed to go
   * metastable. The value should come straight from a register or an input (logic in between can
   * glitch), and be one bit wide unless Gray-coded.
   */
  synchronizer(name: string, value: Expr, opts: SynchronizerOptions = {}): Signal {
    const loc = callerLoc();
    const domain = opts.domain ?? this.currentDomain;
    const stages = opts.stages ?? 2;
    if (!Number.isInteger(stages) || stages < 2) this.record('usage', `synchronizer '${name}' needs at least 2 stages, got ${stages}`, loc);
    if (value.width > 1 && !opts.grayCoded) {
      this.record(
        'cdc',
        `synchronizer '${name}' of a ${value.width}-bit value: its bits can settle in different cycles and tear the value; ` +
          `synchronise a 1-bit flag, or a Gray-coded count ({ grayCoded: true })`,
        loc,
      );
    }
    if (!(value instanceof Signal) || !['reg', 'input', 'instout'].includes(value.role)) {
      this.record('cdc', `synchronizer '${name}' must sample a register or an input directly: logic in front of it can glitch into the other domain`, loc);
    }
    let q: Expr = value;
    for (let i = 0; i < Math.max(stages, 2); i++) {
      const last = i === Math.max(stages, 2) - 1;
      const r = this.declare(last ? name : `${name}_meta${stages > 2 ? i + 1 : ''}`, value.type, 'reg', loc);
      this.regs.set(r, { init: undefined, enable: undefined, domain, syncStage: i === 0 });
      this.assignProc(r, q, loc, this.body);
      q = r;
    }
    return q as Signal;
  }

  record(kind: DesignErrorKind, detail: string, loc: SourceLoc | undefined = callerLoc()): void {
    this.errors.push(designError(kind, detail, loc, this.name));
  }

  // ---- declarations ---------------------------------------------------------------------------

  /**
   * An input port; given an interface shape, this module is the interface's sink: its plain
   * fields are inputs and its flipped fields (a stream's ready) outputs, `<name>_<field>`.
   */
  input(name: string, type: HdlType, opts?: InputOptions): Signal;
  input<S extends BundleShape | VecShape>(name: string, shape: S): Value<S>;
  input(name: string, type: HdlType | BundleShape | VecShape, opts: InputOptions = {}): unknown {
    if (isShape(type)) return this.interfacePort(name, type, 'input', callerLoc());
    const s = this.port(name, type, 'input');
    if (opts.domain) this.inputTiming.set(s, opts.domain);
    return s;
  }

  /** An output port; given an interface shape, this module is the interface's source. */
  output(name: string, type: HdlType): Signal;
  output<S extends BundleShape | VecShape>(name: string, shape: S): Value<S>;
  output(name: string, type: HdlType | BundleShape | VecShape): unknown {
    if (isShape(type)) return this.interfacePort(name, type, 'output', callerLoc());
    return this.port(name, type, 'output');
  }

  /**
   * A wire: undriven when given a type (drive it with assign() or set()), driven by `value`
   * otherwise; given an interface shape, one wire per field (`<name>_<field>`), usable as
   * either end of a connection.
   */
  wire(name: string, typeOrValue: HdlType | Expr): Signal;
  wire<S extends BundleShape | VecShape>(name: string, shape: S): Value<S>;
  wire(name: string, typeOrValue: HdlType | Expr | BundleShape | VecShape): unknown {
    const loc = callerLoc();
    if (isShape(typeOrValue)) {
      this.claimName(name, loc, true);
      return buildValue(typeOrValue, 'either', `wire ${name}`, (leaf) => this.declare(`${name}_${leaf.suffix}`, leaf.type, 'wire', loc));
    }
    if (typeOrValue instanceof Expr) {
      const s = this.declare(name, typeOrValue.type, 'wire', loc);
      this.assignAt(s, typeOrValue, loc);
      return s;
    }
    return this.declare(name, typeOrValue, 'wire', loc);
  }

  /** A register on the module clock; assign its next value with set() (it holds otherwise). */
  reg(name: string, type: HdlType, opts: RegOptions = {}): Signal {
    const loc = callerLoc();
    const s = this.declare(name, type, 'reg', loc);
    let init: Expr | undefined;
    if (opts.init instanceof Expr) {
      init = this.convert(opts.init, type, `the reset value of register '${name}'`, loc);
    } else if (opts.init !== undefined) {
      const v = BigInt(opts.init);
      if (fits(v, type)) init = lit(v, type);
      else this.record('width', `reset value ${v} of register '${name}' does not fit ${typeName(type)}`, loc);
    }
    if (opts.enable && opts.enable.width !== 1) {
      this.record('width', `enable of register '${name}' must be 1 bit wide, got ${typeName(opts.enable.type)}`, loc);
    }
    this.checkOwner(opts.enable, loc);
    const domain = opts.domain ?? this.currentDomain;
    if (domain.module !== this) this.record('cross-module', `register '${name}': ${domain.describe()} belongs to another module`, loc);
    if (init && domain.asyncReset && init.kind !== 'const') {
      this.record('usage', `register '${name}' in ${domain.describe()} has an asynchronous reset: its reset value must be a constant`, loc);
    }
    if (init && !domain.reset) this.record('usage', `register '${name}' has a reset value but ${domain.describe()} has no reset`, loc);
    this.regs.set(s, { init, enable: opts.enable, domain });
    return s;
  }

  /** A register that loads `next` every (enabled) cycle: the small helper in front of reg(). */
  flop(name: string, next: Expr, opts: RegOptions = {}): Signal {
    const loc = callerLoc();
    const r = this.reg(name, next.type, opts);
    this.assignProc(r, next, loc, this.body);
    return r;
  }

  /**
   * Simulation only: `cond` (1 bit) must hold at every rising edge of the current domain's clock,
   * from the second one (the first resets the registers that drive it); where it does not, the
   * simulation stops with `message` and this TS line. Synthesis ignores it (`ifndef SYNTHESIS`).
   * For promises the design makes and no port can show (two ports never hit one bank).
   */
  assert(cond: Operand, message: string): void {
    const loc = callerLoc();
    const c = toExpr(cond, Bool);
    if (c.width !== 1) this.record('width', `assert needs a 1-bit condition, got ${typeName(c.type)}`, loc);
    if (/["\\\n%]/.test(message)) this.record('usage', `assert message must not contain quotes, backslashes, % or newlines: ${JSON.stringify(message)}`, loc);
    const armed = this.claimName(`assert${this.assertions.length}_armed`, loc);
    this.assertions.push({ cond: c, message, loc, domain: this.currentDomain, armed });
  }

  /** A memory (memory.ts); `readDuringWrite` says what a read of the address being written returns (default `old`). */
  memory(name: string, opts: { type: HdlType; depth: number; domain?: ClockDomain; readDuringWrite?: ReadDuringWrite }): Memory {
    const loc = callerLoc();
    if (!Number.isInteger(opts.depth) || opts.depth < 1 || opts.depth > 1 << 24) {
      this.record('usage', `memory '${name}' depth must be an integer in 1..${1 << 24}, got ${opts.depth}`, loc);
    }
    this.claimName(name, loc);
    const mem = new Memory(name, opts.type, Math.max(1, opts.depth | 0), clog2(opts.depth), this, loc, opts.domain ?? this.currentDomain, opts.readDuringWrite);
    this.memories.push(mem);
    return mem;
  }

  /**
   * An instance of `child`; `connections` drives its inputs (all must be connected): a value per
   * input port, or an interface per interface port (connected as by connect()).
   */
  instance(name: string, child: Module, connections: Record<string, Operand | object> = {}): Instance {
    const loc = callerLoc();
    this.claimName(name, loc);
    const inst = new Instance(name, child, this, loc);
    for (const p of child.ports) {
      if (p.role === 'output') {
        inst.outputs.set(p.name, this.declare(`${name}_${p.name}`, p.type, 'instout', loc));
      }
    }
    this.instances.push(inst);
    for (const [port, value] of Object.entries(connections)) {
      if (value instanceof ClockDomain) this.mapDomain(inst, port, value, loc);
      else if (child.interfaces.has(port) && interfaceInfo(value)) this.connectAt(inst.io(port), value as object, loc);
      else this.connectInput(inst, port, value as Operand, loc);
    }
    return inst;
  }

  /** A named constant (e.g. an FSM state), emitted as a localparam. */
  named(name: string, value: number | bigint, type: HdlType): Expr {
    const e = lit(value, type, name);
    this.localparams.set(name, e);
    return e;
  }

  // ---- drivers --------------------------------------------------------------------------------

  /**
   * Continuous assignment: `target` always equals `value`. One per target. An interface target
   * takes every field from an interface of the same shape (or from the bits of `value`, first
   * field in the high bits, as `pack` makes them); all its fields must be drivable here.
   */
  assign(target: Signal, value: Operand): void;
  assign<S extends BundleShape | VecShape>(target: Value<S>, value: Value<S, Expr> | Expr): void;
  assign(target: Signal | object, value: Operand | object): void {
    const loc = callerLoc();
    const info = interfaceInfo(target);
    if (!info) {
      this.assignAt(target as Signal, value as Operand, loc);
      return;
    }
    const from = value instanceof Expr ? unpackLeaves(info.shape, value) : interfaceInfo(value)?.leaves.map((l) => l.signal);
    if (!from) {
      this.record('usage', `assign: ${info.what} is an interface; assign it an interface of the same shape or the bits of one`, loc);
      return;
    }
    const problem = value instanceof Expr ? undefined : shapeMismatch(info, interfaceInfo(value)!);
    if (problem) {
      this.record('width', `cannot assign ${interfaceInfo(value)!.what} to ${info.what} because ${problem}`, loc);
      return;
    }
    info.leaves.forEach((l, i) => this.assignAt(l.signal as Signal, from[i]!, loc));
  }

  /**
   * Connects two interfaces of the same shape in one call: plain fields flow from the source to
   * the sink, flipped fields back. Sources here are what produces data in this module (an input
   * port, an instance's output interface), sinks what consumes it (an output port, an instance's
   * input interface); wires are either. The order of the two arguments does not matter.
   */
  connect(a: object, b: object): void {
    this.connectAt(a, b, callerLoc());
  }

  /** @internal */
  connectAt(a: object, b: object, loc: SourceLoc | undefined): void {
    const ia = interfaceInfo(a);
    const ib = interfaceInfo(b);
    if (!ia || !ib) {
      const bad = !ia ? a : b;
      this.record('usage', `connect: ${bad instanceof Signal ? `signal '${bad.name}'` : 'the value'} is not an interface (use assign() for signals)`, loc);
      return;
    }
    const problem = shapeMismatch(ia, ib);
    if (problem) {
      this.record('width', `cannot connect ${ia.what} (${describeShape(ia.shape)}) to ${ib.what} (${describeShape(ib.shape)}) because ${problem}`, loc);
      return;
    }
    let [src, snk] = [ia, ib];
    if (ia.side === 'sink' || ib.side === 'source') [src, snk] = [ib, ia];
    if (src.side === 'sink' || snk.side === 'source') {
      const both = src.side === 'sink' ? 'sinks' : 'sources';
      const drives = ia.leaves.filter((l) => (both === 'sources') === (l.flow === 'out')).map((l) => l.path.join('.'));
      this.record(
        'multiple-drivers',
        `cannot connect ${ia.what} and ${ib.what} because both are ${both} of ${describeShape(ia.shape)}: each would drive ${drives.join(', ')} ` +
          `(connect a source: an input port or an instance's output, to a sink: an output port or an instance's input)`,
        loc,
      );
      return;
    }
    src.leaves.forEach((l, i) => {
      const k = snk.leaves[i]!;
      if (l.flow === 'out') this.assignAt(k.signal as Signal, l.signal, loc);
      else this.assignAt(l.signal as Signal, k.signal, loc);
    });
  }

  /** Called by Signal.set(): a procedural assignment in the current block. */
  procedural(target: Signal, value: Operand, loc: SourceLoc | undefined): void {
    this.assignProc(target, value, loc, this.current());
  }

  when(cond: Expr, body: () => void): When {
    const loc = callerLoc();
    const stmt = this.ifStmt(cond, loc);
    this.current().push(stmt);
    this.inBlock(stmt.then, body);
    return new When(this, stmt);
  }

  switch(sel: Expr, body: (c: SwitchBuilder) => void): void {
    const loc = callerLoc();
    this.checkOwner(sel, loc);
    const stmt: SwitchStmt = { k: 'switch', sel, cases: [], default: undefined, loc };
    this.current().push(stmt);
    body(new SwitchBuilder(this, stmt));
  }

  // ---- internals used by When, SwitchBuilder, Instance, Memory, Signal ------------------------

  /** @internal */
  inBlock(block: Stmt[], body: () => void): void {
    this.blocks.push(block);
    try {
      body();
    } finally {
      this.blocks.pop();
    }
  }

  /** @internal */
  ifStmt(cond: Expr, loc: SourceLoc | undefined): IfStmt {
    this.checkOwner(cond, loc);
    if (cond.width !== 1 && !cond.poisoned) {
      this.record('width', `condition must be 1 bit wide (Bool), got ${cond.describe()} of type ${typeName(cond.type)}`, loc);
    }
    return { k: 'if', cond, then: [], else: [], loc };
  }

  /** @internal */
  connectInput(inst: Instance, port: string, value: Operand, loc: SourceLoc | undefined): void {
    const p = inst.module.ports.find((q) => q.name === port);
    if (p?.role !== 'input') {
      const inputs = inst.module.ports.filter((q) => q.role === 'input').map((q) => q.name);
      this.record(
        'unknown-port',
        p
          ? `'${port}' is an output of module ${inst.module.name}, it cannot be driven (instance ${inst.name})`
          : `module ${inst.module.name} has no input '${port}' (instance ${inst.name}); inputs: ${inputs.join(', ') || '(none)'}`,
        loc,
      );
      return;
    }
    if (inst.inputs.has(port)) {
      this.record('multiple-drivers', `input '${port}' of instance ${inst.name} is connected twice`, loc);
      return;
    }
    const e = this.convert(value, p.type, `input '${port}' of instance ${inst.name}`, loc);
    if (e) inst.inputs.set(port, { expr: e, loc });
  }

  /** @internal */
  memRead(mem: Memory, name: string, addr: Expr, enable: Expr | undefined): Signal {
    const loc = callerLoc();
    const data = this.declare(name, mem.type, 'memread', loc);
    this.checkAddr(mem, addr, loc);
    this.checkOwner(enable, loc);
    if (enable && enable.width !== 1) this.record('width', `read enable of memory '${mem.name}' must be 1 bit wide`, loc);
    mem.reads.push({ data, addr, enable, loc });
    return data;
  }

  /** @internal */
  memWrite(mem: Memory, addr: Expr, data: Expr): void {
    const loc = callerLoc();
    this.checkAddr(mem, addr, loc);
    const d = this.convert(data, mem.type, `write data of memory '${mem.name}'`, loc);
    if (!d) return;
    mem.writes++;
    this.current().push({ k: 'memwrite', mem, addr, data: d, loc });
  }

  /** @internal A placeholder after an error, so construction can go on. */
  dummy(name: string): Signal {
    return new Signal(name, Bool, 'wire', this, undefined);
  }

  /** @internal Runs the structural checks once the body has been built. */
  finish(): this {
    if (this.finished) return this;
    this.finished = true;
    runModuleChecks(this);
    return this;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  /** All signals, ports first. */
  allSignals(): Signal[] {
    return [...this.ports, ...this.signals];
  }

  // ---- private helpers ------------------------------------------------------------------------

  private current(): Stmt[] {
    return this.blocks[this.blocks.length - 1]!;
  }

  private port(name: string, type: HdlType, role: SignalRole): Signal {
    return this.portAt(name, type, role, callerLoc());
  }

  private portAt(name: string, type: HdlType, role: SignalRole, loc: SourceLoc | undefined): Signal {
    if (this.names.has(name)) {
      this.record('name', `'${name}' is declared twice (first at ${fmt(this.names.get(name))})`, loc);
    }
    this.claimName(name, loc, true);
    const s = new Signal(name, type, role, this, loc);
    this.ports.push(s);
    return s;
  }

  private interfacePort(name: string, shape: BundleShape | VecShape, dir: 'input' | 'output', loc: SourceLoc | undefined): unknown {
    if (!identifier.test(name)) this.record('name', `'${name}' is not a valid identifier (letters, digits and _; not starting with a digit)`, loc);
    if (this.interfaces.has(name)) this.record('name', `interface port '${name}' is declared twice`, loc);
    this.interfaces.set(name, { shape, dir });
    // Inside the module an input interface produces data (a source for connect), an output consumes it.
    const side = dir === 'input' ? 'source' : 'sink';
    return buildValue(shape, side, `port ${name} of module ${this.name}`, (leaf) => {
      const role: SignalRole = (leaf.flow === 'out') === (dir === 'output') ? 'output' : 'input';
      return this.portAt(`${name}_${leaf.suffix}`, leaf.type, role, loc);
    });
  }

  private mapDomain(inst: Instance, name: string, domain: ClockDomain, loc: SourceLoc | undefined): void {
    const childDomain = name === 'default' ? inst.module.defaultDomain : inst.module.domains.find((d) => d.name === name);
    if (!childDomain) {
      const known = ['default', ...inst.module.domains.map((d) => d.name)].join(', ');
      this.record('unknown-port', `module ${inst.module.name} has no clock domain '${name}' (instance ${inst.name}); domains: ${known}`, loc);
      return;
    }
    if (domain.module !== this) {
      this.record('cross-module', `instance ${inst.name}: ${domain.describe()} is not a domain of module ${this.name}`, loc);
      return;
    }
    inst.domains.set(childDomain, domain);
  }

  /** @internal A wire of this module that drives input `port` of `inst`. */
  instanceInputWire(inst: Instance, port: string, type: HdlType, loc: SourceLoc | undefined): Signal {
    const w = this.declare(`${inst.name}_${port}`, type, 'wire', loc);
    this.connectInput(inst, port, w, loc);
    this.instanceInputWires.set(w, { inst, port });
    return w;
  }

  private declare(name: string, type: HdlType, role: SignalRole, loc: SourceLoc | undefined): Signal {
    const unique = this.claimName(name, loc);
    const s = new Signal(unique, type, role, this, loc);
    this.signals.push(s);
    return s;
  }

  /** Validates `name` and returns it, or a numbered variant when it is taken (internal signals). */
  private claimName(name: string, loc: SourceLoc | undefined, exact = false): string {
    if (!identifier.test(name) || reserved.has(name)) {
      this.record(
        'name',
        reserved.has(name)
          ? `'${name}' is ${whyReserved(name)}; choose another name`
          : `'${name}' is not a valid identifier (letters, digits and _; not starting with a digit)`,
        loc,
      );
      name = `invalid_${this.names.size}`;
    }
    let unique = name;
    for (let i = 1; !exact && this.names.has(unique); i++) unique = `${name}_${i}`;
    this.names.set(unique, loc);
    return unique;
  }

  private checkOwner(e: Expr | undefined, loc: SourceLoc | undefined): boolean {
    if (e?.owner && e.owner !== this) {
      this.record('cross-module', `${e.describe()} belongs to module ${e.owner.name} and cannot be used in module ${this.name}; pass it through a port`, loc);
      return false;
    }
    return true;
  }

  private checkAddr(mem: Memory, addr: Expr, loc: SourceLoc | undefined): void {
    this.checkOwner(addr, loc);
    if (addr.signed || addr.width !== mem.addrWidth) {
      this.record(
        'width',
        `address of memory '${mem.name}' (depth ${mem.depth}) must be UInt(${mem.addrWidth}), got ${addr.describe()} of type ${typeName(addr.type)}`,
        loc,
      );
    }
  }

  /** The value converted to `type` for assignment, or undefined after reporting why it cannot be. */
  private convert(value: Operand, type: HdlType, what: string, loc: SourceLoc | undefined): Expr | undefined {
    if (!(value instanceof Expr)) {
      const e = toExpr(value, type);
      return e.poisoned ? undefined : e;
    }
    if (!this.checkOwner(value, loc)) return undefined;
    if (value.poisoned) return undefined;
    if (value.signed === type.signed) {
      if (value.width <= type.width) return value.resize(type.width);
    } else if (!value.signed && value.width < type.width) {
      return value.toSInt().resize(type.width);
    }
    const hint =
      value.signed !== type.signed && value.width <= type.width
        ? 'convert the signedness explicitly (asUInt/toSInt/saturate)'
        : 'narrow it explicitly with truncate(), saturate() or shr()';
    this.record(
      'width',
      `width mismatch: cannot assign ${value.describe()} of type ${typeName(value.type)} to ${what} of type ${typeName(type)}; ${hint}`,
      loc,
    );
    return undefined;
  }

  private checkTarget(target: Signal, loc: SourceLoc | undefined): boolean {
    if (target.module !== this) {
      this.record('cross-module', `signal '${target.name}' belongs to module ${target.module.name}, not ${this.name}`, loc);
      return false;
    }
    if (target.role === 'input') {
      this.record('multiple-drivers', `input port '${target.name}' is driven from outside the module and cannot be assigned inside it`, loc);
      return false;
    }
    if (target.role === 'memread' || target.role === 'instout') {
      this.record(
        'multiple-drivers',
        `'${target.name}' is already driven by ${target.role === 'memread' ? 'a memory read port' : 'an instance output'} (${fmt(target.loc)})`,
        loc,
      );
      return false;
    }
    return true;
  }

  private assignAt(target: Signal, value: Operand, loc: SourceLoc | undefined): void {
    if (!this.checkTarget(target, loc)) return;
    if (this.regs.has(target)) {
      this.record('usage', `register '${target.name}' cannot take a continuous assignment; use set() for its next value`, loc);
      return;
    }
    const prev = this.continuous.get(target);
    if (prev || this.procedural_.has(target)) {
      this.record(
        'multiple-drivers',
        `'${target.name}' has more than one driver: already assigned at ${fmt(prev ? prev.loc : this.procedural_.get(target))}`,
        loc,
      );
      return;
    }
    const e = this.convert(value, target.type, `'${target.name}'`, loc);
    if (e) this.continuous.set(target, { k: 'assign', target, expr: e, loc });
    else this.broken.add(target);
  }

  private assignProc(target: Signal, value: Operand, loc: SourceLoc | undefined, block: Stmt[]): void {
    if (!this.checkTarget(target, loc)) return;
    const prev = this.continuous.get(target);
    if (prev) {
      this.record('multiple-drivers', `'${target.name}' has more than one driver: already continuously assigned at ${fmt(prev.loc)}`, loc);
      return;
    }
    const e = this.convert(value, target.type, `'${target.name}'`, loc);
    if (!e) {
      this.broken.add(target);
      return;
    }
    if (!this.procedural_.has(target)) this.procedural_.set(target, loc);
    block.push({ k: 'assign', target, expr: e, loc });
  }
}

const fmt = (loc: SourceLoc | undefined): string => (loc ? `${loc.file}:${loc.line}` : '<unknown>');

/** Why two interfaces do not have the same shape (first difference), or undefined when they do. */
function shapeMismatch(a: InterfaceInfo, b: InterfaceInfo): string | undefined {
  const byPath = new Map(b.leaves.map((l) => [l.path.join('.'), l]));
  for (const l of a.leaves) {
    const path = l.path.join('.');
    const o = byPath.get(path);
    if (!o) return `${b.what} has no field ${path}`;
    if (!sameType(l.type, o.type)) return `field ${path} is ${typeName(l.type)} on ${a.what} and ${typeName(o.type)} on ${b.what}`;
    if (l.flow !== o.flow) return `field ${path} is flipped on one side only`;
    byPath.delete(path);
  }
  const extra = [...byPath.keys()][0];
  return extra === undefined ? undefined : `${a.what} has no field ${extra}`;
}

/** The leaf values of `shape` cut out of `bits` (first leaf in the high bits). */
function unpackLeaves(shape: BundleShape | VecShape, bits: Expr): Expr[] {
  const specs = leavesOf(shape);
  const total = specs.reduce((n, l) => n + l.type.width, 0);
  if (bits.width !== total) {
    reportError('width', `${bits.describe()} has ${bits.width} bits, ${describeShape(shape)} has ${total}`);
    return specs.map((l) => lit(0, l.type));
  }
  let hi = total - 1;
  return specs.map((l) => {
    const part = bits.slice(hi, hi - l.type.width + 1);
    hi -= l.type.width;
    return l.type.signed ? part.asSInt() : part;
  });
}

export class When {
  constructor(
    private readonly m: Module,
    private last: IfStmt,
  ) {}

  elsewhen(cond: Expr, body: () => void): When {
    const stmt = this.m.ifStmt(cond, callerLoc());
    this.last.else = [stmt];
    this.m.inBlock(stmt.then, body);
    this.last = stmt;
    return this;
  }

  otherwise(body: () => void): void {
    this.m.inBlock(this.last.else, body);
  }
}

export class SwitchBuilder {
  private readonly seen = new Set<bigint>();

  constructor(
    private readonly m: Module,
    private readonly stmt: SwitchStmt,
  ) {}

  is(values: Operand | readonly Operand[], body: () => void): this {
    const loc = callerLoc();
    const list = Array.isArray(values) ? values : [values];
    const exprs: Expr[] = [];
    for (const v of list as Operand[]) {
      const e = toExpr(v, this.stmt.sel.type);
      if (e.kind !== 'const') {
        this.m.record('usage', `switch case values must be constants, got ${e.describe()}`, loc);
        continue;
      }
      if (e.width !== this.stmt.sel.width || e.signed !== this.stmt.sel.signed) {
        this.m.record('width', `case value of type ${typeName(e.type)} does not match selector type ${typeName(this.stmt.sel.type)}`, loc);
        continue;
      }
      if (this.seen.has(e.value)) {
        this.m.record('usage', `case value ${e.value} appears twice in the same switch`, loc);
        continue;
      }
      this.seen.add(e.value);
      exprs.push(e);
    }
    const body_: Stmt[] = [];
    this.stmt.cases.push({ values: exprs, body: body_ });
    this.m.inBlock(body_, body);
    return this;
  }

  default(body: () => void): void {
    this.stmt.default = [];
    this.m.inBlock(this.stmt.default, body);
  }
}

/** A simulation-only check (Module.assert). */
export interface Assertion {
  readonly cond: Expr;
  readonly message: string;
  readonly loc: SourceLoc | undefined;
  readonly domain: ClockDomain;
  /** The flag register that arms it after the first clock edge. */
  readonly armed: string;
}

export interface ModuleOptions {
  /**
   * Keep `name` exactly: when different modules of one design share it, that is an error naming
   * both call sites, instead of each getting a specialised name.
   */
  exactName?: boolean;
  /** The default domain's reset: 'sync' (default), 'async' or 'none'. */
  reset?: ResetKind;
  /** The default domain's reset is active low (port rst_n). */
  resetActiveLow?: boolean;
  /**
   * The default domain's clock port, when not `clk`: a model of a vendor primitive keeps the
   * primitive's port names (an SRAM macro's `A_CLK`), so the model and the real cell are
   * interchangeable. Instances connect it to their parent's clock as usual.
   */
  clockPort?: string;
}

/**
 * Builds a module. `name` is the Verilog module name; `params` (any JSON-like object) goes
 * into the emitted header. When one design holds different modules of the same name (a
 * generator called with different parameters), each gets a specialised name from the
 * parameters that differ (`fir_taps4`, `fir_taps8`; a short hash where parameters do not tell
 * them apart), unless `exactName` is set.
 */
export function buildModule(name: string, params: ParamValue, body: (m: Module) => void, opts: ModuleOptions = {}): Module {
  const callers = callerStack();
  const m = new Module(name, params, callers[0], callers, opts.exactName === true, {
    kind: opts.reset,
    activeLow: opts.resetActiveLow,
    ...(opts.clockPort !== undefined ? { clockPort: opts.clockPort } : {}),
  });
  const loc = callers[0];
  if (!identifier.test(name) || reserved.has(name)) m.record('name', `'${name}' is not a valid module name`, loc);

  pushModule(m);
  try {
    body(m);
  } finally {
    popModule();
  }
  return m.finish();
}
