import type { ExecutionEvents } from '../../core/ports.js'
import type { Decimal } from '../../decimal/index.js'

/** Slippage of the taker part of one order, against the best price when it arrived. */
export interface SlippageRecord {
  readonly clientOrderId: string
  readonly symbol: string
  /** Best opposite price (or last trade) when the order was processed. */
  readonly referencePrice: Decimal
  /** Average price of the taker fills. */
  readonly avgPrice: Decimal
  /** Adverse price difference (positive = worse than the reference). */
  readonly slippage: Decimal
  /** `slippage / referencePrice` in basis points. */
  readonly slippageBps: Decimal
  readonly filledQty: Decimal
  readonly requestedQty: Decimal
  /** True when there was no book and the fallback slippage model priced the fill. */
  readonly fromFallback: boolean
  readonly tsEvent: number
}

/** Events of a {@link PaperTrader}: the shared {@link ExecutionEvents} plus slippage records. */
export interface PaperTraderEvents extends ExecutionEvents {
  'slippage.recorded': [e: { type: 'slippage.recorded'; record: SlippageRecord; tsEvent: number }]
}
