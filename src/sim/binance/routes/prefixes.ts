import type { BinancePrefix } from './BinanceRoute.js'

/** Spot REST only. */
export const SPOT: readonly BinancePrefix[] = ['/api/v3']
/** USD-M v1 only. */
export const FAPI1: readonly BinancePrefix[] = ['/fapi/v1']
/** Spot and USD-M v1: endpoints both markets serve under the same name. */
export const SPOT_FAPI1: readonly BinancePrefix[] = ['/api/v3', '/fapi/v1']
/** USD-M v2 and v3 (account, balance, positionRisk). */
export const FAPI23: readonly BinancePrefix[] = ['/fapi/v2', '/fapi/v3']
/** The spot wallet API. */
export const SAPI1: readonly BinancePrefix[] = ['/sapi/v1']
