/** The accelerator configuration: schema, defaults, loading and derived sizes (docs/CONFIG.md). */
export {
  configSchema,
  parseConfig,
  ConfigError,
  fracRule,
  pathText,
  show,
  FIELD_RULES,
  LIMITS,
  VARIANTS,
  ROUNDINGS,
  WEIGHT_PORTS,
  HIDDEN_ACTIVATIONS,
  type Config,
  type ConfigInput,
  type ConfigOverrides,
  type ConfigPath,
  type Format,
  type PerLayer,
  type HiddenActivation,
  type ParseOptions,
  type Rounding,
  type Variant,
  type WeightPorts,
} from './schema.js';
export { DEDICATED_LR_FRAC, DEFAULT_CONFIG, DEFAULT_FORMATS, defaultsFor, updateShift, variantDefaults, type UniformConfig } from './defaults.js';
export {
  bitsOf,
  entriesOf,
  entryOf,
  formatFieldText,
  hasPerLayerArithmetic,
  layerArithmetic,
  lrShiftText,
  type LayerArithmetic,
} from './layer-arithmetic.js';
export { deriveSizes, fixedFormats, fusesUpdate, lfsrStride, sampleBoundCycles, type DerivedSizes, type LayerSizes, type MacCounts } from './derive.js';
export { accumulatorNeed, paramCount, peProductBits, type AccumulatorNeed } from './bounds.js';
export { resolveConfig, readConfigFile, deepMerge, hasPath, type ResolveOptions } from './load.js';
