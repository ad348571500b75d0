/**
 * Modules: ports, wires, registers, memories, submodule instances and a body of when/switch
 * blocks. Build one with `buildModule(name, params, m => { ... })`. Mistakes are recorded (with
 * the user's source line) and reported together by `elaborate()`.
 */
import { popModule, pushModule, type ErrorSink } from './context.js';
import { DesignError, type DesignErrorKind } from './errors.js';
import { Expr, Signal, lit, toExpr, type Operand, type SignalOwner, type SignalRole } from './expr.js';
import type { AssignStmt, IfStmt, Stmt, SwitchStmt } from './ir.js';
import { Memory, type MemoryHost } from './memory.js';
import { callerLoc, type SourceLoc } from './source.js';
import { Bool, clog2, fits, typeName, type HdlType } from './types.js';
import { runModuleChecks, type CombSummary } from './checks.js';

export interface RegOptions {
  /**
   * Value loaded by the synchronous reset (a constant, or an expression such as a seed input);
   * without it the register is not reset.
   */
  init?: number | bigint | Expr;
  /** The register only loads while `enable` is high (clock enable). */
  enable?: Expr;
}

export interface RegInfo {
  readonly init: Expr | undefined;
  readonly enable: Expr | undefined;
}

/** Generator parameters, recorded in the emitted header (any JSON-like object). */
export type ParamValue = object;

export class Instance {
  readonly inputs = new Map<string, { expr: Expr; loc: SourceLoc | undefined }>();
  readonly outputs = new Map<string, Signal>();

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

  /** Connect input `port` to `value` (an alternative to the connection map of `instance()`). */
  connect(port: string, value: Operand): void {
    this.parent.connectInput(this, port, value, callerLoc());
  }

  private outputNames(): string {
    return [...this.outputs.keys()].join(', ') || '(none)';
  }
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Verilog-2005 keywords and SystemVerilog words that tools reject as names, plus our implicit ports. */
const reserved = new Set(
  (
    'always and assign automatic begin buf bufif0 bufif1 case casex casez cell cmos config deassign default defparam ' +
    'design disable edge else end endcase endconfig endfunction endgenerate endmodule endprimitive endspecify endtable ' +
    'endtask event for force forever fork function generate genvar highz0 highz1 if ifnone incdir include initial inout ' +
    'input instance integer join large liblist library localparam macromodule medium module nand negedge nmos nor ' +
    'noshowcancelled not notif0 notif1 or output parameter pmos posedge primitive pull0 pull1 pulldown pullup ' +
    'pulsestyle_onevent pulsestyle_ondetect rcmos real realtime reg release repeat rnmos rpmos rtran rtranif0 rtranif1 ' +
    'scalared showcancelled signed small specify specparam strong0 strong1 supply0 supply1 table task time tran ' +
    'tranif0 tranif1 tri tri0 tri1 triand trior trireg unsigned use uwire vectored wait wand weak0 weak1 while wire wor ' +
    'xnor xor ' +
    // SystemVerilog keywords: Verilator and Yosys parse them as keywords even in .v files.
    'alias always_comb always_ff always_latch assert assume before bind bins binsof bit break byte chandle checker ' +
    'class clocking const constraint context continue cover covergroup coverpoint cross dist do endchecker endclass ' +
    'endclocking endgroup endinterface endpackage endprogram endproperty endsequence enum eventually expect export ' +
    'extends extern final first_match foreach forkjoin global iff ignore_bins illegal_bins implies import inside int ' +
    'interface intersect join_any join_none let local logic longint matches modport new null package packed priority ' +
    'program property protected pure rand randc randcase randsequence ref restrict return s_always s_eventually ' +
    's_nexttime s_until s_until_with sequence shortint shortreal soft solve static string strong struct super sync_accept_on ' +
    'sync_reject_on tagged this throughout timeprecision timeunit type typedef union unique unique0 until until_with ' +
    'untyped var virtual void wait_order weak wildcard with within accept_on checker reject_on nexttime ' +
    'clk rst unused_bits'
  ).split(' '),
);

export class Module implements SignalOwner, ErrorSink, MemoryHost {
  readonly ports: Signal[] = [];
  /** Internal signals in declaration order: wires, registers, memory read data, instance outputs. */
  readonly signals: Signal[] = [];
  readonly regs = new Map<Signal, RegInfo>();
  readonly memories: Memory[] = [];
  readonly instances: Instance[] = [];
  readonly body: Stmt[] = [];
  /** Targets driven by a continuous assignment (exactly one each). */
  readonly continuous = new Map<Signal, AssignStmt>();
  /** Targets of procedural assignments (in when/switch blocks), with the first assignment's line. */
  readonly procedural_ = new Map<Signal, SourceLoc | undefined>();
  readonly errors: DesignError[] = [];
  /** Targets whose assignment was rejected: not reported again as undriven or latched. */
  readonly broken = new Set<Signal>();
  /** Named constants (FSM states) used by this module, emitted as localparams. */
  readonly localparams = new Map<string, Expr>();
  /** Which inputs each output depends on combinationally; set by the checks. */
  comb: CombSummary = new Map();
  private readonly names = new Map<string, SourceLoc | undefined>();
  private readonly blocks: Stmt[][] = [this.body];
  private finished = false;

