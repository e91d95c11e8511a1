export { Decimal, type DecimalLike, isDecimal } from './Decimal.js'
export { type ParseDecimalOptions, parseDecimal, parsePrice, parseQuantity, toDecimal } from './parse.js'
export {
  decimalPlaces,
  formatDecimal,
  isMultipleOf,
  RoundingMode,
  roundPriceForSide,
  roundToIncrement,
  roundToStep,
  roundToTick,
} from './round.js'