  constructor(
    readonly name: string,
    readonly params: Readonly<ParamValue>,
    readonly loc: SourceLoc | undefined,
  ) {}

  record(kind: DesignErrorKind, detail: string, loc: SourceLoc | undefined = callerLoc()): void {
    this.errors.push(new DesignError(kind, detail, loc, this.name));
  }

  // ---- declarations ---------------------------------------------------------------------------

  input(name: string, type: HdlType): Signal {
    return this.port(name, type, 'input');
  }

  output(name: string, type: HdlType): Signal {
    return this.port(name, type, 'output');
  }

  /** A wire: undriven when given a type (drive it with assign() or set()), driven by `value` otherwise. */
  wire(name: string, typeOrValue: HdlType | Expr): Signal {
    const loc = callerLoc();
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
    this.regs.set(s, { init, enable: opts.enable });
    return s;
  }

  /** A register that loads `next` every (enabled) cycle: the small helper in front of reg(). */
  flop(name: string, next: Expr, opts: RegOptions = {}): Signal {
    const loc = callerLoc();
    const r = this.reg(name, next.type, opts);
    this.assignProc(r, next, loc, this.body);
    return r;
  }

  memory(name: string, opts: { type: HdlType; depth: number }): Memory {
    const loc = callerLoc();
    if (!Number.isInteger(opts.depth) || opts.depth < 1 || opts.depth > 1 << 24) {
      this.record('usage', `memory '${name}' depth must be an integer in 1..${1 << 24}, got ${opts.depth}`, loc);
    }
    this.claimName(name, loc);
    const mem = new Memory(name, opts.type, Math.max(1, opts.depth | 0), clog2(opts.depth), this, loc);
    this.memories.push(mem);
    return mem;
  }

  /** An instance of `child`; `connections` drives its inputs (all must be connected). */
  instance(name: string, child: Module, connections: Record<string, Operand> = {}): Instance {
    const loc = callerLoc();
    this.claimName(name, loc);
    const inst = new Instance(name, child, this, loc);
    for (const p of child.ports) {
      if (p.role === 'output') {
        inst.outputs.set(p.name, this.declare(`${name}_${p.name}`, p.type, 'instout', loc));
      }
    }
    this.instances.push(inst);
    for (const [port, value] of Object.entries(connections)) this.connectInput(inst, port, value, loc);
    return inst;
  }

  /** A named constant (e.g. an FSM state), emitted as a localparam. */
  named(name: string, value: number | bigint, type: HdlType): Expr {
    const e = lit(value, type, name);
    this.localparams.set(name, e);
    return e;
  }

  // ---- drivers --------------------------------------------------------------------------------

  /** Continuous assignment: `target` always equals `value`. One per target. */
  assign(target: Signal, value: Operand): void {
    this.assignAt(target, value, callerLoc());
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
    if (!p || p.role !== 'input') {
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
    const loc = callerLoc();
    if (this.names.has(name)) {
      this.record('name', `port '${name}' is declared twice (first at ${fmt(this.names.get(name))})`, loc);
    }
    this.claimName(name, loc, true);
    const s = new Signal(name, type, role, this, loc);
    this.ports.push(s);
    return s;
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
          ? `'${name}' is a reserved word in Verilog or in taxonn (clk, rst and unused_bits are implicit); choose another name`
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
      this.record(
        'cross-module',
        `${e.describe()} belongs to module ${e.owner.name} and cannot be used in module ${this.name}; pass it through a port`,
        loc,
      );
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
    const hint = value.signed !== type.signed && value.width <= type.width
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

/**
 * Builds a module. `name` is the Verilog module name: give each specialisation of a
 * parameterised generator its own stable name (e.g. `pe_w8_a8_e8_acc24`); `params` goes into the
 * emitted header.
 */
export function buildModule(name: string, params: ParamValue, body: (m: Module) => void): Module {
  const loc = callerLoc();
  const m = new Module(name, params, loc);
  if (!identifier.test(name) || reserved.has(name)) m.record('name', `'${name}' is not a valid module name`, loc);
  pushModule(m);
  try {
    body(m);
  } finally {
    popModule();
  }
  return m.finish();
}

